"""Logs on stderr for operators: one event per line, as key=value (logfmt) or JSON lines.

Messages carry names of steps, counts and email addresses, never event titles of anyone's
meetings, descriptions or credentials: the code logs only what it has decided to log. What
libraries log (Flask's "Exception on /sign-in/<token>") passes through `redact_tokens`, and
an exception's type and message come with every line that has one, its traceback at error
level: that is what an operator needs to find the fault.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

FIELDS = "fields"
FORMATS = ("text", "json")
# the secret part of sign-in links, feed addresses and the digest's approve links, wherever
# a path or URL is logged
_TOKENS = re.compile(r"(/sign-in/|/feeds/|/approve/)[^\s?\"'<>]+")


def redact_tokens(text: str) -> str:
    """`text` with the tokens of sign-in links, feed addresses and approve links cut out."""
    return _TOKENS.sub(r"\1…", text)


def event(logger: logging.Logger, message: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log `message` with structured fields (kept apart from the message for JSON output)."""
    logger.log(level, message, extra={FIELDS: fields})


class _Logfmt(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"time={_time(record)}",
            f"level={record.levelname.lower()}",
            f"event={_quote(redact_tokens(record.getMessage()))}",
        ]
        for key, value in _with_error(record, self.error_fields(record)).items():
            parts.append(f"{key}={_quote(str(value))}")
        return " ".join(parts)

    def error_fields(self, record: logging.LogRecord) -> dict[str, str]:
        """The exception's type and message, and at error level its traceback."""
        if not record.exc_info or record.exc_info[1] is None:
            return {}
        kind, error, _ = record.exc_info
        fields = {
            "error": getattr(kind, "__qualname__", str(kind)),
            "error_message": redact_tokens(str(error)),
        }
        if record.levelno >= logging.ERROR:
            fields["traceback"] = redact_tokens(self.formatException(record.exc_info))
        return fields


class _Json(_Logfmt):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": _time(record),
            "level": record.levelname.lower(),
            "event": redact_tokens(record.getMessage()),
            "logger": record.name,
            **_with_error(record, self.error_fields(record)),
        }
        return json.dumps(data, default=str, ensure_ascii=False)


def _with_error(record: logging.LogRecord, error: dict[str, str]) -> dict[str, Any]:
    """The record's own fields, then those of its exception that it does not set itself."""
    fields: dict[str, Any] = getattr(record, FIELDS, {})
    return {**fields, **{key: value for key, value in error.items() if key not in fields}}


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")


def _quote(text: str) -> str:
    if text and not any(c in text for c in ' "=\n'):
        return text
    return json.dumps(text, ensure_ascii=False)


def setup_logging(verbosity: int, fmt: str) -> None:
    """-v shows each step; -vv shows every provider request kind too."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Json() if fmt == "json" else _Logfmt())
    root = logging.getLogger("sync")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    # libraries log request URLs, some with tokens in them; they stay quiet
    for noisy in (
        "googleapiclient",
        "google_auth_httplib2",
        "urllib3",
        "msal",
        "werkzeug",
        "caldav",
        "niquests",
    ):
        logging.getLogger(noisy).setLevel(logging.ERROR)
