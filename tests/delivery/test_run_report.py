"""The run report as JSON: every field, each line's sentence in English words, nothing of
the sentence's inner values, and the same text in every file it is saved to."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

from sync.delivery.report import PairLine, RunReport
from sync.model.said import say


def test_the_summary_holds_every_field_and_lines_in_words(tmp_path: Path) -> None:
    report = RunReport(now=datetime(2027, 3, 1, 1, tzinfo=UTC), horizon_weeks=8)
    why = say("Re-proposed because %(why)s. %(what)s", why="the cadence changed", what="Weekly")
    report.proposed.append(PairLine("karin@example.com", "lena@example.com", why, 7))
    report.skipped.append(PairLine("", "omar@example.com", say("rebuilt from the calendar")))
    report.read_errors["erik@example.com"] = "erik.ics: cannot be read"
    report.requests["google"] = 3
    report.rebuilt.append("abc@checkin-sync")
    summary = report.summary()

    names = {f.name for f in fields(report)} - {"started"}
    assert set(summary) == names | {"exit_code"}
    assert summary["now"] == "2027-03-01T01:00:00+00:00" and summary["exit_code"] == 1
    assert summary["proposed"] == [
        {
            "manager": "karin@example.com",
            "employee": "lena@example.com",
            "text": "Re-proposed because the cadence changed. Weekly",
            "proposal_id": 7,
        }
    ]
    assert summary["skipped"][0]["text"] == "rebuilt from the calendar"
    assert summary["booked"] == [] and summary["read_errors"] == dict(report.read_errors)
    assert summary["requests"] == {"google": 3} and summary["rebuilt"] == ["abc@checkin-sync"]
    # the summary is a copy: what the run adds later does not change one already taken
    report.rebuilt.append("later@checkin-sync")
    report.requests["outlook"] = 1
    assert summary["rebuilt"] == ["abc@checkin-sync"] and "outlook" not in summary["requests"]

    report.save(tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text())["proposed"] == summary["proposed"]
