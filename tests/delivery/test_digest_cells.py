"""The digest's week picture draws each run of quarter hours of one kind as one cell that
spans them: read back column by column, a row is exactly the quarters it was made of."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from sync.delivery.digest_cells import COLOURS, FREE_COLOUR, row_cells

KIND_OF = {colour: kind for kind, colour in COLOURS.items()}


class _Columns(HTMLParser):
    """Each column's kind, as a mail program lays the cells out: a cell without a colour
    of its own shows the row's (free time)."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            found = dict(attrs)
            self.cells += 1
            kind = KIND_OF[found.get("bgcolor") or FREE_COLOUR]
            self.kinds += [kind] * int(found.get("colspan") or 1)


def _columns(cells: list[str]) -> _Columns:
    parser = _Columns()
    parser.feed(str(row_cells(cells)))
    return parser


@given(cells=st.lists(st.sampled_from(sorted(COLOURS)), max_size=96))
def test_the_cells_span_exactly_the_quarters_of_the_row(cells: list[str]) -> None:
    assert _columns(cells).kinds == cells


def test_a_run_of_one_kind_is_one_cell() -> None:
    row = ["free"] * 8 + ["busy"] * 6 + ["slot"] * 2 + ["busy"] * 4 + ["other"] * 2
    assert _columns(row).cells == 5
