"""A proposal's time said once: the rule in one line ("Every 3 weeks · Mon 11:15–11:45 ·
12:15 in Paris"), and the rest of what a card or a digest says about it without the time
again: dates at the rule's time by their day alone, the planner's explanation without its
own statement of the slot or of the changed dates (the list of dates has them).

The planner's explanation names the slot and each changed date (sync/planner/explain.py);
it is kept as a message (sync/model/said.py), so those parts can be left out where the rule
line and the list of dates are beside it, while the cadence's reason, the free dates and
everything else stay."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.delivery.date_changes import first_held
from sync.model.said import Listed, Said, Value, say
from sync.model.timefmt import (
    TwoZones,
    cadence_name,
    clock_range,
    day,
    elsewhere,
    ordinal,
    same_clock,
    span,
    weekday_in_month,
)
from sync.model.values import Occurrence
from sync.model.weekdays import RRULE_DAYS
from sync.plumbing.i18n import ENGLISH, Language

SEPARATOR = " · "
_MONTHLY_BYDAY = re.compile(r"BYDAY=([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)")
_SERIES = "%(cadence)s %(day)s %(time)s"
"""The planner's naming of a series' slot: "Weekly (set by Lena) on Tuesdays 16:15–16:45
Stockholm"."""
_ONE_OFF = "Once on %(day)s %(time)s: %(why)s. The earliest time both are free %(window)s."
_CHANGES = frozenset(
    {
        "%(day)s moved to %(weekday)s %(date)s %(time)s because %(why)s",
        "%(day)s moved to %(weekday)s %(time)s because %(why)s",
        "%(day)s skipped because %(why)s",
        "%(num)s more changed",
    }
)
"""The planner's phrases of moved and skipped dates (sync/planner/explain.py), which the
list of dates says in the page's own date style."""


def rule_line(
    rrule: str,
    cadence: str,
    start: datetime,
    end: datetime,
    viewer: str,
    other: str | None,
    language: Language = ENGLISH,
) -> TwoZones:
    """ "Every 3 weeks · Mon 11:15–11:45" in the viewer's zone, and "12:15 in Paris" where the
    other person's clock differs (with their weekday, or date, when that differs too)."""
    here = start.astimezone(ZoneInfo(viewer))
    clock = clock_range(start, end, viewer)
    if rrule:
        when = f"{_which_day(rrule, here, language)} {clock}"
    else:  # a one-off check-in: its date
        when = f"{day(start, viewer, language)} {clock}"
    mine = f"{_capitalised(cadence_name(cadence, language, starting=True))}{SEPARATOR}{when}"
    if other is None or same_clock(start, viewer, other):
        return TwoZones(mine, "")
    there = start.astimezone(ZoneInfo(other))
    theirs = f"{there:%H:%M}"
    if there.date() != here.date():
        named = day(start, other, language) if not rrule else _short_weekday(there, language)
        theirs = f"{named} {theirs}"
    return TwoZones(mine, elsewhere(theirs, other, language))


def _at_rule_time(
    start: datetime, end: datetime, rule_start: datetime, rule_end: datetime, zone: str
) -> bool:
    """Whether a date is at the rule's clock time and of its length in `zone`, so that its
    day alone says when it is."""
    tz = ZoneInfo(zone)
    return (start.astimezone(tz).time(), end - start) == (
        rule_start.astimezone(tz).time(),
        rule_end - rule_start,
    )


def dated(
    start: datetime,
    end: datetime,
    rule: tuple[datetime, datetime],
    viewer: str,
    other: str | None,
    language: Language = ENGLISH,
) -> TwoZones:
    """ "Tue 2 Feb 2027" for a date at the time of the `rule` (its first start and end);
    with its times, both people's, for one elsewhere."""
    if _at_rule_time(start, end, *rule, viewer):
        return TwoZones(day(start, viewer, language), "")
    return span(start, end, viewer, other, language)


def first_date(
    rrule: str,
    occurrences: Sequence[Occurrence],
    rule: tuple[datetime, datetime],
    viewer: str,
    other: str | None,
    language: Language = ENGLISH,
) -> TwoZones | None:
    """The first date that takes place, as the list of dates says it (an alternative whose
    first date moved starts where it moved to); None for a one-off, whose rule line is its
    date."""
    if not rrule:
        return None
    held = first_held(occurrences)
    start, end = (held.start, held.end) if held else rule
    return dated(start, end, rule, viewer, other, language)


def why_only(explanation: Said) -> Said:
    """The planner's explanation beside the rule line and the list of dates, which say when
    and which dates moved or were skipped: "Weekly (set by Lena): free for both on 3 of 4
    dates…, 1 skipped." without its own statement of the slot and of each changed date."""
    if explanation.msgid == _ONE_OFF and not explanation.plain:
        # a one-off's why is on the card already; what is left is how it was found
        return say(
            "The earliest time both are free %(window)s.", window=explanation.value("window")
        )
    if explanation.msgid == _SERIES and not explanation.plain:
        cadence = explanation.value("cadence")
        assert isinstance(cadence, Said)
        return cadence
    if explanation.plain or not explanation.values:
        return explanation
    values = tuple((name, _why_only(value)) for name, value in explanation.values)
    return Said(explanation.msgid, values, explanation.plural)


def _why_only(value: Value) -> Value:
    if isinstance(value, Said):
        return why_only(value)
    if isinstance(value, Listed):
        kept = (item for item in value.items if not _lists_changes(item))
        return Listed(tuple(_why_only(item) for item in kept), value.joiner)
    return value


def _lists_changes(value: Value) -> bool:
    """Whether `value` is the planner's sentence of moved and skipped dates."""
    if not isinstance(value, Said) or value.plain or value.msgid != "%(what)s.":
        return False
    what = value.value("what")
    if not isinstance(what, Said) or what.msgid != "%(items)s":
        return False
    items = what.value("items")
    return isinstance(items, Listed) and all(
        isinstance(item, Said) and item.msgid in _CHANGES for item in items.items
    )


def _which_day(rrule: str, here: datetime, language: Language) -> str:
    monthly = _MONTHLY_BYDAY.search(rrule) if "FREQ=MONTHLY" in rrule else None
    if monthly:
        return language.gettext(
            "the %(nth)s %(weekday)s",
            nth=ordinal(int(monthly.group(1)), language),
            weekday=weekday_in_month(RRULE_DAYS.index(monthly.group(2)), language),
        )
    return _short_weekday(here, language)


def _short_weekday(instant: datetime, language: Language) -> str:
    """ "Mon" ("mån"), as Babel names it in `language`."""
    return language.date(instant.date(), "EEE")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
