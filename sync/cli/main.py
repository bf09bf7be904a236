"""The command line. Thin: parse, call, print. Errors become exit codes here and only here:
0 done, 1 done but something needs attention, 2 usage or configuration error, 3 another run
is in progress, 4 failed (nothing or only part was done; the next run finishes it)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync import __version__
from sync.cli.config_check import check_config
from sync.cli.doctor import diagnose
from sync.cli.people import add_commands
from sync.config.paths import PRIVATE_UMASK, Paths
from sync.config.roster import Roster, load_roster
from sync.config.settings import CONFIG_DIR_ENV, Settings, load_settings
from sync.delivery.export.series import export_all
from sync.delivery.feeds import feed_secret, feed_urls, make_token
from sync.delivery.render import proposal_json, proposals_table
from sync.delivery.signin import make_link, manager_named, person_named
from sync.delivery.wording import wording
from sync.model.errors import ConfigError, Failure, LockHeld, SyncError, UsageError
from sync.model.failures import describe_os_error, describe_sqlite_error
from sync.night import workflow
from sync.night.lock import RunLock
from sync.night.nightly import run_nightly
from sync.night.on_demand import book_approved_now, rebuild_store
from sync.night.tonight import RunOptions
from sync.plumbing.logs import FIELDS, FORMATS, setup_logging
from sync.store import LIVE_STATES, State, Store

EXIT_OK, EXIT_ATTENTION, EXIT_USAGE, EXIT_LOCKED, EXIT_FAILED = 0, 1, 2, 3, 4
ALLOW_FAR_NOW_ENV = "CHECKIN_SYNC_ALLOW_FAR_NOW"
"""Set to 1 by test harnesses and simulations, which run many nights at made-up instants
against their own data_dir: the same as --allow-far-now on every run."""
FAR_NOW = timedelta(days=1)
"""A --now further than this from the clock is a simulation, not a late or early night."""
MAX_NOW_DISTANCE = timedelta(days=36525)
"""Beyond a century the calendar arithmetic of a run (and of Python) runs out."""

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    args.invoked_as = sys.argv[0] if argv is None else "checkin-sync"
    setup_logging(getattr(args, "verbose", 0), getattr(args, "log_format", "text"))
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    # whatever this process creates (database, reports, outbox, exports) is the service
    # user's alone; restored after, for callers that run commands in-process
    umask = os.umask(PRIVATE_UMASK)
    try:
        return _handle(args)
    finally:
        os.umask(umask)


def _handle(args: argparse.Namespace) -> int:
    try:
        result: int = args.handler(args)
        return result
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return error.exit_code
    except Failure as error:
        return _failed(str(error))
    except SyncError as error:
        print(f"checkin-sync: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("checkin-sync: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        return _failed(describe_os_error(error, _data_dir(args)))
    except sqlite3.Error as error:
        data_dir = _data_dir(args)
        database = Paths(data_dir).database if data_dir else "the state database"
        return _failed(describe_sqlite_error(error, database))
    except Exception as error:
        # a bug: one line for the operator; where it happened for whoever asks with -vv
        frame = traceback.extract_tb(error.__traceback__)[-1]
        fields = {FIELDS: {"error": type(error).__name__, "at": _place(frame)}}
        log.debug("the command failed", exc_info=True, extra=fields)
        return _failed(f"unexpected {type(error).__name__}: {' '.join(str(error).split())}")


def _place(frame: traceback.FrameSummary) -> str:
    """`sync/delivery/export/files.py:71 in write_if_changed`: short, and the same wherever it
    runs."""
    path = Path(frame.filename)
    source_root = Path(__file__).resolve().parent.parent.parent
    shown = path.relative_to(source_root) if path.is_relative_to(source_root) else path
    return f"{shown}:{frame.lineno} in {frame.name}"


def _failed(what: str) -> int:
    print(
        f"checkin-sync: failed: {what}. Nothing or only part was done; "
        "the next run finishes it once this is fixed.",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _data_dir(args: argparse.Namespace) -> Path | None:
    """data_dir, to name where a failed write went; None where the settings cannot say."""
    try:
        return load_settings(_config_dir(args)).data_dir
    except (SyncError, OSError, ValueError):
        return None


def _parser() -> argparse.ArgumentParser:
    # --config is accepted before or after the command
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help=f"configuration folder (default: ${CONFIG_DIR_ENV} or ./config)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log each step to stderr (-vv: also each provider request)",
    )
    common.add_argument(
        "--log-format",
        choices=FORMATS,
        default=argparse.SUPPRESS,
        help="stderr log lines as key=value text (default) or JSON",
    )
    parser = argparse.ArgumentParser(
        prog="checkin-sync",
        parents=[common],
        description="Keeps regular manager–employee check-ins happening.",
    )
    parser.add_argument("--version", action="version", version=f"checkin-sync {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

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
    run.set_defaults(handler=_run)

    proposals = commands.add_parser("proposals", parents=[common], help="list proposals")
    proposals.add_argument("--manager", metavar="EMAIL")
    proposals.add_argument(
        "--state",
        choices=[s.value for s in State] + ["all"],
        help="only this state (default: pending, approved and booked)",
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

    config = commands.add_parser("config", parents=[common], help="configuration tools")
    config_commands = config.add_subparsers(title="config commands", metavar="COMMAND")
    check = config_commands.add_parser(
        "check", parents=[common], help="report every problem in settings.toml and people.toml"
    )
    check.set_defaults(handler=_config_check)

    add_commands(commands, common, config_commands, (_config_dir, _parse_now))

    rebuild = commands.add_parser(
        "rebuild",
        parents=[common],
        help="recover the series checkin-sync booked from the calendars into the database",
    )
    rebuild.set_defaults(handler=_rebuild)

    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="check config, credentials, calendars and the database, writing nothing",
    )
    doctor.set_defaults(handler=_doctor)

    export = commands.add_parser("export", parents=[common], help="write the .ics files")
    export.set_defaults(handler=_export)

    serve = commands.add_parser("serve", parents=[common], help="run the approval web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument(
        "--dev",
        action="store_true",
        help="local trial: no [web] secret needed, prints a sign-in link per manager",
    )
    serve.set_defaults(handler=_serve)

    login_link = commands.add_parser(
        "login-link", parents=[common], help="print a sign-in link for a manager"
    )
    login_link.add_argument("email", metavar="EMAIL")
    login_link.set_defaults(handler=_login_link)

    feed_url = commands.add_parser(
        "feed-url", parents=[common], help="print a person's calendar subscription address"
    )
    feed_url.add_argument("email", metavar="EMAIL")
    feed_url.add_argument(
        "--new", action="store_true", help="revoke the person's address and print a new one"
    )
    feed_url.set_defaults(handler=_feed_url)
    return parser


def _config_dir(args: argparse.Namespace) -> Path:
    if "config" in args:
        return Path(args.config)
    return Path(os.environ.get(CONFIG_DIR_ENV, "config"))


def _program(args: argparse.Namespace) -> str:
    """The command as the operator typed it, so the printed next steps can be pasted."""
    invoked = args.invoked_as
    if invoked.endswith("__main__.py"):
        program = "python -m sync"
    elif os.sep in invoked:
        program = os.path.relpath(invoked)
    else:
        program = "checkin-sync"
    if "config" in args:
        program += f" --config {args.config}"
    return program


def _actor() -> str:
    try:
        return f"{getpass.getuser()} (cli)"
    except (KeyError, OSError):
        return "cli"


def _parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f'--now: "{text}" is not an ISO 8601 date and time') from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if abs(value - datetime.now(UTC)) > MAX_NOW_DISTANCE:
        raise UsageError(f'--now: "{text}" is more than a hundred years from today')
    return value


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


def _run(args: argparse.Namespace) -> int:
    now = _parse_now(args.now)
    _refuse_far_now(args, now)
    options = RunOptions(
        now=now,
        dry_run=args.dry_run,
        accept_deletions=args.accept_deletions,
        report_json=args.report_json,
    )
    report = run_nightly(_config_dir(args), options)
    print(report.render(_program(args)))
    return report.exit_code


def _with_store(args: argparse.Namespace, action: Callable[[Store], int]) -> int:
    settings = load_settings(_config_dir(args))
    store = Store.open(Paths(settings.data_dir).database)
    try:
        return action(store)
    finally:
        store.close()


def _proposals(args: argparse.Namespace) -> int:
    words = wording(load_settings(_config_dir(args)).language)

    def show(store: Store) -> int:
        states = None if args.state == "all" else [State(args.state)] if args.state else LIVE_STATES
        manager = args.manager.lower() if args.manager else None
        records = store.proposals(manager=manager, states=states)
        if args.json:
            data = [proposal_json(r, store.series_of(r.id), words) for r in records]
            print(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            print(proposals_table(records, words))
        return EXIT_OK

    return _with_store(args, show)


def _ids(values: Sequence[str]) -> list[int]:
    ids = []
    for value in values:
        text = value.lstrip("#")
        # str.isdigit also takes "²" and "٣" (which int() reads as 3): ids are ASCII only
        if not (text.isascii() and text.isdigit()):
            raise UsageError(
                f'"{value}" is not a proposal id (a number, see: checkin-sync proposals)'
            )
        ids.append(int(text))
    return ids


def _roster(args: argparse.Namespace) -> Roster:
    """people.toml as it is now: decisions are only about pairs it still has."""
    return load_roster(_config_dir(args) / "people.toml")


def _approve(args: argparse.Namespace) -> int:
    if args.all == bool(args.ids) or (args.all and not args.manager):
        raise UsageError("give proposal ids, or --manager EMAIL --all")
    if args.manager and not args.all:
        raise UsageError("--manager goes with --all")

    roster = _roster(args)

    def decide(store: Store) -> int:
        if args.all:
            approved = workflow.approve_all(store, args.manager.lower(), _actor(), roster=roster)
        else:
            approved = workflow.approve(store, _ids(args.ids), _actor(), roster=roster)
        if not approved:
            print("Nothing to approve: no pending proposals.")
        for record in approved:
            print(f"Approved #{record.id}: {record.manager} → {record.employee}")
        return EXIT_OK

    code = _with_store(args, decide)
    try:
        report = book_approved_now(_config_dir(args), _actor(), now=_parse_now(args.now))
    except LockHeld:
        print("A run is in progress; it books them.")
        return code
    word = wording(load_settings(_config_dir(args)).language).word
    for line in report.booked:
        print(f"Booked #{line.proposal_id}: {line.manager} → {line.employee}")
    for line in report.kept_up:
        print(f"Checked #{line.proposal_id} against the calendars: {word(line.text)}")
    for line in report.superseded + report.write_failures:
        why = word(line.text)
        print(f"Not booked #{line.proposal_id}: {line.manager} → {line.employee}: {why}")
    if report.rewritten:
        print(f"Calendar files written to {report.export_dir()}.")
    for text in report.export_failure_lines() + report.invitation_lines():
        print(text)
    return EXIT_ATTENTION if code == EXIT_OK and report.export_failures else code


def _reject(args: argparse.Namespace) -> int:
    (proposal_id,) = _ids([args.id])
    roster = _roster(args)

    def decide(store: Store) -> int:
        record = workflow.reject(store, proposal_id, _actor(), args.reason, roster=roster)
        print(f"Rejected #{record.id}: {record.manager} → {record.employee}.")
        print("The next run proposes another time for this pair.")
        return EXIT_OK

    return _with_store(args, decide)


def _config_check(args: argparse.Namespace) -> int:
    problems, summary = check_config(_config_dir(args))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_USAGE
    print(summary)
    return EXIT_OK


def _rebuild(args: argparse.Namespace) -> int:
    result = rebuild_store(_config_dir(args), datetime.now(UTC))
    print(
        f"Recovered {len(result.booked)} booked and {len(result.ended)} ended series "
        "from the calendars."
    )
    for organiser, error in sorted(result.errors.items()):
        print(f"  could not read {organiser}: {error}", file=sys.stderr)
    return EXIT_ATTENTION if result.errors else EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    findings, code = diagnose(_config_dir(args))
    for finding in findings:
        print(finding)
    print({0: "Ready for tonight.", 1: "Runs would work, with the problems above.",
           2: "A run would stop: fix the problems above."}[code])  # fmt: skip
    return code


def _export(args: argparse.Namespace) -> int:
    settings = load_settings(_config_dir(args))
    paths = Paths(settings.data_dir)
    with RunLock(paths.lock):
        store = Store.open(paths.database)
        try:
            exported = export_all(store, paths.export, language=settings.language)
        finally:
            store.close()
    for path in exported.paths:
        print(path)
    for email, why in sorted(exported.failed.items()):
        print(f"checkin-sync: calendar file of {email} not written: {why}", file=sys.stderr)
    if not exported.paths and not exported.failed:
        print("No booked check-ins yet: nothing to export.")
    return EXIT_ATTENTION if exported.failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    # imported here: Flask is only needed by this command
    from sync.web.serve import serve

    return serve(_config_dir(args), args.host, args.port, dev=args.dev)


def _login_link(args: argparse.Namespace) -> int:
    config_dir = _config_dir(args)
    settings = load_settings(config_dir)
    email = args.email.strip().lower()
    manager = manager_named(config_dir, email)
    link = make_link(settings.web, email, datetime.now(UTC))
    print(
        f"Sign-in link for {manager.person.name} <{email}>, usable once, valid until "
        f"{link.expires:%Y-%m-%d %H:%M} UTC:"
    )
    print(link.url)
    return EXIT_OK


def _feed_url(args: argparse.Namespace) -> int:
    config_dir = _config_dir(args)
    settings = load_settings(config_dir)
    email = args.email.strip().lower()
    try:
        person = person_named(config_dir, email)
    except UsageError:
        if not args.new:
            raise
        # someone who left people.toml: their address can still be revoked
        return _revoke_feed(settings, email)
    secret = feed_secret(settings)
    store = Store.open(Paths(settings.data_dir).database)
    try:
        version = store.new_feed_version(email) if args.new else store.feed_version(email)
    finally:
        store.close()
    urls = feed_urls(settings.web.public_url, make_token(secret, email, version))
    if args.new:
        print(f"The previous address of {person.name} no longer works.")
    print(f"Check-ins of {person.name} <{email}>, to subscribe to in a calendar app:")
    print(urls.https)
    print(urls.webcal)
    print("Anyone with the address can read these check-ins; --new revokes it and prints")
    print("another, and changing [feeds] secret (or, without one, [web] secret) revokes all.")
    return EXIT_OK


def _revoke_feed(settings: Settings, email: str) -> int:
    store = Store.open(Paths(settings.data_dir).database)
    try:
        store.new_feed_version(email)
    finally:
        store.close()
    print(f"The feed address of {email} no longer works ({email} is not in people.toml, so")
    print("no new one is made).")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
