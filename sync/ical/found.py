"""Series read back from this service's own exported .ics files: for organisers whose
calendar it cannot write to, the export is where a lost store is rebuilt from. CalDAV
resources are read the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar

from sync.model.identity import is_own_uid
from sync.model.values import FoundSeries, Interval


def found_in_export(path: Path, organiser: str) -> list[FoundSeries]:
    """The series `organiser` organises in the exported file at `path` (none if missing)."""
    if not path.exists():
        return []
    return found_in_calendar(icalendar.Calendar.from_ical(path.read_bytes()), organiser)


def found_in_calendar(calendar: icalendar.Calendar, organiser: str) -> list[FoundSeries]:
    """The series `organiser` organises among this service's events in `calendar` (an
    exported file, or a CalDAV resource, which ics_writer.py writes alike)."""
    # icalendar types property values as a union of every value class; these are ours,
    # written by ics_writer.py, so their shapes are known
    events: list[Any] = [e for e in calendar.walk("VEVENT") if is_own_uid(str(e.get("UID", "")))]
    overrides: dict[str, dict[datetime, Interval | None]] = {}
    for event in events:
        if "RECURRENCE-ID" in event:
            original = _utc(event["RECURRENCE-ID"].dt)
            moved = Interval(_utc(event["DTSTART"].dt), _utc(event["DTEND"].dt))
            overrides.setdefault(str(event["UID"]), {})[original] = moved
    found = []
    for event in events:
        if "RRULE" not in event or "RECURRENCE-ID" in event:
            continue
        if _address(event.get("ORGANIZER")) != organiser.lower():
            continue
        uid = str(event["UID"])
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        rule = event["RRULE"]
        until = rule.get("UNTIL", [None])[0]
        plain: Any = icalendar.vRecur({k: v for k, v in rule.items() if k != "UNTIL"})
        exceptions = dict(overrides.get(uid, {}))
        for exdates in _list(event.get("EXDATE")):
            for value in exdates.dts:
                exceptions[_utc(value.dt)] = None
        attendee = event.get("ATTENDEE")
        found.append(
            FoundSeries(
                uid=uid,
                organiser=organiser.lower(),
                attendee=_address(attendee),
                attendee_name=str(attendee.params.get("CN", "")) if attendee is not None else "",
                timezone=str(start.tzinfo),
                first_start=start,
                duration=int((end - start) / timedelta(minutes=1)),
                rrule=plain.to_ical().decode(),
                until=_utc(until) if until is not None else None,
                cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
                sequence=int(event.get("SEQUENCE", 0)),
                exceptions=exceptions,
            )
        )
    return found


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _address(value: object) -> str:
    return str(value or "").lower().removeprefix("mailto:")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
