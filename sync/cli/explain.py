"""What `--help` says about each command: what it is for, and an example to paste. Kept in
one place so that a new command without an explanation fails its test, and attached to the
parsers after they are built, so the files that define the options stay about options."""

from __future__ import annotations

import argparse
import textwrap

EXPLAINED: dict[str, tuple[str, str]] = {
    "run": (
        "The nightly job: take in calendar changes, keep booked series healthy, propose new "
        "check-ins, book what managers approved, write the .ics files and the digest emails. "
        "Cron runs it once a night; running it again the same night repeats nothing.",
        "checkin-sync run\ncheckin-sync run --dry-run --now 2027-02-01T07:00",
    ),
    "proposals": (
        "List the proposed, approved and booked check-ins with their ids, which approve and "
        "reject take. Past 500 proposals, without --manager, it prints a line per manager "
        "instead: how many they have in each state, and since when the oldest pending one "
        "waits; --full lists every one. --json prints every date, alternative and reason "
        '(see README, "Command line").',
        "checkin-sync proposals --manager karin@example.com\n"
        "checkin-sync proposals --state all --json",
    ),
    "approve": (
        "Approve pending proposals and book them at once, after checking them against both "
        "people's calendars as they are now. Each proposal is reported as what it became: "
        "booked, moved, or not booked and why.",
        "checkin-sync approve 12 14\ncheckin-sync approve --manager karin@example.com --all",
    ),
    "reject": (
        "Reject a pending proposal. The next run proposes another time for the pair, at "
        "least an hour away from the rejected one.",
        'checkin-sync reject 12 --reason "Mondays are full"',
    ),
    "request": (
        "An employee asks for one extra check-in within a few working days; the next run "
        "proposes a time to their manager.",
        'checkin-sync request lena@example.com --within-days 3 --reason "new project"',
    ),
    "health": (
        "For each pair: when they last met, the longest gap, how many of the check-ins due "
        "in the last 90 days were held, and whether the series is fizzling out.",
        "checkin-sync health --manager karin@example.com\ncheckin-sync health --json",
    ),
    "config": (
        "Configuration tools: check settings.toml and people.toml, or print the built-in "
        "invitation text.",
        "checkin-sync config check\ncheckin-sync config template --language sv",
    ),
    "config check": (
        "Report every problem in settings.toml, people.toml and the invitation template at "
        "once, each naming the file, the entry and the field. Exit 2 if there are any.",
        "checkin-sync --config /etc/checkin-sync config check\ncheckin-sync config check --json",
    ),
    "config template": (
        "Print the built-in invitation text, to copy into a file of your own and adapt.",
        "checkin-sync config template --language sv > config/invitation.txt",
    ),
    "rebuild": (
        "Recover the series checkin-sync booked from the calendars into a new state "
        "database, after the old one was lost. A run that finds no database does this by "
        "itself.",
        "checkin-sync rebuild",
    ),
    "doctor": (
        "Check that tonight's run would work: configuration, credentials, every calendar and "
        "the state database. Writes nothing anywhere.",
        "checkin-sync doctor\ncheckin-sync doctor --json",
    ),
    "export": (
        "Write the .ics calendar files of every person again, from the state database.",
        "checkin-sync export",
    ),
    "serve": (
        "Run the approval page and the calendar feeds on a production web server; it needs "
        "[web] secret. --dev runs a trial on this machine only, with a development secret "
        "and a sign-in link per manager.",
        "checkin-sync serve --port 8080\ncheckin-sync serve --dev --open",
    ),
    "login-link": (
        "Print a one-time sign-in link to the approval page for a manager in people.toml.",
        "checkin-sync login-link karin@example.com",
    ),
    "feed-url": (
        "Print a person's calendar subscription address (https and webcal). --new revokes "
        "the old address and prints a new one.",
        "checkin-sync feed-url lena@example.com\ncheckin-sync feed-url lena@example.com --new",
    ),
}


class Explained(argparse.RawDescriptionHelpFormatter):
    """Descriptions wrapped to the terminal like the option help; example lines (indented)
    kept as written, so they can be pasted."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if paragraph.startswith("  "):
                paragraphs.append(textwrap.indent(paragraph, indent))
            else:
                paragraphs.append(
                    textwrap.fill(
                        " ".join(paragraph.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
        return "\n\n".join(paragraphs)


def explain(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> None:
    """Give every subcommand under `parser` its description and examples (a test checks
    that none is left without)."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, command in action.choices.items():
            key = " ".join((*path, name))
            if key in EXPLAINED:
                description, examples = EXPLAINED[key]
                command.description = description
                command.epilog = "examples:\n\n" + textwrap.indent(examples, "  ")
                command.formatter_class = Explained
            explain(command, (*path, name))
