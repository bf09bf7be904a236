"""Whether a change to a series' dates is something a calendar shows.

A calendar holds a recurring series as its rule plus the exceptions: skipped dates (EXDATE,
a cancelled instance) and moved ones (an override with its own time and the reason in its
text). A date that enters the planning horizon where the rule already puts it adds nothing
a calendar could show, so it is no new version of the series: its SEQUENCE, DTSTAMP and
every file and invitation built from them stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.model.values import Occurrence, OccurrenceStatus

_Shown = tuple[OccurrenceStatus, datetime, datetime, str]


def shows_differently(before: Sequence[Occurrence], after: Sequence[Occurrence]) -> bool:
    """Whether a calendar holding the series with dates `after` shows anything other than
    with `before`."""
    return _exceptions(before) != _exceptions(after)


def _exceptions(occurrences: Sequence[Occurrence]) -> dict[datetime, _Shown]:
    shown = {}
    for o in occurrences:
        if o.status is OccurrenceStatus.OK and o.start == o.original_start:
            continue  # the rule shows it by itself
        # a skipped date's reason is in no calendar; a moved one's is in its description
        reason = str(o.reason) if o.status is OccurrenceStatus.MOVED else ""
        shown[o.original_start] = (o.status, o.start, o.end, reason)
    return shown
