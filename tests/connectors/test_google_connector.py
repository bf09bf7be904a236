"""The Google connector against the emulator, through the real client library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sync.connectors.base import CalendarRef, WriteFailed
from sync.connectors.google.auth import GoogleAuth
from sync.connectors.retry import GaveUpTonight
from sync.model.errors import ConfigError
from sync.model.values import (
    Attendee,
    BookedSeries,
    BusyKind,
    Interval,
    Occurrence,
    OccurrenceStatus,
    SeriesStatus,
)
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import connector

KARIN, LENA, GHOST = "karin@example.com", "lena@example.com", "ghost@example.com"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
FREEBUSY = "https://www.googleapis.com/auth/calendar.freebusy"
EVENTS = "https://www.googleapis.com/auth/calendar.events.owned"
EVENTS_READ = "https://www.googleapis.com/auth/calendar.events.owned.readonly"


@pytest.fixture
def emulator(google_emulator: GoogleCalendarEmulator) -> GoogleCalendarEmulator:
    google_emulator.add_user(KARIN, timezone="Europe/Stockholm")
    google_emulator.add_user(LENA, timezone="America/New_York")
    return google_emulator


def ref(email: str, zone: str = "Europe/Stockholm") -> CalendarRef:
    return CalendarRef(email, zone, "google")


def weekly_meeting(start: str, zone: str = "Europe/Stockholm") -> dict[str, object]:
    begin = datetime.fromisoformat(start)
    return {
        "summary": "Team meeting",
        "start": {"dateTime": begin.isoformat(), "timeZone": zone},
        "end": {"dateTime": (begin + timedelta(hours=1)).isoformat(), "timeZone": zone},
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
    }


# ---------------------------------------------------------------------------- reading


def test_freebusy_serves_50_people_per_request_and_60_days_per_window(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    people = [f"person{i:03d}@example.com" for i in range(120)]
    for email in people:
        emulator.add_user(email)
    emulator.add_event(people[7], weekly_meeting("2027-02-01T10:00:00+01:00"))
    reading = connector(emulator, tmp_path, read_out_of_office=False).read_busy(
        [ref(email) for email in people], WINDOW
    )
    # 120 people → 3 batches; 63 days → 2 windows
    assert emulator.count("freebusy.query") == 6
    assert reading.errors == {}
    assert len(reading.busy) == 120
    mondays = reading.busy[people[7]]
    assert mondays[0].start == datetime(2027, 2, 1, 9, tzinfo=UTC)
    assert len(mondays) == 9
    # the weekly meeting keeps 10:00 Stockholm across the DST change on 28 March
    assert mondays[-1].start == datetime(2027, 3, 29, 8, tzinfo=UTC)
    assert reading.busy[people[8]] == []


def test_an_unknown_calendar_fails_only_that_person(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    google.verify(KARIN)
    reading = google.read_busy([ref(KARIN), ref(GHOST)], WINDOW)
    assert set(reading.busy) == {KARIN}
    assert reading.errors[GHOST].startswith("Google Calendar: notFound: no such user, or")
    assert list(reading.errors) == [GHOST]


def test_out_of_office_is_time_off(emulator: GoogleCalendarEmulator, tmp_path: Path) -> None:
    emulator.add_event(
        LENA,
        {
            "summary": "Vacation",
            "eventType": "outOfOffice",
            "start": {"dateTime": "2027-02-15T00:00:00-05:00", "timeZone": "America/New_York"},
            "end": {"dateTime": "2027-02-20T00:00:00-05:00", "timeZone": "America/New_York"},
        },
    )
    reading = connector(emulator, tmp_path).read_busy([ref(LENA, "America/New_York")], WINDOW)
    away = [b for b in reading.busy[LENA] if b.kind is BusyKind.TIME_OFF]
    assert [(b.start, b.end) for b in away] == [
        (datetime(2027, 2, 15, 5, tzinfo=UTC), datetime(2027, 2, 20, 5, tzinfo=UTC))
    ]
    assert emulator.count("events.list") == 1


def test_without_the_events_scope_out_of_office_degrades_to_busy(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    emulator.add_event(
        LENA,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": "2027-02-15T09:00:00-05:00", "timeZone": "America/New_York"},
            "end": {"dateTime": "2027-02-15T17:00:00-05:00", "timeZone": "America/New_York"},
        },
    )
    google = connector(emulator, tmp_path, delegated_scopes=[FREEBUSY, EVENTS])
    reading = google.read_busy([ref(KARIN), ref(LENA, "America/New_York")], WINDOW)
    assert reading.errors == {}
    assert [b.kind for b in reading.busy[LENA]] == [BusyKind.BUSY]
    assert reading.busy[LENA][0].start == datetime(2027, 2, 15, 14, tzinfo=UTC)
    assert google.reader.out_of_office_denied


def test_rate_limits_are_retried_and_retry_after_honoured(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    sleeps: list[float] = []
    emulator.inject("freebusy.query", 429, retry_after=2)
    emulator.inject("freebusy.query", 403, reason="rateLimitExceeded")
    emulator.inject("freebusy.query", 503)
    google = connector(emulator, tmp_path, sleeps=sleeps, read_out_of_office=False)
    reading = google.read_busy(
        [ref(KARIN)], Interval(WINDOW.start, WINDOW.start + timedelta(days=7))
    )
    assert reading.errors == {}
    assert sleeps[0] == 2
    assert len(sleeps) == 3
    assert emulator.count("freebusy.query") == 4


def test_persistent_server_errors_fail_the_batch_not_the_run(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    emulator.inject("freebusy.query", 500, times=10)
    google = connector(emulator, tmp_path, read_out_of_office=False)
    reading = google.read_busy(
        [ref(KARIN), ref(LENA)], Interval(WINDOW.start, WINDOW.start + timedelta(days=7))
    )
    assert reading.busy == {}
    assert reading.errors[KARIN].startswith("Google Calendar answered 500")
    assert "gave up after 4 attempts" in reading.errors[LENA]


# ---------------------------------------------------------------------------- writing


def series(
    *,
    status: SeriesStatus = SeriesStatus.CONFIRMED,
    occurrences: tuple[Occurrence, ...] = (),
    until: datetime | None = None,
) -> BookedSeries:
    first = datetime(2027, 2, 2, 15, tzinfo=STOCKHOLM)
    return BookedSeries(
        uid="0123456789abcdefghijklmnop@checkin-sync",
        sequence=0,
        status=status,
        organiser=Attendee(KARIN, "Karin Lind"),
        attendee=Attendee(LENA, "Lena Berg"),
        timezone="Europe/Stockholm",
        first_start=first,
        duration=30,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        occurrences=occurrences,
        summary="Check-in: Karin Lind / Lena Berg",
        description="A regular check-in. Purpose: how you are doing.",
        stamp=datetime(2027, 1, 1, tzinfo=UTC),
        until=until,
    )


EVENT_ID = "0123456789abcdefghijklmnop"


def week(n: int, **changes: object) -> Occurrence:
    start = datetime(2027, 2, 2, 15, tzinfo=STOCKHOLM) + timedelta(weeks=n)
    occurrence = Occurrence(start, start, start + timedelta(minutes=30))
    from dataclasses import replace

    return replace(occurrence, **changes)  # type: ignore[arg-type]


def test_booking_creates_one_tagged_recurring_event_with_the_employee_invited(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    google.write_series(series())
    event = emulator.event(KARIN, EVENT_ID)
    assert event is not None
    assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=TU"]
    assert event["start"]["timeZone"] == "Europe/Stockholm"
    assert datetime.fromisoformat(event["start"]["dateTime"]) == datetime(
        2027, 2, 2, 14, tzinfo=UTC
    )
    assert [a["email"] for a in event["attendees"]] == [LENA]
    assert event["extendedProperties"]["private"] == {
        "checkinSync": "1",
        "checkinSeries": "0123456789abcdefghijklmnop@checkin-sync",
    }
    assert "Purpose" in event["description"]
    assert [(w.kind, w.send_updates) for w in emulator.writes] == [("events.insert", "all")]
    assert emulator.event(LENA, EVENT_ID) is not None, "the invitation reached Lena's calendar"


def test_writing_the_same_series_again_is_a_no_op(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    google.write_series(series())
    google.write_series(series())
    assert emulator.count("events.insert", status=409) == 1
    assert emulator.count("events.patch") == 0
    assert len([e for e in emulator.events(KARIN) if e["id"].startswith(EVENT_ID)]) == 1


def test_moved_and_skipped_occurrences_become_instance_exceptions(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
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
    google.write_series(changed)
    instances = emulator.instances(
        KARIN, EVENT_ID, datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 24, tzinfo=UTC)
    )
    live = sorted(
        datetime.fromisoformat(i["start"]["dateTime"])
        for i in instances
        if i.get("status") != "cancelled"
    )
    assert live == [
        datetime(2027, 2, 2, 14, tzinfo=UTC),
        moved_to,
        datetime(2027, 2, 23, 14, tzinfo=UTC),
    ]
    writes = len(emulator.writes)
    google.write_series(changed)
    assert len(emulator.writes) == writes, "already as wanted: nothing written, nobody notified"


def test_ending_and_cancelling_a_series(emulator: GoogleCalendarEmulator, tmp_path: Path) -> None:
    google = connector(emulator, tmp_path)
    google.write_series(series())
    google.write_series(series(until=datetime(2027, 3, 1, tzinfo=UTC)))
    event = emulator.event(KARIN, EVENT_ID)
    assert event is not None
    assert event["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270301T000000Z"]
    google.write_series(series(status=SeriesStatus.CANCELLED))
    google.write_series(series(status=SeriesStatus.CANCELLED))
    gone = emulator.event(KARIN, EVENT_ID)
    assert gone is not None and gone["status"] == "cancelled"
    assert [w.send_updates for w in emulator.writes if w.kind == "events.delete"] == ["all"]


def test_an_event_with_our_id_that_we_did_not_make_is_never_overwritten(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    emulator.add_event(KARIN, {"id": EVENT_ID, **weekly_meeting("2027-02-01T10:00:00+01:00")})
    with pytest.raises(WriteFailed, match="was not made by checkin-sync"):
        connector(emulator, tmp_path).write_series(series())
    assert emulator.count("events.patch") == 0


def test_a_series_deleted_by_a_person_is_not_re_created(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    google.write_series(series())
    emulator.delete_event(KARIN, EVENT_ID)
    with pytest.raises(WriteFailed, match="deleted"):
        google.write_series(series())


def test_quota_exceeded_is_not_retried(emulator: GoogleCalendarEmulator, tmp_path: Path) -> None:
    emulator.inject("events.insert", 403, reason="quotaExceeded")
    with pytest.raises(GaveUpTonight):
        connector(emulator, tmp_path).write_series(series())
    assert emulator.count("events.insert") == 1


# ---------------------------------------------------------------------------- reading back


def test_observe_sees_declines_deletions_and_moves_by_people(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    google.write_series(series())
    uid = "0123456789abcdefghijklmnop@checkin-sync"
    original = datetime(2027, 2, 9, 15, tzinfo=STOCKHOLM)
    later = datetime(2027, 2, 11, 9, tzinfo=STOCKHOLM)
    emulator.move_instance(KARIN, EVENT_ID, original, later)
    emulator.cancel_instance(KARIN, EVENT_ID, datetime(2027, 2, 16, 15, tzinfo=STOCKHOLM))
    emulator.decline(KARIN, EVENT_ID, LENA)
    seen = google.observe(KARIN, {uid: [], "missing@checkin-sync": []}, WINDOW)
    assert seen.error is None
    remote = seen.series[uid]
    assert remote.exists and remote.declined_by == {LENA}
    assert remote.exceptions == {
        original: Interval(later, later + timedelta(minutes=30)),
        datetime(2027, 2, 16, 15, tzinfo=STOCKHOLM): None,
    }
    assert not seen.series["missing@checkin-sync"].exists
    emulator.delete_event(KARIN, EVENT_ID)
    assert not google.observe(KARIN, {uid: []}, WINDOW).series[uid].exists


def test_an_unreadable_organiser_calendar_is_an_error_not_a_deletion(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    emulator.inject("events.list", 500, times=10)
    seen = google.observe(KARIN, {"a@checkin-sync": []}, WINDOW)
    assert seen.series == {}
    assert seen.error is not None and "500" in seen.error


# ---------------------------------------------------------------------------- credentials


def test_each_token_asks_for_the_one_narrow_scope_its_call_needs(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    """Delegation granting exactly the three scopes in the README is enough for a whole
    night: free/busy, out-of-office, booking, reading back. Each token asks for one scope."""
    emulator.add_event(
        LENA,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": "2027-02-15T09:00:00-05:00", "timeZone": "America/New_York"},
            "end": {"dateTime": "2027-02-15T17:00:00-05:00", "timeZone": "America/New_York"},
        },
    )
    google = connector(emulator, tmp_path, delegated_scopes=[FREEBUSY, EVENTS_READ, EVENTS])
    reading = google.read_busy([ref(KARIN), ref(LENA, "America/New_York")], WINDOW)
    assert reading.errors == {} and not google.reader.out_of_office_denied
    assert BusyKind.TIME_OFF in {b.kind for b in reading.busy[LENA]}
    google.write_series(series())
    assert google.observe(KARIN, {series().uid: []}, WINDOW).error is None
    assert [f.uid for f in google.list_series(KARIN, WINDOW)] == [series().uid]
    # Karin's free/busy shows no long span, so her events are not read for time off
    assert emulator.granted_scopes() == {
        KARIN: {frozenset({FREEBUSY}), frozenset({EVENTS})},
        LENA: {frozenset({EVENTS_READ})},
    }


def test_the_owned_scopes_do_not_reach_a_calendar_shared_with_the_acting_user(
    emulator: GoogleCalendarEmulator,
) -> None:
    """As on Google, "calendars you own" means owned: a writer's share is not enough."""
    from googleapiclient.errors import HttpError

    emulator.share(LENA, KARIN, "writer")
    service = emulator.build_service(emulator.service_account_credentials(KARIN, [EVENTS]))
    assert service.events().list(calendarId=KARIN).execute()["items"] == []
    with pytest.raises(HttpError) as refused:
        service.events().list(calendarId=LENA).execute()
    assert refused.value.resp.status == 403
    broad = "https://www.googleapis.com/auth/calendar.events"
    service = emulator.build_service(emulator.service_account_credentials(KARIN, [broad]))
    assert service.events().list(calendarId=LENA).execute()["items"] == []


def test_missing_credentials_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[google\] credentials_file .*not set"):
        GoogleAuth(None)
    with pytest.raises(ConfigError, match="does not exist"):
        GoogleAuth(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text('{"type": "service_account"}')
    with pytest.raises(ConfigError, match="not a usable credentials file"):
        GoogleAuth(tmp_path / "bad.json")


def test_refused_delegation_is_a_configuration_error(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path, delegated_scopes=[EVENTS])
    with pytest.raises(ConfigError, match=r"Google refused the credentials for karin@example\.com"):
        google.verify(KARIN)


def test_an_expired_token_is_refreshed_once_then_the_person_fails(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path, read_out_of_office=False)
    week = Interval(WINDOW.start, WINDOW.start + timedelta(days=7))
    google.read_busy([ref(KARIN)], week)
    emulator.expire_tokens()
    assert google.read_busy([ref(KARIN)], week).errors == {}
    assert emulator.count("freebusy.query", status=401) == 1
    emulator.inject("freebusy.query", 401, times=2)
    reading = google.read_busy([ref(KARIN)], week)
    assert reading.errors == {KARIN: "Google Calendar answered 401 authError"}
    assert emulator.count("freebusy.query", status=401) == 3


def test_authorized_user_file_reads_and_books_as_that_user(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    import json

    from sync.config.provider_settings import GoogleSettings
    from sync.connectors.google.client import GoogleClient
    from sync.connectors.google.connector import GoogleConnector
    from tests.google_helpers import FAST

    path = tmp_path / "user.json"
    path.write_text(
        json.dumps(emulator.authorized_user_info(KARIN, [FREEBUSY, EVENTS, EVENTS_READ]))
    )
    settings = GoogleSettings(credentials_file=path, api_endpoint=emulator.api_endpoint)
    google = GoogleConnector(settings, GoogleClient(GoogleAuth(path), settings, policy=FAST))
    assert google.read_busy([ref(KARIN)], WINDOW).errors == {}
    google.write_series(series())
    assert emulator.event(KARIN, EVENT_ID) is not None
