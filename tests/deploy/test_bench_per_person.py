"""The bench prints and records what a night costs per person, for every N it runs."""

from __future__ import annotations

from typing import Any

from bench.per_person import growth_table, memory_growth_line, per_person, per_person_line


def _night(cpu: float, api: int, trips: int, rss_mb: float) -> dict[str, Any]:
    return {"cpu_seconds": cpu, "api_requests": api, "round_trips": trips, "peak_rss_mb": rss_mb}


def test_a_nights_cost_is_divided_by_the_people_of_its_size() -> None:
    cost = per_person(_night(41.0, 702, 222, 500.0), 1000)
    assert cost == {"cpu_ms": 41.0, "api_calls": 0.702, "round_trips": 0.222, "peak_rss_kb": 512.0}
    assert per_person_line(cost) == (
        "   per person: CPU 41.0 ms, 0.702 API calls, 0.222 round trips, peak RSS 512.0 kB"
    )


def test_the_growth_table_has_a_row_per_size_and_night() -> None:
    results = [
        {"size": 1000, "nights": {"steady": _night(40.0, 700, 220, 600.0)}},
        {"size": 10000, "nights": {"steady": _night(800.0, 7000, 2200, 4500.0)}},
    ]
    rows = growth_table(results).splitlines()[2:]
    assert [row.split() for row in rows] == [
        ["1000", "steady", "40.0", "0.7", "0.22", "614.4"],
        ["10000", "steady", "80.0", "0.7", "0.22", "460.8"],
    ]


def _sized(size: int, *peaks_mb: float) -> dict[str, Any]:
    nights = {f"n{i}": _night(1.0, 1, 1, mb) for i, mb in enumerate(peaks_mb)}
    return {"size": size, "nights": nights}


def test_memory_is_flat_only_when_both_sizes_ran_and_the_larger_stays_within_a_tenth() -> None:
    flat = memory_growth_line([_sized(10_000, 700.0, 900.0), _sized(30_000, 950.0, 980.0)])
    assert flat.split()[0] == "MET" and "900 → 980 MB" in flat
    grows = memory_growth_line([_sized(10_000, 900.0), _sized(30_000, 1000.0)])
    assert grows.split()[0] == "MISSED" and "900 → 1000 MB" in grows


def test_without_both_sizes_memory_flatness_is_missed_and_the_slope_is_shown() -> None:
    line = memory_growth_line([_sized(1000, 600.0), _sized(3000, 1400.0)])
    assert line.split()[0] == "MISSED"
    assert "not measured" in line and "400 MB per 1,000 more people" in line
    assert "one size run: 1,000" in memory_growth_line([_sized(1000, 600.0)])
