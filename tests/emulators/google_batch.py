"""Google's HTTP batch endpoint (``POST /batch/calendar/v3``, the discovery document's
``batchPath``), as the real one takes it apart and answers.

A batch is one ``multipart/mixed`` request; each part is ``Content-Type: application/http``
(``Content-ID`` optional) holding a whole HTTP request with a path only, never a full URL.
The outer request's headers (except ``Content-*``) apply to every part unless the part sets
its own, so each part may carry its own Authorization. The answer is one ``multipart/mixed``
response, a part per call in order, each with ``Content-ID: <response-ID>``; a failing call
fails only its own part. Calendar takes at most 50 calls per batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from http.client import responses

from .google_errors import ApiError

BATCH_PATH = "/batch/calendar/v3"
MAX_PARTS = 50
SERVICE_PREFIX = "/calendar/v3/"


@dataclass(frozen=True)
class Part:
    content_id: str | None
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class PartAnswer:
    status: int
    content_type: str | None
    body: bytes
    headers: dict[str, str]


def split(headers: dict[str, str], body: bytes) -> list[Part]:
    """The calls of a batch request; ApiError(400) for what Google refuses."""
    lowered = {k.lower(): v for k, v in headers.items()}
    content_type = lowered.get("content-type", "")
    if not content_type.lower().startswith("multipart/mixed") or "boundary=" not in content_type:
        raise ApiError(400, "badRequest", "Batch requests must be multipart/mixed with a boundary")
    message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    payload = message.get_payload()
    if not message.is_multipart() or not isinstance(payload, list) or not payload:
        raise ApiError(400, "badRequest", "The batch request holds no parts")
    if len(payload) > MAX_PARTS:
        raise ApiError(400, "badRequest", f"Too many requests in a batch (at most {MAX_PARTS})")
    outer = {k: v for k, v in lowered.items() if not k.startswith("content-") and k != "host"}
    return [_part(item, outer) if isinstance(item, Message) else _not_http() for item in payload]


def _not_http() -> Part:
    raise ApiError(400, "badRequest", "Each batch part must be Content-Type: application/http")


def _part(item: Message, outer: dict[str, str]) -> Part:
    if item.get_content_type() != "application/http":
        raise ApiError(400, "badRequest", "Each batch part must be Content-Type: application/http")
    raw = item.get_payload(decode=True)
    if not isinstance(raw, bytes):
        raise ApiError(400, "badRequest", "A batch part holds no HTTP request")
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.decode("utf-8", "replace").split("\n")
    request_line = lines[0].split(" ")
    if len(request_line) != 3 or not request_line[2].startswith("HTTP/"):
        raise ApiError(400, "badRequest", "A batch part does not start with an HTTP request line")
    method, target = request_line[0], request_line[1]
    if not target.startswith("/"):
        raise ApiError(400, "badRequest", "Batch parts take a path only, not a full URL")
    if not target.startswith(SERVICE_PREFIX):
        raise ApiError(400, "badRequest", "Every call in a batch must go to the same API")
    headers = dict(outer)
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    content_id = item.get("Content-ID")
    return Part(content_id, method, target, headers, body.rstrip(b"\n"))


def answer(parts: list[Part], answers: list[PartAnswer]) -> tuple[str, bytes]:
    """The batch's response: its Content-Type and body."""
    boundary = f"batch_{uuid.uuid4().hex}"
    out: list[bytes] = []
    for part, reply in zip(parts, answers, strict=True):
        out.append(f"--{boundary}\r\nContent-Type: application/http\r\n".encode())
        if part.content_id:
            out.append(f"Content-ID: <response-{part.content_id.strip('<>')}>\r\n".encode())
        out.append(b"\r\n")
        out.append(f"HTTP/1.1 {reply.status} {responses.get(reply.status, '')}\r\n".encode())
        for name, value in reply.headers.items():
            out.append(f"{name}: {value}\r\n".encode())
        if reply.content_type:
            out.append(f"Content-Type: {reply.content_type}\r\n".encode())
        out.append(f"Content-Length: {len(reply.body)}\r\n\r\n".encode())
        out.append(reply.body + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return f"multipart/mixed; boundary={boundary}", b"".join(out)


def run(
    headers: dict[str, str],
    body: bytes,
    one: Callable[[Part], PartAnswer],
) -> tuple[str, bytes]:
    """Answer a batch: each part through ``one``, as if it had come alone."""
    parts = split(headers, body)
    return answer(parts, [one(part) for part in parts])
