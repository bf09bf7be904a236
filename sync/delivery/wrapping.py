"""Wrapping text as `textwrap.wrap` does, line for line, in a fraction of its time.

`checkin-sync proposals` wraps every explanation it lists: ten thousand on an organisation's
store. Almost all of them are words between single spaces, with no word wider than a line
and no hyphen textwrap would break at; those are wrapped by packing words greedily, which is
what textwrap does with them (`_packed`). Any other text goes to textwrap, split faster
(`_Wrapper`). tests/delivery/test_wrapping.py holds the lines equal to textwrap's.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache


class _Wrapper(textwrap.TextWrapper):
    """textwrap splits a text into words with one regular expression whose look-arounds (for
    hyphenated words and em-dashes) took four fifths of its time. Only a word with a hyphen
    in it needs them, and a word (a run between whitespace) splits alone as it does inside
    the whole text: every look-around that reaches past its ends meets whitespace, which
    none of them accepts, or the text's end. So the text is split at whitespace first, and
    only the words with a hyphen go through textwrap's expression."""

    def _split(self, text: str) -> list[str]:
        if not self.break_on_hyphens:
            return super()._split(text)
        chunks: list[str] = []
        for piece in self.wordsep_simple_re.split(text):
            if "-" in piece:
                chunks += _hyphen_chunks(piece)
            elif piece:
                chunks.append(piece)
        return chunks


_HYPHENATED = re.compile(r"[^ ]*-[^ ]*")
"""The words with a hyphen in a text of words between single spaces."""


@lru_cache(maxsize=4096)
def _hyphen_chunks(word: str) -> tuple[str, ...]:
    """How textwrap splits a word with a hyphen in it: "check-in" in two, "2027-03-02" not.
    Kept, as an organisation's explanations repeat their dates and names."""
    return tuple(chunk for chunk in _Wrapper.wordsep_re.split(word) if chunk)


def wrap(text: str, width: int, indent: str) -> list[str]:
    """`textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)`."""
    packed = _packed(text, width - len(indent), indent)
    if packed is not None:
        return packed
    return _Wrapper(width, initial_indent=indent, subsequent_indent=indent).wrap(text)


def _packed(text: str, room: int, indent: str) -> list[str] | None:
    """The lines of a text of printable words between single spaces, none wider than `room`
    nor broken by textwrap at a hyphen: as many words on each line as fit. None for any
    other text.

    For such a text textwrap's chunks are the words and the single spaces between them; it
    fills a line with chunks while they fit and drops a space that ends or begins a line,
    so each line ends at the last space that leaves it no wider than `room`. Printable
    (`str.isprintable`) leaves out every whitespace but the space, tabs and newlines
    included, which textwrap handles in its own ways.
    """
    if not text or room <= 0 or not text.isprintable() or text[0] == " " or text[-1] == " ":
        return None
    if len(text) <= room:
        # one line, as textwrap leaves it: spaces inside kept, no word split
        return [indent + text]
    if "  " in text:
        return None
    if "-" in text and any(len(_hyphen_chunks(word)) > 1 for word in _HYPHENATED.findall(text)):
        return None
    lines: list[str] = []
    start = 0
    while len(text) - start > room:
        end = text.rfind(" ", start, start + room + 1)
        if end == -1:
            return None  # a word wider than a line: textwrap breaks it
        lines.append(indent + text[start:end])
        start = end + 1
    lines.append(indent + text[start:])
    return lines
