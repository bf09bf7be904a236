"""What the manager's page shows, computed from store records: every time in the viewer's
zone with the other person's alongside. Plain values, so templates only lay them out."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sync.config.roster import load_roster
from sync.delivery.wording import wording
from sync.model.errors import ConfigError
from sync.model.said import Said
from sync.model.timefmt import TwoZones, cadence_name, day, moment, pattern, span, zone_label
from sync.model.values import Occurrence, OccurrenceStatus
from sync.night.health import PairHealth
from sync.night.workflow import alternative_occurrences
from sync.plumbing.i18n import ENGLISH, Language
from sync.store import ProposalRecord, SeriesRecord
from sync.store.records import alternative_explanation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OccurrenceView:
    when: TwoZones
    status: str
    note: str


@dataclass(frozen=True)
class SlotView:
    number: int
    """0 for the proposed slot, 1.. for alternatives."""
    pattern: TwoZones
    first: TwoZones
    occurrences: tuple[OccurrenceView, ...]
    explanation: str
    counts: str


@dataclass(frozen=True)
class ProposalView:
    id: int
    employee: str
    employee_name: str
    cadence: str
    duration: int
    why: str
    slot: SlotView
    alternatives: tuple[SlotView, ...]


@dataclass(frozen=True)
class SeriesView:
    employee_name: str
    cadence: str
    duration: int
    pattern: TwoZones
    next: TwoZones | None
    next_note: str
    status: str


@dataclass(frozen=True)
class HealthView:
    employee_name: str
    cadence: str
    last_held: str
    share: str
    longest_gap: str
    at_risk: bool
    why: str
    booked: bool


@dataclass(frozen=True)
class HistoryView:
    when: str
    actor: str
    what: str
    note: str


def timezones(config_dir: Path) -> dict[str, str]:
    """Everyone's zone from people.toml. While the roster cannot be read (being edited, say),
    the page still works: callers fall back to the series' zone."""
    try:
        roster = load_roster(config_dir / "people.toml")
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
        self.wording = wording(language.code)

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
        why = word(record.cadence_reason)
        if record.reason and record.reason != record.cadence_reason:
            # a one-off's reason is its whole why
            why = self.language.gettext(
                "%(why)s; proposed because: %(reason)s", why=why, reason=word(record.reason)
            )
        return ProposalView(
            id=record.id,
            employee=record.employee,
            employee_name=record.employee_name,
            cadence=cadence_name(record.cadence, self.language),
            duration=record.duration,
            why=why,
            slot=slot,
            alternatives=tuple(alternatives),
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
        views = tuple(self.occurrence(o, mine, theirs) for o in occurrences)
        statuses = [o.status for o in occurrences]
        counts = self.language.gettext(
            "%(ok)s as planned, %(moved)s moved, %(skipped)s skipped",
            ok=statuses.count(OccurrenceStatus.OK),
            moved=statuses.count(OccurrenceStatus.MOVED),
            skipped=statuses.count(OccurrenceStatus.SKIPPED),
        )
        return SlotView(
            number=number,
            pattern=pattern(rrule, record.cadence, first, end, mine, theirs, self.language),
            first=span(first, end, mine, theirs, self.language),
            occurrences=views,
            explanation=self.wording.word(explanation),
            counts=counts,
        )

    def occurrence(self, item: Occurrence, mine: str, theirs: str | None) -> OccurrenceView:
        _ = self.language.gettext
        reason = self.wording.word(item.reason)
        note = reason
        if item.status is OccurrenceStatus.MOVED:
            was = moment(item.original_start, mine, self.language)
            note = _("moved from %(when)s", when=was) + (f": {reason}" if reason else "")
        elif item.status is OccurrenceStatus.SKIPPED:
            note = _("skipped: %(why)s", why=reason) if reason else _("skipped")
        when = span(item.start, item.end, mine, theirs, self.language)
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
        upcoming = [o for o in occurrences if o.takes_place and o.end > self.now]
        nxt = upcoming[0] if upcoming else None
        return SeriesView(
            employee_name=proposal.employee_name,
            cadence=cadence_name(proposal.cadence, self.language),
            duration=proposal.duration,
            pattern=pattern(
                proposal.rrule,
                proposal.cadence,
                first_start,
                first_start + duration,
                mine,
                theirs,
                self.language,
            ),
            next=span(nxt.start, nxt.end, mine, theirs, self.language) if nxt else None,
            next_note=self.occurrence(nxt, mine, theirs).note if nxt else "",
            status=status,
        )

    def health(self, item: PairHealth) -> HealthView:
        zone, language = self.viewer_zone("UTC"), self.language
        gap = item.longest_gap
        return HealthView(
            employee_name=item.employee_name,
            cadence=cadence_name(item.cadence, language),
            last_held=day(item.last_held, zone, language)
            if item.last_held
            else language.gettext("not yet"),
            share=item.share_in(language),
            longest_gap=""
            if gap is None
            else language.ngettext("%(num)s day", "%(num)s days", gap.days),
            at_risk=item.at_risk,
            why=item.why_in(language),
            booked=item.booked,
        )

    def history(
        self, entries: Iterable[Mapping[str, Any]], names: Mapping[tuple[str, str], str]
    ) -> list[HistoryView]:
        """Audit entries; `names` maps (kind, id) of proposals and series to a label."""
        zone = self.viewer_zone("UTC")
        views = []
        for entry in entries:
            at = datetime.fromisoformat(entry["at"])
            before = entry["from_state"]
            after = self._word(entry["to_state"])
            change = f"{self._word(before)} → {after}" if before else after
            if before == entry["to_state"]:
                change = self.language.gettext("changed")
            subject = names.get((entry["entity"], entry["entity_id"]), entry["entity_id"])
            views.append(
                HistoryView(
                    when=f"{moment(at, zone, self.language)} {zone_label(zone)}",
                    actor=entry["actor"],
                    what=f"{self._word(entry['entity'])} {subject}: {change}",
                    note=self.wording.word(Said.loads(entry["note_said"], entry["note"])),
                )
            )
        return views

    def _word(self, word: str) -> str:
        """A state or kind of thing the history names, as the store records it."""
        pgettext = self.language.pgettext
        words = {
            "proposal": pgettext("history", "proposal"),
            "series": pgettext("history", "series"),
            "request": pgettext("history", "request"),
            "pending": pgettext("history", "pending"),
            "approved": pgettext("history", "approved"),
            "booking": pgettext("history", "booking"),
            "booked": pgettext("history", "booked"),
            "rejected": pgettext("history", "rejected"),
            "superseded": pgettext("history", "superseded"),
            "cancelled": pgettext("history", "cancelled"),
            "open": pgettext("history", "open"),
            "expired": pgettext("history", "expired"),
            "withdrawn": pgettext("history", "withdrawn"),
        }
        return words.get(word, word)
