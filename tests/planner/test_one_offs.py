"""Extra, one-off check-ins end to end: a welcome back after two weeks out of office, and a
check-in the employee asks for, each proposed, approved and exported as a single event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.cli.test_cli_end_to_end import events, proposals, run
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
NOW = datetime.fromisoformat("2027-02-01T07:00:00+00:00")  # a Monday morning in Stockholm
STOCKHOLM = ZoneInfo("Europe/Stockholm")

PEOPLE = """
[defaults]
timezone = "Europe/Stockholm"
holidays = "SE"

[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "ics:karin.ics"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
calendar = "ics:lena.ics"
cadence = "every 3 weeks"
"""

# Outlook marks out-of-office as OOF: Mon 15 Feb to Fri 26 Feb, ten working days
TWO_WEEKS_OFF = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//test//EN
BEGIN:VEVENT
UID:vacation-1
DTSTAMP:20270101T000000Z
DTSTART;VALUE=DATE:20270215
DTEND;VALUE=DATE:20270227
X-MICROSOFT-CDO-BUSYSTATUS:OOF
SUMMARY:Skiing
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def org(config: ConfigDir) -> ConfigDir:
    config.calendar("karin.ics")
    config.calendar("lena.ics", TWO_WEEKS_OFF)
    config.people(PEOPLE)
    return config


def at(weeks: float) -> str:
    return (NOW + timedelta(weeks=weeks)).isoformat()


def one_offs(cli: CLI, config: ConfigDir, state: str = "all") -> list[dict[str, Any]]:
    return [p for p in proposals(cli, config, "--state", state) if p["cadence"] == "once"]


def local_day(text: str) -> date:
    return datetime.fromisoformat(text).astimezone(STOCKHOLM).date()


def single_events(path: Any) -> list[icalendar.Event]:
    return [e for e in events(path) if "RRULE" not in e and "RECURRENCE-ID" not in e]


def test_back_from_two_weeks_out_of_office_gets_a_welcome_back_check_in(
    cli: CLI, org: ConfigDir
) -> None:
    first = run(cli, org, now=at(0))
    assert first.code == 0, first.out
    (welcome,) = one_offs(cli, org)
    assert welcome["state"] == "pending"
    assert local_day(welcome["first_start"]) in (date(2027, 3, 1), date(2027, 3, 2))
    assert welcome["kind"] == "welcome_back"
    assert welcome["rrule"] == "" and len(welcome["occurrences"]) == 1
    assert (
        "welcome back: Lena returns on 2027-03-01 after 10 working days away"
        in (welcome["explanation"])
    )
    series = next(p for p in proposals(cli, org) if p["cadence"] == "every 3 weeks")
    regular_days = {
        local_day(o["start"]) for o in series["occurrences"] if o["status"] != "skipped"
    }
    assert not regular_days & {date(2027, 3, 1), date(2027, 3, 2)}

    approved = cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    assert approved.out.count("Booked #") == 2, approved.out + approved.err
    (event,) = single_events(org.export / "lena@example.com.ics")
    assert str(event["UID"]) == welcome["uid"]
    assert event["DTSTART"].dt == datetime.fromisoformat(welcome["first_start"])
    assert str(event["SUMMARY"]) == "Welcome back check-in: Karin Lind / Lena Berg"
    assert "Welcome back, Lena!" in str(event["DESCRIPTION"])
    booked = {p["id"]: p["state"] for p in proposals(cli, org, "--state", "all")}
    assert set(booked.values()) == {"booked"}, "a one-off replaces no series, nor is replaced"

    for week in (1, 2, 3):  # later nights, even during the absence, propose no second one
        assert run(cli, org, now=at(week)).code == 0
    assert len(one_offs(cli, org)) == 1


def test_no_welcome_back_when_a_regular_check_in_falls_in_the_first_days_back(
    cli: CLI, org: ConfigDir
) -> None:
    org.people(PEOPLE.replace('"every 3 weeks"', '"weekly"\npreferred = ["mon 10:00-11:00"]'))
    assert run(cli, org, now=at(0)).code == 0
    assert one_offs(cli, org) == []


def test_time_off_shorter_than_the_threshold_or_switched_off_brings_none(
    cli: CLI, org: ConfigDir
) -> None:
    org.people(PEOPLE + "return_checkin_after_days = 11\n")
    assert run(cli, org, now=at(0)).code == 0
    assert one_offs(cli, org) == []
    org.people(PEOPLE.replace("[defaults]", "[defaults]\nreturn_checkin_after_days = 0"))
    assert run(cli, org, now=at(0)).code == 0
    assert one_offs(cli, org) == []


def test_vacation_category_and_a_pause_count_as_time_off(cli: CLI, org: ConfigDir) -> None:
    org.calendar(
        "lena.ics",
        TWO_WEEKS_OFF.replace(
            "X-MICROSOFT-CDO-BUSYSTATUS:OOF", "TRANSP:TRANSPARENT\nCATEGORIES:Semester"
        ),
    )
    assert run(cli, org, now=at(0)).code == 0
    assert [local_day(p["first_start"]) >= date(2027, 3, 1) for p in one_offs(cli, org)] == [True]

    org.calendar("lena.ics")
    org.people(PEOPLE + "paused = { from = 2027-02-08, until = 2027-02-19 }\n")
    assert run(cli, org, now=at(0)).code == 0
    back = [p for p in one_offs(cli, org) if "returns on 2027-02-22" in p["explanation"]]
    assert len(back) == 1
    assert local_day(back[0]["first_start"]) in (date(2027, 2, 22), date(2027, 2, 23))


def test_an_employee_request_is_proposed_at_the_earliest_good_time_and_honoured_once(
    cli: CLI, org: ConfigDir
) -> None:
    org.calendar("lena.ics")
    # Karin is busy all of Tuesday
    org.calendar(
        "karin.ics",
        TWO_WEEKS_OFF.replace("20270215", "20270202")
        .replace("20270227", "20270203")
        .replace("X-MICROSOFT-CDO-BUSYSTATUS:OOF", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"),
    )
    asked = cli(
        "--config",
        str(org.root),
        "request",
        "lena@example.com",
        "--within-days",
        "3",
        "--reason",
        "the reorg",
        "--now",
        at(0),
    )
    assert asked.code == 0, asked.err
    assert "Lena Berg asks for a check-in within 3 working days (Tue 2027-02-02 to " in asked.out
    again = cli("--config", str(org.root), "request", "lena@example.com", "--now", at(0))
    assert "that request is still open" in again.out

    result = run(cli, org, now=at(0))
    assert result.code == 0
    (asked_for,) = one_offs(cli, org)
    start = datetime.fromisoformat(asked_for["first_start"]).astimezone(STOCKHOLM)
    # Tuesday is Karin's busy day; on Wednesday the pair's new series takes 09:00, so the
    # earliest time is after it and its ten-minute buffer
    series = next(p for p in proposals(cli, org) if p["cadence"] == "every 3 weeks")
    assert series["first_start"] == "2027-02-03T09:00:00+01:00"
    assert (start.date(), start.hour, start.minute) == (date(2027, 2, 3), 9, 45)
    assert "requested by Lena: the reorg" in asked_for["explanation"]
    assert asked_for["reason"] == "requested by Lena: the reorg"
    assert asked_for["kind"] == "requested"
    digest = sorted((org.data / "outbox").glob("*.eml"))[-1].read_text()
    assert "- Lena Berg, 30 min: requested by Lena: the reorg" in digest

    cli("--config", str(org.root), "approve", str(asked_for["id"]))
    (event,) = single_events(org.export / "karin@example.com.ics")
    assert str(event["SUMMARY"]) == "Check-in (asked for): Karin Lind / Lena Berg"
    assert "A check-in Lena asked for: the reorg." in str(event["DESCRIPTION"])
    run(cli, org, now=at(0.3))
    run(cli, org, now=at(1))
    assert len(one_offs(cli, org)) == 1, "an honoured request is not proposed again"


def test_a_request_in_people_toml_is_honoured_once_while_it_stays_in_the_file(
    cli: CLI, org: ConfigDir
) -> None:
    org.calendar("lena.ics")
    ask = 'request = { within_days = 2, reason = "feeling stretched" }\n'
    org.people(PEOPLE + ask)
    assert run(cli, org, now=at(0)).code == 0
    (asked_for,) = one_offs(cli, org)
    assert local_day(asked_for["first_start"]) in (date(2027, 2, 2), date(2027, 2, 3))
    cli("--config", str(org.root), "approve", str(asked_for["id"]))
    for week in (0.5, 1, 2):
        assert run(cli, org, now=at(week)).code == 0
    assert len(one_offs(cli, org)) == 1

    # a new ask (another reason, or another date) is a new request
    org.people(PEOPLE + ask.replace("feeling stretched", "career talk"))
    assert run(cli, org, now=at(2)).code == 0
    assert len(one_offs(cli, org)) == 2


def test_a_request_that_cannot_be_met_in_time_is_closed_and_the_manager_told(
    cli: CLI, org: ConfigDir
) -> None:
    org.calendar("lena.ics")
    org.people(PEOPLE + "request = { within_days = 1, made = 2027-02-01 }\n")
    assert run(cli, org, now=at(0)).code == 0
    (asked_for,) = one_offs(cli, org)
    assert asked_for["state"] == "pending"
    late = run(cli, org, now=at(0.5))
    assert "Check-ins asked for, closed without a booking:" in late.out
    assert "no check-in was booked within 1 working day (by 2027-02-02)" in late.out
    assert [p["state"] for p in one_offs(cli, org)] == ["superseded"]
    assert "\n- Asked for: Lena Berg — the check-in" in org.latest_mail(), "a line of its own"
    assert run(cli, org, now=at(1)).code == 0
    assert [p["state"] for p in one_offs(cli, org)] == ["superseded"]


def test_request_refuses_what_it_cannot_do(cli: CLI, org: ConfigDir) -> None:
    nobody = cli("--config", str(org.root), "request", "nobody@example.com")
    assert nobody.code == 2
    assert "nobody@example.com is not an employee in" in nobody.err
    too_long = cli("--config", str(org.root), "request", "lena@example.com", "--within-days", "40")
    assert too_long.code == 2
    assert "--within-days: 40 is outside 1..20" in too_long.err


def test_a_welcome_back_follows_the_employee_to_a_new_manager(cli: CLI, org: ConfigDir) -> None:
    assert run(cli, org, now=at(0)).code == 0
    (first,) = one_offs(cli, org)
    assert (first["manager"], first["state"]) == ("karin@example.com", "pending")
    org.calendar("ade.ics")
    ade = '[[managers]]\nemail = "ade@example.com"\nname = "Ade Okafor"\ncalendar = "ics:ade.ics"\n'
    moved = PEOPLE.replace('manager = "karin@example.com"', 'manager = "ade@example.com"')
    # monthly: the new pair's series does not meet in Lena's first days back by itself
    moved = moved.replace('cadence = "every 3 weeks"', 'cadence = "monthly"')
    org.people(moved.replace("[[employees]]", ade + "\n[[employees]]"))
    assert run(cli, org, now=at(1 / 7)).code == 0
    states = {(p["manager"], p["state"]) for p in one_offs(cli, org)}
    assert states == {("karin@example.com", "cancelled"), ("ade@example.com", "pending")}
