"""Long text parts (a digest's HTML) are encoded and written out the quicker way, and the
email is the same, byte for byte, as the email library writes it itself."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email import quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.config.settings import Settings
from sync.delivery import digest as digests
from sync.delivery.long_text_mail import as_bytes, quoted_printable, text_parts

# what makes quoted-printable interesting: "=" at a break, spaces and tabs at line ends,
# line ends of every kind, controls, accents, and runs long enough to be broken
PIECES = st.sampled_from(
    ["=", " ", "\t", "\n", "\r", "\r\n", "\x0c", "\x85", "é", "–", "·", "€", "😀", "a", "<td>"]
)
TEXTS = st.lists(
    st.one_of(PIECES, st.text(max_size=12), st.integers(0, 200).map(lambda n: "x" * n)),
    max_size=60,
).map("".join)


@given(text=TEXTS, width=st.integers(4, 100))
@settings(max_examples=400)
def test_quoted_printable_is_the_librarys(text: str, width: int) -> None:
    body = text.encode("utf-8", "surrogatepass")
    assert quoted_printable(body, width) == quoprimime.body_encode(body.decode("latin-1"), width)


def library_email(text: str, html: str) -> bytes:
    message = EmailMessage()
    message["Subject"] = "Check-ins"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    random.seed(7)  # the multipart boundary
    return message.as_bytes(policy=SMTP)


def quicker_email(text: str, html: str) -> bytes:
    message = EmailMessage()
    message["Subject"] = "Check-ins"
    message.set_content(text, content_manager=text_parts)
    message.add_alternative(html, subtype="html", content_manager=text_parts)
    random.seed(7)
    return as_bytes(message, SMTP)


@given(text=TEXTS, html=TEXTS)
@settings(max_examples=300)
def test_an_email_is_the_librarys(text: str, html: str) -> None:
    text, html = text.encode("utf-8", "replace").decode(), html.encode("utf-8", "replace").decode()
    assert quicker_email(text, html) == library_email(text, html)


def test_a_long_mostly_foreign_part_stays_base64() -> None:
    text = "\n".join("åäö" * 40 for _ in range(20))
    assert b"base64" in quicker_email(text, text)
    assert quicker_email(text, text) == library_email(text, text)


def a_digest() -> digests.Digest:
    row = '<tr><td style="width: 50px;">Mon 1 Mar – Hana · 09:00</td>' + "<td>&nbsp;</td>" * 40
    html = "<table>\n" + "\n".join(row for _ in range(400)) + "\n</table>\n"
    text = "\n".join(
        f"  Weekly · Tue 16:30–17:00, moved within its week ({n})" * 2 for n in range(200)
    )
    return digests.Digest("karin@example.com", "Karin Lind", "3 check-ins", text, html, (1,))


def test_a_digest_is_not_quoted_or_written_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[int] = []
    writes: list[int] = []
    body_encode, write = quoprimime.body_encode, BytesGenerator.write

    def counted_encode(body: str, *args: Any) -> str:
        encoded.append(len(body))
        return body_encode(body, *args)

    def counted_write(self: BytesGenerator, text: str) -> None:
        writes.append(len(text))
        write(self, text)

    monkeypatch.setattr(quoprimime, "body_encode", counted_encode)
    monkeypatch.setattr(BytesGenerator, "write", counted_write)
    mail = digests.to_email(a_digest(), Settings())

    assert len(mail) > 100_000 and b"quoted-printable" in mail
    # the library's encoder only looks at the first lines, to choose the encoding
    assert max(encoded) < 10_000
    # headers and boundaries line by line; each part in one piece
    assert len(writes) < 100


def test_a_digest_is_the_email_the_library_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "make_msgid", lambda domain: "<1@localhost>")
    monkeypatch.setattr(digests, "datetime", FixedNow)
    digest = a_digest()
    random.seed(7)
    quicker = digests.to_email(digest, Settings())

    message = EmailMessage()
    for name, value in list(email_headers(quicker)):
        message[name] = value
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    random.seed(7)
    assert quicker == message.as_bytes(policy=SMTP)


class FixedNow(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> FixedNow:
        return cls(2027, 3, 1, 1, 0, tzinfo=UTC)


def email_headers(mail: bytes) -> list[tuple[str, str]]:
    head = mail.split(b"\r\n\r\n", 1)[0].decode().replace("\r\n ", " ")
    pairs = [line.split(": ", 1) for line in head.split("\r\n")]
    return [(name, value) for name, value in pairs if name not in {"MIME-Version", "Content-Type"}]
