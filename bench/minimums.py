"""The fewest provider requests a night could take, from what the providers allow.

Reads (every run): Google freeBusy answers 50 calendars per request and the bench takes its
windows as at most 60 days; Graph getSchedule answers 20 mailboxes per request for windows
under 62 days. A run reads now .. now + horizon + 1 week, so both need
ceil(days / 60) window chunks. Telling out-of-office from busy time in Google needs the
events themselves: Calendar v3 has no query over many calendars, so one events.list per
Google person (Google's HTTP batch endpoint could carry 50 of them per round trip, but each
still counts against the quota).
Rebuild (a run that finds no database): one listing of tagged events per organiser on a
provider. Observe (every later run): two listings per organiser with booked series there,
whatever the number of series: the tagged series themselves (whether each still exists, was
deleted or declined as a whole lives on the series master) and their dates in the window
(Google's events.list with singleEvents, Graph's calendarView), which neither provider
returns in one listing.
Writes: one create per new series, one write per occurrence moved or skipped away from its
rule (Google and Graph take exceptions one at a time), one per series ended or cancelled.
Token requests are counted apart and not in the minimum.

Round trips (what latency costs): the same calls carried by the providers' batch endpoints,
Google's 50 calls and Graph's JSON $batch 20 requests per round trip, each part of the night
on its own (a night reads before it observes, and observes before it writes). freeBusy and
getSchedule already answer many people per call; batching them too is counted, as the
endpoints allow it.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from bench.org import Org

GOOGLE_BATCH = 50
GRAPH_BATCH = 20
MAX_WINDOW_DAYS = 60
WRITERS = ("google", "outlook")


def reads(org: Org) -> dict[str, int]:
    lo, hi = org.window
    chunks = math.ceil((hi - lo) / timedelta(days=MAX_WINDOW_DAYS))
    google = sum(1 for p in org.people.values() if p.calendar == "google")
    outlook = sum(1 for p in org.people.values() if p.calendar == "outlook")
    return {
        "google freeBusy": math.ceil(google / GOOGLE_BATCH) * chunks,
        "google out-of-office events.list": google,
        "graph getSchedule": math.ceil(outlook / GRAPH_BATCH) * chunks,
    }


def organisers(org: Org, booked: list[dict[str, Any]] | None) -> dict[str, int]:
    """Listings: per provider organiser (rebuild), or per organiser with booked series."""
    if booked is None:
        kinds = [m.calendar for m in org.managers()]
    else:
        kinds = [
            series["calendar"]
            for series in {
                p["manager"]: p["series"]
                for p in booked
                if (p.get("series") or {}).get("state") == "booked"
                and p["series"]["calendar"] in WRITERS
            }.values()
        ]
    return {
        "google listings": sum(1 for k in kinds if k == "google"),
        "graph listings": sum(1 for k in kinds if k == "outlook"),
    }


def writes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, int]:
    """Writes per provider ("google", "outlook")."""
    earlier = {p["id"]: p for p in before if p.get("series")}
    count: dict[str, int] = dict.fromkeys(WRITERS, 0)
    for proposal in after:
        series = proposal.get("series")
        if not series or series["calendar"] not in WRITERS:
            continue
        old = (earlier.get(proposal["id"]) or {}).get("series")
        state = series["state"]
        provider = series["calendar"]
        if old is None:
            if state == "booked":
                count[provider] += 1 + sum(o["status"] != "ok" for o in proposal["occurrences"])
            continue
        if old["state"] == "booked" and state in ("superseded", "cancelled"):
            count[provider] += 1
            continue
        if state != "booked":
            continue
        was = {
            o["original_start"]: (o["status"], o["start"])
            for o in earlier[proposal["id"]]["occurrences"]
        }
        for occurrence in proposal["occurrences"]:
            now = (occurrence["status"], occurrence["start"])
            previous = was.get(occurrence["original_start"])
            if (previous is None and occurrence["status"] != "ok") or (
                previous is not None and previous != now
            ):
                count[provider] += 1
    return count


def night(
    org: Org,
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    *,
    fresh: bool,
    booked_before: list[dict[str, Any]],
) -> dict[str, Any]:
    parts: dict[str, int] = dict(reads(org))
    listed = organisers(org, None if fresh else booked_before)
    prefix, per_organiser = ("rebuild", 1) if fresh else ("observe", 2)
    parts |= {f"{prefix} {k}": v * per_organiser for k, v in listed.items()}
    written = writes(before, after)
    parts["google writes"], parts["graph writes"] = written["google"], written["outlook"]
    return {"total": sum(parts.values()), "parts": parts, "round_trips": round_trips(parts)}


def round_trips(parts: dict[str, int]) -> int:
    """The batched minimum: each part's calls in as few batches as its provider allows."""
    return sum(
        math.ceil(n / (GOOGLE_BATCH if "google" in name else GRAPH_BATCH))
        for name, n in parts.items()
    )
