"""Many .ics files are parsed in worker processes, one per core, with the very answer each
file gives when parsed here: busy time, the service's own check-ins, and why a file or a
person could not be read; and what the workers found fills the cache as parsing here does."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sync.connectors import ics_parsing
from sync.connectors.base import BusyReading, CalendarRef
from sync.connectors.ics import IcsConnector
from sync.connectors.ics_cache import IcsBusyCache
from sync.model.values import Interval

DATA = Path(__file__).parent.parent / "data" / "ics"
WINDOW = Interval(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 15, tzinfo=UTC))
BROKEN = "0-not-a-calendar.ics"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Every sample calendar twice over (more files than are parsed in this process), and
    a file that is no calendar."""
    folder = tmp_path / "config"
    folder.mkdir()
    for copy in range(2):
        for sample in sorted(DATA.glob("*.ics")):
            shutil.copy(sample, folder / f"{copy}-{sample.name}")
    (folder / BROKEN).write_text("this is no calendar\n")
    return folder


def people(config: Path) -> list[CalendarRef]:
    """Two people per file, one of them in a zone that does not exist."""
    refs = []
    for number, path in enumerate(sorted(config.glob("*.ics"))):
        refs.append(CalendarRef(f"k{number}@example.com", "Europe/Stockholm", f"ics:{path.name}"))
        zone = "Mars/Olympus" if number == 3 else "America/New_York"
        refs.append(CalendarRef(f"o{number}@example.com", zone, f"ics:{path.name}"))
    return refs


def answer(reading: BusyReading) -> tuple[object, ...]:
    return (reading.busy, reading.own_events, reading.errors, reading.requests)


class Recording(ProcessPoolExecutor):
    started: ClassVar[list[int]] = []

    def __init__(self, workers: int, **options: Any) -> None:
        Recording.started.append(workers)
        super().__init__(workers, **options)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The workers started (however many cores this machine has)."""
    monkeypatch.setattr(ics_parsing.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(ics_parsing, "ProcessPoolExecutor", Recording)
    Recording.started.clear()
    return Recording.started


def test_many_files_are_parsed_in_workers_with_the_same_answers(
    config: Path, two_cores: list[int]
) -> None:
    refs = people(config)
    assert len(refs) // 2 >= ics_parsing.POOL_FROM
    together = IcsConnector(config).read_busy(refs, WINDOW)
    assert two_cores == [2]

    alone = BusyReading()  # each file on its own: parsed in this process
    for index in range(0, len(refs), 2):
        alone.merge(IcsConnector(config).read_busy(refs[index : index + 2], WINDOW))
    assert two_cores == [2]
    assert answer(together) == answer(alone)
    assert list(together.busy) == [r.email for r in refs if r.email in together.busy]
    (broken,) = [r.email for r in refs if r.source == f"ics:{BROKEN}" and r.email[0] == "k"]
    assert BROKEN in together.errors[broken]
    assert "Mars/Olympus" in together.errors["o3@example.com"]
    assert "k3@example.com" in together.busy
    assert together.own_events


def test_a_cold_cache_is_filled_from_the_workers(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_cores: list[int]
) -> None:
    refs = people(config)
    cache = IcsBusyCache(tmp_path / "cache")
    first = IcsConnector(config, cache=cache).read_busy(refs, WINDOW)
    assert two_cores == [2]
    monkeypatch.setattr(ics_parsing, "parse", lambda *_: pytest.fail("parsed again"))
    # a file is kept only when every person's busy time could be read from it
    unread = {r.source for r in refs if r.email in first.errors}
    assert f"ics:{BROKEN}" in unread and refs[6].source in unread
    kept = [r for r in refs if r.source not in unread]
    assert len(kept) > len(refs) // 2
    again = IcsConnector(config, cache=cache).read_busy(kept, WINDOW)
    assert two_cores == [2]
    assert again.busy == {email: first.busy[email] for email in again.busy}
    assert set(again.busy) == {r.email for r in kept} and not again.errors
