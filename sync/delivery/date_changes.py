"""What a person should notice about a series' dates: which were moved and which skipped,
said the same way on the approval page and in the digest, in one date style."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sync.delivery.wording import managers_wording
from sync.model.timefmt import day, moment
from sync.model.values import Occurrence, OccurrenceStatus
from sync.plumbing.i18n import ENGLISH, Language


@dataclass(frozen=True)
class DateChange:
    """One moved or skipped date: "Fri 25 Dec 2026" and what happened to it."""

    date: str
    change: str

    def __str__(self) -> str:
        return f"{self.date}: {self.change}"


def reason_of(item: Occurrence, language: Language = ENGLISH) -> str:
    """Why a date was moved or skipped, in `language` (empty when nobody said)."""
    return managers_wording(language.code).word(item.reason)


def date_change(item: Occurrence, zone: str, language: Language = ENGLISH) -> DateChange | None:
    """What happened to `item`, or None for a date as planned."""
    _ = language.gettext
    why = reason_of(item, language)
    if item.status is OccurrenceStatus.SKIPPED:
        change = _("skipped (%(why)s)", why=why) if why else _("skipped")
    elif item.status is OccurrenceStatus.MOVED:
        to = moment(item.start, zone, language)
        change = (
            _("moved to %(when)s (%(why)s)", when=to, why=why)
            if why
            else _("moved to %(when)s", when=to)
        )
    else:
        return None
    return DateChange(day(item.original_start, zone, language), change)


def date_changes(
    items: Sequence[Occurrence], zone: str, language: Language = ENGLISH
) -> list[DateChange]:
    """The moved and skipped dates among `items`, in date order."""
    changes = (date_change(item, zone, language) for item in items)
    return [change for change in changes if change is not None]


def first_held(items: Sequence[Occurrence]) -> Occurrence | None:
    """The first date that takes place (where it was moved to): what "first check-in" says,
    so it agrees with the list of dates."""
    held = [item for item in items if item.takes_place]
    return min(held, key=lambda item: item.start) if held else None


def chips(items: Sequence[Occurrence], language: Language = ENGLISH) -> list[str]:
    """Short labels for what needs attention: "1 skipped: Christmas Day", "2 moved"."""
    skipped = [item for item in items if item.status is OccurrenceStatus.SKIPPED]
    moved = [item for item in items if item.status is OccurrenceStatus.MOVED]
    labels = []
    if skipped:
        reasons = {reason_of(item, language) for item in skipped}
        (why,) = reasons if len(reasons) == 1 else ("",)
        labels.append(
            language.ngettext(
                "%(num)s skipped: %(why)s", "%(num)s skipped: %(why)s", len(skipped), why=why
            )
            if why
            else language.ngettext("%(num)s skipped", "%(num)s skipped", len(skipped))
        )
    if moved:
        labels.append(language.ngettext("%(num)s moved", "%(num)s moved", len(moved)))
    return labels
