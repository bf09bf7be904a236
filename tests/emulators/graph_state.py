"""In-memory Exchange mailboxes as Graph shows them: events, series, exceptions, copies.

Every method takes the store's re-entrant lock, so the HTTP threads and the test thread can use
one store at once. Nothing here knows about HTTP or tokens.

Model: a mailbox holds single events and series masters. A master keeps its exceptions (patches
keyed by the occurrence's original start, ``2027-02-02T14:00:00Z``) and its cancelled
occurrences. Occurrence ids encode master id + original start. When an organizer creates a
meeting, every attendee with a mailbox here gets a copy (same ``iCalUId``, own ``id``,
``isOrganizer: false``, ``showAs: tentative`` until they accept); organizer changes propagate
to the copies, responses propagate back to the organizer's ``attendees[].status``.
"""

from __future__ import annotations

import base64
import copy
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import graph_time as gt
from .graph_errors import GraphError, bad_request, invalid_user, not_found

Event = dict[str, Any]

SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")
RESPONSES = ("none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded")
# Properties a client may send on POST/PATCH; read-only ones are accepted and ignored.
WRITABLE = {
    *("subject", "body", "start", "end", "location", "locations", "attendees", "recurrence"),
    *("showAs", "isAllDay", "sensitivity", "importance", "categories", "isReminderOn"),
    *("reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals"),
    *("transactionId", "singleValueExtendedProperties", "isOnlineMeeting", "hideAttendees"),
    *("onlineMeetingProvider", "originalStartTimeZone", "originalEndTimeZone", "organizer"),
}
READ_ONLY = {
    *("id", "@odata.etag", "@odata.type", "@odata.context", "createdDateTime", "changeKey"),
    *("lastModifiedDateTime", "iCalUId", "type", "seriesMasterId", "originalStart", "webLink"),
    *("isCancelled", "isOrganizer", "responseStatus", "bodyPreview", "hasAttachments"),
    *("onlineMeeting", "onlineMeetingUrl", "isDraft", "occurrenceId"),
}
# What an organizer's change carries to the attendees' copies.
SHARED = (
    *("subject", "body", "start", "end", "location", "locations", "recurrence", "isAllDay"),
    *("sensitivity", "importance", "attendees", "originalStartTimeZone", "originalEndTimeZone"),
)
_ICAL_PREFIX = "040000008200E00074C5B7101A82E008"
_OCCURRENCE_PREFIX = "AAMkOC"
NO_TIME = "0001-01-01T00:00:00Z"


@dataclass
class Stored:
    data: Event  # times as given (original zones); type singleInstance or seriesMaster
    exceptions: dict[str, Event] = field(default_factory=dict)  # original start -> patch
    cancelled: set[str] = field(default_factory=set)
    seq: int = 0  # store-wide change number of the last change (for delta)
    # parsed start and end of a single event, with the raw values they were parsed from
    bounds: tuple[tuple[str, str], tuple[datetime, datetime]] | None = field(
        default=None, repr=False, compare=False
    )


@dataclass
class Removal:
    seq: int
    stored: Stored  # a snapshot of what was removed
    key: str | None  # an occurrence's original start, or None for the whole item


@dataclass
class Mailbox:
    email: str
    user_id: str
    name: str
    timezone: str
    working_hours: dict[str, Any]
    events: dict[str, Stored] = field(default_factory=dict)
    transactions: dict[str, str] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)


@dataclass(frozen=True)
class WriteRecord:
    """One event write through the API (``notified``: attendees got a message)."""

    kind: str  # events.create / events.patch / events.delete / events.cancel
    mailbox: str
    event_id: str
    notified: bool
    recipients: tuple[str, ...]
    comment: str | None = None
    client_id: str | None = None


def new_id() -> str:
    return "AAMkAG" + base64.urlsafe_b64encode(secrets.token_bytes(35)).decode()


def occurrence_id(master_id: str, key: str) -> str:
    """The id of a series' occurrence (key: original start as ``2027-02-02T14:00:00Z``)."""
    return _OCCURRENCE_PREFIX + base64.urlsafe_b64encode(f"{master_id}|{key}".encode()).decode()


def split_occurrence_id(event_id: str) -> tuple[str, str] | None:
    if not event_id.startswith(_OCCURRENCE_PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(event_id[len(_OCCURRENCE_PREFIX) :]).decode()
    except ValueError:
        return None
    master, sep, key = raw.rpartition("|")
    return (master, key) if sep else None


def _ical_uid() -> str:
    return _ICAL_PREFIX + "00000000" + secrets.token_hex(36).upper()


def _occurrence_uid(uid: str, local_date: datetime) -> str:
    day = f"{local_date.year:04X}{local_date.month:02X}{local_date.day:02X}"
    return uid[:32] + day + uid[40:] if uid.startswith(_ICAL_PREFIX) else uid


def _same(value: Any) -> Any:
    return value


def _address(entry: Any) -> str:
    return str(((entry or {}).get("emailAddress") or {}).get("address") or "").lower()


def _now() -> str:
    return gt.now_stamp()


class GraphStore:
    """Mailboxes keyed by lower-case address (and user id), plus the write log."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.mailboxes: dict[str, Mailbox] = {}
        self.user_ids: dict[str, str] = {}
        self.writes: list[WriteRecord] = []
        self.seq = 0
        self.delta_epoch = 0
        # Stored items by iCalUId, in the order they were stored, and each mailbox's place in
        # `mailboxes`: finding an event's copies needs no walk over every mailbox's events.
        self.by_uid: dict[str, list[tuple[Mailbox, Stored]]] = {}
        self.position: dict[str, int] = {}

    # ----------------------------------------------------------------- mailboxes

    def add_user(
        self, email: str, timezone: str, working_hours: dict[str, Any] | None, name: str | None
    ) -> Mailbox:
        gt.zone(timezone)
        hours = copy.deepcopy(working_hours) or {
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "startTime": "08:00:00.0000000",
            "endTime": "17:00:00.0000000",
            "timeZone": {"name": timezone},
        }
        hours.setdefault("timeZone", {"name": timezone})
        with self.lock:
            box = Mailbox(email.lower(), str(uuid.uuid4()), name or email, timezone, hours)
            self.mailboxes[box.email] = box
            self.position.setdefault(box.email, len(self.position))
            self.user_ids[box.user_id] = box.email
            return box

    def find_mailbox(self, user: str) -> Mailbox | None:
        with self.lock:
            key = user.lower()
            return self.mailboxes.get(self.user_ids.get(key, key))

    def mailbox(self, user: str) -> Mailbox:
        box = self.find_mailbox(user)
        if box is None:
            raise invalid_user(user)
        return box

    def _touch(self, stored: Stored) -> None:
        self.seq += 1
        stored.seq = self.seq
        stored.data["lastModifiedDateTime"] = _now()
        stored.data["changeKey"] = base64.b64encode(secrets.token_bytes(12)).decode()

    def _log(self, kind: str, box: Mailbox, event_id: str, data: Event, **extra: Any) -> None:
        others = tuple(
            a for a in (_address(x) for x in data.get("attendees") or []) if a and a != box.email
        )
        notified = bool(others) and bool(data.get("isOrganizer", True))
        self.writes.append(WriteRecord(kind, box.email, event_id, notified, others, **extra))

    # ----------------------------------------------------------------- lookup

    def find(self, box: Mailbox, event_id: str) -> tuple[Stored, str | None]:
        """The stored item and, for an occurrence id, its original start."""
        with self.lock:
            if event_id in box.events:
                return box.events[event_id], None
            split = split_occurrence_id(event_id)
            if split is not None and split[0] in box.events:
                stored, key = box.events[split[0]], split[1]
                if key in stored.cancelled:
                    raise not_found()
                try:
                    valid = key in stored.exceptions or gt.is_occurrence(
                        stored.data, gt.from_stamp(key)
                    )
                except ValueError:
                    valid = False
                if valid:
                    return stored, key
            raise not_found()

    def get(self, box: Mailbox, event_id: str) -> Event:
        with self.lock:
            stored, key = self.find(box, event_id)
            return self.occurrence(stored, key) if key else copy.deepcopy(stored.data)

    def occurrence(self, stored: Stored, key: str, *, shared: bool = False) -> Event:
        """One occurrence of a series (an ``exception`` if it has been changed). ``shared``:
        its values are the master's own objects, for a caller that only reads them."""
        master = stored.data
        occ = gt.occurrence_at(master, gt.from_stamp(key))
        copier = _same if shared else copy.deepcopy
        out = {k: copier(v) for k, v in master.items() if k != "recurrence"}
        out["recurrence"] = None
        out["id"] = occurrence_id(master["id"], key)
        out["type"] = "occurrence"
        out["seriesMasterId"] = master["id"]
        out["originalStart"] = key
        out["iCalUId"] = _occurrence_uid(
            master["iCalUId"], occ.original.astimezone(gt.series_zone(master))
        )
        out["start"] = gt.when(occ.start, master["start"]["timeZone"])
        out["end"] = gt.when(occ.end, master["end"]["timeZone"])
        patch = stored.exceptions.get(key)
        if patch:
            out.update(copier(patch))
            out["type"] = "exception"
        return out

    def expand(
        self, stored: Stored, lower: datetime, upper: datetime, *, shared: bool = False
    ) -> list[Event]:
        """Occurrences and exceptions of a series overlapping ``[lower, upper)``."""
        keys = {o.key for o in gt.occurrences(stored.data, lower, upper)} | set(stored.exceptions)
        found = []
        for key in sorted(keys - stored.cancelled):
            event = self.occurrence(stored, key, shared=shared)
            start, end = gt.point(event["start"], "start"), gt.point(event["end"], "end")
            if start < upper and (end > lower or (start == end and start >= lower)):
                found.append(event)
        return sorted(found, key=lambda e: gt.point(e["start"], "start"))

    def view(
        self,
        box: Mailbox,
        lower: datetime,
        upper: datetime,
        *,
        shared: bool = False,
        worth: Callable[[Stored], bool] | None = None,
    ) -> list[Event]:
        """calendarView: single events and occurrences overlapping ``[lower, upper)``.
        ``shared``: without copying what is stored, for a caller that only reads it;
        ``worth``: the stored items that can be shown at all (the others are skipped)."""
        with self.lock:
            found: list[Event] = []
            for stored in box.events.values():
                if worth is None or worth(stored):
                    found.extend(self._view_of(stored, lower, upper, shared=shared))
            return sorted(found, key=lambda e: gt.point(e["start"], "start"))

    def timed_view(
        self, box: Mailbox, lower: datetime, upper: datetime
    ) -> list[tuple[datetime, datetime, Event]]:
        """What ``view(..., shared=True)`` shows, each with its start and end already parsed
        and in the same order; for getSchedule, which reads many mailboxes per request."""
        with self.lock:
            found: list[tuple[datetime, datetime, Event]] = []
            for stored in box.events.values():
                if stored.data.get("type") != "seriesMaster":
                    start, end = self._bounds(stored)
                    if start < upper and end > lower:
                        found.append((start, end, stored.data))
                    continue
                generated = {o.key: o for o in gt.occurrences(stored.data, lower, upper)}
                for key in sorted((set(generated) | set(stored.exceptions)) - stored.cancelled):
                    if key in stored.exceptions or key not in generated:
                        event = self.occurrence(stored, key, shared=True)
                        start = gt.point(event["start"], "start")
                        end = gt.point(event["end"], "end")
                        if start < upper and (end > lower or (start == end and start >= lower)):
                            found.append((start, end, event))
                        continue
                    occ = generated[key]
                    event = {k: v for k, v in stored.data.items() if k != "recurrence"}
                    event["type"] = "occurrence"
                    found.append((occ.start, occ.end, event))
            found.sort(key=lambda item: item[0])
            return found

    @staticmethod
    def _bounds(stored: Stored) -> tuple[datetime, datetime]:
        data = stored.data
        key = (str(data["start"]), str(data["end"]))
        if stored.bounds is None or stored.bounds[0] != key:
            bounds = gt.point(data["start"], "start"), gt.point(data["end"], "end")
            stored.bounds = (key, bounds)
        return stored.bounds[1]

    def _view_of(
        self, stored: Stored, lower: datetime, upper: datetime, *, shared: bool = False
    ) -> list[Event]:
        if stored.data.get("type") == "seriesMaster":
            return self.expand(stored, lower, upper, shared=shared)
        start = gt.point(stored.data["start"], "start")
        end = gt.point(stored.data["end"], "end")
        if not (start < upper and end > lower):
            return []
        return [stored.data if shared else copy.deepcopy(stored.data)]

    def copies(self, uid: str, exclude: Mailbox | None = None) -> list[tuple[Mailbox, Stored]]:
        """Every stored item with this ``iCalUId`` (organizer's and attendees')."""
        found = [
            (box, stored)
            for box, stored in self.by_uid.get(uid, [])
            if box is not exclude
            and self.mailboxes.get(box.email) is box
            and box.events.get(stored.data["id"]) is stored
            and stored.data.get("iCalUId") == uid
        ]
        # mailbox by mailbox, each in the order its events were stored, as a walk would find
        found.sort(key=lambda item: self.position[item[0].email])
        return found

    def _index(self, box: Mailbox, stored: Stored) -> None:
        self.by_uid.setdefault(stored.data["iCalUId"], []).append((box, stored))

    # ----------------------------------------------------------------- validation

    def _clean(self, body: Any, *, occurrence: bool = False) -> Event:
        if not isinstance(body, dict):
            raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
        unknown = [k for k in body if k not in WRITABLE | READ_ONLY]
        if unknown:
            raise GraphError(
                400,
                "RequestBodyRead",
                f"The property '{unknown[0]}' does not exist on type 'microsoft.graph.event'. "
                "Make sure to only use property names that are defined by the type or mark the "
                "type as open type.",
            )
        data = {k: copy.deepcopy(v) for k, v in body.items() if k in WRITABLE}
        if occurrence and data.get("recurrence"):
            raise bad_request("An occurrence or exception cannot have a recurrence.")
        if "showAs" in data and data["showAs"] not in SHOW_AS:
            raise bad_request(f"Cannot convert the literal '{data['showAs']}' to FreeBusyStatus.")
        for prop in data.get("singleValueExtendedProperties") or []:
            if not isinstance(prop, dict) or not isinstance(prop.get("id"), str):
                raise bad_request("An extended property needs an 'id' and a 'value'.")
            if not isinstance(prop.get("value"), str):
                raise bad_request("An extended property value must be a string.")
        if "attendees" in data:
            data["attendees"] = [self._attendee(a) for a in data["attendees"] or []]
        return data

    @staticmethod
    def _attendee(entry: Any) -> Event:
        address = _address(entry)
        if not address:
            raise bad_request("An attendee needs an emailAddress with an address.")
        email = dict(entry["emailAddress"])
        email.setdefault("name", email["address"])
        status = entry.get("status") or {"response": "none", "time": NO_TIME}
        return {"type": entry.get("type") or "required", "status": status, "emailAddress": email}

    @staticmethod
    def _check_times(event: Event) -> None:
        start, end = gt.point(event.get("start"), "start"), gt.point(event.get("end"), "end")
        if end < start:
            raise bad_request("The event's end must not be before its start.")
        if event.get("isAllDay") and (start.time().isoformat() != "00:00:00" or end == start):
            raise bad_request(
                "An all-day event must start and end at midnight.", "ErrorPropertyValidationFailure"
            )
        recurrence = event.get("recurrence")
        if recurrence:
            rng = recurrence.get("range") or {}
            if not rng.get("startDate"):
                raise GraphError(
                    400, "ErrorPropertyValidationFailure", "The recurrence range needs a startDate."
                )
            rng.setdefault("recurrenceTimeZone", event["start"]["timeZone"])
            rng.setdefault("type", "noEnd")
            recurrence["range"] = rng
            gt.validate_recurrence(event)

    # ----------------------------------------------------------------- writes

    def create(
        self,
        box: Mailbox,
        body: Any,
        *,
        client_id: str | None = None,
        log: bool = True,
        organizer: str | None = None,
    ) -> tuple[Event, bool]:
        """A new event in ``box`` (``organizer``: an invitation from someone else).

        Returns the stored event and whether it is new (a repeated ``transactionId`` answers
        the event created first).
        """
        data = self._clean(body)
        with self.lock:
            tid = data.get("transactionId")
            if tid and tid in box.transactions and box.transactions[tid] in box.events:
                return copy.deepcopy(box.events[box.transactions[tid]].data), False
            self._check_times(data)
            event = self._new_event(box, data, organizer)
            stored = Stored(event)
            self._touch(stored)
            box.events[event["id"]] = stored
            self._index(box, stored)
            if tid:
                box.transactions[tid] = event["id"]
            if event["isOrganizer"]:
                self._invite(box, stored, event.get("attendees") or [])
            if log:
                self._log("events.create", box, event["id"], event, client_id=client_id)
            return copy.deepcopy(event), True

    def _new_event(self, box: Mailbox, data: Event, organizer: str | None) -> Event:
        now = _now()
        body = data.get("body") or {"contentType": "text", "content": ""}
        own = organizer is None or organizer.lower() == box.email
        event: Event = {
            "id": new_id(),
            "createdDateTime": now,
            "lastModifiedDateTime": now,
            "changeKey": "",
            "categories": data.get("categories") or [],
            "transactionId": data.get("transactionId"),
            "originalStartTimeZone": data["start"]["timeZone"],
            "originalEndTimeZone": data["end"]["timeZone"],
            "iCalUId": _ical_uid(),
            "reminderMinutesBeforeStart": data.get("reminderMinutesBeforeStart", 15),
            "isReminderOn": data.get("isReminderOn", True),
            "hasAttachments": False,
            "subject": data.get("subject") or "",
            "importance": data.get("importance") or "normal",
            "sensitivity": data.get("sensitivity") or "normal",
            "isAllDay": bool(data.get("isAllDay")),
            "isCancelled": False,
            "isOrganizer": own,
            "responseRequested": data.get("responseRequested", True),
            "seriesMasterId": None,
            "showAs": data.get("showAs") or "busy",
            "type": "seriesMaster" if data.get("recurrence") else "singleInstance",
            "isOnlineMeeting": bool(data.get("isOnlineMeeting")),
            "allowNewTimeProposals": data.get("allowNewTimeProposals", True),
            "isDraft": False,
            "hideAttendees": bool(data.get("hideAttendees")),
            "responseStatus": {"response": "organizer" if own else "accepted", "time": NO_TIME},
            "body": {
                "contentType": body.get("contentType") or "text",
                "content": body.get("content") or "",
            },
            "start": data["start"],
            "end": data["end"],
            "location": data.get("location") or {"displayName": ""},
            "locations": data.get("locations") or [],
            "recurrence": data.get("recurrence"),
            "attendees": data.get("attendees") or [],
            "organizer": {"emailAddress": {"name": box.name, "address": box.email}},
            "singleValueExtendedProperties": data.get("singleValueExtendedProperties") or [],
        }
        if not own:
            event["organizer"] = {"emailAddress": {"name": organizer, "address": organizer}}
        event["webLink"] = f"https://outlook.office365.com/owa/?itemid={event['id']}"
        return event

    def _invite(self, box: Mailbox, stored: Stored, attendees: list[Event]) -> None:
        """Copies for attendees with a mailbox here who do not have one yet."""
        if not attendees:
            return
        uid = stored.data["iCalUId"]
        have = {b.email for b, _ in self.copies(uid)}
        for attendee in attendees:
            target = self.mailboxes.get(_address(attendee))
            if target is None or target.email in have or target is box:
                continue
            data = copy.deepcopy(stored.data)
            data.update(
                id=new_id(),
                isOrganizer=False,
                transactionId=None,
                showAs="tentative" if data["showAs"] != "free" else "free",
                responseStatus={"response": "notResponded", "time": NO_TIME},
                singleValueExtendedProperties=[],
            )
            data["webLink"] = f"https://outlook.office365.com/owa/?itemid={data['id']}"
            invited = Stored(data, copy.deepcopy(stored.exceptions), set(stored.cancelled))
            self._touch(invited)
            target.events[data["id"]] = invited
            self._index(target, invited)
            have.add(target.email)

    def patch(
        self,
        box: Mailbox,
        event_id: str,
        body: Any,
        *,
        client_id: str | None = None,
        log: bool = True,
    ) -> Event:
        with self.lock:
            stored, key = self.find(box, event_id)
            data = self._clean(body, occurrence=key is not None)
            data.pop("transactionId", None)
            if key is not None:
                self._patch_occurrence(box, stored, key, data)
                result = self.occurrence(stored, key)
            else:
                self._patch_item(box, stored, data)
                result = copy.deepcopy(stored.data)
            if log:
                self._log("events.patch", box, event_id, result, client_id=client_id)
            return result

    def _patch_item(self, box: Mailbox, stored: Stored, data: Event) -> None:
        before = copy.deepcopy(stored.data)
        props = data.pop("singleValueExtendedProperties", None)
        merged = {**stored.data, **data}
        self._check_times(merged)
        merged["type"] = "seriesMaster" if merged.get("recurrence") else "singleInstance"
        moved = any(merged.get(k) != before.get(k) for k in ("start", "end", "recurrence"))
        if moved and before["type"] == "seriesMaster":
            self._forget(box, Stored(before, stored.exceptions, stored.cancelled))
            stored.exceptions, stored.cancelled = {}, set()
        for name in ("start", "end"):
            if name in data:
                merged[f"original{name.title()}TimeZone"] = data[name]["timeZone"]
        if props:
            kept = {p["id"].lower(): p for p in merged["singleValueExtendedProperties"]}
            kept.update({p["id"].lower(): p for p in props})
            merged["singleValueExtendedProperties"] = list(kept.values())
        stored.data = merged
        self._touch(stored)
        if not stored.data.get("isOrganizer"):
            return
        shared = {k: copy.deepcopy(merged.get(k)) for k in SHARED}
        removed = {_address(a) for a in before.get("attendees") or []} - {
            _address(a) for a in merged.get("attendees") or []
        }
        for other, item in self.copies(merged["iCalUId"], exclude=box):
            if other.email in removed:
                self._cancel_copy(item)
                continue
            if moved and item.data.get("type") == "seriesMaster":
                self._forget(
                    other, Stored(copy.deepcopy(item.data), item.exceptions, item.cancelled)
                )
                item.exceptions, item.cancelled = {}, set()
            item.data.update(copy.deepcopy(shared))
            self._touch(item)
        self._invite(box, stored, merged.get("attendees") or [])

    def _forget(self, box: Mailbox, old: Stored, key: str | None = None) -> None:
        """Remember for delta that what ``old`` showed is gone (the series moved or was deleted)."""
        self.seq += 1
        box.removals.append(Removal(self.seq, old, key))

    def _patch_occurrence(self, box: Mailbox, stored: Stored, key: str, data: Event) -> None:
        data.pop("singleValueExtendedProperties", None)
        current = {**self.occurrence(stored, key), **data}
        self._check_times(current)
        for name in ("start", "end"):
            if name in data:
                data[f"original{name.title()}TimeZone"] = data[name]["timeZone"]
        stored.exceptions[key] = {**stored.exceptions.get(key, {}), **data}
        self._touch(stored)
        if stored.data.get("isOrganizer"):
            shared = {k: v for k, v in data.items() if k in SHARED}
            for _, item in self.copies(stored.data["iCalUId"], exclude=box):
                if shared:
                    item.exceptions[key] = {**item.exceptions.get(key, {}), **copy.deepcopy(shared)}
                    self._touch(item)

    def _cancel_copy(self, item: Stored) -> None:
        if not item.data.get("isCancelled"):
            item.data["isCancelled"] = True
            item.data["subject"] = "Canceled: " + item.data.get("subject", "")
            self._touch(item)

    def delete(
        self,
        box: Mailbox,
        event_id: str,
        *,
        kind: str = "events.delete",
        comment: str | None = None,
        client_id: str | None = None,
        log: bool = True,
    ) -> None:
        """Delete (or, with ``kind="events.cancel"``, cancel) an event or one occurrence."""
        with self.lock:
            stored, key = self.find(box, event_id)
            organizer = bool(stored.data.get("isOrganizer"))
            if kind == "events.cancel" and not organizer:
                raise bad_request(
                    "Your request can't be completed. You need to be an organizer to cancel a "
                    "meeting."
                )
            snapshot = self.occurrence(stored, key) if key else copy.deepcopy(stored.data)
            if key is not None:
                stored.cancelled.add(key)
                stored.exceptions.pop(key, None)
                self._touch(stored)
                self._forget(box, stored, key)
            else:
                del box.events[stored.data["id"]]
                self._forget(box, stored)
            if organizer:
                for other, item in self.copies(stored.data["iCalUId"], exclude=box):
                    if key is None:
                        self._cancel_copy(item)
                    else:
                        item.cancelled.add(key)
                        item.exceptions.pop(key, None)
                        self._touch(item)
                        self._forget(other, item, key)
            if log:
                self._log(kind, box, event_id, snapshot, comment=comment, client_id=client_id)

    def respond(self, box: Mailbox, event_id: str, attendee: str, response: str) -> Event:
        """``attendee`` answers an invitation; ``event_id`` may be any copy's id or occurrence."""
        if response not in RESPONSES:
            raise ValueError(f"response must be one of {RESPONSES}")
        with self.lock:
            stored, key = self.find(box, event_id)
            uid, who, when = stored.data["iCalUId"], attendee.lower(), _now()
            status = {"response": response, "time": when}
            result: Event | None = None
            for _, item in self.copies(uid):
                if item.data.get("isOrganizer"):
                    current = self.occurrence(item, key) if key else item.data
                    attendees = copy.deepcopy(current.get("attendees") or [])
                    for entry in attendees:
                        if _address(entry) == who:
                            entry["status"] = dict(status)
                    self._set(item, key, {"attendees": attendees})
                    result = self.occurrence(item, key) if key else copy.deepcopy(item.data)
                elif _address(item.data.get("organizer")) != who and self._owner(item) == who:
                    show = {
                        "accepted": self._organizer_show_as(uid),
                        "tentativelyAccepted": "tentative",
                    }
                    change: Event = {"responseStatus": dict(status)}
                    if response in show:
                        change["showAs"] = show[response]
                    self._set(item, key, change)
            if result is None:
                raise not_found()
            return result

    def _set(self, item: Stored, key: str | None, change: Event) -> None:
        if key is None:
            item.data.update(change)
        else:
            item.exceptions[key] = {**item.exceptions.get(key, {}), **change}
        self._touch(item)

    def _owner(self, item: Stored) -> str:
        for box in self.mailboxes.values():
            if box.events.get(item.data["id"]) is item:
                return box.email
        return ""

    def _organizer_show_as(self, uid: str) -> str:
        for _, item in self.copies(uid):
            if item.data.get("isOrganizer"):
                return str(item.data.get("showAs") or "busy")
        return "busy"
