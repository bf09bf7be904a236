"""The manager's page at a glance: the week picture (busy time only, never what it is), what
needs attention, approving all with a confirmation, keeping the page position, the team's
next dates, health in words and History in sentences."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from sync.config.roster import load_roster
from sync.night import workflow
from sync.night.on_demand import book_approved_now
from sync.plumbing.i18n import ENGLISH
from sync.store import State
from sync.store.schema import SCHEMA_VERSION
from sync.web.present import Presenter
from tests.conftest import ConfigDir
from tests.web_helpers import (
    CLOCK,
    PEOPLE,
    SECRET,
    Org,
    SignIn,
    csrf_of,
    post,
    seen_text,
)

SECRET_TITLE = "Project Nightingale merger talks"
LENA_BUSY = datetime(2027, 2, 2, 16, tzinfo=UTC)
"""Tuesday 17:00-18:00 in Stockholm, where Karin views the page: 11:00 in New York."""


def _calendar_with_a_secret() -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//EN\nBEGIN:VEVENT\n"
        "UID:secret-1\nDTSTAMP:20260101T000000Z\n"
        f"DTSTART:{LENA_BUSY:%Y%m%dT%H%M%SZ}\n"
        f"DTEND:{LENA_BUSY + timedelta(hours=1):%Y%m%dT%H%M%SZ}\n"
        f"SUMMARY:{SECRET_TITLE}\nLOCATION:{SECRET_TITLE} room\n"
        f"DESCRIPTION:{SECRET_TITLE} agenda\nEND:VEVENT\nEND:VCALENDAR\n"
    )


@pytest.fixture
def busy_org(config: ConfigDir) -> Org:
    """The usual organisation, with Lena's calendar holding one busy hour of a secret title."""
    config.settings(f'[web]\nsecret = "{SECRET}"\npublic_url = "http://checkins.test"\n')
    config.calendar("lena.ics", _calendar_with_a_secret())
    lena_entry = 'timezone = "America/New_York"\ncadence = "weekly"'
    config.people(PEOPLE.replace(lena_entry, lena_entry + '\ncalendar = "ics:lena.ics"'))
    organisation = Org(config)
    organisation.run()
    return organisation


class _Pictures(HTMLParser):
    """Each week picture on a page: its rows as (day, who, cell classes)."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[list[tuple[str, str, list[str]]]] = []
        self._in: str | None = None
        self._day = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "week" in classes:
            self.pictures.append([])
        elif self.pictures and tag == "tr":
            self._in = None
        elif self.pictures and tag == "th" and classes:
            self._in = classes[0]
        elif self.pictures and tag == "td" and self._in == "who-done":
            self.pictures[-1][-1][2].append(classes[0])

    def handle_data(self, data: str) -> None:
        if self._in == "day":
            self._day = data.strip()
        elif self._in == "who":
            self.pictures[-1].append((self._day, data.strip(), []))
            self._in = "who-done"


def _pictures(html: str, proposal_id: int) -> list[list[tuple[str, str, list[str]]]]:
    start = html.index(f'id="proposal-{proposal_id}"')
    end = html.find("</article>", start)
    parser = _Pictures()
    parser.feed(html[start:end])
    return parser.pictures


def test_the_week_picture_shows_busy_time_and_never_its_title(
    busy_org: Org, sign_in: SignIn
) -> None:
    lena = busy_org.proposal("lena@example.com")
    html = sign_in("karin@example.com").get("/").text
    (picture,) = _pictures(html, lena.id)
    rows = {(day, who): cells for day, who, cells in picture}
    tuesday = rows[("Tue 2 Feb", "Lena")]
    hour = lambda h: tuesday[(h - 8) * 4 : (h - 7) * 4]  # noqa: E731 (columns start at 08)
    assert hour(17) == ["busy"] * 4, "Lena's busy hour, in Karin's zone"
    assert hour(16) == ["free"] * 4
    assert hour(15)[:2] == ["slot"] * 2, "the proposed 15:00-15:30"
    assert rows[("Tue 2 Feb", "You")][(17 - 8) * 4] == "free", "Karin is free then"
    assert "other" in rows[("Wed 3 Feb", "Lena")], "an alternative on Wednesday"

    assert SECRET_TITLE not in html and "Nightingale" not in html
    (digest,) = (busy_org.config.data / "outbox").glob("*karin@example.com.eml")
    message = email.message_from_bytes(digest.read_bytes(), policy=email.policy.default)
    for part in ("plain", "html"):
        body = message.get_body((part,))
        assert body is not None
        content = str(body.get_content())
        assert "Nightingale" not in content
        assert "#" * 4 in content or "#6b7386" in content, "the busy hour is drawn"
    with sqlite3.connect(busy_org.config.data / "state.sqlite") as db:
        stored = " ".join(str(row) for row in db.execute("SELECT * FROM proposals"))
    assert "Nightingale" not in stored and "week_busy" not in stored


def test_a_database_from_before_proposals_kept_busy_time_is_migrated(
    busy_org: Org, sign_in: SignIn
) -> None:
    """Schema 7 kept no busy time: its proposals are shown, without a picture."""
    with sqlite3.connect(busy_org.config.data / "state.sqlite") as db:
        db.execute("ALTER TABLE proposals DROP COLUMN week_busy")
        db.execute("PRAGMA user_version = 7")
    html = sign_in("karin@example.com").get("/").text
    lena = busy_org.proposal("lena@example.com")
    assert f'id="proposal-{lena.id}"' in html and _pictures(html, lena.id) == []
    with sqlite3.connect(busy_org.config.data / "state.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (kept,) = db.execute("SELECT week_busy FROM proposals WHERE id = ?", (lena.id,)).fetchone()
    assert kept == ""


def test_approve_all_asks_first_and_approves_exactly_the_listed_ones(
    sign_in: SignIn, org: Org
) -> None:
    client = sign_in("karin@example.com")
    page = client.get("/").text
    assert "Approve all 3…" in seen_text(page)
    confirm = client.get("/approve-all")
    assert confirm.status_code == 200
    shown = seen_text(confirm.text)
    assert "Approve all 3 check-ins?" in shown
    assert "Lena Berg" in shown and "Erik Sandberg" in shown
    assert all(
        org.proposal(e).state is State.PENDING
        for e in ("lena@example.com", "erik@example.com", "xss@example.com")
    ), "the confirmation page approves nothing"

    listed = re.findall(r'name="proposal" value="(\d+)"', confirm.text)
    assert len(listed) == 3
    xss = org.proposal("xss@example.com")
    # as if the xss proposal arrived after the confirmation page was loaded
    kept = [n for n in listed if n != str(xss.id)]
    response = client.post("/approve-all", data={"csrf": csrf_of(confirm.text), "proposal": kept})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#team-title")
    page = client.get("/").text
    # said under the heading the page returns to, not only at the top, out of sight
    said = page.index('<div class="flashes" role="status">')
    assert page.index('id="team-title"') < said < page.index("Erik Sandberg", said)
    assert "Approved 2 check-ins." in seen_text(page[said:])
    assert org.proposal("lena@example.com", State.BOOKED)
    assert org.proposal("erik@example.com", State.BOOKED)
    assert org.reload(xss).state is State.PENDING


def test_approve_all_refuses_another_managers_proposal(sign_in: SignIn, org: Org) -> None:
    omar = org.proposal("omar@example.com")
    client = sign_in("karin@example.com")
    confirm = client.get("/approve-all")
    assert confirm.status_code == 200
    assert len(re.findall(r'name="proposal"', confirm.text)) == 3, "Karin's own three"
    assert f'value="{omar.id}"' not in confirm.text
    token = csrf_of(confirm.text)
    response = client.post("/approve-all", data={"csrf": token, "proposal": str(omar.id)})
    assert response.status_code == 404
    assert org.reload(omar).state is State.PENDING


def test_what_became_of_a_decision_is_said_where_its_card_was(sign_in: SignIn, org: Org) -> None:
    client = sign_in("karin@example.com")
    erik, lena = org.proposal("erik@example.com"), org.proposal("lena@example.com")
    xss = org.proposal("xss@example.com")
    token = csrf_of(client.get("/").text)
    # the page lists Erik, Lena, then the xss name
    response = client.post(f"/proposals/{lena.id}/reject", data={"csrf": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#proposal-{lena.id}")
    html = client.get("/").text
    # Lena's card has left the list; the message has its place and its address
    said = html.index(f'<div class="flashes" role="status" id="proposal-{lena.id}">')
    assert html.index(f'id="proposal-{erik.id}"') < said < html.index(f'id="proposal-{xss.id}"')
    assert "Rejected the check-in with Lena Berg." in seen_text(html[said:])[:60]
    assert html.count('class="flashes"') == 1, "said once, not also at the top"
    # the last card: the message comes after the ones still waiting
    client.post(f"/proposals/{xss.id}/approve", data={"csrf": token})
    html = client.get("/").text
    assert html.index(f'id="approve-{erik.id}"') < html.index('class="flashes"')
    # a page without a decision says nothing there
    assert 'class="flashes"' not in client.get("/").text


def test_an_alternatives_first_check_in_agrees_with_its_dates(org: Org) -> None:
    erik = org.proposal("erik@example.com")
    first = erik.alternatives[0]["occurrences"][0]
    start = datetime.fromisoformat(first["start"])
    moved = {
        **first,
        "status": "moved",
        "start": (start + timedelta(days=1)).isoformat(),
        "end": (datetime.fromisoformat(first["end"]) + timedelta(days=1)).isoformat(),
        "reason": "Erik is busy",
    }
    alternative = {**erik.alternatives[0]}
    alternative["occurrences"] = [moved, *erik.alternatives[0]["occurrences"][1:]]
    record = dataclasses.replace(erik, alternatives=[alternative, *erik.alternatives[1:]])
    view = Presenter("karin@example.com", {}, CLOCK, ENGLISH).proposal(record)
    shown = view.alternatives[0]
    assert shown.first.mine == shown.occurrences[0].when.mine
    assert shown.first.mine.startswith("Thu 4 Feb 2027"), "where the first date was moved to"
    assert "1 moved" in shown.chips


def test_team_health_and_history_speak_plainly(cli: object, sign_in: SignIn, org: Org) -> None:
    before = seen_text(sign_in("karin@example.com").get("/").text)
    assert "Are the check-ins happening?" not in before, "nothing to judge for new pairs"
    assert "Last held: not yet" not in before and "longest gap" not in before

    lena = org.proposal("lena@example.com")
    post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve")
    store = org.store()
    try:
        roster = load_roster(org.root / "people.toml")
        erik = org.proposal("erik@example.com")
        workflow.approve(store, [erik.id], "root (cli)", roster=roster)
    finally:
        store.close()
    book_approved_now(org.root, "root (cli)", now=CLOCK)
    page = seen_text(sign_in("karin@example.com").get("/").text)
    assert "You approved Tuesdays 15:00 with Lena Berg." in page
    assert "The operator (command line) approved Wednesdays 09:00 with Erik Sandberg." in page
    assert "(cli)" not in page and "→" not in page
    # booking is one step for the manager: told once, without the steps inside it
    assert page.count("You booked Tuesdays 15:00 with Lena Berg.") == 1
    assert "started booking" not in page and "(export)" not in page
    # Erik's booked series shows the skipped date among its next ones, with why
    team = page[page.index("Your team's check-ins") :]
    erik_card = team[team.index("Erik Sandberg") : team.index("Lena Berg")]
    assert "Next dates:" in erik_card
    assert "Weekly · Wed 09:00–09:30" in erik_card
    # a date at the series' time is said by its day: the rule line above says when
    assert (
        "Wed 17 Feb 2027 skipped Erik's check-ins are paused from Mon 15 Feb 2027 to "
        "Fri 19 Feb 2027" in erik_card
    ), "the pause in the style of the date it skipped"
    # booked series, health and history too: no date a manager reads is ISO
    assert re.search(r"\d{4}-\d{2}-\d{2}", page) is None


def _card(html: str, proposal_id: int) -> str:
    card = html[html.index(f'id="proposal-{proposal_id}"') :]
    return card[: card.index("</article>")]


def test_a_card_states_its_slot_once_in_one_line(sign_in: SignIn, org: Org) -> None:
    html = sign_in("karin@example.com").get("/").text
    lena = _card(html, org.proposal("lena@example.com").id)
    proposed = seen_text(lena[: lena.index('class="alternatives"')])
    assert "Weekly · Tue 15:00–15:30 · 09:00 in New York" in proposed
    assert proposed.count("15:00") == 1 and proposed.count("09:00") == 1, proposed
    assert "Weekly (set by Lena): free for both on 4 of 4 dates" in proposed, "the why stays"
    assert "First check-in: Tue 2 Feb 2027" in proposed
    # each alternative is one line too
    assert "Weekly · Wed 15:00–15:30 · 09:00 in New York" in seen_text(lena)


def test_a_time_range_never_breaks_in_the_middle(sign_in: SignIn, org: Org) -> None:
    html = sign_in("karin@example.com").get("/").text
    lena = html[html.index(f'id="proposal-{org.proposal("lena@example.com").id}"') :]
    assert 'Tue <span class="nw">15:00–15:30</span> · ' in lena
    assert '<span class="theirs nw">09:00 in New York</span>' in lena, "nor does Lena's time"
    assert "Tue 15:00–15:30" not in lena, "every range is held together"


def test_the_feed_address_is_a_subscribe_link_and_a_field_to_copy_without_scripts(
    sign_in: SignIn,
) -> None:
    response = sign_in("karin@example.com").get("/")
    html = response.text
    feed = html[html.index('id="feed-title"') :]
    feed = feed[: feed.index("</section>")]
    subscribe = re.search(r'<a class="button" href="(webcal://[^"]+)">Subscribe', feed)
    field = re.search(r'<input type="text" id="feed-address" class="feed" value="([^"]+)"', feed)
    assert subscribe and field, feed
    # one address, as the calendar app is given it and as it is copied
    assert subscribe.group(1).removeprefix("webcal://") == field.group(1).removeprefix("http://")
    field_tag = feed[field.start() : feed.index(">", field.start())]
    assert "readonly" in field_tag, "a field that cannot be typed over, only selected"
    assert '<label for="feed-address">' in feed
    # nothing needs a script: the policy allows none, and the page has none
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "<script" not in html and " on" not in field_tag
