"""A real CalDAV server for tests: Radicale, in this process, on a free port of 127.0.0.1,
with its own temp storage folder and an htpasswd file (user "svc", password below).

A thin WSGI layer in front of it can refuse free-busy reports (as servers without them do)
or answer the next requests with an error, and counts what was asked.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import niquests
import pytest
import radicale
import radicale.config
from werkzeug.serving import BaseWSGIServer, make_server

USER, PASSWORD = "svc", "caldav-test-password"
StartResponse = Callable[..., Any]


class RadicaleServer:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        users = folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n")
        configuration = radicale.config.load()
        configuration.update(
            {
                "storage": {"filesystem_folder": str(folder / "collections")},
                "auth": {
                    "type": "htpasswd",
                    "htpasswd_filename": str(users),
                    "htpasswd_encryption": "plain",
                    "delay": "0",
                },
                # one service account reads everyone's calendars, as an organisation's would
                "rights": {"type": "authenticated"},
                "logging": {"level": "warning", "mask_passwords": "True"},
            },
            "tests",
        )
        self.app = radicale.Application(configuration)
        self.free_busy = True
        self.failures: list[int] = []
        """Statuses to answer the next requests with, one each, before the server sees them."""
        self.requests: Counter[str] = Counter()
        self.before_conditional_put: Callable[[], None] | None = None
        """Runs once when the next PUT with If-Match arrives: a person's change racing ours."""
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RadicaleServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _wsgi(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        method = environ["REQUEST_METHOD"]
        self.requests[method] += 1
        if self.failures:
            status = self.failures.pop(0)
            start_response(f"{status} Injected", [("Retry-After", "0")])
            return [b""]
        if method == "PUT" and "HTTP_IF_MATCH" in environ and self.before_conditional_put:
            racing, self.before_conditional_put = self.before_conditional_put, None
            racing()
        if method == "REPORT" and b"free-busy-query" in body:
            self.requests["free-busy"] += 1
            if not self.free_busy:
                start_response("501 Not Implemented", [("Content-Type", "text/plain")])
                return [b"free-busy-query is not supported"]
        result: Iterable[bytes] = self.app(environ, start_response)
        return result

    # ------------------------------------------------------------------ set-up by hand

    def session(self) -> niquests.Session:
        session = niquests.Session()
        session.auth = (USER, PASSWORD)
        return session

    def calendar(self, name: str) -> str:
        """Make the calendar /svc/<name>/ and return its URL."""
        url = f"{self.url}/{USER}/{name}/"
        with self.session() as http:
            answer = http.request("MKCALENDAR", url)
            assert answer.status_code in (201, 405), answer.status_code  # 405: exists
        return url

    def put(self, calendar_url: str, name: str, ics: str | bytes) -> None:
        data = ics.encode() if isinstance(ics, str) else ics
        with self.session() as http:
            answer = http.put(
                calendar_url + name, data=data, headers={"Content-Type": "text/calendar"}
            )
            assert answer.status_code in (201, 204), (answer.status_code, answer.text)

    def get(self, url: str) -> tuple[int, str]:
        with self.session() as http:
            answer = http.get(url)
            return answer.status_code, answer.text or ""

    def delete(self, url: str) -> None:
        with self.session() as http:
            assert http.delete(url).status_code in (200, 204)


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[RadicaleServer]:
    with RadicaleServer(tmp_path / "radicale") as server:
        yield server
