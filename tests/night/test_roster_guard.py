"""A people.toml that suddenly lists nobody, or drops many pairs at once, is taken as a
careless edit: it cancels nothing and the run needs attention until the operator confirms
with `run --accept-deletions`; `config check` says what the next run would end."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
NIGHTS = ("2027-02-01T07:00:00+00:00", "2027-02-02T07:00:00+00:00", "2027-02-03T07:00:00+00:00")
KARIN = "karin@example.com"
REPORTS = ["lena", "erik", "omar", "priya", "sven"]

MANAGER = """
[[managers]]
email = "karin@example.com"
name = "Karin Lind"
"""
EMPLOYEE = """
[[employees]]
email = "{name}@example.com"
name = "{title} Example"
manager = "karin@example.com"
"""


def roster(*names: str) -> str:
    entries = [EMPLOYEE.format(name=name, title=name.title()) for name in names]
    return MANAGER + "".join(entries)


def run(cli: CLI, config: ConfigDir, night: int, *extra: str) -> Result:
    result = cli("--config", str(config.root), "run", "--now", NIGHTS[night], *extra)
    assert "Traceback" not in result.err, result.err
    return result


def listing(cli: CLI, config: ConfigDir) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        cli("--config", str(config.root), "proposals", "--json", "--state", "all").out
    )
    return found


def series_states(cli: CLI, config: ConfigDir) -> dict[str, str]:
    return {
        p["employee"]: p["series"]["state"]
        for p in listing(cli, config)
        if p.get("series") and p["kind"] == "regular"
    }


def exported(config: ConfigDir, email: str) -> bytes:
    return (config.export / f"{email}.ics").read_bytes()


@pytest.fixture
def booked(cli: CLI, config: ConfigDir) -> ConfigDir:
    config.people(roster(*REPORTS))
    assert run(cli, config, 0).code == 0
    approved = cli("--config", str(config.root), "approve", "--manager", KARIN, "--all")
    assert approved.out.count("Booked #") == len(REPORTS), approved.out
    return config


@pytest.mark.parametrize(
    "text", ["", "# everyone moved to the new HR system\n", "[defaults]\ncadence = 'weekly'\n"]
)
def test_an_empty_roster_cancels_nothing_until_confirmed(
    cli: CLI, booked: ConfigDir, text: str
) -> None:
    before = {name: exported(booked, f"{name}@example.com") for name in REPORTS}
    booked.people(text)

    check = cli("--config", str(booked.root), "config", "check")
    assert check.code != 0
    assert "people.toml lists no employees" in check.err
    assert f"{KARIN} → lena@example.com: the employee is no longer in people.toml" in check.err

    held = run(cli, booked, 1)
    assert held.code == 1, held.out
    assert "people.toml lists no employees" in held.out
    assert "--accept-deletions" in held.out
    assert "lena@example.com" in held.out and "would end" in held.out
    assert set(series_states(cli, booked).values()) == {"booked"}
    for name in REPORTS:
        after = exported(booked, f"{name}@example.com")
        # one weekly series each (VTIMEZONEs carry yearly rules of their own)
        assert b"STATUS:CANCELLED" not in after and after.count(b"RRULE:FREQ=WEEKLY") == 1, name
        assert before[name].count(b"BEGIN:VEVENT") == after.count(b"BEGIN:VEVENT"), name

    confirmed = run(cli, booked, 2, "--accept-deletions")
    assert "Cancelled:" in confirmed.out
    assert set(series_states(cli, booked).values()) == {"cancelled"}


def test_restoring_the_roster_after_a_held_run_loses_nothing(cli: CLI, booked: ConfigDir) -> None:
    asking = roster(*REPORTS).replace(
        'name = "Lena Example"', 'name = "Lena Example"\nrequest = { within_days = 10 }'
    )
    booked.people(asking)
    assert "Proposed:" in run(cli, booked, 1).out
    booked.people("")
    held = run(cli, booked, 1)
    assert held.code == 1
    assert "closed without a booking" not in held.out, "Lena's request stands"
    booked.people(asking)
    again = run(cli, booked, 2)
    assert again.code == 0, again.out
    assert set(series_states(cli, booked).values()) == {"booked"}, "every approval stands"
    assert not [
        p for p in listing(cli, booked) if p["kind"] == "regular" and p["state"] != "booked"
    ]
    # the request is still being met (its first proposal's date came too close meanwhile)
    assert [p["state"] for p in listing(cli, booked) if p["kind"] == "requested"][-1] == "pending"


def test_dropping_most_pairs_at_once_waits_for_confirmation(cli: CLI, booked: ConfigDir) -> None:
    booked.people(roster("lena"))  # four of five pairs would end
    check = cli("--config", str(booked.root), "config", "check")
    assert check.code != 0 and "no longer has 4 of the 5 pairs" in check.err

    held = run(cli, booked, 1)
    assert held.code == 1 and "no longer has 4 of the 5 pairs" in held.out
    assert set(series_states(cli, booked).values()) == {"booked"}

    confirmed = run(cli, booked, 2, "--accept-deletions")
    states = series_states(cli, booked)
    assert states.pop("lena@example.com") == "booked"
    assert set(states.values()) == {"cancelled"}
    assert confirmed.code == 0, confirmed.out


def test_one_person_leaving_needs_no_confirmation(cli: CLI, booked: ConfigDir) -> None:
    booked.people(roster(*REPORTS[1:]))
    check = cli("--config", str(booked.root), "config", "check")
    assert check.code == 0, check.err
    assert f"{KARIN} → lena@example.com: the employee is no longer in people.toml" in check.out

    result = run(cli, booked, 1)
    assert result.code == 0, result.out
    assert series_states(cli, booked)["lena@example.com"] == "cancelled"
    assert b"STATUS:CANCELLED" in exported(booked, "lena@example.com")
    assert set(series_states(cli, booked).values()) == {"booked", "cancelled"}
