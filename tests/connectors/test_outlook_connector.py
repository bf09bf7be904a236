"""The Outlook connector against the Graph and identity emulators, through real msal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sync.config.provider_settings import OutlookSettings
from sync.connectors.base import CalendarRef, WriteFailed
from sync.connectors.outlook.auth import OutlookAuth, http_session
from sync.connectors.outlook.event_shape import recurrence
from sync.connectors.outlook.times import graph_time
from sync.model.errors import ConfigError
from sync.model.values import (
    Attendee,
    BookedSeries,
    BusyKind,
    Interval,
    Occurrence,
    OccurrenceStatus,
    SeriesStatus,
    TimeRange,
    WorkingHours,
)
from tests.emulators import CALENDARS_READ, GraphEmulator
from tests.outlook_helpers import connector, settings

KARIN, LENA, GHOST = "karin@example.com", "lena@example.com", "ghost@example.com"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
WEEK = Interval(WINDOW.start, WINDOW.start + timedelta(days=7))
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


@pytest.fixture
def graph(graph_emulator: GraphEmulator) -> GraphEmulator:
    graph_emulator.add_user(KARIN, timezone="W. Europe Standard Time")
    graph_emulator.add_user(
        LENA,
        timezone="Eastern Standard Time",
        working_hours={
            "daysOfWeek": WEEKDAYS[:4],
            "startTime": "08:00:00.0000000",
            "endTime": "16:00:00.0000000",
            "timeZone": {"name": "Eastern Standard Time"},
        },
    )
    return graph_emulator


def ref(email: str) -> CalendarRef:
    return CalendarRef(email, "Europe/Stockholm", "outlook")


def meeting(start: str, minutes: int = 60, show_as: str = "busy", **extra: Any) -> dict[str, Any]:
    begin = datetime.fromisoformat(start)
    end = begin + timedelta(minutes=minutes)
    return {
        "subject": "Planning",
        "start": {
            "dateTime": begin.replace(tzinfo=None).isoformat(),
            "timeZone": "W. Europe Standard Time",
        },
        "end": {
            "dateTime": end.replace(tzinfo=None).isoformat(),
            "timeZone": "W. Europe Standard Time",
        },
        "showAs": show_as,
        **extra,
    }


# ---------------------------------------------------------------------------- reading


def test_get_schedule_serves_20_people_per_request_and_windows_under_62_days(
    graph: GraphEmulator,
) -> None:
    people = [f"person{i:02d}@example.com" for i in range(45)]
    for email in people:
        graph.add_user(email)
    outlook = connector(graph)
    outlook.verify(KARIN)
    reading = outlook.read_busy([ref(e) for e in people], WINDOW)
    assert reading.errors == {}
    assert len(reading.busy) == 45
    # 45 people → 3 batches; 63 days → 2 windows
    assert graph.count("getSchedule") == 6


def test_statuses_map_to_busy_time_off_or_nothing(graph: GraphEmulator) -> None:
    for start, status in [
        ("2027-02-01T09:00:00", "busy"),
        ("2027-02-01T11:00:00", "oof"),
        ("2027-02-01T13:00:00", "tentative"),
        ("2027-02-01T15:00:00", "workingElsewhere"),
        ("2027-02-02T09:00:00", "free"),
    ]:
        graph.add_event(KARIN, meeting(start, show_as=status))
    reading = connector(graph).read_busy([ref(KARIN)], WEEK)
    kinds = [(b.start.hour, b.kind) for b in reading.busy[KARIN]]
    assert kinds == [(8, BusyKind.BUSY), (10, BusyKind.TIME_OFF), (12, BusyKind.BUSY)]
    lenient = connector(graph, tentative_is_busy=False).read_busy([ref(KARIN)], WEEK)
    assert [b.start.hour for b in lenient.busy[KARIN]] == [8, 10]


def test_a_recurring_meeting_keeps_its_local_time_across_dst(graph: GraphEmulator) -> None:
    graph.add_event(
        KARIN,
        meeting(
            "2027-03-01T10:00:00",
            recurrence={
                "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                "range": {"type": "noEnd", "startDate": "2027-03-01"},
            },
        ),
    )
    reading = connector(graph).read_busy(
        [ref(KARIN)], Interval(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 6, tzinfo=UTC))
    )
    starts = [b.start for b in reading.busy[KARIN]]
    assert starts[0] == datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert starts[-1] == datetime(2027, 4, 5, 8, tzinfo=UTC)


def test_an_unknown_mailbox_fails_only_that_person(graph: GraphEmulator) -> None:
    outlook = connector(graph)
    outlook.verify(KARIN)
    reading = outlook.read_busy([ref(KARIN), ref(GHOST)], WEEK)
    assert set(reading.busy) == {KARIN}
    assert reading.errors == {GHOST: "Microsoft Graph: ErrorMailRecipientNotFound"}


def test_outlook_working_hours_come_back_in_their_zone(graph: GraphEmulator) -> None:
    reading = connector(graph).read_busy([ref(LENA)], WEEK)
    assert reading.working_hours[LENA] == WorkingHours(
        frozenset({0, 1, 2, 3}), TimeRange(time(8), time(16)), "America/New_York"
    )


def test_throttling_honours_a_fractional_retry_after(graph: GraphEmulator) -> None:
    sleeps: list[float] = []
    graph.inject("getSchedule", 429, retry_after=0.5)
    graph.inject("getSchedule", 503)
    reading = connector(graph, sleeps=sleeps).read_busy([ref(KARIN)], WEEK)
    assert reading.errors == {}
    assert sleeps[0] == 0.5
    assert len(sleeps) == 2


def test_never_more_than_four_requests_at_once_per_mailbox(graph: GraphEmulator) -> None:
    people = [f"p{i:03d}@example.com" for i in range(100)]
    for email in people:
        graph.add_user(email)
    graph.inject("getSchedule", None, times=10, delay=0.3)
    outlook = connector(graph, parallel_requests=10)
    outlook.verify(KARIN)
    reading = outlook.read_busy([ref(e) for e in people], WINDOW)
    assert reading.errors == {}
    assert graph.count("getSchedule") == 10
    assert graph.count("getSchedule", status=429) == 0
    # all through Karin's mailbox, so $batch carries four of them per round trip: Graph runs
    # a batch's requests side by side, and a fifth would be throttled
    assert graph.count("batch") == 3
    assert graph.peak_concurrency(KARIN) <= 4


# ---------------------------------------------------------------------------- writing

UID = "0123456789abcdefghijklmnop@checkin-sync"


def series(**changes: Any) -> BookedSeries:
    base = BookedSeries(
        uid=UID,
        sequence=0,
        status=SeriesStatus.CONFIRMED,
        organiser=Attendee(KARIN, "Karin Lind"),
        attendee=Attendee(LENA, "Lena Berg"),
        timezone="Europe/Stockholm",
        first_start=datetime(2027, 2, 2, 15, tzinfo=STOCKHOLM),
        duration=30,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        occurrences=(),
        summary="Check-in: Karin Lind / Lena Berg",
        description="A regular check-in. Purpose: how you are doing.",
        stamp=datetime(2027, 1, 1, tzinfo=UTC),
    )
    return replace(base, **changes)


def week(n: int, **changes: Any) -> Occurrence:
    start = datetime(2027, 2, 2, 15, tzinfo=STOCKHOLM) + timedelta(weeks=n)
    return replace(Occurrence(start, start, start + timedelta(minutes=30)), **changes)


def tagged(graph: GraphEmulator) -> list[dict[str, Any]]:
    return [
        e
        for e in graph.events(KARIN)
        if e.get("type") == "seriesMaster" and not e.get("isCancelled")
    ]


def test_booking_creates_one_tagged_recurring_event_and_invites_the_employee(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph)
    outlook.write_series(series())
    (event,) = tagged(graph)
    assert event["recurrence"]["pattern"]["daysOfWeek"] == ["tuesday"]
    assert event["recurrence"]["range"]["type"] == "noEnd"
    assert [a["emailAddress"]["address"] for a in event["attendees"]] == [LENA]
    assert graph.count("events.create") == 1
    assert any(w.notified for w in graph.writes)
    assert graph.events(LENA), "the invitation reached Lena's calendar"
    outlook.write_series(series())
    assert graph.count("events.create") == 1, "found by its tag: no second event"
    assert graph.count("events.patch") == 0


def test_a_retried_create_does_not_make_a_second_event(graph: GraphEmulator) -> None:
    graph.inject("events.list", 503, times=1)
    graph.inject("events.create", 504, times=1)
    connector(graph).write_series(series())
    assert len(tagged(graph)) == 1


def test_moved_and_skipped_occurrences_become_exceptions(graph: GraphEmulator) -> None:
    outlook = connector(graph)
    moved_to = datetime(2027, 2, 10, 10, tzinfo=STOCKHOLM)
    changed = series(
        occurrences=(
            week(0),
            week(
                1,
                start=moved_to,
                end=moved_to + timedelta(minutes=30),
                status=OccurrenceStatus.MOVED,
            ),
            week(2, status=OccurrenceStatus.SKIPPED),
        )
    )
    outlook.write_series(changed)
    (event,) = tagged(graph)
    instances = graph.instances(
        KARIN, event["id"], datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 24, tzinfo=UTC)
    )
    starts = sorted(graph_time(i["start"]) for i in instances)
    assert starts == [
        datetime(2027, 2, 2, 14, tzinfo=UTC),
        moved_to.astimezone(UTC),
        datetime(2027, 2, 23, 14, tzinfo=UTC),
    ]
    writes = len(graph.writes)
    outlook.write_series(changed)
    assert len(graph.writes) == writes


def test_ending_and_cancelling(graph: GraphEmulator) -> None:
    outlook = connector(graph)
    outlook.write_series(series())
    outlook.write_series(series(until=datetime(2027, 3, 2, 14, tzinfo=UTC)))
    (event,) = tagged(graph)
    assert event["recurrence"]["range"]["type"] == "endDate"
    assert event["recurrence"]["range"]["endDate"] == "2027-03-02"
    outlook.write_series(series(status=SeriesStatus.CANCELLED))
    outlook.write_series(series(status=SeriesStatus.CANCELLED))
    assert tagged(graph) == []
    assert graph.count("events.cancel") == 1


def test_monthly_series_become_relative_monthly() -> None:
    monthly = series(rrule="FREQ=MONTHLY;BYDAY=-1FR")
    assert recurrence(monthly)["pattern"] == {
        "type": "relativeMonthly",
        "interval": 1,
        "daysOfWeek": ["friday"],
        "index": "last",
    }


def test_an_app_without_write_permission_gets_a_clear_write_failure(graph: GraphEmulator) -> None:
    outlook = connector(graph, roles=[CALENDARS_READ])
    with pytest.raises(WriteFailed, match="403 ErrorAccessDenied"):
        outlook.write_series(series())


# ---------------------------------------------------------------------------- reading back


@pytest.mark.parametrize("view", ["calendar view", "view refuses the tag filter"])
def test_observe_sees_declines_deletions_moves_and_cancelled_occurrences(
    graph: GraphEmulator, view: str
) -> None:
    outlook = connector(graph)
    outlook.write_series(series())
    (event,) = tagged(graph)
    if view != "calendar view":
        graph.inject("calendarView", 400, code="ErrorInvalidUrlQueryFilter", times=1)
    second, third = week(1).original_start, week(2).original_start
    later = datetime(2027, 2, 11, 9, tzinfo=STOCKHOLM)
    graph.move_occurrence(KARIN, event["id"], second, later)
    graph.cancel_occurrence(KARIN, event["id"], third)
    graph.decline(KARIN, event["id"], LENA)
    expected = {UID: [week(n).original_start for n in range(4)]}
    seen = outlook.observe(
        KARIN, expected, Interval(WINDOW.start, WINDOW.start + timedelta(days=28))
    )
    assert seen.error is None
    remote = seen.series[UID]
    assert remote.exists and remote.declined_by == {LENA}
    assert remote.exceptions == {
        second: Interval(later, later + timedelta(minutes=30)),
        third: None,
    }
    graph.delete_event(KARIN, event["id"])
    assert not outlook.observe(KARIN, {UID: []}, WINDOW).series[UID].exists


def test_observe_reads_a_calendar_in_two_listings_however_many_series_it_holds(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph)
    starts = {
        f"{n:026d}@checkin-sync": datetime(2027, 2, 2, 9 + n, tzinfo=STOCKHOLM) for n in range(5)
    }
    for uid, start in starts.items():
        outlook.write_series(series(uid=uid, first_start=start))
    at_noon = next(e for e in tagged(graph) if graph_time(e["start"]).hour == 11)  # UTC
    graph.cancel_occurrence(KARIN, at_noon["id"], datetime(2027, 2, 9, 12, tzinfo=STOCKHOLM))
    kinds = ("events.list", "calendarView", "events.instances")
    before = {kind: graph.count(kind) for kind in kinds}
    expected = {
        uid: [start + timedelta(weeks=n) for n in range(4)] for uid, start in starts.items()
    }
    window = Interval(WINDOW.start, WINDOW.start + timedelta(days=28))
    seen = outlook.observe(KARIN, expected, window)
    assert seen.error is None and all(seen.series[uid].exists for uid in starts)
    changed = {
        uid: dict(seen.series[uid].exceptions) for uid in starts if seen.series[uid].exceptions
    }
    assert changed == {
        "00000000000000000000000003@checkin-sync": {
            datetime(2027, 2, 9, 12, tzinfo=STOCKHOLM): None
        }
    }
    assert {kind: graph.count(kind) - before[kind] for kind in kinds} == {
        "events.list": 1,
        "calendarView": 1,
        "events.instances": 0,
    }
    assert seen.requests == 2


# ---------------------------------------------------------------------------- credentials


def test_missing_settings_are_named() -> None:
    config = OutlookSettings(tenant_id="t")
    with pytest.raises(ConfigError) as raised:
        OutlookAuth(config, http_session(config))
    text = "\n".join(raised.value.problems)
    assert "[outlook] client_id (env CHECKIN_SYNC_OUTLOOK__CLIENT_ID): not set" in text
    assert "[outlook] client_secret" in text


def test_a_refused_secret_is_a_configuration_error(graph: GraphEmulator) -> None:
    config = settings(graph, client_secret="wrong")
    outlook_auth = OutlookAuth(config, http_session(config))
    with pytest.raises(ConfigError, match="Microsoft refused the app's credentials"):
        outlook_auth.verify()


def test_an_expired_token_is_replaced_once(graph: GraphEmulator) -> None:
    outlook = connector(graph)
    outlook.read_busy([ref(KARIN)], WEEK)
    graph.identity.expire_tokens()
    assert outlook.read_busy([ref(KARIN)], WEEK).errors == {}
    assert graph.count("batch", status=401) == 1  # getSchedule goes through $batch
    assert graph.count("getSchedule", status=200) == 2


def test_a_mailbox_outside_the_access_policy_is_an_error_for_that_read(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph)
    graph.restrict(outlook.client.settings.client_id or "", [LENA])
    outlook.verify(KARIN)
    reading = outlook.read_busy([ref(KARIN)], WEEK)
    assert "403" in reading.errors[KARIN]
