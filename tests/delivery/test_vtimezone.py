"""VTIMEZONE blocks from the tz database: yearly RRULEs where the zone's current rule allows,
explicit onsets where it does not, and in every zone exactly the changes `zoneinfo` knows."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.ical.posix_tz import parse_posix_tz
from sync.ical.tzif import zone_history
from sync.ical.vtimezone import vtimezone
from tests import icaljs_reader
from tests.delivery.test_ics_export import onsets_in

FIRST, LAST = date(2027, 1, 1), date(2030, 1, 1)
SPAN = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def daily_changes(zone: ZoneInfo) -> int:
    """How many times the offset changes in SPAN, seen once a day at noon UTC."""
    days = (SPAN[1] - SPAN[0]).days
    offsets = [
        (SPAN[0] + timedelta(days=n, hours=12)).astimezone(zone).utcoffset() for n in range(days)
    ]
    return sum(a != b for a, b in itertools.pairwise(offsets))


def test_every_zone_states_exactly_the_changes_zoneinfo_knows() -> None:
    seen = set()
    for name in sorted(zoneinfo.available_timezones()):
        if name.startswith(("posix/", "right/")) or name in ("Factory", "localtime"):
            continue
        if zone_history(name) in seen:
            continue  # another name of a zone already checked
        seen.add(zone_history(name))
        zone = ZoneInfo(name)
        block = vtimezone(name, FIRST, LAST)
        onsets = {t for t in onsets_in(block, SPAN[1]) if t >= SPAN[0]}
        for onset in onsets:
            before, after = (onset - timedelta(seconds=1)).astimezone(zone), onset.astimezone(zone)
            assert before.utcoffset() != after.utcoffset(), (name, onset)
        assert len(onsets) == daily_changes(zone), name
        observances = [*block.standard, *block.daylight]
        for observance in observances:
            first = observance.DTSTART - observance.TZOFFSETFROM
            if first.year < 1900:
                continue  # local mean time: zoneinfo and the file agree, seconds and all
            at = first.replace(tzinfo=UTC)
            assert at.astimezone(zone).utcoffset() == observance.TZOFFSETTO, (name, at)


@pytest.mark.parametrize(
    ("name", "rules"),
    [
        (
            "Europe/London",
            {"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"},
        ),
        (
            "Australia/Sydney",
            {"FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"},
        ),
        # 26:00 on the fourth Thursday: 02:00 on the Friday after it
        (
            "Asia/Jerusalem",
            {
                "FREQ=YEARLY;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29;BYMONTH=3",
                "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            },
        ),
    ],
)
def test_regular_zones_are_two_yearly_rules_and_nothing_else(name: str, rules: set[str]) -> None:
    block = vtimezone(name, FIRST, LAST)
    observances = [*block.standard, *block.daylight]
    assert {o["RRULE"].to_ical().decode() for o in observances} == rules
    assert len(observances) == 2
    assert all("RDATE" not in o for o in observances)


def test_dublin_shows_summer_as_daylight_time() -> None:
    # the tz database calls Irish winter time (GMT) daylight-saving time; readers, and the
    # files Google and Outlook publish, call summer (IST, +01:00) that
    block = vtimezone("Europe/Dublin", FIRST, LAST)
    ((standard,), (daylight,)) = block.standard, block.daylight
    assert (daylight["TZNAME"], daylight.TZOFFSETTO) == ("IST", timedelta(hours=1))
    assert (standard["TZNAME"], standard.TZOFFSETTO) == ("GMT", timedelta(0))


def test_zones_without_daylight_time_are_one_observance() -> None:
    for name, offset in [("Asia/Tokyo", 9), ("Atlantic/Reykjavik", 0)]:
        (observance,) = [*vtimezone(name, FIRST, LAST).standard]
        assert timedelta(hours=offset) == observance.TZOFFSETTO
        assert "RRULE" not in observance


def test_a_zone_changed_by_decree_lists_its_changes_until_the_end() -> None:
    # Morocco leaves +01:00 for Ramadan: dates no yearly rule states
    block = vtimezone("Africa/Casablanca", FIRST, LAST)
    observances = [*block.standard, *block.daylight]
    assert all("RRULE" not in o for o in observances)
    assert len(observances) >= 2 * 3
    assert max(o.DTSTART for o in observances) < datetime(2030, 1, 1)


def test_rules_the_rrule_form_cannot_state_fall_back_to_dates() -> None:
    # day-of-year rules ("J60") exist in the POSIX form but not as BYDAY rules
    rule = parse_posix_tz("XST-1XDT,J60/2,J300/3")
    assert rule is not None and rule.starts is not None and rule.ends is not None
    assert rule.starts.rrule() is None
    assert rule.starts.local_onset(2028) == datetime(2028, 3, 1, 2)  # Feb 29 is never counted
    assert parse_posix_tz("not a rule") is None


def test_without_node_the_ical_js_reader_fails_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(icaljs_reader.shutil, "which", lambda _: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install nodejs npm"):
        icaljs_reader.install()
