"""Outlook (Microsoft Graph) like Google: declined single dates put a pair at risk, and an
extra check-in is one event without recurrence in the manager's calendar."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import ConfigDir, Result
from tests.connectors.test_mixed_providers import ADE, NOW, PRIYA, org
from tests.emulators import GraphEmulator

__all__ = ["org"]
CLI = Callable[..., Result]


def run(cli: CLI, config: ConfigDir, now: datetime | str = NOW) -> Result:
    when = now if isinstance(now, str) else now.isoformat()
    return cli("--config", str(config.root), "run", "--now", when)


def priyas(cli: CLI, config: ConfigDir) -> list[dict[str, Any]]:
    listing = json.loads(cli("--config", str(config.root), "proposals", "--json").out)
    return [p for p in listing if p["employee"] == PRIYA]


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat()


def book_all(cli: CLI, config: ConfigDir) -> None:
    assert run(cli, config).code == 0
    result = cli("--config", str(config.root), "approve", "--manager", ADE, "--all")
    assert "Booked #" in result.out, result.out + result.err


def test_declined_outlook_dates_put_the_pair_at_risk_and_a_held_one_brings_it_back(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    book_all(cli, org)
    (series,) = priyas(cli, org)
    (master,) = [e for e in graph_emulator.events(ADE) if e.get("type") == "seriesMaster"]
    starts = [datetime.fromisoformat(o["original_start"]) for o in series["occurrences"]]
    ends = [datetime.fromisoformat(o["end"]) for o in series["occurrences"]]
    for original in starts[:2]:
        occurrence = graph_emulator.occurrence_id(master["id"], original)
        graph_emulator.decline(ADE, occurrence, PRIYA)

    seen = run(cli, org, starts[0] - timedelta(hours=20))
    assert "priya@example.com declined the check-in on" in seen.out
    assert "Proposed:" not in seen.out

    at_risk = run(cli, org, ends[1] + timedelta(hours=2))
    assert "the last 2 check-ins did not happen" in at_risk.out
    back = run(cli, org, ends[2] + timedelta(hours=2))
    assert "Check-ins at risk of fizzling out:" not in back.out
    health = cli(
        "--config",
        str(org.root),
        "health",
        "--json",
        "--now",
        (ends[2] + timedelta(hours=2)).isoformat(),
    )
    (priya,) = [p for p in json.loads(health.out) if p["employee"] == PRIYA]
    assert [d["outcome"] for d in priya["dates"]] == ["declined", "declined", "held"]


def test_a_requested_check_in_is_a_single_outlook_event_and_a_persons_move_is_kept(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    book_all(cli, org)
    asked = cli("--config", str(org.root), "request", PRIYA, "--within-days", "2", "--now", NOW)
    assert asked.code == 0, asked.err
    assert run(cli, org).code == 0
    (one_off,) = [p for p in priyas(cli, org) if p["cadence"] == "once"]
    result = cli("--config", str(org.root), "approve", str(one_off["id"]))
    assert "Booked #" in result.out, result.out + result.err

    (single,) = [e for e in graph_emulator.events(ADE) if e.get("type") == "singleInstance"]
    assert not single.get("recurrence")
    assert single["subject"] == "Check-in (asked for): Ade Okafor / Priya Natarajan"
    writes = len(graph_emulator.writes)
    assert run(cli, org).code == 0
    assert len(graph_emulator.writes) == writes, "a second night writes nothing"

    moved_to = datetime.fromisoformat(one_off["first_start"]) + timedelta(hours=1)
    graph_emulator.update_event(
        ADE,
        single["id"],
        {
            "start": {"dateTime": utc_text(moved_to), "timeZone": "UTC"},
            "end": {"dateTime": utc_text(moved_to + timedelta(minutes=30)), "timeZone": "UTC"},
        },
    )
    assert run(cli, org).code == 0
    (kept,) = next(p for p in priyas(cli, org) if p["cadence"] == "once")["occurrences"]
    assert (kept["status"], kept["fixed"]) == ("moved", True)
    assert datetime.fromisoformat(kept["start"]) == moved_to
