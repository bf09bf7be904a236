"""What a command loads before it answers. Each calendar provider's library, the web app and
the schema checks take from a tenth of a second to over a second to import, and `--help` or
`proposals` should answer at once: a command imports only what it uses. Pinned by which
modules are loaded, not by timing (`make bench` measures the time)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from sync.model.said import Day, Holiday, Weekday, listed, say
from sync.store import Store
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir
from tests.night.test_workflow import new

PROVIDERS = {
    "googleapiclient",  # Google Calendar's API client
    "httplib2",
    "google_auth_httplib2",
    "msal",  # Microsoft sign-in
    "caldav",
    "niquests",  # the CalDAV client's HTTP
}
WEB = {"flask", "werkzeug"}
SCHEMAS = {"pydantic", "pydantic_settings", "email_validator", "holidays"}
FILES = {"icalendar", "recurring_ical_events", "jinja2"}

# Someone of every kind: a command that had to set up calendars would load every stack.
EVERY_KIND = f"""
{MANAGER_KARIN}
{EMPLOYEE_LENA}
[[employees]]
email = "olle@example.com"
name = "Olle Ek"
manager = "karin@example.com"
calendar = "google"

[[employees]]
email = "mia@example.com"
name = "Mia Sund"
manager = "karin@example.com"
calendar = "outlook"

[[employees]]
email = "ida@example.com"
name = "Ida Lund"
manager = "karin@example.com"
calendar = "caldav:https://dav.example.com/ida/calendar/"
"""

# Runs the command in a fresh interpreter (this one has loaded everything) and prints the
# top-level packages loaded by then, after what the command printed.
PROBE = """
import contextlib, io, json, sys
from sync.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as done:  # --help
        code = done.code
print(json.dumps({"code": code, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


# As PROBE, with what the command printed.
PROBE_OUTPUT = """
import contextlib, io, json, sys
from sync.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"code": code, "out": out.getvalue(), "loaded": loaded}))
"""


# As PROBE, with every module's full name.
TOP_LEVEL = 'sorted({m.split(".")[0] for m in sys.modules})'
PROBE_MODULES = PROBE.replace(TOP_LEVEL, "sorted(sys.modules)")


def probed(probe: str, *argv: str) -> dict[str, Any]:
    """What `probe` (a program ending in one line of JSON) found after running the command
    `argv` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return found


def loaded_by(*argv: str) -> tuple[int, set[str]]:
    found = probed(PROBE, *argv)
    return found["code"], set(found["loaded"])


def test_help_loads_none_of_the_libraries() -> None:
    code, loaded = loaded_by("--help")
    assert code == 0
    assert loaded & (PROVIDERS | WEB | SCHEMAS | FILES | {"google", "requests"}) == set()


def test_help_loads_no_babel() -> None:
    """Babel's dates module finds the machine's time zone as it loads, and `--help` formats
    no date (sync/plumbing/i18n.py imports it where a date is formatted)."""
    code, loaded = loaded_by("--help")
    assert code == 0
    assert "babel" not in loaded


def test_an_english_listing_loads_no_babel(config: ConfigDir) -> None:
    """English is the text in the code, its ISO dates are digits, and its weekdays and lists
    are worded as Babel's English data says without loading it (sync/model/english.py):
    Babel loads only for another language, and does load for one (the probe sees it)."""
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    why = say(
        "%(weekday)s %(day)s skipped because %(who)s are busy",
        weekday=Weekday(1, "short"),
        day=Day("2027-03-02"),
        who=listed(["Lena", "Tom", "Erik"]),
    )
    store = Store.open(config.data / "state.sqlite")
    store.add_proposal(None, replace(new(), explanation=why), "nightly run")
    store.close()
    english = probed(PROBE_MODULES, "--config", str(config.root), "proposals")
    config.settings('language = "sv"\n')
    swedish = probed(PROBE_MODULES, "--config", str(config.root), "proposals")
    assert english["code"] == swedish["code"] == 0
    assert [m for m in english["loaded"] if m.split(".")[0] == "babel"] == []
    assert {"babel.dates", "babel.lists", "babel.messages.pofile"} <= set(swedish["loaded"])


def test_a_command_help_loads_none_of_the_libraries() -> None:
    code, loaded = loaded_by("run", "--help")
    assert code == 0
    assert loaded & (PROVIDERS | WEB | SCHEMAS | FILES | {"google", "requests"}) == set()


def test_proposals_loads_no_calendar_library(config: ConfigDir) -> None:
    config.people(EVERY_KIND)
    code, loaded = loaded_by("--config", str(config.root), "proposals")
    assert code == 0
    assert loaded & (PROVIDERS | WEB | FILES | {"google", "requests"}) == set()


def test_proposals_finds_the_store_without_the_settings_schema(config: ConfigDir) -> None:
    """pydantic and pydantic-settings take a quarter of a second to load: listing the
    store needs only data_dir and the language (sync/config/store_settings.py)."""
    config.people(EVERY_KIND)
    (config.root / "settings.toml").write_text('data_dir = "elsewhere"\nlanguage = "sv"\n')
    code, loaded = loaded_by("--config", str(config.root), "proposals")
    assert code == 0
    assert loaded & SCHEMAS == set()
    assert (config.root / "elsewhere" / "state.sqlite").exists()


def test_config_check_reads_caldav_addresses_without_the_caldav_library(
    config: ConfigDir,
) -> None:
    """Google's key file is read by Google's auth library (so `google` and `requests` may
    load), but no API client, and nothing of Microsoft's or CalDAV's."""
    config.people(EVERY_KIND)
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    code, loaded = loaded_by("--config", str(config.root), "config", "check")
    assert code == 2  # Google's and Microsoft's credentials are not configured here
    assert loaded & (PROVIDERS | WEB | {"icalendar"}) == set()


def night_of_ics_calendars(config: ConfigDir, probe: str = PROBE) -> dict[str, Any]:
    """What `probe` found after a dry run of two people on .ics calendars."""
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    return probed(probe, "--config", str(config.root), "run", "--dry-run")


def test_a_night_of_ics_calendars_loads_no_provider_library(config: ConfigDir) -> None:
    found = night_of_ics_calendars(config)
    code, loaded = found["code"], set(found["loaded"])
    assert code == 0
    assert loaded & (PROVIDERS | WEB | {"google", "requests"}) == set()
    assert "icalendar" in loaded  # the probe sees what a command does load


def test_a_later_listing_names_holidays_without_the_holidays_package(config: ConfigDir) -> None:
    """The holidays package loads every country it knows before it names one holiday;
    the names found are kept in data_dir/cache (sync/delivery/holiday_names.py)."""
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    config.settings('language = "sv"\n')
    christmas = Holiday("SE", (), "2026-12-25", "Christmas Day")
    why = say("it is a holiday for %(name)s (%(holiday)s)", name="Lena", holiday=christmas)
    store = Store.open(config.data / "state.sqlite")
    store.add_proposal(None, replace(new(), explanation=why), "nightly run")
    store.close()
    first = probed(PROBE_OUTPUT, "--config", str(config.root), "proposals")
    later = probed(PROBE_OUTPUT, "--config", str(config.root), "proposals")
    assert first["code"] == later["code"] == 0
    assert "Juldagen" in first["out"]
    assert later["out"] == first["out"]
    assert "holidays" in first["loaded"]
    assert "holidays" not in later["loaded"]
