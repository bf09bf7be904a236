"""Development mode only (`serve --dev`): a page that gives a new sign-in link for any
manager in people.toml, so that trying the app is not a restart per sign-in (each link
works once). Never registered outside `--dev`, which listens on this machine only."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response

from sync.delivery.signin import make_link
from sync.web.context import request_roster, web_context

DEV_LINKS_PATH = "/dev/sign-in"

bp = Blueprint("dev", __name__)


@bp.get(DEV_LINKS_PATH)
def links() -> str:
    managers = sorted(
        (manager.person.name, email) for email, manager in request_roster().managers.items()
    )
    return render_template("dev_links.html", managers=managers)


@bp.post(DEV_LINKS_PATH)
def new_link() -> Response:
    """A new link, shown as any link is: the Sign in page, which uses it when pressed."""
    email = request.form.get("email", "").strip().lower()
    if email not in request_roster().managers:
        abort(404)
    context = web_context()
    link = make_link(context.settings.web, email, context.clock(), secret=context.secret)
    return redirect(url_for("auth.confirm", token=link.token), code=303)
