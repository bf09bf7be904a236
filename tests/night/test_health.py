"""Spotting check-ins that fizzle out, end to end on Google Calendar: a pair becomes at risk
after two declined dates and is back on track after one that is held."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.model.cadence import Cadence
from sync.model.values import CheckinKind, Occurrence, OccurrenceStatus
from sync.night.health import Outcome, pair_health
from sync.plumbing.i18n import Language
from sync.store import SeriesRecord, SeriesState, State
from tests.conftest import ConfigDir, Result
from tests.emulators import GoogleCalendarEmulator
from tests.end_to_end.test_google_end_to_end import KARIN, LENA, book, event_id, org, run

__all__ = ["org"]
CLI = Callable[..., Result]


def health(cli: CLI, config: ConfigDir, now: datetime) -> dict[str, dict[str, Any]]:
    result = cli("--config", str(config.root), "health", "--json", "--now", now.isoformat())
    assert result.code == 0, result.err
    return {item["employee"]: item for item in json.loads(result.out)}


def latest_digest(config: ConfigDir) -> str:
    return config.latest_mail()


def test_two_declined_dates_put_a_pair_at_risk_and_a_held_one_brings_it_back(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    lena = book(cli, org)[LENA]
    starts = [datetime.fromisoformat(o["original_start"]) for o in lena["occurrences"]]
    ends = [datetime.fromisoformat(o["end"]) for o in lena["occurrences"]]
    for original in starts[:2]:  # Lena declines the first two dates, one by one
        instance = google_emulator.instance_id(event_id(lena["uid"]), original)
        google_emulator.decline(KARIN, instance, LENA)

    seen = run(cli, org, now=(starts[0] - timedelta(hours=20)).isoformat())
    assert seen.code == 0, seen.out
    assert "lena@example.com declined the check-in on" in seen.out
    assert "Proposed:" not in seen.out, "a declined date is not a declined series"

    after_one = starts[0] + timedelta(days=1)
    assert run(cli, org, now=after_one.isoformat()).code == 0
    first = health(cli, org, after_one)[LENA]
    assert [d["outcome"] for d in first["dates"]] == ["declined"]
    assert not first["at_risk"]

    after_two = ends[1] + timedelta(hours=2)
    night = run(cli, org, now=after_two.isoformat())
    assert "Check-ins at risk of fizzling out:" in night.out
    assert "the last 2 check-ins did not happen" in night.out
    second = health(cli, org, after_two)[LENA]
    assert second["at_risk"] and second["why"] == "the last 2 check-ins did not happen"
    assert second["last_held"] is None
    assert (second["held_last_90_days"], second["due_last_90_days"]) == (0, 2)
    digest = latest_digest(org)
    assert "At risk: Lena Berg — the last 2 check-ins did not happen" in digest
    assert "Check-ins that keep slipping:" in digest
    table = cli("--config", str(org.root), "health", "--now", after_two.isoformat())
    assert "AT RISK: the last 2 check-ins did not happen" in table.out

    digests = len(list((org.data / "outbox").glob("*.eml")))
    quiet = run(cli, org, now=(after_two + timedelta(hours=1)).isoformat())
    assert "Check-ins at risk of fizzling out:" in quiet.out, "listed every night it lasts"
    assert len(list((org.data / "outbox").glob("*.eml"))) == digests, "news only once"

    after_three = ends[2] + timedelta(hours=2)
    recovered = run(cli, org, now=after_three.isoformat())
    assert "Check-ins at risk of fizzling out:" not in recovered.out
    third = health(cli, org, after_three)[LENA]
    assert not third["at_risk"]
    assert [d["outcome"] for d in third["dates"]] == ["declined", "declined", "held"]
    assert third["last_held"] == starts[2].astimezone(UTC).isoformat()
    assert "Back on track: Lena Berg" in latest_digest(org)


# ---------------------------------------------------------------------- the rules, one by one

NOW = datetime(2027, 4, 1, 12, tzinfo=UTC)


def weekly(outcomes: list[tuple[OccurrenceStatus, bool, bool]]) -> SeriesRecord:
    """A weekly series whose past dates have these (status, fixed, away)."""
    first = NOW - timedelta(weeks=len(outcomes))
    dates = []
    for week, (status, fixed, away) in enumerate(outcomes):
        start = first + timedelta(weeks=week)
        dates.append(
            Occurrence(start, start, start + timedelta(minutes=30), status, "", fixed, away)
        )
    proposal = _proposal(first)
    return SeriesRecord(
        uid=proposal.uid,
        proposal=proposal,
        state=SeriesState.BOOKED,
        sequence=0,
        first_start=first,
        until=None,
        occurrences=tuple(dates),
        booked_at=first,
        updated_at=first,
    )


def _proposal(first: datetime) -> Any:
    from sync.model.said import Said
    from sync.store import ProposalRecord

    return ProposalRecord(
        manager=KARIN,
        employee=LENA,
        manager_name="Karin Lind",
        employee_name="Lena Berg",
        fingerprint="f",
        cadence="weekly",
        cadence_reason=Said(""),
        duration=30,
        timezone="Europe/Stockholm",
        rrule="FREQ=WEEKLY",
        first_start=first,
        occurrences=(),
        explanation=Said(""),
        alternatives=[],
        reason=Said(""),
        kind=CheckinKind.REGULAR,
        id=1,
        run_id=None,
        generation=1,
        uid="abc@checkin-sync",
        state=State.BOOKED,
        created_at=first,
        updated_at=first,
    )


OK = (OccurrenceStatus.OK, False, False)
SKIPPED = (OccurrenceStatus.SKIPPED, False, False)
CANCELLED = (OccurrenceStatus.SKIPPED, True, False)
AWAY = (OccurrenceStatus.SKIPPED, False, True)
MOVED = (OccurrenceStatus.MOVED, False, False)


def check(outcomes: list[tuple[OccurrenceStatus, bool, bool]]) -> Any:
    return pair_health(KARIN, LENA, "Lena Berg", [weekly(outcomes)], {}, NOW, Cadence(1))


def test_skipped_and_cancelled_dates_count_as_missed_and_away_ones_are_excused() -> None:
    assert check([OK, SKIPPED, CANCELLED]).why == "the last 2 check-ins did not happen"
    assert not check([OK, SKIPPED, MOVED]).at_risk
    excused = check([OK, AWAY, AWAY, AWAY, OK])
    assert not excused.at_risk, "three weeks away is not a fizzling pair"
    assert [d.outcome for d in excused.dates][1:4] == [Outcome.EXCUSED] * 3
    assert excused.share_text == "2 of 2 (100%)"


def test_a_long_gap_puts_a_pair_at_risk_even_without_two_misses_in_a_row() -> None:
    quiet = check([OK, OK, OK])
    assert not quiet.at_risk
    # two weeks on, no date has been held (nor planned) since
    series = weekly([OK, OK])
    late = pair_health(KARIN, LENA, "Lena Berg", [series], {}, NOW + timedelta(weeks=2), Cadence(1))
    assert late.at_risk
    assert late.why.startswith("no check-in for 21 days, more than twice the cadence (weekly)")
    assert late.longest_gap == timedelta(days=21)


def test_the_reason_a_pair_is_at_risk_follows_the_language() -> None:
    swedish, english = Language("sv"), Language()
    missed = check([OK, SKIPPED, CANCELLED])
    assert missed.why_in(english) == missed.why
    assert missed.why_in(swedish) == "de senaste 2 avstämningarna blev inte av"
    assert missed.share_in(swedish) == "1 av 3 (33 %)"
    series = weekly([OK, OK])
    late = pair_health(KARIN, LENA, "Lena Berg", [series], {}, NOW + timedelta(weeks=2), Cadence(1))
    assert late.why_in(english) == late.why
    assert late.why_in(swedish) == (
        "ingen avstämning på 21 dagar, mer än dubbla intervallet (varje vecka)"
    )
    assert check([OK, OK, OK]).why_in(swedish) == ""


def test_a_pair_with_nothing_booked_is_not_at_risk() -> None:
    empty = pair_health(KARIN, LENA, "Lena Berg", [], {}, NOW, Cadence(1))
    assert not empty.booked and not empty.at_risk
