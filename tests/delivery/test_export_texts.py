"""A file built again from the events' texts kept by the last export is the file a full render
makes, byte for byte, whatever changed in between; and only the changed events are rendered
again, also when the last export ran in another process."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.delivery.export.files import write_exports
from sync.delivery.export.memo import ExportMemo
from sync.ical import event_texts, ics_writer
from sync.ical.events import EventFacts
from sync.ical.ics_writer import calendar_for
from sync.model.values import Attendee, BookedSeries, Occurrence, OccurrenceStatus, SeriesStatus
from tests.delivery.test_ics_export import (
    BO,
    KARIN,
    MOVED_FROM,
    SKIPPED_AT,
    UNTIL,
    at,
    eventful_series,
    make_series,
    moved,
    skipped,
)

CECILIA = Attendee("cecilia@example.com", "Cecilia Ek")


def one_off(**changes: Any) -> BookedSeries:
    start = at(date(2027, 3, 4), 13)
    meeting = Occurrence(start, start, start + timedelta(minutes=30))
    facts = {"uid": "karin-bo-once@checkin-sync", "rrule": "", "occurrences": (meeting,)}
    return make_series(**{**facts, **changes})


def team() -> list[BookedSeries]:
    """Karin's file: an eventful series with Bo, a plain one with Cecilia and a one-off."""
    return [
        eventful_series(),
        make_series(uid="karin-cecilia@checkin-sync", attendee=CECILIA),
        one_off(),
    ]


def _cancelled_one_off(series: BookedSeries) -> BookedSeries:
    (meeting,) = one_off().occurrences
    return one_off(occurrences=(replace(meeting, status=OccurrenceStatus.SKIPPED),))


Change = Callable[[BookedSeries], BookedSeries]
CHANGES: dict[str, tuple[int, Change]] = {
    # which of team()'s series changes, and how
    "time": (0, lambda s: replace(s, first_start=s.first_start + timedelta(hours=1))),
    "duration": (1, lambda s: replace(s, duration=45)),
    "zone": (1, lambda s: replace(s, timezone="America/New_York")),
    "rule": (1, lambda s: replace(s, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")),
    "end": (0, lambda s: replace(s, until=UNTIL - timedelta(weeks=1))),
    "summary": (0, lambda s: replace(s, summary="Check-in: Karin / Bo Berg")),
    "description": (0, lambda s: replace(s, description="Regular 1:1, now with a purpose.")),
    "attendee name": (1, lambda s: replace(s, attendee=replace(CECILIA, name="Cecilia Ek-Ljung"))),
    "organiser name": (0, lambda s: replace(s, organiser=replace(KARIN, name="Karin Lind-Ek"))),
    "cancelled": (0, lambda s: replace(s, status=SeriesStatus.CANCELLED)),
    "sequence": (0, lambda s: replace(s, sequence=s.sequence + 1)),
    "stamp": (0, lambda s: replace(s, stamp=s.stamp + timedelta(minutes=1))),
    "moved again": (
        0,
        lambda s: replace(
            s, occurrences=(skipped(SKIPPED_AT), moved(MOVED_FROM, MOVED_FROM + timedelta(days=2)))
        ),
    ),
    "moved note": (0, lambda s: replace(s, moved_notes=((MOVED_FROM, "Flyttad: Karin reser"),))),
    "skipped": (1, lambda s: replace(s, occurrences=(skipped(at(date(2027, 3, 9))),))),
    "one-off moved": (
        2,
        lambda s: one_off(occurrences=(moved(at(date(2027, 3, 4), 13), at(date(2027, 3, 5), 9)),)),
    ),
    "one-off cancelled": (2, _cancelled_one_off),
}


def export(folder: Path, series: list[BookedSeries]) -> None:
    """One night's export, as a new process makes it: everything it knows read from disk."""
    write_exports(folder / "export", series, ExportMemo(folder / "cache" / "export.json"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "export").glob("*.ics"))}


def full_render(series: list[BookedSeries]) -> dict[str, bytes]:
    people = {e.lower() for s in series for e in (s.organiser.email, s.attendee.email)}
    return {f"{p}.ics": calendar_for(p, series) for p in sorted(people)}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_changed_event_is_rendered_again_and_the_file_equals_a_full_render(
    tmp_path: Path, name: str
) -> None:
    before = team()
    export(tmp_path, before)
    assert files(tmp_path) == full_render(before)

    which, change = CHANGES[name]
    after = list(before)
    after[which] = change(before[which])
    export(tmp_path, after)
    assert files(tmp_path) == full_render(after)
    assert full_render(after) != full_render(before), f"{name} shows in the files"

    export(tmp_path, before)  # and back: an older version's text is not served either
    assert files(tmp_path) == full_render(before)


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The UIDs of the events rendered, on either way of writing a calendar."""
    seen: list[str] = []

    def counting(real: Callable[[EventFacts], Any]) -> Callable[[EventFacts], Any]:
        def count(facts: EventFacts) -> Any:
            seen.append(facts.uid)
            return real(facts)

        return count

    monkeypatch.setattr(event_texts, "event_text", counting(event_texts.event_text))
    monkeypatch.setattr(ics_writer, "render_event", counting(ics_writer.render_event))
    return seen


def test_only_the_changed_series_is_rendered_again(tmp_path: Path, rendered: list[str]) -> None:
    before = team()
    export(tmp_path, before)
    # master + moved date, master, one-off: each once, though two files hold each of them
    assert sorted(rendered) == sorted([s.uid for s in before] + [before[0].uid])

    rendered.clear()
    after = [before[0], replace(before[1], summary="Check-in: Karin / Cecilia"), before[2]]
    export(tmp_path, after)
    assert rendered == [before[1].uid]
    assert files(tmp_path) == full_render(after)


_EXPORT_IN_A_CHILD = (
    "import pickle, sys\n"
    "from pathlib import Path\n"
    "from sync.delivery.export.files import write_exports\n"
    "from sync.delivery.export.memo import ExportMemo\n"
    "folder, series = pickle.loads(sys.stdin.buffer.read())\n"
    "write_exports(folder / 'export', series, ExportMemo(folder / 'cache' / 'export.json'))\n"
)


def test_texts_kept_by_another_process_are_found_and_right(
    tmp_path: Path, rendered: list[str]
) -> None:
    before = team()
    subprocess.run(
        [sys.executable, "-c", _EXPORT_IN_A_CHILD],
        input=pickle.dumps((tmp_path, before)),
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "1"},
    )
    after = [before[0], before[1], _cancelled_one_off(before[2])]
    export(tmp_path, after)
    assert rendered == [before[2].uid], "the other process's texts were found"
    assert files(tmp_path) == full_render(after)


def test_only_live_series_current_texts_are_kept(tmp_path: Path) -> None:
    kept = tmp_path / "cache" / "export-events.json"
    before = team()
    export(tmp_path, before)
    assert {uid for uid, _, _ in json.loads(kept.read_text()).values()} == {s.uid for s in before}
    assert len(json.loads(kept.read_text())) == 4

    export(tmp_path, [replace(before[0], summary="Check-in"), before[1]])
    texts = json.loads(kept.read_text()).values()
    assert len(texts) == 3, "the old version of the changed series and the ended one are gone"
    assert all(b"SUMMARY:Check-in\r\n" in t.encode() for uid, t, _ in texts if uid == before[0].uid)


def test_damaged_kept_texts_are_rendered_again(tmp_path: Path, rendered: list[str]) -> None:
    before = team()
    export(tmp_path, before)
    (tmp_path / "cache" / "export-events.json").write_text('{"key": ["uid", 3]}')
    rendered.clear()
    after = [replace(s, sequence=1) for s in before]
    export(tmp_path, after)
    assert len(rendered) == 4
    assert files(tmp_path) == full_render(after)


def test_both_people_of_a_series_get_the_same_bytes_as_before(tmp_path: Path) -> None:
    # Bo's file holds one series; it equals a full render of his alone
    series = team()
    export(tmp_path, series)
    assert files(tmp_path)["bo.berg@example.com.ics"] == calendar_for(BO.email, series)
