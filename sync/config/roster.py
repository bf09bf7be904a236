"""Loading people.toml into managers and employees, with every problem named precisely.

One bad entry must not stop the others: entry problems are collected and the entry is left
out (its pair is skipped and its existing series kept). Only a file that cannot be read, or
whose structure or [defaults] is broken, makes the whole roster unusable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sync.config.days_off import (
    categories_for,
)
from sync.config.roster_entries import (
    ARRANGEMENT,
    ORGANISATION_DEFAULT,
    PAIR_KEYS,
    PERSONAL_KEYS,
    SECTIONS,
    SET_BY_THEMSELVES,
    TEAM_DEFAULT,
    arrangement_cadence,
    given,
    messages,
    personal,
    wrong_categories,
)
from sync.config.roster_schema import (
    BUILT_IN_DEFAULTS,
    DefaultsEntry,
    EmployeeEntry,
    ManagerEntry,
    parse_email_or_none,
)
from sync.config.toml_file import read_toml
from sync.model.said import say
from sync.model.values import CheckinAsk, DateSpan, Employee, Manager, MoreOften, Person


@dataclass
class Roster:
    managers: dict[str, Manager] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fatal_problems: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Employees whose pair cannot be planned tonight, with the reason."""
    skipped_managers: dict[str, str] = field(default_factory=dict)
    """The manager a skipped employee's entry names, where it names a listed one."""
    kept_as_booked: dict[str, Employee] = field(default_factory=dict)
    """Skipped employees whose entry still says who they are, where and when they work (only
    a span in it is wrong): their booked series are kept up as booked, but nothing new is
    planned for them until the entry is fixed. The spans that are wrong are left out."""
    complete: bool = True
    """False when some entry could not even be identified by its email; a person missing from
    the roster then may just be unreadable, so nobody's series is cancelled for absence."""

    @property
    def usable(self) -> bool:
        return not self.fatal_problems

    @property
    def all_problems(self) -> list[str]:
        return self.fatal_problems + self.problems

    def listed(self, email: str) -> bool:
        return email in self.employees or email in self.skipped

    def has_pair(self, manager: str, employee: str) -> bool:
        """Whether `employee` is `manager`'s report here (or listed with an entry that
        cannot be planned tonight) and `manager` is a manager: who may still be decided and
        booked for."""
        if manager not in self.managers:
            return False
        # an entry kept only as booked still says who the manager is
        entry = self.employees.get(employee) or self.kept_as_booked.get(employee)
        return entry.manager == manager if entry is not None else employee in self.skipped

    def people(self) -> list[Person]:
        """Managers, then employees."""
        return [m.person for m in self.managers.values()] + [
            e.person for e in self.employees.values()
        ]

    def zones(self) -> dict[str, str]:
        """Everyone's time zone, by email."""
        return {p.email: p.timezone for p in self.people()}


def load_roster(path: Path) -> Roster:
    """Read and check people.toml. Raises ConfigError only when the file cannot be parsed."""
    return _RosterBuilder(str(path)).build(read_toml(path))


class _RosterBuilder:
    def __init__(self, label: str) -> None:
        self.label = label
        self.roster = Roster()
        self.invalid_managers: dict[str, str] = {}
        # cadence and duration a manager sets are the default for their own reports
        self.manager_pair_values: dict[str, dict[str, Any]] = {}

    def problem(self, who: str, message: str, *, fatal: bool = False) -> None:
        text = f"{self.label}: {who}: {message}"
        (self.roster.fatal_problems if fatal else self.roster.problems).append(text)

    def build(self, data: dict[str, Any]) -> Roster:
        for key in sorted(set(data) - set(SECTIONS)):
            self.problem(
                key,
                "unknown section (expected [defaults], [[managers]], [[employees]])",
                fatal=True,
            )
        defaults = self.defaults(data.get("defaults", {}))
        managers = self.entries(data, "managers")
        employees = self.entries(data, "employees")
        self.check_manager_references(managers, employees)
        manager_entries = self.validated(managers, "manager", ManagerEntry)
        employee_entries = self.validated(employees, "employee", EmployeeEntry)
        self.add_managers(manager_entries, defaults)
        self.add_employees(employee_entries, defaults)
        self.reject_circles()
        # two entries sharing an email report the same problem; say it once
        self.roster.problems = list(dict.fromkeys(self.roster.problems))
        return self.roster

    def check_manager_references(
        self, managers: list[Mapping[str, Any]], employees: list[Mapping[str, Any]]
    ) -> None:
        listed = {parse_email_or_none(raw.get("email")) for raw in managers}
        for position, raw in enumerate(employees, start=1):
            email = parse_email_or_none(raw.get("email"))
            manager = parse_email_or_none(raw.get("manager"))
            if manager is not None and manager not in listed:
                who = f"employee {email}" if email else f"employee #{position}"
                self.problem(who, f'manager: "{manager}" is not listed under [[managers]]')

    def defaults(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            self.problem("defaults", "must be a table", fatal=True)
            return dict(BUILT_IN_DEFAULTS)
        try:
            entry = DefaultsEntry.model_validate(raw)
        except ValidationError as error:
            for location, message in messages(error):
                self.problem("defaults", f"{location}: {message}", fatal=True)
            return dict(BUILT_IN_DEFAULTS)
        values = BUILT_IN_DEFAULTS | given(entry)
        wrong = wrong_categories(values)
        if wrong:
            self.problem("defaults", wrong, fatal=True)
            return dict(BUILT_IN_DEFAULTS)
        return values

    def entries(self, data: dict[str, Any], section: str) -> list[Mapping[str, Any]]:
        raw = data.get(section, [])
        if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
            self.problem(section, f"must be a list of tables written as [[{section}]]", fatal=True)
            return []
        return raw

    def validated(
        self, raws: list[Mapping[str, Any]], kind: str, model: type[BaseModel]
    ) -> dict[str, tuple[str, Any]]:
        """Valid entries by email; invalid ones are reported and remembered as skipped."""
        emails = [parse_email_or_none(raw.get("email")) for raw in raws]
        counts = Counter(email for email in emails if email)
        valid: dict[str, tuple[str, Any]] = {}
        for position, (raw, email) in enumerate(zip(raws, emails, strict=True), start=1):
            who = f"{kind} {email}" if email else f"{kind} #{position}"
            if email is None:
                self.roster.complete = False
            if email and kind == "employee":
                self.roster.skipped_managers[email] = parse_email_or_none(raw.get("manager")) or ""
            if email and counts[email] > 1:
                self.problem(who, f"email: listed {counts[email]} times under [[{kind}s]]")
                self.skip(kind, email, "listed more than once")
                continue
            try:
                entry = model.model_validate(raw)
            except ValidationError as error:
                for location, message in messages(error):
                    self.problem(who, f"{location}: {message}")
                if email:
                    self.skip(kind, email, "its entry in people.toml is invalid")
                continue
            valid[getattr(entry, "email")] = (who, entry)  # noqa: B009 - model is generic here
        return valid

    def reject_circles(self) -> None:
        """A manages B manages A would book two series between the same two people (and a
        longer circle makes no organisation): every entry in a circle is refused."""
        employees = self.roster.employees
        circles: set[tuple[str, ...]] = set()
        for email in employees:
            chain = [email]
            while (boss := employees[chain[-1]].manager) in employees and boss not in chain:
                chain.append(boss)
            if boss == email:
                start = chain.index(min(chain))  # the same circle, found from any member
                circles.add(tuple(chain[start:] + chain[:start]))
        for circle in sorted(circles):
            links = ", ".join(
                f"{e} reports to {circle[(i + 1) % len(circle)]}" for i, e in enumerate(circle)
            )
            entries = " and ".join(f"employee {e}" for e in circle)
            for email in circle:
                self.problem(
                    f"employee {email}",
                    f"manager: managers in a circle ({links}); change the entries of {entries}",
                )
                del employees[email]
                self.skip("employee", email, "its manager is in a circle of managers")

    def skip(self, kind: str, email: str, why: str) -> None:
        if kind == "employee":
            self.roster.skipped[email] = f"{email}: {why}"
        else:
            self.invalid_managers[email] = why

    def add_managers(self, entries: dict[str, tuple[str, Any]], defaults: dict[str, Any]) -> None:
        for email, (who, entry) in sorted(entries.items()):
            own = given(entry)
            values = defaults | own
            person = self.person(who, email, values, personal(own))
            if person is not None:
                self.roster.managers[email] = Manager(person, values["max_checkins_per_day"])
                self.manager_pair_values[email] = {k: own[k] for k in PAIR_KEYS if k in own}
            else:
                self.invalid_managers[email] = "its entry in people.toml is invalid"

    def add_employees(self, entries: dict[str, tuple[str, Any]], defaults: dict[str, Any]) -> None:
        for email, (who, entry) in sorted(entries.items()):
            manager_email: str = entry.manager
            manager = self.roster.managers.get(manager_email)
            if manager_email == email:
                self.problem(who, "manager: an employee cannot be their own manager")
                self.skip("employee", email, "its entry in people.toml is invalid")
                continue
            if manager is None:
                if manager_email in self.invalid_managers:
                    self.skip("employee", email, f"manager {manager_email}'s entry is invalid")
                else:  # reported by check_manager_references
                    self.skip("employee", email, "its entry in people.toml is invalid")
                continue
            own = given(entry)
            values = defaults | self.manager_pair_values[manager_email]
            as_manager = self.roster.managers.get(email)
            own_keys = personal(own)
            if as_manager is not None:
                # someone who manages and reports is one person: their [[managers]] entry
                # already says where they are and which calendar they use
                if not self.consistent(who, own, as_manager.person):
                    self.skip("employee", email, "its entry in people.toml is invalid")
                    continue
                values |= {key: getattr(as_manager.person, key) for key in PERSONAL_KEYS}
                own_keys |= as_manager.person.own_keys
            values |= own
            values["cadence_source"] = self.cadence_source(own, manager_email, values)
            values |= arrangement_cadence(values)
            person = self.person(who, email, values, own_keys)
            employee = (
                None if person is None else self.employee(who, person, manager_email, values, entry)
            )
            if person is None or employee is None:
                self.skip("employee", email, "its entry in people.toml is invalid")
                continue
            self.roster.employees[email] = employee

    def person(
        self, who: str, email: str, values: dict[str, Any], own: frozenset[str] = frozenset()
    ) -> Person | None:
        categories: tuple[str, ...] = values.get("holiday_categories", ())
        if "holiday_categories" in own:
            wrong = wrong_categories(values)
            if wrong:
                self.problem(who, wrong)
                return None
        else:
            categories = categories_for(values["holidays"], categories)
        person = Person(
            email=email,
            name=values.get("name") or email,
            timezone=values["timezone"],
            working_hours=values["working_hours"],
            working_days=values["working_days"],
            holidays=values["holidays"],
            holiday_categories=categories,
            calendar=values["calendar"],
            own_keys=own,
            works=values.get("works"),
        )
        if values["duration"] > person.working_hours.minutes:
            self.problem(
                who,
                f"duration: {values['duration']} minutes does not fit in the working day "
                f"{person.working_hours}",
            )
            return None
        return person

    def employee(
        self,
        who: str,
        person: Person,
        manager: str,
        values: dict[str, Any],
        entry: EmployeeEntry,
    ) -> Employee | None:
        ok = True
        more_often = None
        if entry.more_often is not None:
            more_often = MoreOften(
                entry.more_often.cadence, entry.more_often.until, entry.more_often.reason
            )
            if not more_often.cadence.is_more_often_than(values["cadence"]):
                self.problem(
                    who,
                    f'more_often.cadence: "{more_often.cadence}" is not more often than the '
                    f'regular cadence "{values["cadence"]}"',
                )
                ok, more_often = False, None
        paused = None
        if entry.paused is not None:
            paused = DateSpan(entry.paused.start, entry.paused.until)
            if paused.end < paused.start:
                self.problem(who, "paused.until: is before paused.from")
                ok, paused = False, None
        request = None
        if entry.request is not None and ok:
            request = CheckinAsk(
                entry.request.within_days, entry.request.reason.strip(), entry.request.made
            )
        rule, named = values["cadence_source"]
        source = say(rule, name=named or person.first_name)
        employee = Employee(
            person=person,
            manager=manager,
            cadence=values["cadence"],
            duration=values["duration"],
            preferred=tuple(entry.preferred),
            more_often=more_often,
            paused=paused,
            cadence_source=source,
            request=request,
            return_after_days=values["return_checkin_after_days"],
        )
        if not ok:
            # the calendar goes on showing the booked series: its dates must still be checked
            self.roster.kept_as_booked[person.email] = employee
            return None
        return employee

    def cadence_source(
        self, own: dict[str, Any], manager: str, values: dict[str, Any]
    ) -> tuple[str, str]:
        """Which rule sets the employee's cadence: a msgid whose %(name)s is the name given,
        or the employee's first name where none is. The most specific wins: their own
        entry, their manager's, how they work, [defaults]."""
        if "cadence" in own:
            return SET_BY_THEMSELVES, ""
        if "cadence" in self.manager_pair_values[manager]:
            return TEAM_DEFAULT, self.roster.managers[manager].person.first_name
        if values.get("works") is not None:
            return ARRANGEMENT, ""  # worded once the person's arrangement is final
        return ORGANISATION_DEFAULT, ""

    def consistent(self, who: str, given: dict[str, Any], as_manager: Person) -> bool:
        ok = True
        for key in PERSONAL_KEYS:
            if key in given and given[key] != getattr(as_manager, key):
                self.problem(who, f"{key}: differs from the [[managers]] entry of the same person")
                ok = False
        return ok
