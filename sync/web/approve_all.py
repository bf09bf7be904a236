"""Approving every waiting proposal at once: a page that lists them with their count and
asks to confirm, and the POST behind its button, which approves exactly the proposals that
page listed (one that arrived since is left waiting) and books them."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response

from sync.model.errors import LockHeld
from sync.night import workflow
from sync.night.on_demand import book_approved_now
from sync.store import ProposalRecord, State
from sync.web.auth import manager_required
from sync.web.context import gettext as _
from sync.web.context import page_language, request_roster, request_store, web_context
from sync.web.notes import TEAM, flash_at
from sync.web.views import own_proposal, page_presenter, signed_in_viewer, web_actor

log = logging.getLogger(__name__)
bp = Blueprint("all", __name__)
LISTED_MAX = 500


@bp.get("/approve-all")
@manager_required
def confirm() -> str:
    presenter = page_presenter()
    records = request_store().proposals(manager=signed_in_viewer(), states=[State.PENDING])
    return render_template("approve_all.html", pending=[presenter.proposal(r) for r in records])


@bp.post("/approve-all")
@manager_required
def approve() -> Response:
    listed = request.form.getlist("proposal")
    # ASCII digits only, as in a proposal's address
    if (
        not listed
        or len(listed) > LISTED_MAX
        or not all(n.isascii() and n.isdigit() and len(n) <= 18 for n in listed)
    ):
        abort(400, _("Approve the proposals shown on the confirmation page."))
    records = [own_proposal(int(number)) for number in dict.fromkeys(listed)]
    waiting = [r for r in records if r.state is State.PENDING]
    language = page_language()
    if waiting:
        ids = [r.id for r in waiting]
        workflow.approve(request_store(), ids, web_actor(), roster=request_roster())
    done = language.ngettext(
        "Approved %(num)s check-in.", "Approved %(num)s check-ins.", len(waiting)
    )
    if len(waiting) < len(records):
        done += " " + language.ngettext(
            "%(num)s was decided elsewhere in the meantime and is left as it is.",
            "%(num)s were decided elsewhere in the meantime and are left as they are.",
            len(records) - len(waiting),
        )
    category, outcome = _book(waiting) if waiting else ("info", "")
    flash_at(f"{done} {outcome}".strip(), category, TEAM)
    return redirect(url_for("manager.home", _anchor=TEAM), code=303)


def _book(approved: list[ProposalRecord]) -> tuple[str, str]:
    """Book what was approved; what became of it, in a sentence or a few."""
    context, language = web_context(), page_language()
    try:
        report = book_approved_now(context.config_dir, web_actor(), now=context.clock())
    except LockHeld:
        return "info", _(
            "They stay approved: checkin-sync is booking something else at this moment, "
            "and the next run books them."
        )
    except Exception:
        # whatever went wrong, the decisions stand and the nightly run finishes the job
        log.exception("booking after approving all failed")
        return "warning", _(
            "Booking did not work this time; they stay approved and the next nightly run "
            "books them."
        )
    names = {r.id: r.employee_name for r in approved}
    booked = sum(1 for line in report.booked if line.proposal_id in names)
    if booked == len(approved):
        return "success", _("They are booked, and the calendar files are updated.")
    said = [language.ngettext("%(num)s is booked now.", "%(num)s are booked now.", booked)]
    for line in [*report.superseded, *report.write_failures]:
        if line.proposal_id in names:
            said.append(
                _("%(name)s: not booked (%(why)s).", name=names[line.proposal_id], why=line.text)
            )
    return "warning", " ".join(said)
