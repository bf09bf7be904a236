"""One organisation, night after night: people edit the roster, meet, go on leave and decline;
the nightly run plans and books; managers approve and reject in batches. After every night the
checks in invariants.py read the calendars and the exported files."""

from __future__ import annotations

import contextlib
import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sync.cli.main import main
from tests.simulation import invariants as check
from tests.simulation.calendars import Calendars, Meeting, window
from tests.simulation.exports import exported
from tests.simulation.people import ANA, JOINERS, KARIN, MIKE, Person, first_roster

FIRST_NIGHT = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)  # a Monday, 02:00 in Stockholm
HORIZON_WEEKS = 4
AVOID_WEEKS = 4
CADENCES = ("weekly", "biweekly", "every 3 weeks", "monthly")


@dataclass
class Outcome:
    code: int
    out: str

    @property
    def text(self) -> str:
        return self.out


@dataclass
class Night:
    number: int
    now: datetime
    events: list[str] = field(default_factory=list)


class SimulationFailed(AssertionError):
    pass


class Simulation:
    def __init__(
        self, root: Path, calendars: Calendars, seed: int, nights: int, keep_going: bool = False
    ) -> None:
        self.root = root
        self.keep_going = keep_going
        self.found: dict[str, tuple[int, str]] = {}
        self.organisers: set[str] = set()
        self.calendars = calendars
        self.seed = seed
        self.nights = nights
        self.rng = random.Random(seed)
        self.roster = first_roster()
        self.joiners = list(JOINERS)
        # drawn the same whatever the number of nights, so a shorter replay lives the same nights
        self.manager_leaves_on = self.rng.randrange(30, 70)
        self.avoids: list[tuple[int, check.Avoid]] = []  # (night it expires, what to avoid)
        self.history: list[Night] = []
        self.root.mkdir(parents=True, exist_ok=True)

    # ----------------------------------------------------------------- the command line

    def cli(self, *args: str) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--config", str(self.root), *args])
        text = out.getvalue() + err.getvalue()
        if "Traceback" in text:
            self.fail(f"`checkin-sync {' '.join(args)}` printed a traceback:\n{text}")
        return Outcome(code, text)

    def records(self, *extra: str) -> list[dict[str, Any]]:
        result = self.cli("proposals", "--json", *extra)
        data: list[dict[str, Any]] = json.loads(result.out)
        return data

    # ----------------------------------------------------------------- set-up

    def start(self) -> None:
        for person in [*self.roster.people.values(), *self.joiners]:
            self.calendars.add_person(person.email, person.timezone)
        settings = (
            f'data_dir = "data"\nhorizon_weeks = {HORIZON_WEEKS}\nmin_notice_hours = 24\n'
            "buffer_minutes = 10\n"
        )
        (self.root / "settings.toml").write_text(settings + self.calendars.settings(self.root))
        self.write_roster()

    def write_roster(self) -> None:
        (self.root / "people.toml").write_text(self.roster.toml(self.calendars.kind))

    # ----------------------------------------------------------------- the nights

    def live(self) -> None:
        self.start()
        for number in range(self.nights):
            night = Night(number, FIRST_NIGHT + timedelta(days=number))
            self.history.append(night)
            self.day_before(night)
            self.run(night)
            self.managers_decide(night)
            self.verify(night)
        self.summary()

    def run(self, night: Night) -> None:
        result = self.cli("run", "--now", night.now.isoformat())
        if result.code == 1 and "--accept-deletions" in result.text:
            night.events.append("the operator confirmed the deletions the run held back")
            result = self.cli("run", "--now", night.now.isoformat(), "--accept-deletions")
        if result.code not in (0, 1):
            self.fail(f"the run exited {result.code}:\n{result.text}")

    # ----------------------------------------------------------------- what people do by day

    def day_before(self, night: Night) -> None:
        today = night.now.date()
        changed = False
        if night.number == self.manager_leaves_on:
            changed |= self.manager_leaves(night)
        for chance, change in (
            (0.06, self.change_cadence),
            (0.03, self.more_often),
            (0.03, self.pause),
            (0.03, self.move),
            (0.03, self.join),
            (0.02, self.leave),
        ):
            if self.rng.random() < chance:
                changed |= change(night, today)
        if changed:
            self.write_roster()
        for chance, act in (
            (0.06, self.decline),
            (0.15, self.meeting_on_a_checkin),
            (0.03, self.vacation),
            (0.03, self.request),
        ):
            if self.rng.random() < chance:
                act(night, today)
        self.avoids = [(ends, a) for ends, a in self.avoids if ends > night.number]

    def _pick(self, people: list[Person]) -> Person | None:
        return self.rng.choice(sorted(people, key=lambda p: p.email)) if people else None

    def _reports(self) -> list[Person]:
        return [p for p in self.roster.reports() if p.email not in self.roster.managers]

    def change_cadence(self, night: Night, today: date) -> bool:
        person = self._pick(self._reports())
        if person is None:
            return False
        cadence = self.rng.choice([c for c in CADENCES if c != person.cadence])
        self.roster.update(person.email, cadence=cadence)
        night.events.append(f"{person.email} changed cadence to {cadence}")
        return True

    def more_often(self, night: Night, today: date) -> bool:
        person = self._pick([p for p in self._reports() if p.more_often is None])
        if person is None:
            return False
        until = today + timedelta(days=self.rng.randrange(14, 43))
        self.roster.update(person.email, more_often=("weekly", until, "back from leave"))
        night.events.append(f"{person.email}: more often until {until}")
        return True

    def pause(self, night: Night, today: date) -> bool:
        person = self._pick([p for p in self._reports() if p.paused is None])
        if person is None:
            return False
        start = today + timedelta(days=self.rng.randrange(3, 11))
        until = start + timedelta(days=self.rng.randrange(5, 15))
        self.roster.update(person.email, paused=(start, until))
        night.events.append(f"{person.email}: paused {start} to {until}")
        return True

    def move(self, night: Night, today: date) -> bool:
        person = self._pick(self.roster.reports())
        if person is None:
            return False
        others = [m for m in self.roster.managers if m not in (person.manager, person.email)]
        if person.email == KARIN.email or not others:
            return False
        if person.email == MIKE.email:
            return False  # Mike's own manager is the top of the organisation
        manager = self.rng.choice(sorted(others))
        self.roster.update(person.email, manager=manager)
        night.events.append(f"{person.email} moved from {person.manager} to {manager}")
        return True

    def join(self, night: Night, today: date) -> bool:
        if not self.joiners:
            return False
        person = self.joiners.pop(0)
        manager = self.rng.choice(sorted(self.roster.managers))
        self.roster.people[person.email] = Person(
            person.email, person.name, person.timezone, person.country, manager
        )
        night.events.append(f"{person.email} joined, reporting to {manager}")
        return True

    def leave(self, night: Night, today: date) -> bool:
        person = self._pick(self._reports())
        if person is None or len(self._reports()) <= 3:
            return False
        del self.roster.people[person.email]
        night.events.append(f"{person.email} left the organisation")
        return True

    def manager_leaves(self, night: Night) -> bool:
        if ANA.email not in self.roster.managers:
            return False
        self.roster.managers.remove(ANA.email)
        del self.roster.people[ANA.email]
        for person in self.roster.reports_of(ANA.email):
            manager = self.rng.choice([KARIN.email, MIKE.email])
            self.roster.update(person.email, manager=manager)
            night.events.append(f"{person.email} now reports to {manager}")
        night.events.append(f"{ANA.email}, a manager, left the organisation")
        return True

    def _upcoming(self, night: Night, days: tuple[int, int]) -> list[Meeting]:
        lower = night.now + timedelta(days=days[0])
        upper = night.now + timedelta(days=days[1])
        meetings = []
        for manager in sorted(self.roster.managers):
            meetings += self.calendars.checkins(manager, lower, upper)
        return sorted(meetings, key=lambda m: (m.start, m.uid, m.attendee))

    def decline(self, night: Night, today: date) -> None:
        series = [m for m in self._upcoming(night, (1, 28)) if m.recurring]
        if not series:
            return
        chosen = self.rng.choice(series)
        zone = self.roster.people[chosen.organizer].timezone
        # what is declined is the series' weekly time, kept on the organiser's wall clock;
        # single dates moved off it say nothing about it
        first, end = self.calendars.decline(chosen.organizer, chosen.uid, chosen.attendee)
        local = first.astimezone(ZoneInfo(zone))
        weekday, start = local.weekday(), local.hour * 60 + local.minute
        minutes = int((end - first) / timedelta(minutes=1))
        night.events.append(f"{chosen.attendee} declined series {chosen.uid[:8]} ({chosen.pair})")
        self._avoid(
            night, chosen.pair, weekday, start, minutes, zone, f"{chosen.attendee} declined"
        )

    def _avoid(
        self,
        night: Night,
        pair: tuple[str, str],
        weekday: int,
        start: int,
        minutes: int,
        zone: str,
        why: str,
    ) -> None:
        known = [r["id"] for r in self.records("--state", "all")]
        avoid = check.Avoid(pair, weekday, start, minutes, zone, max(known, default=0), why)
        self.avoids.append((night.number + 7 * AVOID_WEEKS, avoid))

    def meeting_on_a_checkin(self, night: Night, today: date) -> None:
        upcoming = self._upcoming(night, (2, 21))
        if not upcoming:
            return
        chosen = self.rng.choice(upcoming)
        whose = self.rng.choice(chosen.pair)
        start, end = chosen.start - timedelta(minutes=15), chosen.end + timedelta(minutes=15)
        self.calendars.add_meeting(whose, start, end)
        night.events.append(f"{whose} got a meeting over the check-in at {chosen.start:%F %H:%M}Z")

    def vacation(self, night: Night, today: date) -> None:
        person = self._pick(self._reports())
        if person is None:
            return
        first = today + timedelta(days=self.rng.randrange(7, 21))
        first -= timedelta(days=first.weekday())  # a Monday
        zone = ZoneInfo(person.timezone)
        start = datetime(first.year, first.month, first.day, tzinfo=zone)
        self.calendars.add_time_off(person.email, start, start + timedelta(days=7))
        night.events.append(f"{person.email} is away the week of {first}")

    def request(self, night: Night, today: date) -> None:
        person = self._pick([p for p in self._reports() if p.manager in self.roster.managers])
        if person is None:
            return
        result = self.cli(
            "request",
            person.email,
            "--within-days",
            "5",
            "--reason",
            "a question",
            "--now",
            night.now.isoformat(),
        )
        night.events.append(f"{person.email} asked for a check-in (exit {result.code})")

    # ----------------------------------------------------------------- managers decide

    def managers_decide(self, night: Night) -> None:
        for manager in sorted(self.roster.managers):
            if self.rng.random() >= 0.5:
                continue
            pending = [
                r
                for r in self.records("--manager", manager, "--state", "pending")
                if r["state"] == "pending"
            ]
            approve = []
            for record in pending:
                if record["kind"] == "regular" and self.rng.random() < 0.15:
                    self.reject(night, record)
                else:
                    approve.append(str(record["id"]))
            if approve:
                result = self.cli("approve", *approve)
                night.events.append(f"{manager} approved {', '.join(approve)}")
                if result.code not in (0, 1):
                    self.fail(f"approve exited {result.code}:\n{result.text}")

    def reject(self, night: Night, record: dict[str, Any]) -> None:
        result = self.cli("reject", str(record["id"]), "--reason", "not that time")
        if result.code != 0:
            self.fail(f"reject exited {result.code}:\n{result.text}")
        first = datetime.fromisoformat(record["occurrences"][0]["original_start"])
        pair = (record["manager"], record["employee"])
        zone = record["timezone"]
        local = first.astimezone(ZoneInfo(zone))
        self._avoid(
            night,
            pair,
            local.weekday(),
            local.hour * 60 + local.minute,
            record["duration_minutes"],
            zone,
            f"{pair[0]} rejected (#{record['id']})",
        )
        night.events.append(f"{pair[0]} rejected #{record['id']} ({local:%a %H:%M} {zone})")

    # ----------------------------------------------------------------- after every night

    def verify(self, night: Night) -> None:
        lower, upper = window(night.now, HORIZON_WEEKS)
        calendar: list[Meeting] = []
        self.organisers.update(self.roster.managers)
        # a manager who left keeps her calendar: what is left in it counts too
        for manager in sorted(self.organisers):
            calendar += self.calendars.checkins(manager, lower, upper)
        files = exported(self.root / "data" / "export", lower, upper)
        exports = [m for meetings in files.values() for m in meetings]
        records = self.records("--state", "all")
        problems: list[tuple[str, str]] = []
        everyone = list(self.roster.people)
        after = night.now + timedelta(days=1)
        for name, shown in (("calendars", calendar), ("exports", exports)):
            for kind, lines in (
                ("two at once", check.pair_doubles(shown)),
                ("overlap", check.person_overlaps(shown, everyone)),
                ("vanished pair", check.vanished_pairs(shown, self.roster)),
                ("two live series", check.live_series(shown)),
                ("working time", check.working_time(shown, self.roster, after)),
            ):
                problems += [(kind, f"[{name}] {line}") for line in lines]
        store = check.store_meetings(records, lower, upper)
        problems += [("store", line) for line in check.calendars_match(calendar, store, exports)]
        problems += [
            ("repeated time", line) for line in check.avoided(records, [a for _, a in self.avoids])
        ]
        if not problems:
            return
        if not self.keep_going:
            self.fail("\n".join(line for _, line in problems[:20]))
        for kind, line in problems:
            self.found.setdefault(kind, (night.number, line))

    def summary(self) -> None:
        """With keep_going: every kind of violation seen, with the first night it showed."""
        if self.found:
            lines = [
                f"  {kind}: first on night {number}: {line}"
                for kind, (number, line) in sorted(self.found.items(), key=lambda i: i[1][0])
            ]
            raise SimulationFailed(
                f"year simulation, {self.calendars.kind}, seed {self.seed}, {self.nights} "
                "nights; violations by kind:\n" + "\n".join(lines)
            )

    def fail(self, message: str) -> None:
        night = self.history[-1] if self.history else Night(0, FIRST_NIGHT)
        recent = [
            f"  night {n.number} ({n.now:%a %Y-%m-%d}): {event}"
            for n in self.history[-8:]
            for event in n.events
        ]
        raise SimulationFailed(
            f"year simulation, {self.calendars.kind}, seed {self.seed}: night {night.number} "
            f"({night.now:%a %Y-%m-%d}) failed.\n{message}\n"
            f"what happened in the nights before:\n" + "\n".join(recent) + "\n"
            f"replay: .venv/bin/python -m pytest tests/end_to_end/test_year_simulation.py "
            f"--sim-seed {self.seed} --sim-nights {self.nights}"
        )
