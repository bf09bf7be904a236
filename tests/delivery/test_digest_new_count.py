"""The digest's "(N new)" beside the waiting count agrees in number in every language:
Swedish says "(1 ny)" but "(2 nya)"."""

from __future__ import annotations

import pytest

from sync.delivery.digest import WaitingItem, _templates
from sync.model.timefmt import TwoZones


def _waiting(name: str, *, new: bool) -> WaitingItem:
    return WaitingItem(
        employee_name=name,
        duration=30,
        rule=TwoZones("Weekly · Tue 15:00–15:30", ""),
        first=None,
        new=new,
    )


def _header(language: str, new: int, old: int) -> str:
    items = [_waiting(f"New {n}", new=True) for n in range(new)]
    items += [_waiting(f"Old {n}", new=False) for n in range(old)]
    text = (
        _templates(language)
        .get_template("digest.txt")
        .render(
            first_name="Karin",
            waiting=items,
            new_count=new,
            tonight=[],
            at_risk=[],
            link=None,
            expires="",
            zone="Stockholm",
            language=language,
        )
    )
    return next(line for line in text.splitlines() if line.startswith("3 "))


@pytest.mark.parametrize(
    ("language", "new", "old", "expected"),
    [
        ("sv", 1, 2, "(1 ny)"),
        ("sv", 2, 1, "(2 nya)"),
        ("en", 1, 2, "(1 new)"),
        ("en", 2, 1, "(2 new)"),
    ],
)
def test_the_new_count_agrees_in_number(language: str, new: int, old: int, expected: str) -> None:
    assert _header(language, new, old).endswith(f"{expected}:")
