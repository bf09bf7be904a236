"""Holidays' names are kept between commands (sync/delivery/holiday_names.py): a later
listing names them without loading the holidays package, in each language as before, and a
new holidays package, a damaged file or a folder that cannot be written only means they are
looked up again."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.delivery import holiday_names
from sync.delivery.holiday_names import HolidayNames
from sync.delivery.wording import kept_names, wording
from sync.model.said import Holiday, Said, say

CHRISTMAS = Holiday("SE", ("public", "de_facto"), "2026-12-25", "Christmas Day")
BOXING_DAY = Holiday("GB-ENG", (), "2026-12-26", "Boxing Day")


def sentence(holiday: Holiday) -> Said:
    return say("it is a holiday for %(name)s (%(holiday)s)", name="Erik", holiday=holiday)


class Asked:
    """A name_in that counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[Holiday, str]] = []

    def __call__(self, holiday: Holiday, code: str) -> str:
        self.asked.append((holiday, code))
        return f"{holiday.name} in {code}"


@pytest.mark.parametrize("code", ["en", "sv"])
def test_names_kept_read_as_the_holidays_package_names_them(tmp_path: Path, code: str) -> None:
    path = tmp_path / "cache" / "holiday-names.json"
    fresh = [wording(code).word(sentence(h)) for h in (CHRISTMAS, BOXING_DAY)]
    first = kept_names(path)
    assert [wording(code, first).word(sentence(h)) for h in (CHRISTMAS, BOXING_DAY)] == fresh
    first.save()

    def not_again(holiday: Holiday, code: str) -> str:
        raise AssertionError(f"{holiday} looked up again in {code}")

    later = HolidayNames(path, not_again)
    assert [wording(code, later).word(sentence(h)) for h in (CHRISTMAS, BOXING_DAY)] == fresh


def test_each_language_and_region_is_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "holiday-names.json"
    asked = Asked()
    names = HolidayNames(path, asked)
    assert names.name(CHRISTMAS, "en") == "Christmas Day in en"
    assert names.name(CHRISTMAS, "sv") == "Christmas Day in sv"
    assert names.name(BOXING_DAY, "sv") == "Boxing Day in sv"
    assert names.name(CHRISTMAS, "sv") == "Christmas Day in sv"
    names.save()
    again = Asked()
    kept = HolidayNames(path, again)
    assert kept.name(BOXING_DAY, "sv") == "Boxing Day in sv"
    assert kept.name(BOXING_DAY, "en") == "Boxing Day in en"
    assert len(asked.asked) == 3
    assert again.asked == [(BOXING_DAY, "en")]


def test_another_holidays_package_names_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "holiday-names.json"
    names = HolidayNames(path, Asked())
    names.name(CHRISTMAS, "sv")
    names.save()
    monkeypatch.setattr(holiday_names, "package_key", lambda: "another version")
    asked = Asked()
    HolidayNames(path, asked).name(CHRISTMAS, "sv")
    assert asked.asked == [(CHRISTMAS, "sv")]


@pytest.mark.parametrize("damage", ["{", "[]", '{"holidays": 1, "names": {"a": 2}}', ""])
def test_a_damaged_file_is_looked_up_again(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "holiday-names.json"
    path.write_text(damage)
    asked = Asked()
    names = HolidayNames(path, asked)
    assert names.name(CHRISTMAS, "en") == "Christmas Day in en"
    names.save()
    assert HolidayNames(path, Asked()).names == {
        "SE|public,de_facto|2026-12-25|en": "Christmas Day in en"
    }


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "not a folder"
    blocked.write_text("")
    names = HolidayNames(blocked / "holiday-names.json", Asked())
    assert names.name(CHRISTMAS, "en") == "Christmas Day in en"
    names.save()  # no error: the next listing looks it up again
