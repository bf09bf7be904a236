"""What a run did, for the operator: a readable summary and the exit code that goes with it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.config.paths import PRIVATE_FILE, keep_private, make_private_dir
from sync.model.said import Said


@dataclass(frozen=True)
class PairLine:
    manager: str
    employee: str
    text: Said
    """Worded in each reader's language: the digest's, the operator's (English)."""
    proposal_id: int | None = None


@dataclass
class RunReport:
    now: datetime
    horizon_weeks: int
    dry_run: bool = False
    proposed: list[PairLine] = field(default_factory=list)
    booked: list[PairLine] = field(default_factory=list)
    superseded: list[PairLine] = field(default_factory=list)
    cancelled: list[PairLine] = field(default_factory=list)
    skipped: list[PairLine] = field(default_factory=list)
    write_failures: list[PairLine] = field(default_factory=list)
    declined: list[PairLine] = field(default_factory=list)
    kept_up: list[PairLine] = field(default_factory=list)
    at_risk: list[PairLine] = field(default_factory=list)
    """Pairs whose check-ins are fizzling out (see health.py), every night they are."""
    became_at_risk: list[PairLine] = field(default_factory=list)
    """Pairs at risk tonight that were not last night: news for their manager, once."""
    back_on_track: list[PairLine] = field(default_factory=list)
    asks: list[PairLine] = field(default_factory=list)
    """Check-ins employees asked for that were withdrawn or could not be met in time."""
    would_write: list[PairLine] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    """Series recovered from the calendars into a new state database (by UID)."""
    stopped: list[str] = field(default_factory=list)
    """Steps left out because the run reached its deadline."""
    config_problems: list[str] = field(default_factory=list)
    read_errors: dict[str, str] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    pending: list[PairLine] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    """Every calendar file the export keeps."""
    rewritten: list[str] = field(default_factory=list)
    """The calendar files whose content changed tonight."""
    export_failures: dict[str, str] = field(default_factory=dict)
    """People whose calendar file could not be written, with the reason."""
    digests_sent: list[str] = field(default_factory=list)
    digests_written: list[str] = field(default_factory=list)
    digest_failures: dict[str, str] = field(default_factory=dict)
    invitations_sent: list[str] = field(default_factory=list)
    invitations_written: list[str] = field(default_factory=list)
    invitation_failures: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.skipped
            or self.config_problems
            or self.read_errors
            or self.write_failures
            or self.digest_failures
            or self.invitation_failures
            or self.export_failures
            or self.stopped
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.needs_attention else 0

    def finish(self) -> None:
        self.seconds = round(time.monotonic() - self.started, 3)

    def summary(self) -> dict[str, Any]:
        # field by field rather than dataclasses.asdict, which deep-copies every line's
        # sentence and its values only for them to be replaced by their words
        data = {item.name: _plain(getattr(self, item.name)) for item in fields(self)}
        data["now"] = self.now.isoformat()
        data["exit_code"] = self.exit_code
        del data["started"]
        return data

    def save(self, path: Path) -> None:
        """The report as JSON, written whole or not at all, readable by this user only: it
        holds the reasons people gave (such as "back from sick leave")."""
        make_private_dir(path.parent)
        partial = path.with_name(path.name + ".partial")
        text = json.dumps(self.summary(), indent=2, ensure_ascii=False) + "\n"
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        keep_private(partial)  # a partial file left by an older version keeps its mode
        os.replace(partial, path)

    def render(self, program: str = "checkin-sync") -> str:
        """The summary; `program` is how the operator invoked us, for copy-paste hints."""
        lines = [
            f"checkin-sync run for {self.now:%Y-%m-%d %H:%M %Z}, planning {self.horizon_weeks} "
            f"weeks ahead{' (dry run: nothing was saved)' if self.dry_run else ''}",
        ]
        sections = [
            ("Proposed", self.proposed),
            ("Booked", self.booked),
            ("Superseded", self.superseded),
            ("Cancelled", self.cancelled),
            ("Declined", self.declined),
            ("Occurrences moved or skipped tonight", self.kept_up),
            ("Check-ins asked for, closed without a booking", self.asks),
            ("Check-ins at risk of fizzling out", self.at_risk),
            ("Skipped (needs attention)", self.skipped),
            ("Calendar writes that failed (retried next run)", self.write_failures),
            ("Calendar writes a real run would make", self.would_write),
        ]
        for title, items in sections:
            if items:
                lines += ["", f"{title}:"]
                for item in items:
                    tag = f"#{item.proposal_id} " if item.proposal_id is not None else ""
                    manager = item.manager or "(manager unknown)"
                    lines.append(f"  {tag}{manager} → {item.employee}")
                    lines.append(f"      {item.text}")  # English: the operator's language
        if self.config_problems:
            lines += ["", "Problems in the configuration (those pairs were left as they are):"]
            lines += [f"  {problem}" for problem in self.config_problems]
        if self.read_errors:
            lines += ["", "Calendars that could not be read:"]
            lines += [f"  {email}: {error}" for email, error in sorted(self.read_errors.items())]
        if self.rebuilt:
            lines += [
                "",
                f"No state database was found: {len(self.rebuilt)} series checkin-sync had "
                "booked were recovered from the calendars.",
            ]
        if self.stopped:
            lines += [
                "",
                "The run reached run_deadline_minutes; left for the next run: "
                + ", ".join(self.stopped),
            ]
        calls = ", ".join(
            f"{kind} {count}" for kind, count in sorted(self.requests.items()) if count
        )
        lines += [
            "",
            f"Pairs: {len(self.proposed)} proposed, {len(self.booked)} booked, "
            f"{len(self.kept_up)} with dates moved or skipped, {len(self.skipped)} skipped, "
            f"{len(self.write_failures)} calendar writes failed.",
            f"Calendar requests: {calls or 'none needed'}. Took {self.seconds:.1f} s.",
        ]
        if self.exported:
            lines.append(
                f"Calendar files: {len(self.rewritten)} of {len(self.exported)} changed and "
                f"rewritten in {self.export_dir()}."
            )
        lines += self.export_failure_lines()
        lines += self._digest_lines()
        if self.pending:
            ids = " ".join(str(p.proposal_id) for p in self.pending)
            managers = sorted({p.manager for p in self.pending})
            lines += [
                "",
                f"{len(self.pending)} proposal(s) await approval. Next:",
                f"  review:   {program} proposals",
                f"  approve:  {program} approve {ids}",
                f"        or  {program} approve --manager {managers[0]} --all",
                f"  reject:   {program} reject ID --reason TEXT   (another time is proposed)",
                "Approving books the series and writes the .ics files at once.",
            ]
        return "\n".join(lines)

    def _digest_lines(self) -> list[str]:
        lines = []
        if self.digests_sent:
            lines.append(f"Digest emails sent to: {', '.join(sorted(set(self.digests_sent)))}.")
        if self.digests_written:
            folder = Path(self.digests_written[0]).parent
            lines.append(
                f"Digest emails: {len(self.digests_written)} written to {folder}/ "
                "(no [smtp] host is set; each .eml file can be opened in a mail program)."
            )
        if self.digest_failures:
            lines += ["", "Digest emails not sent (kept, and retried by the next run):"]
            lines += [f"  {email}: {why}" for email, why in sorted(self.digest_failures.items())]
        lines += self.invitation_lines()
        return lines

    def export_failure_lines(self) -> list[str]:
        if not self.export_failures:
            return []
        lines = ["", "Calendar files not written (the others were):"]
        return lines + [f"  {email}: {why}" for email, why in sorted(self.export_failures.items())]

    def invitation_lines(self) -> list[str]:
        lines = []
        if self.invitations_sent:
            lines.append(f"Invitations sent to: {', '.join(sorted(set(self.invitations_sent)))}.")
        if self.invitations_written:
            folder = Path(self.invitations_written[0]).parent
            lines.append(
                f"Invitations: {len(self.invitations_written)} written to {folder}/ "
                "(no [smtp] host is set)."
            )
        if self.invitation_failures:
            lines += ["", "Invitations not sent (kept, and retried by the next run):"]
            failures = sorted(self.invitation_failures.items())
            lines += [f"  {email}: {why}" for email, why in failures]
        return lines

    def note_export(
        self, paths: Sequence[Path], rewritten: Sequence[Path], failed: Mapping[str, str]
    ) -> None:
        self.exported = [str(path) for path in paths]
        self.rewritten = [str(path) for path in rewritten]
        self.export_failures = dict(failed)

    def export_dir(self) -> str:
        return str(Path(self.exported[0]).parent) if self.exported else ""


def _plain(value: Any) -> Any:
    """A field as JSON takes it: a line's sentence in English words (the operator's)."""
    if isinstance(value, list):
        return [
            {
                "manager": item.manager,
                "employee": item.employee,
                "text": str(item.text),
                "proposal_id": item.proposal_id,
            }
            if isinstance(item, PairLine)
            else item
            for item in value
        ]
    if isinstance(value, dict):
        return dict(value)
    return value
