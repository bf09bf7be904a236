"""`proposals` builds a few hundred thousand small objects for an organisation's thousand
proposals (the sentences it words), none in a cycle: with Python's default thresholds the
cyclic collector walked them again and again, a tenth of the listing's CPU, so the listing
collects as seldom as a night does (sync/plumbing/collector.py)."""

from __future__ import annotations

from sync.plumbing.collector import NIGHT_THRESHOLDS
from tests.cli.test_startup import PROBE, probed
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir

PROBE_THRESHOLDS = PROBE.replace(
    '"loaded": ', '"thresholds": __import__("gc").get_threshold(), "loaded": '
)


def test_a_listing_collects_as_seldom_as_a_night(config: ConfigDir) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    found = probed(PROBE_THRESHOLDS, "--config", str(config.root), "proposals")
    assert found["code"] == 0
    assert tuple(found["thresholds"]) == NIGHT_THRESHOLDS


def test_help_keeps_the_default_thresholds() -> None:
    found = probed(PROBE_THRESHOLDS, "--help")
    assert tuple(found["thresholds"]) != NIGHT_THRESHOLDS  # the probe sees the default
