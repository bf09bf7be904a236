"""Every class of roster mistake gets a message naming file, person and field, and exit 2."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir, Result

CLI = Callable[..., Result]


def check(cli: CLI, config: ConfigDir) -> Result:
    return cli("--config", str(config.root), "config", "check")


def people_file(config: ConfigDir) -> str:
    return str(config.root / "people.toml")


def test_valid_roster_passes(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    result = check(cli, config)
    assert result.code == 0, result.err
    assert "1 managers, 1 employees; no problems found" in result.out


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            'cadence = "fortnightly"',
            'employee lena@example.com: cadence: "fortnightly" is not one of weekly, biweekly, '
            "every N weeks, monthly",
        ),
        ('cadence = "every 9 weeks"', 'cadence: "every 9 weeks": N must be between 1 and 8'),
        ('timezone = "Mars/Olympus"', 'timezone: "Mars/Olympus" is not an IANA time zone'),
        ('working_hours = "17:00-09:00"', 'working_hours: "17:00-09:00" ends before it starts'),
        ('working_hours = "9 to 5"', 'working_hours: "9 to 5" is not a time range'),
        ('working_hours = "09:00-25:00"', 'working_hours: "09:00-25:00" has an impossible time'),
        ("duration = 10", "duration: 10 minutes is outside 15..120"),
        (
            'working_hours = "09:00-09:30"\nduration = 45',
            "duration: 45 minutes does not fit in the working day 09:00-09:30",
        ),
        ('working_days = ["mon", "funday"]', 'working_days: "funday" is not a weekday'),
        ('holidays = "XX"', 'holidays: "XX" is not a country code'),
        (
            'holiday_categories = ["public", "defacto"]',
            'holiday_categories: "defacto" is not a holiday category of the holidays package',
        ),
        ('holiday_categories = "public"', "holiday_categories: must be a list of categories"),
        ("holiday_categories = []", "holiday_categories: must name at least one category"),
        (
            'holidays = "GB-ENG"\nholiday_categories = ["public", "de_facto"]',
            'holiday_categories: the holidays package has no "de_facto" holidays for GB '
            '(it has "public")',
        ),
        ('calendar = "exchange"', 'calendar: "exchange" is not one of'),
        ('calendar = "caldav:dav.example.com/k/"', "needs the https:// address of the calendar"),
        ('calendar = "caldav:http://dav.example.com/k/"', "must use https:// (http:// only for"),
        (
            'calendar = "caldav:https://lena:hunter2@dav.example.com/k/"',
            "has a password in it; set it in [caldav] passwords",
        ),
        ('preferred = ["tue 9-12"]', 'preferred[0]: "9-12" is not a time range'),
        ('favourite_colour = "green"', "favourite_colour: unknown key"),
        (
            'more_often = { cadence = "monthly", until = 2027-01-31 }',
            'more_often.cadence: "monthly" is not more often than the regular cadence "weekly"',
        ),
        (
            "paused = { from = 2027-03-01, until = 2027-02-01 }",
            "paused.until: is before paused.from",
        ),
        ("paused = { from = 2027-03-01 }", "paused.until: is required"),
        ('works = "home"', "works: input should be 'remote', 'hybrid' or 'office'"),
        ("return_checkin_after_days = 90", "return_checkin_after_days: 90 is outside 0..60"),
        (
            "request = { within_days = 30 }",
            "request.within_days: 30 working days is outside 1..20",
        ),
        ("request = { within = 3 }", "request.within: unknown key"),
        ('request = { made = "tomorrow" }', "request.made: input should be a valid date"),
    ],
)
def test_bad_employee_field_is_named(
    cli: CLI, config: ConfigDir, entry: str, expected: str
) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    overridden = {line.split("=")[0].strip() for line in entry.splitlines()}
    base = "\n".join(
        line for line in EMPLOYEE_LENA.splitlines() if line.split("=")[0].strip() not in overridden
    )
    config.people(MANAGER_KARIN + base + "\n" + entry + "\n")
    result = check(cli, config)
    assert result.code == 2
    assert f"{people_file(config)}: employee lena@example.com: " in result.err
    assert expected in result.err
    assert "Traceback" not in result.err


def test_unknown_manager_duplicates_and_bad_email_reported_together(
    cli: CLI, config: ConfigDir
) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    config.people(
        MANAGER_KARIN
        + EMPLOYEE_LENA
        + EMPLOYEE_LENA
        + """
[[employees]]
email = "omar@example.com"
manager = "nobody@example.com"

[[employees]]
email = "not-an-address"
manager = "karin@example.com"

[[managers]]
email = "karin@example.com"
"""
    )
    result = check(cli, config)
    assert result.code == 2
    err = result.err
    path = people_file(config)
    assert f"{path}: employee lena@example.com: email: listed 2 times under [[employees]]" in err
    assert (
        f'{path}: employee omar@example.com: manager: "nobody@example.com" is not listed '
        "under [[managers]]" in err
    )
    assert f'{path}: employee #4: email: "not-an-address" is not an email address' in err
    assert f"{path}: manager karin@example.com: email: listed 2 times under [[managers]]" in err
    assert "4 problem(s) found" in err


def test_bad_defaults_and_unknown_section(cli: CLI, config: ConfigDir) -> None:
    config.people(
        """
        [defaults]
        timezone = "Nowhere/Land"

        [[employee]]
        email = "x@example.com"
        """
    )
    result = check(cli, config)
    assert result.code == 2
    assert f"{people_file(config)}: defaults: timezone:" in result.err
    assert f"{people_file(config)}: employee: unknown section" in result.err


def test_toml_syntax_error_names_file_and_line(cli: CLI, config: ConfigDir) -> None:
    config.people('[[managers]]\nemail = "karin@example.com\n')
    result = check(cli, config)
    assert result.code == 2
    assert f"{people_file(config)}: not valid TOML" in result.err
    assert "line 2" in result.err


def test_missing_people_file(cli: CLI, config: ConfigDir) -> None:
    result = check(cli, config)
    assert result.code == 2
    assert f"{people_file(config)}: file not found" in result.err


def test_missing_calendar_file_is_reported_by_check(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics")
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    result = check(cli, config)
    assert result.code == 2
    assert "employee lena@example.com: calendar: file" in result.err
    assert "lena.ics does not exist" in result.err


def test_a_caldav_calendar_is_accepted_with_its_password_in_the_settings(
    cli: CLI, config: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.calendar("karin.ics")
    caldav = 'calendar = "caldav:https://lena@dav.example.com/dav/calendars/lena/work/"'
    config.people(MANAGER_KARIN + EMPLOYEE_LENA.replace('calendar = "ics:lena.ics"', caldav))
    result = check(cli, config)
    assert result.code == 2
    assert (
        "employee lena@example.com: calendar: [caldav] passwords (env "
        'CHECKIN_SYNC_CALDAV__PASSWORDS): no password for "lena@dav.example.com"'
    ) in result.err
    monkeypatch.setenv("CHECKIN_SYNC_CALDAV__PASSWORDS", '{"lena@dav.example.com": "s3cret-pw"}')
    result = check(cli, config)
    assert result.code == 0, result.err
    assert "s3cret-pw" not in result.out + result.err


def test_caldav_settings_name_the_missing_password(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics")
    config.people(MANAGER_KARIN)
    config.settings('[caldav]\nusername = "svc"\n')
    result = check(cli, config)
    assert result.code == 2
    assert "caldav: value error, caldav.username is set but there is no password" in result.err
    assert "CHECKIN_SYNC_CALDAV__PASSWORD" in result.err


def test_bad_setting_names_file_and_key(cli: CLI, config: ConfigDir) -> None:
    config.people(MANAGER_KARIN)
    config.settings("horizon_week = 3\n")
    result = check(cli, config)
    assert result.code == 2
    assert f"{config.root / 'settings.toml'}: horizon_week: unknown setting" in result.err


def test_setting_from_environment_is_named(
    cli: CLI, config: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.calendar("karin.ics")
    config.people(MANAGER_KARIN)
    monkeypatch.setenv("CHECKIN_SYNC_HORIZON_WEEKS", "many")
    result = check(cli, config)
    assert result.code == 2
    assert "environment CHECKIN_SYNC_HORIZON_WEEKS" in result.err


def test_manager_cadence_is_the_default_for_their_reports(config: ConfigDir) -> None:
    from sync.config.roster import load_roster

    config.people(
        MANAGER_KARIN.replace(
            "max_checkins_per_day = 3", 'max_checkins_per_day = 3\ncadence = "monthly"'
        )
        + EMPLOYEE_LENA.replace('cadence = "weekly"\n', "")
    )
    roster = load_roster(config.root / "people.toml")
    assert roster.employees["lena@example.com"].cadence.label == "monthly"


def test_a_manager_who_reports_to_someone_is_one_person(cli: CLI, config: ConfigDir) -> None:
    from sync.config.roster import load_roster

    config.people(
        """
        [[managers]]
        email = "ade@example.com"
        timezone = "Europe/London"
        holidays = "GB"

        [[managers]]
        email = "karin@example.com"
        name = "Karin Lind"
        timezone = "Europe/Stockholm"
        calendar = "none"

        [[employees]]
        email = "karin@example.com"
        manager = "ade@example.com"
        cadence = "monthly"
        """
    )
    roster = load_roster(config.root / "people.toml")
    assert roster.all_problems == []
    as_employee = roster.employees["karin@example.com"].person
    assert as_employee == roster.managers["karin@example.com"].person

    config.people(
        """
        [[managers]]
        email = "ade@example.com"

        [[managers]]
        email = "karin@example.com"
        timezone = "Europe/Stockholm"

        [[employees]]
        email = "karin@example.com"
        manager = "ade@example.com"
        timezone = "Europe/Paris"
        """
    )
    result = check(cli, config)
    assert result.code == 2
    assert "employee karin@example.com: timezone: differs from the [[managers]] entry" in result.err


def test_bad_cadence_by_arrangement_is_named(cli: CLI, config: ConfigDir) -> None:
    config.people(
        """
        [defaults]
        cadence_by_arrangement = { remote = "daily", onsite = "weekly" }
        """
        + MANAGER_KARIN
    )
    result = check(cli, config)
    assert result.code == 2
    path = people_file(config)
    assert (
        f'{path}: defaults: cadence_by_arrangement.remote: "daily" is not one of weekly'
        in result.err
    )
    assert f"{path}: defaults: cadence_by_arrangement.onsite: unknown key" in result.err


def test_a_bad_invitation_template_is_named_with_its_line(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    config.settings('invitation_template = "invitation.txt"\n')
    (config.root / "invitation.txt").write_text("Hello {{ employee_first }}\n{% if %}\n")
    result = check(cli, config)
    assert result.code == 2
    assert f"{config.root / 'invitation.txt'}: line 2:" in result.err
    assert "Traceback" not in result.err
    (config.root / "invitation.txt").write_text("Hello {{ nickname }}\n")
    result = check(cli, config)
    assert result.code == 2
    assert "'nickname' is undefined" in result.err
    config.settings('invitation_template = "missing.txt"\n')
    result = check(cli, config)
    assert result.code == 2
    assert "missing.txt: cannot read the invitation template (No such file or directory)" in (
        result.err
    )
    config.settings('language = "fi"\n')
    result = check(cli, config)
    assert result.code == 2
    assert 'language: value error, "fi" has no catalogue in sync/locale (known: en, sv)' in (
        result.err
    )
