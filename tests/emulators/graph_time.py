"""Times, time zones and recurrence expansion the way Microsoft Graph (Exchange) does them.

Graph's ``dateTimeTimeZone`` is a naive local ``dateTime`` ("2027-02-01T09:00:00.0000000")
plus a ``timeZone`` that may be a Windows name ("W. Europe Standard Time") or an IANA name.
Series recur on the wall clock of ``recurrence.range.recurrenceTimeZone`` (default: the start's
zone), so 10:00 in Berlin stays 10:00 across DST.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import (  # type: ignore[import-untyped, unused-ignore]
    DAILY,
    FR,
    MO,
    MONTHLY,
    SA,
    SU,
    TH,
    TU,
    WE,
    WEEKLY,
    YEARLY,
    rrule,
    weekday,
)

from .graph_errors import GraphError

Event = dict[str, Any]

# A few names Exchange uses that CLDR's windowsZones table (icalendar's copy) lacks.
_EXTRA_ZONES = {
    "utc": "UTC",
    "tzone://microsoft/utc": "UTC",
    "coordinated universal time": "UTC",
    "customized time zone": "UTC",
}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS: dict[str, weekday] = dict(zip(DAYS, (MO, TU, WE, TH, FR, SA, SU), strict=True))
_INDEX = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_FREQ = {
    "daily": DAILY,
    "weekly": WEEKLY,
    "absoluteMonthly": MONTHLY,
    "relativeMonthly": MONTHLY,
    "absoluteYearly": YEARLY,
    "relativeYearly": YEARLY,
}
MAX_OCCURRENCES = 5000
HORIZON = timedelta(days=3 * 366)  # how far a noEnd series is expanded without an upper bound


def _windows_table() -> dict[str, str]:
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
    except ImportError:  # pragma: no cover - icalendar is a project dependency
        table: dict[str, str] = {
            "W. Europe Standard Time": "Europe/Berlin",
            "GMT Standard Time": "Europe/London",
            "Eastern Standard Time": "America/New_York",
            "Pacific Standard Time": "America/Los_Angeles",
        }
    else:
        table = dict(WINDOWS_TO_OLSON)
    return {k.lower(): v for k, v in table.items()}


_WINDOWS = _windows_table()


def zone(name: str | None) -> ZoneInfo:
    """A Windows or IANA zone name as ``ZoneInfo``; unknown names answer 400 like Graph."""
    key = (name or "").strip()
    iana = _EXTRA_ZONES.get(key.lower()) or _WINDOWS.get(key.lower()) or key
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise GraphError(
            400,
            "TimeZoneNotSupportedException",
            "A valid TimeZone value must be specified. The following TimeZone value is not "
            f"supported: '{name}'.",
        ) from exc


def parse_local(value: Any, what: str) -> datetime:
    """A Graph ``dateTime`` (up to 7 fractional digits, optional offset) as naive or aware."""
    if not isinstance(value, str) or not value:
        raise GraphError(400, "ErrorInvalidRequest", f"The {what} dateTime is missing.")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python accepts at most 6 fractional digits
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise GraphError(
            400, "ErrorInvalidRequest", f"Cannot convert the literal '{value}' to a DateTime."
        ) from exc


def point(when: Any, what: str) -> datetime:
    """A ``{dateTime, timeZone}`` object as an aware datetime (in that zone)."""
    if not isinstance(when, dict):
        raise GraphError(400, "ErrorInvalidRequest", f"The {what} property is missing.")
    if not when.get("timeZone"):
        raise GraphError(400, "ErrorInvalidRequest", f"The {what} timeZone is missing.")
    tz = zone(when["timeZone"])
    moment = parse_local(when.get("dateTime"), what)
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def parse_instant(value: str | None, what: str) -> datetime:
    """A query-string instant (``startDateTime``): naive values are UTC, offsets allowed."""
    if not value:
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters "
            "StartDateTime and EndDateTime.",
        )
    moment = parse_local(value, what)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fmt(moment: datetime) -> str:
    """Graph's ``dateTime`` form: ``2027-02-01T09:00:00.0000000`` (local, 7 digits)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0"


def when(moment: datetime, zone_name: str) -> dict[str, str]:
    """``{dateTime, timeZone}`` of an instant shown in ``zone_name`` (as given, e.g. Windows)."""
    return {"dateTime": fmt(moment.astimezone(zone(zone_name))), "timeZone": zone_name}


def stamp(moment: datetime) -> str:
    """An instant as ``2027-02-02T14:00:00Z`` (Graph's ``originalStart``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ----------------------------------------------------------------------------- recurrence


def _bad(message: str) -> GraphError:
    return GraphError(400, "ErrorPropertyValidationFailure", message)


def _days(pattern: dict[str, Any]) -> list[weekday]:
    days = pattern.get("daysOfWeek") or []
    try:
        return [_WEEKDAYS[str(d).lower()] for d in days]
    except KeyError as exc:
        raise _bad(f"Invalid daysOfWeek value: {exc.args[0]}.") from exc


def series_zone(event: Event) -> ZoneInfo:
    rng = (event.get("recurrence") or {}).get("range") or {}
    return zone(rng.get("recurrenceTimeZone") or event["start"]["timeZone"])


_RULES: dict[str, tuple[rrule, datetime]] = {}
_RULES_MAX = 200_000


def _cached_rule(event: Event) -> tuple[rrule, datetime]:
    """The series' rule, built once per distinct series with dateutil's cache of the dates it
    generated: getSchedule over large mailboxes re-expands the same series on every request."""
    key = json.dumps([event.get("start"), event.get("recurrence")], sort_keys=True)
    found = _RULES.get(key)
    if found is None:
        if len(_RULES) >= _RULES_MAX:
            _RULES.clear()
        found = _RULES[key] = _rule(event, cache=True)
    return found


def _rule(event: Event, *, cache: bool = False) -> tuple[rrule, datetime]:
    """The series' rule (naive local datetimes in the series zone) and its first start."""
    recurrence = event.get("recurrence") or {}
    pattern, rng = recurrence.get("pattern") or {}, recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in _FREQ:
        raise _bad(f"Recurrence pattern type '{kind}' is not valid.")
    interval = int(pattern.get("interval") or 1)
    if interval < 1:
        raise _bad("Recurrence interval must be at least 1.")
    tz = series_zone(event)
    local_start = point(event["start"], "start").astimezone(tz)
    try:
        first_day = date.fromisoformat(rng.get("startDate") or local_start.date().isoformat())
    except ValueError as exc:
        raise _bad("Recurrence range startDate is not valid.") from exc
    dtstart = datetime.combine(first_day, local_start.time().replace(tzinfo=None))
    kwargs: dict[str, Any] = {"dtstart": dtstart, "interval": interval, "cache": cache}
    wkst = str(pattern.get("firstDayOfWeek") or "sunday").lower()
    kwargs["wkst"] = _WEEKDAYS.get(wkst, SU)
    if kind == "weekly":
        days = _days(pattern)
        if not days:
            raise _bad("Weekly recurrence needs daysOfWeek.")
        kwargs["byweekday"] = days
    elif kind in ("absoluteMonthly", "absoluteYearly"):
        kwargs["bymonthday"] = int(pattern.get("dayOfMonth") or 0) or _required("dayOfMonth")
    elif kind in ("relativeMonthly", "relativeYearly"):
        kwargs["byweekday"] = _days(pattern) or _required("daysOfWeek")
        kwargs["bysetpos"] = _INDEX.get(str(pattern.get("index") or "first"), 1)
    if kind.endswith("Yearly"):
        kwargs["bymonth"] = int(pattern.get("month") or 0) or _required("month")
    range_type = rng.get("type") or "noEnd"
    if range_type == "endDate":
        try:
            last = date.fromisoformat(rng.get("endDate") or "")
        except ValueError as exc:
            raise _bad("Recurrence range endDate is not valid.") from exc
        if last < first_day:
            raise _bad("The recurrence range endDate is before its startDate.")
        kwargs["until"] = datetime.combine(last, time(23, 59, 59))
    elif range_type == "numbered":
        count = int(rng.get("numberOfOccurrences") or 0)
        if count < 1:
            raise _bad("numberOfOccurrences must be at least 1.")
        kwargs["count"] = count
    elif range_type != "noEnd":
        raise _bad(f"Recurrence range type '{range_type}' is not valid.")
    freq: Any = _FREQ[kind]
    return rrule(freq, **kwargs), dtstart.replace(tzinfo=tz)


def _required(name: str) -> Any:
    raise _bad(f"The recurrence pattern needs '{name}'.")


def validate_recurrence(event: Event) -> None:
    _rule(event)


@dataclass(frozen=True)
class Occurrence:
    original: datetime  # aware (series zone): the instant the occurrence was generated at
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return stamp(self.original)


def duration(event: Event) -> timedelta:
    """Wall-clock length (a 10:00–10:30 meeting stays 30 minutes across DST)."""
    tz = series_zone(event)
    start = point(event["start"], "start").astimezone(tz).replace(tzinfo=None)
    end = point(event["end"], "end").astimezone(tz).replace(tzinfo=None)
    return end - start


def occurrence_at(event: Event, original: datetime) -> Occurrence:
    tz = series_zone(event)
    local = original.astimezone(tz).replace(tzinfo=None)
    return Occurrence(original, original, (local + duration(event)).replace(tzinfo=tz))


def occurrences(event: Event, lower: datetime | None, upper: datetime | None) -> list[Occurrence]:
    """Generated occurrences (before exceptions) overlapping ``[lower, upper)``."""
    (rule, first), tz, length = _cached_rule(event), series_zone(event), duration(event)
    upper = upper or max(datetime.now(UTC), first) + HORIZON
    lower = lower or first
    low = (lower.astimezone(tz).replace(tzinfo=None) - length) - timedelta(seconds=1)
    high = upper.astimezone(tz).replace(tzinfo=None)
    found: list[Occurrence] = []
    for raw in rule.between(low, high, inc=True):
        start = raw.replace(tzinfo=tz)
        end = (raw + length).replace(tzinfo=tz)
        if end > lower and start < upper:
            found.append(Occurrence(start, start, end))
        if len(found) >= MAX_OCCURRENCES:
            break
    return found


def is_occurrence(event: Event, original: datetime) -> bool:
    return any(
        o.original == original
        for o in occurrences(
            event, original - timedelta(minutes=1), original + timedelta(minutes=1)
        )
    )
