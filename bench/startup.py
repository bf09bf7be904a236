"""How long `checkin-sync --help` and `checkin-sync proposals` take to answer.

`python -m bench.startup [--config DIR] [--runs 7]` measures them alone (default: a copy of
the demo organisation in config/, with an empty store); `python -m bench` measures them on
each size's organisation after its nights, with its proposals in the store. Each command
runs `--runs` times as a child process: the target is judged on the fastest run, the one
least delayed by whatever else the machine was doing (on a busy machine the median mostly
measures the wait for a core); the median wall and CPU times are printed beside it.

The service's modules are compiled first, as an installed service's are: where
PYTHONDONTWRITEBYTECODE is set (as on the bench's machine), a module changed since its
bytecode was last written is otherwise compiled again by every run, and the start-up
measured would include that.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.service import ROOT, service

STARTUP_SECONDS = 0.5
COMMANDS = {"--help": ["--help"], "proposals": ["proposals"]}
RUNS = 7


def startup(config: Path, log: Path, runs: int = RUNS) -> dict[str, Any]:
    """Per command: fastest and median wall seconds, median CPU seconds, exit codes."""
    compiled(ROOT / "sync")
    result: dict[str, Any] = {}
    for name, args in COMMANDS.items():
        measured = [service(config, args, log) for _ in range(runs)]
        walls = [m.wall_seconds for m in measured]
        result[name] = {
            "runs": runs,
            "best_wall_seconds": round(min(walls), 3),
            "median_wall_seconds": round(statistics.median(walls), 3),
            "median_cpu_seconds": round(statistics.median(m.cpu_seconds for m in measured), 3),
            "exit_codes": sorted({m.exit_code for m in measured}),
        }
    return result


def compiled(tree: Path) -> None:
    """Writes the bytecode of every module under `tree` that lacks it or is older than its
    source (py_compile writes it whatever PYTHONDONTWRITEBYTECODE says)."""
    compileall.compile_dir(tree, quiet=1)


def startup_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for name, found in result.items():
        lines.append(
            f"   {name:10} fastest {found['best_wall_seconds']:.3f} s, median "
            f"{found['median_wall_seconds']:.3f} s (CPU {found['median_cpu_seconds']:.3f} s) "
            f"of {found['runs']} runs, exit {found['exit_codes']}"
        )
    return lines


def startup_targets(result: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Rows for the targets: (label, met, value)."""
    return [
        (
            f"`checkin-sync {name}` start-up ≤ {STARTUP_SECONDS} s (fastest of {found['runs']})",
            found["best_wall_seconds"] <= STARTUP_SECONDS and found["exit_codes"] == [0],
            f"{found['best_wall_seconds']:.3f} s",
        )
        for name, found in result.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        # a copy, so the store `proposals` opens is made beside it, not in the caller's data_dir
        config = Path(folder) / "config"
        shutil.copytree(args.config, config)
        result = startup(config, Path(folder) / "startup.log", args.runs)
    print(f"-- start-up ({args.config})")
    print("\n".join(startup_lines(result)))
    for label, ok, value in startup_targets(result):
        print(f"   {'MET' if ok else 'MISSED':7} {label}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
