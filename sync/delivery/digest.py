"""The nightly digest: one short email per manager that lists what waits for their decision
and what happened to their team's check-ins tonight, with a sign-in link.

A manager is emailed only when there is something new for them: a pending proposal no
earlier digest has listed, or something that happened to their team's check-ins tonight.
What stands night after night (a pair that could not be planned) is told when it appears or
changes and then once a week (sync/delivery/standing_lines.py). So a re-run of the same
night, or a quiet night, sends nothing. Messages are queued in the
store first and delivered by sync.delivery.mail, which keeps what it could not send for the
next run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sync.config.roster import Roster
from sync.config.settings import Settings
from sync.delivery.approve_link import make_approve_link
from sync.delivery.date_changes import DateChange, date_changes
from sync.delivery.digest_cells import row_cells, row_start
from sync.delivery.long_text_mail import as_bytes, text_parts
from sync.delivery.mail_headers import address, header_text
from sync.delivery.report import PairLine, RunReport
from sync.delivery.rule_line import first_date, rule_line, why_only
from sync.delivery.signin import SignInLink, make_link
from sync.delivery.standing_lines import STANDING_SECTIONS, StandingLines
from sync.delivery.week_picture import WeekPicture, proposal_picture
from sync.delivery.wording import managers_wording
from sync.model.timefmt import TwoZones, moment, on_day, zone_label
from sync.model.values import first_name
from sync.plumbing.i18n import Language, translations
from sync.store import ProposalRecord, State, Store

log = logging.getLogger(__name__)


@cache
def _templates(language: str) -> Environment:
    """The digest templates, speaking `language` (one environment per language, as
    Jinja's i18n extension installs the translations into the environment)."""
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    environment.globals["row_cells"] = row_cells
    environment.globals["row_start"] = row_start
    return environment


@dataclass(frozen=True)
class WaitingItem:
    employee_name: str
    duration: int
    rule: TwoZones
    """ "Weekly · Tue 15:00–15:30" and "09:00 in New York" (sync/delivery/rule_line.py)."""
    first: TwoZones | None
    """The first date that takes place; None for a one-off, whose rule is its date."""
    new: bool
    note: str = ""
    """For an extra check-in: why it is proposed ("requested by Lena: the reorg")."""
    explanation: str = ""
    """Why this time: the planner's own words, without the slot the rule states."""
    changes: tuple[DateChange, ...] = ()
    """Dates of the series moved or skipped."""
    approve: str = ""
    """The approve link of this proposal; empty while the approval page is not set up."""
    picture: WeekPicture | None = None


@dataclass(frozen=True)
class TonightItem:
    what: str
    employee_name: str
    text: str
    since: str = ""
    """For a reminder of something that still stands: the date it was first told."""


@dataclass(frozen=True)
class Digest:
    recipient: str
    name: str
    subject: str
    text: str
    html: str
    proposal_ids: tuple[int, ...]


def notify_managers(
    store: Store,
    settings: Settings,
    roster: Roster,
    report: RunReport,
    issued_at: datetime,
) -> None:
    """Queue tonight's digests; the run delivers them with everything else in the outbox.
    `issued_at` is the real time (sign-in links expire from it), not the instant a run
    plans for."""
    standing = StandingLines(store, report.now.date())
    for digest in compose(store, settings, roster, report, issued_at, standing):
        message = to_email(digest, settings)
        with store.transaction():
            store.queue_message(digest.recipient, digest.subject, message, digest.proposal_ids)
            store.note_told(standing.told_to(digest.recipient))
    if not report.stopped:  # a step left out reports nothing, which is no sign a line ended
        standing.forget_gone(store)


def compose(
    store: Store,
    settings: Settings,
    roster: Roster,
    report: RunReport,
    issued_at: datetime,
    standing: StandingLines,
) -> Iterator[Digest]:
    """Each manager's digest in turn, made as it is queued: all of them at once would hold
    every manager's mail in memory together (about 100 MB at N = 1,000)."""
    language = Language(settings.language)
    tonight = _tonight_by_manager(report, roster, language, standing)
    pending: dict[str, list[ProposalRecord]] = {}
    for record in store.proposals(states=[State.PENDING]):
        pending.setdefault(record.manager, []).append(record)
    for manager in sorted(set(pending) | set(tonight)):
        waiting = pending.get(manager, [])
        told = store.proposals_told(manager)
        if not tonight.get(manager) and all(r.id in told for r in waiting):
            continue
        at_risk = [
            _at_risk(line, roster, language) for line in report.at_risk if line.manager == manager
        ]
        yield _digest(
            manager, waiting, told, tonight.get(manager, []), settings, roster, issued_at, at_risk
        )


def _digest(
    manager: str,
    waiting: Sequence[ProposalRecord],
    told: set[int],
    tonight: Sequence[TonightItem],
    settings: Settings,
    roster: Roster,
    issued_at: datetime,
    at_risk: Sequence[TonightItem] = (),
) -> Digest:
    person = roster.managers.get(manager)
    zone = person.person.timezone if person else (waiting[0].timezone if waiting else "UTC")
    name = person.person.name if person else (waiting[0].manager_name if waiting else manager)
    language = Language(settings.language)
    link: SignInLink | None = None
    if settings.web.secret is not None:
        link = make_link(settings.web, manager, issued_at)
    items = []
    for record in waiting:
        item = _waiting(record, zone, roster, record.id not in told, language)
        if link is not None:  # the approve link, like the sign-in link, needs the web secret
            approve = make_approve_link(settings.web, manager, record.id, issued_at)
            item = replace(item, approve=approve)
        items.append(item)
    if waiting:
        subject = language.ngettext(
            "%(num)s check-in waits for your approval",
            "%(num)s check-ins wait for your approval",
            len(waiting),
        )
    elif changes := [item for item in tonight if not item.since]:
        subject = language.ngettext(
            "Check-ins: %(num)s change tonight", "Check-ins: %(num)s changes tonight", len(changes)
        )
    else:  # only what still stands, a week after the manager was told
        subject = language.ngettext(
            "Check-ins: %(num)s still needs your attention",
            "Check-ins: %(num)s still need your attention",
            len(tonight),
        )
    values = {
        "first_name": first_name(name, manager),
        "waiting": items,
        "new_count": sum(1 for item in items if item.new),
        "tonight": tonight,
        "at_risk": at_risk,
        "link": link.url if link else None,
        "expires": f"{moment(link.expires, zone, language)} {zone_label(zone)}" if link else "",
        "zone": zone_label(zone),
        "language": language.code,
    }
    templates = _templates(language.code)
    return Digest(
        recipient=manager,
        name=name,
        subject=subject,
        text=templates.get_template("digest.txt").render(values),
        html=templates.get_template("digest.html").render(values, subject=subject),
        proposal_ids=tuple(record.id for record in waiting),
    )


def _waiting(
    record: ProposalRecord, zone: str, roster: Roster, new: bool, language: Language
) -> WaitingItem:
    employee = roster.employees.get(record.employee)
    other = employee.person.timezone if employee else None
    end = record.first_start + timedelta(minutes=record.duration)
    rule = (record.first_start, end)
    words = managers_wording(language.code)
    return WaitingItem(
        employee_name=record.employee_name,
        duration=record.duration,
        rule=rule_line(record.rrule, record.cadence, *rule, zone, other, language),
        first=first_date(record.rrule, record.occurrences, rule, zone, other, language),
        new=new,
        note=words.word(record.reason) if record.kind.one_off else "",
        explanation=words.word(why_only(record.explanation)),
        changes=tuple(date_changes(record.occurrences, zone, language)),
        picture=proposal_picture(record, zone, language),
    )


def _at_risk(line: PairLine, roster: Roster, language: Language) -> TonightItem:
    employee = roster.employees.get(line.employee)
    name = employee.person.name if employee else line.employee
    return TonightItem(
        language.gettext("At risk"), name, managers_wording(language.code).word(line.text)
    )


def _tonight_by_manager(
    report: RunReport, roster: Roster, language: Language, standing: StandingLines
) -> dict[str, list[TonightItem]]:
    _ = language.gettext
    # the report's name of each section too, for those whose lines can stand night after night
    sections: list[tuple[str, str, list[PairLine]]] = [
        (_("Booked"), "booked", report.booked),
        (_("Replaced"), "superseded", report.superseded),
        (_("Cancelled"), "cancelled", report.cancelled),
        (_("Declined"), "declined", report.declined),
        (_("Dates moved or skipped"), "kept_up", report.kept_up),
        (_("Could not be planned"), "skipped", report.skipped),
        (_("Not yet in the calendar"), "write_failures", report.write_failures),
        (_("At risk"), "became_at_risk", report.became_at_risk),
        (_("Back on track"), "back_on_track", report.back_on_track),
        (_("Asked for"), "asks", report.asks),
    ]
    result: dict[str, list[TonightItem]] = {}
    for what, section, lines in sections:
        for line in lines:
            if not line.manager:  # e.g. an entry so broken its manager is unknown
                continue
            since = ""
            if section in STANDING_SECTIONS:
                told = standing.tell(section, line)
                if told is None:
                    continue
                if told.since < told.told_on:
                    since = on_day(told.since, language)
            employee = roster.employees.get(line.employee)
            name = employee.person.name if employee else line.employee
            text = managers_wording(language.code).word(line.text)
            result.setdefault(line.manager, []).append(TonightItem(what, name, text, since))
    return result


def to_email(digest: Digest, settings: Settings) -> bytes:
    message = EmailMessage()
    message["Subject"] = header_text(digest.subject)
    message["From"] = settings.smtp.from_address
    message["To"] = address(digest.name, digest.recipient)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=_domain(settings.smtp.from_address))
    # RFC 3834: sent by a program, so vacation responders and other robots do not answer
    message["Auto-Submitted"] = "auto-generated"
    # Exchange and Outlook do not read Auto-Submitted; this keeps their out-of-office
    # replies from answering the digest too
    message["X-Auto-Response-Suppress"] = "All"
    # the parts are long (a large team's HTML some 70,000 characters): encoded and written
    # out the quicker way, the bytes the same (sync/delivery/long_text_mail.py)
    message.set_content(digest.text, content_manager=text_parts)
    message.add_alternative(digest.html, subtype="html", content_manager=text_parts)
    # CRLF line ends: SMTP sends bytes as they are, and a bare \n is not a line end there
    return as_bytes(message, SMTP)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip("> ") or "checkin-sync.invalid"
