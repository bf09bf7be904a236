"""Serving the calendar feeds: no sign-in (the address is the key), conditional requests
answered with 304 so calendar apps that poll often cost next to nothing, and 404 for any
address that is not genuine, or was revoked."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Blueprint, Response, abort, request
from werkzeug.wrappers.response import Response as BaseResponse

from sync.delivery.feeds import feed_for, feed_owner, feed_secret, people_with_feeds, well_formed
from sync.web.context import request_store, web_context

bp = Blueprint("feeds", __name__)


@bp.get("/feeds/<token>.ics")
def feed(token: str) -> BaseResponse:
    context = web_context()
    secret = feed_secret(context.settings, context.secret)
    if not well_formed(secret, token):
        abort(404)  # before the database is even opened: a made-up address costs nothing
    store = request_store()
    people = people_with_feeds(context.config_dir, store.series_people())
    email = feed_owner(secret, token, people, store.feed_version)
    if email is None:
        abort(404)
    refresh = timedelta(minutes=context.settings.feeds.refresh_minutes)
    # only the owner's series are decoded: the organisation's took most of a feed's time
    current = feed_for(email, store.series_with(email), refresh, context.settings.language)
    response = Response(current.body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="check-ins.ics"'
    # cached copies must be checked with us first: the ETag makes that a 304
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(hashlib.sha256(current.body).hexdigest())
    if current.last_modified is not None:
        response.last_modified = current.last_modified
    return response.make_conditional(request)
