"""Writing many series at once, in as few round trips as a provider's batch endpoint allows.

Each series' write is a small program (a generator) that yields the calls it needs next and
is sent back their outcomes: an answer, or the exception the call ended with once the shared
retry rounds were over (see batch_rounds.py). Calls a program yields together must not
depend on each other (the providers run a batch's calls in any order); what depends on an
answer is yielded after it. The driver sends the calls of every program that waits in one
round, so forty series that each need one patch take one round trip, not forty.

A program that returns has written its series; one that raises WriteFailed or GaveUpTonight
has not, and says why. Either way each series stands alone: what one part of a batch did is
never taken for another's.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sync.connectors.base import ToWrite, WriteFailed, Written
from sync.connectors.batch_rounds import Outcome
from sync.connectors.retry import GaveUpTonight
from sync.model.values import BookedSeries

C = TypeVar("C")
Program = Generator[list[C], list[Outcome], None]
"""Yields the calls it needs next; is sent their outcomes, in the same order."""


@dataclass(frozen=True)
class Shared:
    """The answer to a call that `send` answered together with other programs' calls, in
    fewer requests than calls (one listing for several series): `requests` is this call's
    part of them, so that the series' counts add up to the requests sent."""

    answer: Outcome
    requests: int


@dataclass
class _Running(Generic[C]):
    program: Program[C]
    result: Written
    asked: list[C]
    organiser: str


def drive(
    programs: Sequence[Program[C]],
    send: Callable[[list[C]], list[Outcome]],
    organisers: Sequence[str],
) -> list[Written]:
    """Run every program to its end; `send` carries one round of calls (in batches) and
    answers each in order (a `Shared` answer counts its part of the requests, any other one
    request). `organisers`: whose calendar each program writes; once one of
    them is over its quota for the night, their other series stop where they are."""
    results = [Written() for _ in programs]
    running: list[_Running[C]] = []
    for program, result, organiser in zip(programs, results, organisers, strict=True):
        _advance(_Running(program, result, [], organiser), None, running)
    while running:
        calls = [call for item in running for call in item.asked]
        outcomes = send(calls) if calls else []
        waiting, running, at = running, [], 0
        for item in waiting:
            answered = outcomes[at : at + len(item.asked)]
            at += len(item.asked)
            item.result.requests += sum(
                a.requests if isinstance(a, Shared) else 1 for a in answered
            )
            _advance(item, [a.answer if isinstance(a, Shared) else a for a in answered], running)
        over = {i.organiser: i.result.error for i in waiting if _over_quota(i.result.error)}
        for item in [i for i in running if i.organiser in over]:
            item.program.close()
            item.result.error = over[item.organiser]
            running.remove(item)
    return results


def _over_quota(error: Exception | None) -> bool:
    return isinstance(error, GaveUpTonight)


def _advance(item: _Running[C], answered: list[Outcome] | None, running: list[_Running[C]]) -> None:
    """Give a program its answers and take its next calls; a program that asks for nothing
    more is done."""
    while True:
        try:
            asked = next(item.program) if answered is None else item.program.send(answered)
        except StopIteration:
            return
        except (WriteFailed, GaveUpTonight) as error:
            item.result.error = error
            return
        if asked:
            item.asked = asked
            running.append(item)
            return
        answered = []  # nothing to send: it goes on at once


def write_one(
    write_many: Callable[[Sequence[ToWrite]], list[Written]], series: BookedSeries
) -> int:
    """One series written as part of many: its requests, or the error it ended with."""
    (written,) = write_many([(series, None)])
    if written.error is not None:
        raise written.error
    return written.requests
