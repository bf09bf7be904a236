"""`checkin-sync proposals` prints what it always printed, byte for byte, however it reads and
words the explanations: the table below is made the plain way (whole records, each
explanation decoded, worded and wrapped by textwrap) from a store with explanations of every
kind, in English and in Swedish."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.delivery.wording import wording
from sync.model.cadence import Cadence
from sync.model.said import Holiday, Said, listed, say
from sync.model.values import Occurrence, OccurrenceStatus
from sync.model.weekdays import WEEKDAY_TITLES
from sync.model.words import Wording
from sync.planner.explain import explain_series
from sync.store import LIVE_STATES, ProposalRecord, State, Store
from tests.conftest import MANAGER_KARIN, ConfigDir, Result
from tests.night.test_workflow import new

ZONE = ZoneInfo("Europe/Stockholm")
FIRST = datetime(2027, 2, 2, 10, tzinfo=ZONE)
CHRISTMAS = Holiday("SE", (), "2027-12-25", "Juldagen")
LONG = "maria-magdalena.lindqvist-oxenstierna.af.wittenberg"


def dates(*changes: tuple[OccurrenceStatus, int, Said]) -> list[Occurrence]:
    """Eight weekly dates from FIRST; each change (status, moved by hours, why) in turn from
    the second date on."""
    found = []
    for week in range(8):
        start = FIRST + timedelta(weeks=week)
        status, hours, why = (
            changes[week - 1] if 0 < week <= len(changes) else (OccurrenceStatus.OK, 0, Said(""))
        )
        moved = start + timedelta(hours=hours)
        found.append(Occurrence(start, moved, moved + timedelta(minutes=30), status, why))
    return found


BUSY = say("%(name)s is busy", name="Lena")
AWAY = say("%(names)s are away", names=listed(["Lena", "Karin", "Anna-Karin"]))
HOLIDAY = say("it is a holiday for %(name)s (%(holiday)s)", name="Lena", holiday=CHRISTMAS)
MOVED = OccurrenceStatus.MOVED
SKIPPED = OccurrenceStatus.SKIPPED


WEEKLY = Cadence(1)


def explanation(occurrences: list[Occurrence], cadence: Cadence = WEEKLY, **more: object) -> Said:
    return explain_series(
        first=FIRST,
        minutes=30,
        cadence=cadence,
        cadence_reason=say("%(name)s works hybrid", name="Lena"),
        employee_zone="America/New_York",
        occurrences=occurrences,
        preferred_by=None,
        horizon_weeks=8,
        **more,  # type: ignore[arg-type]
    )


EXPLANATIONS = [
    explanation(dates()),
    explanation(dates((MOVED, 2, BUSY), (SKIPPED, 0, AWAY)), Cadence(monthly=True)),
    explanation(dates((MOVED, 24 * 8, BUSY)), Cadence(2)),
    explanation(
        dates((SKIPPED, 0, HOLIDAY), (MOVED, 1, AWAY), (MOVED, -1, BUSY), (SKIPPED, 0, BUSY)),
        avoiding=[say("lunch"), say("the weekly check-in with %(name)s", name=LONG)],
    ),
    explanation(dates(), preference=say("Anna-Karin asked for mornings.")),
    Said.text("Weekly on Tuesdays  10:00\u201310:30, as an older version wrote it —  words"),
    Said.text("x" * 130 + " a word wider than a line"),
    say("%(name)s:\tfree\non all dates", name="Lena"),
    Said(""),
]


def varied_store(store: Store) -> None:
    for number, said in enumerate(EXPLANATIONS):
        manager = LONG + "@example.com" if number % 3 == 0 else "karin@example.com"
        proposal = replace(
            new(f"employee{number}@example.com", manager),
            first_start=FIRST + timedelta(days=number),
            explanation=said,
            timezone="America/New_York" if number % 2 else "Europe/Stockholm",
        )
        store.add_proposal(None, proposal, "nightly run")
    store.transition(2, State.APPROVED, "karin (cli)")
    store.transition(3, State.REJECTED, "karin (cli)")


def plain_table(records: list[ProposalRecord], words: Wording) -> str:
    """The table as it was made before it was made faster."""
    headers = ("ID", "STATE", "MANAGER", "EMPLOYEE", "CADENCE", "FIRST CHECK-IN")
    rows = []
    for r in records:
        local = r.first_start.astimezone(ZoneInfo(r.timezone))
        first = f"{WEEKDAY_TITLES[local.weekday()]} {local:%Y-%m-%d %H:%M} {r.timezone}"
        cadence = f"{r.cadence}, {r.duration} min"
        rows.append((str(r.id), r.state.value, r.manager, r.employee, cadence, first))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for record, row in zip(records, rows, strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        indent = " " * (widths[0] + 2)
        text = words.word(record.explanation)
        lines += textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=indent)
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("state", [None, "all", "rejected"])
def test_the_listing_is_what_it_was(
    config: ConfigDir, cli: Callable[..., Result], language: str, state: str | None
) -> None:
    config.settings(f'language = "{language}"\n')
    config.people(MANAGER_KARIN)
    store = Store.open(config.data / "state.sqlite")
    varied_store(store)
    # as an older version kept it: the words only
    store.db.execute("UPDATE proposals SET explanation_said = '' WHERE id = 1")
    store.db.commit()
    states = {None: LIVE_STATES, "all": None, "rejected": [State.REJECTED]}[state]
    expected = plain_table(store.proposals(states=states), wording(language))
    store.close()
    result = cli("--config", str(config.root), "proposals", *(["--state", state] if state else []))
    assert result.code == 0, result.err
    assert result.out == expected + "\n"
    if state == "all":
        # a holiday is named as the holidays package names it for the reader
        holiday = {"en": "(Christmas Day)", "sv": "(Juldagen)"}[language]
        assert holiday in result.out and "Anna-Karin" in result.out


def test_an_english_listing_reads_the_words_the_store_keeps(
    config: ConfigDir, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding ten thousand explanations was most of an organisation's listing; in English
    only one that names a holiday is decoded (the reader's name for it may not be the one
    the planner kept)."""
    config.people(MANAGER_KARIN)
    store = Store.open(config.data / "state.sqlite")
    varied_store(store)
    store.close()
    decoded: list[str] = []
    loads = Said.loads

    def noted(stored: str | None, fallback: str = "") -> Said:
        decoded.append(fallback)
        return loads(stored, fallback)

    monkeypatch.setattr(Said, "loads", noted)
    result = cli("--config", str(config.root), "proposals", "--state", "all")
    assert result.code == 0, result.err
    assert len(decoded) == 1 and "(Juldagen)" in decoded[0]
