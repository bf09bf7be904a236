"""Tokens for the people a batch acts as, fetched side by side before it is sent.

With domain-wide delegation each person needs a token of their own, and each token is a
round trip to Google's token endpoint. Fetched one after another as a batch was put
together, fifty people cost fifty round trips of waiting before the batch itself went out
(a cold night at N = 1,000 asks for some 570 tokens). A token that cannot be had is that
person's error alone; the batch goes on without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import google_auth_httplib2

from sync.connectors.google.client import GoogleClient

Person = tuple[str, tuple[str, ...]]
"""Whom a call acts as, and with which scopes: what a token is for."""


def fresh_tokens(client: GoogleClient, people: Iterable[Person]) -> dict[Person, Exception]:
    """Fetch a token for everyone in `people` who has no valid one, side by side; why it
    could not be had, for those whose fetch failed."""
    stale = [person for person in dict.fromkeys(people) if not client.credentials(*person).valid]
    fetched = client.token_pool().map(lambda person: _fetch(client, person), stale)
    return {person: error for person, error in zip(stale, fetched, strict=True) if error}


def _fetch(client: GoogleClient, person: Person) -> Exception | None:
    credentials: Any = client.credentials(*person)
    try:
        # on this token thread's own connection: httplib2 is not thread-safe
        credentials.refresh(google_auth_httplib2.Request(client.connection()))
    except Exception as error:  # this person's token; the others go on
        return error
    return None
