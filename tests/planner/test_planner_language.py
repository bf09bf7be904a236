"""What the planner says (why a series is where it is, why a date moved or was skipped, which
holiday is in the way) reaches people in the configured language: it is kept as messages and
worded when read, on the page, in the digest and in the invitation. The demo organisation is
planned over Christmas, when Swedish holidays move and skip dates."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.web import create_app
from tests.conftest import ConfigDir
from tests.web_helpers import SECRET, Org, post, seen_text, use_link

DEMO = Path(__file__).parent.parent.parent / "config"
NIGHT = datetime(2026, 12, 14, 6, tzinfo=UTC)  # a Monday morning in Stockholm, before Christmas
CLOCK = NIGHT + timedelta(hours=1)
ENGLISH_WORDS = (
    "free for both",
    "skipped because",
    "moved to",
    "because",
    "holiday",
    "Christmas",
    "New Year",
    "Epiphany",
    "regular cadence",
    "no check-in series yet",
    "works at the office",
    "works remotely",
    "works hybrid",
    "more often until",
    "the organisation's default",
    "Moved:",
    "Avoiding",
    "preferred time",
    "once",
    "welcome back",
    "working days away",
    "is away",
    "are busy",
    "too close",
)
"""What the planner says in English, none of which a Swedish reader should meet."""


@dataclass
class Received:
    page: str
    digest: str
    """The first digest to Karin, text and HTML, after the first night."""
    tonight: str
    """Karin's digest after the second night, which says what happened (what was booked)."""
    invitation: str
    """Every part of Erik's invitation, the calendar file included."""


def _demo(config: ConfigDir, language: str) -> Org:
    shutil.copy(DEMO / "people.toml", config.root / "people.toml")
    shutil.copytree(DEMO / "demo", config.root / "demo")
    config.settings(
        f'language = "{language}"\n'
        f'[web]\nsecret = "{SECRET}"\npublic_url = "http://checkins.test"\n'
    )
    return Org(config)


def _mail(config: ConfigDir, kind: str, to: str) -> list[str]:
    """The texts of every `kind` email to `to`, oldest first: each part, attachments too."""
    found = []
    for path in sorted(
        (config.data / "outbox").glob("*.eml"), key=lambda p: int(p.name.split("-")[1])
    ):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        invitation = "-invitation-" in path.name
        if invitation == (kind == "invitation") and to in str(message["To"]):
            parts = [str(message["Subject"])]
            for part in message.walk():
                if not part.is_multipart():
                    content = part.get_payload(decode=True)
                    assert isinstance(content, bytes)
                    text = content.decode()
                    parts.append(seen_text(text) if part.get_content_subtype() == "html" else text)
            # folded calendar lines and escaped commas read as the person's client shows them
            found.append("\n".join(parts).replace("\r\n ", "").replace("\\,", ","))
    return found


def receive(config: ConfigDir, language: str) -> Received:
    org = _demo(config, language)
    org.run(NIGHT)
    app = create_app(org.root, clock=lambda: CLOCK)
    browser = app.test_client()
    link = make_link(load_settings(org.root).web, "karin@example.com", CLOCK)
    page = seen_text(use_link(browser, link.url))
    # Erik's series moves a date off Christmas Eve: his invitation says why
    erik = org.proposal("erik@example.com")
    post(browser, f"/proposals/{erik.id}/approve")
    org.run(NIGHT + timedelta(days=1))
    digests = _mail(config, "digest", "karin@example.com")
    (invitation,) = _mail(config, "invitation", "erik@example.com")
    return Received(page, digests[0], digests[-1], invitation)


def _page(org: Org) -> str:
    app = create_app(org.root, clock=lambda: CLOCK)
    link = make_link(load_settings(org.root).web, "karin@example.com", CLOCK)
    return seen_text(use_link(app.test_client(), link.url))


def test_what_the_planner_says_reaches_a_swedish_organisation_in_swedish(
    config: ConfigDir,
) -> None:
    swedish = receive(config, "sv")
    texts = {
        "page": swedish.page,
        "digest": swedish.digest,
        "tonight": swedish.tonight,
        "invitation": swedish.invitation,
    }
    left = [
        f"{name}: {words!r}"
        for name, text in texts.items()
        for words in ENGLISH_WORDS
        if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text)
    ]
    assert left == []
    page = swedish.page
    # why a date moved or was skipped, with the holiday named as Swedes name it
    assert (
        "tis 22 dec. 2026, 15:30–16:00 flyttad från tors 24 dec. 2026 12:00: det är en helgdag "
        "för Erik (Julafton)"
    ) in page
    assert "hoppas över: det är en helgdag för Erik (Nyårsafton)" in page
    assert "flyttad från ons 6 jan. 2027 15:15: det är en helgdag för Erik (Trettondedag jul)" in (
        page
    )
    # what sets the cadence, and why a series is proposed; people's own words stay theirs
    assert (
        "Varje vecka (oftare till och med ons 30 juni 2027: back from sick leave): ledig för"
        in (page)
    )
    assert "Var 3:e vecka · fre 12:15–12:45" in page
    assert "Var 3:e vecka (Maja arbetar på kontoret): ledig för båda 2 av 2 datum" in page
    assert "Varje vecka (satt av Lena), inom den tid Lena föredrar: ledig för båda" in page
    assert "ledig för båda 2 av 4 datum de kommande 4 veckorna, 2 hoppas över." in page
    assert "tors 7 jan. 2027 hoppas över Karin och Lena är upptagna" in page
    assert "Den nattliga körningen föreslog tisdagar 16:15 med Lena Berg." in page
    welcome = "välkommen tillbaka: Omar är tillbaka mån 11 jan. 2027 efter 12 arbetsdagar borta"
    assert (
        f"Omar Haddad 30 min En gång · mån 11 jan. 2027 11:15–11:45 · 10:15 i London {welcome}"
        in (page)
    )
    assert f"Omar Haddad, 30 min: {welcome}" in swedish.digest
    # what happened tonight
    assert "Ersatta: Lena Berg — det första datumet kom för nära innan den godkändes" in (
        swedish.tonight
    )
    # the calendar event of the moved date says why, in the invitation
    assert "Flyttad: det är en helgdag för Erik (Julafton)" in swedish.invitation


def test_english_configuration_still_says_it_in_english(config: ConfigDir) -> None:
    english = receive(config, "en")
    assert (
        "Tue 22 Dec 2026, 15:30–16:00 moved from Thu 24 Dec 2026 12:00: it is a holiday for "
        "Erik (Christmas Eve)"
    ) in english.page
    assert "Weekly (set by Lena), inside Lena's preferred time: free for both" in english.page
    assert "The nightly run proposed Tuesdays 16:15 with Lena Berg." in english.page
    assert "Every 3 weeks · Fri 12:15–12:45" in english.page
    assert "Every 3 weeks (Maja works at the office): free for both" in english.page
    welcome = "welcome back: Omar returns on Mon 11 Jan 2027 after 12 working days away"
    assert f"Omar Haddad, 30 min: {welcome}" in english.digest
    assert "Replaced: Lena Berg — its first date came too close before it was approved" in (
        english.tonight
    )
    assert "Moved: it is a holiday for Erik (Christmas Eve)" in english.invitation


def test_a_proposal_stored_in_words_by_an_older_version_shows_them_as_they_are(
    config: ConfigDir,
) -> None:
    org = _demo(config, "sv")
    org.run(NIGHT)
    erik = org.proposal("erik@example.com")
    # the database as the version before kept it: words only, schema 6
    db = sqlite3.connect(config.data / "state.sqlite")
    (stored,) = db.execute("SELECT occurrences FROM proposals WHERE id = ?", (erik.id,)).fetchone()
    dates = json.loads(stored)
    for item in dates:
        del item["said"]
        item["reason"] = "an old reason" if item["status"] != "ok" else ""
    db.execute(
        "UPDATE proposals SET explanation = ?, cadence_reason = ?, reason = ?, occurrences = ? "
        "WHERE id = ?",
        (
            "Weekly on Thursdays, in old words.",
            "an old cadence",
            "an old why",
            json.dumps(dates),
            erik.id,
        ),
    )
    for table, column in (
        ("proposals", "cadence_reason_said"),
        ("proposals", "explanation_said"),
        ("proposals", "reason_said"),
        ("audit", "note_said"),
        ("proposals", "week_busy"),
    ):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    db.execute("PRAGMA user_version = 6")
    db.commit()
    db.close()
    page = _page(org)
    assert "Föreslås igen: an old why" in page
    assert "Weekly on Thursdays, in old words." in page
    assert "hoppas över: an old reason" in page
    # every row the older version stored reads as it was written
    assert "Weekly (set by Lena) on Tuesdays 16:15–16:45 Stockholm / 10:15–10:45 New York" in page
    assert "Den nattliga körningen föreslog torsdagar 12:00 med Erik Sandberg." in page
