"""Template filters of the approval page."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_RANGE = re.compile(r"\d{1,2}:\d{2}\s*–\s*\d{1,2}:\d{2}")


def nowrap_ranges(text: str) -> Markup:
    """`text` with each time range ("11:15–11:45") kept on one line: a phone would otherwise
    break it after the dash."""
    return Markup(_RANGE.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', str(escape(text))))
