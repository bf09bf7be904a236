"""The command line. Thin: parse, call, print. Errors become exit codes here and only here:
0 done, 1 done but something needs attention, 2 usage or configuration error, 3 another run
is in progress, 4 failed (nothing or only part was done; the next run finishes it)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

# Start-up: a command imports what it uses when it runs, in its handler (or in the
# function that needs it), not here. Importing everything would take seconds before
# `--help` prints (the calendar providers' libraries, pydantic, the web app, …);
# tests/cli/test_startup.py names what `--help`, `proposals` and `config check` may load.
from sync import __version__
from sync.cli.common import (
    EXIT_ATTENTION,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PIPE_CLOSED,
    EXIT_USAGE,
    config_folder,
    parse_now,
)
from sync.cli.decisions import add_decisions
from sync.cli.explain import explain
from sync.cli.links import add_links
from sync.cli.night_commands import add_run
from sync.cli.output import echo
from sync.cli.people import add_commands
from sync.config.paths import CONFIG_DIR_ENV, PRIVATE_UMASK, Paths
from sync.model.errors import ConfigError, Failure, SyncError, UsageError
from sync.model.failures import describe_os_error, describe_sqlite_error
from sync.plumbing.logs import FIELDS, FORMATS, setup_logging

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The reader of stdout went away (`checkin-sync proposals --json | head -1`): stop
    quietly, as the Python documentation recommends, with stdout pointed at /dev/null so
    that flushing it at exit cannot fail again. 141 is what a shell reports for a program
    ended by SIGPIPE, so `set -o pipefail` scripts see the output was cut short."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


def _main(argv: Sequence[str] | None) -> int:
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
            echo(problem, file=sys.stderr)
        return error.exit_code
    except Failure as error:
        return _failed(str(error))
    except SyncError as error:
        echo(f"checkin-sync: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        raise  # not a failure of the command: main() ends quietly
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
    echo(
        f"checkin-sync: failed: {what}. Nothing or only part was done; "
        "the next run finishes it once this is fixed.",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _data_dir(args: argparse.Namespace) -> Path | None:
    """data_dir, to name where a failed write went; None where the settings cannot say."""
    from sync.config.settings import load_settings

    try:
        return load_settings(config_folder(args)).data_dir
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
    add_run(commands, common)
    add_decisions(commands, common)

    config = commands.add_parser("config", parents=[common], help="configuration tools")
    config_commands = config.add_subparsers(title="config commands", metavar="COMMAND")
    check = config_commands.add_parser(
        "check", parents=[common], help="report every problem in settings.toml and people.toml"
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_config_check)

    add_commands(commands, common, config_commands, (config_folder, parse_now))

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
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.set_defaults(handler=_doctor)

    export = commands.add_parser("export", parents=[common], help="write the .ics files")
    export.set_defaults(handler=_export)

    serve = commands.add_parser("serve", parents=[common], help="run the approval web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument(
        "--dev",
        action="store_true",
        help="local trial: no [web] secret needed (a development secret in data_dir signs "
        "the links), prints a sign-in link per manager",
    )
    serve.add_argument(
        "--open",
        action="store_true",
        help="with --dev: open the page in a browser, where there is a screen to show it",
    )
    serve.set_defaults(handler=_serve)

    add_links(commands, common)
    explain(parser)
    return parser


def _config_check(args: argparse.Namespace) -> int:
    from sync.cli.config_check import check_config
    from sync.cli.reports import config_json

    problems, summary = check_config(config_folder(args))
    if args.json:
        print(json.dumps(config_json(problems, summary), indent=2, ensure_ascii=False))
        return EXIT_USAGE if problems else EXIT_OK
    for problem in problems:
        echo(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_USAGE
    echo(summary)
    return EXIT_OK


def _rebuild(args: argparse.Namespace) -> int:
    from sync.cli.reports import rebuilt
    from sync.night.on_demand import rebuild_store

    result = rebuild_store(config_folder(args), datetime.now(UTC))
    echo(rebuilt(len(result.booked), len(result.ended)))
    for organiser, error in sorted(result.errors.items()):
        print(f"  could not read {organiser}: {error}", file=sys.stderr)
    return EXIT_ATTENTION if result.errors else EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    from sync.cli.doctor import VERDICTS, diagnose
    from sync.cli.reports import doctor_json

    findings, code = diagnose(config_folder(args))
    if args.json:
        print(json.dumps(doctor_json(findings, code), indent=2, ensure_ascii=False))
        return code
    for finding in findings:
        echo(str(finding))
    echo(VERDICTS[code])
    return code


def _export(args: argparse.Namespace) -> int:
    from sync.config.settings import load_settings
    from sync.delivery.export.series import export_all
    from sync.night.lock import RunLock
    from sync.store import Store

    settings = load_settings(config_folder(args))
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

    if args.open and not args.dev:
        raise UsageError("--open goes with --dev")
    return serve(config_folder(args), args.host, args.port, dev=args.dev, open_page=args.open)


if __name__ == "__main__":
    raise SystemExit(main())
