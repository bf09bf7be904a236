"""Out-of-office listings sent while free/busy is still being read.

Whether a person's events are listed depends only on their own free/busy answer, so their
listing need not wait for everyone else's: as soon as every chunk of the freeBusy request
that held them has answered, they join the listings, which go out 50 to a round trip as
they fill up. A read then waits about as long as the longer of the two, not their sum. The
people listed, their batching and what is made of the answers stay as when the listings
followed free/busy: only when each round trip leaves changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sync.connectors.base import BusyReading, CalendarRef
from sync.connectors.google import batching
from sync.connectors.google.out_of_office import OutOfOffice, may_be_away
from sync.connectors.request_count import Tally
from sync.model.values import BusyBlock, Interval

Found = dict[str, list[BusyBlock]]
Pages = dict[str, str | None]


class AwayCandidates:
    """Gathers each batch of people's free/busy answers, one per chunk of the window, and
    hands on those of them who may be away once the last chunk has answered."""

    def __init__(self, chunks: int, ready: Callable[[list[CalendarRef]], None]) -> None:
        self._chunks = chunks
        self._ready = ready
        self._lock = threading.Lock()
        self._answered: dict[int, list[BusyReading]] = {}

    def take(self, batch_index: int, batch: Sequence[CalendarRef], result: BusyReading) -> None:
        with self._lock:
            answers = self._answered.setdefault(batch_index, [])
            answers.append(result)
            if len(answers) < self._chunks:
                return
            del self._answered[batch_index]
        busy: Found = {}
        failed: set[str] = set()
        for answer in answers:
            for email, blocks in answer.busy.items():
                busy.setdefault(email, []).extend(blocks)
            failed.update(answer.errors)
        self._ready(
            [
                person
                for person in batch
                if person.email not in failed and may_be_away(person, busy.get(person.email, []))
            ]
        )


class EarlyListings:
    """First pages of out-of-office listings, each round trip sent as soon as it is full;
    the rest, and the further pages, when free/busy has answered (`finish`)."""

    def __init__(self, away: OutOfOffice, window: Interval, tally: Tally, threads: int) -> None:
        self._away = away
        self._window = window
        self._tally = tally
        self._lock = threading.Lock()
        self._waiting: list[CalendarRef] = []
        self._by_email: dict[str, CalendarRef] = {}
        self._sent: list[Future[tuple[Found, Pages]]] = []
        # threads of its own: a listing waits on the client's pool, which free/busy's
        # answers (and so the calls to `add`) come from
        self._pool = ThreadPoolExecutor(threads, "google-away")

    def add(self, people: Sequence[CalendarRef]) -> None:
        with self._lock:
            new: list[CalendarRef] = []
            for person in people:
                if person.email not in self._by_email:
                    self._by_email[person.email] = person
                    new.append(person)
            self._waiting += new
            # their tokens while the round trip fills up and the others' wait their turn
            self._away.tokens_ahead(new)
            while len(self._waiting) >= batching.BATCH_SIZE:
                self._send(self._waiting[: batching.BATCH_SIZE])
                del self._waiting[: batching.BATCH_SIZE]

    def finish(self) -> Found:
        """Time off per person listed (as `OutOfOffice.read` gives it)."""
        with self._lock:
            if self._waiting:
                self._send(self._waiting)
                self._waiting = []
        found: Found = {}
        pages: Pages = {}
        try:
            for sent in self._sent:
                listed, more = sent.result()
                found.update(listed)
                pages.update(more)
        finally:
            self._pool.shutdown()
        while pages and not self._away.denied:
            pages = self._away.list_round(self._by_email, pages, self._window, found, self._tally)
        return found

    def abandon(self) -> None:
        """Free/busy failed: listings not yet sent are dropped, those under way end alone."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _send(self, people: list[CalendarRef]) -> None:
        by_email = {person.email: person for person in people}
        first: Pages = dict.fromkeys(by_email)
        self._sent.append(self._pool.submit(self._first_pages, by_email, first))

    def _first_pages(self, by_email: dict[str, CalendarRef], first: Pages) -> tuple[Found, Pages]:
        found: Found = {}
        more = self._away.list_round(by_email, first, self._window, found, self._tally)
        return found, more
