"""An event's text put together from lines made once (sync/ical/event_lines.py) is the text
icalendar writes for the whole event, byte for byte, and names the same zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.ical.event_lines import event_text
from sync.ical.events import EventFacts, Style, render_event
from sync.ical.folding import ical_bytes
from sync.model.values import Attendee

ZONES = [ZoneInfo(key) for key in ("Europe/Stockholm", "Europe/London", "America/New_York")]
WORDS = st.sampled_from(
    ["Karin", "Bo Berg", "Åsa Öberg", ";", ":", ",", '"', "\\", "^", "\n", "é", "😀", "日本",
     "a long stretch of words that fills more than one folded line of an iCalendar file"]
)  # fmt: skip
TEXTS = st.lists(WORDS, max_size=8).map(" ".join)
PEOPLE = st.builds(
    Attendee, st.sampled_from(["karin@example.com", "bo.berg@example.se", "x@y.example"]), TEXTS
)
STYLES = st.builds(Style, st.booleans(), st.sampled_from([None, "CLIENT"]), st.booleans())


@st.composite
def moments(draw: st.DrawFn, zone: ZoneInfo | None = None) -> datetime:
    wall = draw(st.datetimes(datetime(2026, 1, 1), datetime(2030, 12, 31)))
    zone = zone or draw(st.sampled_from(ZONES))
    return wall.replace(second=0, microsecond=0, tzinfo=zone, fold=draw(st.integers(0, 1)))


@st.composite
def facts(draw: st.DrawFn) -> EventFacts:
    zone = draw(st.sampled_from(ZONES))
    start = draw(moments(zone))
    rrule = draw(st.sampled_from(["", "FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=2WE"]))
    overriding = not rrule and draw(st.booleans())
    return EventFacts(
        uid=draw(st.sampled_from(["a@checkin-sync", "karin-bo@checkin-sync"])),
        sequence=draw(st.integers(0, 40)),
        stamp=draw(moments()).astimezone(UTC),
        start=start,
        end=start + timedelta(minutes=draw(st.sampled_from([15, 30, 45]))),
        summary=draw(TEXTS),
        description=draw(TEXTS),
        organiser=draw(PEOPLE),
        attendee=draw(PEOPLE),
        series_cancelled=draw(st.booleans()),
        style=draw(STYLES),
        rrule=rrule,
        until=draw(st.none() | moments().map(lambda t: t.astimezone(UTC))) if rrule else None,
        exdates=tuple(sorted(draw(st.lists(moments(zone), max_size=4)))) if rrule else (),
        recurrence_id=draw(moments(zone)) if overriding else None,
        one_off_cancelled=draw(st.booleans()),
    )


def icalendars_text(event: EventFacts) -> tuple[bytes, tuple[str, ...]]:
    rendered = render_event(event)
    used = {
        value.params.get("TZID")
        for _, value in rendered.property_items(sorted=False)
        if hasattr(value, "params")
    }
    return ical_bytes(rendered), tuple(sorted(t for t in used if t not in (None, "UTC")))


@settings(max_examples=400)
@given(st.lists(facts(), min_size=1, max_size=4))
def test_an_event_is_the_text_icalendar_writes(events: list[EventFacts]) -> None:
    # several events at once, so later ones are made partly of lines kept from earlier ones
    for event in events:
        assert event_text(event) == icalendars_text(event)


def test_the_same_instant_in_another_zone_is_another_line() -> None:
    stockholm = datetime(2027, 3, 4, 13, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    london = stockholm.astimezone(ZoneInfo("Europe/London"))
    assert stockholm == london  # datetimes compare by instant; lines must not
    people = Attendee("karin@example.com", "Karin"), Attendee("bo@example.com", "Bo")
    base = EventFacts(
        "a@checkin-sync", 0, stockholm.astimezone(UTC), stockholm, stockholm, "s", "d",
        *people, False, Style(),
    )  # fmt: skip
    other = EventFacts(
        "a@checkin-sync", 0, stockholm.astimezone(UTC), london, london, "s", "d",
        *people, False, Style(),
    )  # fmt: skip
    assert event_text(base) == icalendars_text(base)
    assert event_text(other) == icalendars_text(other)
    assert b"TZID=Europe/London:20270304T120000" in event_text(other)[0]
