"""`checkin-sync run`: the nightly job, and the guard against running for real at a made-up
instant far from the clock."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.cli.common import (
    ALLOW_FAR_NOW_ENV,
    FAR_NOW,
    config_folder,
    parse_now,
    program,
)
from sync.cli.output import echo
from sync.model.errors import UsageError


def add_run(commands: Any, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser("run", parents=[common], help="the nightly job: plan, book, export")
    run.add_argument("--dry-run", action="store_true", help="plan and print, save nothing")
    run.add_argument(
        "--report-json", metavar="PATH", type=Path, help="also write the run report here as JSON"
    )
    run.add_argument(
        "--accept-deletions",
        action="store_true",
        help="take series missing from a calendar as deleted, even most of a calendar's, and "
        "end the pairs people.toml no longer has, even when that is many or all of them",
    )
    run.add_argument(
        "--now", metavar="ISO8601", help="plan as if it were this instant (no offset = UTC)"
    )
    run.add_argument(
        "--allow-far-now",
        action="store_true",
        help="run for real at a --now more than a day from the clock (a simulation)",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress lines on a terminal (without a terminal there are none anyway)",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    # the night's code, and through it the calendars' libraries, loads when a run starts
    from sync.night.nightly import run_nightly
    from sync.night.tonight import RunOptions
    from sync.plumbing.collector import collect_less_often
    from sync.plumbing.memory import share_arenas

    now = parse_now(args.now)
    _refuse_far_now(args, now)
    options = RunOptions(
        now=now,
        dry_run=args.dry_run,
        accept_deletions=args.accept_deletions,
        report_json=args.report_json,
        progress=False if args.quiet else None,
    )
    collect_less_often()  # the night's large heap: see sync/plumbing/collector.py
    share_arenas()  # before the night's threads start: see sync/plumbing/memory.py
    report = run_nightly(config_folder(args), options)
    echo(report.render(program(args)))
    return report.exit_code


def _refuse_far_now(args: argparse.Namespace, now: datetime) -> None:
    """A run at a made-up instant acts for real: proposals superseded, invitations updated
    and emailed for that date. Far from the clock it must be asked for in so many words."""
    if args.now is None or args.dry_run or args.allow_far_now:
        return
    if os.environ.get(ALLOW_FAR_NOW_ENV) == "1":
        return
    distance = abs(now - datetime.now(UTC))
    if distance > FAR_NOW:
        raise UsageError(
            f"--now {args.now} is {distance.days} days from this machine's clock, and a run "
            "then would propose, book and email as if it were that day. Look with --dry-run, "
            "or add --allow-far-now to run for real (best on a copy of data_dir)"
        )
