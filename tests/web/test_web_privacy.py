"""No page a manager can reach shows anything about people outside their own team, even
where the store's ids of different kinds collide (proposal 1 of one team, request 1 of
another)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from sync.store import State
from sync.store.requests import CLI_SOURCE
from sync.web import create_app
from tests.conftest import ConfigDir
from tests.web_helpers import CLOCK, PEOPLE, SECRET, Org, csrf_of, make_link_client, path_of

OMAR_REASON = "Omar-private: back from sick leave"
# everything about Ade's team that Karin must never see
OTHER_TEAM = ["Omar", "omar@example.com", "Ade Okafor", "ade@example.com", "sick leave"]


def _org(config: ConfigDir) -> Org:
    config.settings(f'[web]\nsecret = "{SECRET}"\npublic_url = "http://checkins.test"\n')
    # Omar (Ade's team) asks for an extra check-in: a request with a reason, audited under
    # request ids that are also Karin's proposal ids
    config.people(PEOPLE + f'request = {{ within_days = 5, reason = "{OMAR_REASON}" }}\n')
    org = Org(config)
    org.run()
    store = org.store()
    try:
        # more of Omar's asks, so request ids run past every proposal id
        for key in ("a", "b", "c", "d"):
            store.add_request(
                "omar@example.com", CLI_SOURCE, key, CLOCK.date(), 5, OMAR_REASON, "omar (cli)"
            )
    finally:
        store.close()
    return org


def _pages_for_karin(app: Flask, org: Org) -> list[str]:
    """Every page Karin can bring up: her page, the sign-in pages, each decision with the
    message it flashes (and the one for a decision already made), her feed, another team's
    proposal addresses, and signing out."""
    store = org.store()
    try:
        karin = store.proposals(manager="karin@example.com", states=[State.PENDING])
        ade = store.proposals(manager="ade@example.com")
    finally:
        store.close()
    mine = {r.employee.split("@")[0]: r for r in karin}
    lena, erik, xss = mine["lena"], mine["erik"], mine["xss"]
    client = make_link_client(app, org, "karin@example.com", CLOCK)
    pages = [client.get("/").text]
    pages.append(_decide(client, f"/proposals/{lena.id}/reject", reason="no time"))
    pages.append(_decide(client, f"/proposals/{lena.id}/approve"))  # decided already
    pages.append(_decide(client, f"/proposals/{erik.id}/approve"))
    pages.append(_decide(client, f"/proposals/{xss.id}/choose", alternative="1"))
    for record in ade:
        for action in ("approve", "reject", "choose"):
            pages.append(_decide(client, f"/proposals/{record.id}/{action}", alternative="1"))
    feed = re.search(r'id="feed-address" class="feed" value="([^"]+)"', pages[0])
    assert feed, "her page gives her feed address"
    pages.append(client.get(path_of(feed.group(1))).text)
    pages.append(client.get("/").text)
    pages.append(client.post("/sign-out", data={"csrf": csrf_of(pages[-1])}).text)
    return pages


def _decide(client: FlaskClient, path: str, **form: str) -> str:
    token = csrf_of(client.get("/").text)
    return client.post(path, data={"csrf": token, **form}, follow_redirects=True).text


def test_no_page_shows_anything_about_another_managers_team(config: ConfigDir) -> None:
    org = _org(config)
    store = org.store()
    try:
        karin_ids = {str(r.id) for r in store.proposals(manager="karin@example.com")}
        requests = {str(r.id) for r in store.requests() if r.employee == "omar@example.com"}
    finally:
        store.close()
    assert karin_ids & requests, "the test needs Omar's request id to be one of Karin's"
    app = create_app(org.root, clock=lambda: CLOCK)
    pages = _pages_for_karin(app, org)
    assert "Lena Berg" in pages[0], "the pages do show her own team"
    for page in pages:
        for text in OTHER_TEAM:
            assert text not in page, f"{text!r} leaked into a page of Karin's"
