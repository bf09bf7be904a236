"""Deciding in the web page: the same effect as the command line, only on one's own team,
only with the page's CSRF token, never twice, and with names shown as text."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import Flask

from sync.night.lock import RunLock
from sync.store import SeriesState, State
from tests.conftest import Result
from tests.night.test_approval_recheck import meeting
from tests.web_helpers import NIGHT, PEOPLE, XSS_NAME, Org, SignIn, csrf_of, post, seen_text

CLI = Callable[..., Result]


def test_approving_in_the_page_books_like_the_cli_and_audits_the_manager(
    cli: CLI, sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    page = post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve")
    assert "Approved the check-in with Lena Berg. It is booked" in seen_text(page)
    assert cli("--config", str(org.root), "approve", str(erik.id)).code == 0

    def trail(record_id: int) -> list[tuple[str, str | None, str]]:
        store = org.store()
        try:
            rows = store.audit_log(str(record_id))
        finally:
            store.close()
        return [(row["entity"], row["from_state"], row["to_state"]) for row in rows]

    assert org.reload(lena).state is State.BOOKED
    assert trail(lena.id) == trail(erik.id), "web and CLI leave the same trail"
    actors = [row["actor"] for row in org.audit(lena)]
    assert actors == ["nightly run", "karin@example.com (web)", "karin@example.com (web)"]
    assert (org.config.export / "lena@example.com.ics").exists()
    team = seen_text(sign_in("karin@example.com").get("/").text)
    assert "Your team's check-ins Erik Sandberg" in team
    assert "Weekly · Tue 15:00–15:30 · 09:00 in New York Next dates: Tue 2 Feb 2027" in team


def test_rejecting_keeps_the_reason_and_the_next_run_proposes_again(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    page = post(
        sign_in("karin@example.com"), f"/proposals/{lena.id}/reject", reason="Tuesdays are full"
    )
    assert "Rejected the check-in with Lena Berg" in seen_text(page)
    assert org.reload(lena).state is State.REJECTED
    last = org.audit(lena)[-1]
    assert (last["actor"], last["note"]) == ("karin@example.com (web)", "Tuesdays are full")
    assert "Tuesdays are full" in seen_text(page), "the history shows it"
    org.run()
    assert org.proposal("lena@example.com").id != lena.id


def test_choosing_an_alternative_approves_that_time_instead(sign_in: SignIn, org: Org) -> None:
    lena = org.proposal("lena@example.com")
    second = lena.alternatives[1]
    assert second["rrule"] != lena.rrule or second["first_start"] != lena.first_start.isoformat()
    page = post(sign_in("karin@example.com"), f"/proposals/{lena.id}/choose", alternative="2")
    assert "Approved alternative 2 for the check-in with Lena Berg. It is booked" in seen_text(page)
    chosen = org.reload(lena)
    assert chosen.state is State.BOOKED
    assert (chosen.rrule, str(chosen.explanation)) == (second["rrule"], second["explanation"])
    assert chosen.first_start.isoformat() == second["first_start"]
    assert [o.start.isoformat() for o in chosen.occurrences] == [
        o["start"] for o in _as_utc(second["occurrences"])
    ]
    store = org.store()
    try:
        series = store.series_of(lena.id)
    finally:
        store.close()
    assert series is not None and series.state is SeriesState.BOOKED
    assert series.first_start.isoformat() == second["first_start"]
    approval = next(row for row in org.audit(lena) if row["to_state"] == "approved")
    assert approval["actor"] == "karin@example.com (web)"
    assert approval["note"].startswith(f"chose alternative 2 instead of {lena.rrule}")


def test_an_alternative_that_does_not_exist_changes_nothing(
    app: Flask, sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    client = sign_in("karin@example.com")
    token = csrf_of(client.get("/").text)
    for number in ("3", "0", "x"):
        response = client.post(
            f"/proposals/{lena.id}/choose", data={"csrf": token, "alternative": number}
        )
        assert response.status_code == 400, number
    assert org.reload(lena).state is State.PENDING


def test_a_manager_cannot_see_or_decide_another_managers_proposals(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    ade = sign_in("ade@example.com")
    page = seen_text(ade.get("/").text)
    assert "Omar Haddad" in page
    assert "Lena" not in page and "Erik" not in page
    token = csrf_of(ade.get("/").text)
    for action, form in (
        ("approve", {}),
        ("reject", {"reason": "x"}),
        ("choose", {"alternative": "1"}),
    ):
        response = ade.post(f"/proposals/{lena.id}/{action}", data={"csrf": token, **form})
        assert response.status_code == 404, action
        assert "Lena" not in response.text
    missing = ade.post("/proposals/9999/approve", data={"csrf": token})
    assert missing.status_code == 404
    assert missing.text == ade.post(f"/proposals/{lena.id}/approve", data={"csrf": token}).text
    assert org.reload(lena).state is State.PENDING
    assert len(org.audit(lena)) == 1


def test_state_changes_need_a_post_with_this_sessions_csrf_token(sign_in: SignIn, org: Org) -> None:
    lena = org.proposal("lena@example.com")
    karin = sign_in("karin@example.com")
    other_token = csrf_of(sign_in("karin@example.com").get("/").text)
    assert karin.get(f"/proposals/{lena.id}/approve").status_code == 405
    for form in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": other_token}):
        response = karin.post(f"/proposals/{lena.id}/approve", data=form)
        assert response.status_code == 400, form
        assert "did not come from this site" in response.text
    assert org.reload(lena).state is State.PENDING
    signed_out = karin.post("/sign-out", data={})
    assert signed_out.status_code == 400, "even signing out needs the token"


def test_names_from_the_roster_are_shown_as_text(sign_in: SignIn, org: Org) -> None:
    html = sign_in("karin@example.com").get("/").text
    assert XSS_NAME not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Evil" in html
    assert "<script" not in html


def test_pressing_approve_twice_approves_once_and_says_so(sign_in: SignIn, org: Org) -> None:
    lena = org.proposal("lena@example.com")
    karin = sign_in("karin@example.com")
    token = csrf_of(karin.get("/").text)
    first = karin.post(f"/proposals/{lena.id}/approve", data={"csrf": token})
    second = karin.post(
        f"/proposals/{lena.id}/approve", data={"csrf": token}, follow_redirects=True
    )
    assert first.status_code == 303
    text = seen_text(second.text)
    assert "Nothing was changed: The proposal for Lena Berg" in text
    assert "already approved and booked by you" in text
    approvals = [row for row in org.audit(lena) if row["to_state"] == "approved"]
    assert len(approvals) == 1


def test_a_proposal_replaced_by_a_run_after_the_page_loaded_is_not_approved(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    karin = sign_in("karin@example.com")
    token = csrf_of(karin.get("/").text)
    org.config.people(PEOPLE.replace('cadence = "weekly"\n', 'cadence = "biweekly"\n', 1))
    org.run()
    response = karin.post(
        f"/proposals/{lena.id}/approve", data={"csrf": token}, follow_redirects=True
    )
    text = seen_text(response.text)
    assert "Nothing was changed: The proposal for Lena Berg" in text
    assert "was replaced by nightly run" in text
    assert "cadence weekly → biweekly" in text
    assert org.reload(lena).state is State.SUPERSEDED
    newer = org.proposal("lena@example.com")
    assert f"proposal-{newer.id}" in response.text, "the new proposal is offered instead"


def test_approving_while_another_booking_holds_the_lock_leaves_it_to_the_next_run(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    karin = sign_in("karin@example.com")
    # the lock could as well be another manager's approval booking: nobody is blamed
    with RunLock(org.config.data / "run.lock"):
        page = post(karin, f"/proposals/{lena.id}/approve")
    assert (
        "It stays approved: checkin-sync is booking something else at this moment, and the "
        "next run books it."
    ) in seen_text(page)
    assert "nightly run is in progress" not in seen_text(page)
    assert org.reload(lena).state is State.APPROVED
    assert "approved; the next run books it" in seen_text(page)
    org.run(NIGHT)
    assert org.reload(lena).state is State.BOOKED


def test_a_booking_that_cannot_happen_leaves_the_proposal_approved_and_says_so(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    # as if Karin's calendar were a provider whose connector is not set up on this server
    with sqlite3.connect(org.config.data / "state.sqlite") as db:
        db.execute("UPDATE proposals SET organiser_calendar = 'google' WHERE id = ?", (lena.id,))
    page = seen_text(post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve"))
    assert "Approved the check-in with Lena Berg. It is not booked yet" in page
    assert 'calendar "google" is not set up' in page
    assert org.reload(lena).state is State.APPROVED


def test_when_writing_calendar_files_fails_the_page_says_what_did_happen(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    export = org.config.export
    shutil.rmtree(export, ignore_errors=True)
    export.write_text("a file where the export folder should be")
    page = seen_text(post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve"))
    assert "It is booked, but the calendar files could not be written (file exists)" in page
    assert org.reload(lena).state is State.BOOKED


def test_the_page_shows_both_zones_and_marks_skipped_dates(sign_in: SignIn, org: Org) -> None:
    text = seen_text(sign_in("karin@example.com").get("/").text)
    assert "Times are in your zone (Stockholm)" in text
    lena_block = text[text.index("Lena Berg 30 min") :]
    assert "· 09:00 in New York" in lena_block[:300]
    erik_block = text[text.index("Erik Sandberg 30 min") :]
    assert "skipped" in erik_block and "paused" in erik_block
    assert "other times the planner found" in erik_block
    assert "Approve this time instead" in erik_block


def _as_utc(items: list[dict[str, str]]) -> list[dict[str, str]]:
    from datetime import UTC, datetime

    return [
        {**item, "start": datetime.fromisoformat(item["start"]).astimezone(UTC).isoformat()}
        for item in items
    ]


def lena_calendar(org: Org, text: str) -> None:
    """Lena's calendar becomes an ics: file holding `text` (it was "none")."""
    org.config.calendar("lena.ics", text)
    lena_entry = 'timezone = "America/New_York"\ncadence = "weekly"'
    org.config.people(PEOPLE.replace(lena_entry, lena_entry + '\ncalendar = "ics:lena.ics"'))


def test_approving_in_the_page_checks_the_calendars_and_says_why_it_did_not_book(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    # since the proposal, Lena's calendar shows a weekly meeting at exactly that time
    lena_calendar(org, meeting(lena.occurrences[0].start, 60, weekly=12))
    page = post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve")
    shown = seen_text(page)
    assert "Approved the check-in with Lena Berg. It was not booked: since it was proposed" in shown
    assert "the next run proposes another time" in shown
    assert org.reload(lena).state is State.SUPERSEDED
    assert not (org.config.export / "lena@example.com.ics").exists()


def test_approving_in_the_page_says_which_date_moved_for_a_new_meeting(
    sign_in: SignIn, org: Org
) -> None:
    lena = org.proposal("lena@example.com")
    lena_calendar(org, meeting(lena.occurrences[1].start, 60))
    page = post(sign_in("karin@example.com"), f"/proposals/{lena.id}/approve")
    day = lena.occurrences[1].start.astimezone(ZoneInfo(lena.timezone))
    assert (
        f"It is booked, and the calendar files are updated. Checked against the calendars: "
        f"{day:%a} {day.day} {day:%b %Y} moved to"  # as the page writes dates: "Tue 9 Feb 2027"
    ) in seen_text(page)
    assert "because Lena is busy" in seen_text(page)
