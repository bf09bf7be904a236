"""What a night costs per person, and how that cost changes from one N to the next.

Dividing by the number of people makes sizes comparable: a cost that stays flat per person
scales linearly, one that grows per person is the part that stops one machine first.
"""

from __future__ import annotations

from typing import Any


def per_person(night: dict[str, Any], people: int) -> dict[str, float | None]:
    """CPU, provider calls, round trips and peak memory of one night, per person (round
    trips None in results from before they were counted)."""
    n = max(people, 1)
    trips = night.get("round_trips")
    return {
        "cpu_ms": round(night["cpu_seconds"] * 1000 / n, 2),
        "api_calls": round(night["api_requests"] / n, 3),
        "round_trips": None if trips is None else round(trips / n, 3),
        "peak_rss_kb": round(night["peak_rss_mb"] * 1024 / n, 1),
    }


def _shown(value: float | None) -> str:
    return "–" if value is None else str(value)


def per_person_line(cost: dict[str, float | None]) -> str:
    return (
        f"   per person: CPU {cost['cpu_ms']} ms, {cost['api_calls']} API calls, "
        f"{_shown(cost['round_trips'])} round trips, peak RSS {cost['peak_rss_kb']} kB"
    )


def growth_table(results: list[dict[str, Any]]) -> str:
    """One row per size and night, so a run over several sizes shows the growth at once."""
    lines = [
        "-- cost per person by N",
        f"   {'N':>7} {'night':8} {'CPU ms':>8} {'API calls':>10} {'round trips':>12} "
        f"{'peak RSS kB':>12}",
    ]
    for result in results:
        for name, night in result["nights"].items():
            cost = per_person(night, result["size"])
            lines.append(
                f"   {result['size']:>7} {name:8} {cost['cpu_ms']:>8} {cost['api_calls']:>10} "
                f"{_shown(cost['round_trips']):>12} {cost['peak_rss_kb']:>12}"
            )
    return "\n".join(lines)


FLAT_FROM, FLAT_TO = 10_000, 30_000
FLAT_TOLERANCE = 1.10  # "flat": three times the people, at most a tenth more memory


def _peak_mb(result: dict[str, Any]) -> float:
    return float(max(night["peak_rss_mb"] for night in result["nights"].values()))


def memory_growth_line(results: list[dict[str, Any]]) -> str:
    """The target that memory stops growing with the organisation: MET only when both
    N = 10,000 and N = 30,000 ran and the larger peak is within a tenth of the smaller;
    otherwise the growth between the sizes that did run, so the slope is still visible."""
    peaks = {result["size"]: _peak_mb(result) for result in results}
    label = f"peak RSS flat from N = {FLAT_FROM:,} to N = {FLAT_TO:,}"
    if FLAT_FROM in peaks and FLAT_TO in peaks:
        ok = peaks[FLAT_TO] <= peaks[FLAT_FROM] * FLAT_TOLERANCE
        shown = f"{peaks[FLAT_FROM]:.0f} → {peaks[FLAT_TO]:.0f} MB"
        return f"   {'MET' if ok else 'MISSED':7} {label}: {shown}"
    sizes = sorted(peaks)
    if len(sizes) < 2:
        return f"   MISSED  {label}: not measured (one size run: {sizes[0]:,})"
    low, high = sizes[0], sizes[-1]
    slope = (peaks[high] - peaks[low]) * 1000 / (high - low)
    return (
        f"   MISSED  {label}: not measured; from N = {low:,} to {high:,} "
        f"{peaks[low]:.0f} → {peaks[high]:.0f} MB, {slope:.0f} MB per 1,000 more people"
    )
