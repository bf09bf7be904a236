"""One benchmark at one organisation size: emulators up, org seeded, three nights measured,
the planner timed alone, plan quality compared with the baselines."""

from __future__ import annotations

import gc
import json
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import minimums, optimum
from bench.baselines import each_earliest, first_free_two
from bench.config import set_cadence, write_config, write_settings
from bench.org import Block, Org, generate
from bench.quality import Calendars, Checkin, Plan, evaluate, upper_bounds
from bench.seeding import ServerCost, add_blocks, by_kind, seed
from bench.service import Measured, proposals, run_night
from bench.startup import startup
from bench.versus import pair_terms, run_planner
from tests.emulators import DEFAULT_TENANT, GoogleCalendarEmulator, GraphEmulator
from tests.emulators.google import _route as google_route
from tests.emulators.graph import _route as graph_route
from tests.emulators.graph_batch import BATCH_PATH as GRAPH_BATCH_PATH

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
"""A Monday night; the horizon crosses both the US and the EU daylight-saving changes."""
CHURN_CADENCE = 0.05
CHURN_DECLINES = 0.05
CHURN_CONFLICTS = 0.10
CADENCES = ("weekly", "biweekly", "every 3 weeks", "monthly")
REPORT_LISTS = (
    *("proposed", "booked", "superseded", "cancelled", "skipped", "write_failures"),
    *("declined", "kept_up"),
)


@dataclass
class Part:
    """One measured step of a night."""

    name: str
    measured: Measured | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)
    round_trips: dict[str, int] = field(default_factory=dict)
    """HTTP round trips to each provider's API: a batch is one, however many calls it
    carries; token requests are not counted."""
    server_cpu: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.measured is not None:
            out |= self.measured.as_dict()
            report = self.measured.report or {}
            out["report_requests"] = report.get("requests", {})
            out["report_counts"] = {key: len(report.get(key, [])) for key in REPORT_LISTS}
        else:
            out |= {
                "wall_seconds": round(self.seconds, 2),
                "cpu_seconds": round(self.cpu_seconds, 2),
            }
        out["requests"] = self.requests
        out["round_trips"] = self.round_trips
        out["emulator_cpu"] = self.server_cpu
        return out


class Bench:
    def __init__(
        self,
        size: int,
        seed: int,
        latency: float,
        folder: Path,
        profile: bool = False,
        say: Callable[[str], None] = print,
    ) -> None:
        self.size = size
        self.seed = seed
        self.latency = latency
        self.folder = folder
        self.profile = profile
        self.say = say
        self.cost = ServerCost()
        self.log = folder / "service.log"

    # ------------------------------------------------------------------ set-up

    def run(self, cold_only: bool = False) -> dict[str, Any]:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        started = time.perf_counter()
        self.org = generate(self.size, self.seed, NOW)
        result: dict[str, Any] = {
            "size": len(self.org.people),
            "requested_size": self.size,
            "seed": self.seed,
            "latency_seconds": self.latency,
            "now": NOW.isoformat(),
            "org": _org_facts(self.org),
            "generate_seconds": round(time.perf_counter() - started, 2),
        }
        self.say(f"N={self.size}: {result['org']}")
        google = GoogleCalendarEmulator(latency=self.latency)
        graph = GraphEmulator(latency=self.latency)
        google.handle = self.cost.wrap("google", google.handle, google_kind)  # type: ignore[method-assign]
        graph.handle = self.cost.wrap("graph", graph.handle, graph_kind)  # type: ignore[method-assign]
        google.start()
        graph.start()
        try:
            self.google, self.graph = google, graph
            started = time.perf_counter()
            seed(self.org, google, graph)
            result["seed_seconds"] = round(time.perf_counter() - started, 2)
            self.config = self.folder / "config"
            write_config(self.org, self.config)
            write_settings(
                self.org,
                self.config,
                google_endpoint=google.api_endpoint,
                google_key=google.service_account_info(),
                authority=graph.identity.authority(DEFAULT_TENANT),
                graph_endpoint=graph.base_url,
                ca_file=graph.identity.ca_file,
                tenant=DEFAULT_TENANT,
            )
            self.say(f"N={self.size}: seeded in {result['seed_seconds']} s; cold night")
            result["nights"] = {}
            result["nights"]["cold"] = self.cold_night()
            self.keep(result)
            if cold_only:
                return result
            self.say(f"N={self.size}: steady night ({_brief(result['nights']['cold'])})")
            result["nights"]["steady"] = self.night("steady", NOW + timedelta(days=1))
            self.keep(result)
            self.say(f"N={self.size}: churn night ({_brief(result['nights']['steady'])})")
            churn = self.churn(NOW + timedelta(days=2))
            result["nights"]["churn"] = self.night("churn", NOW + timedelta(days=2))
            result["nights"]["churn"]["changes"] = churn
            self.keep(result)
            self.say(f"N={self.size}: churn done ({_brief(result['nights']['churn'])})")
            result["startup"] = startup(self.config, self.log)
        finally:
            graph.stop()
            google.stop()
        # The emulators hold every calendar of the organisation; the planner is timed in
        # this process, where walking that heap would add the collector's time to its own.
        del self.google, self.graph, google, graph
        gc.collect()
        self.say(f"N={self.size}: planner alone")
        result["planner"] = self.planner_alone()
        self.say(f"N={self.size}: plan quality")
        result["quality"] = self.quality()
        result["optimum"] = self.optimum
        return result

    def keep(self, result: dict[str, Any]) -> None:
        """What is measured so far, in case a long run is stopped before the end."""
        (self.folder / "partial.json").write_text(json.dumps(result, indent=2) + "\n")

    # ------------------------------------------------------------------ nights

    def take_round_trips(self) -> dict[str, int]:
        """Read before take_requests, which clears the logs."""
        return {"google": self.google.round_trips(), "graph": self.graph.round_trips()}

    def take_requests(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind, n in by_kind(self.google.requests).items():
            counts[f"google {kind}"] = n
        for kind, n in by_kind(self.graph.requests).items():
            counts[f"graph {kind}"] = n
        for kind, n in by_kind(self.graph.identity.requests).items():
            counts[f"identity {kind}"] = n
        self.google.clear_log()
        self.graph.clear_log()
        self.graph.identity.clear_log()
        return counts

    def service_part(self, name: str, now: datetime, tag: str) -> Part:
        self.take_requests()
        self.cost.take()
        report = self.folder / f"report-{tag}-{name}.json"
        profile = self.folder / f"profile-{tag}-{name}.prof" if self.profile else None
        measured = run_night(self.config, now.isoformat(), self.log, report, profile)
        trips = self.take_round_trips()
        part = Part(
            name,
            measured,
            requests=self.take_requests(),
            round_trips=trips,
            server_cpu=self.cost.take(),
        )
        if measured.exit_code not in (0, 1):
            self.say(f"  {tag}/{name}: checkin-sync exited {measured.exit_code}; see {self.log}")
        return part

    def cold_night(self) -> dict[str, Any]:
        before: list[dict[str, Any]] = []
        plan = self.service_part("plan", NOW, "cold")
        approve = self.approve_all()
        book = self.service_part("book", NOW, "cold")
        self.snapshot = self.cold = proposals(self.config, self.log)
        # what the night booked, kept to compare runs of the service (see README)
        (self.folder / "cold-proposals.json").write_text(json.dumps(self.cold, indent=1) + "\n")
        shutil.copy(self.config / "people.toml", self.config / "people.toml.cold")
        parts = [plan, approve, book]
        minimum = minimums.night(self.org, before, self.snapshot, fresh=True, booked_before=[])
        return _summary(parts, minimum)

    def night(self, tag: str, now: datetime) -> dict[str, Any]:
        before = self.snapshot
        part = self.service_part("run", now, tag)
        self.snapshot = proposals(self.config, self.log)
        minimum = minimums.night(self.org, before, self.snapshot, fresh=False, booked_before=before)
        return _summary([part], minimum)

    def approve_all(self) -> Part:
        """Every pending proposal approved, as managers would, through sync.night.workflow."""
        from sync.config.roster import load_roster
        from sync.night.workflow import approve
        from sync.store import State, Store

        started, cpu = time.perf_counter(), time.process_time()
        store = Store.open(self.config / "data" / "state.sqlite")
        try:
            pending = [r.id for r in store.proposals(states=[State.PENDING])]
            roster = load_roster(self.config / "people.toml")
            approve(store, pending, "bench", roster=roster)
        finally:
            store.close()
        part = Part("approve", seconds=time.perf_counter() - started)
        part.cpu_seconds = time.process_time() - cpu
        part.requests = {"approved proposals": len(pending)}
        return part

    # ------------------------------------------------------------------ churn

    def churn(self, now: datetime) -> dict[str, int]:
        """5% of people change cadence, 5% of booked series are declined, 10% of people get
        a new meeting on top of one of their upcoming check-ins."""
        rng = random.Random(self.seed * 7919 + 1)
        employees = sorted(p.email for p in self.org.people.values() if p.manager)
        people_path = self.config / "people.toml"
        text = people_path.read_text()
        changed = rng.sample(employees, max(1, int(len(employees) * CHURN_CADENCE)))
        for email in changed:
            person = self.org.people[email]
            choices = [c for c in CADENCES if c != person.cadence]
            person.cadence = rng.choice(choices)
            text = set_cadence(text, email, person.cadence)
        people_path.write_text(text)
        booked = [
            p
            for p in self.snapshot
            if p.get("series", {}).get("state") == "booked"
            and p["series"]["calendar"] in ("google", "outlook")
            and p["kind"] == "regular"
        ]
        declined = rng.sample(booked, min(len(booked), int(len(booked) * CHURN_DECLINES)))
        for proposal in declined:
            self.decline(proposal)
        earliest = now + timedelta(hours=self.org.min_notice_hours)
        upcoming: dict[str, list[tuple[datetime, datetime]]] = {}
        for proposal in self.snapshot:
            if proposal.get("series", {}).get("state") != "booked":
                continue
            for occurrence in proposal["occurrences"]:
                if occurrence["status"] == "skipped":
                    continue
                start = datetime.fromisoformat(occurrence["start"])
                if start >= earliest:
                    for email in (proposal["manager"], proposal["employee"]):
                        upcoming.setdefault(email, []).append(
                            (start, datetime.fromisoformat(occurrence["end"]))
                        )
        people = sorted(upcoming)
        conflicted = rng.sample(
            people, min(len(people), int(len(self.org.people) * CHURN_CONFLICTS))
        )
        for email in conflicted:
            start, end = rng.choice(sorted(upcoming[email]))
            person = self.org.people[email]
            local = start.astimezone(person.tz).replace(tzinfo=None)
            block = Block(local, int((end - start).total_seconds() // 60))
            person.blocks.append(block)
            if person.calendar.startswith("ics:"):
                from bench.config import ics_calendar

                (self.config / person.calendar[4:]).write_text(ics_calendar(person))
            else:
                add_blocks(person, [block], self.google, self.graph)
        return {
            "cadence_changed": len(changed),
            "series_declined": len(declined),
            "people_with_new_conflicts": len(conflicted),
        }

    def decline(self, proposal: dict[str, Any]) -> None:
        manager, employee, uid = proposal["manager"], proposal["employee"], proposal["uid"]
        if proposal["series"]["calendar"] == "google":
            self.google.decline(manager, uid.split("@", 1)[0], employee)
            return
        for event in self.graph.events(manager):
            props = event.get("singleValueExtendedProperties") or []
            if any(p.get("value") == uid for p in props):
                self.graph.decline(manager, event["id"], employee)
                return

    # ------------------------------------------------------------------ planner alone

    def planner_alone(self) -> dict[str, Any]:
        """`sync.planner.plan` on every pair of the org, in-process, with busy time from the
        generator: the pure planner's own cost."""
        from sync.config.roster import load_roster

        run = run_planner(self.org, load_roster(self.config / "people.toml"), NOW)
        self.planned = run.outcomes
        return {
            "pairs": run.pairs,
            "wall_seconds": round(run.wall_seconds, 2),
            "cpu_seconds": round(run.cpu_seconds, 2),
            "seconds_per_1000_pairs": round(run.wall_seconds / max(run.pairs, 1) * 1000, 3),
            "failures": sum(1 for o in run.outcomes if not hasattr(o, "occurrences")),
        }

    # ------------------------------------------------------------------ quality

    def quality(self) -> dict[str, Any]:
        from sync.config.roster import load_roster

        # the cold night's plan is judged on the calendars it was made from: churn added
        # meetings since, so the org is generated again from the seed
        org = generate(self.size, self.seed, NOW)
        roster = load_roster(self.config / "people.toml.cold")
        terms = pair_terms(roster)
        calendars = Calendars(org)
        started = time.perf_counter()
        bounds = upper_bounds(calendars, terms)
        ours = Plan("checkin-sync")
        for proposal in self.cold:
            series = proposal.get("series") or {}
            if series.get("state") != "booked" or proposal["kind"] != "regular":
                continue
            pair = (proposal["manager"], proposal["employee"])
            ours.checkins[pair] = [
                Checkin(
                    _ts(o["original_start"]),
                    None if o["status"] == "skipped" else _ts(o["start"]),
                    int(proposal["duration_minutes"]),
                )
                for o in proposal["occurrences"]
            ]
        plans = [ours, first_free_two(calendars, terms), each_earliest(calendars, terms)]
        out: dict[str, Any] = {}
        for item in plans:
            out[item.name] = evaluate(item, calendars, terms, bounds).as_dict()
        out["seconds"] = round(time.perf_counter() - started, 2)
        self.say(f"N={self.size}: exact optimum")
        best = optimum.best(calendars, terms)
        self.optimum = best.as_dict() | {"size": len(org.people)}
        for item in plans:
            share = out[item.name]["placed_free"] / max(best.placed, 1)
            out[item.name]["placed_vs_optimum"] = round(share, 4)
        return out


def _brief(night: dict[str, Any]) -> str:
    return (
        f"{night['wall_seconds']} s wall, {night['cpu_seconds']} s CPU, "
        f"{night['peak_rss_mb']} MB, {night['api_requests']} requests"
    )


def _ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def google_kind(method: str, path: str, *_: Any) -> str:
    return google_route(method, urlsplit(path).path)[0]


def graph_kind(method: str, path: str, *_: Any) -> str:
    if urlsplit(path).path == GRAPH_BATCH_PATH:
        return "batch"
    try:
        return graph_route(method, urlsplit(path).path)[0]
    except Exception:
        return "unknown"


def _org_facts(org: Org) -> dict[str, Any]:
    calendars = Counter(p.calendar.split(":")[0] for p in org.people.values())
    cadences = Counter(p.cadence or "by rule" for p in org.people.values() if p.manager)
    reports = [len(m.reports) for m in org.managers()]
    return {
        "people": len(org.people),
        "pairs": len(org.pairs()),
        "managers": len(reports),
        "reports_per_manager": f"{min(reports)}-{max(reports)}",
        "zones": len({p.zone for p in org.people.values()}),
        "calendars": dict(sorted(calendars.items())),
        "own_cadences": dict(sorted(cadences.items())),
        "calendar_entries": sum(len(p.blocks) for p in org.people.values()),
    }


def _summary(parts: list[Part], minimum: dict[str, Any]) -> dict[str, Any]:
    requests: Counter[str] = Counter()
    for part in parts:
        for kind, n in part.requests.items():
            if kind.startswith(("google", "graph", "identity")):
                requests[kind] += n
    # a batch's envelope is a round trip, not an API call: the calls inside it are counted
    api = sum(
        n
        for kind, n in requests.items()
        if not kind.endswith((" token", " batch")) and "identity" not in kind
    )
    trips = sum(n for part in parts for n in part.round_trips.values())
    tokens = sum(n for kind, n in requests.items() if kind.endswith(" token") or "identity" in kind)
    measured = [p.measured for p in parts if p.measured is not None]
    return {
        "wall_seconds": round(
            sum(p.measured.wall_seconds if p.measured else p.seconds for p in parts), 2
        ),
        "cpu_seconds": round(
            sum(p.measured.cpu_seconds if p.measured else p.cpu_seconds for p in parts), 2
        ),
        "peak_rss_mb": round(max((m.peak_rss_mb for m in measured), default=0.0), 1),
        "requests": dict(sorted(requests.items())),
        "api_requests": api,
        "token_requests": tokens,
        "minimum": minimum,
        "api_vs_minimum": round(api / max(minimum["total"], 1), 2),
        "round_trips": trips,
        "round_trips_vs_batched_minimum": round(trips / max(minimum["round_trips"], 1), 2),
        "parts": [p.as_dict() for p in parts],
    }
