"""The nightly step that notes each pair's health (see health.py): pairs at risk go into the
report every night, and a pair turning at risk, or back on track, is news for its manager
once, because the store remembers what was reported last."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sync.config.roster import Roster
from sync.delivery.report import PairLine, RunReport
from sync.model.said import say
from sync.night.health import team_health
from sync.store import Store


def note_health(store: Store, roster: Roster, now: datetime, report: RunReport) -> None:
    before = store.pair_health()
    for health in team_health(store.series(), store.declines(), roster, now):
        line = PairLine(health.manager, health.employee, health.why_said)
        if health.at_risk:
            report.at_risk.append(line)
        was_at_risk, _ = before.get(health.employee, (False, ""))
        if health.at_risk and not was_at_risk:
            report.became_at_risk.append(line)
        elif was_at_risk and not health.at_risk:
            report.back_on_track.append(replace(line, text=say("a check-in was held again")))
        if health.at_risk != was_at_risk or health.employee not in before:
            store.set_pair_health(health.employee, health.manager, health.at_risk, health.why)
