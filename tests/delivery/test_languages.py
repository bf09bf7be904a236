"""Everything a person receives speaks the configured language: invitation emails, digest
emails (text and HTML) and the approval pages. Texts live in gettext catalogues
(sync/locale), so these tests check the catalogues against the code, render every output in
Swedish looking for English left behind, and pin the English texts as they were."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.model.timefmt import day, pattern, span
from sync.plumbing import i18n
from sync.plumbing.i18n import Language, available_languages, catalogue_path
from sync.web import create_app
from tests.conftest import ConfigDir, Result
from tests.web_helpers import (
    CLOCK,
    NIGHT,
    PEOPLE,
    SECRET,
    XSS_NAME,
    Org,
    csrf_of,
    path_of,
    post,
    seen_text,
    use_link,
)

ROOT = Path(__file__).parent.parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%|<[^>]+>")


def extracted() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every text the code and templates hand to gettext, as `make catalogues` collects
    them: (context, msgid) → the msgid and its plural, if any."""
    with (ROOT / "sync" / "locale" / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    keywords |= {"N_": None, "say": None, "say_n": (1, 2)}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids = (message,) if isinstance(message, str) else tuple(message)
        found[(context, ids[0])] = ids
    return found


def catalogue(code: str) -> Catalog:
    with catalogue_path(code).open("rb") as handle:
        return read_po(handle, locale=code)


def test_there_is_a_swedish_catalogue() -> None:
    assert available_languages() == ("en", "sv")


@pytest.mark.parametrize("code", [code for code in available_languages() if code != "en"])
def test_every_text_is_translated(code: str) -> None:
    """A text added to the code or a template without a translation fails here, naming it:
    run `make catalogues` and translate it in sync/locale/<code>/LC_MESSAGES/messages.po."""
    wanted = extracted()
    assert len(wanted) > 100, "the extraction found the texts"
    translated = catalogue(code)
    problems = []
    for (context, msgid), ids in sorted(wanted.items(), key=str):
        message = translated.get(msgid, context=context)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {msgid!r} → {string!r}")
    assert problems == []


def test_dates_and_repeats_follow_the_language() -> None:
    sv = Language("sv")
    start = datetime(2027, 2, 9, 15, tzinfo=UTC)  # a Tuesday, 16:00 in Stockholm
    end = start + timedelta(minutes=30)
    assert day(start, "Europe/Stockholm") == "Tue 9 Feb 2027"
    assert day(start, "Europe/Stockholm", sv) == "tis 9 feb. 2027"
    monthly = "FREQ=MONTHLY;BYDAY=2TU"
    zones = ("Europe/Stockholm", "America/New_York")
    assert pattern(monthly, "monthly", start, end, *zones).mine == (
        "Monthly on the second Tuesday, 16:00–16:30"
    )
    assert pattern(monthly, "monthly", start, end, *zones, sv).mine == (
        "Varje månad på den andra tisdagen, 16:00–16:30"
    )
    biweekly = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert pattern(biweekly, "biweekly", start, end, *zones) == pattern(
        biweekly, "biweekly", start, end, *zones, Language()
    )
    assert pattern(biweekly, "every 2 weeks", start, end, *zones, sv).mine == (
        "Varannan vecka på tisdagar, 16:00–16:30"
    )
    assert span(start, end, *zones, sv).theirs == "10:00–10:30 i New York"


# ---------------------------------------------------------------- a Swedish organisation


@dataclass
class Received:
    """What people of one organisation received over two nights, as they read it."""

    texts: dict[str, str]
    free: list[str]
    """Words people wrote (names): not part of the catalogues, so left out of the search for
    English. What the planner said (explanations, reasons) is worded in the language."""


def _mail(config: ConfigDir) -> list[tuple[str, EmailMessage]]:
    """Every email written to the outbox folder, oldest first, as (what, message): "digest
    to karin@example.com" or "invitation to lena@example.com"."""
    found = []
    for path in (config.data / "outbox").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        kind = "invitation" if "-invitation-" in path.name else "digest"
        found.append((int(path.name.split("-")[1]), f"{kind} to {message['To']}", message))
    return [(who, message) for _, who, message in sorted(found, key=lambda item: item[0])]


def receive(config: ConfigDir, language: str) -> Received:
    config.settings(
        f'language = "{language}"\n[web]\nsecret = "{SECRET}"\n'
        'public_url = "http://checkins.test"\n'
    )
    config.people(PEOPLE)
    org = Org(config)
    texts: dict[str, str] = {}
    free: list[str] = [XSS_NAME]  # a name someone wrote, not a text of ours
    for night in (0, 1):
        org.run(NIGHT + timedelta(days=night))
        if night == 0:
            texts |= _pages(org)
    for number, (who, message) in enumerate(_mail(config)):
        texts[f"{who} #{number} subject"] = str(message["Subject"])
        for kind in ("plain", "html"):
            body = message.get_body((kind,))
            if body is None:
                assert who.startswith("invitation"), "a digest has both"
                continue
            content = str(body.get_content())  # type: ignore[attr-defined]
            texts[f"{who} #{number} {kind}"] = seen_text(content) if kind == "html" else content
            if kind == "html":
                texts[f"{who} #{number} html lang"] = content[:40]
    return Received(texts, [text for text in free if text])


def _pages(org: Org) -> dict[str, str]:
    """Every page and message of the approval app, with two decisions made on it."""
    app = create_app(org.root, clock=lambda: CLOCK)
    browser = app.test_client()
    link = make_link(load_settings(org.root).web, "karin@example.com", CLOCK)
    pages = {"sign in": browser.get(path_of(link.url)).text}
    pages["home"] = use_link(browser, link.url)
    pages["used link"] = FlaskClient(app).get(path_of(link.url)).text
    pages["bad link"] = browser.get("/sign-in/not-a-token").text
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    pages["approved"] = post(browser, f"/proposals/{lena.id}/approve")
    pages["rejected"] = post(browser, f"/proposals/{erik.id}/reject", reason="")
    pages["decided twice"] = post(browser, f"/proposals/{erik.id}/reject", reason="")
    token = csrf_of(pages["approved"])
    pages["not found"] = browser.post("/proposals/99999/approve", data={"csrf": token}).text
    pages["too long"] = browser.post(
        f"/proposals/{erik.id}/reject", data={"csrf": token, "reason": "x" * 501}
    ).text
    pages["unknown"] = browser.get("/nothing-here").text
    pages["signed out"] = post(browser, "/sign-out")
    pages["not signed in"] = browser.get("/").text
    result = {f"page {name}": seen_text(html) for name, html in pages.items()}
    result |= {f"page {name} lang": html[:40] for name, html in pages.items()}
    return result


@pytest.fixture
def swedish(config: ConfigDir) -> Iterator[Received]:
    yield receive(config, "sv")


def english_fragments(code: str) -> list[tuple[str, str]]:
    """(msgid, a piece of its English wording) for every text the language words
    differently: the pieces between placeholders and tags, less any that are words of the
    language too ("in" is English, and Swedish in "Logga in")."""
    messages = [message for message in catalogue(code) if message.id]
    translated = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string for m in messages
    )
    found = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) == set(strings):
            continue
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                words = piece.strip(" \n,.:;()·#")
                if len(words) >= 2 and not re.search(
                    rf"(?<!\w){re.escape(words)}(?!\w)", translated
                ):
                    found.append((msgid, words))
    return found


def first(received: Received, prefix: str) -> str:
    """The first text whose name starts with `prefix` (names are "<what> to <whom> #<n>
    <part>" for emails and "page <name>" for pages)."""
    return next(text for name, text in received.texts.items() if name.startswith(prefix))


def test_a_swedish_organisation_receives_nothing_in_english(swedish: Received) -> None:
    names = " ".join(swedish.texts)
    for what in ("digest to Ade", "digest to Karin", "invitation to Lena", "page approved"):
        assert what in names, f"the scenario produced no {what}"
    fragments = english_fragments("sv")
    assert len(fragments) > 100
    left = []
    for name, text in swedish.texts.items():
        for words in sorted(swedish.free, key=len, reverse=True):
            text = text.replace(words, " ")
        for msgid, words in fragments:
            if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text):
                left.append(f"{name}: {words!r} (from {msgid!r})")
    assert left == [], "\n".join(left)

    karin = "digest to Karin Lind <karin@example.com> #"
    assert first(swedish, karin) == "3 avstämningar väntar på ditt godkännande"
    text = [t for n, t in swedish.texts.items() if n.startswith(karin) and n.endswith("plain")]
    assert "Hej Karin," in text[0] and "första gången tis 2 feb. 2027" in text[0]
    assert "2 avstämningar väntar på ditt godkännande" in [
        t for n, t in swedish.texts.items() if n.startswith(karin) and n.endswith("subject")
    ]
    for name, text in swedish.texts.items():
        if name.endswith("lang"):
            assert 'lang="sv"' in text, name
    home = swedish.texts["page home"]
    assert "Avstämningar för Karin Lind" in home and "Väntar på ditt beslut (3)" in home
    assert "Här finns inget" in swedish.texts["page not found"]
    assert "Skälet är längre än 500 tecken" in swedish.texts["page too long"]
    assert "Godkände avstämningen med Lena Berg." in swedish.texts["page approved"]
    assert "Inloggningslänken är redan använd" in swedish.texts["page used link"]
    lena = "invitation to Lena Berg <lena@example.com> #"
    assert first(swedish, lena) == "Inbjudan: Avstämning: Karin Lind / Lena Berg"
    assert "Din regelbundna avstämning med Karin Lind är planerad:" in "".join(
        t for n, t in swedish.texts.items() if n.startswith(lena)
    )


# ---------------------------------------------------------------- English as it was

ENGLISH_DIGEST = (
    """Hi Karin,

3 check-ins wait for your approval:

- Erik Sandberg, 30 min
  Weekly · Wed 09:00–09:30
  first on Wed 3 Feb 2027

                 08  09  10  11  12  13  14  15  16  17
  Mon 1 Feb You  ........................................
            Erik ........................................
  Tue 2 Feb You  ........................................
            Erik ........................................
  Wed 3 Feb You  ....PP......oo......oo..................
            Erik ....PP......oo......oo..................
  Thu 4 Feb You  ........................................
            Erik ........................................
  Fri 5 Feb You  ........................................
            Erik ........................................
  # busy  P proposed  o other times

  Weekly (set by Erik): free for both on 3 of 4 dates in the next 4 weeks, 1 skipped.
  * Wed 17 Feb 2027: skipped (Erik's check-ins are paused from Mon 15 Feb 2027 to Fri 19 Feb 2027)
  Approve the check-in with Erik Sandberg:
  LINK

- Lena Berg, 30 min
  Weekly · Tue 15:00–15:30 · 09:00 in New York
  first on Tue 2 Feb 2027

                 08  09  10  11  12  13  14  15  16  17
  Mon 1 Feb You  ........................................
            Lena ........................................
  Tue 2 Feb You  ............................PP..........
            Lena ............................PP..........
  Wed 3 Feb You  ............................oo..........
            Lena ............................oo..........
  Thu 4 Feb You  ............................oo..........
            Lena ............................oo..........
  Fri 5 Feb You  ........................................
            Lena ........................................
  # busy  P proposed  o other times

  Weekly (set by Lena): free for both on 4 of 4 dates in the next 4 weeks.
  Approve the check-in with Lena Berg:
  LINK

- <script>alert("x")</script> Evil, 30 min
  Biweekly · Thu 09:00–09:30
  first on Thu 4 Feb 2027

                                        08  09  10  11  12  13  14  15  16  17
  Mon 1 Feb You                         ........................................
            <script>alert("x")</script> ........................................
  Tue 2 Feb You                         ........................................
            <script>alert("x")</script> ........................................
  Wed 3 Feb You                         ........................................
            <script>alert("x")</script> ........................................
  Thu 4 Feb You                         ....PP......oo......oo..................
            <script>alert("x")</script> ....PP......oo......oo..................
  Fri 5 Feb You                         ........................................
            <script>alert("x")</script> ........................................
  # busy  P proposed  o other times

  Biweekly (the organisation's default): free for both on 2 of 2 dates in the next """
    """4 weeks.
  Approve the check-in with <script>alert("x")</script> Evil:
  LINK

Review, approve or pick another time:
LINK

The link signs you in once and works until EXPIRY Stockholm. Each approve link asks """
    """you to confirm, and works once.

Times are in your zone (Stockholm).

""" + "-- \ncheckin-sync\n"
)  # the signature separator ends in a space

ENGLISH_INVITATION = """Hi Karin,

Your regular check-in with Lena Berg is planned:

  Weekly on Tuesdays, 15:00–15:30 (Stockholm)
  first on Tue 2 Feb 2027, 15:00–15:30

A regular check-in between Lena Berg and Karin Lind, weekly.
"""


@pytest.fixture
def english(config: ConfigDir) -> Iterator[Received]:
    yield receive(config, "en")


def test_english_is_unchanged(english: Received) -> None:
    digests = "digest to Karin Lind <karin@example.com> #"
    assert first(english, digests) == "3 check-ins wait for your approval"
    digest = next(
        t for n, t in english.texts.items() if n.startswith(digests) and n.endswith("plain")
    )
    # links are issued on the real clock
    digest = re.sub(r"http://\S+", "LINK", digest.replace("\r\n", "\n"))
    digest = re.sub(r"until \w{3} \d+ \w{3} \d{4} \d\d:\d\d", "until EXPIRY", digest)
    assert digest == ENGLISH_DIGEST
    assert 'lang="en"' in english.texts["page home lang"]
    invitations = "invitation to Karin Lind <karin@example.com> #"
    assert first(english, invitations) == "Invitation: Check-in: Karin Lind / Lena Berg"
    karin = next(
        t for n, t in english.texts.items() if n.startswith(invitations) and n.endswith("plain")
    ).replace("\r\n", "\n")
    assert karin.startswith(ENGLISH_INVITATION)
    assert karin.endswith(  # her own copy, published rather than an invitation to herself
        "Your calendar app shows this email as a check-in to add; or import the attached "
        "invite.ics.\n"
    )
    lena = next(
        t
        for n, t in english.texts.items()
        if n.startswith("invitation to Lena Berg <lena@example.com> #") and n.endswith("plain")
    )
    assert lena.replace("\r\n", "\n").endswith(
        "Your calendar app shows this email as an invitation to add; or import the attached "
        "invite.ics.\n"
    )
    home = english.texts["page home"]
    assert "Waiting for your decision (3)" in home
    assert "1 skipped: Erik's check-ins are paused" in home
    assert "Approved the check-in with Lena Berg." in english.texts["page approved"]


# ---------------------------------------------------------------- choosing a language


def test_an_unknown_language_is_a_clear_error(
    cli: Callable[..., Result], config: ConfigDir
) -> None:
    config.settings('language = "de"\n')
    result = cli("--config", str(config.root), "config", "check")
    assert result.code == 2
    assert "settings.toml" in result.err and "language" in result.err
    assert '"de" has no catalogue in sync/locale (known: en, sv)' in result.err
    assert "Traceback" not in result.err


def test_a_third_language_is_one_catalogue_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Norwegian, say: a messages.po next to the Swedish one is all it takes."""
    locale = tmp_path / "locale"
    (locale / "sv" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "sv" / "LC_MESSAGES" / "messages.po").write_bytes(catalogue_path("sv").read_bytes())
    (locale / "nb" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "nb" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Hi %(first_name)s,"\nmsgstr "Hei %(first_name)s,"\n'
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.translations.cache_clear()
    try:
        assert available_languages() == ("en", "nb", "sv")
        norwegian = Language("nb")
        assert norwegian.gettext("Hi %(first_name)s,", first_name="Kari") == "Hei Kari,"
        assert norwegian.date(datetime(2027, 2, 9).date(), "EEE d MMM y") == "tir. 9 feb. 2027"
    finally:
        i18n.translations.cache_clear()
