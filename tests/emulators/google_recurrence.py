"""Event times and recurrence expansion the way Google Calendar does it.

Timed events recur on the wall clock of ``start.timeZone`` (10:00 Berlin stays 10:00 across
DST); all-day events recur on dates and are placed in the calendar's time zone. Instance ids
are ``{eventId}_{YYYYMMDDTHHMMSSZ}`` (original start in UTC) or ``{eventId}_{YYYYMMDD}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import (  # type: ignore[import-untyped, unused-ignore]
    rrule,
    rruleset,
    rrulestr,
)

from .google_contract import check_time
from .google_errors import ApiError

Event = dict[str, Any]

INSTANCE_STAMP = re.compile(r"^(?P<base>.+)_(?P<stamp>\d{8}(?:T\d{6}Z)?)$")
# Guard against unbounded series when no upper bound is given.
DEFAULT_HORIZON = timedelta(days=730)
MAX_INSTANCES = 5000


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(400, "invalid", f"Invalid time zone definition: {name}") from exc


def parse_rfc3339(value: str, what: str = "time") -> datetime:
    """An RFC 3339 timestamp with offset (``Z`` or ``±hh:mm``); naive values are rejected."""
    check_time(str(value), what, offset_required=True)
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "invalid", f"Invalid value for {what}: {value}") from exc
    if parsed.tzinfo is None:
        raise ApiError(400, "invalid", f"Invalid value for {what}: {value} (no offset)")
    return parsed


def fmt_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def is_all_day(event: Event) -> bool:
    return "date" in event.get("start", {})


def start_zone(event: Event, calendar_tz: str) -> ZoneInfo:
    return zone(event.get("start", {}).get("timeZone") or calendar_tz)


def point(when: dict[str, Any], tz: ZoneInfo, what: str) -> datetime:
    """A ``{dateTime[, timeZone]}`` or ``{date}`` object as an aware datetime."""
    if "dateTime" in when:
        check_time(str(when["dateTime"]), f"{what}.dateTime", offset_required=False)
        try:
            parsed = datetime.fromisoformat(when["dateTime"])
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "invalid", f"Invalid {what} time.") from exc
        if parsed.tzinfo is None:
            if not when.get("timeZone"):
                raise ApiError(400, "required", f"Missing time zone definition for {what} time.")
            parsed = parsed.replace(tzinfo=zone(when["timeZone"]))
        return parsed
    if "date" in when:
        try:
            day = date.fromisoformat(when["date"])
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "invalid", f"Invalid {what} date.") from exc
        return datetime.combine(day, time(), tzinfo=tz)
    raise ApiError(400, "required", f"Missing {what} time.")


def bounds(event: Event, calendar_tz: str) -> tuple[datetime, datetime]:
    """Start and end of a (non-recurring view of an) event; all-day in the calendar's zone."""
    tz = zone(calendar_tz) if is_all_day(event) else start_zone(event, calendar_tz)
    return point(event.get("start", {}), tz, "start"), point(event.get("end", {}), tz, "end")


def validate_times(event: Event, calendar_tz: str) -> None:
    start, end = bounds(event, calendar_tz)
    if ("date" in event["start"]) != ("date" in event["end"]):
        raise ApiError(
            400, "invalid", "Start and end times must either both be date or both be dateTime."
        )
    if end < start:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
    if event.get("recurrence"):
        if not is_all_day(event) and not event["start"].get("timeZone"):
            raise ApiError(400, "required", "Missing time zone definition for start time.")
        _recurrence_set(event, calendar_tz)  # raises on malformed rules


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a series: original start (local), start/end as aware datetimes."""

    original: datetime  # aware, in the series zone (all-day: midnight in the calendar zone)
    start: datetime
    end: datetime
    all_day: bool

    @property
    def stamp(self) -> str:
        if self.all_day:
            return self.original.strftime("%Y%m%d")
        return self.original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def instance_id(base_id: str, occurrence: Occurrence) -> str:
    return f"{base_id}_{occurrence.stamp}"


def split_instance_id(event_id: str) -> tuple[str, str] | None:
    match = INSTANCE_STAMP.match(event_id)
    return (match["base"], match["stamp"]) if match else None


def stamp_to_datetime(stamp: str, tz: ZoneInfo) -> datetime:
    if "T" in stamp:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(stamp, "%Y%m%d").replace(tzinfo=tz)


def _split_line(line: str) -> tuple[str, dict[str, str], list[str]]:
    head, _, value = line.partition(":")
    name, *raw_params = head.split(";")
    params = {}
    for raw in raw_params:
        key, _, val = raw.partition("=")
        params[key.upper()] = val
    return name.strip().upper(), params, [v for v in value.strip().split(",") if v]


def _ical_value(value: str, params: dict[str, str], tz: ZoneInfo, all_day: bool) -> datetime:
    """An iCalendar DATE / DATE-TIME as a datetime comparable with the series' occurrences."""
    if all_day:
        return datetime.strptime(value[:8], "%Y%m%d")  # naive, like the all-day dtstart
    if len(value) == 8 or params.get("VALUE") == "DATE":
        raise ApiError(400, "invalid", f"Invalid recurrence date {value} for a timed event.")
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).astimezone(tz)
    local_tz = zone(params["TZID"]) if "TZID" in params else tz
    return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=local_tz).astimezone(tz)


def _build_rrule(value: str, dtstart: datetime, tz: ZoneInfo, all_day: bool) -> rrule:
    parts = [p for p in value.split(";") if p]
    until: datetime | None = None
    kept = []
    for part in parts:
        key, _, val = part.partition("=")
        if key.upper() == "UNTIL":
            if all_day:
                until = datetime.strptime(val[:8], "%Y%m%d")
            elif len(val) == 8:  # a date UNTIL on a timed series: through the end of that day
                until = datetime.strptime(val, "%Y%m%d").replace(
                    hour=23, minute=59, second=59, tzinfo=tz
                )
            else:
                until = _ical_value(val, {}, tz, all_day)
        else:
            kept.append(part)
    parsed = rrulestr("RRULE:" + ";".join(kept), dtstart=dtstart)
    if not isinstance(parsed, rrule):
        raise ApiError(400, "invalid", "Invalid recurrence rule.")
    return parsed.replace(until=until) if until is not None else parsed


def _dtstart(event: Event, calendar_tz: str) -> tuple[datetime, ZoneInfo, timedelta, bool]:
    """Series start for dateutil (aware local for timed, naive for all-day), zone, duration."""
    all_day = is_all_day(event)
    if all_day:
        tz = zone(calendar_tz)
        first = date.fromisoformat(event["start"]["date"])
        last = date.fromisoformat(event["end"]["date"])
        return datetime.combine(first, time()), tz, last - first, True
    tz = start_zone(event, calendar_tz)
    start = point(event["start"], tz, "start")
    end = point(event["end"], tz, "end")
    return start.astimezone(tz), tz, end - start, False


_RULE_SETS: dict[str, rruleset] = {}
_RULE_SETS_MAX = 200_000


def _cached_set(event: Event, calendar_tz: str) -> rruleset:
    """The series' rule set, parsed once per distinct series and kept with dateutil's own
    cache of the dates it generated: free/busy over large calendars re-expands the same
    series on every request."""
    key = json.dumps(
        [event.get("start"), event.get("end"), event.get("recurrence"), calendar_tz],
        sort_keys=True,
    )
    rules = _RULE_SETS.get(key)
    if rules is None:
        if len(_RULE_SETS) >= _RULE_SETS_MAX:
            _RULE_SETS.clear()
        rules = _RULE_SETS[key] = _recurrence_set(event, calendar_tz, cache=True)
    return rules


def _recurrence_set(event: Event, calendar_tz: str, *, cache: bool = False) -> rruleset:
    dtstart, tz, _, all_day = _dtstart(event, calendar_tz)
    rules = rruleset(cache=cache)
    lines = list(event.get("recurrence") or [])
    if not any(line.upper().startswith("RRULE") for line in lines):
        rules.rdate(dtstart)  # RDATE-only series: the event itself is the first occurrence
    for line in lines:
        name, params, values = _split_line(line)
        try:
            if name == "RRULE":
                rules.rrule(_build_rrule(":".join(line.split(":")[1:]), dtstart, tz, all_day))
            elif name == "EXRULE":
                rules.exrule(_build_rrule(":".join(line.split(":")[1:]), dtstart, tz, all_day))
            elif name == "RDATE":
                for value in values:
                    rules.rdate(_ical_value(value, params, tz, all_day))
            elif name == "EXDATE":
                for value in values:
                    rules.exdate(_ical_value(value, params, tz, all_day))
            else:
                raise ApiError(400, "invalid", f"Invalid recurrence rule: {line}")
        except ValueError as exc:
            raise ApiError(400, "invalid", f"Invalid recurrence rule: {line}") from exc
    return rules


def occurrences(
    event: Event,
    calendar_tz: str,
    window_start: datetime | None,
    window_end: datetime | None,
) -> list[Occurrence]:
    """Occurrences of a recurring event overlapping ``[window_start, window_end)``.

    Without an upper bound the expansion stops ``DEFAULT_HORIZON`` after the later of now and
    the series start, and after ``MAX_INSTANCES`` occurrences.
    """
    dtstart, tz, duration, all_day = _dtstart(event, calendar_tz)
    rules = _cached_set(event, calendar_tz)
    first = dtstart.replace(tzinfo=tz) if all_day else dtstart
    upper = window_end or max(datetime.now(UTC), first) + DEFAULT_HORIZON
    lower = (window_start or first) - duration - timedelta(seconds=1)

    def native(moment: datetime) -> datetime:  # dateutil needs the dtstart's kind of datetime
        return moment.astimezone(tz).replace(tzinfo=None) if all_day else moment

    found: list[Occurrence] = []
    for raw in rules.between(native(lower), native(upper), inc=True):
        local = raw.replace(tzinfo=tz) if all_day else raw
        if all_day:
            start = local
            end = datetime.combine(raw.date() + duration, time(), tzinfo=tz)
        else:
            start = local
            end = (local.astimezone(UTC) + duration).astimezone(tz)
        if window_start is not None and end <= window_start and start < window_start:
            continue
        if start >= upper:
            continue
        found.append(Occurrence(original=local, start=start, end=end, all_day=all_day))
        if len(found) >= MAX_INSTANCES:
            break
    return found


def occurrence_at(event: Event, calendar_tz: str, stamp: str) -> Occurrence | None:
    """The occurrence whose original start matches an instance-id stamp, if the series has one."""
    tz = zone(calendar_tz) if is_all_day(event) else start_zone(event, calendar_tz)
    moment = stamp_to_datetime(stamp, tz)
    if is_all_day(event) != ("T" not in stamp):
        return None
    for occurrence in occurrences(event, calendar_tz, moment, moment + timedelta(seconds=1)):
        if occurrence.stamp == stamp:
            return occurrence
    return None


def when(moment: datetime, tz: ZoneInfo, all_day: bool) -> dict[str, str]:
    """A Google ``start``/``end``/``originalStartTime`` object."""
    if all_day:
        return {"date": moment.date().isoformat()}
    return {"dateTime": fmt_local(moment, tz), "timeZone": str(tz.key)}


def make_instance(master: Event, occurrence: Occurrence, calendar_tz: str) -> Event:
    """The generated (unmodified) instance of a series for one occurrence."""
    tz = zone(calendar_tz) if occurrence.all_day else start_zone(master, calendar_tz)
    instance = {k: v for k, v in master.items() if k not in ("recurrence", "id")}
    instance = dict(_deep_copy(instance))
    instance["id"] = instance_id(master["id"], occurrence)
    instance["recurringEventId"] = master["id"]
    instance["originalStartTime"] = when(occurrence.original, tz, occurrence.all_day)
    instance["start"] = when(occurrence.start, tz, occurrence.all_day)
    instance["end"] = when(occurrence.end, tz, occurrence.all_day)
    return instance


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
