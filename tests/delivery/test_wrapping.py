"""The listing's wrapping (sync/delivery/wrapping.py) gives textwrap's lines, whatever the
text: hyphens, dashes, digits, punctuation and whitespace of every kind included; words
between single spaces, as nearly every explanation is, without textwrap."""

from __future__ import annotations

import textwrap

import pytest
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


WORD = st.lists(
    st.sampled_from(["a", "Ab", "é", "1", "2027", "check", "in", "-", "--", ".", "–", "\xa0"]),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=300)
@given(st.lists(WORD, min_size=1, max_size=40).map(" ".join), INDENT_AND_WIDTH)
def test_words_between_single_spaces_are_textwraps_lines(
    text: str, indent_and_width: tuple[str, int]
) -> None:
    indent, width = indent_and_width
    expected = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
    assert wrapping.wrap(text, width, indent) == expected


EXPLANATION = (
    "Biweekly (Priya works hybrid) on Tuesdays 15:45–16:15 Los Angeles: free for both on 3 of "
    "4 dates in the next 8 weeks, 1 moved to another week of its 2-week period. 2027-04-13 "
    "moved to Tue 2027-04-06 13:15 because Karin had no other time with Priya that week."
)


@pytest.mark.parametrize("text", [EXPLANATION, "Weekly on Tuesdays", "Anna-Karin is away."])
def test_an_explanation_is_wrapped_without_textwrap(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = textwrap.wrap(text, 100, initial_indent="      ", subsequent_indent="      ")

    def textwraps(*_: object) -> list[str]:
        raise AssertionError("wrapped by textwrap")

    monkeypatch.setattr(wrapping._Wrapper, "wrap", textwraps)
    assert wrapping.wrap(text, 100, "      ") == expected


def test_a_hyphenated_word_still_breaks_at_its_hyphen() -> None:
    assert wrapping.wrap("a well-known check-in", 12, "") == ["a well-known", "check-in"]
    assert wrapping.wrap("weekly check-ins", 12, "") == ["weekly", "check-ins"]
    assert wrapping.wrap("a  weekly-check-in", 11, "") == ["a  weekly-", "check-in"]


def test_words_are_split_without_textwraps_expression_unless_hyphenated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The point of it: textwrap's expression only sees the words with a hyphen."""
    seen: list[str] = []
    expression = wrapping._Wrapper.wordsep_re

    class Noted:
        def split(self, text: str) -> list[str | None]:
            seen.append(text)
            return expression.split(text)

    monkeypatch.setattr(wrapping._Wrapper, "wordsep_re", Noted())
    wrapping._hyphen_chunks.cache_clear()
    assert wrapping._Wrapper(20).wrap("on 2027-03-02 a check-in") == [
        "on 2027-03-02 a",
        "check-in",
    ]
    assert seen == ["2027-03-02", "check-in"]
