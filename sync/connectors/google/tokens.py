"""Tokens for the people a batch acts as, fetched side by side, and as early as it is known
who a batch will act as.

With domain-wide delegation each person needs a token of their own, and each token is a
round trip to Google's token endpoint. Fetched one after another as a batch was put
together, fifty people cost fifty round trips of waiting before the batch itself went out
(a cold night at N = 1,000 asks for some 570 tokens). The token endpoint is a service apart
from the Calendar API, with no per-request quota of the API's kind, so its fetches go on
threads of their own (`token_requests` of them), not `parallel_requests`, which paces the
batches. A token that cannot be had is that person's error alone; the batch goes on
without them.
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
        self._unclaimed: set[Person] = set()
        """Fetched ahead and not yet waited for: a failure there is the batch's answer, not
        a reason to ask again."""
        self._pool: ThreadPoolExecutor | None = None

    def ahead(self, people: Iterable[Person]) -> None:
        """Starts fetching the tokens of people a batch will act as, without waiting: the
        fetches overlap whatever happens before the batch is sent (`fresh` then waits only
        for what is still under way)."""
        with self._lock:
            for person in dict.fromkeys(people):
                if self._started(person) is not None:
                    self._unclaimed.add(person)

    def fresh(self, people: Iterable[Person]) -> dict[Person, Exception]:
        """A valid token for everyone in `people`; why it could not be had, for those whose
        fetch failed."""
        with self._lock:
            waits = {
                person: fetch
                for person in dict.fromkeys(people)
                if (fetch := self._started(person)) is not None
            }
        failed = {person: fetch.result() for person, fetch in waits.items()}
        return {person: error for person, error in failed.items() if error is not None}

    def _started(self, person: Person) -> Future[Exception | None] | None:
        """The fetch under way (or just ended) of `person`'s token, started if their token is
        not valid; None when it is. Called with the lock held."""
        fetch = self._fetching.get(person)
        if fetch is not None and (not fetch.done() or person in self._unclaimed):
            self._unclaimed.discard(person)
            return fetch
        if self._credentials(*person).valid:
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, "token")
        fetch = self._fetching[person] = self._pool.submit(self._fetch, person)
        return fetch

    def _fetch(self, person: Person) -> Exception | None:
        try:
            # on this token thread's own connection: httplib2 is not thread-safe
            self._credentials(*person).refresh(google_auth_httplib2.Request(self._connection()))
        except Exception as error:  # this person's token; the others go on
            return error
        return None
