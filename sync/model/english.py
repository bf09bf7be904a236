"""The few words of Babel's English CLDR data that the planner's sentences use, without
loading Babel: its dates module, the machine's time zone it finds as it loads, and the
English locale data took a tenth of `checkin-sync proposals`, whose English sentences need
only these. tests/model/test_english.py holds them equal to what Babel says.
"""

from __future__ import annotations

from collections.abc import Sequence

SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Babel's `get_day_names("abbreviated", locale="en")`, Monday first."""


def english_list(items: Sequence[str]) -> str:
    """ "Lena, Tom, and Erik": Babel's `format_list(items, locale="en")`."""
    if len(items) <= 1:
        return items[0] if items else ""
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return f"{', '.join(items[:-1])}, and {items[-1]}"
