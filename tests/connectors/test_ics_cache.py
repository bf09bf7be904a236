"""Busy time of unchanged .ics calendars is kept between runs: a later night reads the same
answer without parsing the file again, and any change to the file, a window past the kept
range or a damaged cache file simply reads the calendar again."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sync.connectors import ics_parsing
from sync.connectors.base import BusyReading, CalendarRef
from sync.connectors.ics import IcsConnector
from sync.connectors.ics_cache import AHEAD, IcsBusyCache, PersonBusy
from sync.model.values import BusyBlock, Interval

DATA = Path(__file__).parent.parent / "data" / "ics"
# every kind of content the reader handles: recurrences with exceptions, moved dates,
# floating times, declines, time off and the service's own check-ins
FILES = ["rrule_exdate_rdate.ics", "moved_occurrence.ics", "own_events.ics", "oof.ics"]
KARIN, OLLE = "karin.berg@example.com", "olle@example.com"
NIGHT = Interval(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 15, tzinfo=UTC))


def later(days: int) -> Interval:
    step = timedelta(days=days)
    return Interval(NIGHT.start + step, NIGHT.end + step)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DATA / name, folder / name)
    return folder


def people() -> list[CalendarRef]:
    return [
        CalendarRef(email, zone, f"ics:{name}")
        for name in FILES
        for email, zone in ((KARIN, "Europe/Stockholm"), (OLLE, "America/New_York"))
    ]


def answer(reading: BusyReading) -> tuple[object, ...]:
    return (reading.busy, reading.own_events, reading.errors)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources the connector parsed."""
    seen: list[str] = []
    real = ics_parsing.parse_calendars

    def counting(data: bytes, label: str) -> object:
        seen.append(Path(label).name)
        return real(data, label)

    monkeypatch.setattr(ics_parsing, "parse_calendars", counting)
    return seen


def test_later_nights_read_unchanged_calendars_from_the_cache_with_the_same_answer(
    config: Path, tmp_path: Path, parses: list[str]
) -> None:
    cached = IcsConnector(config, cache=IcsBusyCache(tmp_path / "cache"))
    first = cached.read_busy(people(), NIGHT)
    assert sorted(parses) == sorted(FILES)
    assert all(first.busy.values()) and first.own_events, "the files have busy time and our own"
    for days in (1, 7, AHEAD.days):
        parses.clear()
        tonight = cached.read_busy(people(), later(days))
        assert parses == [], f"{days} days later"
        assert answer(tonight) == answer(IcsConnector(config).read_busy(people(), later(days)))
    assert answer(first) == answer(IcsConnector(config).read_busy(people(), NIGHT))


def test_a_changed_file_or_a_window_past_the_kept_range_is_read_again(
    config: Path, tmp_path: Path, parses: list[str]
) -> None:
    cached = IcsConnector(config, cache=IcsBusyCache(tmp_path / "cache"))
    cached.read_busy(people(), NIGHT)
    shutil.copy(DATA / "dst.ics", config / "oof.ics")
    parses.clear()
    tonight = cached.read_busy(people(), later(1))
    assert parses == ["oof.ics"]
    assert answer(tonight) == answer(IcsConnector(config).read_busy(people(), later(1)))
    parses.clear()
    cached.read_busy(people(), later(AHEAD.days + 2))
    assert sorted(parses) == sorted(FILES)


def test_a_damaged_cache_or_a_new_person_only_costs_a_read(
    config: Path, tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / "cache"
    cached = IcsConnector(config, cache=IcsBusyCache(folder))
    cached.read_busy(people(), NIGHT)
    for kept in folder.glob("*.json"):
        kept.write_text(kept.read_text()[:40])
    newcomer = [*people(), CalendarRef("ny@example.com", "UTC", "ics:oof.ics")]
    expected = answer(IcsConnector(config).read_busy(people(), NIGHT))
    expected_with_newcomer = answer(IcsConnector(config).read_busy(newcomer, NIGHT))
    parses.clear()
    assert answer(cached.read_busy(people(), NIGHT)) == expected
    assert sorted(parses) == sorted(FILES)
    parses.clear()
    assert answer(cached.read_busy(newcomer, NIGHT)) == expected_with_newcomer
    assert parses == ["oof.ics"]


def test_times_read_from_the_cache_are_shared_by_the_blocks_that_hold_them(
    tmp_path: Path,
) -> None:
    # the night holds every block until it ends: equal times are one object, not one each
    cache = IcsBusyCache(tmp_path / "cache")
    nine = datetime(2025, 3, 3, 9, tzinfo=UTC)

    def meeting(hour: int) -> BusyBlock:
        return BusyBlock(nine + timedelta(hours=hour), nine + timedelta(hours=hour, minutes=30))

    kept = {
        KARIN: PersonBusy((meeting(0), meeting(1)), ()),
        OLLE: PersonBusy((meeting(0),), ((nine, nine + timedelta(minutes=30), "ours"),)),
    }
    cache.store("ics:team.ics", "digest", cache.wide(NIGHT), kept)

    found = cache.load("ics:team.ics", "digest", NIGHT, [KARIN, OLLE])

    assert found == kept
    karin, olle = found[KARIN].blocks, found[OLLE].blocks
    assert karin[0].start is olle[0].start is found[OLLE].own[0][0]
    assert karin[0].end is olle[0].end
