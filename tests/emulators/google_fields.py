"""Google's partial responses: the standard `fields` parameter keeps only the named parts of
an answer ("items(id,start),nextPageToken", "a/b", "*"), as the real API does. An emulator
that ignored it would hand a caller fields it never asked for and hide a selection that
leaves out something the caller reads."""

from __future__ import annotations

import re
from typing import Any

from .google_errors import ApiError

Selection = dict[str, "Selection | None"]
"""Each kept name, with what to keep inside it (None: all of it)."""
NAME = re.compile(r"[A-Za-z0-9_@.*-]+")


def selection(text: str) -> Selection:
    """`fields` parsed, or 400 as Google answers a selection it cannot read."""
    try:
        chosen, end = _names(text, 0)
    except (ValueError, IndexError):
        raise _invalid(text) from None
    if end != len(text):
        raise _invalid(text)
    return chosen


def keep(value: Any, chosen: Selection) -> Any:
    """`value` with only the selected parts, a list's items each alike."""
    if isinstance(value, list):
        return [keep(item, chosen) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, inner in value.items():
        if key in chosen or "*" in chosen:
            sub = chosen.get(key)
            kept[key] = inner if sub is None else keep(inner, sub)
    return kept


def _names(text: str, at: int) -> tuple[Selection, int]:
    chosen: Selection = {}
    at = _name(text, at, chosen)
    while at < len(text) and text[at] == ",":
        at = _name(text, at + 1, chosen)
    return chosen, at


def _name(text: str, at: int, chosen: Selection) -> int:
    found = NAME.match(text, at)
    if found is None:
        raise ValueError(at)
    name, at = found[0], found.end()
    inner: Selection | None = None
    if at < len(text) and text[at] == "/":
        inner = {}
        at = _name(text, at + 1, inner)
    elif at < len(text) and text[at] == "(":
        inner, at = _names(text, at + 1)
        if text[at] != ")":
            raise ValueError(at)
        at += 1
    _merge(chosen, name, inner)
    return at


def _merge(chosen: Selection, name: str, inner: Selection | None) -> None:
    if name in chosen and chosen[name] is None:
        return  # all of it already
    if inner is None or name not in chosen:
        chosen[name] = inner
        return
    before = chosen[name]
    assert before is not None
    for key, sub in inner.items():
        _merge(before, key, sub)


def _invalid(text: str) -> ApiError:
    return ApiError(400, "invalidParameter", f"Invalid field selection {text}")
