"""Proposals as JSON and as a readable table: the CLI's (and later the web page's) output."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync.delivery.wrapping import wrap
from sync.model.said import Said
from sync.model.values import Occurrence, PlannedSeries
from sync.model.weekdays import WEEKDAY_TITLES
from sync.model.words import ENGLISH_WORDING, Wording
from sync.store import ProposalRecord, SeriesRecord
from sync.store.listing import ProposalLine
from sync.store.records import alternative_explanation


def _iso(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).isoformat()


def occurrences_json(
    occurrences: Sequence[Occurrence], zone: str, wording: Wording = ENGLISH_WORDING
) -> list[dict[str, Any]]:
    return [
        {
            "start": _iso(o.start, zone),
            "end": _iso(o.end, zone),
            "status": o.status.value,
            "reason": wording.word(o.reason),
            "original_start": _iso(o.original_start, zone),
            "fixed": o.fixed,
        }
        for o in occurrences
    ]


def alternatives_to_json(alternatives: Sequence[PlannedSeries]) -> list[dict[str, Any]]:
    """Other slots as the store keeps them: the English words, and what was said (sync.model.said)
    to word them in another language."""
    return [
        {
            "first_start": a.first_start.isoformat(),
            "rrule": a.rrule,
            "occurrences": [
                item | {"said": o.reason.to_json()}
                for item, o in zip(
                    occurrences_json(a.occurrences, a.timezone), a.occurrences, strict=True
                )
            ],
            "explanation": str(a.explanation),
            "explanation_said": a.explanation.to_json(),
        }
        for a in alternatives
    ]


def _alternative_json(alternative: dict[str, Any], wording: Wording) -> dict[str, Any]:
    """A stored alternative as the CLI shows it: worded in the configured language."""
    shown = {k: v for k, v in alternative.items() if k != "explanation_said"}
    shown["explanation"] = wording.word(alternative_explanation(alternative))
    shown["occurrences"] = [
        {k: v for k, v in item.items() if k != "said"}
        | {"reason": wording.word(Said.from_json(item.get("said", item.get("reason", ""))))}
        for item in alternative.get("occurrences", [])
    ]
    return shown


def proposal_json(
    record: ProposalRecord,
    series: SeriesRecord | None = None,
    wording: Wording = ENGLISH_WORDING,
) -> dict[str, Any]:
    """A proposal; once booked, with the series' current dates (moves and skips made since,
    dates that entered the horizon) and its calendar state; texts in `wording`'s language."""
    first_start = series.first_start if series else record.first_start
    occurrences = series.occurrences if series else record.occurrences
    data: dict[str, Any] = {
        "id": record.id,
        "state": record.state.value,
        "manager": record.manager,
        "manager_name": record.manager_name,
        "employee": record.employee,
        "employee_name": record.employee_name,
        "kind": record.kind.value,
        "cadence": record.cadence,
        "cadence_reason": wording.word(record.cadence_reason),
        "duration_minutes": record.duration,
        "timezone": record.timezone,
        "rrule": record.rrule,
        "first_start": _iso(first_start, record.timezone),
        "occurrences": occurrences_json(occurrences, record.timezone, wording),
        "explanation": wording.word(record.explanation),
        "reason": wording.word(record.reason),
        "uid": record.uid,
        "alternatives": [_alternative_json(a, wording) for a in record.alternatives],
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }
    if series is not None:
        data["series"] = {
            "state": series.state.value,
            "calendar": series.calendar,
            "sequence": series.sequence,
            "written": not series.needs_write,
            "last_error": series.last_error,
            "declined_by": sorted(series.declined_by),
            "until": series.until.isoformat() if series.until else None,
        }
    return data


def proposals_table(records: Sequence[ProposalLine], wording: Wording = ENGLISH_WORDING) -> str:
    if not records:
        return "No proposals match."
    headers = ("ID", "STATE", "MANAGER", "EMPLOYEE", "CADENCE", "FIRST CHECK-IN")
    rows = [
        (
            str(r.id),
            r.state.value,
            r.manager,
            r.employee,
            f"{r.cadence}, {r.duration} min",
            _first(r),
        )
        for r in records
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for record, row in zip(records, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        indent = " " * (widths[0] + 2)
        lines += wrap(wording.word_stored(record.explanation), 100, indent)
    return "\n".join(lines)


def _first(record: ProposalLine) -> str:
    local = record.first_start.astimezone(ZoneInfo(record.timezone))
    return f"{WEEKDAY_TITLES[local.weekday()]} {local:%Y-%m-%d %H:%M} {record.timezone}"
