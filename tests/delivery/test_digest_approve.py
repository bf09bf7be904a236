"""The digest as a manager reads it: the same content in its HTML and plain-text parts, the
reasons and changed dates of each proposal, and an approve link per proposal that only
approves when the manager presses the button on the page it opens."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sync.config.settings import load_settings
from sync.delivery.rule_line import why_only
from sync.delivery.signin import make_link
from sync.store import State
from sync.web import create_app
from tests.web_helpers import Org, csrf_of, path_of, seen_text

APPROVE = re.compile(r"http://checkins\.test/approve/[A-Za-z0-9_.-]+")


class _Text(HTMLParser):
    """An HTML part as a mail program shows it: text, and where each link goes."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag in ("script", "img", "link")
        self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.words += data.split()


def _words(words: Iterable[str]) -> list[str]:
    """Words without the punctuation that lays out plain text ("Tonight:", "- ", "* "), nor
    the week picture's drawing (a table in HTML, characters in plain text)."""
    return sorted(
        {bare for word in words if (bare := word.strip(":*-(),.")) and set(bare) - set(".#Po■")}
    )


def _digest(org: Org, manager: str) -> EmailMessage:
    (path,) = (org.config.data / "outbox").glob(f"*{manager}.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _part(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def _parsed_html(message: EmailMessage) -> _Text:
    parser = _Text()
    parser.feed(_part(message, "html"))
    return parser


def test_the_html_and_plain_text_parts_say_the_same(org: Org) -> None:
    message = _digest(org, "karin@example.com")
    assert message["Auto-Submitted"] == "auto-generated"
    text = _part(message, "plain")
    html = _parsed_html(message)
    assert html.scripts == 0, "no scripts, images or style sheets a mail program would fetch"
    # every word of the plain text, bar its bare links, is in the HTML part, and back
    assert _words(w for w in text.split() if not w.startswith("http")) == _words(html.words)
    # one approve link per waiting proposal, the same in both parts
    assert sorted(APPROVE.findall(text)) == sorted(url for url in html.links if APPROVE.match(url))
    assert len(APPROVE.findall(text)) == 3
    erik = org.proposal("erik@example.com")
    explanation = str(why_only(erik.explanation))
    assert "free for both" in explanation and " ".join(explanation.split()) in " ".join(
        text.split()
    )
    assert (
        "Wed 17 Feb 2027: skipped (Erik's check-ins are paused from Mon 15 Feb 2027 to "
        "Fri 19 Feb 2027)" in " ".join(text.split())
    ), "Erik's paused week, in the page's date style"
    assert re.search(r"\d{4}-\d{2}-\d{2}", " ".join(html.words)) is None


def _approve_link(org: Org, employee: str) -> str:
    record = org.proposal(employee)
    text = _part(_digest(org, record.manager), "plain")
    lines = text.splitlines()
    heading = next(
        i for i, line in enumerate(lines) if line.startswith(f"- {record.employee_name},")
    )
    return next(APPROVE.search(line) for line in lines[heading:] if APPROVE.search(line)).group(0)  # type: ignore[union-attr]


@pytest.fixture
def real_time_app(org: Org) -> Flask:
    """Links in the digest are issued on the real clock, and checked on it."""
    return create_app(org.root)


def _press(client: FlaskClient, page: str) -> tuple[int, str]:
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    response = client.post("/approve", data={"csrf": csrf_of(page), "token": token.group(1)})
    return response.status_code, seen_text(response.text)


def test_opening_an_approve_link_approves_nothing_until_the_button_is_pressed(
    org: Org, real_time_app: Flask
) -> None:
    link = _approve_link(org, "lena@example.com")
    client = real_time_app.test_client()
    for _ in range(3):  # a mail scanner, a link preview, the manager
        page = client.get(path_of(link))
        assert page.status_code == 200
        assert "Lena Berg" in seen_text(page.text)
        assert 'table class="week"' in page.text, "the week picture, as on the page"
    lena = org.proposal("lena@example.com")
    assert org.reload(lena).state is State.PENDING
    assert org.proposal("erik@example.com").state is State.PENDING

    status, done = _press(client, page.text)
    assert status == 200, done
    assert "Approved the check-in with Lena Berg." in done
    assert org.reload(lena).state is State.BOOKED
    assert org.audit(lena)[-2]["actor"] == "karin@example.com (email)"
    assert org.proposal("erik@example.com").state is State.PENDING, "only this proposal"


def test_the_confirmation_page_says_dates_as_the_page_does(org: Org, real_time_app: Flask) -> None:
    page = real_time_app.test_client().get(path_of(_approve_link(org, "erik@example.com")))
    shown = seen_text(page.text)
    assert "1 skipped: Erik's check-ins are paused from Mon 15 Feb 2027 to Fri 19 Feb 2027" in (
        shown
    )
    assert re.search(r"\d{4}-\d{2}-\d{2}", shown) is None


def test_a_used_link_is_refused_with_a_clear_page(org: Org, real_time_app: Flask) -> None:
    link = _approve_link(org, "lena@example.com")
    first, second = real_time_app.test_client(), real_time_app.test_client()
    page = first.get(path_of(link)).text
    other = second.get(path_of(link)).text
    assert _press(first, page)[0] == 200
    status, text = _press(second, other)
    assert status == 410
    assert "This approve link was already used" in text
    again = first.get(path_of(link))
    assert again.status_code == 410 and "already used" in seen_text(again.text)


def test_an_expired_link_is_refused(org: Org) -> None:
    link = _approve_link(org, "lena@example.com")
    hours = load_settings(org.root).web.link_hours
    later = create_app(
        org.root, clock=lambda: datetime.now(UTC) + timedelta(hours=hours, minutes=5)
    )
    page = later.test_client().get(path_of(link))
    assert page.status_code == 410
    assert "This approve link has expired" in seen_text(page.text)
    assert org.proposal("lena@example.com").state is State.PENDING


def test_a_tampered_or_sign_in_link_does_not_approve(org: Org, real_time_app: Flask) -> None:
    link = _approve_link(org, "lena@example.com")
    client = real_time_app.test_client()
    head, _, signature = link.rpartition(".")
    tampered = f"{head}.{signature[::-1]}"
    sign_in = make_link(load_settings(org.root).web, "karin@example.com", datetime.now(UTC))
    for bad in (tampered, link[:-3], sign_in.url.replace("/sign-in/", "/approve/")):
        page = client.get(path_of(bad))
        assert page.status_code == 410, bad
        assert "This approve link is not valid" in seen_text(page.text)
    # nor can the form be posted with a made-up token
    form = client.get(path_of(link)).text
    response = client.post("/approve", data={"csrf": csrf_of(form), "token": sign_in.token})
    assert response.status_code == 410
    assert org.proposal("lena@example.com").state is State.PENDING


def test_a_proposal_decided_since_the_email_is_not_approved_again(
    org: Org, real_time_app: Flask
) -> None:
    link = _approve_link(org, "lena@example.com")
    client = real_time_app.test_client()
    page = client.get(path_of(link)).text
    store = org.store()
    lena = org.proposal("lena@example.com")
    store.transition(lena.id, State.REJECTED, "karin@example.com (web)", "not now")
    store.close()
    status, text = _press(client, page)
    assert status == 200
    assert "Nothing was changed" in text and "already rejected" in text
    assert org.reload(lena).state is State.REJECTED
