"""A database from before replaced series ended where they should: the old series still
ends with UNTIL = its replacement's first start, in the store and in the calendar, so that
date holds two check-ins. The next night gives the date up from the old series, in the
store, the calendar and the export."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from sync.connectors.google.writing import event_id
from tests.emulators import GoogleCalendarEmulator
from tests.night.test_series_lifecycle import (  # noqa: F401 (fixture: google_org)
    KARIN,
    LENA,
    Org,
    change_cadence_and_approve,
    checkins,
    exported_checkins,
    google_or_graph,
    google_org,
    overlapping,
)
from tests.simulation.calendars import GoogleCalendars


def as_before_the_fix(org: Org, emulator: GoogleCalendarEmulator) -> tuple[str, datetime]:
    """End the replaced series where the old code did, in the store and in the calendar."""
    series = {p["uid"]: p for p in org.proposals() if p.get("series") and p["employee"] == LENA}
    [old] = [p for p in series.values() if p["series"]["until"]]
    [new] = [p for p in series.values() if p["series"]["state"] == "booked"]
    cut = datetime.fromisoformat(new["first_start"]).astimezone(UTC)
    rule = f"RRULE:{old['rrule']};UNTIL={cut:%Y%m%dT%H%M%SZ}"
    emulator.update_event(KARIN, event_id(old["uid"]), {"recurrence": [rule]})
    with sqlite3.connect(org.config.data / "state.sqlite") as db:
        db.execute("UPDATE series SET until = ? WHERE uid = ?", (cut.isoformat(), old["uid"]))
    return str(old["uid"]), cut


def test_a_doubled_date_left_by_an_older_version_is_repaired(
    request: pytest.FixtureRequest, google_emulator: GoogleCalendarEmulator
) -> None:
    org, _ = google_or_graph("google", request)
    change_cadence_and_approve(org)
    old, cut = as_before_the_fix(org, google_emulator)
    doubled = checkins("google", google_emulator, KARIN, LENA, org.night)
    assert overlapping(doubled), "the old ending holds the new series' first date"

    result = org.next_night()
    assert result.code == 0, result.out
    assert "next to #" in result.out
    shown = GoogleCalendars(google_emulator).checkins(
        KARIN, cut - timedelta(days=1), cut + timedelta(weeks=4)
    )
    assert not [m for m in shown if m.uid == old and m.end > cut], "the old series gave it up"
    assert cut in {m.start for m in shown if m.uid != old}, "the new one keeps its first date"
    calendar = checkins("google", google_emulator, KARIN, LENA, org.night)
    assert calendar and overlapping(calendar) == []
    assert exported_checkins(org, LENA, KARIN, org.night) == calendar
    assert org.next_night().code == 0
    assert checkins("google", google_emulator, KARIN, LENA, org.night) == calendar, "once"
