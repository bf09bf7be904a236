"""The export's files are written side by side: each file is still synced before its
rename, but the syncs of several files go to the disk together rather than each waiting
for the one before (on a shared disk 3 to 6 ms each, a minute for 10,000 people)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sync.delivery.export.files import write_exports
from sync.delivery.export.memo import ExportMemo
from sync.model.values import Attendee, BookedSeries
from tests.delivery.test_ics_export import make_series

BOUND = 60.0
"""Seconds a sync waits for another file's: far longer than writing takes; only reached
when files are synced one after another."""


def team(size: int) -> list[BookedSeries]:
    return [
        make_series(uid=f"karin-{n}@checkin-sync", attendee=Attendee(f"p{n}@example.com", "P"))
        for n in range(size)
    ]


def test_two_files_are_synced_at_the_same_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    together = threading.Barrier(2)
    met: list[bool] = []
    calls = 0
    lock = threading.Lock()

    def fsync(fd: int) -> None:
        nonlocal calls
        with lock:
            calls += 1
            first_two = calls <= 2
        if first_two:
            try:
                together.wait(BOUND)
                met.append(True)
            except threading.BrokenBarrierError:
                met.append(False)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    exported = write_exports(tmp_path, team(6))
    assert met == [True, True]
    assert len(exported.rewritten) == 7  # karin and six people


def test_files_written_side_by_side_are_noted_and_reported_as_one_after_another(
    tmp_path: Path,
) -> None:
    """The memo and the report are the same whichever file's write ends first."""
    memo_path = tmp_path / "cache" / "export.json"
    memo_path.parent.mkdir()
    series = team(40)
    exported = write_exports(tmp_path / "export", series, ExportMemo(memo_path))
    names = sorted(["karin.lind@example.com.ics", *(f"p{n}@example.com.ics" for n in range(40))])
    assert [p.name for p in exported.rewritten] == names
    assert [p.name for p in exported.paths] == names
    memo = ExportMemo(memo_path)
    assert sorted(memo.files) == names
    assert all(memo.current(tmp_path / "export" / name, memo.files[name][0]) for name in names)
    again = write_exports(tmp_path / "export", series, ExportMemo(memo_path))
    assert again.rewritten == [] and [p.name for p in again.paths] == names
