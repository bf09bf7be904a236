"""Graph's places in flight per mailbox (four for calendars), shared by every request and
batch one client sends, and the sending of many batches within them.

A batch takes all the places it needs at once, or none: two batches each holding part of
what they need would wait on each other for ever. Batches go out as soon as their mailboxes
have room, not in the order they were packed, so that one batch waiting for a busy mailbox
does not hold back the batches behind it for other mailboxes: a round of writes whose
organisers each have more than four series then takes as many round trips as its busiest
mailbox needs, not one after another for every batch.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

Group = TypeVar("Group")
Result = TypeVar("Result")


class MailboxSlots:
    def __init__(self, per_mailbox: int) -> None:
        self.per_mailbox = per_mailbox
        self._in_flight: Counter[str] = Counter()
        self._changed = threading.Condition()

    def _fits(self, need: Mapping[str, int]) -> bool:
        return all(self._in_flight[m] + n <= self.per_mailbox for m, n in need.items())

    def _check(self, need: Mapping[str, int]) -> dict[str, int]:
        lowered: Counter[str] = Counter()
        for mailbox, count in need.items():
            lowered[mailbox.lower()] += count
        over = [m for m, n in lowered.items() if n > self.per_mailbox]
        if over:  # it would wait for ever
            raise ValueError(f"more than {self.per_mailbox} requests at once to {over[0]}")
        return dict(lowered)

    @contextmanager
    def held(self, need: Mapping[str, int]) -> Iterator[None]:
        """The places `need` asks for (requests per mailbox), waited for, all at once."""
        lowered = self._check(need)
        with self._changed:
            self._changed.wait_for(lambda: self._fits(lowered))
            self._in_flight.update(lowered)
        try:
            yield
        finally:
            self._give_back(lowered)

    def _give_back(self, need: Mapping[str, int]) -> None:
        with self._changed:
            self._in_flight.subtract(need)
            self._changed.notify_all()

    def side_by_side(
        self,
        groups: Sequence[Group],
        needs: Sequence[Mapping[str, int]],
        send: Callable[[Group], Result],
        pool: ThreadPoolExecutor,
        width: int,
    ) -> list[Result]:
        """What `send` returns for each group, in order; at most `width` groups in flight,
        each with the places its `needs` says (requests per mailbox), started as soon as
        they are free. An exception `send` raised is raised here once every group is done."""
        wanted = [self._check(need) for need in needs]
        waiting = list(range(len(groups)))
        sent: list[Future[Result]] = []
        order: list[int] = []
        flying = 0

        def one(index: int) -> Result:
            nonlocal flying
            try:
                return send(groups[index])
            finally:
                with self._changed:
                    flying -= 1
                    self._in_flight.subtract(wanted[index])
                    self._changed.notify_all()

        with self._changed:
            while waiting:
                for index in list(waiting):
                    if flying >= width:
                        break
                    if self._fits(wanted[index]):
                        self._in_flight.update(wanted[index])
                        flying += 1
                        waiting.remove(index)
                        order.append(index)
                        sent.append(pool.submit(one, index))
                if waiting:
                    self._changed.wait()
        results: dict[int, Result] = {}
        failure: BaseException | None = None
        for index, future in sorted(zip(order, sent, strict=True), key=lambda pair: pair[0]):
            try:
                results[index] = future.result()
            except BaseException as error:  # every group is done first, then the first raised
                failure = failure or error
        if failure is not None:
            raise failure
        return [results[index] for index in range(len(groups))]
