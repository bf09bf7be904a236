"""Managers' decisions from the command line: list proposals, approve (booking at once),
reject."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sync.cli.common import (
    EXIT_ATTENTION,
    EXIT_OK,
    actor,
    config_folder,
    ids,
    parse_now,
    roster_of,
    with_store,
)
from sync.cli.output import echo
from sync.model.errors import LockHeld, UsageError
from sync.store import LIVE_STATES, State

if TYPE_CHECKING:
    from sync.store import ProposalRecord, Store

LARGE_LISTING = 500
"""Proposals past which a listing of every manager's shows a line per manager instead: an
organisation of a thousand people has about as many, some four thousand lines with their
explanations, which nobody reads on a screen (and whose wording took seconds at ten
thousand). A manager's own, `--full` and `--json` still list each one."""


def add_decisions(commands: Any, common: argparse.ArgumentParser) -> None:
    proposals = commands.add_parser("proposals", parents=[common], help="list proposals")
    proposals.add_argument("--manager", metavar="EMAIL")
    proposals.add_argument(
        "--state",
        choices=[s.value for s in State] + ["all"],
        metavar="STATE",
        help=f"only this state: {', '.join(s.value for s in State)}, or all "
        "(default: pending, approved and booked)",
    )
    proposals.add_argument(
        "--full",
        action="store_true",
        help=f"every proposal with its explanation, also past {LARGE_LISTING} without --manager",
    )
    proposals.add_argument("--json", action="store_true", help="machine-readable output")
    proposals.set_defaults(handler=_proposals)

    approve = commands.add_parser("approve", parents=[common], help="approve proposals")
    approve.add_argument("ids", nargs="*", metavar="ID", help="proposal ids")
    approve.add_argument("--manager", metavar="EMAIL", help="with --all: this manager's")
    approve.add_argument("--all", action="store_true", help="every pending proposal of --manager")
    approve.add_argument(
        "--now", metavar="ISO8601", help="book as if it were this instant (no offset = UTC)"
    )
    approve.set_defaults(handler=_approve)

    reject = commands.add_parser("reject", parents=[common], help="reject a proposal")
    reject.add_argument("id", metavar="ID")
    reject.add_argument("--reason", default="", help="why; kept in the audit log")
    reject.set_defaults(handler=_reject)


def _proposals(args: argparse.Namespace) -> int:
    # each command imports what it uses when it runs: see sync/cli/main.py on start-up
    from sync.config.paths import Paths
    from sync.config.store_settings import store_settings
    from sync.delivery.manager_counts import managers_table
    from sync.delivery.render import proposal_json, proposals_table
    from sync.delivery.wording import kept_names, wording
    from sync.plumbing.collector import collect_less_often

    # an organisation's listing builds a few hundred thousand small objects, none in a cycle
    collect_less_often()
    settings = store_settings(config_folder(args))
    names = kept_names(Paths(settings.data_dir).holiday_names)
    words = wording(settings.language, names)

    def show(store: Store) -> int:
        states = None if args.state == "all" else [State(args.state)] if args.state else LIVE_STATES
        manager = args.manager.lower() if args.manager else None
        if args.json:
            records = store.proposals(manager=manager, states=states)
            data = [proposal_json(r, store.series_of(r.id), words) for r in records]
            print(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            print(table(store, manager, states))
        names.save()
        return EXIT_OK

    def table(store: Store, manager: str | None, states: Sequence[State] | None) -> str:
        if manager is None and not args.full:
            managers = store.manager_counts(states=states)
            if sum(sum(m.by_state.values()) for m in managers) > LARGE_LISTING:
                return managers_table(managers, states or list(State))
        # the table shows a few columns: only those are read (sync/store/listing.py)
        return proposals_table(store.proposal_lines(manager=manager, states=states), words)

    return with_store(args, show)


def _approve(args: argparse.Namespace) -> int:
    if args.all == bool(args.ids) or (args.all and not args.manager):
        raise UsageError("give proposal ids, or --manager EMAIL --all")
    if args.manager and not args.all:
        raise UsageError("--manager goes with --all")
    from sync.cli.approvals import approval_outcomes
    from sync.config.settings import load_settings
    from sync.delivery.wording import wording
    from sync.night import workflow
    from sync.night.on_demand import book_approved_now

    roster = roster_of(args)
    # the whole configuration is checked before anything is approved: booking needs it
    word = wording(load_settings(config_folder(args)).language).word

    approved: list[ProposalRecord] = []

    def decide(store: Store) -> int:
        if args.all:
            approved.extend(
                workflow.approve_all(store, args.manager.lower(), actor(), roster=roster)
            )
        else:
            approved.extend(workflow.approve(store, ids(args.ids), actor(), roster=roster))
        return EXIT_OK

    with_store(args, decide)
    if not approved:
        echo("Nothing to approve: no pending proposals.")
        return EXIT_OK
    # nothing is printed before booking is over: a reader that stops reading early
    # (`| head -1`) cannot stop the booking halfway
    try:
        report = book_approved_now(config_folder(args), actor(), now=parse_now(args.now))
    except LockHeld:
        for record in approved:
            echo(f"Approved #{record.id}: {_pair(record)}; the run in progress books it.")
        return EXIT_OK
    for line in approval_outcomes(approved, report, word):
        echo(line)
    if report.rewritten:
        echo(f"Calendar files written to {report.export_dir()}.")
    for text in report.export_failure_lines() + report.invitation_lines():
        echo(text)
    return EXIT_ATTENTION if report.export_failures else EXIT_OK


def _pair(record: ProposalRecord) -> str:
    return f"{record.manager} → {record.employee}"


def _reject(args: argparse.Namespace) -> int:
    from sync.night import workflow

    (proposal_id,) = ids([args.id])
    roster = roster_of(args)

    def decide(store: Store) -> int:
        record = workflow.reject(store, proposal_id, actor(), args.reason, roster=roster)
        echo(f"Rejected #{record.id}: {_pair(record)}.")
        echo("The next run proposes another time for this pair.")
        return EXIT_OK

    return with_store(args, decide)
