"""How the commands print sentences: wrapped to the terminal when a person reads them there,
as whole lines when the output goes to a pipe or a file, where a program (grep, a log, a
mail) reads it and a line break mid-sentence would only get in the way. Addresses and other
long words are never split, so a link can always be copied whole. Tables are printed as
they are: wrapping a row would break its columns."""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import TextIO

MIN_WIDTH = 40
"""Narrower than this, wrapping makes text harder to read, not easier."""


def echo(text: str = "", file: TextIO | None = None) -> None:
    out = sys.stdout if file is None else file
    print(wrapped(text, _width(out)), file=out)


def wrapped(text: str, width: int | None) -> str:
    """`text` with each line longer than `width` wrapped; continuation lines are indented two
    more than the line they continue, so a list item still reads as one."""
    if width is None:
        return text
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(
            textwrap.fill(
                line.strip(),
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _width(out: TextIO) -> int | None:
    try:
        if not out.isatty():
            return None
    except ValueError:  # closed
        return None
    return max(shutil.get_terminal_size().columns, MIN_WIDTH)
