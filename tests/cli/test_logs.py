"""What the logs say about a failure: the exception's type, message and (at error level)
traceback, in both formats; and never the token of a sign-in link or feed address, even in
lines Flask or werkzeug write about a failed request."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

import sync.web.auth
from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.plumbing.logs import setup_logging
from sync.web.serve import QuietTokens
from tests.web_helpers import CLOCK, Org, path_of, request_log


@pytest.fixture
def fresh_logging() -> Iterator[None]:
    """setup_logging changes the "sync" logger for the process; put it back afterwards."""
    logger = logging.getLogger("sync")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


def _fail_loudly() -> None:
    try:
        raise OSError("disk on fire")
    except OSError:
        logging.getLogger("sync.night.booking").exception("booking after approval failed")


@pytest.mark.usefixtures("fresh_logging")
def test_an_error_line_has_the_exceptions_type_message_and_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging(0, "text")
    _fail_loudly()
    line = capsys.readouterr().err
    assert "level=error" in line
    assert 'event="booking after approval failed"' in line
    assert 'error=OSError error_message="disk on fire"' in line
    assert "Traceback (most recent call last)" in line and "_fail_loudly" in line
    assert len(line.strip().splitlines()) == 1, "one event, one line"

    setup_logging(0, "json")
    _fail_loudly()
    data = json.loads(capsys.readouterr().err)
    assert (data["error"], data["error_message"]) == ("OSError", "disk on fire")
    assert "_fail_loudly" in data["traceback"]


@pytest.mark.usefixtures("fresh_logging")
def test_a_failed_request_on_a_sign_in_address_logs_no_token(
    app: Flask, org: Org, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_logging(0, "text")
    link = make_link(load_settings(org.root).web, "karin@example.com", CLOCK)

    def broken(*_: object) -> None:
        raise RuntimeError("something broke")

    monkeypatch.setattr(sync.web.auth, "read_link", broken)
    assert app.test_client().get(path_of(link.url)).status_code == 500
    err = capsys.readouterr().err
    assert "Exception on /sign-in/… [GET]" in err
    assert 'error=RuntimeError error_message="something broke"' in err
    assert link.token not in err
    assert link.token.split(".")[0] not in err, "not even the readable part"


def test_werkzeug_error_lines_leave_tokens_out(caplog: pytest.LogCaptureFixture) -> None:
    handler = QuietTokens.__new__(QuietTokens)
    handler.client_address = ("127.0.0.1", 1234)
    handler.requestline = "GET /feeds/eyJzZWNyZXQiOjF9.abc.ics HTTP/1.1"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        handler.log("error", "Error on request %s", "/feeds/eyJzZWNyZXQiOjF9.abc.ics")
    assert "Error on request /feeds/…" in caplog.text
    assert "eyJzZWNyZXQiOjF9" not in caplog.text


@pytest.mark.parametrize("prefix", ["/sign-in/", "/feeds/", "/approve/"])
def test_the_request_log_cuts_the_token_out_of_every_link(app: Flask, prefix: str) -> None:
    """Also when the link is wrong or gone (404, 410): the path is still someone's secret."""
    secret = "eyJlIjoia2FyaW4ifQ.5ecret"
    with request_log() as lines, app.test_client().get(f"{prefix}{secret}?again={secret}"):
        pass
    (line,) = lines
    assert line["path"] == f"{prefix}…"
    assert "5ecret" not in str(line)
