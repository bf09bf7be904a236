"""Approving from the digest: the approve link of one proposal opens a page that says what
would be approved, with a button; only the POST behind the button approves (and uses the
link), so mail scanners and link previews, which fetch links, approve nothing.

The link stands in for signing in, for this one decision only: it starts no session."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers.response import Response

from sync.delivery.approve_link import ApproveClaim, read_approve_link
from sync.model.errors import SignInError, UsageError
from sync.night import workflow
from sync.plumbing.i18n import N_
from sync.store import ProposalRecord, State
from sync.web.auth import LinkRefused, refuse_unusable
from sync.web.context import gettext as _
from sync.web.context import page_language, request_roster, request_store, web_context
from sync.web.present import Presenter, timezones
from sync.web.views import book_now, what_happened

bp = Blueprint("email", __name__)


def _claim(token: str) -> ApproveClaim:
    context = web_context()
    try:
        claim = read_approve_link(context.secret, token, context.clock())
    except SignInError as error:
        raise LinkRefused(_(str(error))) from None  # marked for the catalogue where raised
    refuse_unusable(claim.email, claim.issued, _(_USED))
    if request_store().sign_in_link_used(claim.link_id):
        raise LinkRefused(_(_USED))
    return claim


def _actor(claim: ApproveClaim) -> str:
    return f"{claim.email} (email)"


def _presenter(claim: ApproveClaim) -> Presenter:
    context = web_context()
    zones = timezones(request_roster)
    return Presenter(claim.email, zones, context.clock(), page_language())


def _proposal(claim: ApproveClaim) -> ProposalRecord:
    record = request_store().proposal(claim.proposal_id)
    if record is None or record.manager != claim.email:
        raise LinkRefused(_(_GONE))
    return record


def _unchanged(claim: ApproveClaim, record: ProposalRecord) -> str:
    """The page for a proposal decided, or replaced, since the email was sent."""
    zone = _presenter(claim).viewer_zone(record.timezone)
    message = what_happened(request_store(), record, _actor(claim), zone)
    return render_template("message.html", title=_("Nothing to approve"), message=message)


@bp.get("/approve/<token>")
def confirm(token: str) -> str:
    claim = _claim(token)
    record = _proposal(claim)
    if record.state is not State.PENDING:
        return _unchanged(claim, record)
    return render_template("approve_link.html", token=token, p=_presenter(claim).proposal(record))


@bp.post("/approve")
def approve() -> str | Response:
    claim = _claim(request.form.get("token", ""))
    record = _proposal(claim)
    store = request_store()
    if record.state is not State.PENDING:
        return _unchanged(claim, record)
    if not store.use_sign_in_link(claim.link_id, claim.email):
        raise LinkRefused(_(_USED))
    try:
        workflow.approve(store, [record.id], _actor(claim), roster=request_roster())
    except UsageError as error:
        latest = store.proposal(record.id)
        if latest is None or latest.state is State.PENDING:
            abort(400, str(error))  # e.g. the employee left people.toml
        return _unchanged(claim, record)
    _category, outcome = book_now(record.id, _actor(claim))
    headline = _("Approved the check-in with %(name)s.", name=record.employee_name)
    return render_template("message.html", title=_("Approved"), message=f"{headline} {outcome}")


_USED = N_(
    "This approve link was already used; each link works once. The approval page, through "
    "the sign-in link of your latest digest email, shows what still waits for you."
)
_GONE = N_(
    "This approve link is for a proposal that is not there any more. The approval page, "
    "through the sign-in link of your latest digest email, shows what waits for you."
)
