"""Times as a person reads them: in their own zone first, the other person's alongside.

Used by the web page and the emails, which must say the same thing the same way. Formats
follow the configured language (never the server's locale), so a page reads the same
wherever it is served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sync.model.cadence import ONE_OFF_LABEL, Cadence
from sync.model.said import Said, say
from sync.model.weekdays import RRULE_DAYS
from sync.plumbing.i18n import ENGLISH, N_, Language

_MONTHLY_BYDAY = re.compile(r"BYDAY=([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)")


def zone_label(zone: str) -> str:
    """ "America/New_York" → "New York"; "UTC" stays "UTC"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


DAY = "EEE d MMM y"
"""How the page and the emails write a date, in CLDR's terms: "Tue 2 Feb 2027" ("tis 2 feb.
2027"). Also inside their sentences (sync/delivery/wording.py), so a skipped date and the
pause that skipped it read alike; the operator's texts keep ISO dates, which they grep."""


def day(instant: datetime, zone: str, language: Language = ENGLISH) -> str:
    """ "Tue 2 Feb 2027" ("tis 2 feb. 2027") in `zone`."""
    return on_day(instant.astimezone(ZoneInfo(zone)).date(), language)


def on_day(calendar_day: date, language: Language = ENGLISH) -> str:
    """ "Tue 2 Feb 2027": a date that is no instant (a pause's first day, say)."""
    return language.date(calendar_day, DAY)


def in_week(calendar_day: date, language: Language = ENGLISH) -> str:
    """ "Tue 2 Feb": `DAY` without the year, for the rows of a week picture, whose caption
    names the week by its Monday in full (a phone has no room for the year five times)."""
    return language.date(calendar_day, DAY.removesuffix(" y"))


def clock_range(start: datetime, end: datetime, zone: str) -> str:
    """ "16:15–16:45" in `zone`."""
    tz = ZoneInfo(zone)
    return f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"


def moment(instant: datetime, zone: str, language: Language = ENGLISH) -> str:
    """ "Tue 2 Feb 2027 16:15" in `zone`."""
    return f"{day(instant, zone, language)} {instant.astimezone(ZoneInfo(zone)):%H:%M}"


@dataclass(frozen=True)
class TwoZones:
    """One span of time for the viewer, and for the other person if they live elsewhere."""

    mine: str
    theirs: str
    """Empty when both people share a zone."""


def span(
    start: datetime,
    end: datetime,
    viewer: str,
    other: str | None,
    language: Language = ENGLISH,
) -> TwoZones:
    mine = f"{day(start, viewer, language)}, {clock_range(start, end, viewer)}"
    if other is None or same_clock(start, viewer, other):
        return TwoZones(mine, "")
    theirs = clock_range(start, end, other)
    if day(start, other) != day(start, viewer):
        theirs = f"{day(start, other, language)}, {theirs}"
    return TwoZones(mine, elsewhere(theirs, other, language))


def pattern(
    rrule: str,
    cadence: str,
    start: datetime,
    end: datetime,
    viewer: str,
    other: str | None,
    language: Language = ENGLISH,
) -> TwoZones:
    """How a series repeats, e.g. "Weekly on Tuesdays, 16:15–16:45" and "10:15–10:45 in New
    York" (with the weekday when it differs there)."""
    if not rrule:  # a one-off check-in
        return span(start, end, viewer, other, language)
    local = start.astimezone(ZoneInfo(viewer))
    repeat = _repeat(rrule, cadence, local.weekday(), language)
    mine = f"{repeat}, {clock_range(start, end, viewer)}"
    if other is None or same_clock(start, viewer, other):
        return TwoZones(mine, "")
    there = start.astimezone(ZoneInfo(other))
    theirs = clock_range(start, end, other)
    if there.weekday() != local.weekday():
        theirs = f"{weekday_plurals(language)[there.weekday()]} {theirs}"
    return TwoZones(mine, elsewhere(theirs, other, language))


def cadence_name(cadence: str, language: Language = ENGLISH, *, starting: bool = False) -> str:
    """A cadence as the roster writes it ("weekly", "every 3 weeks"), in `language`;
    `starting`: as a sentence begins ("Every 3 weeks")."""
    said = cadence_said(cadence, starting=starting)
    if said.plain:
        return said.msgid
    return language.gettext(said.msgid, **dict(said.values))


_CADENCE_WORDS = {
    "monthly": (N_("monthly"), N_("Monthly")),
    "weekly": (N_("weekly"), N_("Weekly")),
    "biweekly": (N_("biweekly"), N_("Biweekly")),
    "every": (N_("every %(weeks)s weeks"), N_("Every %(weeks)s weeks")),
}
"""Each cadence's words inside a sentence, and as a sentence begins."""


def cadence_said(cadence: str | Cadence, *, starting: bool = False) -> Said:
    """A cadence as the store keeps it ("every 3 weeks", "once"), to word in a language;
    `starting`: as a sentence begins ("Every 3 weeks")."""
    if cadence == ONE_OFF_LABEL:
        return say("once")
    try:
        parsed = cadence if isinstance(cadence, Cadence) else Cadence.parse(cadence)
    except ValueError:
        return Said.text(str(cadence))  # written by an older version in words of its own
    if parsed.monthly or parsed.weeks <= 2:
        return say(_CADENCE_WORDS[parsed.label][starting])
    return say(_CADENCE_WORDS["every"][starting], weeks=parsed.weeks)


def weekday_plurals(language: Language = ENGLISH) -> tuple[str, ...]:
    """ "Mondays" … "Sundays", as in "Weekly on Tuesdays"."""
    _ = language.gettext
    return (
        _("Mondays"),
        _("Tuesdays"),
        _("Wednesdays"),
        _("Thursdays"),
        _("Fridays"),
        _("Saturdays"),
        _("Sundays"),
    )


def elsewhere(time_text: str, zone: str, language: Language) -> str:
    return language.gettext("%(time)s in %(place)s", time=time_text, place=zone_label(zone))


def _repeat(rrule: str, cadence: str, weekday: int, language: Language) -> str:
    monthly = _MONTHLY_BYDAY.search(rrule) if "FREQ=MONTHLY" in rrule else None
    if monthly:
        return language.gettext(
            "Monthly on the %(nth)s %(weekday)s",
            nth=ordinal(int(monthly.group(1)), language),
            weekday=weekday_in_month(RRULE_DAYS.index(monthly.group(2)), language),
        )
    text = language.gettext(
        "%(cadence)s on %(weekdays)s",
        cadence=cadence_name(cadence, language),
        weekdays=weekday_plurals(language)[weekday],
    )
    return text[:1].upper() + text[1:]


def ordinal(nth: int, language: Language) -> str:
    words = {
        1: language.gettext("first"),
        2: language.gettext("second"),
        3: language.gettext("third"),
        4: language.gettext("fourth"),
        -1: language.gettext("last"),
    }
    return words.get(nth, str(nth))


def weekday_in_month(weekday: int, language: Language) -> str:
    # the form that follows "the first …": "Tuesday" in English, "tisdagen" in Swedish
    pgettext = language.pgettext
    return (
        pgettext("the nth weekday of a month", "Monday"),
        pgettext("the nth weekday of a month", "Tuesday"),
        pgettext("the nth weekday of a month", "Wednesday"),
        pgettext("the nth weekday of a month", "Thursday"),
        pgettext("the nth weekday of a month", "Friday"),
        pgettext("the nth weekday of a month", "Saturday"),
        pgettext("the nth weekday of a month", "Sunday"),
    )[weekday]


def same_clock(instant: datetime, one: str, other: str) -> bool:
    return instant.astimezone(ZoneInfo(one)).replace(tzinfo=None) == instant.astimezone(
        ZoneInfo(other)
    ).replace(tzinfo=None)
