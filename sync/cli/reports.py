"""What the reporting commands print for programs (`--json`) and the sentences they print
for people where the wording matters: the shapes README "Command line" documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # `config check --json` uses this module too, and must not load doctor's connectors
    from sync.cli.doctor import Finding

# doctor's exit codes 0, 1, 2
VERDICT_NAMES = {0: "ready", 1: "attention", 2: "broken"}


def config_json(problems: list[str], summary: str) -> dict[str, Any]:
    """`config check --json`: `ok`, every `problems` line, and the `summary` of a valid
    configuration (the next run's endings included), `null` when there are problems."""
    return {"ok": not problems, "problems": problems, "summary": None if problems else summary}


def doctor_json(findings: list[Finding], code: int) -> dict[str, Any]:
    """`doctor --json`: the `verdict` (`ready`, `attention`, `broken`, as the exit code
    0, 1, 2 says) and each finding: `ok`, `subject`, `detail`, `stops_runs`."""
    return {
        "verdict": VERDICT_NAMES[code],
        "exit_code": code,
        "findings": [
            {"ok": f.ok, "subject": f.subject, "detail": f.detail, "stops_runs": f.stops_runs}
            for f in findings
        ],
    }


def rebuilt(booked: int, ended: int) -> str:
    """What `rebuild` added. Adding nothing is not a loss: the database already had every
    series the calendars hold (or they hold none yet, as in a new installation)."""
    if not booked and not ended:
        return (
            "Nothing to recover: the database already holds every series checkin-sync "
            "booked in these calendars."
        )
    return f"Recovered from the calendars: {booked} booked and {ended} ended series."
