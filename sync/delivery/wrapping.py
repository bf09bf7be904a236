"""Wrapping text as `textwrap.wrap` does, line for line, in a third less time.

textwrap splits a text into words with one regular expression whose look-arounds (for
hyphenated words and em-dashes) took four fifths of its time in `checkin-sync proposals`
(a thousand explanations wrapped). Only a word with a hyphen in it needs them, and a word
(a run between whitespace) splits alone as it does inside the whole text: every look-around
that reaches past its ends meets whitespace, which none of them accepts, or the text's end.
So the text is split at whitespace first, and only the words with a hyphen go through
textwrap's expression. tests/delivery/test_wrapping.py holds the lines equal to textwrap's.
"""

from __future__ import annotations

import textwrap


class _Wrapper(textwrap.TextWrapper):
    def _split(self, text: str) -> list[str]:
        if not self.break_on_hyphens:
            return super()._split(text)
        chunks: list[str] = []
        for piece in self.wordsep_simple_re.split(text):
            if "-" in piece:
                chunks += [chunk for chunk in self.wordsep_re.split(piece) if chunk]
            elif piece:
                chunks.append(piece)
        return chunks


def wrap(text: str, width: int, indent: str) -> list[str]:
    """`textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)`."""
    return _Wrapper(width, initial_indent=indent, subsequent_indent=indent).wrap(text)
