"""`checkin-sync serve` as a process of its own, on a free port, as an operator starts it;
and a little raw HTTP, for the moments a client library would hide (a request whose body
is still on its way, a kept-alive connection)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 120
"""Generous: a busy two-core machine may take long to import everything and fork."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_file: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_file.read_text()

    def stop(self) -> int:
        """SIGTERM, as systemd, `docker stop` and Kubernetes send it; the exit code."""
        self.process.terminate()
        return self.process.wait(timeout=STARTUP_SECONDS)


@contextmanager
def serving(config_dir: Path, workdir: Path) -> Iterator[Server]:
    """`checkin-sync serve` for `config_dir`, once its /healthz answers 200."""
    port = free_port()
    log_file = workdir / "serve.log"
    with log_file.open("wb") as log:
        command = [sys.executable, "-m", "sync", "--config", str(config_dir), "serve"]
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env=dict(os.environ),
        )
    server = Server(process, port, log_file)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"serve exited early:\n{server.log()}"
        try:
            if server.get("/healthz").status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.05)
    raise AssertionError(f"/healthz did not answer 200 in {STARTUP_SECONDS}s:\n{server.log()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_head(connection: socket.socket) -> bytes:
    """One response's status line and headers."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def read_response(connection: socket.socket) -> tuple[bytes, bytes]:
    """One whole response on a kept-alive connection: (head, body); (b"", b"") when the
    server closed the connection instead of answering."""
    try:
        head = read_head(connection)
    except ConnectionResetError:
        return b"", b""
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = b""
    while len(body) < length:
        chunk = connection.recv(length - len(body))
        if not chunk:
            break
        body += chunk
    return head, body


def read_to_end(connection: socket.socket) -> bytes:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data
