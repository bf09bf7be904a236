"""The cells of a week picture's row in the digest, as table cells with inline styles (mail
programs drop style sheets). Made here rather than in the template: a digest has forty
cells a row and ten rows a waiting proposal, and Jinja's loop spent more on them than the
rest of the digest; each kind of cell is written once and repeated."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from markupsafe import Markup

COLOURS = {"free": "#eef1f5", "busy": "#6b7386", "slot": "#1f5fbf", "other": "#b26a00"}


def row_cells(cells: Sequence[str], first_of_day: bool) -> Markup:
    """A row's cells; the first of a quarter-hour group of four starts an hour, and the
    first row of a day is set apart from the day before."""
    return Markup("".join([_cell(cell, n % 4 == 0, first_of_day) for n, cell in enumerate(cells)]))


@cache
def _cell(kind: str, starts_hour: bool, first_of_day: bool) -> str:
    hour = " border-left: 1px solid #ffffff;" if starts_hour else ""
    day = " border-top: 3px solid #ffffff;" if first_of_day else ""
    return (
        f'<td style="height: 10px; line-height: 10px; font-size: 1px; '
        f'background: {COLOURS[kind]};{hour}{day}">&nbsp;</td>'
    )
