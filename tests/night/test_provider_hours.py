"""Outlook's working hours stand in for the defaults, never for what a person wrote."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sync.config.roster import load_roster
from sync.model.values import TimeRange, WorkingHours
from sync.night.provider_hours import with_provider_hours
from tests.conftest import ConfigDir

NOW = datetime(2027, 2, 1, tzinfo=UTC)
OUTLOOK = WorkingHours(frozenset({0, 1, 2, 3}), TimeRange(time(7), time(15)), "America/New_York")

PEOPLE = """
[defaults]
working_hours = "09:00-17:00"

[[managers]]
email = "karin@example.com"

[[employees]]
email = "lena@example.com"
manager = "karin@example.com"

[[employees]]
email = "erik@example.com"
manager = "karin@example.com"
working_hours = "10:00-16:00"

[[employees]]
email = "omar@example.com"
manager = "karin@example.com"
timezone = "Europe/London"
"""


def test_provider_hours_replace_only_what_the_person_did_not_set(config: ConfigDir) -> None:
    config.people(PEOPLE)
    roster = load_roster(config.root / "people.toml")
    hours = {e: OUTLOOK for e in ("lena@example.com", "erik@example.com", "omar@example.com")}
    adjusted = with_provider_hours(roster, hours, NOW)

    lena = adjusted.employees["lena@example.com"].person
    assert (lena.timezone, lena.working_hours, lena.working_days) == (
        "America/New_York",
        TimeRange(time(7), time(15)),
        frozenset({0, 1, 2, 3}),
    )
    erik = adjusted.employees["erik@example.com"].person
    assert erik == roster.employees["erik@example.com"].person, "his own hours win"
    omar = adjusted.employees["omar@example.com"].person
    # his own zone stays; New York's 07:00-15:00 is 12:00-20:00 in London in February
    assert omar.timezone == "Europe/London"
    assert omar.working_hours == TimeRange(time(12), time(20))
    assert with_provider_hours(roster, {}, NOW) is roster
