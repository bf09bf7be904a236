"""The manager's page shows how each report's check-ins are going, and which are at risk."""

from __future__ import annotations

from datetime import timedelta

from sync.config.roster import load_roster
from sync.model.values import Interval
from sync.night import workflow
from sync.night.on_demand import book_approved_now
from sync.web import create_app
from tests.web_helpers import CLOCK, Org, SignIn, make_link_client, seen_text


def test_the_page_shows_each_reports_health_and_flags_a_pair_at_risk(
    sign_in: SignIn, org: Org
) -> None:
    before = seen_text(sign_in("karin@example.com").get("/").text)
    assert "Are the check-ins happening?" not in before, "new pairs are not judged yet"

    lena = org.proposal("lena@example.com")
    store = org.store()
    try:
        workflow.approve(store, [lena.id], "karin", roster=load_roster(org.root / "people.toml"))
    finally:
        store.close()
    book_approved_now(org.root, "karin", now=CLOCK)
    store = org.store()
    try:
        (series,) = [s for s in store.series() if s.proposal.employee == "lena@example.com"]
        first, second = series.occurrences[:2]
        declined = {o.original_start: frozenset({"lena@example.com"}) for o in (first, second)}
        store.note_declines(series.uid, Interval(first.start, second.end), declined)
    finally:
        store.close()

    later = second.end + timedelta(hours=1)
    app = create_app(org.root, clock=lambda: later)
    page = seen_text(make_link_client(app, org, "karin@example.com", later).get("/").text)
    assert "Lena Berg weekly at risk" in page
    assert (
        "No check-in with Lena for 1 week — 2 in a row did not happen. "
        "Worth a word, and a time that works."
    ) in page
