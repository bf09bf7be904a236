"""The typed schema of people.toml: what each key may hold and how its text is read.

Each validator raises ValueError with a message written for the person editing the file;
roster.py adds the file, the entry and the field in front of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date, time
from functools import cache, lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
)

from sync.config.days_off import all_categories
from sync.model.cadence import Cadence
from sync.model.values import TimeRange, Window
from sync.model.weekdays import parse_weekday

_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
CALENDAR_KINDS = (
    '"google", "outlook", "ics:<path or https URL>", "caldav:<https URL of the calendar>" or "none"'
)
LOOPBACK = ("localhost", "127.0.0.1", "::1")
MIN_DURATION, MAX_DURATION = 15, 120
MAX_DAILY_CAP = 12
MAX_RETURN_DAYS = 60
MAX_REQUEST_DAYS = 20
ARRANGEMENTS = ("remote", "hybrid", "office")


# An address names the person's exported calendar file (export/<email>.ics): characters a
# file name cannot hold are refused even where RFC 5322 allows them; no mail provider we
# connect to hands out such addresses.
_NOT_IN_FILE_NAMES = "/\\"
_CONTROL = frozenset({"Cc", "Zl", "Zp"})
_CONTROL_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}


@lru_cache(maxsize=1 << 16)  # each address is checked several times per load; 50 µs each
def _email(value: str) -> str:
    text = value.strip()
    try:
        # syntax only: whether the domain receives mail is not this file's business, and a
        # nightly job must not depend on DNS
        checked = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f'"{value}" is not an email address ({error})') from None
    if bad := next((c for c in checked if c in _NOT_IN_FILE_NAMES), None):
        raise ValueError(f'"{value}": checkin-sync cannot use an address with "{bad}" in it')
    return checked.lower()


def _strings(value: Any) -> Iterator[str]:
    # tables are entries of their own, checked field by field, so a message names the key
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _no_control_characters(value: Any) -> Any:
    """Refuse line breaks and other control characters in any text of the file. Names and
    reasons end up in email headers and calendar lines, where a line break would start a
    line of its own (or make the email library refuse the whole night's mail)."""
    for text in _strings(value):
        if text.isprintable():  # the common case, checked at C speed
            continue
        for char in text:
            if unicodedata.category(char) in _CONTROL:
                what = _CONTROL_NAMES.get(char, f"the control character U+{ord(char):04X}")
                raise ValueError(f"contains {what}; write it on one line, without it")
    return value


def parse_email_or_none(value: Any) -> str | None:
    """The entry's email if it is readable, to name the entry in messages."""
    if not isinstance(value, str):
        return None
    try:
        return _email(value)
    except ValueError:
        return None


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'"{value}" is not an IANA time zone (e.g. "Europe/Stockholm", "America/New_York")'
        ) from None
    return value


def _clock(hours: str, minutes: str, text: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f'"{text}" has an impossible time of day') from None


def parse_time_range(value: Any) -> TimeRange:
    if isinstance(value, TimeRange):
        return value
    text = str(value)
    match = _HOURS.fullmatch(text.strip())
    if not match:
        raise ValueError(f'"{text}" is not a time range like "09:00-17:00"')
    start = _clock(match.group(1), match.group(2), text)
    end = _clock(match.group(3), match.group(4), text)
    if end <= start:
        raise ValueError(f'"{text}" ends before it starts')
    return TimeRange(start, end)


def _weekdays(value: Any) -> frozenset[int]:
    if isinstance(value, frozenset):
        return value
    if not isinstance(value, list) or not all(isinstance(day, str) for day in value):
        raise ValueError('must be a list of days like ["mon", "tue"]')
    days = frozenset(parse_weekday(day) for day in value)
    if not days:
        raise ValueError("must name at least one day")
    return days


def parse_window(value: Any) -> Window:
    """ "tue 09:00-12:00", "tue,thu 13:00-15:00", or "10:00-12:00" (any working day)."""
    if isinstance(value, Window):
        return value
    text = str(value).strip()
    day_part, _, hours_part = text.rpartition(" ")
    hours = parse_time_range(hours_part)
    if not day_part.strip():
        return Window(frozenset(range(7)), hours)
    days = frozenset(parse_weekday(day) for day in day_part.replace(" ", "").split(",") if day)
    return Window(days, hours)


@cache
def _supported_regions() -> dict[str, list[str]]:
    return dict(holidays.list_supported_countries())


def _holiday_region(value: str) -> str:
    code = value.strip().upper()
    if not code:
        return ""
    country, _, subdivision = code.partition("-")
    regions = _supported_regions()
    if country not in regions:
        raise ValueError(f'"{value}" is not a country code known to the holidays package')
    if subdivision and subdivision not in {s.upper() for s in regions[country]}:
        raise ValueError(f'"{value}": {country} has no subdivision "{subdivision}"')
    return code


def _holiday_categories(value: Any) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('must be a list of categories like ["public", "de_facto"]')
    categories = tuple(dict.fromkeys(item.strip().lower() for item in value))
    if not categories:
        raise ValueError('must name at least one category, e.g. ["public"]')
    unknown = [c for c in categories if c not in all_categories()]
    if unknown:
        raise ValueError(
            f'"{unknown[0]}" is not a holiday category of the holidays package '
            '(e.g. "public", "de_facto", "bank", "optional")'
        )
    return categories


def _calendar(value: str) -> str:
    text = value.strip()
    if text in ("google", "outlook", "none"):
        return text
    if text.startswith("ics:") and text[4:].strip():
        return "ics:" + text[4:].strip()
    if text.startswith("caldav:"):
        return "caldav:" + _caldav_url(text[len("caldav:") :].strip())
    raise ValueError(f'"{value}" is not one of {CALENDAR_KINDS}')


def _caldav_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(
            f'"caldav:{url}" needs the https:// address of the calendar, e.g. '
            '"caldav:https://dav.example.com/calendars/karin/work/"'
        )
    # a password in the roster would be read by everyone who edits it
    if parts.password is not None:
        raise ValueError(
            f'"caldav:{parts.scheme}://…@{parts.hostname}…" has a password in it; set it in '
            "[caldav] passwords (env CHECKIN_SYNC_CALDAV__PASSWORDS) instead"
        )
    # credentials must not cross the network in the clear; a server on this machine may
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ValueError(f'"caldav:{url}" must use https:// (http:// only for localhost)')
    return url


def _duration(value: int) -> int:
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise ValueError(f"{value} minutes is outside {MIN_DURATION}..{MAX_DURATION}")
    return value


def _daily_cap(value: int) -> int:
    if not 1 <= value <= MAX_DAILY_CAP:
        raise ValueError(f"{value} is outside 1..{MAX_DAILY_CAP}")
    return value


def _return_days(value: int) -> int:
    if not 0 <= value <= MAX_RETURN_DAYS:
        raise ValueError(f"{value} is outside 0..{MAX_RETURN_DAYS} (0 = no welcome-back check-in)")
    return value


def _request_days(value: int) -> int:
    if not 1 <= value <= MAX_REQUEST_DAYS:
        raise ValueError(f"{value} working days is outside 1..{MAX_REQUEST_DAYS}")
    return value


def _cadence(value: Any) -> Cadence:
    return value if isinstance(value, Cadence) else Cadence.parse(str(value))


Email = Annotated[str, AfterValidator(_email)]
TimeZoneName = Annotated[str, AfterValidator(_zone)]
Hours = Annotated[TimeRange, BeforeValidator(parse_time_range)]
Weekdays = Annotated[frozenset[int], BeforeValidator(_weekdays)]
HolidayRegion = Annotated[str, AfterValidator(_holiday_region)]
HolidayCategories = Annotated[tuple[str, ...], BeforeValidator(_holiday_categories)]
CalendarSource = Annotated[str, AfterValidator(_calendar)]
CadenceText = Annotated[Cadence, BeforeValidator(_cadence)]
PreferredWindow = Annotated[Window, BeforeValidator(parse_window)]
# strict: TOML has real numbers, so `duration = true` or `duration = "45"` is a mistake to
# point out rather than to read as 1 or 45 minutes
Duration = Annotated[int, Strict(), AfterValidator(_duration)]
DailyCap = Annotated[int, Strict(), AfterValidator(_daily_cap)]
ReturnDays = Annotated[int, Strict(), AfterValidator(_return_days)]
RequestDays = Annotated[int, Strict(), AfterValidator(_request_days)]
Arrangement = Literal["remote", "hybrid", "office"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    _plain_text = field_validator("*", mode="before")(_no_control_characters)


class Overridable(_Entry):
    """The keys of [defaults], which every manager and employee entry may override."""

    timezone: TimeZoneName | None = None
    working_hours: Hours | None = None
    working_days: Weekdays | None = None
    holidays: HolidayRegion | None = None
    holiday_categories: HolidayCategories | None = None
    duration: Duration | None = None
    cadence: CadenceText | None = None
    calendar: CalendarSource | None = None
    max_checkins_per_day: DailyCap | None = None
    works: Arrangement | None = None
    return_checkin_after_days: ReturnDays | None = None


class ArrangementCadences(_Entry):
    """[defaults] cadence_by_arrangement: the cadence for someone who sets none, by how
    they work. Keys left out keep their built-in value."""

    remote: CadenceText = Cadence(1)
    hybrid: CadenceText = Cadence(2)
    office: CadenceText = Cadence(3)


class DefaultsEntry(Overridable):
    cadence_by_arrangement: ArrangementCadences | None = None


class RequestEntry(_Entry):
    within_days: RequestDays = 5
    reason: str = ""
    made: date | None = None


class MoreOftenEntry(_Entry):
    cadence: CadenceText
    until: date
    reason: str = ""


class PausedEntry(_Entry):
    model_config = ConfigDict(populate_by_name=True)

    start: date = Field(alias="from")
    until: date


class ManagerEntry(Overridable):
    email: Email
    name: str | None = None


class EmployeeEntry(Overridable):
    email: Email
    name: str | None = None
    manager: Email
    preferred: list[PreferredWindow] = []
    more_often: MoreOftenEntry | None = None
    paused: PausedEntry | None = None
    request: RequestEntry | None = None


BUILT_IN_DEFAULTS: dict[str, Any] = {
    "timezone": "Europe/Stockholm",
    "working_hours": TimeRange(time(9), time(17)),
    "working_days": frozenset(range(5)),
    "holidays": "SE",
    "duration": 30,
    "cadence": Cadence(2),
    "calendar": "none",
    "max_checkins_per_day": 4,
    "return_checkin_after_days": 5,
    "cadence_by_arrangement": ArrangementCadences(),
}
