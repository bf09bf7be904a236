"""`python -m bench [--sizes 1000 10000] [--seed 7] [--latency 0.05] [--profile]`

Runs the benchmark at each size, prints every number with the targets, and writes the
results as JSON to bench/results/<time>-N<size>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.nights import Bench
from bench.output import render, render_nights
from bench.per_person import growth_table, memory_growth_line, per_person

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument(
        "--profile", action="store_true", help="run the service under cProfile (slower)"
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="measure only the cold night (plan + approve + book) and stop there",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    done: list[dict[str, Any]] = []
    for size in args.sizes:
        started = time.perf_counter()
        work = args.out / "work" / f"N{size}"

        def say(text: str, started: float = started) -> None:
            print(f"[{time.perf_counter() - started:7.1f} s] {text}", file=sys.stderr, flush=True)

        bench = Bench(size, args.seed, args.latency, work, args.profile, say)
        result = bench.run(cold_only=args.cold_only)
        result["bench_seconds"] = round(time.perf_counter() - started, 1)
        result["profiled"] = args.profile
        result["per_person"] = {
            name: per_person(night, result["size"]) for name, night in result["nights"].items()
        }
        done.append(result)
        path = args.out / f"{stamp}-N{size}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(render(result) if not args.cold_only else render_nights(result))
        print(f"results: {path}\n", flush=True)
    print(growth_table(done))
    print(memory_growth_line(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
