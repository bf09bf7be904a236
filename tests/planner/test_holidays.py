"""Days off are the days people in each country actually take off, not only public holidays:
Swedes do not work on Midsummer Eve, Christmas Eve or New Year's Eve, none of which is a
public holiday. Checked for every country the demo organisation uses, and end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sync.config.roster import load_roster
from sync.delivery.wording import wording
from sync.planner.availability import Availability
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
DEMO = Path(__file__).parent.parent.parent / "config" / "people.toml"
SWEDISH_EVES = (date(2027, 6, 25), date(2027, 12, 24), date(2027, 12, 31))

# per country of the demo: a demo person there, days they have off, and weekdays they work
# (some of which are days off elsewhere, so an over-eager list fails too)
COUNTRIES = {
    "SE": (
        "karin@example.com",
        [*SWEDISH_EVES, date(2027, 1, 6), date(2027, 5, 6)],
        [date(2027, 6, 24), date(2027, 12, 23), date(2027, 12, 30), date(2027, 7, 14)],
    ),
    "GB-ENG": (
        "ade@example.com",
        [date(2027, 12, 27), date(2027, 12, 28), date(2027, 8, 30), date(2027, 3, 29)],
        [*SWEDISH_EVES, date(2027, 1, 6)],
    ),
    "US": (
        "lena@example.com",
        [date(2027, 7, 5), date(2027, 11, 25), date(2027, 1, 18), date(2027, 12, 24)],
        [date(2027, 6, 25), date(2027, 12, 27), date(2027, 11, 26), date(2027, 3, 26)],
    ),
    "FI": (
        "nora@example.com",
        [date(2027, 6, 25), date(2027, 12, 24), date(2027, 12, 6), date(2027, 1, 6)],
        [date(2027, 12, 31), date(2027, 6, 24), date(2027, 7, 14)],
    ),
    "FR": (
        "lucas@example.com",
        [date(2027, 7, 14), date(2027, 5, 6), date(2027, 11, 11), date(2027, 3, 29)],
        [*SWEDISH_EVES, date(2027, 1, 6)],
    ),
}


def test_every_demo_country_is_covered() -> None:
    roster = load_roster(DEMO)
    assert {person.holidays for person in roster.people()} == set(COUNTRIES)


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_demo_people_are_off_on_their_countrys_days_off(country: str) -> None:
    email, off, working = COUNTRIES[country]
    roster = load_roster(DEMO)
    person = next(p for p in roster.people() if p.email == email)
    assert person.holidays == country
    availability = Availability(person)
    for day in off:
        assert day.weekday() < 5, f"{day} must be a weekday to prove anything"
        assert not availability.is_workday(day), f"{email} ({country}) works on {day}"
    for day in working:
        assert day.weekday() < 5, f"{day} must be a weekday to prove anything"
        assert availability.is_workday(day), f"{email} ({country}) is off on {day}"


def test_the_reason_names_the_holiday() -> None:
    roster = load_roster(DEMO)
    karin = Availability(roster.managers["karin@example.com"].person)
    at = datetime(2027, 12, 24, 9, tzinfo=UTC)
    reason = karin.why_unavailable(at, at + timedelta(minutes=30))
    assert str(reason) == "it is a holiday for Karin (Christmas Eve)"
    # worded when read, in the reader's language, with the holidays package's own names
    assert wording("sv").word(reason) == "det är en helgdag för Karin (Julafton)"


def test_defaults_categories_fit_the_defaults_country(cli: CLI, config: ConfigDir) -> None:
    config.people(
        """
        [defaults]
        holidays = "FR"
        holiday_categories = ["public", "de_facto"]
        """
    )
    result = cli("--config", str(config.root), "config", "check")
    assert result.code == 2
    assert (
        f"{config.root / 'people.toml'}: defaults: holiday_categories: the holidays package has "
        'no "de_facto" holidays for FR (it has "public", "school")' in result.err
    )
    assert "Traceback" not in result.err


def test_inherited_categories_a_country_lacks_are_left_out(config: ConfigDir) -> None:
    """A Swedish [defaults] list of categories means nothing for someone in Britain: they get
    what their country has of it, and their country's usual days when nothing is left."""
    config.people(
        """
        [defaults]
        holidays = "SE"
        holiday_categories = ["public", "bank"]

        [[managers]]
        email = "karin@example.com"

        [[managers]]
        email = "ade@example.com"
        holidays = "GB-ENG"

        [[managers]]
        email = "anna@example.com"
        holidays = "US"
        holiday_categories = ["public", "unofficial"]
        """
    )
    roster = load_roster(config.root / "people.toml")
    assert roster.all_problems == []
    categories = {m.person.email: m.person.holiday_categories for m in roster.managers.values()}
    assert categories == {
        "karin@example.com": ("public", "bank"),
        "ade@example.com": ("public",),
        "anna@example.com": ("public", "unofficial"),
    }
    karin = Availability(roster.managers["karin@example.com"].person)
    assert not karin.is_workday(date(2027, 6, 24)), "the day before Midsummer Eve is a bank one"


def friday_dates(cli: CLI, config: ConfigDir, now: str, extra: str = "") -> dict[date, str]:
    """The dates Sofia's weekly check-in with Karin takes place, with their status. Both are
    in Stockholm and Sofia works only on Fridays: the three Swedish eves of 2027 are all
    Fridays."""
    config.calendar("karin.ics")
    config.people(
        f"""
        [defaults]
        holidays = "SE"
        {extra}

        [[managers]]
        email = "karin@example.com"
        name = "Karin Lind"
        calendar = "ics:karin.ics"

        [[employees]]
        email = "sofia@example.com"
        name = "Sofia Lindqvist"
        manager = "karin@example.com"
        cadence = "weekly"
        working_days = ["fri"]
        """
    )
    result = cli("--config", str(config.root), "run", "--now", now)
    assert result.code == 0, result.out + result.err
    shown = cli("--config", str(config.root), "proposals", "--json")
    assert shown.code == 0, shown.err
    (proposal,) = json.loads(shown.out)
    assert proposal["rrule"].endswith("BYDAY=FR"), proposal["explanation"]
    taking_place: dict[date, str] = {}
    for occurrence in proposal["occurrences"]:
        if occurrence["status"] != "skipped":
            start = datetime.fromisoformat(occurrence["start"]).date()
            taking_place[start] = occurrence["status"]
    return taking_place


@pytest.mark.parametrize(
    ("now", "eves"),
    [
        ("2027-06-07T07:00:00+00:00", [date(2027, 6, 25)]),
        ("2027-12-06T07:00:00+00:00", [date(2027, 12, 24), date(2027, 12, 31)]),
    ],
)
def test_no_checkin_on_a_swedish_eve(
    cli: CLI, config: ConfigDir, now: str, eves: list[date]
) -> None:
    dates = friday_dates(cli, config, now)
    assert len(dates) >= 2, dates
    for eve in eves:
        assert eve not in dates, f"a check-in is planned on {eve}: {dates}"


def test_categories_are_configurable(cli: CLI, config: ConfigDir) -> None:
    """An organisation that works on the eves says so, and gets its Friday back."""
    dates = friday_dates(
        cli, config, "2027-06-07T07:00:00+00:00", 'holiday_categories = ["public"]'
    )
    assert dates.get(date(2027, 6, 25)) == "ok", dates
