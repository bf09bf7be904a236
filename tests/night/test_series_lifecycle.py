"""A pair's series over several nights of change, judged from what the calendars (Google and
Graph emulators) and the exported .ics files show: a replaced series never shares a date with
its replacement, and a pair the roster no longer has keeps no future check-ins."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from tests.conftest import ConfigDir, Result
from tests.delivery.test_invitations import calendar_part, sent
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import settings_section as google_settings
from tests.outlook_helpers import settings_section as outlook_settings

CLI = Callable[..., Result]
FIRST_NIGHT = datetime(2027, 2, 1, 7, tzinfo=UTC)
KARIN, ADE, LENA, PRIYA, ERIK = (
    "karin@example.com",
    "ade@example.com",
    "lena@example.com",
    "priya@example.com",
    "erik@example.com",
)
ADE_ENTRY = """
[[managers]]
email = "ade@example.com"
name = "Ade Okafor"
"""
Span = tuple[datetime, datetime]

PEOPLE = """
[defaults]
calendar = "{calendar}"

[[managers]]
email = "karin@example.com"
name = "Karin Lind"

{ade}
[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "{lena_manager}"
cadence = "{lena_cadence}"
{lena_extra}
[[employees]]
email = "priya@example.com"
name = "Priya Natarajan"
manager = "{priya_manager}"
cadence = "weekly"

[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
cadence = "weekly"
"""


class Org:
    """Karin and Ade with their reports, all on one provider, night after night."""

    def __init__(self, cli: CLI, config: ConfigDir, calendar: str) -> None:
        self.cli = cli
        self.config = config
        self.calendar = calendar
        self.night = FIRST_NIGHT

    def people(
        self,
        *,
        lena_manager: str = KARIN,
        lena_cadence: str = "weekly",
        lena_extra: str = "",
        priya_manager: str = ADE,
        with_ade: bool = True,
    ) -> None:
        self.config.people(
            PEOPLE.format(
                calendar=self.calendar,
                ade=ADE_ENTRY if with_ade else "",
                lena_manager=lena_manager,
                lena_cadence=lena_cadence,
                lena_extra=lena_extra,
                priya_manager=priya_manager,
            )
        )

    def run(self, *extra: str) -> Result:
        result = self.cli(
            "--config", str(self.config.root), "run", "--now", self.night.isoformat(), *extra
        )
        assert "Traceback" not in result.err, result.err
        return result

    def next_night(self, *extra: str) -> Result:
        self.night += timedelta(days=1)
        return self.run(*extra)

    def approve(self, manager: str) -> Result:
        root = str(self.config.root)
        result = self.cli("--config", root, "approve", "--manager", manager, "--all")
        assert "Traceback" not in result.err, result.err
        return result

    def proposals(self, state: str = "all") -> list[dict[str, Any]]:
        out = self.cli("--config", str(self.config.root), "proposals", "--json", "--state", state)
        listed: list[dict[str, Any]] = json.loads(out.out)
        return listed

    def book_everyone(self) -> None:
        assert self.run().code == 0
        for manager in (KARIN, ADE):
            assert "Booked #" in self.approve(manager).out
        assert {p["state"] for p in self.proposals()} == {"booked"}


@pytest.fixture
def google_org(cli: CLI, config: ConfigDir, google_emulator: GoogleCalendarEmulator) -> Org:
    for email in (KARIN, ADE, LENA, PRIYA, ERIK):
        google_emulator.add_user(email, timezone="Europe/Stockholm")
    config.settings(google_settings(google_emulator, config.root))
    org = Org(cli, config, "google")
    org.people()
    return org


@pytest.fixture
def graph_org(cli: CLI, config: ConfigDir, graph_emulator: GraphEmulator) -> Org:
    for email in (KARIN, ADE, LENA, PRIYA, ERIK):
        graph_emulator.add_user(email, timezone="W. Europe Standard Time")
    config.settings(outlook_settings(graph_emulator))
    org = Org(cli, config, "outlook")
    org.people()
    return org


@pytest.fixture
def ics_org(cli: CLI, config: ConfigDir) -> Org:
    config.calendar("empty.ics")
    org = Org(cli, config, "ics:empty.ics")
    org.people()
    return org


# ---------------------------------------------------------------- what the calendars show


def google_checkins(
    emulator: GoogleCalendarEmulator, organiser: str, attendee: str, after: datetime
) -> list[Span]:
    """Every check-in of the pair still in the organiser's Google calendar after `after`."""
    spans = []
    for event in emulator.events(organiser, include_cancelled=False):
        if "checkinSeries" not in event.get("extendedProperties", {}).get("private", {}):
            continue
        if "recurringEventId" in event:
            continue  # a changed date: listed with its series' instances
        if attendee not in {a["email"] for a in event.get("attendees", [])}:
            continue
        for item in emulator.instances(organiser, event["id"], after, after + timedelta(weeks=12)):
            if item.get("status") != "cancelled":
                spans.append((_instant(item["start"]), _instant(item["end"])))
    return sorted(spans)


def graph_checkins(
    emulator: GraphEmulator, organiser: str, attendee: str, after: datetime
) -> list[Span]:
    """Every check-in of the pair in the organiser's Outlook calendar view after `after`."""
    spans = []
    for item in emulator.view(organiser, after, after + timedelta(weeks=12)):
        people = {a["emailAddress"]["address"] for a in item.get("attendees", [])}
        if attendee in people and not item.get("isCancelled"):
            spans.append((_graph_instant(item["start"]), _graph_instant(item["end"])))
    return sorted(spans)


def exported_checkins(org: Org, person: str, other: str, after: datetime) -> list[Span]:
    """The check-ins `person`'s exported .ics file shows with `other` after `after`."""
    path: Path = org.config.export / f"{person}.ics"
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    spans = []
    for event in recurring_ical_events.of(calendar).between(after, after + timedelta(weeks=12)):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        people = {str(a).lower().removeprefix("mailto:") for a in _list(event.get("ATTENDEE"))}
        organiser = str(event.get("ORGANIZER", "")).lower().removeprefix("mailto:")
        if other in people | {organiser}:
            spans.append((event["DTSTART"].dt.astimezone(UTC), event["DTEND"].dt.astimezone(UTC)))
    return sorted(spans)


def google_or_graph(provider: str, request: pytest.FixtureRequest) -> tuple[Org, Any]:
    org: Org = request.getfixturevalue(f"{provider}_org")
    return org, request.getfixturevalue(f"{provider}_emulator")


def checkins(
    provider: str, emulator: Any, organiser: str, attendee: str, after: datetime
) -> list[Span]:
    if provider == "google":
        return google_checkins(emulator, organiser, attendee, after)
    return graph_checkins(emulator, organiser, attendee, after)


def overlapping(spans: list[Span]) -> list[tuple[Span, Span]]:
    return [(a, b) for a, b in pairwise(spans) if b[0] < a[1]]


def _list(value: Any) -> Iterator[Any]:
    if value is None:
        return iter(())
    return iter(value if isinstance(value, list) else [value])


def _instant(value: dict[str, str]) -> datetime:
    return datetime.fromisoformat(value["dateTime"]).astimezone(UTC)


def _graph_instant(value: dict[str, str]) -> datetime:
    moment = datetime.fromisoformat(value["dateTime"])
    return moment.replace(tzinfo=ZoneInfo(value.get("timeZone", "UTC"))).astimezone(UTC)


# ---------------------------------------------------------------- a replaced series


def change_cadence_and_approve(org: Org) -> None:
    org.book_everyone()
    org.night += timedelta(weeks=1)  # the weekly series has held a date by then
    assert org.run().code == 0
    org.people(lena_cadence="biweekly")
    assert org.next_night().code == 0
    assert "Booked #" in org.approve(KARIN).out
    assert org.next_night().code == 0


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_cadence_change_never_puts_two_check_ins_on_one_date_in_the_calendar(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, emulator = google_or_graph(provider, request)
    change_cadence_and_approve(org)
    calendar = checkins(provider, emulator, KARIN, LENA, org.night)
    assert calendar and overlapping(calendar) == []
    exported = exported_checkins(org, LENA, KARIN, org.night)
    assert exported == calendar, "the export shows what the calendar holds"


def test_a_cadence_change_never_puts_two_check_ins_on_one_date_in_the_export(
    ics_org: Org,
) -> None:
    change_cadence_and_approve(ics_org)
    for person, other in ((LENA, KARIN), (KARIN, LENA)):
        exported = exported_checkins(ics_org, person, other, ics_org.night)
        assert exported and overlapping(exported) == [], person


def ends_by_uid(org: Org) -> dict[str, datetime | None]:
    ends = {p["uid"]: p["series"]["until"] for p in org.proposals() if p.get("series")}
    return {uid: datetime.fromisoformat(end) if end else None for uid, end in ends.items()}


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_store_rebuilt_from_the_calendars_ends_the_replaced_series_where_it_did(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, _ = google_or_graph(provider, request)
    change_cadence_and_approve(org)
    before = ends_by_uid(org)
    assert any(until is not None for until in before.values()), "a series was replaced"
    for path in org.config.data.glob("state.sqlite*"):
        path.unlink()
    assert org.next_night().code == 0  # a lost database is rebuilt from the calendars
    assert ends_by_uid(org) == before


# ---------------------------------------------------------------- pairs that stop existing


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_an_employee_who_moves_keeps_no_check_ins_with_the_old_manager(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, emulator = google_or_graph(provider, request)
    org.book_everyone()
    assert checkins(provider, emulator, KARIN, LENA, org.night)
    org.people(lena_manager=ADE)
    result = org.next_night()
    assert result.code == 0, result.out
    assert "Cancelled:" in result.out and "now reports to ade@example.com" in result.out
    # from the night after the change on, the old pair has nothing ahead, anywhere
    assert checkins(provider, emulator, KARIN, LENA, org.night) == []
    assert exported_checkins(org, LENA, KARIN, org.night) == []
    assert exported_checkins(org, KARIN, LENA, org.night) == []
    # the new pair is proposed, and once approved it is the only one
    assert "Booked #" in org.approve(ADE).out
    assert org.next_night().code == 0
    assert checkins(provider, emulator, KARIN, LENA, org.night) == []
    with_ade = checkins(provider, emulator, ADE, LENA, org.night)
    assert with_ade and exported_checkins(org, LENA, ADE, org.night) == with_ade
    assert not checkins(provider, emulator, KARIN, PRIYA, org.night), "nobody else moved"


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_manager_who_leaves_keeps_no_series_with_former_reports(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, emulator = google_or_graph(provider, request)
    org.book_everyone()
    assert checkins(provider, emulator, ADE, PRIYA, org.night)
    org.people(with_ade=False, priya_manager=KARIN)
    result = org.next_night()
    assert result.code == 0, result.out
    assert "ade@example.com is no longer in people.toml" in result.out
    assert checkins(provider, emulator, ADE, PRIYA, org.night) == []
    assert exported_checkins(org, PRIYA, ADE, org.night) == []
    # Karin's own series go on untouched
    assert checkins(provider, emulator, KARIN, LENA, org.night)
    assert checkins(provider, emulator, KARIN, ERIK, org.night)


def test_a_one_off_proposed_for_a_pair_that_no_longer_exists_is_cancelled(
    google_org: Org,
) -> None:
    org = google_org
    org.book_everyone()
    org.people(lena_extra='request = { within_days = 10, reason = "the reorg" }')
    assert org.next_night().code == 0
    (asked,) = [p for p in org.proposals("pending") if p["employee"] == LENA]
    assert asked["manager"] == KARIN and asked["kind"] == "requested"
    org.people(lena_manager=ADE, lena_extra='request = { within_days = 10, reason = "the reorg" }')
    assert org.next_night().code == 0
    states = {p["id"]: p for p in org.proposals()}
    assert states[asked["id"]]["state"] == "cancelled"
    refused = org.cli("--config", str(org.config.root), "approve", str(asked["id"]))
    assert refused.code != 0 and "Booked" not in refused.out
    # the request itself stands, now for Lena and Ade
    assert [p["manager"] for p in org.proposals("pending") if p["kind"] == "requested"] == [ADE]


def test_a_pair_that_moves_is_cancelled_by_email_where_invitations_are_emailed(
    ics_org: Org,
) -> None:
    org = ics_org
    org.book_everyone()
    invited = len(sent(org.config))
    org.people(lena_manager=ADE)
    assert org.next_night().code == 0
    told = {who: calendar_part(message) for who, message in sent(org.config)[invited:]}
    # Lena is sent a cancellation; Karin, whose own copy is published to her, the copy
    # of the cancelled series
    assert told[LENA][0] == "CANCEL"
    assert told[KARIN][0] == "PUBLISH" and b"STATUS:CANCELLED" in told[KARIN][1]
    assert exported_checkins(org, LENA, KARIN, org.night) == []
