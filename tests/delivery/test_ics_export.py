"""The iCalendar export: what calendar apps will see, read back by two independent parsers."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, TimezoneDaylight, TimezoneStandard

from sync.delivery.export.files import write_exports
from sync.ical.ics_writer import OPEN_ENDED_YEARS, calendar_for
from sync.model.values import (
    Attendee,
    BookedSeries,
    Occurrence,
    OccurrenceStatus,
    SeriesStatus,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEW_YORK = ZoneInfo("America/New_York")
KARIN = Attendee("karin.lind@example.com", "Karin Lind")
BO = Attendee("bo.berg@example.com", "Bo Berg")
STAMP = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)


def at(day: date, hour: int = 10, minute: int = 0, zone: ZoneInfo = STOCKHOLM) -> datetime:
    """A wall-clock time in `zone`, as the UTC instant the store would hold."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def skipped(original: datetime) -> Occurrence:
    return Occurrence(
        original, original, original + timedelta(minutes=30), OccurrenceStatus.SKIPPED
    )


def moved(original: datetime, start: datetime, reason: str = "") -> Occurrence:
    end = start + timedelta(minutes=30)
    return Occurrence(original, start, end, OccurrenceStatus.MOVED, reason)


def make_series(**changes: Any) -> BookedSeries:
    """A weekly Tuesday 10:00-10:30 Stockholm check-in from 2 March 2027, open-ended."""
    series = BookedSeries(
        uid="karin-bo@checkin-sync",
        sequence=0,
        status=SeriesStatus.CONFIRMED,
        organiser=KARIN,
        attendee=BO,
        timezone="Europe/Stockholm",
        first_start=at(date(2027, 3, 2)),
        duration=30,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        occurrences=(),
        summary="Check-in: Karin / Bo",
        description="Regular 1:1.",
        stamp=STAMP,
    )
    return replace(series, **changes)


# A series with one of everything: it ends, one meeting is skipped and one is moved.
UNTIL = at(date(2027, 4, 27), 23, 59)
SKIPPED_AT, SKIPPED_AFTER_DST = at(date(2027, 3, 16)), at(date(2027, 4, 13))
MOVED_FROM, MOVED_TO = at(date(2027, 3, 23)), at(date(2027, 3, 24), 14)


def eventful_series(**changes: Any) -> BookedSeries:
    occurrences = (
        skipped(SKIPPED_AT),
        moved(MOVED_FROM, MOVED_TO, "Karin is travelling"),
        skipped(SKIPPED_AFTER_DST),
    )
    return make_series(until=UNTIL, occurrences=occurrences, **changes)


EXPECTED_STARTS = [
    at(date(2027, 3, 2)),
    at(date(2027, 3, 9)),
    MOVED_TO,
    at(date(2027, 3, 30)),
    at(date(2027, 4, 6)),
    at(date(2027, 4, 20)),
    at(date(2027, 4, 27)),
]
WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def expand(data: bytes) -> list[Event]:
    events: list[Event] = recurring_ical_events.of(parse(data)).between(*WINDOW)
    return sorted(events, key=lambda e: e.decoded("DTSTART"))


def unfolded(data: bytes) -> str:
    return data.decode().replace("\r\n ", "")


def vobject_calendar(data: bytes) -> Any:
    # vobject keeps a process-wide TZID -> tzinfo map in which the first VTIMEZONE seen wins;
    # forget earlier ones so each file is read with its own VTIMEZONE.
    registry: dict[str, tzinfo] = getattr(vobject.icalendar, "__tzidMap")
    for tzid in [t for t in registry if t != "UTC"]:
        del registry[tzid]
    return vobject.readOne(data.decode())


def vobject_starts(data: bytes) -> list[datetime]:
    """Instants of every meeting as vobject sees them, with RECURRENCE-IDs applied by hand."""
    events = vobject_calendar(data).vevent_list
    master = next(e for e in events if not hasattr(e, "recurrence_id"))
    starts = set(master.getrruleset())
    for override in (e for e in events if hasattr(e, "recurrence_id")):
        starts.remove(override.recurrence_id.value)
        starts.add(override.dtstart.value)
    return sorted(starts)


def rfc6868_decode(value: str) -> str:
    """vobject does not implement RFC 6868, so parameter values reach us still encoded."""
    mapping = {"^^": "^", "^n": "\n", "^'": '"'}
    out, i = [], 0
    while i < len(value):
        pair = value[i : i + 2]
        out.append(mapping.get(pair, value[i]))
        i += 2 if pair in mapping else 1
    return "".join(out)


# --- round trip through icalendar + recurring_ical_events -------------------------------------


def test_occurrences_round_trip_with_skip_move_and_until() -> None:
    events = expand(calendar_for(KARIN.email, [eventful_series()]))

    assert [e.decoded("DTSTART") for e in events] == EXPECTED_STARTS
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(minutes=30) for e in events)
    assert all(e.decoded("DTSTART").tzinfo == STOCKHOLM for e in events)
    moved_event = events[2]
    assert moved_event.decoded("RECURRENCE-ID") == MOVED_FROM
    assert moved_event["DESCRIPTION"] == "Regular 1:1.\n\nMoved: Karin is travelling"
    assert events[0]["DESCRIPTION"] == "Regular 1:1."


def test_rrule_keeps_interval_and_until_is_utc() -> None:
    series = make_series(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", until=at(date(2027, 4, 13)))
    data = calendar_for(KARIN.email, [series])

    assert "RRULE:FREQ=WEEKLY;UNTIL=20270413T080000Z;INTERVAL=2;BYDAY=TU" in unfolded(data)
    starts = [e.decoded("DTSTART") for e in expand(data)]
    assert starts == [at(date(2027, 3, d)) for d in (2, 16, 30)] + [at(date(2027, 4, 13))]


def test_cancelled_series_is_cancelled_everywhere() -> None:
    data = calendar_for(KARIN.email, [eventful_series(status=SeriesStatus.CANCELLED)])

    components = parse(data).walk("VEVENT")
    assert len(components) == 2
    assert [c["STATUS"] for c in components] == ["CANCELLED", "CANCELLED"]
    assert "STATUS:CONFIRMED" not in data.decode()
    confirmed = parse(calendar_for(KARIN.email, [eventful_series()])).walk("VEVENT")
    assert [c["STATUS"] for c in confirmed] == ["CONFIRMED", "CONFIRMED"]


# --- an independent reader: vobject, which uses the VTIMEZONE in the file ---------------------


def test_vobject_sees_the_same_meetings() -> None:
    data = calendar_for(KARIN.email, [eventful_series()])

    starts = vobject_starts(data)
    assert starts == EXPECTED_STARTS
    assert [s.astimezone(STOCKHOLM).hour for s in starts] == [10, 10, 14, 10, 10, 10, 10]
    # vobject resolved the TZID through our VTIMEZONE, not a zone database.
    assert not isinstance(starts[0].tzinfo, ZoneInfo)


# --- daylight saving time and VTIMEZONE --------------------------------------------------------


def test_weekly_meeting_keeps_local_time_across_spring_change() -> None:
    series = make_series(first_start=at(date(2027, 3, 16)), until=at(date(2027, 4, 6), 12))
    data = calendar_for(KARIN.email, [series])

    for starts in ([e.decoded("DTSTART") for e in expand(data)], vobject_starts(data)):
        assert [s.astimezone(STOCKHOLM).strftime("%m-%d %H:%M") for s in starts] == [
            "03-16 10:00",
            "03-23 10:00",
            "03-30 10:00",
            "04-06 10:00",
        ]
        assert [s.utcoffset() for s in starts] == [timedelta(hours=h) for h in (1, 1, 2, 2)]
        assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 8, 8]


def test_each_zone_gets_a_vtimezone_with_standard_and_daylight() -> None:
    new_york = make_series(
        uid="dan-eva@checkin-sync",
        timezone="America/New_York",
        first_start=at(date(2027, 3, 2), 9, zone=NEW_YORK),
    )
    data = calendar_for(KARIN.email, [make_series(), new_york])

    zones = parse(data).timezones
    assert [z.tz_name for z in zones] == ["America/New_York", "Europe/Stockholm"]
    for zone in zones:
        assert zone.standard
        assert zone.daylight
    stockholm = zones[1]
    assert {(o.TZOFFSETFROM, o.TZOFFSETTO) for o in stockholm.daylight} == {
        (timedelta(hours=1), timedelta(hours=2))
    }
    assert "DTSTART;TZID=America/New_York:20270302T090000" in data.decode()


def real_transitions(zone: ZoneInfo, first: datetime, last: datetime) -> set[datetime]:
    found, instant = set(), first
    while instant < last:
        after = instant + timedelta(hours=1)
        if instant.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            found.add(after)
        instant = after
    return found


def onsets_in(vtimezone: Any, last: datetime) -> set[datetime]:
    """Every change of offset a VTIMEZONE states until `last`, in UTC (RFC 5545 reads each
    onset as local time in TZOFFSETFROM), whether listed or made by a yearly RRULE."""
    onsets = set()
    observances: list[TimezoneStandard | TimezoneDaylight] = [
        *vtimezone.standard,
        *vtimezone.daylight,
    ]
    for observance in observances:
        if observance.TZOFFSETFROM == observance.TZOFFSETTO:
            continue
        local = [observance.DTSTART, *(start for start, _ in observance.rdates)]
        if "RRULE" in observance:
            rule = observance["RRULE"].to_ical().decode()
            local += rrulestr(rule, dtstart=observance.DTSTART).between(
                observance.DTSTART, last.replace(tzinfo=None)
            )
        onsets |= {(t - observance.TZOFFSETFROM).replace(tzinfo=UTC) for t in local}
    return {t for t in onsets if t < last}


@pytest.mark.parametrize("zone", [STOCKHOLM, NEW_YORK], ids=str)
def test_vtimezone_onsets_are_the_real_transitions(zone: ZoneInfo) -> None:
    # RFC 5545 reads an onset's DTSTART in TZOFFSETFROM; icalendar's own builder would put
    # each spring change an hour late.
    series = make_series(timezone=str(zone), first_start=at(date(2027, 3, 2), 9, zone=zone))
    (vtimezone,) = parse(calendar_for(KARIN.email, [series])).timezones

    span = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
    onsets = onsets_in(vtimezone, span[1])
    assert {t for t in onsets if t >= span[0]} == real_transitions(zone, *span)
    assert min(onsets) < datetime(2027, 1, 1, tzinfo=UTC), "the offset on 1 January is stated"


def test_a_regular_zone_is_two_yearly_rules() -> None:
    data = calendar_for(KARIN.email, [eventful_series()])

    (vtimezone,) = parse(data).timezones
    (standard,), (daylight,) = vtimezone.standard, vtimezone.daylight
    assert standard["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    # since the rule took effect (the EU's of 1996), as Google, Outlook and Apple write it
    assert datetime(1996, 10, 27, 3) == standard.DTSTART
    assert datetime(1996, 3, 31, 2) == daylight.DTSTART
    assert b"RDATE" not in data
    assert len(data) < 2500


def test_vobject_offsets_from_vtimezone_match_zone_database() -> None:
    data = calendar_for(KARIN.email, [make_series()])
    from_file = vobject_calendar(data).vtimezone.gettzinfo()

    day = date(2027, 1, 1)
    while day < date(2027 + OPEN_ENDED_YEARS, 12, 31):
        wall = datetime(day.year, day.month, day.day, 10)
        assert from_file.utcoffset(wall) == STOCKHOLM.utcoffset(wall), day
        day += timedelta(days=1)


# --- escaping ----------------------------------------------------------------------------------

AWKWARD_ORGANISER = Attendee("karin.lind@example.com", 'Lind, Karin; "KL"')
AWKWARD_ATTENDEE = Attendee("bo.berg@example.com", "Bo Berg\nOps ^ team")
AWKWARD_SUMMARY = 'Check-in: Karin, Bo; "weekly" \\ 1:1\nsecond line'


def awkward_calendar() -> bytes:
    series = eventful_series(
        organiser=AWKWARD_ORGANISER,
        attendee=AWKWARD_ATTENDEE,
        summary=AWKWARD_SUMMARY,
        description="Agenda: a, b; c\nNotes \\ more",
    )
    return calendar_for(KARIN.email, [series])


def test_escaped_forms_in_raw_bytes() -> None:
    text = unfolded(awkward_calendar())

    assert "ORGANIZER;CN=\"Lind, Karin; ^'KL^'\":mailto:karin.lind@example.com" in text
    assert 'ATTENDEE;CN="Bo Berg^nOps ^^ team";' in text
    assert 'SUMMARY:Check-in: Karin\\, Bo\\; "weekly" \\\\ 1:1\\nsecond line' in text
    assert "DESCRIPTION:Agenda: a\\, b\\; c\\nNotes \\\\ more\r\n" in text


def test_escaping_round_trips_through_icalendar() -> None:
    for event in parse(awkward_calendar()).walk("VEVENT"):
        assert event["SUMMARY"] == AWKWARD_SUMMARY
        assert event["ORGANIZER"].params["CN"] == AWKWARD_ORGANISER.name
        assert event["ATTENDEE"].params["CN"] == AWKWARD_ATTENDEE.name
    assert parse(awkward_calendar()).walk("VEVENT")[0]["DESCRIPTION"] == (
        "Agenda: a, b; c\nNotes \\ more"
    )


def test_escaping_round_trips_through_vobject() -> None:
    master = vobject_calendar(awkward_calendar()).vevent_list[0]

    assert master.summary.value == AWKWARD_SUMMARY
    assert master.description.value == "Agenda: a, b; c\nNotes \\ more"
    organiser_cn = master.organizer.params["CN"][0]
    assert organiser_cn == "Lind, Karin; ^'KL^'"  # vobject leaves RFC 6868 encoding alone
    assert rfc6868_decode(organiser_cn) == AWKWARD_ORGANISER.name
    assert rfc6868_decode(master.attendee.params["CN"][0]) == AWKWARD_ATTENDEE.name


# --- identity and people -----------------------------------------------------------------------


def test_calendar_and_event_properties() -> None:
    series = eventful_series(sequence=3)
    cal = parse(calendar_for(KARIN.email, [series]))

    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//checkin-sync//checkin-sync//EN"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal["X-WR-CALNAME"] == "Check-ins"
    master, override = cal.walk("VEVENT")
    for event in (master, override):
        assert event["UID"] == "karin-bo@checkin-sync"
        assert event["SEQUENCE"] == 3
        assert event["SUMMARY"] == "Check-in: Karin / Bo"
        assert event["TRANSP"] == "OPAQUE"
        assert event.decoded("DTSTAMP") == STAMP
        assert event.decoded("LAST-MODIFIED") == STAMP
        assert str(event["ORGANIZER"]) == "mailto:karin.lind@example.com"
        assert event["ORGANIZER"].params["CN"] == "Karin Lind"
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:bo.berg@example.com"
        # a published calendar asks nobody for a reply (RFC 5546 3.2.1)
        assert dict(attendee.params) == {"CN": "Bo Berg", "ROLE": "REQ-PARTICIPANT"}
    assert "RECURRENCE-ID" not in master
    text = unfolded(calendar_for(KARIN.email, [series]))
    assert "EXDATE;TZID=Europe/Stockholm:20270316T100000,20270413T100000\r\n" in text
    assert "RECURRENCE-ID;TZID=Europe/Stockholm:20270323T100000\r\n" in text
    assert "DTSTAMP:20270115T080000Z\r\n" in text


def test_calendar_holds_only_the_owners_series() -> None:
    others = make_series(
        uid="dan-eva@checkin-sync",
        organiser=Attendee("dan@example.com", "Dan"),
        attendee=Attendee("eva@example.com", "Eva"),
    )
    series = [make_series(), others]

    def uids(owner: str) -> list[str]:
        return [str(e["UID"]) for e in parse(calendar_for(owner, series)).walk("VEVENT")]

    assert uids("BO.Berg@example.com") == ["karin-bo@checkin-sync"]
    assert uids("eva@example.com") == ["dan-eva@checkin-sync"]
    assert uids("nobody@example.com") == []


def test_rejects_foreign_and_duplicate_uids() -> None:
    with pytest.raises(ValueError, match="does not end with"):
        calendar_for(KARIN.email, [make_series(uid="karin-bo@example.com")])
    with pytest.raises(ValueError, match="share the UID"):
        calendar_for(KARIN.email, [make_series(), make_series(sequence=1)])


# --- determinism -------------------------------------------------------------------------------


def two_zone_series() -> list[BookedSeries]:
    new_york = make_series(
        uid="aaa@checkin-sync",
        timezone="America/New_York",
        first_start=at(date(2027, 3, 2), 9, zone=NEW_YORK),
        occurrences=(moved(at(date(2027, 3, 9), 9, zone=NEW_YORK), at(date(2027, 3, 10), 9)),),
    )
    later_move = moved(at(date(2027, 4, 6)), at(date(2027, 4, 7)))
    stockholm = eventful_series()
    stockholm = replace(stockholm, occurrences=(later_move, *stockholm.occurrences))
    return [stockholm, new_york]


def test_output_is_deterministic() -> None:
    series = two_zone_series()
    first = calendar_for(KARIN.email, series)

    assert calendar_for(KARIN.email, series) == first
    assert calendar_for(KARIN.email, list(reversed(series))) == first
    text = first.decode()
    assert text.index("UID:aaa@checkin-sync") < text.index("UID:karin-bo@checkin-sync")
    recurrence_ids = [line for line in text.splitlines() if line.startswith("RECURRENCE-ID")]
    assert recurrence_ids == [
        "RECURRENCE-ID;TZID=America/New_York:20270309T090000",
        "RECURRENCE-ID;TZID=Europe/Stockholm:20270323T100000",
        "RECURRENCE-ID;TZID=Europe/Stockholm:20270406T100000",
    ]


def test_output_does_not_depend_on_hash_seed() -> None:
    # icalendar collects TZIDs in a set; its order differs between PYTHONHASHSEED 0 and 1.
    program = (
        "import pickle, sys\n"
        "from sync.ical.ics_writer import calendar_for\n"
        "sys.stdout.buffer.write(calendar_for(*pickle.loads(sys.stdin.buffer.read())))\n"
    )
    payload = pickle.dumps((KARIN.email, two_zone_series()))
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            input=payload,
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(4)
    }
    assert outputs == {calendar_for(KARIN.email, two_zone_series())}


# --- files -------------------------------------------------------------------------------------

CECILIA = Attendee("Cecilia.Ek@Example.com", "Cecilia Ek")
DAN, EVA = Attendee("dan@example.com", "Dan"), Attendee("eva@example.com", "Eva")


def team() -> list[BookedSeries]:
    return [
        make_series(),
        make_series(uid="karin-cecilia@checkin-sync", attendee=CECILIA),
        make_series(uid="dan-eva@checkin-sync", organiser=DAN, attendee=EVA),
    ]


def file_uids(path: Path) -> list[str]:
    return [str(e["UID"]) for e in parse(path.read_bytes()).walk("VEVENT")]


def test_write_exports_one_file_per_person(tmp_path: Path) -> None:
    export_dir = tmp_path / "exports" / "ics"
    exported = write_exports(export_dir, team())
    paths = exported.paths
    assert exported.rewritten == paths, "every file is new"

    people = ["bo.berg", "cecilia.ek", "dan", "eva", "karin.lind"]
    expected = [export_dir / f"{name}@example.com.ics" for name in people]
    assert paths == expected
    assert sorted(export_dir.iterdir()) == expected  # nothing else, e.g. no temp files
    assert file_uids(export_dir / "karin.lind@example.com.ics") == [
        "karin-bo@checkin-sync",
        "karin-cecilia@checkin-sync",
    ]
    assert file_uids(export_dir / "cecilia.ek@example.com.ics") == ["karin-cecilia@checkin-sync"]
    assert file_uids(export_dir / "eva@example.com.ics") == ["dan-eva@checkin-sync"]
    assert (export_dir / "dan@example.com.ics").read_bytes() == calendar_for(
        "dan@example.com", team()
    )
    # the service user's alone, like all of data_dir (`serve` publishes them)
    assert stat.S_IMODE((export_dir / "dan@example.com.ics").stat().st_mode) == 0o600
    assert stat.S_IMODE(export_dir.stat().st_mode) == 0o700


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    write_exports(tmp_path, team())
    old = 1_600_000_000_000_000_000
    for path in tmp_path.iterdir():
        os.utime(path, ns=(old, old))
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}

    exported = write_exports(tmp_path, team())
    paths = exported.paths
    assert len(paths) == 5 and exported.rewritten == []
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths} == before

    changed = [replace(s, sequence=1) if s.uid.startswith("dan") else s for s in team()]
    rewrote = write_exports(tmp_path, changed).rewritten
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    rewritten = {name for name in before if after[name] != before[name]}
    assert rewritten == {"dan@example.com.ics", "eva@example.com.ics"}
    assert {p.name for p in rewrote} == rewritten
    assert file_uids(tmp_path / "eva@example.com.ics") == ["dan-eva@checkin-sync"]
    assert b"SEQUENCE:1" in (tmp_path / "eva@example.com.ics").read_bytes()


def test_writes_go_through_a_synced_temp_file_and_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, Any]] = []

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            calls.append((name, args))
            return real(*args)

        return wrapper

    monkeypatch.setattr(os, "replace", spy("replace", os.replace))
    monkeypatch.setattr(os, "fsync", spy("fsync", os.fsync))
    write_exports(tmp_path, [make_series()])

    replaced = [args for name, args in calls if name == "replace"]
    assert sorted(Path(dst).name for _, dst in replaced) == [
        "bo.berg@example.com.ics",
        "karin.lind@example.com.ics",
    ]
    assert all(
        Path(src).parent == tmp_path and Path(src).name.startswith(".") for src, _ in replaced
    )
    # Each temp file is synced before its rename (the files are written side by side), and
    # the directory once after them all.
    names = [name for name, _ in calls]
    assert sorted(names) == ["fsync"] * 3 + ["replace"] * 2
    renames = [i for i, name in enumerate(names) if name == "replace"]
    assert all(names[:at].count("fsync") > n for n, at in enumerate(renames))
    assert names[-1] == "fsync"
    calls.clear()
    write_exports(tmp_path, [make_series()])
    assert calls == [], "nothing changed: nothing written, nothing synced"


def test_failed_write_keeps_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_exports(tmp_path, [make_series()])
    karin = tmp_path / "karin.lind@example.com.ics"
    old = karin.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_exports(tmp_path, [make_series(sequence=1)])

    assert karin.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bo.berg@example.com.ics",
        "karin.lind@example.com.ics",
    ]


def test_unsafe_email_is_not_used_as_a_file_name(tmp_path: Path) -> None:
    evil = Attendee("../../etc/passwd", "Mallory")
    exported = write_exports(tmp_path / "exports", [make_series(attendee=evil)])
    assert "file name" in exported.failed["../../etc/passwd"]
    assert not (tmp_path / "etc").exists()


def test_one_unusable_address_leaves_everyone_else_exported(tmp_path: Path) -> None:
    """A series booked before the roster refused such addresses must not empty export/."""
    evil = Attendee(".hidden/x@example.com", "Mallory")
    series = [*team(), make_series(uid="karin-evil@checkin-sync", attendee=evil)]
    exported = write_exports(tmp_path, series)
    assert list(exported.failed) == [".hidden/x@example.com"]
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in exported.paths)
    assert "karin.lind@example.com.ics" in written


def test_empty_series_list_creates_the_directory(tmp_path: Path) -> None:
    assert write_exports(tmp_path / "new", []).paths == []
    assert (tmp_path / "new").is_dir()
