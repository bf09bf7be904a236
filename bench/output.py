"""The benchmark's results as text, with whether each target holds (nothing is asserted)."""

from __future__ import annotations

from typing import Any

from bench.per_person import per_person, per_person_line
from bench.startup import startup_lines, startup_targets

TARGET_SIZE = 10_000
COLD_SECONDS = 120
STEADY_SECONDS = 10
STEADY_CPU_MS_PER_PERSON = 2.0
PEAK_RSS_MB = 1024
STEADY_REQUEST_FACTOR = 1.2
PLANNER_SECONDS_PER_1000 = 1.0
PLACED_VS_UPPER = 0.99
PLACED_VS_OPTIMUM = 0.995


def _verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def render_nights(result: dict[str, Any]) -> str:
    """The heading and the nights measured (all of `render` for a `--cold-only` run)."""
    size = result["size"]
    profiled = ", PROFILED: times include cProfile's overhead" if result.get("profiled") else ""
    lines = [
        f"== checkin-sync bench: N = {size} people (seed {result['seed']}, "
        f"{result['latency_seconds'] * 1000:.0f} ms per request{profiled})",
        f"org: {result['org']}",
        f"generate {result['generate_seconds']} s, seed emulators {result['seed_seconds']} s",
        "",
    ]
    return "\n".join(lines + night_lines(result))


def night_lines(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    lines: list[str] = []
    for name, night in result["nights"].items():
        lines.append(
            f"-- {name} night: wall {night['wall_seconds']} s, CPU {night['cpu_seconds']} s, "
            f"peak RSS {night['peak_rss_mb']} MB"
        )
        for part in night["parts"]:
            extra = ""
            if "exit_code" in part:
                extra = f", peak RSS {part['peak_rss_mb']} MB, exit {part['exit_code']}"
                extra += f", report requests {part.get('report_requests')}"
            lines.append(
                f"   {part['name']:8} wall {part['wall_seconds']:8.2f} s  CPU "
                f"{part['cpu_seconds']:8.2f} s{extra}"
            )
            if part.get("report_counts"):
                counts = {k: v for k, v in part["report_counts"].items() if v}
                lines.append(f"            report: {counts}")
            cpu = part.get("emulator_cpu") or {}
            if cpu:
                costly = sorted(cpu.items(), key=lambda kv: -kv[1]["cpu_seconds"])[:4]
                text = ", ".join(
                    f"{k} {v['cpu_ms_per_request']} ms×{v['requests']}" for k, v in costly
                )
                lines.append(f"            emulator CPU per request: {text}")
        lines.append(f"   requests by kind: {night['requests']}")
        lines.append(
            f"   API requests {night['api_requests']} (+{night['token_requests']} token) "
            f"vs minimum "
            f"{night['minimum']['total']} = {night['api_vs_minimum']}×; minimum: "
            f"{night['minimum']['parts']}"
        )
        if "round_trips" in night:
            lines.append(
                f"   HTTP round trips {night['round_trips']} vs batched minimum "
                f"{night['minimum']['round_trips']} = {night['round_trips_vs_batched_minimum']}×"
            )
        else:
            lines.append("   HTTP round trips: not in these results (run before they were counted)")
        lines.append(per_person_line(per_person(night, size)))
        if "changes" in night:
            lines.append(f"   churn applied: {night['changes']}")
        lines.append("")
    return lines


def render(result: dict[str, Any]) -> str:
    lines = render_nights(result).split("\n")
    planner = result["planner"]
    lines.append(
        f"-- planner alone: {planner['pairs']} pairs in {planner['wall_seconds']} s "
        f"(CPU {planner['cpu_seconds']} s) = {planner['seconds_per_1000_pairs']} s per 1,000 "
        f"pairs; {planner['failures']} pairs without a slot"
    )
    lines.append("")
    lines.append("-- plan quality on the cold night's calendars")
    quality = result["quality"]
    plans = [k for k in quality if k != "seconds"]
    metrics = [
        ("due check-ins", "due"),
        ("placed at a truly free time", "placed_free_share"),
        ("at the series' regular slot", "regular_share"),
        ("collisions with busy time", "collisions_with_busy"),
        ("outside working hours", "outside_working_hours"),
        ("double-booked", "double_booked"),
        ("manager days over the cap", "manager_days_over_cap"),
        ("upper bound (a free slot existed)", "upper_bound_share"),
        ("placed / upper bound", "placed_vs_upper_bound"),
        ("placed / exact optimum", "placed_vs_optimum"),
    ]
    width = max(len(p) for p in plans) + 2
    lines.append(" " * 36 + "".join(p.rjust(width) for p in plans))
    for label, key in metrics:
        lines.append(f"   {label:33}" + "".join(str(quality[p][key]).rjust(width) for p in plans))
    best = result["optimum"]
    lines.append(
        f"   exact optimum: {best['placed']} due check-ins at once "
        f"({'proven' if best['proven'] else 'HiGHS bound, not proven'}; solved for "
        f"N = {best['size']}, {optimum_scope(best)}; {best['variables']} variables, "
        f"{best['seconds']} s)"
    )
    lines.append("")
    lines.append("-- start-up, with this organisation's store")
    if "startup" in result:  # results from before start-up was timed have none
        lines += startup_lines(result["startup"])
    lines.append("")
    lines += targets(result)
    return "\n".join(lines)


def per_person_kinds(night: dict[str, Any]) -> list[str]:
    """Request kinds that scale with people or series where one call per organiser (or per
    batch) would do: anything beyond the minimum's reads that outnumbers the organisers."""
    parts = night["minimum"]["parts"]
    listings = sum(v for k, v in parts.items() if "listings" in k)
    allowed = {
        "google freebusy.query": parts["google freeBusy"],
        "graph getSchedule": parts["graph getSchedule"],
        "google events.list": parts["google out-of-office events.list"] + listings,
    }
    flagged = []
    for kind, count in night["requests"].items():
        if kind.endswith("token") or kind.startswith("identity"):
            continue
        if kind in ("google events.insert", "graph events.create", "google events.patch"):
            continue  # writes: one per change is the minimum
        if kind in ("graph events.patch", "google events.delete", "graph events.delete"):
            continue
        if count > max(allowed.get(kind, listings), 1) * 1.2:
            flagged.append(f"{kind} ×{count}")
    return flagged


def targets(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    nights = result["nights"]
    quality = result["quality"]
    ours = quality["checkin-sync"]
    baselines = [v for k, v in quality.items() if k not in ("checkin-sync", "seconds")]
    scale = "" if size >= TARGET_SIZE else f" (the target is for N = {TARGET_SIZE:,})"
    steady = nights["steady"]
    steady_cpu_ms = steady["cpu_seconds"] * 1000 / max(size, 1)
    # results from before round trips were counted have none: no verdict on them
    round_trips = (
        [
            (
                f"steady round trips ≤ {STEADY_REQUEST_FACTOR} × batched minimum",
                steady["round_trips_vs_batched_minimum"] <= STEADY_REQUEST_FACTOR,
                f"{steady['round_trips']} vs {steady['minimum']['round_trips']}",
            )
        ]
        if "round_trips" in steady
        else []
    )
    rows = [
        (
            f"cold night ≤ {COLD_SECONDS} s{scale}",
            nights["cold"]["wall_seconds"] <= COLD_SECONDS,
            f"{nights['cold']['wall_seconds']} s",
        ),
        (
            f"steady night ≤ {STEADY_SECONDS} s{scale}",
            steady["wall_seconds"] <= STEADY_SECONDS,
            f"{steady['wall_seconds']} s",
        ),
        (
            f"steady night CPU ≤ {STEADY_CPU_MS_PER_PERSON:g} ms per person",
            steady_cpu_ms <= STEADY_CPU_MS_PER_PERSON,
            f"{steady_cpu_ms:.1f} ms",
        ),
        (
            f"peak RSS ≤ {PEAK_RSS_MB} MB",
            max(n["peak_rss_mb"] for n in nights.values()) <= PEAK_RSS_MB,
            f"{max(n['peak_rss_mb'] for n in nights.values())} MB",
        ),
        (
            f"steady requests ≤ {STEADY_REQUEST_FACTOR} × minimum",
            steady["api_vs_minimum"] <= STEADY_REQUEST_FACTOR,
            f"{steady['api_requests']} vs {steady['minimum']['total']}",
        ),
        *round_trips,
        (
            "no per-person request where a batched call exists",
            not per_person_kinds(steady),
            ", ".join(per_person_kinds(steady)) or "none",
        ),
        (
            f"planner ≤ {PLANNER_SECONDS_PER_1000} s per 1,000 pairs",
            result["planner"]["seconds_per_1000_pairs"] <= PLANNER_SECONDS_PER_1000,
            f"{result['planner']['seconds_per_1000_pairs']} s",
        ),
        (
            "no placed check-in collides with busy time",
            ours["collisions_with_busy"] == 0,
            str(ours["collisions_with_busy"]),
        ),
        (
            "manager caps never exceeded",
            ours["manager_days_over_cap"] == 0,
            str(ours["manager_days_over_cap"]),
        ),
        (
            f"placed share ≥ {PLACED_VS_UPPER:.0%} of the upper bound",
            ours["placed_vs_upper_bound"] >= PLACED_VS_UPPER,
            f"{ours['placed_vs_upper_bound']:.2%}",
        ),
        (
            f"placed / exact optimum ≥ {PLACED_VS_OPTIMUM:.1%} (N = {result['optimum']['size']})",
            ours["placed_vs_optimum"] >= PLACED_VS_OPTIMUM,
            f"{ours['placed_vs_optimum']:.2%} ({ours['placed_free']} of "
            f"{result['optimum']['placed']}, {scope_name(result['optimum'])})",
        ),
        (
            "regular-slot share above both baselines",
            all(ours["regular_share"] > b["regular_share"] for b in baselines),
            f"{ours['regular_share']:.2%} vs "
            + ", ".join(f"{b['regular_share']:.2%}" for b in baselines),
        ),
    ]
    if "startup" in result:
        rows += startup_targets(result["startup"])
    out = ["-- targets (printed, not asserted)"]
    for label, ok, value in rows:
        out.append(f"   {_verdict(ok):7} {label}: {value}")
    return out


def scope_name(best: dict[str, Any]) -> str:
    """ "organisation", "clusters of subtrees (k links relaxed)" or "per team"."""
    if best["scope"] == "clusters of subtrees":
        return f"clusters of subtrees ({best['relaxed_links']} links relaxed)"
    return str(best["scope"])


def optimum_scope(best: dict[str, Any]) -> str:
    """Which program the optimum's figure comes from, and whether it is exact."""
    if best["scope"] == "organisation":
        return "the whole organisation: the exact optimum"
    programs = best.get("programs", best["teams"])  # results from before clusters had none
    if best["scope"] == "per team":
        return f"per team, {programs} teams: an upper bound of the optimum"
    return (
        f"{scope_name(best)}, {programs} programs, the slowest "
        f"{best['slowest_program_seconds']} s: an upper bound of the optimum"
    )
