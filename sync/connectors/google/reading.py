"""Busy time from Google Calendar: free/busy for up to 50 people per request, windows of at
most 60 days, and out-of-office events as time off where the service may read them.

Only free/busy and the type and times of out-of-office events are requested: no titles or
descriptions of anyone's meetings are fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from sync.connectors.base import BusyReading, CalendarRef, clip
from sync.connectors.batch_rounds import answers_taken
from sync.connectors.google import batching
from sync.connectors.google.auth import SCOPE_FREEBUSY
from sync.connectors.google.away_pipeline import AwayCandidates, EarlyListings
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.errors import calendar_errors, describe
from sync.connectors.google.out_of_office import OutOfOffice
from sync.connectors.google.times import rfc3339, utc_instant
from sync.connectors.request_count import Tally
from sync.model.values import BusyBlock, Interval

FREEBUSY_BATCH = 50
"""Google answers at most 50 calendars per freeBusy request."""
MAX_SPAN = timedelta(days=60)
"""Longer freeBusy ranges have been seen to fail ("The requested time range is too long")."""


def chunks(window: Interval, span: timedelta = MAX_SPAN) -> Iterator[Interval]:
    start = window.start
    while start < window.end:
        end = min(window.end, start + span)
        yield Interval(start, end)
        start = end


def batches(
    people: Sequence[CalendarRef], size: int = FREEBUSY_BATCH
) -> Iterator[list[CalendarRef]]:
    ordered = sorted(people, key=lambda p: p.email)
    for index in range(0, len(ordered), size):
        yield ordered[index : index + size]


class GoogleReader:
    def __init__(self, client: GoogleClient, freebusy_user: str | None, read_out_of_office: bool):
        self.client = client
        self.default_subject = freebusy_user
        self.read_out_of_office = read_out_of_office
        self.away = OutOfOffice(client)

    @property
    def out_of_office_denied(self) -> bool:
        return self.away.denied

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        reading = BusyReading()
        tally = Tally()
        windows = list(chunks(window))
        grouped = list(enumerate(batches(people)))
        jobs = [(index, batch) for index, batch in grouped for _ in windows]
        listings: EarlyListings | None = None
        candidates: AwayCandidates | None = None
        if self.read_out_of_office and not self.away.denied:
            threads = self.client.settings.parallel_requests
            listings = EarlyListings(self.away, window, tally, threads)
            candidates = AwayCandidates(len(windows), listings.add)

        def take(job: tuple[int, list[CalendarRef]], answer: Any) -> BusyReading:
            index, batch = job
            result = self.take(batch, answer)
            if candidates is not None:  # their listings need not wait for the others' answers
                candidates.take(index, batch, result)
            return result

        # every freeBusy request of the night in one batch round trip per 50, each answer
        # made busy time as it arrives: the answers of the whole organisation are not held
        calls = [self.freebusy(batch, chunk) for _, batch in grouped for chunk in windows]
        send = partial(batching.run, self.client, calls, tally=tally)
        try:
            results = answers_taken(jobs, send, take, BusyReading)
        except BaseException:
            if listings is not None:  # no listing outlives the read that wanted it
                listings.abandon()
            raise
        busy: dict[str, list[BusyBlock]] = {}
        for result in results:
            for email, blocks in result.busy.items():
                busy.setdefault(email, []).extend(blocks)
            reading.errors.update(result.errors)
        readable = [p for p in people if p.email not in reading.errors]
        if listings is not None:
            for email, blocks in listings.finish().items():
                busy.setdefault(email, []).extend(blocks)
        for person in readable:
            reading.busy[person.email] = clip(busy.get(person.email, []), window)
        reading.requests = tally.made
        return reading

    def freebusy(self, batch: list[CalendarRef], chunk: Interval) -> batching.Call:
        subject = self.default_subject or batch[0].email
        body = {
            "timeMin": rfc3339(chunk.start),
            "timeMax": rfc3339(chunk.end),
            "timeZone": "UTC",
            "items": [{"id": person.email} for person in batch],
        }
        return batching.Call(
            "freeBusy", subject, (SCOPE_FREEBUSY,), lambda cal: cal.freebusy().query(body=body)
        )

    def take(self, batch: list[CalendarRef], answer: Any) -> BusyReading:
        """What one freeBusy request answered for these people (or why it failed)."""
        result = BusyReading()
        if isinstance(answer, Exception):
            message = describe(answer)
            result.errors = {person.email: message for person in batch}
            return result
        calendars: dict[str, Any] = answer.get("calendars", {})
        for person in batch:
            entry = _entry_for(calendars, person.email)
            if entry is None:
                result.errors[person.email] = "Google Calendar returned nothing for this calendar"
            elif entry.get("errors"):
                reasons = [str(e.get("reason", "error")) for e in entry["errors"]]
                result.errors[person.email] = calendar_errors(reasons)
            else:
                result.busy[person.email] = [
                    BusyBlock(utc_instant(b["start"]), utc_instant(b["end"]))
                    for b in entry.get("busy", [])
                ]
        return result


def _entry_for(calendars: dict[str, Any], email: str) -> Any:
    """Google echoes calendar ids as given, but compare case-insensitively to be safe."""
    if email in calendars:
        return calendars[email]
    lowered = {key.lower(): value for key, value in calendars.items()}
    return lowered.get(email.lower())
