"""The benchmark's organisation generator: deterministic for a seed, shaped like the issue
asks, and its busy time expanded the way the calendars it writes will be read."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from bench.config import ics_calendar, people_toml, set_cadence
from bench.org import Block, Org, Person, generate, occurrences, spans
from sync.config.roster import load_roster

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


def test_the_same_seed_gives_the_same_organisation_and_another_seed_another() -> None:
    first, again, other = generate(120, 3, NOW), generate(120, 3, NOW), generate(120, 4, NOW)
    assert people_toml(first) == people_toml(again)
    assert [ics_calendar(p) for p in first.people.values()] == [
        ics_calendar(p) for p in again.people.values()
    ]
    assert people_toml(first) != people_toml(other)


def test_teams_managers_zones_and_calendars_have_the_asked_for_shape() -> None:
    org = generate(400, 11, NOW)
    assert abs(len(org.people) - 400) <= 10
    leads = [m for m in org.managers() if not any(org.people[r].is_manager for r in m.reports)]
    assert all(3 <= len(m.reports) <= 11 for m in leads)  # teams of 4–12 with their manager
    assert all(3 <= len(m.reports) <= 20 for m in org.managers())
    assert 3 <= len({p.zone for p in org.people.values()}) <= 6
    kinds = Counter(p.calendar.split(":")[0] for p in org.people.values())
    assert set(kinds) == {"google", "outlook", "ics"}
    assert sum(1 for p in org.people.values() if p.manager is None) == 1  # one CEO


def test_managers_are_busier_than_their_reports() -> None:
    org = generate(200, 5, NOW)
    lo, hi = NOW, NOW + timedelta(weeks=4)

    def share(person: Person) -> float:
        busy = sum((s.end - s.start).total_seconds() for s in spans(person, lo, hi))
        begin, end = person.hours
        day = (end.hour * 60 + end.minute - begin.hour * 60 - begin.minute) * 60
        return busy / (20 * day)

    managers = [share(p) for p in org.people.values() if p.is_manager]
    reports = [share(p) for p in org.people.values() if not p.is_manager]
    assert sum(managers) / len(managers) > sum(reports) / len(reports)
    assert 0.35 < sum(managers) / len(managers) < 0.9


def test_the_roster_it_writes_is_valid_for_checkin_sync(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    org = generate(80, 2, NOW)
    (folder / "people.toml").write_text(people_toml(org))
    roster = load_roster(folder / "people.toml")
    assert roster.usable and not roster.problems
    assert len(roster.employees) == len(org.pairs())


def test_a_cadence_change_edits_only_that_employee() -> None:
    org = generate(40, 1, NOW)
    text = people_toml(org)
    email = org.pairs()[0][1]
    changed = set_cadence(text, email, "every 4 weeks")
    assert changed.count('cadence = "every 4 weeks"') == 1
    entry = changed.split(f'email = "{email}"', 1)[1].split("\n\n", 1)[0]
    assert 'cadence = "every 4 weeks"' in entry


def test_recurring_blocks_repeat_on_their_weekdays_and_interval_in_their_zone() -> None:
    block = Block(datetime(2027, 3, 1, 9, 30), 30, "busy", (0, 2), interval=2)
    zone = Person("a@x", "A", "Europe/Stockholm", "SE", "", (time(9), time(17)), "none").tz
    found = occurrences(block, zone, NOW, NOW + timedelta(weeks=4))
    local = [s.astimezone(zone) for s, _ in found]
    assert [d.date().isoformat() for d in local] == [
        "2027-03-01",
        "2027-03-03",
        "2027-03-15",
        "2027-03-17",
    ]
    assert {d.time() for d in local} == {time(9, 30)}


def test_time_off_and_busy_all_day_events_block_and_free_ones_do_not() -> None:
    person = Person("a@x", "A", "Europe/London", "GB", "", (time(9), time(17)), "none")
    person.blocks = [
        Block(datetime(2027, 3, 2), 24 * 60, "allday_free"),
        Block(datetime(2027, 3, 3), 24 * 60, "allday"),
        Block(datetime(2027, 3, 8), 24 * 60, "off", days=3),
    ]
    found = spans(person, NOW, NOW + timedelta(weeks=2))
    assert [(s.kind, (s.end - s.start).days) for s in found] == [("busy", 1), ("off", 3)]


def test_an_org_with_no_people_has_no_pairs() -> None:
    assert Org(seed=0, now=NOW, people={}).pairs() == []
