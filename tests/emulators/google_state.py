"""In-memory model of Google calendars: events, series, exceptions, sync state, free/busy.

All methods take the store's re-entrant lock, so the HTTP threads and the test thread can use
one store at once. Nothing here knows about HTTP or tokens: callers pass the acting user.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import google_recurrence as rec
from .google_errors import ApiError

Event = dict[str, Any]
Query = dict[str, list[str]]

EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
INSERTABLE_TYPES = {"default", "outOfOffice", "focusTime", "workingLocation"}
# Fields the server owns: a PUT keeps them, a client cannot change them.
SERVER_FIELDS = (
    "id",
    "created",
    "iCalUID",
    "organizer",
    "creator",
    "recurringEventId",
    "originalStartTime",
    "kind",
    "etag",
    "updated",
    "htmlLink",
    "sequence",
)


@dataclass
class Stored:
    data: Event
    seq: int
    # parsed start and end (free/busy), with the raw values they were parsed from
    bounds: tuple[tuple[str, str, str], tuple[datetime, datetime]] | None = field(
        default=None, repr=False, compare=False
    )


@dataclass
class Calendar:
    owner: str
    timezone: str
    events: dict[str, Stored] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteRecord:
    """One event write through the API, for asserting notifications (``sendUpdates``)."""

    kind: str
    calendar: str
    event_id: str
    send_updates: str | None
    subject: str | None


def one(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def flag(query: Query, name: str) -> bool:
    return (one(query, name) or "false").lower() == "true"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def b64(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()


def unb64(token: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError) as exc:
        raise ValueError(token) from exc
    if not isinstance(value, dict):
        raise ValueError(token)
    return value


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


def copy_event(event: Event) -> Event:
    copied: Event = _copy(event)
    return copied


def _merge(base: Event, patch: Event) -> Event:
    """PATCH semantics: objects merge, arrays and scalars replace, ``null`` removes."""
    out = copy_event(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif key in ("start", "end") and isinstance(value, dict):
            # switching to an all-day date drops dateTime/timeZone; a new dateTime keeps timeZone
            kept = (
                {}
                if "date" in value
                else {k: v for k, v in out.get(key, {}).items() if k != "date"}
            )
            out[key] = {**kept, **_copy(value)}
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = _copy(value)
    return out


def _attendee(event: Event, email: str) -> Event | None:
    for attendee in event.get("attendees") or []:
        if str(attendee.get("email", "")).lower() == email.lower():
            return dict(attendee)
    return None


class CalendarStore:
    """Calendars keyed by owner email, plus sharing, sync epochs and the write log."""

    def __init__(self, max_freebusy_days: int = 62, max_freebusy_items: int = 50) -> None:
        self.lock = threading.RLock()
        self.calendars: dict[str, Calendar] = {}
        self.shares: dict[tuple[str, str], str] = {}
        # users whose free/busy is not shared inside the organisation (Admin console setting)
        self.freebusy_hidden: set[str] = set()
        self.writes: list[WriteRecord] = []
        self.max_freebusy_days = max_freebusy_days
        self.max_freebusy_items = max_freebusy_items
        self.seq = 0
        self.sync_epoch = 0
        # Which calendars hold an event id, and each calendar's place in `calendars`: a write
        # reaches the copies it concerns without visiting every calendar (large organisations).
        self.holders: dict[str, set[str]] = {}
        self.position: dict[str, int] = {}

    # ----------------------------------------------------------------- calendars & access

    def add_user(self, email: str, timezone: str = "UTC") -> None:
        rec.zone(timezone)
        with self.lock:
            self.calendars.setdefault(email.lower(), Calendar(email.lower(), timezone))
            self.position.setdefault(email.lower(), len(self.position))

    def share(self, owner: str, viewer: str, role: str = "reader") -> None:
        if role not in ("reader", "writer"):
            raise ValueError("role must be 'reader' or 'writer'")
        with self.lock:
            self.shares[(owner.lower(), viewer.lower())] = role

    def expire_sync_tokens(self) -> None:
        with self.lock:
            self.sync_epoch += 1

    def calendar(self, calendar_id: str, subject: str | None) -> Calendar:
        email = (subject if calendar_id == "primary" else calendar_id) or ""
        cal = self.calendars.get(email.lower())
        if cal is None:
            raise ApiError(404, "notFound")
        return cal

    def access_role(self, cal: Calendar, subject: str | None) -> str | None:
        if subject and subject.lower() == cal.owner:
            return "owner"
        return self.shares.get((cal.owner, (subject or "").lower()))

    def readable(self, calendar_id: str, subject: str | None) -> Calendar:
        cal = self.calendar(calendar_id, subject)
        if self.access_role(cal, subject) is None:
            raise ApiError(404, "notFound")
        return cal

    def writable(self, calendar_id: str, subject: str | None) -> Calendar:
        cal = self.readable(calendar_id, subject)
        if self.access_role(cal, subject) not in ("owner", "writer"):
            raise ApiError(403, "requiredAccessLevel")
        return cal

    # ----------------------------------------------------------------- storing & copies

    def _store(self, cal: Calendar, data: Event, *, propagate: bool = True) -> Event:
        with self.lock:
            self.seq += 1
            data["updated"] = _now()
            data["etag"] = f'"{3_000_000_000_000_000 + self.seq}"'
            cal.events[data["id"]] = Stored(data, self.seq)
            self.holders.setdefault(data["id"], set()).add(cal.owner)
            organizer = str(data.get("organizer", {}).get("email", "")).lower()
            if propagate and organizer == cal.owner:
                self._propagate(cal, data)
            return data

    def _propagate(self, organizer: Calendar, data: Event) -> None:
        """Keep attendees' copies in step with the organizer's (authoritative) copy."""
        invited = {str(a.get("email", "")).lower() for a in data.get("attendees") or []}
        # only calendars holding this id or invited to it can change; visited in the order
        # of `calendars`, as a walk over all of them would
        concerned = (self.holders.get(data["id"], set()) | invited) & self.calendars.keys()
        for owner in sorted(concerned, key=self.position.__getitem__):
            cal = self.calendars[owner]
            if cal is organizer:
                continue
            existing = cal.events.get(data["id"])
            if existing is not None:
                existing_org = str(existing.data.get("organizer", {}).get("email", "")).lower()
                if existing_org != organizer.owner:
                    continue  # an unrelated event that happens to share the id
            mine = _attendee(data, cal.owner) or {}
            removed = existing is not None and existing.data.get("status") == "cancelled"
            if removed and mine.get("responseStatus") == "declined":
                continue  # the attendee removed it from their calendar (and so declined it)
            if cal.owner in invited:  # cancelled too: a cancelled occurrence must reach copies
                copy = _copy(data)
                own_private = (existing.data if existing else {}).get("extendedProperties", {})
                props = copy.setdefault("extendedProperties", {})
                props.pop("private", None)
                if "private" in own_private:
                    props["private"] = _copy(own_private["private"])
                if not props:
                    copy.pop("extendedProperties")
                self._store(cal, copy, propagate=False)
            elif existing is not None and existing.data.get("status") != "cancelled":
                self._store(cal, {**existing.data, "status": "cancelled"}, propagate=False)

    def _entry(self, cal: Calendar, event_id: str, *, materialize: bool) -> Event:
        """A copy of a stored event, or of a generated instance (``{id}_{stamp}``)."""
        stored = cal.events.get(event_id)
        if stored is not None:
            return copy_event(stored.data)
        split = rec.split_instance_id(event_id)
        if materialize and split is not None:
            master = cal.events.get(split[0])
            if master is not None and master.data.get("recurrence"):
                if master.data.get("status") == "cancelled":
                    raise ApiError(410, "deleted")
                occurrence = rec.occurrence_at(master.data, cal.timezone, split[1])
                if occurrence is not None:
                    return rec.make_instance(master.data, occurrence, cal.timezone)
        raise ApiError(404, "notFound")

    def _normalize_attendees(self, data: Event) -> None:
        organizer = str(data.get("organizer", {}).get("email", "")).lower()
        for attendee in data.get("attendees") or []:
            if str(attendee.get("email", "")).lower() == organizer:
                attendee["organizer"] = True
                attendee.setdefault("responseStatus", "accepted")
            attendee.setdefault("responseStatus", "needsAction")

    def _validate(self, cal: Calendar, data: Event) -> None:
        if "start" not in data:
            raise ApiError(400, "required", "Missing start time.")
        if "end" not in data:
            raise ApiError(400, "required", "Missing end time.")
        if data.get("eventType", "default") not in INSERTABLE_TYPES:
            raise ApiError(400, "invalid", f"Invalid event type: {data.get('eventType')}")
        if data.get("recurrence") and data.get("recurringEventId"):
            raise ApiError(400, "invalid", "An instance of a recurring event cannot recur.")
        rec.validate_times(data, cal.timezone)
        for key in ("start", "end", "originalStartTime"):
            when = data.get(key)
            if isinstance(when, dict) and "dateTime" in when:  # Google answers with offsets
                tz = rec.zone(when.get("timeZone") or cal.timezone)
                when["dateTime"] = rec.fmt_local(rec.point(when, tz, key), tz)

    # ----------------------------------------------------------------- API operations

    def insert(
        self,
        cal: Calendar,
        body: Event,
        subject: str | None,
        send: str | None,
        *,
        kind: str = "events.insert",
        organizer: str | None = None,
    ) -> Event:
        """Insert an event; ``organizer`` (seeding only) makes it someone else's invitation."""
        with self.lock:
            data = _copy(body)
            event_id = data.get("id") or uuid.uuid4().hex
            if not EVENT_ID.match(event_id):
                raise ApiError(400, "invalid", "Invalid resource id value.")
            if event_id in cal.events:
                raise ApiError(409, "duplicate")
            for name in SERVER_FIELDS:
                if name != "id":
                    data.pop(name, None)
            now = _now()
            data.update(
                kind="calendar#event",
                id=event_id,
                created=now,
                iCalUID=f"{event_id}@google.com",
                sequence=0,
                organizer={"email": (organizer or cal.owner).lower()},
                creator={"email": (subject or cal.owner).lower()},
                htmlLink=f"https://www.google.com/calendar/event?eid={event_id}",
            )
            data.setdefault("status", "confirmed")
            data.setdefault("eventType", "default")
            self._normalize_attendees(data)
            self._validate(cal, data)
            if kind.startswith("events."):
                self.writes.append(WriteRecord(kind, cal.owner, event_id, send, subject))
            return self._store(cal, data)

    def get(self, cal: Calendar, event_id: str) -> Event:
        with self.lock:
            data = self._entry(cal, event_id, materialize=True)
            if data.get("status") == "cancelled":
                raise ApiError(410, "deleted")
            return data

    def modify(
        self,
        cal: Calendar,
        event_id: str,
        body: Event,
        subject: str | None,
        send: str | None,
        *,
        replace: bool = False,
        kind: str = "events.patch",
    ) -> Event:
        """PATCH (merge) or PUT (replace) an event, an exception or a not-yet-modified instance."""
        with self.lock:
            current = self._entry(cal, event_id, materialize=True)
            restoring = body.get("status") in ("confirmed", "tentative")
            if current.get("status") == "cancelled" and not restoring:
                raise ApiError(410, "deleted")
            if replace:
                new = {k: _copy(v) for k, v in body.items() if k not in SERVER_FIELDS}
                new.update({k: current[k] for k in SERVER_FIELDS if k in current})
                new.setdefault("status", "confirmed")
                new.setdefault("eventType", current.get("eventType", "default"))
            else:
                new = _merge(current, {k: v for k, v in body.items() if k not in SERVER_FIELDS})
            if any(new.get(k) != current.get(k) for k in ("start", "end", "recurrence")):
                new["sequence"] = int(current.get("sequence", 0)) + 1
            self._normalize_attendees(new)
            self._validate(cal, new)
            if kind.startswith("events."):
                self.writes.append(WriteRecord(kind, cal.owner, event_id, send, subject))
            self._store(cal, new)
            self._relay_response(cal, current, new)
            return new

    def delete(
        self,
        cal: Calendar,
        event_id: str,
        subject: str | None,
        send: str | None,
        *,
        kind: str = "events.delete",
    ) -> None:
        with self.lock:
            current = self._entry(cal, event_id, materialize=True)
            if current.get("status") == "cancelled":
                raise ApiError(410, "deleted")
            if kind.startswith("events."):
                self.writes.append(WriteRecord(kind, cal.owner, event_id, send, subject))
            self._store(cal, {**current, "status": "cancelled"})
            if current.get("recurrence"):
                for stored in list(cal.events.values()):
                    child = stored.data
                    if child.get("recurringEventId") == event_id and child["status"] != "cancelled":
                        self._store(cal, {**child, "status": "cancelled"})
            # An attendee deleting their copy declines the invitation at the organizer.
            organizer = str(current.get("organizer", {}).get("email", "")).lower()
            invited = _attendee(current, cal.owner) is not None
            if invited and organizer != cal.owner and organizer in self.calendars:
                self.respond(organizer, event_id, cal.owner, "declined")

    def _relay_response(self, cal: Calendar, before: Event, after: Event) -> None:
        """An attendee changing their own responseStatus on their copy tells the organizer."""
        organizer = str(after.get("organizer", {}).get("email", "")).lower()
        mine_before, mine_after = _attendee(before, cal.owner), _attendee(after, cal.owner)
        if organizer == cal.owner or mine_after is None:
            return
        status = mine_after.get("responseStatus")
        if status != (mine_before or {}).get("responseStatus") and organizer in self.calendars:
            self.respond(organizer, after["id"], cal.owner, str(status))

    def respond(
        self,
        calendar_email: str,
        event_id: str,
        attendee: str,
        status: str,
        *,
        at_organizer: bool = True,
    ) -> Event:
        """Set one attendee's responseStatus on the organizer's copy (and so on every copy)."""
        with self.lock:
            cal = self.calendar(calendar_email, None)
            data = self._entry(cal, event_id, materialize=True)
            organizer = str(data.get("organizer", {}).get("email", "")).lower()
            if at_organizer and organizer != cal.owner and organizer in self.calendars:
                cal = self.calendars[organizer]
                data = self._entry(cal, event_id, materialize=True)
            found = False
            for entry in data.get("attendees") or []:
                if str(entry.get("email", "")).lower() == attendee.lower():
                    entry["responseStatus"] = status
                    found = True
            if not found:
                raise ApiError(400, "invalid", f"{attendee} is not an attendee of {event_id}")
            return self._store(cal, data)

    # ----------------------------------------------------------------- reading

    def _series_entries(self, cal: Calendar, master: Event) -> list[Event]:
        return [
            s.data for s in cal.events.values() if s.data.get("recurringEventId") == master["id"]
        ]

    def expand(
        self, cal: Calendar, master: Event, start: datetime | None, end: datetime | None
    ) -> list[Event]:
        """Instances of a series in a window, exceptions (moved/cancelled) taking their place."""
        out: dict[str, Event] = {}
        exceptions = {e["id"]: e for e in self._series_entries(cal, master)}
        for occurrence in rec.occurrences(master, cal.timezone, start, end):
            iid = rec.instance_id(master["id"], occurrence)
            if iid not in exceptions:
                out[iid] = rec.make_instance(master, occurrence, cal.timezone)
        for iid, exception in exceptions.items():
            if self.overlaps(cal, exception, start, end):
                out[iid] = exception
        return sorted(out.values(), key=lambda e: self.start(cal, e))

    def start(self, cal: Calendar, event: Event) -> datetime:
        return rec.bounds(event, cal.timezone)[0]

    def overlaps(
        self, cal: Calendar, event: Event, lo: datetime | None, hi: datetime | None
    ) -> bool:
        if event.get("recurrence"):
            if rec.occurrences(event, cal.timezone, lo, hi):
                return True
            return any(self.overlaps(cal, e, lo, hi) for e in self._series_entries(cal, event))
        start, end = rec.bounds(event, cal.timezone)
        if hi is not None and start >= hi:
            return False
        return lo is None or end > lo or start >= lo

    # ----------------------------------------------------------------- views

    def render(self, cal: Calendar, event: Event) -> Event:
        """An event as seen in one calendar (``self`` flags, kind)."""
        out = copy_event(event)
        out.setdefault("kind", "calendar#event")
        organizer = out.get("organizer")
        if isinstance(organizer, dict) and str(organizer.get("email", "")).lower() == cal.owner:
            organizer["self"] = True
        for attendee in out.get("attendees") or []:
            if str(attendee.get("email", "")).lower() == cal.owner:
                attendee["self"] = True
        return out
