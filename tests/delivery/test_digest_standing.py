"""A pair that cannot be planned, night after night, is in its manager's digest the night it
appears, again when the reason changes, and once a week as a reminder: never every night,
so a quiet night mails nobody. The run report still lists it every night."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from tests.cli.test_cli_end_to_end import run
from tests.conftest import ConfigDir, Result
from tests.delivery.test_digest_email import digests_to

CLI = Callable[..., Result]
KARIN = "karin@example.com"

TEAM = """
[defaults]
timezone = "Europe/Stockholm"
holidays = "SE"

[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "ics:karin.ics"
working_hours = "08:00-12:00"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
calendar = "ics:lena.ics"
cadence = "weekly"
working_hours = "{lena_hours}"
"""

ERIK = """
[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
calendar = "none"
cadence = "biweekly"
"""


def _team(config: ConfigDir, lena_hours: str, extra: str = "") -> None:
    config.people(TEAM.format(lena_hours=lena_hours) + extra)


def _night(cli: CLI, config: ConfigDir, day: int) -> str | None:
    """Run the night of February `day`, 2027; the subject and text of Karin's digest, None
    if none."""
    before = digests_to(config, KARIN)
    result = run(cli, config, now=f"2027-02-{day:02d}T07:00:00+00:00")
    assert result.code == 1, "a pair that cannot be planned needs the operator's attention"
    assert "Lena" in result.out, "the run report lists the pair every night"
    new = digests_to(config, KARIN) - before
    if not new:
        return None
    (path,) = new
    return _text(path)


def _text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    return f"Subject: {message['Subject']}\n" + str(body.get_content())  # type: ignore[attr-defined]


def test_a_pair_that_cannot_be_planned_is_told_when_new_changed_or_a_week_on(
    cli: CLI, config: ConfigDir
) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    _team(config, "13:00-17:00")

    first = _night(cli, config, 1)
    assert first is not None
    assert "Could not be planned: Lena Berg — " in first
    assert "working hours never overlap" in first
    assert "Subject: Check-ins: 1 change tonight\n" in first
    assert "still stands" not in first

    assert _night(cli, config, 2) is None, "nothing changed: a quiet night mails nobody"

    _team(config, "14:00-17:00")
    changed = _night(cli, config, 3)
    assert changed is not None, "another reason is news"
    assert "14:00-17:00" in changed
    assert "still stands" not in changed

    for day in range(4, 10):
        assert _night(cli, config, day) is None, f"Feb {day}: told on Feb 3, not a week ago"
    reminder = _night(cli, config, 10)
    assert reminder is not None, "a week after it was told, it is told again"
    assert "Could not be planned: Lena Berg — " in reminder
    assert "(still stands since Wed 3 Feb 2027)" in reminder
    assert "Subject: Check-ins: 1 still needs your attention\n" in reminder, "not a change"
    assert _night(cli, config, 11) is None, "reminded once, not every night after"


def test_a_new_proposal_still_mails_but_without_repeating_what_stands(
    cli: CLI, config: ConfigDir
) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    _team(config, "13:00-17:00")
    assert _night(cli, config, 1) is not None

    _team(config, "13:00-17:00", ERIK)
    text = _night(cli, config, 2)
    assert text is not None, "a new pending proposal is news"
    assert "Erik Sandberg" in text
    assert "check-in waits for your approval" in text
    assert "Could not be planned" not in text, "told last night already"


def test_a_line_that_ends_and_comes_back_is_news_again(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    _team(config, "13:00-17:00")
    assert _night(cli, config, 1) is not None
    config.people(TEAM.replace("[[employees]]", "[[ignored]]").split("[[ignored]]")[0])
    result = run(cli, config, now="2027-02-02T07:00:00+00:00")
    assert "Could not be planned" not in result.out
    _team(config, "13:00-17:00")
    again = _night(cli, config, 3)
    assert again is not None and "Could not be planned: Lena Berg" in again
