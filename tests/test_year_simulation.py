"""A small organisation lived through a hundred nights of change, against each provider's
emulator; see tests/simulation/. Replay a failure with the seed it prints:
``pytest tests/test_year_simulation.py --sim-seed N [--sim-nights M]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.simulation.calendars import GoogleCalendars, GraphCalendars
from tests.simulation.driver import Simulation

# Known, open (issue 14): with seed 1 both runs still find calendar dates the store does not
# know (a date entering the horizon after the spring clock change), a check-in on a Swedish
# public holiday at the horizon's edge, and, on Google, an old series meeting once more after
# its replacement began. Strict: the day they are fixed, this marker must go.
KNOWN_OPEN = pytest.mark.xfail(
    strict=True, reason="year simulation still finds lifecycle defects; see issue 14"
)


@KNOWN_OPEN
def test_a_year_of_change_against_google(
    tmp_path: Path, google_emulator: GoogleCalendarEmulator, sim: dict[str, Any]
) -> None:
    Simulation(tmp_path / "config", GoogleCalendars(google_emulator), **sim).live()


@KNOWN_OPEN
def test_a_year_of_change_against_microsoft_365(
    tmp_path: Path, graph_emulator: GraphEmulator, sim: dict[str, Any]
) -> None:
    Simulation(tmp_path / "config", GraphCalendars(graph_emulator), **sim).live()


@pytest.fixture
def sim(request: pytest.FixtureRequest) -> dict[str, Any]:
    option = request.config.getoption
    return {
        "seed": int(option("--sim-seed")),
        "nights": int(option("--sim-nights")),
        "keep_going": bool(option("--sim-keep-going")),
    }
