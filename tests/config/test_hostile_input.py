"""Careless and hostile input, as a table, through the command line.

Each roster case adds an entry someone could write into people.toml next to a valid team
(Karin, Lena, Erik). `config check` must refuse it naming the file, the entry and the field;
`run` and `approve` must report it and still serve everyone else; nothing may end in a
traceback. The .ics cases point one employee's calendar at what a path or a feed can hold;
the environment cases set what an operator can mistype.
"""

from __future__ import annotations

import os
import re
import sqlite3
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import sync
from sync.config.environment import unknown_variables
from sync.config.settings import Settings
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir, Result

CLI = Callable[..., Result]
NOW = "2027-02-01T07:00:00+00:00"  # a Monday morning in Stockholm

ERIK = """
[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
"""
TEAM = MANAGER_KARIN + EMPLOYEE_LENA + ERIK
SERVED = ("lena@example.com", "erik@example.com")


def mallory(*lines: str, email: str = "mallory@example.com") -> str:
    """An employee entry of Karin's with the given extra lines."""
    body = "\n".join(lines)
    return f'\n[[employees]]\nemail = "{email}"\nmanager = "karin@example.com"\n{body}\n'


def manager_and_report(*lines: str) -> str:
    """Another manager (Max, with the given lines) and his one report."""
    body = "\n".join(lines)
    return (
        f'\n[[managers]]\nemail = "max@example.com"\n{body}\n'
        '\n[[employees]]\nemail = "mia@example.com"\nmanager = "max@example.com"\n'
    )


CIRCLE = """
[[managers]]
email = "max@example.com"

[[managers]]
email = "mia@example.com"

[[employees]]
email = "max@example.com"
manager = "mia@example.com"

[[employees]]
email = "mia@example.com"
manager = "max@example.com"
"""


@dataclass(frozen=True)
class RosterCase:
    entry: str
    message: str
    """What config check and the run report say, after "<file>: "."""


ROSTER_CASES = {
    "crlf-in-name": RosterCase(
        mallory(r'name = "Mallory\r\nBcc: everyone@example.com"'),
        "employee mallory@example.com: name: contains a carriage return",
    ),
    "lf-in-manager-name": RosterCase(
        manager_and_report(r'name = "Max\nX-Header: 1"'),
        "manager max@example.com: name: contains a line break",
    ),
    "line-separator-in-reason": RosterCase(
        mallory(r'request = { reason = "the reorg\u2028Bcc: all" }'),
        "employee mallory@example.com: request.reason: contains the control character U+2028",
    ),
    "nul-in-name": RosterCase(
        mallory(r'name = "Mal\u0000lory"'),
        "employee mallory@example.com: name: contains the control character U+0000",
    ),
    "tab-in-preferred": RosterCase(
        mallory(r'preferred = ["tue\t09:00-12:00"]'),
        "employee mallory@example.com: preferred: contains a tab",
    ),
    "slash-in-email": RosterCase(
        mallory(email="mal/lory@example.com"),
        'employee #3: email: "mal/lory@example.com": checkin-sync cannot use an address '
        'with "/" in it',
    ),
    "leading-dot-email": RosterCase(
        mallory(email=".mallory@example.com"),
        'employee #3: email: ".mallory@example.com" is not an email address '
        "(An email address cannot start with a period.)",
    ),
    "double-dot-email": RosterCase(
        mallory(email="mal..lory@example.com"),
        'employee #3: email: "mal..lory@example.com" is not an email address (An email '
        "address cannot have two periods in a row.)",
    ),
    "leading-dot-manager": RosterCase(
        manager_and_report().replace('"max@example.com"\n\n', '".max@example.com"\n\n', 1),
        'manager #2: email: ".max@example.com" is not an email address',
    ),
    "duration-true": RosterCase(
        mallory("duration = true"),
        "employee mallory@example.com: duration: input should be a valid integer (got True)",
    ),
    "duration-as-text": RosterCase(
        mallory('duration = "45"'),
        "employee mallory@example.com: duration: input should be a valid integer (got '45')",
    ),
    "daily-cap-true": RosterCase(
        manager_and_report("max_checkins_per_day = true"),
        "manager max@example.com: max_checkins_per_day: input should be a valid integer (got True)",
    ),
    "managers-in-a-circle": RosterCase(
        CIRCLE,
        "employee max@example.com: manager: managers in a circle (max@example.com reports to "
        "mia@example.com, mia@example.com reports to max@example.com); change the entries of "
        "employee max@example.com and employee mia@example.com",
    ),
}


@pytest.fixture
def team(config: ConfigDir) -> ConfigDir:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    config.people(TEAM)
    return config


def add(config: ConfigDir, entry: str) -> None:
    (config.root / "people.toml").write_text(textwrap.dedent(TEAM) + entry)


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.out + result.err


def check(cli: CLI, config: ConfigDir) -> Result:
    result = cli("--config", str(config.root), "config", "check")
    no_traceback(result)
    return result


def run(cli: CLI, config: ConfigDir) -> Result:
    result = cli("--config", str(config.root), "run", "--now", NOW)
    no_traceback(result)
    return result


def approve_all(cli: CLI, config: ConfigDir) -> Result:
    result = cli("--config", str(config.root), "approve", "--manager", "karin@example.com", "--all")
    no_traceback(result)
    return result


def served(config: ConfigDir, approved: Result) -> None:
    """Karin's valid reports were booked, exported and invited despite the bad entry."""
    for email in SERVED:
        assert f"karin@example.com → {email}" in approved.out
        assert (config.export / f"{email}.ics").is_file()
    invitations = [p.name for p in (config.data / "outbox").glob("*invitation*")]
    assert any("lena" in name for name in invitations), invitations


@pytest.mark.parametrize("case", ROSTER_CASES.values(), ids=ROSTER_CASES.keys())
def test_a_bad_roster_entry_is_named_and_everyone_else_is_served(
    cli: CLI, team: ConfigDir, case: RosterCase
) -> None:
    add(team, case.entry)
    expected = f"{team.root / 'people.toml'}: {case.message}"

    checked = check(cli, team)
    assert checked.code == 2, checked.out
    assert expected in checked.err

    first = run(cli, team)
    assert first.code == 1, first.err
    assert expected in first.out
    approved = approve_all(cli, team)
    assert approved.code == 0, approved.err
    served(team, approved)

    again = run(cli, team)
    assert again.code == 1, again.err


def test_an_invalid_entry_names_its_manager_in_the_report(cli: CLI, team: ConfigDir) -> None:
    add(team, mallory("duration = 5"))
    report = run(cli, team)
    assert "karin@example.com → mallory@example.com" in report.out
    assert " → mallory" not in report.out.replace("karin@example.com → mallory", "")


# --- .ics sources ----------------------------------------------------------------------------

EVERY_SECOND = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//x//x//EN
BEGIN:VEVENT
UID:x@x
DTSTAMP:20270101T000000Z
DTSTART:20270201T000000Z
DURATION:PT1S
RRULE:FREQ=SECONDLY;UNTIL=20270203T000000Z
END:VEVENT
END:VCALENDAR
"""
# Both end, so that without the limits the test fails in seconds instead of stalling
# (unbounded, they are what made a night run past its deadline).
HOURLY_SINCE_1980 = EVERY_SECOND.replace("20270201T000000Z", "19800101T000000Z").replace(
    "FREQ=SECONDLY", "FREQ=HOURLY"
)


@dataclass(frozen=True)
class IcsCase:
    make: Callable[[Path], str]
    """Prepares the source in the config folder; returns the roster's `calendar` value."""
    check_code: int
    check_message: str
    run_message: str


def _fifo(root: Path) -> str:
    os.mkfifo(root / "pipe.ics")
    return "ics:pipe.ics"


def _directory(root: Path) -> str:
    (root / "folder.ics").mkdir()
    return "ics:folder.ics"


def _file(name: str, text: str) -> Callable[[Path], str]:
    def make(root: Path) -> str:
        (root / name).write_text(text)
        return f"ics:{name}"

    return make


def _outside(root: Path) -> str:
    one_event = "\n".join(line for line in EVERY_SECOND.splitlines() if "RRULE" not in line)
    (root.parent / "elsewhere.ics").write_text(one_event + "\n")
    return "ics:../elsewhere.ics"


ICS_CASES = {
    # /dev/null stands for every device: /dev/zero, refused the same way, would fill the
    # memory of a machine running this test without the fix
    "device": IcsCase(
        lambda root: "ics:/dev/null",
        2,
        "calendar: /dev/null is not a regular file",
        "/dev/null: not a regular file (it is a character device)",
    ),
    "fifo": IcsCase(
        _fifo, 2, "calendar: {root}/pipe.ics is not a regular file", "(it is a named pipe)"
    ),
    "directory": IcsCase(
        _directory, 2, "is not a regular file", "{root}/folder.ics: not a regular file"
    ),
    "secondly-rule": IcsCase(
        _file("busy.ics", EVERY_SECOND),
        0,
        "",
        "{root}/busy.ics: too costly to read (an event repeats every 1 second, more often "
        "than every 15 minutes)",
    ),
    "hourly-since-1980": IcsCase(
        _file("old.ics", HOURLY_SINCE_1980),
        0,
        "",
        "{root}/old.ics: too costly to read (an event repeats about",
    ),
    "outside-the-config-folder": IcsCase(
        _outside, 0, "is outside the config folder {root}", "Booked"
    ),
}


@pytest.mark.parametrize("case", ICS_CASES.values(), ids=ICS_CASES.keys())
def test_a_hostile_calendar_source_is_refused_and_everyone_else_is_served(
    cli: CLI, team: ConfigDir, case: IcsCase
) -> None:
    source = case.make(team.root)
    add(team, mallory(f'calendar = "{source}"'))
    root = str(team.root)

    checked = check(cli, team)
    assert checked.code == case.check_code, checked.err
    assert case.check_message.format(root=root) in checked.err

    first = run(cli, team)
    approved = approve_all(cli, team)
    served(team, approved)
    assert case.run_message.format(root=root) in first.out + approved.out


# --- environment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvCase:
    name: str
    value: str
    code: int
    message: str


ENV_CASES = {
    "bad-json-passwords": EnvCase(
        "CHECKIN_SYNC_CALDAV__PASSWORDS",
        '{"https://dav.example.com/": ',
        2,
        "environment CHECKIN_SYNC_CALDAV__PASSWORDS: not valid JSON (Expecting value",
    ),
    "bad-json-section": EnvCase(
        "CHECKIN_SYNC_SMTP",
        "{host: smtp.example.com}",
        2,
        "environment CHECKIN_SYNC_SMTP: not valid JSON",
    ),
    "misspelled-setting": EnvCase(
        "CHECKIN_SYNC_HORIZON_WEEK",
        "3",
        0,
        "environment CHECKIN_SYNC_HORIZON_WEEK: not a setting of checkin-sync, ignored; did you "
        "mean CHECKIN_SYNC_HORIZON_WEEKS?",
    ),
    "misspelled-section": EnvCase(
        "CHECKIN_SYNC_SMPT__PASSWORD",
        "hunter2",
        0,
        "environment CHECKIN_SYNC_SMPT__PASSWORD: not a setting of checkin-sync, ignored; did "
        "you mean CHECKIN_SYNC_SMTP__PASSWORD?",
    ),
}


@pytest.mark.parametrize("case", ENV_CASES.values(), ids=ENV_CASES.keys())
def test_environment_mistakes_are_named(
    cli: CLI, team: ConfigDir, case: EnvCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(case.name, case.value)
    for result in (check(cli, team), run(cli, team)):
        assert result.code == (case.code or result.code), result.err
        assert case.message in result.err
        assert case.value not in result.err or case.code == 0, "values may be secrets"
    assert check(cli, team).code == case.code


def test_every_variable_the_code_reads_is_known_to_the_warning() -> None:
    """A variable added elsewhere and not listed would be warned about as a misspelling."""
    package = Path(sync.__file__).parent
    tests = Path(__file__).parent.parent
    named = {
        name
        for path in [*package.rglob("*.py"), *tests.glob("*.py"), *tests.glob("*/test_*.py")]
        for name in re.findall(r"CHECKIN_SYNC_[A-Z_]*[A-Z]", path.read_text())
    }
    assert unknown_variables(dict.fromkeys(named, "1"), Settings) == [
        f"environment {name}: not a setting of checkin-sync, ignored; did you mean {meant}?"
        for name, meant in [
            ("CHECKIN_SYNC_HORIZON_WEEK", "CHECKIN_SYNC_HORIZON_WEEKS"),  # this file's own
            ("CHECKIN_SYNC_SMPT__PASSWORD", "CHECKIN_SYNC_SMTP__PASSWORD"),
        ]
    ]


# --- proposal ids ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["approve", "²"], ["reject", "٣"], ["approve", "#１"]])
def test_proposal_ids_are_ascii_digits_only(cli: CLI, team: ConfigDir, command: list[str]) -> None:
    add(team, "")
    run(cli, team)
    result = cli("--config", str(team.root), *command)
    no_traceback(result)
    assert result.code == 2
    assert f'"{command[1]}" is not a proposal id' in result.err
    pending = cli("--config", str(team.root), "proposals", "--state", "pending")
    assert pending.out.count("pending") >= 2, "nothing was decided"


# --- what an older roster left in the store ---------------------------------------------------


def test_a_series_stored_with_an_unusable_address_leaves_the_other_exports(
    cli: CLI, team: ConfigDir
) -> None:
    """Series booked before the roster refused such addresses still name them: that one
    person's file is reported as not written, and everyone else's is."""
    run(cli, team)
    approve_all(cli, team)
    with sqlite3.connect(team.data / "state.sqlite") as db:
        db.execute(
            "UPDATE proposals SET employee = '.hidden/x@example.com', "
            "employee_name = 'Erik\r\nBcc: all@example.com' WHERE employee = 'erik@example.com'"
        )
    for leftover in team.export.iterdir():
        leftover.unlink()

    exported = cli("--config", str(team.root), "export")
    no_traceback(exported)
    assert exported.code == 1
    assert "calendar file of .hidden/x@example.com not written" in exported.err
    assert (team.export / "lena@example.com.ics").is_file()
    assert (team.export / "karin@example.com.ics").is_file()

    # approving exports at once, and says the same (Erik has left, Mallory has come)
    team.people(MANAGER_KARIN + EMPLOYEE_LENA + mallory())
    assert run(cli, team).code == 1
    approved = cli("--config", str(team.root), "approve", "--manager", "karin@example.com", "--all")
    no_traceback(approved)
    assert approved.code == 1
    assert "Booked #" in approved.out and "karin@example.com → mallory@example.com" in approved.out
    assert "Calendar files not written (the others were):" in approved.out
    assert (team.export / "mallory@example.com.ics").is_file()

    # a night after: the stored series is cancelled, and its file still cannot be written
    night = run(cli, team)
    assert night.code == 1, night.err
    assert "Calendar files not written (the others were):" in night.out
    assert "  .hidden/x@example.com: cannot use '.hidden/x@example.com'" in night.out
