"""A forward proxy for tests: it tunnels ``CONNECT host:443`` to the local server standing in
for that host, as a company's proxy tunnels to the real one. With ``HTTPS_PROXY`` pointing at
it, a client calls ``https://login.microsoftonline.us/...`` by its real name, and the TLS
certificate it checks is the emulator's (issued for that name by the test CA)::

    with ConnectProxy({"login.microsoftonline.us:443": idp.port}) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)

A target it has no route for answers 403, so nothing ever leaves the machine.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading

from .background import Background


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, proxy: ConnectProxy) -> None:
        super().__init__(("127.0.0.1", 0), _Tunnel)
        self.proxy = proxy


class _Tunnel(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        request_line = self.rfile.readline(65536).decode("latin-1").strip()
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass  # the proxy request's headers: nothing in them matters here
        method, _, rest = request_line.partition(" ")
        target = rest.partition(" ")[0].lower()
        port = self.server.proxy.routes.get(target)
        with self.server.proxy.lock:
            self.server.proxy.requests.append((method, target))
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if port is None:
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection(("127.0.0.1", port))
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        back = threading.Thread(target=_pump, args=(upstream, self.connection), daemon=True)
        back.start()
        _pump(self.connection, upstream)
        back.join()
        upstream.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)  # pass the end of the stream on, as a proxy does


class ConnectProxy:
    """``routes``: ``"host:port"`` the client asks for -> local port that answers for it."""

    def __init__(self, routes: dict[str, int]) -> None:
        self.routes = {target.lower(): port for target, port in routes.items()}
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (method, target) in the order asked
        self._server: _Server | None = None
        self._running: Background | None = None

    @property
    def tunnels(self) -> list[str]:
        """The CONNECT targets clients asked for."""
        with self.lock:
            return [target for method, target in self.requests if method == "CONNECT"]

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ConnectProxy:
        self._server = _Server(self)
        self._running = Background(self._server, "connect-proxy")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._running is not None:
            self._running.stop()
        self._server = self._running = None
