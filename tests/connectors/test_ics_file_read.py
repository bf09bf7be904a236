"""A calendar file is read with memory for what it holds, not for the size cap: every .ics
of the organisation is read each night, several side by side."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from sync.connectors import ics


def test_a_small_file_is_read_without_allocating_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "small.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\n" * 600)  # 10 kB
    tracemalloc.start()
    try:
        data = ics._read_file(path, "small.ics")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == path.read_bytes()
    assert peak < 1_000_000 < ics.MAX_BYTES


def test_a_file_that_grew_since_its_size_was_taken_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.ics"
    path.write_bytes(b"x" * 5000)
    real = os.fstat

    class Smaller:
        def __init__(self, facts: os.stat_result) -> None:
            self.st_mode, self.st_size = facts.st_mode, 100

    def fstat(fd: Any) -> Any:
        return Smaller(real(fd))

    monkeypatch.setattr(ics.os, "fstat", fstat)
    assert ics._read_file(path, "growing.ics") == b"x" * 5000
    monkeypatch.setattr(ics, "MAX_BYTES", 1000)
    with pytest.raises(ics.IcsError, match="larger than"):
        ics._read_file(path, "growing.ics")
