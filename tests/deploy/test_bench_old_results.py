"""The bench renders a results file from before round trips (and start-up times) were
recorded: what it lacks is said to be missing, never a KeyError."""

from __future__ import annotations

import json
from pathlib import Path

from bench.output import render
from bench.per_person import growth_table

OLD = Path(__file__).resolve().parents[1] / "data" / "bench" / "results-before-round-trips.json"


def test_an_old_results_file_renders_with_what_it_lacks_said() -> None:
    result = json.loads(OLD.read_text())
    assert "round_trips" not in result["nights"]["steady"]
    text = render(result)
    assert "HTTP round trips: not in these results" in text
    assert "per person: CPU 36.84 ms, 0.705 API calls, – round trips" in text
    assert "steady round trips" not in text  # no verdict on what was not measured
    assert "MET     steady requests ≤ 1.2 × minimum: 705 vs 800" in text
    rows = growth_table([result]).splitlines()[2:]
    assert rows[1].split() == ["1000", "steady", "36.84", "0.705", "–", "674.9"]


def test_the_steady_night_is_judged_by_the_issues_targets() -> None:
    text = render(json.loads(OLD.read_text()))
    assert "MISSED  steady night CPU ≤ 2 ms per person: 36.8 ms" in text
    assert "steady night ≤ 10 s (the target is for N = 10,000)" in text
