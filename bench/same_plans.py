"""Whether a change to the planner leaves every plan as it was, byte for byte.

Work on the planner's speed must not change a single plan: not a time, a moved date, a
reason, an explanation or an alternative shown to the manager. Two checks, run before and
after a change and compared:

- `python -m bench.same_plans --sizes 300 1000 [--seed 7]` plans the bench organisation
  (as `bench.versus` does) and prints a digest of everything `plan` answered.
- `python -m pytest tests/planner -p bench.same_plans --plans-digest FILE -p no:randomly
  --hypothesis-seed 0` writes, for every planner call the tests make (`plan`, `maintain`,
  `plan_one_offs`), the test, the call's number in it and a digest of its answer, one a
  line as the calls happen, to FILE; `diff` two such files (of a run cut short, as far as
  it got).

The digest is of `repr`: the dataclasses print every field, datetimes with their zone,
and sentences (`Said`) with their message and values.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

Call = TypeVar("Call", bound=Callable[..., Any])


def digest(answer: object) -> str:
    return hashlib.sha256(repr(answer).encode()).hexdigest()


def bench_digest(size: int, seed: int) -> tuple[str, int, float]:
    """The digest of the bench organisation's plans, the pairs planned and the CPU seconds."""
    from bench.config import write_config
    from bench.nights import NOW
    from bench.org import generate
    from bench.versus import run_planner
    from sync.config.roster import load_roster

    org = generate(size, seed, NOW)
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    run = run_planner(org, roster, NOW)
    return digest(run.outcomes), run.pairs, run.cpu_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.same_plans", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    for size in args.sizes:
        found, pairs, cpu = bench_digest(size, args.seed)
        print(f"N = {size}, seed {args.seed}: {pairs} pairs, CPU {cpu:.2f} s, plans {found}")
    return 0


# ---------------------------------------------------------------------- the pytest plugin


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--plans-digest", help="write a digest of every planner answer here")


def pytest_configure(config: pytest.Config) -> None:
    target = config.getoption("--plans-digest")
    if not target:
        return
    from sync.planner import maintain, one_off, solver

    # written as the calls happen, so that a run cut short still compares as far as it got
    Path(target).write_text("")
    counts: dict[str, int] = {}

    def recorded(name: str, call: Call) -> Call:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            answer = call(*args, **kwargs)
            test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
            counts[test] = counts.get(test, 0) + 1
            with Path(target).open("a", encoding="utf-8") as out:
                out.write(f"{test}\t{counts[test]}\t{name}\t{digest(answer)}\n")
            return answer

        return wrapper  # type: ignore[return-value]

    # late-bound names only: every caller, however it imported the planner, goes through them
    solver._Planner.plan_all = recorded("plan", solver._Planner.plan_all)  # type: ignore[method-assign]
    maintain._maintain_one = recorded("maintain", maintain._maintain_one)
    maintain.keep_one_off = recorded("keep_one_off", one_off.keep_one_off)  # type: ignore[attr-defined]
    one_off._place = recorded("one_off", one_off._place)


if __name__ == "__main__":
    started = time.process_time()
    code = main()
    print(f"({time.process_time() - started:.1f} s of CPU in all)", file=sys.stderr)
    sys.exit(code)
