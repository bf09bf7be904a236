"""Calendar subscriptions: each person's check-ins at an address of their own, served by
`serve` without sign-in, kept current, answered with 304 when unchanged, and dead once the
secret behind it changes."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from itsdangerous import URLSafeSerializer

import sync.store.series
from sync.delivery.feeds import make_token
from sync.model.values import Occurrence
from sync.store import ProposalRecord, SeriesRecord, Store
from sync.web import create_app
from tests.caldav_server import RadicaleServer
from tests.cli.test_cli_end_to_end import KARIN_CALENDAR, PEOPLE, by_employee, proposals, run
from tests.conftest import ConfigDir, Result
from tests.interop import expected, with_ical, with_radicale, with_vobject
from tests.night.test_keep_up import busy_event, store_approve
from tests.web_helpers import request_log

CLI = Callable[..., Result]
WEB_SECRET = "web-secret-0123456789abcdef"
FEEDS_SECRET = "feeds-secret-0123456789abcdef"
DENTIST = datetime(2027, 2, 3, 13, tzinfo=UTC)
"""Lena's other meeting, which must never show in anyone's feed."""


def settings(config: ConfigDir, feeds_secret: str = FEEDS_SECRET) -> None:
    config.settings(
        f'[web]\nsecret = "{WEB_SECRET}"\npublic_url = "https://checkins.example.com"\n'
        f'[feeds]\nsecret = "{feeds_secret}"\nrefresh_minutes = 120\n'
    )


@pytest.fixture
def booked(cli: CLI, config: ConfigDir) -> ConfigDir:
    settings(config)
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics", busy_event(DENTIST, 60, "dentist-1"))
    config.people(PEOPLE)
    assert run(cli, config).code == 0
    for item in proposals(cli, config):
        store_approve(config, item["id"])
    assert run(cli, config).code == 0
    return config


def client(config: ConfigDir) -> FlaskClient:
    return create_app(config.root).test_client()


def feed_path(email: str, secret: str = FEEDS_SECRET) -> str:
    return f"/feeds/{make_token(secret, email)}.ics"


def lena_series_occurrences(config: ConfigDir) -> list[Occurrence]:
    store = Store.open(config.data / "state.sqlite")
    try:
        (series,) = [s for s in store.series() if s.proposal.employee == "lena@example.com"]
        return list(series.occurrences)
    finally:
        store.close()


def test_feed_url_prints_the_https_and_webcal_addresses(cli: CLI, booked: ConfigDir) -> None:
    result = cli("--config", str(booked.root), "feed-url", "Lena@Example.com")
    assert result.code == 0, result.err
    token = make_token(FEEDS_SECRET, "lena@example.com")
    assert f"https://checkins.example.com/feeds/{token}.ics" in result.out.splitlines()
    assert f"webcal://checkins.example.com/feeds/{token}.ics" in result.out.splitlines()

    unknown = cli("--config", str(booked.root), "feed-url", "nobody@example.com")
    assert unknown.code == 2
    assert "nobody@example.com is not in" in unknown.err


def test_feed_url_without_any_secret_is_a_development_address(cli: CLI, config: ConfigDir) -> None:
    config.people(PEOPLE)
    result = cli("--config", str(config.root), "feed-url", "lena@example.com")
    assert result.code == 0, result.err
    assert "It works with checkin-sync serve --dev only" in result.out
    assert "/feeds/" in result.out


def test_a_feed_holds_only_that_persons_check_ins_and_needs_no_sign_in(
    booked: ConfigDir, radicale_server: RadicaleServer
) -> None:
    answer = client(booked).get(feed_path("lena@example.com"))
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    assert answer.headers["ETag"] and answer.headers["Last-Modified"]
    data = answer.data
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=2)
    assert b"\r\nX-PUBLISHED-TTL:PT2H\r\n" in data
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT2H\r\n" in data
    events = calendar.walk("VEVENT")
    assert events and all(str(e["UID"]).endswith("@checkin-sync") for e in events)
    assert {str(a) for e in events for a in [e["ATTENDEE"]]} == {"mailto:lena@example.com"}
    assert b"Dentist" not in data and b"Standup" not in data, "no one's other meetings"
    want = expected(lena_series_occurrences(booked))
    for times in (with_vobject(data), with_ical(data), with_radicale(radicale_server, data)):
        assert times[: len(want)] == want


def test_an_unchanged_feed_answers_304_and_a_change_is_seen(cli: CLI, booked: ConfigDir) -> None:
    web = client(booked)
    first = web.get(feed_path("lena@example.com"))
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert web.get(feed_path("lena@example.com"), headers={"If-None-Match": etag}).status_code == (
        304
    )
    again = web.get(feed_path("lena@example.com"), headers={"If-Modified-Since": modified})
    assert again.status_code == 304 and again.data == b""

    third = lena_series_occurrences(booked)[2]
    booked.calendar("lena.ics", busy_event(third.start - timedelta(minutes=15), 60, "dentist-2"))
    assert run(cli, booked).code == 0
    changed = web.get(feed_path("lena@example.com"), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"RECURRENCE-ID" in changed.data, "the moved date is in the feed"


def test_a_cancelled_series_leaves_the_feed(cli: CLI, booked: ConfigDir) -> None:
    people = (booked.root / "people.toml").read_text()
    lena_entry = people[people.index("[[employees]]") : people.index("[[employees]]", 200)]
    booked.people(people.replace(lena_entry, ""))
    assert run(cli, booked).code == 0
    answer = client(booked).get(feed_path("lena@example.com"))
    assert answer.status_code == 200
    assert Calendar.from_ical(answer.data).walk("VEVENT") == []
    karin = Calendar.from_ical(client(booked).get(feed_path("karin@example.com")).data)
    assert [str(a) for e in karin.walk("VEVENT") for a in [e["ATTENDEE"]]] == [
        "mailto:erik@example.com"
    ]


def test_a_changed_secret_revokes_every_feed_address(booked: ConfigDir) -> None:
    old = feed_path("lena@example.com")
    settings(booked, feeds_secret="a-new-feeds-secret-0123456789")
    web = client(booked)
    assert web.get(old).status_code == 404
    assert web.get(feed_path("lena@example.com", "a-new-feeds-secret-0123456789")).status_code == (
        200
    )
    forged = make_token("a-new-feeds-secret-0123456789", "lena@example.com")[:-2] + "xx"
    assert web.get(f"/feeds/{forged}.ics").status_code == 404
    # a feed address is no sign-in link, and the web secret alone does not make one
    assert web.get(feed_path("lena@example.com", WEB_SECRET)).status_code == 404


def test_one_persons_address_is_revoked_alone(cli: CLI, booked: ConfigDir) -> None:
    old = feed_path("lena@example.com")
    result = cli("--config", str(booked.root), "feed-url", "lena@example.com", "--new")
    assert result.code == 0, result.err
    assert "The previous address of Lena Berg no longer works." in result.out
    new = result.out.splitlines()[2].removeprefix("https://checkins.example.com")
    assert new != old
    web = client(booked)
    assert web.get(old).status_code == 404
    assert web.get(new).status_code == 200
    assert web.get(feed_path("karin@example.com")).status_code == 200, "others' still work"
    again = cli("--config", str(booked.root), "feed-url", "lena@example.com")
    assert new in again.out, "without --new, the current address is printed"


def test_the_request_log_does_not_show_feed_tokens(booked: ConfigDir) -> None:
    with request_log() as lines, client(booked).get(feed_path("lena@example.com")) as feed:
        assert feed.status_code == 200  # the line is written once the answer is closed
    (line,) = lines
    assert line == {**line, "method": "GET", "path": "/feeds/…", "status": 200}
    assert make_token(FEEDS_SECRET, "lena@example.com") not in str(line)


def test_without_a_feeds_secret_the_web_secret_signs_them(cli: CLI, booked: ConfigDir) -> None:
    booked.settings(f'[web]\nsecret = "{WEB_SECRET}"\n')
    result = cli("--config", str(booked.root), "feed-url", "lena@example.com")
    path = result.out.splitlines()[1].removeprefix("http://127.0.0.1:8080")
    assert client(booked).get(path).status_code == 200
    assert by_employee(proposals(cli, booked))  # the store is untouched by serving feeds


def test_a_manager_finds_her_own_feed_on_her_page(
    sign_in: Callable[[str], FlaskClient], app: Flask
) -> None:
    page = sign_in("karin@example.com").get("/").text
    match = re.search(r'class="feed" value="https?://[^/]+(/feeds/[^"]+)"', page)
    assert match is not None
    assert f'href="webcal://checkins.test{match.group(1)}"' in page
    feed = app.test_client().get(match.group(1))  # no session: calendar apps have none
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    other = sign_in("ade@example.com").get("/").text
    assert match.group(1) not in other, "each manager sees only her own address"


def encodings(text: str) -> set[str]:
    """`text` in every form an address could carry it, lower-cased."""
    raw = text.encode()
    forms = {
        text,
        urllib.parse.quote(text),
        urllib.parse.quote(text, safe=""),
        raw.hex(),
        hashlib.md5(raw).hexdigest(),
        hashlib.sha1(raw).hexdigest(),
        hashlib.sha256(raw).hexdigest(),
    }
    for encode in (base64.b64encode, base64.urlsafe_b64encode, base64.b32encode):
        # inside a longer payload the text's encoding depends on its offset there; its middle
        # is the same for every offset of the same remainder
        for shift in range(5):
            encoded = encode(b"\0" * shift + raw + b"\0" * 5).decode()
            forms.add(encoded[shift * 2 + 2 : -10])
    return {f.lower() for f in forms if len(f) >= 6}


def test_no_address_reveals_whose_feed_it_is(cli: CLI, booked: ConfigDir) -> None:
    tokens = []
    for email in ("lena@example.com", "karin@example.com", "erik@example.com"):
        result = cli("--config", str(booked.root), "feed-url", email)
        assert result.code == 0, result.err
        https, webcal = result.out.splitlines()[1:3]
        token = https.rsplit("/", 1)[1].removesuffix(".ics")
        assert webcal.endswith(f"/{token}.ics")
        secret_forms = [email, email.split("@")[0], email.split("@")[0][:4], "example"]
        for form in (f for part in secret_forms for f in encodings(part)):
            assert form not in token.lower(), (email, form)
            assert form not in https.lower().removeprefix("https://checkins.example.com")
        assert re.fullmatch(r"[a-z2-7]{32}", token), "the same length whatever the email"
        tokens.append(token)
    assert len(set(tokens)) == 3


def test_an_address_from_before_opaque_tokens_works_until_revoked(
    cli: CLI, booked: ConfigDir
) -> None:
    # subscriptions made before the upgrade carry the email, signed; they keep working
    signed = URLSafeSerializer(FEEDS_SECRET, salt="checkin-sync calendar feed")
    old = f"/feeds/{signed.dumps(['lena@example.com', 0])}.ics"
    web = client(booked)
    assert web.get(old).status_code == 200
    forged = URLSafeSerializer("another-secret-0123456789", salt="checkin-sync calendar feed")
    assert web.get(f"/feeds/{forged.dumps(['lena@example.com', 0])}.ics").status_code == 404
    assert cli("--config", str(booked.root), "feed-url", "lena@example.com", "--new").code == 0
    assert web.get(old).status_code == 404


def test_someone_with_nothing_booked_yet_has_a_working_feed(booked: ConfigDir) -> None:
    people = (booked.root / "people.toml").read_text()
    booked.people(people + NEWCOMER)
    answer = client(booked).get(feed_path("nils@example.com"))
    assert answer.status_code == 200
    assert Calendar.from_ical(answer.data).walk("VEVENT") == []
    assert client(booked).get(feed_path("nobody@example.com")).status_code == 404


NEWCOMER = """
[[employees]]
email = "nils@example.com"
name = "Nils Ek"
manager = "karin@example.com"
calendar = "none"
"""


def test_a_feed_decodes_only_its_owners_series(
    booked: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding every series of the organisation to keep one person's took most of a feed's
    time at a thousand people: the store is asked for the owner's."""
    decoded: list[tuple[str, str]] = []
    series_from_row = sync.store.series.series_from_row

    def noted(row: object, proposal: ProposalRecord) -> SeriesRecord:
        decoded.append((proposal.manager, proposal.employee))
        return series_from_row(row, proposal)  # type: ignore[arg-type]

    monkeypatch.setattr(sync.store.series, "series_from_row", noted)
    answer = client(booked).get(feed_path("lena@example.com"))
    assert answer.status_code == 200
    assert b"mailto:lena@example.com" in answer.data
    assert decoded and set(decoded) == {("karin@example.com", "lena@example.com")}


def test_the_series_with_someone_are_theirs_among_all(booked: ConfigDir) -> None:
    store = Store.open(booked.data / "state.sqlite")
    try:
        everyone = store.series()
        assert len(everyone) == 2
        for email in ("lena@example.com", "Karin@Example.com", "nobody@example.com"):
            theirs = [
                s
                for s in everyone
                if email.lower() in (s.proposal.manager.lower(), s.proposal.employee.lower())
            ]
            assert store.series_with(email) == theirs
        assert store.series_people() == {
            e for s in everyone for e in (s.proposal.manager, s.proposal.employee)
        }
    finally:
        store.close()
