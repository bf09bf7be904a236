"""The listing's wrapping (sync/delivery/wrapping.py) gives textwrap's lines, whatever the
text: hyphens, dashes, digits, punctuation and whitespace of every kind included."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.delivery import wrapping

PIECES = st.sampled_from(
    ["-", "--", "---", " ", "  ", "\t", "\n", "\r", "\x0b", "\xa0", "a", "Ab", "é", "1", "2027",
     "check", "in", ".", ",", "!", "?", "'", '"', "&", "_", "–", "(", ")", ":"]
)  # fmt: skip


# textwrap itself never returns for some texts when the indent leaves no room on a line
INDENT_AND_WIDTH = st.sampled_from(["", "  "]).flatmap(
    lambda indent: st.tuples(st.just(indent), st.integers(len(indent) + 1, 40))
)


@settings(max_examples=300)
@given(st.lists(PIECES, max_size=60).map("".join), INDENT_AND_WIDTH)
def test_lines_are_textwraps(text: str, indent_and_width: tuple[str, int]) -> None:
    indent, width = indent_and_width
    expected = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
    assert wrapping.wrap(text, width, indent) == expected


def test_a_hyphenated_word_still_breaks_at_its_hyphen() -> None:
    assert wrapping.wrap("a well-known check-in", 12, "") == ["a well-known", "check-in"]
    assert wrapping.wrap("weekly check-ins", 12, "") == ["weekly", "check-ins"]
    assert wrapping.wrap("a  weekly-check-in", 11, "") == ["a  weekly-", "check-in"]


def test_words_are_split_without_textwraps_expression_unless_hyphenated() -> None:
    """The point of it: textwrap's expression only sees the words with a hyphen."""
    seen: list[str] = []
    wrapper = wrapping._Wrapper(20)
    expression = wrapper.wordsep_re

    class Noted:
        def split(self, text: str) -> list[str | None]:
            seen.append(text)
            return expression.split(text)

    wrapper.wordsep_re = Noted()  # type: ignore[assignment]
    assert wrapper.wrap("on 2027-03-02 a check-in") == ["on 2027-03-02 a", "check-in"]
    assert seen == ["2027-03-02", "check-in"]
