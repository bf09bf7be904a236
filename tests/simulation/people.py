"""The simulated organisation's roster: who is there, who manages whom, and each person's
own settings, written out as people.toml the way people edit it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time

WORKING_HOURS = (time(9), time(17))
WORKING_DAYS = frozenset(range(5))


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    timezone: str
    country: str
    manager: str | None = None
    cadence: str | None = None
    more_often: tuple[str, date, str] | None = None
    paused: tuple[date, date] | None = None

    @property
    def key(self) -> str:
        return self.email.split("@")[0]


@dataclass
class Roster:
    """Managers are people who manage; a middle manager is in both lists."""

    people: dict[str, Person] = field(default_factory=dict)
    managers: list[str] = field(default_factory=list)

    def copy(self) -> Roster:
        return Roster(dict(self.people), list(self.managers))

    def reports(self) -> list[Person]:
        return [p for p in self.people.values() if p.manager is not None]

    def reports_of(self, manager: str) -> list[Person]:
        return [p for p in self.reports() if p.manager == manager]

    def pairs(self) -> set[tuple[str, str]]:
        """(manager, employee) for every report whose manager is in the roster."""
        return {(p.manager, p.email) for p in self.reports() if p.manager in self.managers}

    def update(self, email: str, **changes: object) -> None:
        self.people[email] = replace(self.people[email], **changes)  # type: ignore[arg-type]

    def toml(self, calendar: str) -> str:
        lines = [
            "[defaults]",
            'working_hours = "09:00-17:00"',
            'working_days = ["mon", "tue", "wed", "thu", "fri"]',
            "duration = 30",
            'cadence = "biweekly"',
            "",
        ]
        for email in self.managers:
            person = self.people[email]
            lines += [
                "[[managers]]",
                *_identity(person, calendar),
                "max_checkins_per_day = 3",
                "",
            ]
        for person in self.reports():
            lines += ["[[employees]]", *_identity(person, calendar)]
            lines.append(f'manager = "{person.manager}"')
            if person.cadence:
                lines.append(f'cadence = "{person.cadence}"')
            if person.more_often:
                cadence, until, reason = person.more_often
                lines.append(
                    f'more_often = {{ cadence = "{cadence}", until = "{until.isoformat()}", '
                    f'reason = "{reason}" }}'
                )
            if person.paused:
                start, until = person.paused
                lines.append(
                    f'paused = {{ from = "{start.isoformat()}", until = "{until.isoformat()}" }}'
                )
            lines.append("")
        return "\n".join(lines)


def _identity(person: Person, calendar: str) -> list[str]:
    return [
        f'email = "{person.email}"',
        f'name = "{person.name}"',
        f'timezone = "{person.timezone}"',
        f'holidays = "{person.country}"',
        f'calendar = "{calendar}"',
    ]


KARIN = Person("karin@example.com", "Karin Lind", "Europe/Stockholm", "SE")
MIKE = Person("mike@example.com", "Mike Reed", "America/New_York", "US", manager=KARIN.email)
ANA = Person("ana@example.com", "Ana Costa", "Europe/London", "GB")


def first_roster() -> Roster:
    """Karin manages Mike, who manages two people of his own; Ana has a team in London."""
    roster = Roster()
    for manager in (KARIN, MIKE, ANA):
        roster.people[manager.email] = manager
        roster.managers.append(manager.email)
    for person in (
        Person("lena@example.com", "Lena Berg", "America/New_York", "US", KARIN.email, "weekly"),
        Person("erik@example.com", "Erik Sandberg", "Europe/Stockholm", "SE", KARIN.email),
        Person("tom@example.com", "Tom Ward", "America/New_York", "US", MIKE.email),
        Person("priya@example.com", "Priya Natarajan", "Europe/London", "GB", MIKE.email),
        Person("sofia@example.com", "Sofia Lindqvist", "Europe/London", "GB", ANA.email),
        Person("omar@example.com", "Omar Haddad", "Europe/Stockholm", "SE", ANA.email, "weekly"),
    ):
        roster.people[person.email] = person
    return roster


# people who may join during the simulation, each at most once
JOINERS = (
    Person("nils@example.com", "Nils Ek", "Europe/Stockholm", "SE"),
    Person("rosa@example.com", "Rosa Diaz", "America/New_York", "US"),
    Person("kate@example.com", "Kate Shaw", "Europe/London", "GB"),
    Person("jon@example.com", "Jon Holm", "Europe/Stockholm", "SE"),
)
