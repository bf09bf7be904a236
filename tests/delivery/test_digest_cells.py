"""The digest's week picture cells are written in Python, kind by kind, not by a Jinja loop
per cell: the same markup the loop wrote, for every kind of cell, at the start of an hour or
not, on a day's first row or its second."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment

from sync.delivery.digest_cells import COLOURS, row_cells

PER_CELL = (
    '{% for cell in cells %}<td style="height: 10px; line-height: 10px; font-size: 1px; '
    "background: {{ colours[cell] }};{% if loop.index0 % 4 == 0 %} border-left: 1px solid "
    '#ffffff;{% endif %}{% if day %} border-top: 3px solid #ffffff;{% endif %}">&nbsp;</td>'
    "{% endfor %}"
)
"""The loop the digest template ran before."""


@given(
    cells=st.lists(st.sampled_from(sorted(COLOURS)), max_size=96),
    day=st.sampled_from(["", "Mon 1 Feb"]),
)
def test_the_cells_are_what_the_loop_wrote(cells: list[str], day: str) -> None:
    loop = Environment(autoescape=True).from_string(PER_CELL)
    assert str(row_cells(cells, day != "")) == loop.render(cells=cells, colours=COLOURS, day=day)
