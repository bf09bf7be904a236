"""Tokens for the people a batch acts as, fetched side by side before it is sent.

With domain-wide delegation each person needs a token of their own, and each token is a
round trip to Google's token endpoint. Fetched one after another as a batch was put
together, fifty people cost fifty round trips of waiting before the batch itself went out
(a cold night at N = 1,000 asks for some 570 tokens). A token that cannot be had is that
person's error alone; the batch goes on without them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import google_auth_httplib2
import httplib2

Person = tuple[str, tuple[str, ...]]
"""Whom a call acts as, and with which scopes: what a token is for."""


class Tokens:
    """Fetches people's tokens on threads of its own, each person's once at a time: batches
    sent side by side that act as the same person wait for the same fetch."""

    def __init__(
        self,
        credentials: Callable[[str, tuple[str, ...]], Any],
        connection: Callable[[], httplib2.Http],
        threads: int,
    ) -> None:
        self._credentials = credentials
        self._connection = connection
        self._threads = threads
        self._lock = threading.Lock()
        self._fetching: dict[Person, Future[Exception | None]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def fresh(self, people: Iterable[Person]) -> dict[Person, Exception]:
        """A valid token for everyone in `people`; why it could not be had, for those whose
        fetch failed."""
        waits: dict[Person, Future[Exception | None]] = {}
        with self._lock:
            for person in dict.fromkeys(people):
                fetch = self._fetching.get(person)
                if fetch is None or fetch.done():
                    if self._credentials(*person).valid:
                        continue
                    if self._pool is None:
                        self._pool = ThreadPoolExecutor(self._threads, "token")
                    fetch = self._fetching[person] = self._pool.submit(self._fetch, person)
                waits[person] = fetch
        failed = {person: fetch.result() for person, fetch in waits.items()}
        return {person: error for person, error in failed.items() if error is not None}

    def _fetch(self, person: Person) -> Exception | None:
        try:
            # on this token thread's own connection: httplib2 is not thread-safe
            self._credentials(*person).refresh(google_auth_httplib2.Request(self._connection()))
        except Exception as error:  # this person's token; the others go on
            return error
        return None
