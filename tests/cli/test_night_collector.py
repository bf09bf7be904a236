"""The nightly job runs with the garbage collector's thresholds raised
(sync/plumbing/collector.py), and short commands keep Python's own. Checked in a fresh
interpreter: a test that runs a night in this one changes them here."""

from __future__ import annotations

from sync.plumbing.collector import NIGHT_THRESHOLDS
from tests.cli.test_startup import night_of_ics_calendars, probed
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir

PROBE = """
import contextlib, gc, io, json, sys
from sync.cli.main import main
before = gc.get_threshold()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "before": before, "thresholds": gc.get_threshold()}))
"""


def test_a_night_collects_less_often(config: ConfigDir) -> None:
    found = night_of_ics_calendars(config, PROBE)
    assert found["code"] == 0
    assert tuple(found["thresholds"]) == NIGHT_THRESHOLDS
    assert NIGHT_THRESHOLDS[0] > found["before"][0]  # fewer collections than Python's own


def test_a_short_command_keeps_the_default(config: ConfigDir) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    # not `proposals`, which builds as much as a night for an organisation's listing
    found = probed(PROBE, "--config", str(config.root), "health")
    assert found["code"] == 0
    assert found["thresholds"] == found["before"]
