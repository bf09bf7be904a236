"""The cells of a week picture's row in the digest, as table cells coloured by attribute
(mail programs drop style sheets).

A quarter hour is one column, but each run of quarters of one kind is a single cell
spanning them: a row then takes about eight cells instead of forty. Gmail clips a message
beyond about 102 kB and shows "[Message clipped]" in its place; a cell per quarter, each
with its own inline style, made the digest of a manager of twelve about 600 kB."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import groupby

from markupsafe import Markup

COLOURS = {"free": "#eef1f5", "busy": "#6b7386", "slot": "#1f5fbf", "other": "#b26a00"}


FREE_COLOUR = COLOURS["free"]
"""The row's own colour (`row_start`), so a run of free quarters needs none of its own."""


def row_start() -> Markup:
    """The start of a row of the picture, coloured as free time."""
    return Markup(f'<tr bgcolor="{FREE_COLOUR}">')


def row_cells(cells: Sequence[str]) -> Markup:
    """A row's cells: one per run of quarters of the same kind, spanning the run."""
    return Markup("".join([_cell(kind, len(list(run))) for kind, run in groupby(cells)]))


@cache
def _cell(kind: str, quarters: int) -> str:
    span = f' colspan="{quarters}"' if quarters > 1 else ""
    colour = f' bgcolor="{COLOURS[kind]}"' if COLOURS[kind] != FREE_COLOUR else ""
    return f"<td{span}{colour}></td>"
