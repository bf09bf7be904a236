"""Where a series that gives way to another stops: the start of the last occurrence it keeps.

RFC 5545 (3.3.10), Google and Graph's `range.endDate` all count the end of a rule as
included. A series ended with UNTIL = <its replacement's first start> therefore still holds
that date, next to the replacement's first check-in. So a series keeps only the occurrences
that are over before its replacement begins, and its UNTIL (the store's `until`) is the
original start of the last of them: every writer and the export can take it as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.cadence import Cadence
from sync.model.values import BookedSeries, Occurrence, OccurrenceStatus


def last_kept(
    first_start: datetime,
    timezone: str,
    cadence: str,
    duration: int,
    occurrences: Sequence[Occurrence],
    cut: datetime,
) -> datetime | None:
    """The original start of the last occurrence that ends by `cut`, walking the rule from
    `first_start` (wall-clock time in `timezone`); None when not even the first one does.
    A date moved past `cut`, or starting before it but running into it, ends the walk: the
    series keeps nothing from that date on."""
    length = timedelta(minutes=duration)
    changed = {o.original_start: o for o in occurrences}
    kept = None
    for original in _rule_dates(first_start, timezone, cadence, cut):
        occurrence = changed.get(original)
        end = occurrence.end if occurrence else original + length
        takes_place = occurrence.takes_place if occurrence else True
        if original >= cut or (takes_place and end > cut):
            break
        kept = original
    return kept


def last_date(
    first_start: datetime, timezone: str, cadence: str, until: datetime
) -> datetime | None:
    """The original start of the rule's last date at or before `until`: what a calendar's
    UNTIL (or Graph's endDate, read as the end of that day) comes to in the store's terms."""
    dates = [d for d in _rule_dates(first_start, timezone, cadence, until) if d <= until]
    return dates[-1] if dates else None


def _rule_dates(
    first_start: datetime, timezone: str, cadence: str, last: datetime
) -> Iterator[datetime]:
    """The instants the rule puts on each day from `first_start`'s up to `last`'s, in UTC."""
    zone = ZoneInfo(timezone)
    local = first_start.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    for day in Cadence.parse(cadence).dates(local.date(), last.astimezone(zone).date()):
        original = datetime.combine(day, clock, zone).astimezone(UTC)
        if original.astimezone(zone).time() == clock:  # else the clock skips it (DST gap)
            yield original


def keeps(until: datetime | None, original_start: datetime) -> bool:
    """Whether a series that ends at `until` (None: it does not end) still holds the date
    that the rule puts at `original_start`. UNTIL is inclusive, as in RFC 5545."""
    return until is None or original_start <= until


def dates_to_bring_in_line(series: BookedSeries, *, created: bool) -> list[Occurrence]:
    """The dates a calendar writer must compare with the calendar: every moved or skipped one
    the series still holds, and, in an event that existed before this write, also those back
    at their regular time (the calendar holds each where it was moved to until it is put
    back). A writer leaves a date alone that the calendar already shows as it should be."""
    return [
        o
        for o in series.occurrences
        if (o.status is not OccurrenceStatus.OK or not created)
        and keeps(series.until, o.original_start)
    ]
