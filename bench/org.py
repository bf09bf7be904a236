"""A seeded, realistic organisation: people, teams, time zones, calendars and busy time.

Everything here is plain data computed from a seed, so the same seed gives the same
organisation byte for byte; the provider-specific forms (Google and Graph events, .ics files,
people.toml) are produced from it in `bench.config` and `bench.seeding`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# (zone, holiday country, Windows zone name for Graph)
SITES: tuple[tuple[str, str, str], ...] = (
    ("Europe/Stockholm", "SE", "W. Europe Standard Time"),
    ("Europe/London", "GB", "GMT Standard Time"),
    ("America/New_York", "US", "Eastern Standard Time"),
    ("America/Los_Angeles", "US", "Pacific Standard Time"),
    ("Asia/Kolkata", "IN", "India Standard Time"),
    ("Asia/Singapore", "SG", "Singapore Standard Time"),
)
HOURS = (
    (time(9), time(17)),
    (time(8), time(16)),
    (time(8, 30), time(17, 30)),
    (time(10), time(18)),
)
PROVIDERS = ("google", "outlook", "ics")
FIRST = [
    "Anna",
    "Ben",
    "Chen",
    "Dana",
    "Erik",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jun",
    "Kira",
    "Lena",
    "Omar",
    "Priya",
    "Raj",
    "Sofia",
    "Tom",
    "Uma",
    "Vera",
    "Wei",
    "Xavier",
    "Yara",
    "Zoe",
    "Ade",
    "Karin",
    "Lucas",
    "Nora",
    "Malik",
    "Ines",
    "Pablo",
]
LAST = [
    "Berg",
    "Lind",
    "Okafor",
    "Natarajan",
    "Moreau",
    "Haddad",
    "Sandberg",
    "Kim",
    "Silva",
    "Novak",
    "Tanaka",
    "Rossi",
    "Schmidt",
    "Kowalski",
    "Ahmed",
    "Larsen",
    "Costa",
    "Murphy",
    "Ito",
    "Singh",
]


@dataclass(frozen=True)
class Block:
    """One calendar entry. `start` is local wall-clock time in the owner's zone; `weekdays`
    makes it repeat weekly (every `interval` weeks) from `start` on, with no end."""

    start: datetime
    minutes: int
    kind: str = "busy"
    """busy | off (time off) | allday (busy all day) | allday_free (shown, not blocking)"""
    weekdays: tuple[int, ...] = ()
    interval: int = 1
    days: int = 1
    """For all-day entries and time off: how many local days it covers."""
    zone: str | None = None
    """The zone whose wall clock a team meeting keeps (its organiser's); None: the owner's."""

    @property
    def recurring(self) -> bool:
        return bool(self.weekdays)

    @property
    def all_day(self) -> bool:
        return self.kind in ("allday", "allday_free", "off")


@dataclass
class Person:
    email: str
    name: str
    zone: str
    country: str
    windows_zone: str
    hours: tuple[time, time]
    calendar: str
    manager: str | None = None
    reports: list[str] = field(default_factory=list)
    works: str = "hybrid"
    cadence: str | None = None
    """The employee's own cadence in people.toml; None leaves it to the rules."""
    team_cadence: str | None = None
    """On a manager: the default cadence for their reports."""
    duration: int | None = None
    preferred: list[str] = field(default_factory=list)
    max_per_day: int = 4
    blocks: list[Block] = field(default_factory=list)

    @property
    def is_manager(self) -> bool:
        return bool(self.reports)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass
class Org:
    seed: int
    now: datetime
    people: dict[str, Person]
    horizon_weeks: int = 8
    min_notice_hours: int = 24
    buffer_minutes: int = 10

    @property
    def window(self) -> tuple[datetime, datetime]:
        """What a run reads: now .. now + horizon + 1 week."""
        return self.now, self.now + timedelta(weeks=self.horizon_weeks, days=7)

    def pairs(self) -> list[tuple[str, str]]:
        return sorted((p.manager, p.email) for p in self.people.values() if p.manager)

    def managers(self) -> list[Person]:
        return [p for p in self.people.values() if p.is_manager]


def generate(size: int, seed: int, now: datetime) -> Org:
    """An organisation of `size` people: a CEO, managers of managers with 3–20 reports, and
    teams of 4–12 (a manager and 3–11 reports), spread over 3–6 time zones and a mix of
    Google, Outlook and .ics calendars, with busy calendars from `now` over the horizon."""
    rng = random.Random(seed)
    org = Org(seed=seed, now=now.astimezone(UTC), people={})
    sites = rng.sample(SITES, rng.randint(3, 6) if size >= 50 else 3)
    namer = _Names(rng)
    # departments share a site and mostly one provider, as real organisations do
    leaves = _team_sizes(rng, size)
    ceo = _person(rng, namer, sites[0], rng.choice(PROVIDERS[:2]))
    org.people[ceo.email] = ceo
    leads: list[Person] = []
    for team in leaves:
        site = rng.choice(sites)
        provider = _provider(rng, None)
        lead = _person(rng, namer, site, provider)
        org.people[lead.email] = lead
        leads.append(lead)
        for _ in range(team - 1):
            member_site = site if rng.random() < 0.8 else rng.choice(sites)
            member = _person(rng, namer, member_site, _provider(rng, provider))
            org.people[member.email] = member
            _report(lead, member)
    # managers of managers, level by level, until one group reports to the CEO
    level = leads
    while len(level) > 20:
        grouped: list[Person] = []
        index = 0
        while index < len(level):
            count = min(rng.randint(3, 12), len(level) - index)
            if len(level) - index - count < 3:
                count = len(level) - index
            head = _person(rng, namer, rng.choice(sites), _provider(rng, None))
            org.people[head.email] = head
            for member in level[index : index + count]:
                _report(head, member)
            grouped.append(head)
            index += count
        level = grouped
    for member in level:
        _report(ceo, member)
    for person in org.people.values():
        _preferences(rng, person)
    rhythms = {m.email: _rhythm(rng, m, org.now) for m in org.people.values() if m.is_manager}
    for person in sorted(org.people.values(), key=lambda p: p.email):
        teams = [rhythms[e] for e in (person.email, person.manager) if e in rhythms]
        person.blocks = _calendar(rng, person, org, teams)
    return org


def _rhythm(rng: random.Random, manager: Person, now: datetime) -> list[Block]:
    """A team's shared meetings, on its manager's wall clock: a daily stand-up for half of
    the teams and a weekly team meeting for all."""
    zone = manager.tz
    begin = _minutes(manager.hours[0])
    today = now.astimezone(zone).date()
    since = today - timedelta(days=rng.randint(30, 400))
    since -= timedelta(days=since.weekday())
    out = []
    if rng.random() < 0.5:
        clock = datetime.combine(since, _clock(begin + 30))
        out.append(Block(clock, 15, "busy", (0, 1, 2, 3, 4), zone=manager.zone))
    day = rng.randint(0, 4)
    clock = datetime.combine(since + timedelta(days=day), _clock(begin + 60 * rng.randint(1, 5)))
    out.append(Block(clock, 60, "busy", (day,), zone=manager.zone))
    return out


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def next(self) -> tuple[str, str]:
        self.count += 1
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        return f"{first} {last}", f"{first}.{last}{self.count}@example.com".lower()


def _team_sizes(rng: random.Random, size: int) -> list[int]:
    """Leaf team sizes (manager included) adding up to about `size` minus the managers above."""
    sizes: list[int] = []
    remaining = size - 1 - max(1, size // 60)  # the CEO and roughly the managers of managers
    while remaining > 0:
        team = min(rng.randint(4, 12), remaining)
        if team < 4 and sizes:
            sizes[-1] += team
            break
        sizes.append(max(team, 4))
        remaining -= team
    return sizes


def _provider(rng: random.Random, department: str | None) -> str:
    if department is not None and rng.random() < 0.85:
        return department
    return rng.choices(PROVIDERS, weights=(45, 40, 15))[0]


def _person(rng: random.Random, namer: _Names, site: tuple[str, str, str], provider: str) -> Person:
    name, email = namer.next()
    zone, country, windows = site
    hours = rng.choices(HOURS, weights=(60, 15, 15, 10))[0]
    calendar = provider if provider != "ics" else f"ics:cal/{email.split('@')[0]}.ics"
    works = rng.choices(("remote", "hybrid", "office"), weights=(30, 50, 20))[0]
    return Person(email, name, zone, country, windows, hours, calendar, works=works)


def _report(manager: Person, member: Person) -> None:
    member.manager = manager.email
    manager.reports.append(member.email)


def _preferences(rng: random.Random, person: Person) -> None:
    """Cadences mixed as in real teams: most people leave it to how they work, a quarter set
    their own, some managers set one for their team."""
    roll = rng.random()
    if roll < 0.25:
        person.cadence = rng.choices(
            ("weekly", "biweekly", "every 3 weeks", "monthly"), weights=(40, 35, 10, 15)
        )[0]
    if person.is_manager:
        person.max_per_day = rng.choice((3, 4, 4, 5, 6)) if len(person.reports) > 6 else 4
        if rng.random() < 0.15:
            person.team_cadence = rng.choice(("weekly", "biweekly"))
    if rng.random() < 0.2:
        person.duration = rng.choice((45, 60, 25))
    if rng.random() < 0.1:
        day = rng.choice(("mon", "tue", "wed", "thu", "fri"))
        start = person.hours[0].hour + rng.randint(0, 4)
        person.preferred = [f"{day},thu {start:02d}:00-{start + 3:02d}:00"]


def _calendar(
    rng: random.Random, person: Person, org: Org, teams: list[list[Block]]
) -> list[Block]:
    """Recurring team meetings and personal blocks, ad-hoc meetings up to a busy share of
    40–70% of working time for managers and 15–40% for reports, all-day events and time off."""
    zone = person.tz
    blocks: list[Block] = []
    begin, end = person.hours
    day_minutes = _minutes(end) - _minutes(begin)
    target = rng.uniform(0.40, 0.70) if person.is_manager else rng.uniform(0.15, 0.40)
    today = org.now.astimezone(zone).date()
    # occupied minutes per weekday (0..4) from recurring entries, on a 30-minute grid
    taken: dict[int, set[int]] = {d: set() for d in range(5)}

    def recurring(minute: int, minutes: int, days: tuple[int, ...], interval: int = 1) -> None:
        since = today - timedelta(days=rng.randint(20, 400))
        since += timedelta(days=(days[0] - since.weekday()) % 7)
        start = datetime.combine(since, _clock(minute))
        blocks.append(Block(start, minutes, "busy", days, interval))
        for day in days:
            taken[day].update(range(minute, minute + minutes, 30))

    start_minute = _minutes(begin)
    for team in teams:  # their own team's meetings, and (for a manager) their manager's
        for meeting in team:
            blocks.append(meeting)
            if meeting.zone == person.zone:
                minute = _minutes(meeting.start.time())
                for weekday in meeting.weekdays:
                    taken[weekday].update(range(minute - minute % 30, minute + meeting.minutes, 30))
    recurring_share = rng.uniform(0.5, 0.75)
    while _share(taken, day_minutes) < target * recurring_share:
        minutes = rng.choice((30, 60, 60, 90))
        minute = start_minute + 30 * rng.randrange(0, max(1, (day_minutes - minutes) // 30))
        days = tuple(sorted(rng.sample(range(5), rng.choice((1, 1, 2, 3)))))
        if any(m in taken[d] for d in days for m in range(minute, minute + minutes, 30)):
            continue
        recurring(minute, minutes, days, rng.choice((1, 1, 1, 2)))
    # ad-hoc meetings on each working day of the read window, up to the day's target
    first, last = org.window
    day = first.astimezone(zone).date()
    while day <= last.astimezone(zone).date():
        if day.weekday() < 5:
            busy = {m for m in taken[day.weekday()]}
            wanted = int(target * day_minutes * rng.uniform(0.7, 1.3))
            tries = 0
            while len(busy) * 30 < wanted and tries < 20:
                tries += 1
                minutes = rng.choice((30, 30, 60))
                minute = start_minute + 30 * rng.randrange(0, max(1, (day_minutes - minutes) // 30))
                slots = set(range(minute, minute + minutes, 30))
                if slots & busy:
                    continue
                busy |= slots
                blocks.append(Block(datetime.combine(day, _clock(minute)), minutes))
        day += timedelta(days=1)
    horizon = (last - first).days
    for _ in range(rng.choice((0, 1, 1, 2))):
        when = today + timedelta(days=rng.randint(1, horizon))
        kind = "allday" if rng.random() < 0.2 else "allday_free"
        blocks.append(Block(datetime.combine(when, time()), 24 * 60, kind))
    roll = rng.random()
    if roll < 0.15:  # a holiday of 2–10 working days
        start = today + timedelta(days=rng.randint(3, horizon - 10))
        length = rng.randint(2, 10)
        calendar_days = length + 2 * (length // 5) + 2
        blocks.append(Block(datetime.combine(start, time()), 24 * 60, "off", days=calendar_days))
    elif roll < 0.2:  # a day off
        when = today + timedelta(days=rng.randint(2, horizon))
        blocks.append(Block(datetime.combine(when, time()), 24 * 60, "off"))
    return blocks


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _share(taken: dict[int, set[int]], day_minutes: int) -> float:
    return sum(len(v) for v in taken.values()) * 30 / (5 * day_minutes)


# ----------------------------------------------------------------------------- busy time


@dataclass(frozen=True)
class Span:
    start: datetime  # UTC
    end: datetime
    kind: str  # busy | off


def spans(person: Person, lo: datetime, hi: datetime) -> list[Span]:
    """What makes the person unavailable in [lo, hi), expanded from their blocks by this
    module's own rules (independent of the emulators and the service)."""
    zone = person.tz
    out: list[Span] = []
    for block in person.blocks:
        if block.kind == "allday_free":
            continue
        kind = "off" if block.kind == "off" else "busy"
        for start, end in occurrences(block, zone, lo, hi):
            out.append(Span(max(start, lo), min(end, hi), kind))
    return sorted(out, key=lambda s: (s.start, s.end))


def occurrences(
    block: Block, zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Instances of a block overlapping [lo, hi), as UTC (start, end)."""
    zone = ZoneInfo(block.zone) if block.zone else zone
    if block.all_day:
        first = block.start.date()
        start = datetime.combine(first, time(), zone).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=block.days), time(), zone).astimezone(UTC)
        return [(start, end)] if start < hi and lo < end else []
    length = timedelta(minutes=block.minutes)
    if not block.recurring:
        start = block.start.replace(tzinfo=zone).astimezone(UTC)
        return [(start, start + length)] if start < hi and lo < start + length else []
    out = []
    origin = block.start.date()
    monday = origin - timedelta(days=origin.weekday())
    day = max(origin, lo.astimezone(zone).date() - timedelta(days=1))
    last = hi.astimezone(zone).date()
    while day <= last:
        week = (day - monday).days // 7
        if day.weekday() in block.weekdays and week % block.interval == 0:
            start = datetime.combine(day, block.start.time(), zone).astimezone(UTC)
            if start < hi and lo < start + length:
                out.append((start, start + length))
        day += timedelta(days=1)
    return out


def working_spans(person: Person, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """Working hours on working days (Mon–Fri, holidays out) as UTC spans."""
    zone = person.tz
    begin, end = person.hours
    out = []
    day = lo.astimezone(zone).date() - timedelta(days=1)
    while day <= hi.astimezone(zone).date():
        if day.weekday() < 5 and not is_holiday(person.country, day):
            start = datetime.combine(day, begin, zone).astimezone(UTC)
            finish = datetime.combine(day, end, zone).astimezone(UTC)
            if start < hi and lo < finish:
                out.append((max(start, lo), min(finish, hi)))
        day += timedelta(days=1)
    return out


def is_holiday(country: str, day: date) -> bool:
    # the days the service treats as off (public and de-facto holidays), so the quality
    # measures judge it by its own rules
    from sync.config.days_off import holiday_name

    return holiday_name(country, (), day) is not None
