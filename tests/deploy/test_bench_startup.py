"""The bench measures start-up with the service's bytecode compiled, as an installed service
has it: where PYTHONDONTWRITEBYTECODE is set, a module edited since it was last compiled is
compiled again by every run, and the start-up measured right after an edit included that
(bench/startup.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bench.service import ROOT
from bench.startup import startup
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir


def test_start_up_is_measured_with_the_bytecode_written(
    config: ConfigDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")  # the child writes none itself
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    listing = ROOT / "sync" / "cli" / "decisions.py"  # what `proposals` runs
    bytecode = Path(importlib.util.cache_from_source(str(listing)))
    bytecode.unlink(missing_ok=True)
    result = startup(config.root, tmp_path / "startup.log", runs=1)
    assert result["proposals"]["exit_codes"] == [0], (tmp_path / "startup.log").read_text()
    assert bytecode.exists()
    assert bytecode.stat().st_mtime >= listing.stat().st_mtime
