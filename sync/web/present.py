"""What the manager's page shows, computed from store records: every time in the viewer's
zone with the other person's alongside. Plain values, so templates only lay them out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.config.roster import Roster
from sync.delivery.date_changes import chips, reason_of
from sync.delivery.rule_line import dated, first_date, rule_line, why_only
from sync.delivery.week_picture import WeekPicture, proposal_picture
from sync.delivery.wording import managers_wording
from sync.model.errors import ConfigError
from sync.model.said import Said
from sync.model.timefmt import TwoZones, cadence_name, day, moment
from sync.model.values import Occurrence, OccurrenceStatus, first_name
from sync.night.health import PairHealth
from sync.night.reconcile import NEW_PAIR
from sync.night.workflow import alternative_occurrences
from sync.plumbing.i18n import ENGLISH, Language
from sync.store import ProposalRecord, SeriesRecord
from sync.store.records import alternative_explanation
from sync.web.history import Subject, actor_name, history_sentence, worth_telling

log = logging.getLogger(__name__)
UPCOMING = 4
"""How many of a booked series' next dates the page shows."""


@dataclass(frozen=True)
class OccurrenceView:
    when: TwoZones
    status: str
    note: str


@dataclass(frozen=True)
class SlotView:
    number: int
    """0 for the proposed slot, 1.. for alternatives."""
    rule: TwoZones
    """When it repeats, in one line: "Every 3 weeks · Mon 11:15–11:45" ("12:15 in Paris")."""
    first: TwoZones | None
    """The first date that takes place, as the list of dates shows it; None for a one-off,
    whose rule line is its date."""
    occurrences: tuple[OccurrenceView, ...]
    explanation: str
    """The planner's explanation, without the slot the rule line states."""
    chips: tuple[str, ...]
    """What needs attention: "1 skipped: Christmas Day", "1 moved"."""


@dataclass(frozen=True)
class ProposalView:
    id: int
    employee: str
    employee_name: str
    cadence: str
    duration: int
    note: str
    """Why this proposal exists, when that is news: an extra check-in's reason, or what
    made the planner propose again."""
    slot: SlotView
    alternatives: tuple[SlotView, ...]
    picture: WeekPicture | None


@dataclass(frozen=True)
class SeriesView:
    employee_name: str
    cadence: str
    duration: int
    rule: TwoZones
    upcoming: tuple[OccurrenceView, ...]
    """The next few dates, moved and skipped ones among them with what happened."""
    status: str


@dataclass(frozen=True)
class HealthView:
    employee_name: str
    cadence: str
    sentence: str
    at_risk: bool


@dataclass(frozen=True)
class HistoryView:
    when: str
    sentence: str
    note: str


def timezones(current: Callable[[], Roster]) -> dict[str, str]:
    """Everyone's zone from people.toml (as `current` reads it: the app parses it again
    only when it changes). While the roster cannot be read (being edited, say), the page
    still works: callers fall back to the series' zone."""
    try:
        roster = current()
    except ConfigError as error:
        log.warning("people.toml unreadable, showing series zones: %s", error)
        return {}
    people = [m.person for m in roster.managers.values()]
    people += [e.person for e in roster.employees.values()]
    return {p.email: p.timezone for p in people}


class Presenter:
    def __init__(
        self,
        viewer: str,
        zones: Mapping[str, str],
        now: datetime,
        language: Language = ENGLISH,
    ) -> None:
        self.viewer = viewer
        self.zones = zones
        self.now = now
        self.language = language
        self.wording = managers_wording(language.code)

    def viewer_zone(self, fallback: str) -> str:
        return self.zones.get(self.viewer, fallback)

    def other_zone(self, email: str) -> str | None:
        return self.zones.get(email)

    def proposal(self, record: ProposalRecord) -> ProposalView:
        slot = self.slot(
            0,
            record,
            rrule=record.rrule,
            first=record.first_start,
            occurrences=record.occurrences,
            explanation=record.explanation,
        )
        alternatives = []
        for number, raw in enumerate(record.alternatives, start=1):
            try:
                first = datetime.fromisoformat(raw["first_start"])
                occurrences = alternative_occurrences(raw)
            except (KeyError, TypeError, ValueError):
                continue  # an unreadable alternative is not offered; the proposal still is
            alternatives.append(
                self.slot(
                    number,
                    record,
                    rrule=str(raw.get("rrule", "")),
                    first=first,
                    occurrences=occurrences,
                    explanation=alternative_explanation(raw),
                )
            )
        word = self.wording.word
        note = ""
        if record.kind.one_off:
            note = word(record.reason)
        elif record.reason and not _no_news(record.reason):
            note = self.language.gettext("Proposed again: %(reason)s", reason=word(record.reason))
        return ProposalView(
            id=record.id,
            employee=record.employee,
            employee_name=record.employee_name,
            cadence=cadence_name(record.cadence, self.language),
            duration=record.duration,
            note=note,
            slot=slot,
            alternatives=tuple(alternatives),
            picture=proposal_picture(record, self.viewer_zone(record.timezone), self.language),
        )

    def slot(
        self,
        number: int,
        record: ProposalRecord,
        *,
        rrule: str,
        first: datetime,
        occurrences: Sequence[Occurrence],
        explanation: Said,
    ) -> SlotView:
        mine, theirs = self.viewer_zone(record.timezone), self.other_zone(record.employee)
        end = first + timedelta(minutes=record.duration)
        return SlotView(
            number=number,
            rule=rule_line(rrule, record.cadence, first, end, mine, theirs, self.language),
            first=first_date(rrule, occurrences, (first, end), mine, theirs, self.language),
            occurrences=tuple(self.occurrence(o, mine, theirs, (first, end)) for o in occurrences),
            explanation=self.wording.word(why_only(explanation)),
            chips=tuple(chips(occurrences, self.language)),
        )

    def occurrence(
        self,
        item: Occurrence,
        mine: str,
        theirs: str | None,
        rule: tuple[datetime, datetime],
    ) -> OccurrenceView:
        """One date; its badge says "moved" or "skipped", the note says from where and why.
        A date at the time of the `rule` (its first start and end) is said by its day alone."""
        why = reason_of(item, self.language)
        note = why
        if item.status is OccurrenceStatus.MOVED:
            was = moment(item.original_start, mine, self.language)
            note = self.language.gettext("from %(when)s", when=was) + (f": {why}" if why else "")
        when = dated(item.start, item.end, rule, mine, theirs, self.language)
        return OccurrenceView(when, item.status.value, note)

    def series(self, record: SeriesRecord, status: str) -> SeriesView:
        return self._team_line(record.proposal, record.first_start, record.occurrences, status)

    def approved(self, record: ProposalRecord, status: str) -> SeriesView:
        """An approved proposal not booked yet, shown with the booked series."""
        return self._team_line(record, record.first_start, record.occurrences, status)

    def _team_line(
        self,
        proposal: ProposalRecord,
        first_start: datetime,
        occurrences: Sequence[Occurrence],
        status: str,
    ) -> SeriesView:
        mine, theirs = self.viewer_zone(proposal.timezone), self.other_zone(proposal.employee)
        duration = timedelta(minutes=proposal.duration)
        upcoming = [o for o in occurrences if o.end > self.now][:UPCOMING]
        return SeriesView(
            employee_name=proposal.employee_name,
            cadence=cadence_name(proposal.cadence, self.language),
            duration=proposal.duration,
            rule=rule_line(
                proposal.rrule,
                proposal.cadence,
                first_start,
                first_start + duration,
                mine,
                theirs,
                self.language,
            ),
            upcoming=tuple(
                self.occurrence(o, mine, theirs, (first_start, first_start + duration))
                for o in upcoming
            ),
            status=status,
        )

    def health(self, item: PairHealth) -> HealthView | None:
        """How a pair is doing, in a sentence; None while there is nothing to judge (no
        series, or no date due yet)."""
        if not item.booked or not item.due_recently:
            return None
        _, ngettext = self.language.gettext, self.language.ngettext
        name = first_name(item.employee_name, item.employee_name)
        if item.at_risk:
            since = item.last_held or min((d.start for d in item.dates), default=self.now)
            weeks = max((self.now - since).days // 7, 1)
            sentence = ngettext(
                "No check-in with %(name)s for %(num)s week",
                "No check-in with %(name)s for %(num)s weeks",
                weeks,
                name=name,
            )
            if item.missed_in_a_row:
                sentence += " — " + ngettext(
                    "%(num)s in a row did not happen",
                    "%(num)s in a row did not happen",
                    item.missed_in_a_row,
                )
            sentence += ". " + _("Worth a word, and a time that works.")
        else:
            zone = self.viewer_zone("UTC")
            last = (
                _("last on %(day)s", day=day(item.last_held, zone, self.language))
                if item.last_held
                else _("none held yet")
            )
            sentence = _(
                "On track: %(held)s of %(due)s held in the last 90 days, %(last)s.",
                held=item.held_recently,
                due=item.due_recently,
                last=last,
            )
        return HealthView(
            employee_name=item.employee_name,
            cadence=cadence_name(item.cadence, self.language),
            sentence=sentence,
            at_risk=item.at_risk,
        )

    def history(
        self, entries: Iterable[Mapping[str, Any]], subjects: Mapping[tuple[str, str], Subject]
    ) -> list[HistoryView]:
        """Audit entries as sentences ("Karin approved Tuesdays 10:00 with Lena");
        `subjects` names the proposals and series the entries are about."""
        zone = self.viewer_zone("UTC")
        views = []
        for entry in worth_telling(entries, subjects):
            at = datetime.fromisoformat(entry["at"])
            subject = subjects.get((entry["entity"], entry["entity_id"]))
            if subject is None:
                continue  # a request or other record the page does not show
            views.append(
                HistoryView(
                    when=day(at, zone, self.language),
                    sentence=history_sentence(
                        actor_name(entry["actor"], self.viewer, self.language),
                        entry["entity"],
                        entry["from_state"],
                        entry["to_state"],
                        subject,
                        self.language,
                    ),
                    note=self._note(Said.loads(entry["note_said"], entry["note"])),
                )
            )
        return views

    def _note(self, note: Said) -> str:
        return "" if _no_news(note) else self.wording.word(note)


def _no_news(reason: Said) -> bool:
    """The reason of a first proposal, which every pair starts with; older versions kept
    it in words."""
    return reason == NEW_PAIR or (reason.plain and reason.msgid == NEW_PAIR.msgid)
