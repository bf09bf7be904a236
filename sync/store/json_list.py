"""A JSON list kept as its stored text and decoded each time it is read.

A proposal's alternatives are the largest thing in its row: two whole series with every
date and every sentence. Decoded, they took about 41 kB of Python objects per proposal
(measured at N = 3,000, 6.8 kB of text), more than half of a decoded proposal, and a night
keeps every live proposal decoded (row_memo.py) while only the digest, the web pages and
choosing an alternative read them. Kept as text, they cost nothing beyond the row's own
text, which the memo holds anyway."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, overload


class JsonList(Sequence[dict[str, Any]]):
    """Read-only, like the record that holds it: each read decodes afresh, so what a reader
    changes in what it got is never seen by the next."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def decoded(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = json.loads(self.text)
        return items

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.decoded()[index]

    def __len__(self) -> int:
        return len(self.decoded())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JsonList):
            return self.text == other.text or self.decoded() == other.decoded()
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self.decoded() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list, which has no hash

    def __repr__(self) -> str:
        return repr(self.decoded())


def json_text(items: Sequence[dict[str, Any]]) -> str:
    """The text to store for `items`: a JsonList's own, unchanged."""
    return items.text if isinstance(items, JsonList) else json.dumps(list(items))
