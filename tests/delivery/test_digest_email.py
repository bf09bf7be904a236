"""The nightly digest, received by a real SMTP server on localhost (aiosmtpd), parsed as a
mail program would, and its sign-in link followed into the approval app."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from sync.config.roster import load_roster
from sync.night import workflow
from sync.night.nightly import run_nightly
from sync.night.tonight import RunOptions
from sync.store import State
from sync.web import create_app
from tests.cli.test_cli_end_to_end import KARIN_CALENDAR, by_employee, proposals, run
from tests.cli.test_cli_end_to_end import PEOPLE as CLI_PEOPLE
from tests.conftest import ConfigDir, Result
from tests.night.test_keep_up import busy_event, store_approve
from tests.web_helpers import NIGHT, PEOPLE, SECRET, XSS_NAME, Org, path_of, seen_text, use_link

CLI = Callable[..., Result]
LINK = re.compile(r"https?://\S+")


@dataclass
class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.received if rcpt == [address]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _settings(config: ConfigDir, port: int) -> None:
    config.settings(
        f'[web]\nsecret = "{SECRET}"\npublic_url = "http://checkins.test"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'from_address = "Check-ins <checkins@example.com>"\n'
    )


@pytest.fixture
def mailing(config: ConfigDir, inbox: tuple[Inbox, int]) -> tuple[Org, Inbox, int]:
    received, port = inbox
    _settings(config, port)
    config.people(PEOPLE)
    return Org(config), received, port


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def test_each_manager_gets_one_digest_whose_link_signs_in(
    mailing: tuple[Org, Inbox, int],
) -> None:
    org, inbox, _ = mailing
    report = org.run()
    assert report.exit_code == 0
    assert sorted(report.digests_sent) == ["ade@example.com", "karin@example.com"]
    assert "Digest emails sent to: ade@example.com, karin@example.com." in report.render()

    (karin,) = inbox.to("karin@example.com")
    assert karin["Subject"] == "3 check-ins wait for your approval"
    assert karin["To"] == "Karin Lind <karin@example.com>"
    assert karin["From"] == "Check-ins <checkins@example.com>"
    assert karin.get_content_type() == "multipart/alternative"
    text = _text(karin)
    assert "Hi Karin," in text
    assert "Lena Berg, 30 min" in text
    assert "Weekly · Tue 15:00–15:30 · 09:00 in New York" in text, "the employee's time alongside"
    assert "Erik Sandberg" in text and XSS_NAME in text
    assert "Omar" not in text, "only Karin's own team"
    html = _html(karin)
    assert XSS_NAME not in html and "&lt;script&gt;" in html

    link = re.search(r"http://checkins\.test/sign-in/\S+", text)
    assert link is not None
    assert link.group(0) in html
    app = create_app(org.root)  # links are issued on the real clock, and checked on it
    page = seen_text(use_link(app.test_client(), link.group(0)))
    assert "Check-ins for Karin Lind" in page
    assert "Waiting for your decision (3)" in page

    (ade,) = inbox.to("ade@example.com")
    assert ade["Subject"] == "1 check-in waits for your approval"
    assert "Lena" not in _text(ade)


def test_nothing_new_means_no_email(mailing: tuple[Org, Inbox, int]) -> None:
    org, inbox, _ = mailing
    org.run()
    assert len(inbox.received) == 2
    again = org.run(NIGHT + timedelta(hours=1))
    assert again.digests_sent == []
    assert len(inbox.received) == 2, "the same proposals are not announced twice"
    assert "Digest emails" not in again.render()


def test_tonights_bookings_are_in_the_digest(mailing: tuple[Org, Inbox, int]) -> None:
    org, inbox, _ = mailing
    org.run()
    store = org.store()
    lena = org.proposal("lena@example.com")
    workflow.approve(store, [lena.id], "karin (cli)", roster=load_roster(org.root / "people.toml"))
    store.close()
    report = org.run(NIGHT + timedelta(hours=1))
    assert report.digests_sent == ["karin@example.com"], "Ade has nothing new"
    latest = inbox.to("karin@example.com")[-1]
    assert latest["Subject"] == "2 check-ins wait for your approval"
    assert "Booked: Lena Berg" in _text(latest)


def test_a_mail_failure_keeps_the_bookings_exits_1_and_is_retried(
    mailing: tuple[Org, Inbox, int],
) -> None:
    org, inbox, port = mailing
    org.run()
    lena = org.proposal("lena@example.com")
    store = org.store()
    workflow.approve(store, [lena.id], "karin (cli)", roster=load_roster(org.root / "people.toml"))
    store.close()

    _settings(org.config, _free_port())  # nobody listens there
    failed = org.run(NIGHT + timedelta(hours=1))
    assert failed.exit_code == 1
    assert org.reload(lena).state is State.BOOKED, "a mail failure undoes no booking"
    assert "cannot connect" in failed.digest_failures["karin@example.com"]
    assert "Digest emails not sent (kept, and retried by the next run):" in failed.render()
    assert len(inbox.received) == 2

    _settings(org.config, port)
    retried = org.run(NIGHT + timedelta(hours=2))
    assert retried.exit_code == 0
    assert retried.digests_sent == ["karin@example.com"]
    assert "Booked: Lena Berg" in _text(inbox.to("karin@example.com")[-1])


def test_without_smtp_digests_are_written_to_the_outbox_folder(
    config: ConfigDir,
) -> None:
    config.settings(f'[web]\nsecret = "{SECRET}"\n')
    config.people(PEOPLE)
    run_nightly(config.root, RunOptions(now=NIGHT, dry_run=True))
    assert not (config.data / "outbox").exists(), "a dry run sends nothing"

    report = Org(config).run()
    outbox = config.data / "outbox"
    files = sorted(outbox.glob("*.eml"))
    assert sorted(f.name.split("-", 2)[-1] for f in files) == [
        "ade@example.com.eml",
        "karin@example.com.eml",
    ]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), "they hold sign-in links"
    assert f"Digest emails: 2 written to {outbox}/" in report.render()
    karin = next(f for f in files if f.name.endswith("karin@example.com.eml"))
    message = email.message_from_bytes(karin.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    link = re.search(r"http://127\.0\.0\.1:8080/sign-in/\S+", _text(message))
    assert link is not None
    app = create_app(config.root)
    assert app.test_client().get(path_of(link.group(0))).status_code == 200


def test_without_a_web_secret_the_digest_says_how_to_approve_instead(
    config: ConfigDir,
) -> None:
    config.people(PEOPLE)
    Org(config).run()
    karin = next((config.data / "outbox").glob("*karin@example.com.eml"))
    message = email.message_from_bytes(karin.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = _text(message)
    assert "sign-in" not in text.replace("no sign-in link", "")
    assert "checkin-sync approve ID" in text


def test_an_outbox_that_cannot_be_written_is_reported_and_retried(config: ConfigDir) -> None:
    config.people(PEOPLE)
    config.data.mkdir(parents=True)
    (config.data / "outbox").write_text("a file where the outbox folder should be")
    report = Org(config).run()
    assert report.exit_code == 1
    assert "cannot write to" in report.digest_failures["karin@example.com"]
    assert len(report.proposed) == 4, "the night's work is kept"
    (config.data / "outbox").unlink()
    retried = Org(config).run(NIGHT + timedelta(hours=1))
    assert retried.exit_code == 0
    assert len(retried.digests_written) == 2


def test_a_date_moved_tonight_is_in_the_digest(cli: CLI, config: ConfigDir) -> None:
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(CLI_PEOPLE)
    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    store_approve(config, lena["id"])
    assert run(cli, config).code == 0
    third = datetime.fromisoformat(lena["occurrences"][2]["start"])
    config.calendar("lena.ics", busy_event(third - timedelta(minutes=15), 60, "dentist-1"))
    before = digests_to(config, "karin@example.com")

    assert run(cli, config).code == 0
    (latest,) = digests_to(config, "karin@example.com") - before
    message = email.message_from_bytes(latest.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = _text(message)
    assert text.startswith("Hi Karin,"), "her name is written surname first: Lind, Karin"
    assert "Dates moved or skipped: Lena Berg — " in text
    # the moved date in the digest's date style
    moved = re.search(
        r"Lena Berg — (\w{3} \d{1,2} \w{3} \d{4}) moved to \w{3} [\d:]{5} because", text
    )
    assert moved, text
    assert third.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%a %-d %b %Y") == moved[1]
    assert "because Lena is busy" in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", LINK.sub("", text)) is None


def digests_to(config: ConfigDir, email: str) -> set[Path]:
    """Digest emails in the outbox folder (invitations to the same person lie beside them)."""
    return {
        path
        for path in (config.data / "outbox").glob(f"*{email}.eml")
        if "-invitation-" not in path.name
    }
