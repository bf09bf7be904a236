"""A night exports only the files whose check-ins changed: the others are not built again,
and a file that is gone or was changed by someone else is always written anew."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sync.delivery.export import files, memo
from sync.delivery.export.files import write_exports
from sync.delivery.export.memo import ExportMemo
from sync.ical.event_texts import EventTexts
from sync.model.values import BookedSeries
from tests.delivery.test_ics_export import make_series


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The people whose file was built."""
    seen: list[str] = []
    real = files.calendar_for

    def counting(email: str, series: list[BookedSeries], texts: EventTexts | None) -> bytes:
        seen.append(email)
        return real(email, series, texts=texts)

    monkeypatch.setattr(files, "calendar_for", counting)
    return seen


def export(folder: Path, series: list[BookedSeries]) -> list[Path]:
    memo = ExportMemo(folder / "cache" / "export.json")
    return write_exports(folder / "export", series, memo).paths


def test_only_changed_or_tampered_files_are_built_again(tmp_path: Path, builds: list[str]) -> None:
    one = make_series()
    other = make_series(
        uid="other@checkin-sync", attendee=replace(one.attendee, email="olle@example.com")
    )
    paths = export(tmp_path, [one, other])
    everyone = sorted(p.name.removesuffix(".ics") for p in paths)
    assert sorted(builds) == everyone and len(everyone) == 3

    builds.clear()
    assert export(tmp_path, [one, other]) == paths
    assert builds == [], "nothing changed, nothing is built"

    moved = replace(other, sequence=other.sequence + 1, summary="Check-in at a new time")
    builds.clear()
    export(tmp_path, [one, moved])
    assert sorted(builds) == sorted({moved.organiser.email, moved.attendee.email})
    assert b"Check-in at a new time" in (tmp_path / "export" / "olle@example.com.ics").read_bytes()

    gone, touched = paths[0], paths[1]
    gone.unlink()
    touched.write_bytes(b"edited by hand\n")
    builds.clear()
    export(tmp_path, [one, moved])
    assert sorted(builds) == sorted(p.name.removesuffix(".ics") for p in (gone, touched))
    assert gone.exists() and touched.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_damaged_note_builds_every_file_again(tmp_path: Path, builds: list[str]) -> None:
    series = [make_series()]
    export(tmp_path, series)
    (tmp_path / "cache" / "export.json").write_text("{not json")
    builds.clear()
    export(tmp_path, series)
    assert len(builds) == 2


def test_a_new_file_format_builds_every_file_again(
    tmp_path: Path, builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # an upgrade that writes calendars differently must not leave last version's files
    series = [make_series()]
    export(tmp_path, series)
    monkeypatch.setattr(memo, "FORMAT", memo.FORMAT + 1)
    builds.clear()
    export(tmp_path, series)
    assert len(builds) == 2
