"""Cadence that follows the person: how they work sets the default, a temporary "more
often" starts and ends by itself, and a pause added to a booked series is honoured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import icalendar

from sync.config.roster import load_roster
from tests.cli.test_cli_end_to_end import by_employee, events, proposals, run
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
NOW = datetime.fromisoformat("2027-02-01T07:00:00+00:00")  # a Monday morning in Stockholm

TEAM = """
[defaults]
timezone = "Europe/Stockholm"
holidays = ""
calendar = "none"
{defaults}

[[managers]]
email = "karin@example.com"
name = "Karin Lind"
{manager}

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
works = "remote"

[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
works = "hybrid"

[[employees]]
email = "maja@example.com"
name = "Maja Holm"
manager = "karin@example.com"
works = "office"

[[employees]]
email = "omar@example.com"
name = "Omar Haddad"
manager = "karin@example.com"
works = "remote"
cadence = "monthly"

[[employees]]
email = "sofia@example.com"
name = "Sofia Lind"
manager = "karin@example.com"
"""


def at(weeks: float, base: datetime = NOW) -> str:
    return (base + timedelta(weeks=weeks)).isoformat()


def approve(cli: CLI, config: ConfigDir, *ids: int) -> None:
    result = cli("--config", str(config.root), "approve", *[str(i) for i in ids])
    assert result.code == 0, result.err


def test_how_someone_works_sets_their_cadence_and_the_proposal_says_so(
    cli: CLI, config: ConfigDir
) -> None:
    config.people(TEAM.format(defaults="", manager=""))
    assert run(cli, config, now=at(0)).code == 0
    found = by_employee(proposals(cli, config))
    cadences = {email: p["cadence"] for email, p in found.items()}
    assert cadences == {
        "lena@example.com": "weekly",
        "erik@example.com": "biweekly",
        "maja@example.com": "every 3 weeks",
        "omar@example.com": "monthly",  # their own cadence wins over how they work
        "sofia@example.com": "biweekly",  # no arrangement: the [defaults] cadence
    }
    assert found["lena@example.com"]["explanation"].startswith("Weekly (Lena works remotely) on")
    assert "Every 3 weeks (Maja works at the office)" in found["maja@example.com"]["explanation"]
    assert "Monthly (set by Omar)" in found["omar@example.com"]["explanation"]
    assert "Biweekly (the organisation's default)" in found["sofia@example.com"]["explanation"]


def test_the_organisation_and_the_manager_can_change_the_rule(cli: CLI, config: ConfigDir) -> None:
    config.people(
        TEAM.format(
            defaults='works = "office"\ncadence_by_arrangement = { office = "monthly" }',
            manager="",
        )
    )
    roster = load_roster(config.root / "people.toml")
    assert roster.employees["sofia@example.com"].cadence.label == "monthly", "[defaults] works"
    assert roster.employees["maja@example.com"].cadence.label == "monthly"
    assert roster.employees["lena@example.com"].cadence.label == "weekly", "built-in remote"

    config.people(TEAM.format(defaults="", manager='cadence = "every 2 weeks"'))
    roster = load_roster(config.root / "people.toml")
    lena = roster.employees["lena@example.com"]
    assert lena.cadence.label == "biweekly", "a manager's cadence wins over how someone works"
    assert str(lena.cadence_source) == "Karin's default for the team"
    assert roster.employees["omar@example.com"].cadence.label == "monthly"


def test_moving_to_remote_work_proposes_the_new_cadence_with_the_reason(
    cli: CLI, config: ConfigDir
) -> None:
    config.people(TEAM.format(defaults="", manager=""))
    run(cli, config, now=at(0))
    maja = by_employee(proposals(cli, config))["maja@example.com"]
    approve(cli, config, maja["id"])
    config.people(
        TEAM.format(defaults="", manager="").replace('works = "office"', 'works = "remote"')
    )
    result = run(cli, config, now=at(1))
    assert "cadence every 3 weeks → weekly (Maja works remotely)" in result.out


MORE_OFTEN = 'more_often = { cadence = "weekly", until = 2027-03-05, reason = "new role" }'


def test_more_often_starts_and_ends_by_itself_each_change_a_proposal_with_its_reason(
    cli: CLI, config: ConfigDir
) -> None:
    team = TEAM.format(defaults="", manager="")
    config.people(team)
    run(cli, config, now=at(0))
    erik = by_employee(proposals(cli, config))["erik@example.com"]
    assert erik["cadence"] == "biweekly"
    approve(cli, config, erik["id"])

    # Erik asks for more often; nobody edits the file again after this
    config.people(team.replace('works = "hybrid"', f'works = "hybrid"\n{MORE_OFTEN}'))
    started = run(cli, config, now=at(1))
    assert "cadence biweekly → weekly (more often until 2027-03-05: new role)" in started.out
    weekly = next(
        p
        for p in proposals(cli, config)
        if p["employee"] == "erik@example.com" and p["state"] == "pending"
    )
    assert weekly["cadence"] == "weekly"
    assert "Weekly (more often until 2027-03-05: new role)" in weekly["explanation"]
    approve(cli, config, weekly["id"])
    description = _description(config, weekly["uid"])
    assert "weekly for now (until 2027-03-05: new role)" in description

    for week in (2, 3, 4):  # while it lasts, nothing new is proposed for Erik
        assert run(cli, config, now=at(week)).code == 0
        erik_now = [p for p in proposals(cli, config) if p["employee"] == "erik@example.com"]
        assert [(p["state"], p["cadence"]) for p in erik_now] == [("booked", "weekly")]

    ended = run(cli, config, now=at(5.1))
    assert "cadence weekly → biweekly (more often until 2027-03-05 has ended)" in ended.out
    back = next(
        p
        for p in proposals(cli, config)
        if p["employee"] == "erik@example.com" and p["state"] == "pending"
    )
    assert back["cadence"] == "biweekly"
    assert back["reason"] == "cadence weekly → biweekly (more often until 2027-03-05 has ended)"
    approve(cli, config, back["id"])
    states = {p["id"]: p["state"] for p in proposals(cli, config, "--state", "all")}
    assert states[weekly["id"]] == "superseded"
    assert states[back["id"]] == "booked"
    assert "for now" not in _description(config, back["uid"])


def test_a_pause_added_to_a_booked_series_skips_its_dates_and_lifting_it_restores_them(
    cli: CLI, config: ConfigDir
) -> None:
    team = TEAM.format(defaults="", manager="")
    config.people(team)
    run(cli, config, now=at(0))
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    approve(cli, config, lena["id"])
    booked = _booked(cli, config, "lena@example.com")
    paused_days = [o["original_start"][:10] for o in booked["occurrences"][1:3]]

    pause = f"paused = {{ from = {paused_days[0]}, until = {paused_days[1]} }}"
    config.people(team.replace('works = "remote"', f'works = "remote"\n{pause}', 1))
    result = run(cli, config, now=at(0.2))
    assert "Lena's check-ins are paused" in result.out
    after = _booked(cli, config, "lena@example.com")
    statuses = {o["original_start"][:10]: o["status"] for o in after["occurrences"]}
    assert [statuses[d] for d in paused_days] == ["skipped", "skipped"]
    assert after["id"] == lena["id"], "the series stays; only its dates in the pause are skipped"
    master = next(e for e in events(config.export / "lena@example.com.ics") if "RRULE" in e)
    excluded = {d.dt.date().isoformat() for x in _list(master.get("EXDATE")) for d in x.dts}
    assert excluded == set(paused_days)

    config.people(team)
    run(cli, config, now=at(0.3))
    again = _booked(cli, config, "lena@example.com")
    assert all(o["status"] == "ok" for o in again["occurrences"])


def _booked(cli: CLI, config: ConfigDir, email: str) -> dict[str, Any]:
    return by_employee(proposals(cli, config, "--state", "booked"))[email]


def _description(config: ConfigDir, uid: str) -> str:
    for path in config.export.glob("*.ics"):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for event in calendar.walk("VEVENT"):
            if str(event["UID"]) == uid:
                return str(event["DESCRIPTION"])
    raise AssertionError(f"{uid} not exported")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
