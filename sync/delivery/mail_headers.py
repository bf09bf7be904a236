"""Header values built from roster names, series titles and settings: one line of plain text.

Names and titles come from people.toml, the store or a calendar, all written by people. A line
break in a header value would add header lines of its own choosing (or make the email library
refuse the whole message, which used to stop every invitation of the night), so every header
this service builds goes through here.
"""

from __future__ import annotations

import unicodedata
from email.headerregistry import Address

# Cc: ASCII and C1 controls (CR, LF, TAB, NUL, ...); Zl/Zp: U+2028/U+2029, which
# str.splitlines and some mail readers treat as line breaks too
_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def header_text(value: str) -> str:
    """`value` as one line: control characters become spaces and runs of space shrink to one."""
    plain = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in value)
    return " ".join(plain.split())


def address(name: str, email: str) -> Address | str:
    """A To/From/Reply-To value: the display name as one line, or the bare address when the
    email library cannot express the pair (then still one line)."""
    try:
        return Address(display_name=header_text(name), addr_spec=header_text(email))
    except (ValueError, IndexError):
        return header_text(email)
