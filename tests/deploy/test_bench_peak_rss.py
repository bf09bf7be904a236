"""The bench's peak RSS of a service child is the child's own, not the bench process's:
`ru_maxrss` keeps the size of the image a child leaves at exec, so a bench holding every
seeded calendar made every night look at least that large (bench/service.py)."""

from __future__ import annotations

from pathlib import Path

from bench.service import service
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir

HELD_MB = 400


def test_a_childs_peak_is_its_own(config: ConfigDir, tmp_path: Path) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    held = bytearray(HELD_MB << 20)
    held[::4096] = b"\x01" * len(held[::4096])  # touched, so resident in this process
    measured = service(config.root, ["proposals"], tmp_path / "service.log")
    assert measured.exit_code == 0, (tmp_path / "service.log").read_text()
    # Python with the command's imports takes tens of megabytes, not this process's size
    assert 10 < measured.peak_rss_mb < HELD_MB / 2, measured
    del held
