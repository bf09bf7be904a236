"""Where a run keeps its files inside data_dir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "state.sqlite"

    @property
    def lock(self) -> Path:
        return self.data_dir / "run.lock"

    @property
    def export(self) -> Path:
        return self.data_dir / "export"

    @property
    def ics_cache(self) -> Path:
        """Busy time of unchanged .ics calendars, kept between runs (safe to delete)."""
        return self.data_dir / "cache" / "ics"

    @property
    def export_memo(self) -> Path:
        """Which export files are current, so a night builds only changed ones."""
        return self.data_dir / "cache" / "export.json"

    @property
    def outbox(self) -> Path:
        """Emails as .eml files, where no [smtp] host is set."""
        return self.data_dir / "outbox"

    @property
    def reports(self) -> Path:
        return self.data_dir / "reports"
