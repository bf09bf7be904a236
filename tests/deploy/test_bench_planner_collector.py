"""The bench measures the planner as the nightly job runs it: with the garbage collector's
night thresholds (sync/plumbing/collector.py), and the bench's own ones again after."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

import sync.planner
from bench.config import write_config
from bench.nights import NOW
from bench.org import generate
from bench.versus import run_planner
from sync.config.roster import load_roster
from sync.planner import PairRequest, PlanningInput, PlanOutcome
from sync.plumbing.collector import NIGHT_THRESHOLDS


def test_the_planner_is_measured_with_the_nights_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = generate(12, 3, NOW)
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    seen = []
    plan = sync.planner.plan

    def planned(pairs: Sequence[PairRequest], inputs: PlanningInput) -> list[PlanOutcome]:
        seen.append(gc.get_threshold())
        return plan(pairs, inputs)

    monkeypatch.setattr(sync.planner, "plan", planned)
    before = gc.get_threshold()
    run = run_planner(org, roster, NOW)
    assert run.pairs and seen == [NIGHT_THRESHOLDS]
    assert gc.get_threshold() == before
