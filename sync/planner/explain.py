"""The sentences a manager reads next to each proposal: what, why there, what moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sync.model.cadence import Cadence, nth_weekday_of_month
from sync.model.said import Day, Said, Value, Weekday, joined, say, say_n
from sync.model.timefmt import cadence_said, zone_label
from sync.model.values import Occurrence, OccurrenceStatus

_ORDINALS = {
    1: say("first"),
    2: say("second"),
    3: say("third"),
    4: say("fourth"),
    -1: say("last"),
}
_LISTED_CHANGES = 3


def slot_phrase(first: datetime, minutes: int, employee_zone: str) -> str:
    """ "Tuesdays 10:00–10:30 Stockholm / 04:00–04:30 New York" for a series starting `first`
    (aware, in the organiser's zone)."""
    end = first + timedelta(minutes=minutes)
    text = f"{_clock(first)}–{_clock(end)} {zone_label(str(first.tzinfo))}"
    if str(first.tzinfo) != employee_zone:
        other_start = first.astimezone(ZoneInfo(employee_zone))
        other_end = end.astimezone(ZoneInfo(employee_zone))
        text += f" / {_clock(other_start)}–{_clock(other_end)} {zone_label(employee_zone)}"
    return text


def _clock(moment: datetime) -> str:
    """ "09:30": what `f"{moment:%H:%M}"` writes, without strftime, which costs about four
    times as much; a plan writes two to four of these for every series it builds (the
    proposal and its alternatives) and one for every moved date it lists."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def day_phrase(first: datetime, cadence: Cadence) -> Said:
    if cadence.monthly:
        nth = _ORDINALS[nth_weekday_of_month(first.date())]
        return say(
            "on the %(nth)s %(weekday)s of each month",
            nth=nth,
            weekday=Weekday(first.weekday(), "nth"),
        )
    return say("on %(weekdays)s", weekdays=Weekday(first.weekday(), "plural"))


def explain_series(
    *,
    first: datetime,
    minutes: int,
    cadence: Cadence,
    cadence_reason: Said,
    employee_zone: str,
    occurrences: Sequence[Occurrence],
    preferred_by: str | None,
    horizon_weeks: int,
    avoiding: Sequence[Said] = (),
    preference: Said | None = None,
) -> Said:
    ok = sum(1 for o in occurrences if o.status is OccurrenceStatus.OK)
    label = cadence_said(cadence, starting=True)
    if cadence_reason:
        label = say("%(cadence)s (%(why)s)", cadence=label, why=cadence_reason)
    moved = sum(1 for o in occurrences if o.status is OccurrenceStatus.MOVED)
    skipped = len(occurrences) - ok - moved
    zone = first.tzinfo or ZoneInfo("UTC")
    elsewhere = sum(1 for o in occurrences if _other_week(o, zone))
    moved -= elsewhere
    when = slot_phrase(first, minutes, employee_zone)
    series = say(
        "%(cadence)s %(day)s %(time)s", cadence=label, day=day_phrase(first, cadence), time=when
    )
    if preferred_by:
        series = say(
            "%(series)s, inside %(name)s's preferred time", series=series, name=preferred_by
        )
    free = say_n(
        "%(series)s: free for both on %(ok)s of %(num)s dates in the next %(weeks)s weeks",
        "%(series)s: free for both on %(ok)s of %(num)s dates in the next %(weeks)s weeks",
        len(occurrences),
        series=series,
        ok=ok,
        weeks=horizon_weeks,
    )
    parts: list[Value] = [free]
    if moved:
        parts.append(
            say_n("%(num)s moved within its week", "%(num)s moved within their week", moved)
        )
    if elsewhere:
        parts.append(
            say_n(
                "%(num)s moved to another week of its %(weeks)s-week period",
                "%(num)s moved to another week of their %(weeks)s-week period",
                elsewhere,
                weeks=cadence.weeks,
            )
        )
    if skipped:
        parts.append(say_n("%(num)s skipped", "%(num)s skipped", skipped))
    sentences: list[Value] = [say("%(what)s.", what=joined(parts, ", "))]
    changes = [o for o in occurrences if o.status is not OccurrenceStatus.OK]
    if changes:
        phrases: list[Value] = [change_phrase(o, zone) for o in changes[:_LISTED_CHANGES]]
        if len(changes) > _LISTED_CHANGES:
            more = len(changes) - _LISTED_CHANGES
            phrases.append(say_n("%(num)s more changed", "%(num)s more changed", more))
        sentences.append(say("%(what)s.", what=joined(phrases, "; ")))
    if preference:
        sentences.append(preference)
    if avoiding:
        sentences.append(say("Avoiding %(times)s.", times=joined(avoiding, "; ")))
    return joined(sentences, " ")


def change_phrase(occurrence: Occurrence, zone: tzinfo) -> Said:
    original = Day.of(occurrence.original_start.astimezone(zone).date())
    if occurrence.status is OccurrenceStatus.MOVED:
        new = occurrence.start.astimezone(zone)
        if _other_week(occurrence, zone):
            # a move to another week of the cadence names its date: a weekday alone would
            # read as the same week
            return say(
                "%(day)s moved to %(weekday)s %(date)s %(time)s because %(why)s",
                day=original,
                weekday=Weekday(new.weekday(), "short"),
                date=Day.of(new.date()),
                time=_clock(new),
                why=occurrence.reason,
            )
        return say(
            "%(day)s moved to %(weekday)s %(time)s because %(why)s",
            day=original,
            weekday=Weekday(new.weekday(), "short"),
            time=_clock(new),
            why=occurrence.reason,
        )
    return say("%(day)s skipped because %(why)s", day=original, why=occurrence.reason)


def _other_week(occurrence: Occurrence, zone: tzinfo) -> bool:
    """A date moved out of its week (Monday to Sunday on the organiser's clock)."""
    if occurrence.status is not OccurrenceStatus.MOVED:
        return False
    original = occurrence.original_start.astimezone(zone).date()
    new = occurrence.start.astimezone(zone).date()
    return (original - timedelta(days=original.weekday())) != (new - timedelta(days=new.weekday()))
