"""The sentences a manager reads next to each proposal: what, why there, what moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sync.cadence import Cadence, nth_weekday_of_month
from sync.model import Occurrence, OccurrenceStatus
from sync.planner.availability import zone_label
from sync.weekdays import WEEKDAY_PLURALS, WEEKDAY_TITLES

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_LISTED_CHANGES = 3


def slot_phrase(first: datetime, minutes: int, employee_zone: str) -> str:
    """ "Tuesdays 10:00–10:30 Stockholm / 04:00–04:30 New York" for a series starting `first`
    (aware, in the organiser's zone)."""
    end = first + timedelta(minutes=minutes)
    text = f"{first:%H:%M}–{end:%H:%M} {zone_label(str(first.tzinfo))}"
    if str(first.tzinfo) != employee_zone:
        other_start = first.astimezone(ZoneInfo(employee_zone))
        other_end = end.astimezone(ZoneInfo(employee_zone))
        text += f" / {other_start:%H:%M}–{other_end:%H:%M} {zone_label(employee_zone)}"
    return text


def day_phrase(first: datetime, cadence: Cadence) -> str:
    if cadence.monthly:
        nth = _ORDINALS[nth_weekday_of_month(first.date())]
        return f"on the {nth} {WEEKDAY_PLURALS[first.weekday()][:-1]} of each month"
    return f"on {WEEKDAY_PLURALS[first.weekday()]}"


def explain_series(
    *,
    first: datetime,
    minutes: int,
    cadence: Cadence,
    cadence_reason: str,
    employee_zone: str,
    occurrences: Sequence[Occurrence],
    preferred_by: str | None,
    horizon_weeks: int,
    avoiding: Sequence[str] = (),
    preference: str = "",
) -> str:
    ok = sum(1 for o in occurrences if o.status is OccurrenceStatus.OK)
    label = cadence.label.capitalize()
    if cadence_reason:
        label += f" ({cadence_reason})"
    moved = sum(1 for o in occurrences if o.status is OccurrenceStatus.MOVED)
    skipped = len(occurrences) - ok - moved
    zone = first.tzinfo or ZoneInfo("UTC")
    elsewhere = sum(1 for o in occurrences if _other_week(o, zone))
    moved -= elsewhere
    sentence = f"{label} {day_phrase(first, cadence)} {slot_phrase(first, minutes, employee_zone)}"
    if preferred_by:
        sentence += f", inside {preferred_by}'s preferred time"
    sentence += (
        f": free for both on {ok} of {len(occurrences)} dates in the next {horizon_weeks} weeks"
    )
    if moved:
        sentence += f", {moved} moved within {'its' if moved == 1 else 'their'} week"
    if elsewhere:
        its = "its" if elsewhere == 1 else "their"
        sentence += f", {elsewhere} moved to another week of {its} {cadence.weeks}-week period"
    if skipped:
        sentence += f", {skipped} skipped"
    sentence += "."
    changes = [o for o in occurrences if o.status is not OccurrenceStatus.OK]
    if changes:
        parts = [_change_phrase(o, zone) for o in changes[:_LISTED_CHANGES]]
        if len(changes) > _LISTED_CHANGES:
            parts.append(f"{len(changes) - _LISTED_CHANGES} more changed")
        sentence += " " + "; ".join(parts) + "."
    if preference:
        sentence += f" {preference}"
    if avoiding:
        sentence += f" Avoiding {'; '.join(avoiding)}."
    return sentence


def _change_phrase(occurrence: Occurrence, zone: tzinfo) -> str:
    original = occurrence.original_start.astimezone(zone)
    if occurrence.status is OccurrenceStatus.MOVED:
        new = occurrence.start.astimezone(zone)
        # a move to another week of the cadence names its date: a weekday alone would
        # read as the same week
        when = f"{new:%Y-%m-%d} " if _other_week(occurrence, zone) else ""
        return (
            f"{original:%Y-%m-%d} moved to {WEEKDAY_TITLES[new.weekday()]} {when}{new:%H:%M} "
            f"because {occurrence.reason}"
        )
    return f"{original:%Y-%m-%d} skipped because {occurrence.reason}"


def _other_week(occurrence: Occurrence, zone: tzinfo) -> bool:
    """A date moved out of its week (Monday to Sunday on the organiser's clock)."""
    if occurrence.status is not OccurrenceStatus.MOVED:
        return False
    original = occurrence.original_start.astimezone(zone).date()
    new = occurrence.start.astimezone(zone).date()
    return (original - timedelta(days=original.weekday())) != (new - timedelta(days=new.weekday()))
