"""From the store's booked series to the .ics files in data_dir/export."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sync.config.purpose import CheckinFacts, Invitation, default_purpose
from sync.delivery.export.files import Exported, write_exports
from sync.delivery.export.memo import ExportMemo
from sync.delivery.wording import wording
from sync.ical.events import moved_note
from sync.model.cadence import Cadence
from sync.model.series_end import keeps
from sync.model.values import Attendee, BookedSeries, OccurrenceStatus, SeriesStatus
from sync.plumbing.i18n import SOURCE_LANGUAGE
from sync.plumbing.progress import Tick
from sync.store import SeriesRecord, SeriesState, Store


def to_booked(series: SeriesRecord, language: str = SOURCE_LANGUAGE) -> BookedSeries:
    """`series` as calendars get it; `language`: the one people read (settings.language)."""
    proposal = series.proposal
    invitation = Invitation(proposal.summary, proposal.description)
    if not proposal.description:  # proposed before invitations were kept with proposals
        invitation = default_purpose().invitation(
            CheckinFacts(
                kind=proposal.kind,
                manager_name=proposal.manager_name,
                employee_name=proposal.employee_name,
                duration=proposal.duration,
                cadence=None if proposal.kind.one_off else Cadence.parse(proposal.cadence),
            )
        )
    occurrences = tuple(o for o in series.occurrences if keeps(series.until, o.original_start))
    words = wording(language)
    return BookedSeries(
        uid=series.uid,
        sequence=series.sequence,
        status=(
            SeriesStatus.CANCELLED
            if series.state is SeriesState.CANCELLED
            else SeriesStatus.CONFIRMED
        ),
        organiser=Attendee(proposal.manager, proposal.manager_name),
        attendee=Attendee(proposal.employee, proposal.employee_name),
        timezone=proposal.timezone,
        first_start=series.first_start.astimezone(ZoneInfo(proposal.timezone)),
        duration=proposal.duration,
        rrule=proposal.rrule,
        occurrences=occurrences,
        summary=invitation.summary,
        description=invitation.description,
        stamp=series.updated_at,
        until=series.until,
        moved_notes=tuple(
            (o.original_start, words.word(moved_note(o)))
            for o in occurrences
            if o.status is OccurrenceStatus.MOVED
        ),
    )


def export_all(
    store: Store,
    export_dir: Path,
    memo: Path | None = None,
    language: str = SOURCE_LANGUAGE,
    tick: Tick | None = None,
) -> Exported:
    """Write every person's check-ins, including ended ones so calendars learn of the end.
    `memo`: where to note which files are current (none: every file is built); `tick`: a
    progress display's, after each person."""
    written = [s for s in store.series() if s.state is not SeriesState.BOOKING]
    noted = ExportMemo(memo) if memo is not None else None
    return write_exports(export_dir, [to_booked(s, language) for s in written], noted, tick)
