"""The commands about people rather than proposals: an employee asking for a check-in,
the health of every pair, and the built-in invitation text. Thin, like cli.py."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sync.cli.output import echo
from sync.config.paths import Paths
from sync.model.errors import ConfigError, UsageError
from sync.model.timefmt import day
from sync.model.weekdays import WEEKDAY_TITLES
from sync.plumbing.i18n import available_languages
from sync.store import CLI_SOURCE, RequestState, Store

if TYPE_CHECKING:
    from sync.config.roster import Roster
    from sync.night.health import PairHealth

Handler = Callable[[argparse.Namespace], int]


def add_commands(
    commands: Any,
    common: argparse.ArgumentParser,
    config_commands: Any,
    context: tuple[Callable[[argparse.Namespace], Path], Callable[[str | None], datetime]],
) -> None:
    config_dir, parse_now = context
    request = commands.add_parser(
        "request", parents=[common], help="an employee asks for an extra check-in"
    )
    request.add_argument("employee", metavar="EMPLOYEE", help="the employee's email")
    request.add_argument(
        "--within-days", type=int, default=5, help="within this many working days (default 5)"
    )
    request.add_argument("--reason", default="", help="what it is about, for the invitation")
    request.add_argument("--now", metavar="ISO8601", help="as if asked at this instant")
    request.set_defaults(handler=lambda args: _request(args, config_dir(args), parse_now))

    health = commands.add_parser(
        "health", parents=[common], help="which pairs' check-ins happen, and which fizzle out"
    )
    health.add_argument("--manager", metavar="EMAIL", help="only this manager's reports")
    health.add_argument("--json", action="store_true", help="machine-readable output")
    health.add_argument("--now", metavar="ISO8601", help="as of this instant")
    health.set_defaults(handler=lambda args: _health(args, config_dir(args), parse_now))

    template = config_commands.add_parser(
        "template", parents=[common], help="print the built-in invitation text, to adapt"
    )
    template.add_argument("--language", choices=available_languages(), default="en")
    template.set_defaults(handler=_template)


def _roster(config_dir: Path) -> Roster:
    # each command imports what it uses when it runs: see sync/cli/main.py on start-up
    from sync.config.roster import load_roster

    roster = load_roster(config_dir / "people.toml")
    if not roster.usable:
        raise ConfigError(roster.all_problems)
    return roster


def _request(
    args: argparse.Namespace, config_dir: Path, parse_now: Callable[[str | None], datetime]
) -> int:
    from sync.config.roster_schema import MAX_REQUEST_DAYS
    from sync.config.settings import load_settings
    from sync.night.extras import request_days

    email = args.employee.strip().lower()
    if not 1 <= args.within_days <= MAX_REQUEST_DAYS:
        raise UsageError(f"--within-days: {args.within_days} is outside 1..{MAX_REQUEST_DAYS}")
    roster = _roster(config_dir)
    employee = roster.employees.get(email)
    if employee is None:
        if email in roster.skipped:
            raise UsageError(f"{roster.skipped[email]} (see: checkin-sync config check)")
        raise UsageError(f"{email} is not an employee in {config_dir / 'people.toml'}")
    now = parse_now(args.now)
    made = now.astimezone(ZoneInfo(employee.person.timezone)).date()
    days = request_days(employee, made, args.within_days)
    if not days:
        raise UsageError(f"{email} has no working days ahead to meet on")
    settings = load_settings(config_dir)
    store = Store.open(Paths(settings.data_dir).database)
    try:
        waiting = [r for r in store.requests(states=(RequestState.OPEN,)) if r.employee == email]
        if waiting:
            echo(
                f"{employee.person.name} already asked on {waiting[0].made_on.isoformat()}; "
                "that request is still open, so nothing new was recorded."
            )
            return 0
        store.add_request(
            email,
            CLI_SOURCE,
            now.isoformat(),
            made,
            args.within_days,
            " ".join(args.reason.split()),
            "cli",
        )
    finally:
        store.close()
    manager = roster.managers[employee.manager].person.name
    first, last = (f"{WEEKDAY_TITLES[d.weekday()]} {d.isoformat()}" for d in (days[0], days[-1]))
    echo(
        f"Recorded: {employee.person.name} asks for a check-in within {args.within_days} "
        f"working days ({first} to {last}). The next run proposes a time to {manager}."
    )
    return 0


def _health(
    args: argparse.Namespace, config_dir: Path, parse_now: Callable[[str | None], datetime]
) -> int:
    from sync.config.settings import load_settings
    from sync.night.health import team_health

    roster = _roster(config_dir)
    manager = args.manager.strip().lower() if args.manager else None
    if manager is not None and manager not in roster.managers:
        raise UsageError(f"{manager} is not a manager in {config_dir / 'people.toml'}")
    now = parse_now(args.now)
    settings = load_settings(config_dir)
    store = Store.open(Paths(settings.data_dir).database)
    try:
        pairs = team_health(store.series(), store.declines(), roster, now, manager)
    finally:
        store.close()
    zones = {email: m.person.timezone for email, m in roster.managers.items()}
    if args.json:
        print(json.dumps([_json(h) for h in pairs], indent=2, ensure_ascii=False))
    else:
        print(_table(pairs, zones))
    return 0


def _json(health: PairHealth) -> dict[str, Any]:
    return {
        "manager": health.manager,
        "employee": health.employee,
        "employee_name": health.employee_name,
        "cadence": health.cadence,
        "at_risk": health.at_risk,
        "why": health.why,
        "last_held": health.last_held.isoformat() if health.last_held else None,
        "longest_gap_days": health.longest_gap.days if health.longest_gap is not None else None,
        "held_last_90_days": health.held_recently,
        "due_last_90_days": health.due_recently,
        "dates": [{"start": d.start.isoformat(), "outcome": d.outcome.value} for d in health.dates],
    }


def _table(pairs: list[PairHealth], zones: dict[str, str]) -> str:
    if not pairs:
        return "No pairs in people.toml."
    headers = ("EMPLOYEE", "MANAGER", "CADENCE", "LAST HELD", "HELD (90 DAYS)", "LONGEST GAP")
    rows = []
    for h in pairs:
        zone = zones.get(h.manager, "UTC")
        rows.append(
            (
                h.employee,
                h.manager,
                h.cadence,
                day(h.last_held, zone) if h.last_held else "never",
                h.share_text,
                f"{h.longest_gap.days} days" if h.longest_gap is not None else "-",
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for health, row in zip(pairs, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if health.at_risk:
            lines.append(f"  AT RISK: {health.why}")
        elif not health.booked:
            lines.append("  nothing booked yet")
    at_risk = sum(1 for h in pairs if h.at_risk)
    lines += ["", f"{len(pairs)} pair(s), {at_risk} at risk."]
    return "\n".join(lines)


def _template(args: argparse.Namespace) -> int:
    from sync.config.purpose import built_in_template

    print(built_in_template(args.language), end="")
    return 0
