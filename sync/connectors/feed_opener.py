"""Fetching calendar feeds whose addresses people.toml names, without letting that file
reach into the service's own machine or network.

Whoever edits people.toml could otherwise have the service fetch http://127.0.0.1:…/,
a cloud metadata address or an intranet page, and learn from the answer what runs there.
So a feed is fetched only from public addresses, unless its host is listed in
`[ics] allow_hosts`. The check is made on the addresses the connection actually goes to,
for every connection: a redirect is checked like the first request, and a name that
resolves to a public address when checked and a private one when connecting (DNS
rebinding) cannot slip through, because the socket connects to the address that was checked.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Callable, Collection
from functools import partial
from typing import Any

Connect = Callable[..., socket.socket]


class AddressRefused(OSError):
    """The feed's host is on this machine or a private network, and not allowed."""

    def __init__(self, host: str) -> None:
        super().__init__(f"{host} is not a public address")
        self.host = host


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def guarded_connect(allow_hosts: frozenset[str]) -> Connect:
    """A `socket.create_connection` that connects only to public addresses, or to a host
    named in `allow_hosts` (as written in the URL, case-insensitive)."""

    def connect(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        if host.lower().strip("[]") in allow_hosts:
            return socket.create_connection(address, timeout, source_address)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        # every address must be public: which one answers first is not ours to choose
        if not found or not all(is_public(str(info[4][0])) for info in found):
            raise AddressRefused(host)
        return _connect_to(found, timeout, source_address)

    return connect


def _connect_to(found: list[tuple[Any, ...]], timeout: Any, source_address: Any) -> socket.socket:
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in found:
        sock = socket.socket(family, kind, proto)
        try:
            if isinstance(timeout, (int, float)):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    assert error is not None
    raise error


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, allow_hosts: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connect(allow_hosts)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allow_hosts: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connect(allow_hosts)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_hosts: frozenset[str]) -> None:
        super().__init__()
        self.allow_hosts = allow_hosts

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_HTTPConnection, allow_hosts=self.allow_hosts), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_hosts: frozenset[str]) -> None:
        super().__init__()
        self.allow_hosts = allow_hosts

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            partial(_HTTPSConnection, allow_hosts=self.allow_hosts),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s) (anything else ends the fetch with the redirect's own
    status); the next connection is checked like the first."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not newurl.lower().startswith(("http://", "https://")):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def feed_opener(allow_hosts: Collection[str]) -> urllib.request.OpenerDirector:
    """An opener for http(s) feeds only (no file:, ftp: or data:, no proxy from the
    environment), whose every connection is checked as above."""
    allowed = frozenset(host.lower().strip("[]") for host in allow_hosts)
    opener = urllib.request.OpenerDirector()
    for handler in (
        _HTTPHandler(allowed),
        _HTTPSHandler(allowed),
        _Redirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener
