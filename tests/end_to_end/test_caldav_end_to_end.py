"""An organisation whose manager keeps her calendar on a CalDAV server (Radicale), through
the command line: busy time read, series booked there, the attendee invited by email, and
what people do in the calendar taken in the next night."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from sync.connectors.caldav.writing import resource_name
from sync.store import Store
from tests.caldav_server import PASSWORD, USER, RadicaleServer
from tests.cli.test_cli_end_to_end import by_employee, proposals, run
from tests.conftest import ConfigDir, Result
from tests.delivery.test_invitations import calendar_part, sent
from tests.night.test_keep_up import store_approve

CLI = Callable[..., Result]

PEOPLE = """
[defaults]
timezone = "Europe/Stockholm"
holidays = ""

[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "caldav:{url}"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
calendar = "ics:lena.ics"
cadence = "weekly"
"""


@pytest.fixture
def org(
    config: ConfigDir, radicale_server: RadicaleServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[ConfigDir, str]:
    url = radicale_server.calendar("karin")
    config.settings(f'[caldav]\nusername = "{USER}"\nhosts = ["127.0.0.1"]\n')
    monkeypatch.setenv("CHECKIN_SYNC_CALDAV__PASSWORD", PASSWORD)
    config.calendar("lena.ics")
    config.people(PEOPLE.format(url=url))
    return config, url


def booked_uid(cli: CLI, config: ConfigDir) -> str:
    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    store_approve(config, lena["id"])
    result = run(cli, config)
    assert result.code == 0, result.out
    assert "caldav" in result.out  # requests are counted per calendar kind
    uid: str = lena["uid"]
    return uid


def test_busy_time_on_the_server_is_avoided(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    # Karin is busy every weekday morning and early afternoon in her CalDAV calendar
    radicale_server.put(
        url,
        "busy.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:busy-1\r\n"
        "DTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Europe/Stockholm:20270104T080000\r\n"
        "DTEND;TZID=Europe/Stockholm:20270104T150000\r\nRRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
        "\r\nSUMMARY:Deep work\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    for occurrence in lena["occurrences"]:
        start = datetime.fromisoformat(occurrence["start"])
        assert start.astimezone(ZoneInfo("Europe/Stockholm")).hour >= 15, occurrence
    assert "Deep work" not in lena["explanation"]


def test_a_series_is_booked_on_the_server_and_the_attendee_invited(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    uid = booked_uid(cli, config)

    status, text = radicale_server.get(url + resource_name(uid))
    assert status == 200
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    assert str(event["UID"]) == uid
    assert event["ATTENDEE"].params["SCHEDULE-AGENT"] == "CLIENT"
    # Karin has it in her calendar already; only Lena, whose calendar is a file, gets email
    invitations = sent(config)
    assert [who for who, _ in invitations] == ["lena@example.com"]
    method, data = calendar_part(invitations[0][1])
    assert method == "REQUEST" and uid in data.decode()

    writes = radicale_server.requests["PUT"]
    assert run(cli, config).code == 0
    assert radicale_server.requests["PUT"] == writes, "a quiet night writes nothing"


def test_a_series_deleted_on_the_server_is_followed_and_cancelled_by_email(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    uid = booked_uid(cli, config)
    radicale_server.delete(url + resource_name(uid))

    later = (datetime.fromisoformat("2027-02-01T07:00:00+00:00") + timedelta(hours=1)).isoformat()
    result = run(cli, config, now=later)
    assert "deleted in the calendar by a person; not re-created" in result.out
    assert radicale_server.get(url + resource_name(uid))[0] == 404
    store = Store.open(config.data / "state.sqlite")
    try:
        (series,) = [s for s in store.series() if s.uid == uid]
        assert series.state.value == "cancelled"
    finally:
        store.close()
    (who, cancel) = sent(config)[-1]
    assert who == "lena@example.com"
    assert calendar_part(cancel)[0] == "CANCEL"
    assert "Proposed:" in result.out, "the pair gets a new proposal"


def test_a_move_on_the_server_is_kept(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    uid = booked_uid(cli, config)
    name = resource_name(uid)
    _, text = radicale_server.get(url + name)
    master = Calendar.from_ical(text).walk("VEVENT")[0]
    second = master.decoded("DTSTART") + timedelta(weeks=1)
    new_start = second + timedelta(days=1, hours=1)
    utc = "%Y%m%dT%H%M%SZ"
    override = (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270201T000000Z\r\n"
        f"RECURRENCE-ID:{second.astimezone(UTC):{utc}}\r\n"
        f"DTSTART:{new_start.astimezone(UTC):{utc}}\r\n"
        f"DTEND:{(new_start + timedelta(minutes=30)).astimezone(UTC):{utc}}\r\n"
        "SUMMARY:moved\r\nEND:VEVENT\r\n"
    )
    radicale_server.put(url, name, text.replace("END:VCALENDAR", override + "END:VCALENDAR"))

    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]
    moved = [o for o in lena["occurrences"] if o["status"] == "moved"]
    assert [datetime.fromisoformat(o["start"]) for o in moved] == [new_start]
    assert "moved in the calendar by a person" in moved[0]["reason"]


def test_a_calendar_without_a_password_stops_the_run_naming_the_setting(
    cli: CLI, org: tuple[ConfigDir, str]
) -> None:
    config, _ = org
    people = (config.root / "people.toml").read_text()
    config.people(people.replace("http://", "http://karin@"))
    result = run(cli, config)
    assert result.code == 2
    assert (
        "[caldav] passwords (env CHECKIN_SYNC_CALDAV__PASSWORDS): no password for "
        '"karin@127.0.0.1" (the calendar of karin@example.com in people.toml)'
    ) in result.err
    assert not (config.data / "state.sqlite").exists(), "nothing was written"


def test_approving_sends_the_invitation_at_once(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    assert run(cli, config).code == 0
    approved = cli(
        "--config", str(config.root), "approve", "--manager", "karin@example.com", "--all"
    )
    assert approved.code == 0, approved.err
    assert "Booked #" in approved.out
    assert f"Invitations: 1 written to {config.data / 'outbox'}/" in approved.out
    assert [who for who, _ in sent(config)] == ["lena@example.com"]
    assert len(radicale_server.get(url)[1]) > 0


def test_a_lost_database_is_rebuilt_from_the_caldav_calendar(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    uid = booked_uid(cli, config)
    _, before = radicale_server.get(url + resource_name(uid))
    invitations = len(sent(config))
    (config.data / "state.sqlite").unlink()
    writes = radicale_server.requests["PUT"]

    result = run(cli, config)
    assert result.code == 0, result.out
    assert "1 series checkin-sync had booked were recovered from the calendars" in result.out
    assert "Proposed:" not in result.out
    assert radicale_server.requests["PUT"] == writes, "nothing is written again"
    assert radicale_server.get(url + resource_name(uid))[1] == before
    assert len(sent(config)) == invitations, "nobody is invited again"
    lena = by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]
    assert lena["uid"] == uid


def test_a_replaced_series_never_shares_a_date_with_its_replacement_on_the_server(
    cli: CLI, org: tuple[ConfigDir, str], radicale_server: RadicaleServer
) -> None:
    config, url = org
    old_uid = booked_uid(cli, config)
    week_on = "2027-02-08T07:00:00+00:00"
    assert run(cli, config, now=week_on).code == 0
    config.people(PEOPLE.format(url=url).replace('cadence = "weekly"', 'cadence = "biweekly"'))
    assert run(cli, config, now=week_on).code == 0
    pending = [p for p in proposals(cli, config) if p["state"] == "pending"]
    assert [p["cadence"] for p in pending] == ["biweekly"]
    store_approve(config, pending[0]["id"])
    assert run(cli, config, now=week_on).code == 0

    after = datetime.fromisoformat(week_on)
    spans = []
    for uid in (old_uid, pending[0]["uid"]):
        status, text = radicale_server.get(url + resource_name(uid))
        assert status == 200, uid
        window = recurring_ical_events.of(Calendar.from_ical(text))
        for event in window.between(after, after + timedelta(weeks=12)):
            spans.append((event["DTSTART"].dt.astimezone(UTC), event["DTEND"].dt.astimezone(UTC)))
    spans.sort()
    assert len(spans) > 4
    assert [(a, b) for a, b in pairwise(spans) if b[0] < a[1]] == []
