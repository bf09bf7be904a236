"""A proposal's time said once: the rule in one line, in the manager's language, with the
employee's local time only where their clock differs; the planner's explanation beside it
without its own statement of the slot."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.delivery.rule_line import dated, rule_line, why_only
from sync.model.cadence import Cadence
from sync.model.said import Said, say
from sync.model.timefmt import TwoZones
from sync.model.values import Occurrence, OccurrenceStatus
from sync.planner.explain import explain_series
from sync.plumbing.i18n import Language

LONDON = "Europe/London"
SV = Language("sv")
MONDAY = datetime(2027, 2, 1, 11, 15, tzinfo=ZoneInfo(LONDON))
END = MONDAY + timedelta(minutes=30)
EVERY_3 = "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO"


def test_the_rule_in_one_line_with_the_employees_time_where_it_differs() -> None:
    assert rule_line(EVERY_3, "every 3 weeks", MONDAY, END, LONDON, "Europe/Paris") == (
        TwoZones("Every 3 weeks · Mon 11:15–11:45", "12:15 in Paris")
    )
    assert rule_line(EVERY_3, "every 3 weeks", MONDAY, END, LONDON, "Europe/Paris", SV) == (
        TwoZones("Var 3:e vecka · mån 11:15–11:45", "12:15 i Paris")
    )
    # the same clock (Lisbon keeps London's time in winter): nothing to add
    assert rule_line(EVERY_3, "every 3 weeks", MONDAY, END, LONDON, "Europe/Lisbon").theirs == ""
    assert rule_line(EVERY_3, "every 3 weeks", MONDAY, END, LONDON, None).theirs == ""


def test_the_employees_weekday_or_date_where_theirs_is_another_day() -> None:
    evening = MONDAY.replace(hour=17)
    end = evening + timedelta(minutes=30)
    weekly = rule_line("FREQ=WEEKLY;BYDAY=MO", "weekly", evening, end, LONDON, "Asia/Tokyo")
    assert weekly == TwoZones("Weekly · Mon 17:15–17:45", "Tue 02:15 in Tokyo")
    once = rule_line("", "once", evening, end, LONDON, "Asia/Tokyo")
    assert once == TwoZones("Once · Mon 1 Feb 2027 17:15–17:45", "Tue 2 Feb 2027 02:15 in Tokyo")


def test_a_monthly_rule_names_its_weekday_of_the_month() -> None:
    monthly = "FREQ=MONTHLY;BYDAY=1MO"
    assert rule_line(monthly, "monthly", MONDAY, END, LONDON, None).mine == (
        "Monthly · the first Monday 11:15–11:45"
    )
    assert rule_line(monthly, "monthly", MONDAY, END, LONDON, None, SV).mine == (
        "Varje månad · den första måndagen 11:15–11:45"
    )


def test_a_date_at_the_rules_time_is_said_by_its_day() -> None:
    week = timedelta(days=7)
    assert dated(MONDAY + week, END + week, (MONDAY, END), LONDON, "Europe/Paris") == (
        TwoZones("Mon 8 Feb 2027", "")
    )
    later = MONDAY + week + timedelta(hours=2)
    moved = dated(later, later + timedelta(minutes=30), (MONDAY, END), LONDON, "Europe/Paris")
    assert moved == TwoZones("Mon 8 Feb 2027, 13:15–13:45", "14:15–14:45 in Paris")


def test_the_explanation_beside_the_rule_keeps_why_and_leaves_out_when() -> None:
    skipped = MONDAY + timedelta(weeks=3)
    occurrences = [
        Occurrence(MONDAY, MONDAY, END),
        Occurrence(
            skipped, skipped, skipped + timedelta(minutes=30), OccurrenceStatus.SKIPPED, say("x")
        ),
    ]
    explanation = explain_series(
        first=MONDAY,
        minutes=30,
        cadence=Cadence.parse("every 3 weeks"),
        cadence_reason=say("set by %(name)s", name="Lena"),
        employee_zone="Europe/Paris",
        occurrences=occurrences,
        preferred_by=None,
        horizon_weeks=6,
    )
    assert "on Mondays 11:15–11:45 London / 12:15–12:45 Paris" in str(explanation)
    shown = str(why_only(explanation))
    assert shown.startswith("Every 3 weeks (set by Lena): free for both on 1 of 2 dates")
    assert "11:15" not in shown and "12:15" not in shown
    # the list of dates says which was skipped and why, in the page's date style
    assert "2027-02-22" not in shown and shown.endswith("1 skipped.")


def test_a_one_offs_explanation_beside_the_rule_says_how_it_was_found() -> None:
    explanation = say(
        "Once on %(day)s %(time)s: %(why)s. The earliest time both are free %(window)s.",
        day="Mon 1 Feb",
        time="11:15–11:45 London",
        why="welcome back",
        window="this week",
    )
    assert str(why_only(explanation)) == "The earliest time both are free this week."
    words = Said.text("Weekly on Mondays 11:15, in an older version's words")
    assert why_only(words) == words
