"""Graph's read side: rendering, ``$filter``/``$expand``/paging, instances, calendarView,
delta and ``getSchedule``.

Supported ``$filter`` forms (clauses joined by ``and``)::

    singleValueExtendedProperties/Any(ep: ep/id eq '<id>' and ep/value eq '<value>')
    singleValueExtendedProperties/any(ep: ep/id eq '<id>' and ep/value ne null)
    singleValueExtendedProperties/any(ep: ep/id eq '<id>')
    iCalUId eq '...'   subject eq '...'   type eq 'seriesMaster'   transactionId eq '...'
    isCancelled eq false   showAs eq 'busy'   start/dateTime ge '2027-02-01T00:00:00'

Anything else answers 400 (so a connector never silently gets an unfiltered list).
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from . import graph_time as gt
from .graph_errors import GraphError, bad_request
from .graph_state import Event, GraphStore, Mailbox, Stored, occurrence_id

Query = dict[str, list[str]]
MAX_SCHEDULES = 20
MAX_SCHEDULE_DAYS = 62
DEFAULT_PAGE = 10
MAX_PAGE = 1000
_VIEW_DIGIT = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
_RANK = {"free": 0, "workingElsewhere": 1, "tentative": 2, "unknown": 3, "busy": 4, "oof": 5}
_STRING = r"'((?:[^']|'')*)'"
_LINK_SAFE = "$()',/:"
_FIELDS = {
    "icaluid": ("iCalUId",),
    "subject": ("subject",),
    "type": ("type",),
    "transactionid": ("transactionId",),
    "seriesmasterid": ("seriesMasterId",),
    "iscancelled": ("isCancelled",),
    "isorganizer": ("isOrganizer",),
    "showas": ("showAs",),
    "start/datetime": ("start", "dateTime"),
    "end/datetime": ("end", "dateTime"),
}


def one(query: Query, name: str) -> str | None:
    values = query.get(name) or query.get(name.lower())
    return values[-1] if values else None


def _norm_id(prop_id: str) -> str:
    return " ".join(prop_id.split()).lower()


def _unquote(value: str) -> str:
    return value.replace("''", "'")


@dataclass(frozen=True)
class ReadOptions:
    """How to show events: time zone (``Prefer``), extended properties, ``$select``."""

    timezone: str = "UTC"
    expand_ids: frozenset[str] | None = None  # None: not expanded; empty: all
    select: tuple[str, ...] = ()
    basic: bool = False  # Calendars.ReadBasic: no body


def parse_expand(query: Query) -> frozenset[str] | None:
    raw = one(query, "$expand")
    if not raw:
        return None
    match = re.fullmatch(
        r"\s*singleValueExtendedProperties\s*(?:\(\s*\$filter\s*=(.*)\))?\s*", raw, re.I | re.S
    )
    if not match:
        raise bad_request(f"This emulator cannot $expand '{raw}'.", "BadRequest")
    if not match[1]:
        return frozenset()
    ids = []
    for part in re.split(r"\s+or\s+", match[1].strip(), flags=re.I):
        found = re.fullmatch(rf"\s*id\s+eq\s+{_STRING}\s*", part, re.I)
        if not found:
            raise bad_request(f"Invalid filter clause in $expand: {part}", "BadRequest")
        ids.append(_norm_id(_unquote(found[1])))
    return frozenset(ids)


def render(event: Event, options: ReadOptions) -> Event:
    """The JSON Graph sends for a stored or generated event."""
    out: Event = {"@odata.etag": f'W/"{event.get("changeKey", "")}"'}
    data = copy.deepcopy(event)
    props = data.pop("singleValueExtendedProperties", None) or []
    data["start"] = gt.when(gt.point(event["start"], "start"), options.timezone)
    data["end"] = gt.when(gt.point(event["end"], "end"), options.timezone)
    content = str((data.get("body") or {}).get("content") or "")
    data["bodyPreview"] = re.sub(r"<[^>]+>|\s+", " ", content).strip()[:255]
    out.update(data)
    if options.basic:
        for name in ("body", "bodyPreview"):
            out.pop(name, None)
    if options.expand_ids is not None:
        wanted = options.expand_ids
        matching = [p for p in props if not wanted or _norm_id(p["id"]) in wanted]
        if matching:
            out["singleValueExtendedProperties"] = matching
    if options.select:
        keep = {"@odata.etag", "id", "singleValueExtendedProperties", *options.select}
        out = {k: v for k, v in out.items() if k in keep}
    return out


# ----------------------------------------------------------------------------- $filter


def _split_and(text: str) -> list[str]:
    """Split on top-level ``and`` (not inside quotes or parentheses)."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    lowered = text.lower()
    while i < len(text):
        char = text[i]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and lowered.startswith(" and ", i):
            parts.append(text[start:i])
            start = i = i + 5
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _filter_error(text: str) -> GraphError:
    return GraphError(400, "ErrorInvalidUrlQueryFilter", f"The query filter '{text}' is invalid.")


def _ext_prop_test(var: str, inner: str, text: str) -> Any:
    prop_id: str | None = None
    value_tests = []
    for clause in _split_and(inner):
        v = re.escape(var)
        found = re.fullmatch(rf"{v}/id\s+eq\s+{_STRING}", clause, re.I)
        if found:
            prop_id = _norm_id(_unquote(found[1]))
            continue
        found = re.fullmatch(rf"{v}/value\s+(eq|ne)\s+(?:{_STRING}|(null))", clause, re.I)
        if not found:
            raise _filter_error(text)
        value = None if found[3] else _unquote(found[2])
        value_tests.append((found[1].lower(), value))
    if prop_id is None:
        raise _filter_error(text)

    def test(event: Event) -> bool:
        for prop in event.get("singleValueExtendedProperties") or []:
            if _norm_id(prop.get("id", "")) != prop_id:
                continue
            value = prop.get("value")
            if all((value == want) == (op == "eq") for op, want in value_tests):
                return True
        return False

    return test


def _field_test(clause: str, text: str) -> Any:
    found = re.fullmatch(
        rf"([A-Za-z/]+)\s+(eq|ne|ge|gt|le|lt)\s+(?:{_STRING}|(true|false|null))", clause, re.I
    )
    if not found or found[1].lower() not in _FIELDS:
        raise _filter_error(text)
    path, op = _FIELDS[found[1].lower()], found[2].lower()
    literal: Any = {"true": True, "false": False, "null": None}.get((found[4] or "").lower())
    if found[3] is not None:
        literal = _unquote(found[3])
    is_time = path[-1] == "dateTime"
    if is_time:
        literal = gt.fmt(gt.parse_instant(literal, "filter"))

    def test(event: Event) -> bool:
        value: Any = event
        if is_time:
            value = gt.fmt(gt.point(event[path[0]], path[0]).astimezone(gt.zone("UTC")))
        else:
            for step in path:
                value = value.get(step) if isinstance(value, dict) else None
        if op in ("eq", "ne"):
            return bool((value == literal) == (op == "eq"))
        if value is None or literal is None:
            return False
        return bool(
            {"ge": value >= literal, "gt": value > literal, "le": value <= literal}.get(
                op, value < literal
            )
        )

    return test


def parse_filter(text: str | None) -> list[Any]:
    return [test for test, _ in _clauses(text)]


def _clauses(text: str | None) -> list[tuple[Any, bool]]:
    """Each clause's test, and whether it tests an extended property (which an occurrence
    carries as its series master does)."""
    if not text:
        return []
    tests = []
    for clause in _split_and(text):
        found = re.fullmatch(
            r"singleValueExtendedProperties/any\(\s*(\w+)\s*:(.*)\)", clause, re.I | re.S
        )
        if found:
            tests.append((_ext_prop_test(found[1], found[2], text), True))
        else:
            tests.append((_field_test(clause, text), False))
    return tests


# ----------------------------------------------------------------------------- lists


def page(
    items: list[Event], query: Query, link: str, *, size: int | None = None
) -> tuple[list[Event], str | None]:
    """One page by ``$top``/``$skip`` and the ``@odata.nextLink`` for the rest."""
    try:
        top = int(one(query, "$top") or size or DEFAULT_PAGE)
        skip = int(one(query, "$skip") or 0)
    except ValueError as exc:
        raise bad_request("Invalid $top or $skip.", "BadRequest") from exc
    if top < 1 or skip < 0:
        raise bad_request("Invalid $top or $skip.", "BadRequest")
    top = min(top, MAX_PAGE)
    chunk = items[skip : skip + top]
    if skip + top >= len(items):
        return chunk, None
    params = {k: v[-1] for k, v in query.items()}
    params.update({"$top": str(top), "$skip": str(skip + top)})
    return chunk, f"{link}?{urlencode(params, safe=_LINK_SAFE)}"


def _order(items: list[Event], query: Query) -> list[Event]:
    raw = one(query, "$orderby")
    if not raw:
        return items
    name, _, direction = raw.strip().partition(" ")
    if name.lower() not in _FIELDS:
        raise bad_request(f"This emulator cannot $orderby '{raw}'.", "BadRequest")
    path = _FIELDS[name.lower()]

    def key(event: Event) -> Any:
        if path[-1] == "dateTime":
            return gt.point(event[path[0]], path[0])
        return str(event.get(path[0]) or "")

    return sorted(items, key=key, reverse=direction.strip().lower() == "desc")


def list_events(store: GraphStore, box: Mailbox, query: Query) -> list[Event]:
    """``GET /events``: single events and series masters (no occurrences), filtered, ordered."""
    tests = parse_filter(one(query, "$filter"))
    with store.lock:
        items = [copy.deepcopy(s.data) for s in box.events.values()]
    return _order([e for e in items if all(t(e) for t in tests)], query)


def window(query: Query) -> tuple[datetime, datetime]:
    start = gt.parse_instant(one(query, "startDateTime"), "startDateTime")
    end = gt.parse_instant(one(query, "endDateTime"), "endDateTime")
    if end < start:
        raise bad_request("The end of the time window must not be before its start.")
    return start, end


def instances(store: GraphStore, box: Mailbox, event_id: str, query: Query) -> list[Event]:
    start, end = window(query)
    with store.lock:
        stored, key = store.find(box, event_id)
        if key is not None or stored.data.get("type") != "seriesMaster":
            return []
        return store.expand(stored, start, end)


def calendar_view(store: GraphStore, box: Mailbox, query: Query) -> list[Event]:
    start, end = window(query)
    clauses = _clauses(one(query, "$filter"))
    tests = [test for test, _ in clauses]
    tagged = [test for test, on_property in clauses if on_property]

    def worth(stored: Stored) -> bool:
        """False for an item none of whose occurrences can pass: its extended properties
        fail, and no exception of it could carry others. Not expanding those keeps the
        tagged view of a busy mailbox from copying every other meeting in the window."""
        return bool(stored.exceptions) or all(t(stored.data) for t in tagged)

    found = store.view(box, start, end, worth=worth if tagged else None)
    return _order([e for e in found if all(t(e) for t in tests)], query)


# ----------------------------------------------------------------------------- delta


def _b64(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _unb64(token: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError as exc:
        raise GraphError(400, "ErrorInvalidParameter", "The delta token is malformed.") from exc
    if not isinstance(value, dict):
        raise GraphError(400, "ErrorInvalidParameter", "The delta token is malformed.")
    return value


class DeltaPages:
    """Server-side state of delta rounds: pending pages by ``$skiptoken``."""

    def __init__(self) -> None:
        self.pending: dict[str, tuple[list[Event], str]] = {}

    def answer(
        self, store: GraphStore, box: Mailbox, query: Query, size: int, render_one: Any
    ) -> tuple[list[Event], dict[str, str]]:
        """A page of changes and either ``$skiptoken`` or ``$deltatoken`` for the next call."""
        skip = one(query, "$skiptoken")
        if skip is not None:
            if skip not in self.pending:
                raise _sync_gone()
            items, delta = self.pending.pop(skip)
        else:
            items, delta = self._collect(store, box, query, render_one)
        if len(items) > size:
            token = secrets.token_urlsafe(16)
            self.pending[token] = (items[size:], delta)
            return items[:size], {"$skiptoken": token}
        return items, {"$deltatoken": delta}

    @staticmethod
    def _collect(
        store: GraphStore, box: Mailbox, query: Query, render_one: Any
    ) -> tuple[list[Event], str]:
        token = one(query, "$deltatoken")
        with store.lock:
            if token is None:
                start, end = window(query)
                since = None
            else:
                state = _unb64(token)
                if state.get("epoch") != store.delta_epoch or state.get("mailbox") != box.email:
                    raise _sync_gone()
                start, end = gt.from_stamp(state["start"]), gt.from_stamp(state["end"])
                since = int(state["seq"])
            current: list[Event] = []
            for stored in box.events.values():
                if since is None or stored.seq > since:
                    current.extend(store._view_of(stored, start, end))
            present = {e["id"] for e in current}
            removed: list[str] = []
            for removal in box.removals:
                if since is not None and removal.seq > since:
                    removed.extend(_removed_ids(store, removal.stored, removal.key, start, end))
            delta = _b64(
                {
                    "mailbox": box.email,
                    "start": gt.stamp(start),
                    "end": gt.stamp(end),
                    "seq": store.seq,
                    "epoch": store.delta_epoch,
                }
            )
        gone = [
            {"@odata.type": "#microsoft.graph.event", "id": i, "@removed": {"reason": "deleted"}}
            for i in dict.fromkeys(removed)
            if i not in present
        ]
        return [render_one(e) for e in current] + gone, delta


def _removed_ids(
    store: GraphStore, stored: Stored, key: str | None, start: datetime, end: datetime
) -> list[str]:
    master_id = stored.data["id"]
    if key is not None:
        return [occurrence_id(master_id, key)]
    if stored.data.get("type") != "seriesMaster":
        return [master_id]
    return [e["id"] for e in store.expand(stored, start, end)]


def _sync_gone() -> GraphError:
    return GraphError(
        410, "syncStateNotFound", "The sync state generation is not found. Please restart sync."
    )


# ----------------------------------------------------------------------------- getSchedule


def get_schedule(store: GraphStore, body: Any, timezone: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
    schedules = body.get("schedules")
    if not isinstance(schedules, list) or not schedules:
        raise bad_request("The 'schedules' parameter is required.", "ErrorInvalidParameter")
    if len(schedules) > MAX_SCHEDULES:
        raise bad_request(
            f"The number of schedules ({len(schedules)}) exceeds the maximum of {MAX_SCHEDULES}.",
            "ErrorInvalidParameter",
        )
    start, end = (
        gt.point(body.get("startTime"), "startTime"),
        gt.point(body.get("endTime"), "endTime"),
    )
    if end <= start:
        raise bad_request("The end time must be after the start time.", "ErrorInvalidParameter")
    if end - start >= timedelta(days=MAX_SCHEDULE_DAYS):
        raise bad_request(
            f"The requested time duration must be less than {MAX_SCHEDULE_DAYS} days.",
            "ErrorInvalidParameter",
        )
    interval = body.get("availabilityViewInterval", 30)
    if not isinstance(interval, int) or not 5 <= interval <= 1440:
        raise bad_request(
            "availabilityViewInterval must be between 5 and 1440 minutes.", "ErrorInvalidParameter"
        )
    return {"value": [_schedule(store, str(s), start, end, interval, timezone) for s in schedules]}


def _schedule(
    store: GraphStore, address: str, start: datetime, end: datetime, interval: int, tz: str
) -> dict[str, Any]:
    box = store.find_mailbox(address) if "@" in address else None
    if box is None:
        return {
            "scheduleId": address,
            "error": {
                "message": "Mailbox does not exist.",
                "responseCode": "ErrorMailRecipientNotFound",
            },
        }
    items = []
    spans: list[tuple[datetime, datetime, str]] = []
    for begin, finish, event in store.timed_view(box, start, end):  # read, never kept
        status = str(event.get("showAs") or "busy")
        declined = (event.get("responseStatus") or {}).get("response") == "declined"
        if event.get("isCancelled") or declined or status == "free":
            continue
        spans.append((begin, finish, status))
        private = event.get("sensitivity") in ("private", "confidential")
        item: dict[str, Any] = {
            "isPrivate": private,
            "status": status,
            "subject": "" if private else event.get("subject", ""),
            "location": "" if private else (event.get("location") or {}).get("displayName", ""),
            "isMeeting": bool(event.get("attendees")),
            "isRecurring": event.get("type") in ("occurrence", "exception"),
            "isException": event.get("type") == "exception",
            "isReminderSet": bool(event.get("isReminderOn")),
            "start": gt.when(begin, tz),
            "end": gt.when(finish, tz),
        }
        items.append(item)
    step = timedelta(minutes=interval)
    slots = math.ceil((end - start) / step)
    # each slot shows its highest-ranked status; every span marks only the slots it touches
    # (the first one found wins a tie, as max() over the spans in order would)
    best: list[str | None] = [None] * slots
    for begin, finish, status in spans:
        first = max(0, (begin - start) // step)
        last = min(slots - 1, -((start - finish) // step) - 1)
        rank = _RANK.get(status, 4)
        for n in range(first, last + 1):
            current = best[n]
            if current is None or rank > _RANK.get(current, 4):
                best[n] = status
    view = [_VIEW_DIGIT.get(status or "free", "2") for status in best]
    return {
        "scheduleId": address,
        "availabilityView": "".join(view),
        "scheduleItems": items,
        "workingHours": copy.deepcopy(box.working_hours),
    }
