"""Long text parts of an email, encoded and written out in a fraction of the email library's
time, byte for byte as the library itself writes them.

A large team's digest is some 70,000 characters of HTML. The library encodes such a part
quoted-printable by mapping every character through a table (`str.translate` with a table
of strings, about 20 ns a character) and then writes the encoded part out line by line,
about 4,500 writes a digest: together about 8 ms of a night's CPU per digest. Here the few
kinds of character that need quoting are found first and each is replaced throughout the
text at once, and each part is written out in one piece.

Only what the library's own choice of transfer encoding would send quoted-printable is
encoded here; any other text part (short lines, few lines, or better as base64) is left to
the library, so the message is the same either way. `tests/delivery/test_long_text_mail.py`
checks the bytes against the library's on generated texts.
"""

from __future__ import annotations

import binascii
import email.charset
import re
from email import quoprimime
from email.contentmanager import ContentManager, raw_data_manager
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import Policy
from io import BytesIO

CHARSET = "utf-8"
_QUOTED = {b: quoprimime.quote(chr(b)) for b in range(256)}
_SAFE = bytes(b for b in range(256) if not quoprimime.body_check(b) or b in b"\r\n")
"""Bytes a quoted-printable body keeps as they are (line ends are handled apart)."""
_EQUALS = ord("=")
_LINE_END = re.compile(r"\r\n|\r|\n")
"""What the library's generator takes for a line end."""


def _set_text(message: EmailMessage, text: str, subtype: str = "plain") -> None:
    """The library's text handler (`set_text_content`, UTF-8, its own choice of encoding)
    with a quicker quoted-printable encoder."""
    policy = message.policy
    width = policy.max_line_length
    lines = text.encode(CHARSET).splitlines()
    if width is None or len(lines) <= 10 or max(len(line) for line in lines) <= width:
        raw_data_manager.set_content(message, text, subtype)  # 7bit, 8bit or a short body
        return
    linesep = policy.linesep.encode("ascii")
    sniff = linesep.join(lines[:10]) + linesep
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), width)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        raw_data_manager.set_content(message, text, subtype)  # base64
        return
    body = b"\n".join(lines) + b"\n"
    message["Content-Type"] = f"text/{subtype}"
    message.set_payload(quoted_printable(body, width))
    message.set_param("charset", email.charset.ALIASES.get(CHARSET, CHARSET), replace=True)
    message["Content-Transfer-Encoding"] = "quoted-printable"


text_parts = ContentManager()
"""Pass as `content_manager=` to `set_content` and `add_alternative` for text parts."""
text_parts.add_set_handler(str, _set_text)


def quoted_printable(body: bytes, max_line_length: int = 76) -> str:
    """`quoprimime.body_encode(body.decode("latin-1"), max_line_length)`, quicker where few
    kinds of byte need quoting (as in text that is mostly ASCII)."""
    text = body.decode("latin-1")
    if not text:
        return text
    # "=" first: the quoted forms of the others start with one
    for byte in sorted(set(body.translate(None, _SAFE)), key=lambda b: b != _EQUALS):
        text = text.replace(chr(byte), _QUOTED[byte])
    return _soft_breaks(text, max_line_length)


def _soft_breaks(quoted: str, max_line_length: int) -> str:
    """The rest of `quoprimime.body_encode`, as it is: each line broken into pieces of at
    most `max_line_length` characters with a soft break ("=") at the end of each but the
    last, a quoted character never split, and a space or tab that ends a line quoted."""
    longest = max_line_length - 1
    pieces: list[str] = []
    append = pieces.append
    for line in quoted.splitlines():
        start = 0
        last_start = len(line) - 1 - max_line_length
        while start <= last_start:
            stop = start + longest
            if line[stop - 2] == "=":
                append(line[start : stop - 1])
                start = stop - 2
            elif line[stop - 1] == "=":
                append(line[start:stop])
                start = stop - 1
            else:
                append(line[start:stop] + "=")
                start = stop
        if line and line[-1] in " \t":
            room = start - last_start
            if room >= 3:
                end = quoprimime.quote(line[-1])
            elif room == 2:
                end = line[-1] + "=\n"
            else:
                end = "=\n" + quoprimime.quote(line[-1])
            append(line[start:-1] + end)
        else:
            append(line[start:])
    if quoted[-1] in "\r\n":
        append("")
    return "\n".join(pieces)


class _WholeParts(BytesGenerator):
    def _write_lines(self, lines: str) -> None:
        # the library writes each line and each line end apart; one write of the same text
        # with its line ends made the policy's gives the same bytes
        assert self.policy is not None  # flatten sets the policy it writes with
        line_end = self.policy.linesep
        if "\r" not in lines:  # an encoded part's line ends are all \n
            self.write(lines.replace("\n", line_end))
        elif lines:
            self.write(_LINE_END.sub(line_end, lines))


def as_bytes(message: EmailMessage, policy: Policy) -> bytes:
    """`message.as_bytes(policy=policy)`, each text part written out in one piece."""
    out = BytesIO()
    _WholeParts(out, mangle_from_=False, policy=policy).flatten(message)
    return out.getvalue()
