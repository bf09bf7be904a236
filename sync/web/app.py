"""Building the Flask app, and the one place where errors become HTTP statuses and pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers.response import Response

from sync.config.dev_secret import development_secret
from sync.config.settings import load_settings
from sync.delivery.signin import require_secret
from sync.model.errors import SyncError
from sync.plumbing.i18n import translations
from sync.web import approve_all, auth, dev_links, email_approve, feeds, healthz, views
from sync.web.context import EXTENSION, WebContext, close_request_store
from sync.web.context import gettext as _
from sync.web.filters import nowrap_ranges
from sync.web.request_log import RequestLog
from sync.web.roster_cache import RosterCache

log = logging.getLogger(__name__)

# Content-Security-Policy: the pages need no script at all; frame-ancestors keeps the
# approve buttons from being framed and clicked through (clickjacking)
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # sign-in links carry a token in the path; it must not travel on in Referer headers
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(
    config_dir: Path,
    *,
    dev: bool = False,
    clock: Callable[[], datetime] | None = None,
    public_url: str | None = None,
) -> Flask:
    """The approval app over the store of `config_dir`. Outside `dev` a [web] secret is
    required (ConfigError otherwise); in `dev` a missing one is replaced by the development
    secret of data_dir, so links from `login-link` and `feed-url` work here too.
    `public_url`: the address it is served on, where [web] public_url does not say."""
    settings = load_settings(config_dir)
    if public_url is not None:
        web = settings.web.model_copy(update={"public_url": public_url})
        settings = settings.model_copy(update={"web": web})
    if settings.web.secret is None and dev:
        secret = development_secret(settings.data_dir)
    else:
        secret = require_secret(settings.web)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="checkin_sync_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.web.session_hours),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions[EXTENSION] = WebContext(
        config_dir=config_dir,
        settings=settings,
        secret=secret,
        clock=clock or (lambda: datetime.now(UTC)),
        rosters=RosterCache(config_dir / "people.toml"),
    )
    app.url_map.converters["id"] = views.ProposalId
    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(approve_all.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(email_approve.bp)
    app.register_blueprint(healthz.bp)
    if dev:
        app.register_blueprint(dev_links.bp)
    # Flask's documented way to add WSGI middleware, keeping `app` the Flask object
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(auth.check_csrf)
    app.teardown_appcontext(close_request_store)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # the pages speak the configured language: one app, one language
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(settings.language), newstyle=True
    )
    app.jinja_env.globals["page_language"] = settings.language
    app.jinja_env.globals["dev_mode"] = dev
    app.jinja_env.globals["csrf_token"] = auth.csrf_token
    app.jinja_env.globals["signed_in_email"] = auth.signed_in_email
    app.jinja_env.filters["nowrap_ranges"] = nowrap_ranges

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        title = {
            400: _("That did not work"),
            401: _("Please sign in"),
            404: _("Not found"),
            410: _("This link cannot be used"),
        }.get(code, error.name)
        message = error.description or ""
        if code == 404:
            message = _("There is nothing here, or it belongs to another manager's team.")
        return render_template("message.html", title=title, message=message), code

    @app.errorhandler(SyncError)
    def _sync_error(error: SyncError) -> tuple[str, int]:
        # e.g. the state database cannot be opened: the operator has to act, not the manager,
        # and the details (paths, settings) are for the server log, not for whoever asked
        log.error("request failed: %s", error)
        message = _(
            "checkin-sync cannot serve this page right now. The operator can see why in "
            "the server log; please try again later."
        )
        return render_template(
            "message.html", title=_("Temporarily unavailable"), message=message
        ), 503

    return app
