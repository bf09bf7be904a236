"""Read queries on the calendar model: events.list (paging, sync tokens), instances, freeBusy."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from . import google_recurrence as rec
from .google_errors import ApiError
from .google_state import Calendar, CalendarStore, Event, Query, Stored, b64, flag, one, unb64

SYNC_INCOMPATIBLE = (
    "timeMin",
    "timeMax",
    "updatedMin",
    "q",
    "orderBy",
    "iCalUID",
    "privateExtendedProperty",
    "sharedExtendedProperty",
)
Page = tuple[list[Event], str | None]


def list_events(
    store: CalendarStore, cal: Calendar, query: Query
) -> tuple[list[Event], str | None, str | None]:
    """``events.list``: (page of items, nextPageToken, nextSyncToken on the last page)."""
    with store.lock:
        since = None
        if one(query, "syncToken") is not None:
            clash = [name for name in SYNC_INCOMPATIBLE if name in query]
            if clash:
                raise ApiError(400, "invalid", f"Sync token cannot be used with {clash[0]}.")
            since = _decode_sync(store, cal, one(query, "syncToken") or "")
        lo, hi = _time(query, "timeMin"), _time(query, "timeMax")
        updated_min = _time(query, "updatedMin")
        single = flag(query, "singleEvents")
        if one(query, "orderBy") == "startTime" and not single:
            raise ApiError(
                400, "invalid", "The requested ordering is not available for the particular query."
            )
        show_deleted = flag(query, "showDeleted") or since is not None or updated_min is not None
        found: dict[str, Event] = {}
        for stored in sorted(cal.events.values(), key=lambda s: str(s.data["id"])):
            data = stored.data
            if since is not None and stored.seq <= since:
                continue
            if single and data.get("recurrence") and data.get("status") != "cancelled":
                found.update((e["id"], e) for e in store.expand(cal, data, lo, hi))
                continue
            master = cal.events.get(str(data.get("recurringEventId", "")))
            if single and since is None and master is not None and master.data.get("recurrence"):
                continue  # exceptions appear through their series' expansion
            if since is None and not store.overlaps(cal, data, lo, hi):
                continue
            found[data["id"]] = data
        items = [e for e in found.values() if _matches(e, query, show_deleted, single, updated_min)]
        if one(query, "orderBy") == "updated":
            items.sort(key=lambda e: (str(e.get("updated", "")), str(e["id"])))
        else:
            items.sort(key=lambda e: (store.start(cal, e), str(e["id"])))
        page, next_page = _page(store, items, query)
        sync = None
        if next_page is None:
            sync = b64({"c": cal.owner, "s": _snapshot(store, query), "e": store.sync_epoch})
        return page, next_page, sync


def instances(store: CalendarStore, cal: Calendar, event_id: str, query: Query) -> Page:
    """``events.instances`` of a series (a single event answers with itself)."""
    with store.lock:
        stored = cal.events.get(event_id)
        if stored is None:
            raise ApiError(404, "notFound")
        master = stored.data
        if master.get("status") == "cancelled":
            raise ApiError(410, "deleted")
        lo, hi = _time(query, "timeMin"), _time(query, "timeMax")
        if master.get("recurrence"):
            items = store.expand(cal, master, lo, hi)
        else:
            items = [master] if store.overlaps(cal, master, lo, hi) else []
        if not flag(query, "showDeleted"):
            items = [e for e in items if e.get("status") != "cancelled"]
        original = _time(query, "originalStart")
        if original is not None:
            tz = rec.zone(cal.timezone)
            items = [
                e
                for e in items
                if "originalStartTime" in e
                and rec.point(e["originalStartTime"], tz, "originalStart") == original
            ]
        return _page(store, items, query)


def _matches(
    event: Event, query: Query, show_deleted: bool, single: bool, updated_min: datetime | None
) -> bool:
    # Without showDeleted, Google still lists cancelled exceptions when singleEvents is false.
    hidden = single or not event.get("recurringEventId")
    if event.get("status") == "cancelled" and not show_deleted and hidden:
        return False
    types = query.get("eventTypes")
    if types and event.get("eventType", "default") not in types:
        return False
    props = event.get("extendedProperties") or {}
    for param, scope in (
        ("privateExtendedProperty", "private"),
        ("sharedExtendedProperty", "shared"),
    ):
        for constraint in query.get(param, []):
            key, sep, value = constraint.partition("=")
            if not sep:
                raise ApiError(400, "invalid", f"Invalid {param} value: {constraint}")
            if (props.get(scope) or {}).get(key) != value:
                return False
    ical_uid = one(query, "iCalUID")
    if ical_uid is not None and event.get("iCalUID") != ical_uid:
        return False
    text = (one(query, "q") or "").lower()
    fields = ("summary", "description", "location")
    if text and not any(text in str(event.get(k, "")).lower() for k in fields):
        return False
    return updated_min is None or rec.parse_rfc3339(str(event["updated"])) >= updated_min


def _time(query: Query, name: str) -> datetime | None:
    value = one(query, name)
    return rec.parse_rfc3339(value, name) if value is not None else None


def _fingerprint(query: Query) -> str:
    """Page tokens only work with the query they came from (as on Google)."""
    relevant = {k: sorted(v) for k, v in query.items() if k not in ("pageToken", "alt")}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _decode_page(token: str, query: Query) -> dict[str, Any]:
    try:
        decoded = unb64(token)
        int(decoded["o"]), int(decoded["s"])
    except (ValueError, KeyError) as exc:
        raise ApiError(400, "invalid", "Invalid page token.") from exc
    if decoded.get("f") != _fingerprint(query):
        raise ApiError(400, "invalid", "The page token does not match the query.")
    return decoded


def _snapshot(store: CalendarStore, query: Query) -> int:
    """The change sequence when paging started: the next sync token continues from there."""
    token = one(query, "pageToken")
    return int(_decode_page(token, query)["s"]) if token else store.seq


def _page(store: CalendarStore, items: list[Event], query: Query) -> Page:
    raw = one(query, "maxResults")
    try:
        size = min(int(raw), 2500) if raw is not None else 250
    except ValueError as exc:
        raise ApiError(400, "invalid", "Invalid value for maxResults") from exc
    if size < 1:
        raise ApiError(400, "invalid", "Invalid value for maxResults")
    token = one(query, "pageToken")
    offset, snapshot = 0, store.seq
    if token:
        decoded = _decode_page(token, query)
        offset, snapshot = int(decoded["o"]), int(decoded["s"])
    end = offset + size
    next_token = None
    if end < len(items):
        next_token = b64({"o": end, "s": snapshot, "f": _fingerprint(query)})
    return items[offset:end], next_token


def _decode_sync(store: CalendarStore, cal: Calendar, token: str) -> int:
    try:
        decoded = unb64(token)
        owner, since, epoch = decoded["c"], int(decoded["s"]), int(decoded["e"])
    except (ValueError, KeyError) as exc:
        raise ApiError(400, "invalid", "Invalid sync token value.") from exc
    if owner != cal.owner:
        raise ApiError(400, "invalid", "Invalid sync token value.")
    if epoch != store.sync_epoch:
        raise ApiError(410, "fullSyncRequired")
    return since


# --------------------------------------------------------------------------- free/busy


def _blocks(event: Event, owner: str) -> bool:
    """Whether an event makes its calendar's owner busy."""
    if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
        return False
    if event.get("eventType") in ("workingLocation", "birthday"):
        return False
    for attendee in event.get("attendees") or []:
        if str(attendee.get("email", "")).lower() == owner:
            return bool(attendee.get("responseStatus") != "declined")
    return True


def busy(
    store: CalendarStore, email: str, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Merged busy intervals of one calendar within ``[lo, hi)``, in UTC."""
    with store.lock:
        cal = store.calendars[email.lower()]
        exceptions: dict[str, list[Event]] = {}
        for stored in cal.events.values():
            master_id = stored.data.get("recurringEventId")
            if master_id:
                exceptions.setdefault(str(master_id), []).append(stored.data)
        spans: list[tuple[datetime, datetime]] = []
        for stored in cal.events.values():
            data = stored.data
            if data.get("recurrence"):
                if data.get("status") == "cancelled":
                    continue
                found = _series_busy(store, cal, data, exceptions.get(data["id"], []), lo, hi)
            elif str(data.get("recurringEventId", "")) in cal.events:
                continue  # an exception: covered by its series' expansion
            elif _blocks(data, cal.owner):
                found = [_bounds(stored, cal.timezone)]
            else:
                found = []
            for start, end in found:
                start, end = max(start, lo), min(end, hi)
                if start < end:
                    spans.append((start.astimezone(UTC), end.astimezone(UTC)))
        merged: list[tuple[datetime, datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


def _bounds(stored: Stored, calendar_tz: str) -> tuple[datetime, datetime]:
    """``rec.bounds`` of a stored single event, parsed once per version of its times."""
    data = stored.data
    key = (str(data.get("start")), str(data.get("end")), calendar_tz)
    if stored.bounds is None or stored.bounds[0] != key:
        stored.bounds = (key, rec.bounds(data, calendar_tz))
    return stored.bounds[1]


def _series_busy(
    store: CalendarStore,
    cal: Calendar,
    master: Event,
    exceptions: list[Event],
    lo: datetime,
    hi: datetime,
) -> list[tuple[datetime, datetime]]:
    """The busy spans of ``store.expand(cal, master, lo, hi)`` without building each instance:
    a generated instance blocks exactly when its series does, at the occurrence's times."""
    found: list[tuple[datetime, datetime]] = []
    by_id = {e["id"]: e for e in exceptions}
    if _blocks(master, cal.owner):
        for occurrence in rec.occurrences(master, cal.timezone, lo, hi):
            if not by_id or rec.instance_id(master["id"], occurrence) not in by_id:
                found.append((occurrence.start, occurrence.end))
    for exception in by_id.values():
        if store.overlaps(cal, exception, lo, hi) and _blocks(exception, cal.owner):
            found.append(rec.bounds(exception, cal.timezone))
    return found


def freebusy(store: CalendarStore, body: Event, subject: str | None) -> Event:
    """``freebusy.query``: whole-request errors raise, unknown calendars get per-id errors."""
    for name in ("timeMin", "timeMax"):
        if name not in body:
            raise ApiError(400, "required", f"Missing {name}.")
    lo = rec.parse_rfc3339(str(body["timeMin"]), "timeMin")
    hi = rec.parse_rfc3339(str(body["timeMax"]), "timeMax")
    if hi <= lo:
        raise ApiError(400, "timeRangeEmpty")
    if hi - lo > timedelta(days=store.max_freebusy_days):
        raise ApiError(400, "timeRangeTooLong")
    items = body.get("items") or []
    if len(items) > store.max_freebusy_items:
        raise ApiError(400, "tooManyCalendarsRequested")
    try:
        expansion = int(body.get("calendarExpansionMax", 50))
        groups = int(body.get("groupExpansionMax", 100))
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "invalid", "Invalid expansion maximum.") from exc
    if expansion > 50 or groups > 100:
        raise ApiError(400, "invalid", "Invalid expansion maximum.")
    calendars: dict[str, Event] = {}
    with store.lock:
        for item in items:
            requested = str(item.get("id", ""))
            email = (subject or "") if requested == "primary" else requested
            hidden = email.lower() in store.freebusy_hidden and email.lower() != subject
            # Google does not tell a calendar it may not see from one that does not exist
            if email.lower() not in store.calendars or hidden:
                not_found = [{"domain": "global", "reason": "notFound"}]
                calendars[requested] = {"errors": not_found, "busy": []}
                continue
            spans = busy(store, email, lo, hi)
            calendars[requested] = {
                "busy": [{"start": rec.fmt_utc(s), "end": rec.fmt_utc(e)} for s, e in spans]
            }
    return {
        "kind": "calendar#freeBusy",
        "timeMin": body["timeMin"],
        "timeMax": body["timeMax"],
        "calendars": calendars,
    }
