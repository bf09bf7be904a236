"""Every invitation states its purpose and offers a short agenda, in English or Swedish, or
in the operator's own words."""

from __future__ import annotations

from collections.abc import Callable

import icalendar
import pytest

from tests.cli.test_cli_end_to_end import NOW, by_employee, proposals, run
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]

PEOPLE = """
[defaults]
timezone = "Europe/Stockholm"
calendar = "none"

[[managers]]
email = "karin@example.com"
name = "Karin Lind"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
cadence = "every 3 weeks"
"""


def booked_invitation(cli: CLI, config: ConfigDir) -> icalendar.Event:
    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    assert cli("--config", str(config.root), "approve", str(lena["id"])).code == 0
    calendar = icalendar.Calendar.from_ical((config.export / "lena@example.com.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    return event


@pytest.mark.parametrize(
    ("language", "summary", "lines"),
    [
        (
            "en",
            "Check-in: Karin Lind / Lena Berg",
            [
                "A regular check-in between Lena Berg and Karin Lind, every 3 weeks.",
                "Purpose: time for you, not a status meeting.",
                "1. How are you doing, really?",
                "2. What is going well, and what is heavy right now?",
                "3. What do you need from me?",
                "4. Anything you want to bring up.",
            ],
        ),
        (
            "sv",
            "Avstämning: Karin Lind / Lena Berg",
            [
                "En regelbunden avstämning mellan Lena Berg och Karin Lind, var tredje vecka.",
                "Syfte: tid för dig, inte ett statusmöte.",
                "1. Hur mår du, på riktigt?",
                "2. Vad går bra, och vad känns tungt just nu?",
                "3. Vad behöver du från mig?",
                "4. Något annat du vill ta upp?",
            ],
        ),
    ],
)
def test_the_invitation_states_its_purpose_in_the_chosen_language(
    cli: CLI, config: ConfigDir, language: str, summary: str, lines: list[str]
) -> None:
    config.settings(f'language = "{language}"\n')
    config.people(PEOPLE)
    event = booked_invitation(cli, config)
    assert str(event["SUMMARY"]) == summary
    description = str(event["DESCRIPTION"])
    for line in lines:
        assert line in description


def test_the_operators_own_template_is_used_with_the_names_and_cadence(
    cli: CLI, config: ConfigDir
) -> None:
    config.settings('language = "sv"\ninvitation_template = "invitation.txt"\n')
    (config.root / "invitation.txt").write_text(
        "Hej {{ employee_first }}! {{ manager_first }} och du ses {{ cadence }}"
        "{% if kind != 'regular' %} en extra gång{% endif %}.\n"
        "Ta med det som är viktigt för dig.\n"
    )
    config.people(PEOPLE)
    event = booked_invitation(cli, config)
    assert str(event["DESCRIPTION"]) == (
        "Hej Lena! Karin och du ses var tredje vecka.\nTa med det som är viktigt för dig."
    )


def test_a_template_cannot_reach_outside_its_sandbox(cli: CLI, config: ConfigDir) -> None:
    config.settings('invitation_template = "invitation.txt"\n')
    (config.root / "invitation.txt").write_text("{{ ''.__class__.__mro__ }}\n")
    config.people(PEOPLE)
    result = cli("--config", str(config.root), "run", "--now", NOW)
    assert result.code == 2
    assert "invitation.txt" in result.err
    assert "Traceback" not in result.err
    assert not (config.data / "state.sqlite").exists(), "stopped before anything was written"


def test_the_built_in_text_can_be_printed_to_start_from(cli: CLI, config: ConfigDir) -> None:
    result = cli("--config", str(config.root), "config", "template", "--language", "sv")
    assert result.code == 0
    assert "Hur mår du, på riktigt?" in result.out
    assert "{% if kind ==" in result.out
