"""A small organisation lived through a hundred nights of change, against each provider's
emulator; see tests/simulation/. The suite runs one seed; try more locally with
``--sim-seed N`` (or YEAR_SIM_SEED) and ``--sim-keep-going`` to list every kind of violation
with the first night it showed. Replay a failure with the seed and nights it prints:
``pytest tests/end_to_end/test_year_simulation.py --sim-seed N [--sim-nights M]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.simulation.calendars import GoogleCalendars, GraphCalendars
from tests.simulation.driver import Simulation


def test_a_year_of_change_against_google(
    tmp_path: Path, google_emulator: GoogleCalendarEmulator, sim: dict[str, Any]
) -> None:
    Simulation(tmp_path / "config", GoogleCalendars(google_emulator), **sim).live()


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
