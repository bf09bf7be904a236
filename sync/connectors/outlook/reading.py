"""Busy time from Microsoft Graph getSchedule: at most 20 people per request, windows under
62 days, statuses mapped to busy or time off, and each person's Outlook working hours."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any

from sync.connectors.base import BusyReading, CalendarRef, clip
from sync.connectors.batch_rounds import answers_taken
from sync.connectors.outlook import batching
from sync.connectors.outlook.client import GraphClient, describe
from sync.connectors.outlook.schedule_answer import ScheduleItem, compact
from sync.connectors.outlook.times import iana_zone
from sync.connectors.request_count import Tally
from sync.model.values import BusyBlock, BusyKind, Interval, TimeRange, WorkingHours
from sync.model.weekdays import WEEKDAY_NAMES

SCHEDULE_BATCH = 20
MAX_SPAN = timedelta(days=60)
"""Graph refuses getSchedule windows of 62 days or more."""
UTC_PREFERENCE = {"Prefer": 'outlook.timezone="UTC"'}
FULL_DAYS = {name: WEEKDAY_NAMES.index(name[:3]) for name in (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
)}  # fmt: skip


def graph_request_time(instant: datetime) -> dict[str, str]:
    return {"dateTime": instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def chunks(window: Interval) -> Iterator[Interval]:
    start = window.start
    while start < window.end:
        end = min(window.end, start + MAX_SPAN)
        yield Interval(start, end)
        start = end


class GraphReader:
    def __init__(self, client: GraphClient, tentative_is_busy: bool) -> None:
        self.client = client
        self.tentative_is_busy = tentative_is_busy
        self.requester: str | None = None
        """The mailbox getSchedule is asked through for people of no team below (a verified
        manager)."""
        self.teams: Mapping[str, str] = {}
        """Each person's team's mailbox, by email: the manager's, an organiser the app writes
        to. A person's schedule is asked through it."""

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        # each person once, however often listed (a manager who also reports to another):
        # one schedule each is enough, and a person asked again below is taken in once
        people = list({person.email: person for person in people}.values())
        reading = self._read(people, window, self.through)
        # a team's mailbox an access policy leaves out fails its requests' twenty people,
        # who may be of another team too: they are asked again through the verified mailbox
        fallback = self.requester
        again = [p for p in people if p.email in reading.errors and self.through(p) != fallback]
        if fallback is None or not again:
            return reading
        second = self._read(again, window, lambda _: fallback)
        for person in again:
            if person.email in second.busy:
                del reading.errors[person.email]
                reading.busy[person.email] = second.busy[person.email]
                if person.email in second.working_hours:
                    reading.working_hours[person.email] = second.working_hours[person.email]
        reading.requests += second.requests
        return reading

    def _read(
        self,
        people: Sequence[CalendarRef],
        window: Interval,
        through: Callable[[CalendarRef], str],
    ) -> BusyReading:
        reading = BusyReading()
        tally = Tally()
        ordered = sorted(people, key=lambda p: p.email)
        # each request asks through the mailbox of its own people's team, so the requests
        # go through many mailboxes and a $batch carries 20 of them, not four
        by_team = sorted(ordered, key=through)
        batches = [
            (through(batch[0]), batch)
            for batch in (
                by_team[i : i + SCHEDULE_BATCH] for i in range(0, len(by_team), SCHEDULE_BATCH)
            )
        ]
        jobs = [(mailbox, batch, chunk) for mailbox, batch in batches for chunk in chunks(window)]
        # through JSON batching: 20 requests per round trip, four per mailbox; each answer
        # made busy time as it arrives, so the whole organisation's answers are not held
        calls = [self.schedule(*job) for job in jobs]
        send = partial(batching.run, self.client, calls, tally=tally, object_hook=compact)
        results = answers_taken([batch for _, batch, _ in jobs], send, self.take, BusyReading)
        busy: dict[str, list[BusyBlock]] = {}
        for result in results:
            reading.errors.update(result.errors)
            reading.working_hours.update(result.working_hours)
            for email, blocks in result.busy.items():
                busy.setdefault(email, []).extend(blocks)
        for person in ordered:
            if person.email not in reading.errors:
                reading.busy[person.email] = clip(busy.get(person.email, []), window)
        reading.working_hours = {
            email: hours for email, hours in reading.working_hours.items() if email in reading.busy
        }
        reading.requests = tally.made
        return reading

    def through(self, person: CalendarRef) -> str:
        """The mailbox `person`'s schedule is asked through."""
        return self.teams.get(person.email) or self.requester or person.email

    def schedule(self, requester: str, batch: list[CalendarRef], chunk: Interval) -> batching.Call:
        body = {
            "schedules": [person.email for person in batch],
            "startTime": graph_request_time(chunk.start),
            "endTime": graph_request_time(chunk.end),
            "availabilityViewInterval": 30,
        }
        url = batching.call("getSchedule", requester, "/calendar/getSchedule", {}).url
        return batching.Call("getSchedule", requester, url, "POST", body, UTC_PREFERENCE)

    def take(self, batch: list[CalendarRef], answer: Any) -> BusyReading:
        """What one getSchedule answered for these people (or why it failed for them)."""
        result = BusyReading()
        if isinstance(answer, Exception):
            result.errors = {person.email: describe(answer) for person in batch}
            return result
        by_address = {
            str(item.get("scheduleId", "")).lower(): item for item in answer.get("value", [])
        }
        for person in batch:
            item = by_address.get(person.email.lower())
            if item is None:
                result.errors[person.email] = "Microsoft Graph returned nothing for this mailbox"
            elif item.get("error"):
                problem = item["error"]
                code = problem.get("responseCode") or problem.get("message", "error")
                result.errors[person.email] = f"Microsoft Graph: {code}"
            else:
                result.busy[person.email] = self.blocks(item.get("scheduleItems", []))
                hours = working_hours(item.get("workingHours"))
                if hours is not None:
                    result.working_hours[person.email] = hours
        return result

    def blocks(self, items: list[ScheduleItem]) -> list[BusyBlock]:
        blocking = {"busy", "oof"} | ({"tentative"} if self.tentative_is_busy else set())
        blocks = []
        for item in items:
            if item.status not in blocking:
                continue
            kind = BusyKind.TIME_OFF if item.status == "oof" else BusyKind.BUSY
            blocks.append(BusyBlock(item.start, item.end, kind))
        return blocks


def working_hours(value: Any) -> WorkingHours | None:
    """Outlook's working hours, if the mailbox has them set in a usable form."""
    if not isinstance(value, dict):
        return None
    try:
        days = frozenset(FULL_DAYS[d.lower()] for d in value.get("daysOfWeek", []))
        start = time.fromisoformat(value["startTime"].split(".")[0])
        end = time.fromisoformat(value["endTime"].split(".")[0])
        zone = iana_zone(value.get("timeZone", {}).get("name", "UTC"))
    except (KeyError, ValueError, AttributeError):
        return None
    if not days or end <= start:
        return None
    return WorkingHours(days, TimeRange(start, end), zone)
