"""The page's History: audit entries told as sentences ("You approved Tuesdays 10:00 with
Lena"), with who acted said the way a manager knows them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sync.model.timefmt import day, weekday_plurals
from sync.plumbing.i18n import Language
from sync.store import ProposalRecord


@dataclass(frozen=True)
class Subject:
    """What an entry is about: "Tuesdays 10:00" with "Lena Berg"."""

    name: str
    slot: str


def subject_of(record: ProposalRecord, zone: str, language: Language) -> Subject:
    local = record.first_start.astimezone(ZoneInfo(zone))
    if record.kind.one_off:
        slot = f"{day(record.first_start, zone, language)} {local:%H:%M}"
    else:
        slot = f"{weekday_plurals(language)[local.weekday()]} {local:%H:%M}"
    return Subject(record.employee_name, slot)


def actor_name(actor: str, viewer: str, language: Language) -> str:
    """Who acted, as the page says it: "You", "The nightly run", "The operator (command
    line)"; another manager by their address."""
    _ = language.gettext
    who, _sep, where = actor.rpartition(" (")
    if who == viewer and where in ("web)", "email)"):
        return _("You")
    if where == "cli)":
        return _("The operator (command line)")
    return {
        "nightly run": _("The nightly run"),
        "rebuild": _("The operator's rebuild"),
    }.get(actor, who or actor)


def history_sentence(
    actor: str, entity: str, before: str | None, after: str, subject: Subject, language: Language
) -> str:
    """One audit entry as a sentence; `actor` as actor_name says it."""
    _ = language.gettext
    facts = {"actor": actor, "slot": subject.slot, "name": subject.name}
    if entity == "series":
        if before == after:
            return _("%(actor)s updated the dates of %(slot)s with %(name)s.", **facts)
        series = {
            "booking": _("%(actor)s started booking %(slot)s with %(name)s.", **facts),
            "booked": _("%(actor)s booked %(slot)s with %(name)s.", **facts),
            "superseded": _("%(actor)s replaced %(slot)s with %(name)s.", **facts),
            "cancelled": _("%(actor)s cancelled %(slot)s with %(name)s.", **facts),
        }
        return series.get(after, _("%(actor)s changed %(slot)s with %(name)s.", **facts))
    proposal = {
        "pending": _("%(actor)s proposed %(slot)s with %(name)s.", **facts),
        "approved": _("%(actor)s approved %(slot)s with %(name)s.", **facts),
        "booked": _("%(actor)s booked %(slot)s with %(name)s.", **facts),
        "rejected": _("%(actor)s rejected %(slot)s with %(name)s.", **facts),
        "superseded": _("%(actor)s replaced the proposal of %(slot)s with %(name)s.", **facts),
        "cancelled": _("%(actor)s cancelled the proposal of %(slot)s with %(name)s.", **facts),
    }
    return proposal.get(after, _("%(actor)s changed %(slot)s with %(name)s.", **facts))


SERIES_BOOKED = ("series", "booked")


def worth_telling(
    entries: Iterable[Mapping[str, Any]], subjects: Mapping[tuple[str, str], Subject]
) -> Iterator[Mapping[str, Any]]:
    """Audit entries less the steps a manager need not read: a series' "started booking"
    once it is booked, and a proposal's "booked" beside its series' (booking records both,
    which would say "You booked …" twice). `subjects` as `Presenter.history` takes them."""
    entries = list(entries)
    booked = {e["entity_id"] for e in entries if (e["entity"], e["to_state"]) == SERIES_BOOKED}
    booked_subjects = {subjects.get(("series", uid)) for uid in booked}
    for entry in entries:
        entity, state, uid = entry["entity"], entry["to_state"], entry["entity_id"]
        if (entity, state) == ("series", "booking") and uid in booked:
            continue
        if (entity, state) == ("proposal", "booked") and subjects.get((entity, uid)) in (
            booked_subjects
        ):
            continue
        yield entry
