"""The manager's page and the three decisions made on it. Decisions go through
sync.night.workflow, exactly as on the command line, and approval books at once through
book_approved_now, as `checkin-sync approve` does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.routing import BaseConverter
from werkzeug.wrappers.response import Response

from sync.delivery.feeds import feed_secret, feed_urls, make_token
from sync.delivery.wording import managers_wording
from sync.model.errors import LockHeld, SyncError, UsageError
from sync.model.said import Said
from sync.model.timefmt import moment, zone_label
from sync.night import workflow
from sync.night.health import PairHealth, team_health
from sync.night.on_demand import book_approved_now
from sync.store import ProposalRecord, SeriesState, State, Store
from sync.web.auth import manager_required, signed_in_email
from sync.web.context import gettext as _
from sync.web.context import page_language, request_roster, request_store, web_context
from sync.web.history import subject_of
from sync.web.notes import flash_at, placed, proposal_anchor
from sync.web.present import Presenter, timezones

log = logging.getLogger(__name__)
bp = Blueprint("manager", __name__)
HISTORY_ENTRIES = 40
REASON_MAX = 500


class ProposalId(BaseConverter):
    """A proposal number in a path: ASCII digits only (werkzeug's int takes any Unicode
    digit), and short enough for the database to look up."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(value)


def signed_in_viewer() -> str:
    email = signed_in_email()
    assert email is not None  # manager_required ran first
    return email


def web_actor() -> str:
    return f"{signed_in_viewer()} (web)"


def page_presenter() -> Presenter:
    context = web_context()
    return Presenter(
        signed_in_viewer(), timezones(request_roster), context.clock(), page_language()
    )


@bp.get("/")
@manager_required
def home() -> str:
    viewer = signed_in_viewer()
    store = request_store()
    presenter = page_presenter()
    records = store.proposals(manager=viewer)
    waiting = [r for r in records if r.state is State.PENDING]
    pending = [presenter.proposal(r) for r in waiting]
    team = [
        presenter.series(s, _("booked") if s.state is SeriesState.BOOKED else _("being booked"))
        for s in store.series(states=[SeriesState.BOOKING, SeriesState.BOOKED], manager=viewer)
    ]
    team += [
        presenter.approved(r, _("approved; the next run books it"))
        for r in records
        if r.state is State.APPROVED and store.series_of(r.id) is None
    ]
    zone = presenter.viewer_zone(records[0].timezone if records else "UTC")
    language = page_language()
    subjects = {("proposal", str(r.id)): subject_of(r, zone, language) for r in records}
    subjects |= {("series", r.uid): subject_of(r, zone, language) for r in records}
    history = presenter.history(store.audit_of(list(subjects), HISTORY_ENTRIES), subjects)
    judged = (presenter.health(item) for item in _team_health(store, viewer, presenter.now))
    health = [view for view in judged if view is not None]
    context = web_context()
    token = make_token(
        feed_secret(context.settings, context.secret), viewer, store.feed_version(viewer)
    )
    return render_template(
        "manager.html",
        feed=feed_urls(context.settings.web.public_url, token),
        viewer=viewer,
        viewer_name=records[0].manager_name if records else viewer,
        zone=zone_label(zone),
        pending=pending,
        notes=placed(store, waiting),
        team=sorted(team, key=lambda view: view.employee_name.lower()),
        health=health,
        history=history,
    )


def _team_health(store: Store, viewer: str, now: datetime) -> list[PairHealth]:
    """How the viewer's check-ins are going."""
    # the viewer's series are all a pair of the viewer's can have
    series = store.series(manager=viewer)
    return team_health(series, store.declines(), request_roster(), now, viewer)


@bp.post("/proposals/<id:proposal_id>/approve")
@manager_required
def approve(proposal_id: int) -> Response:
    record = own_proposal(proposal_id)
    return _decide(
        record,
        lambda store: workflow.approve(store, [record.id], web_actor(), roster=request_roster()),
        _("Approved the check-in with %(name)s.", name=record.employee_name),
    )


@bp.post("/proposals/<id:proposal_id>/reject")
@manager_required
def reject(proposal_id: int) -> Response:
    record = own_proposal(proposal_id)
    reason = " ".join(request.form.get("reason", "").split())
    if len(reason) > REASON_MAX:
        abort(
            400,
            _(
                "The reason is longer than %(limit)s characters; please shorten it.",
                limit=REASON_MAX,
            ),
        )
    return _decide(
        record,
        lambda store: workflow.reject(
            store, record.id, web_actor(), reason, roster=request_roster()
        ),
        _("Rejected the check-in with %(name)s.", name=record.employee_name),
        books=False,
    )


@bp.post("/proposals/<id:proposal_id>/choose")
@manager_required
def choose(proposal_id: int) -> Response:
    record = own_proposal(proposal_id)
    number = request.form.get("alternative", "")
    # ASCII digits only: "²" or "٣" are digits to Python, and must not pick a time
    if not (number.isascii() and number.isdigit() and len(number) <= 3) or not (
        1 <= int(number) <= len(record.alternatives)
    ):
        abort(400, _("Choose one of the alternative times shown."))
    return _decide(
        record,
        lambda store: workflow.choose_alternative(
            store, record.id, int(number), web_actor(), roster=request_roster()
        ),
        _(
            "Approved alternative %(number)s for the check-in with %(name)s.",
            number=number,
            name=record.employee_name,
        ),
    )


def own_proposal(proposal_id: int) -> ProposalRecord:
    """The proposal if it is one of the viewer's reports'; 404 otherwise, so another
    manager's proposals cannot even be told apart from ones that do not exist."""
    record = request_store().proposal(proposal_id)
    if record is None or record.manager != signed_in_viewer():
        abort(404)
    return record


def _decide(
    record: ProposalRecord,
    action: Callable[[Store], object],
    headline: str,
    *,
    books: bool = True,
) -> Response:
    store = request_store()
    here = proposal_anchor(record)
    back = url_for("manager.home", _anchor=here)
    try:
        action(store)
    except UsageError as error:
        latest = store.proposal(record.id)
        if latest is None or latest.state is State.PENDING:
            abort(400, str(error))
        # decided elsewhere, or replaced by a run, since the page was loaded: say what happened
        zone = page_presenter().viewer_zone(record.timezone)
        flash_at(what_happened(store, record, web_actor(), zone), "warning", here)
        return redirect(back, code=303)
    if books:
        category, outcome = book_now(record.id, web_actor())
    else:
        category, outcome = "success", _("The next nightly run proposes another time.")
    flash_at(f"{headline} {outcome}", category, here)
    return redirect(back, code=303)


def book_now(proposal_id: int, actor: str) -> tuple[str, str]:
    """Book what is approved at once; a flash category and what became of `proposal_id`."""
    context = web_context()
    try:
        report = book_approved_now(context.config_dir, actor, now=context.clock())
    except LockHeld:
        # a nightly run, or another manager's approval booking at this moment: which one,
        # and whether it still picks this one up, is not known here
        return (
            "info",
            _(
                "It stays approved: checkin-sync is booking something else at this moment, "
                "and the next run books it."
            ),
        )
    except Exception as error:
        # whatever went wrong, the decision stands and the nightly run finishes the job
        log.exception("booking after approval of proposal %s failed", proposal_id)
        latest = request_store().proposal(proposal_id)
        if latest is not None and latest.state is State.BOOKED:
            return "warning", _(
                "It is booked, but the calendar files could not be written (%(error)s); "
                "the next nightly run writes them.",
                error=_short(error),
            )
        return "warning", _(
            "Booking did not work this time (%(error)s); it stays approved and the next "
            "nightly run books it.",
            error=_short(error),
        )
    word = managers_wording(page_language().code).word
    changed = [word(line.text) for line in report.kept_up if line.proposal_id == proposal_id]
    for line in report.booked:
        if line.proposal_id == proposal_id:
            done = _("It is booked, and the calendar files are updated.")
            if changed:
                checked = _(
                    "Checked against the calendars: %(changes)s.", changes="; ".join(changed)
                )
                done = f"{done} {checked}"
            return "success", done
    for line in report.write_failures:
        if line.proposal_id == proposal_id:
            return "warning", _(
                "It is not booked yet (%(why)s); the next nightly run retries.", why=word(line.text)
            )
    for line in report.superseded:
        if line.proposal_id == proposal_id:
            return "warning", _("It was not booked: %(why)s.", why=word(line.text))
    return "info", _("The next nightly run books it.")


def _short(error: Exception) -> str:
    """Enough to tell the operator what to look at, without internals on a manager's page."""
    if isinstance(error, SyncError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return _("an unexpected error; the server log has the details")


def what_happened(store: Store, seen: ProposalRecord, me: str, zone: str) -> str:
    """Why a decision on `seen` changed nothing, for the manager acting as `me`."""
    latest = store.proposal(seen.id)
    assert latest is not None
    trail = store.audit_log(str(seen.id))
    last = trail[-1] if trail else None
    who = ""
    if last is not None:
        actor = _("you") if last["actor"] == me else last["actor"]
        when = moment(local_instant(last["at"]), zone, page_language())
        who = " " + _("by %(actor)s on %(when)s", actor=actor, when=f"{when} {zone_label(zone)}")
        said = Said.loads(last["note_said"], last["note"])
        note = f" ({managers_wording(page_language().code).word(said)})" if said else ""
    else:
        note = ""
    facts = {
        "subject": _("The proposal for %(name)s (#%(id)s)", name=seen.employee_name, id=seen.id),
        "who": who,
        "note": note,
    }
    return {
        State.PENDING: _("%(subject)s is still waiting.", **facts),
        State.APPROVED: _(
            "Nothing was changed: %(subject)s was already approved%(who)s. "
            "The next nightly run books it if it is not booked yet.",
            **facts,
        ),
        State.BOOKED: _(
            "Nothing was changed: %(subject)s was already approved and booked%(who)s.", **facts
        ),
        State.REJECTED: _(
            "Nothing was changed: %(subject)s was already rejected%(who)s%(note)s. "
            "The next nightly run proposes another time.",
            **facts,
        ),
        State.SUPERSEDED: _(
            "Nothing was changed: %(subject)s was replaced%(who)s%(note)s. "
            "Any newer proposal is shown below.",
            **facts,
        ),
        State.CANCELLED: _(
            "Nothing was changed: %(subject)s was cancelled%(who)s%(note)s.", **facts
        ),
    }[latest.state]


def local_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
