"""Signing in with a link, the session it starts, and the CSRF token every form carries.

Opening a link shows a "Sign in" button instead of signing in at once: mail scanners and
link previews fetch links before the person does, and would otherwise use up a link that
works only once. The POST behind the button is what uses the link.

A session is a record in the store; the cookie carries only its random key. So signing out
ends it for every copy of the cookie, it lasts `session_hours` from signing in however often
it is used, and each request checks that its manager is still in people.toml.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import Gone
from werkzeug.wrappers.response import Response

from sync.delivery.signin import LinkClaim, read_link
from sync.model.errors import SignInError
from sync.plumbing.i18n import N_
from sync.web.context import gettext as _
from sync.web.context import request_roster, request_store, web_context

bp = Blueprint("auth", __name__)
P = ParamSpec("P")
R = TypeVar("R")


class LinkRefused(Gone):
    """A link that was used, expired, or is not genuine: 410, with the reason for the person."""


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Every state-changing request is a POST that must carry this session's token."""
    if request.method != "POST":
        return
    expected = session.get("csrf")
    given = request.form.get("csrf", "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, given):
        abort(
            400,
            _(
                "This form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            ),
        )


def signed_in_email() -> str | None:
    """The manager this request is signed in as, if their session is live and they are a
    manager in people.toml; a session of someone who is not any more is ended."""
    if "viewer" not in g:
        g.viewer = None  # also while the check below fails (the error page asks again)
        g.viewer = _live_viewer()
    viewer: str | None = g.viewer
    return viewer


def _live_viewer() -> str | None:
    key = session.get("key")
    if not isinstance(key, str):
        return None
    store = request_store()
    email = store.session_email(key, web_context().clock())
    if email is None:
        return None
    if email not in request_roster().managers:
        store.end_session(key, LEFT_ROSTER)
        return None
    return email


def manager_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if signed_in_email() is None:
            abort(
                401,
                _(
                    "Please sign in with the link from your latest digest email, "
                    "or ask your operator for one."
                ),
            )
        return view(*args, **kwargs)

    return wrapper


def _claim(token: str) -> LinkClaim:
    """A genuine, unexpired link for someone who is a manager in people.toml now."""
    context = web_context()
    try:
        claim = read_link(context.secret, token, context.clock())
    except SignInError as error:
        raise LinkRefused(_(str(error))) from None  # marked for the catalogue in signin.py
    refuse_unusable(claim.email, claim.issued)
    return claim


def refuse_unusable(email: str, issued: datetime | None, used: str = "") -> None:
    """LinkRefused for a genuine link that must not be used any more; `used` says so for
    a link that may have been used already (a sign-in link's words if empty)."""
    if email not in request_roster().managers:
        raise LinkRefused(_(_NOT_A_MANAGER))
    void_before = request_store().sign_in_links_void_before()
    if void_before is not None and (issued is None or issued < void_before):
        # the database that knew whether this link was used is gone: it may have been
        raise LinkRefused(used or _(_USED))


def _end_session(why: str) -> None:
    key = session.get("key")
    if isinstance(key, str):
        request_store().end_session(key, why)


@bp.get("/sign-in/<token>")
def confirm(token: str) -> str | Response:
    claim = _claim(token)
    if signed_in_email() == claim.email:
        return redirect(url_for("manager.home"))
    if request_store().sign_in_link_used(claim.link_id):
        raise LinkRefused(_(_USED))
    return render_template("sign_in.html", token=token, email=claim.email)


@bp.post("/sign-in")
def sign_in() -> Response:
    claim = _claim(request.form.get("token", ""))
    store = request_store()
    if not store.use_sign_in_link(claim.link_id, claim.email):
        raise LinkRefused(_(_USED))
    context = web_context()
    now = context.clock()
    key = secrets.token_urlsafe(32)
    store.start_session(
        key, claim.email, now, now + timedelta(hours=context.settings.web.session_hours)
    )
    # a new session on every sign-in, so nothing from before it carries over
    _end_session("signed in again")
    session.clear()
    session.permanent = True
    session["key"] = key
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("manager.home"), code=303)


@bp.post("/sign-out")
def sign_out() -> str:
    _end_session("signed out")
    session.clear()
    return render_template(
        "message.html",
        title=_("Signed out"),
        message=_("You are signed out. The link in your next digest email signs you in again."),
    )


LEFT_ROSTER = "no longer a manager in people.toml"
_NOT_A_MANAGER = N_(
    "This sign-in link is for someone who is not a manager in checkin-sync's list of people "
    "any more. If that is a mistake, ask your operator."
)
_USED = N_(
    "This sign-in link was already used; each link works once. The next digest email brings "
    "a new one, or ask your operator for one (checkin-sync login-link EMAIL)."
)
