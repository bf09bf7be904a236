"""A night hands the memory each step freed back to the system (sync/plumbing/memory.py):
glibc keeps what worker threads freed in their own arenas, where the night's later steps,
on the main thread, never reuse it."""

from __future__ import annotations

import platform
from typing import Any

import pytest

from sync.cli.main import main
from sync.night import steps
from sync.plumbing import memory
from sync.plumbing.logs import event as told
from tests.cli.test_startup import night_of_ics_calendars, probed
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir

# Memory allocated and freed by worker threads, as a night's reads do: 4 kB pieces (too big
# for Python's own small-object allocator, so glibc's), one in 64 kept so that glibc cannot
# shrink the arenas from their top by itself. What stays in use is measured before and after.
PROBE = """
import json, sys, threading
from sync.plumbing.memory import give_back

def resident_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")

kept = []
def work():
    pieces = [bytes(4096) for _ in range(25_000)]
    kept.extend(pieces[::64] + pieces[-1:])
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
freed = resident_mb()
gave = give_back()
print(json.dumps({"freed": freed, "after": resident_mb(), "gave": gave}))
"""


# Sixteen threads, as a night's two providers have, each in turn parsing an answer into
# pieces and dropping all but one: the highest the process grew. The pool starts all
# sixteen first (it starts a thread only when none is idle, so on a busy machine it could
# run with a few, in a few arenas), and one answer is parsed at a time, so that how far
# the process grows does not depend on how the scheduler interleaved the threads.
THREADS = """
import json, sys, threading
from concurrent.futures import ThreadPoolExecutor
from sync.plumbing.memory import share_arenas

shared = share_arenas() if sys.argv[1] == "shared" else False
kept = []
one_at_a_time = threading.Lock()
def parse(answer):
    with one_at_a_time:
        body = bytes(2_000_000)
        pieces = [bytes(1500) for _ in range(6000)]
        kept.append(pieces[0])
all_started = threading.Barrier(16)
with ThreadPoolExecutor(16) as pool:
    list(pool.map(lambda _: all_started.wait(), range(16)))
    for _ in range(5):
        list(pool.map(parse, range(64)))
with open("/proc/self/status") as status:
    peak = next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM:"))
print(json.dumps({"shared": shared, "peak": peak}))
"""
# A night, with the allocator's settings recorded instead of made.
NIGHT = """
import contextlib, io, json, os, sys
os.environ.pop("MALLOC_ARENA_MAX", None)
from sync.plumbing import memory
from sync.cli.main import main
shared = []
memory._glibc.cache_clear()
memory._glibc = lambda name: (lambda *args: shared.append(args) or 1)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "shared": [a for a in shared if len(a) == 2]}))
"""
GLIBC = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator")


@GLIBC
def test_memory_freed_by_threads_goes_back_to_the_system() -> None:
    found = probed(PROBE)
    assert found["gave"] is True
    # 4 threads × 25,000 × 4 kB = 400 MB made, 6 MB of it kept
    assert found["freed"] - found["after"] > 200, found


def test_each_step_of_a_night_gives_memory_back(
    config: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    happened: list[str] = []

    def event(log: Any, message: str, *args: Any, **fields: Any) -> None:
        if message == "step started":
            happened.append(fields["step"])
        told(log, message, *args, **fields)

    def give_back() -> bool:
        happened.append("give back")
        return True

    monkeypatch.setattr(steps, "event", event)
    monkeypatch.setattr(steps, "give_back", give_back)
    assert main(["--config", str(config.root), "run", "--dry-run"]) == 0
    ran = happened[::2]
    assert "read calendars" in ran and "propose" in ran
    assert happened == [item for name in ran for item in (name, "give back")]


@GLIBC
def test_threads_that_share_arenas_reuse_what_the_others_freed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    # How far the process grows depends on how the threads happened to interleave, which a
    # busy machine changes from run to run: each way's lowest of three runs is compared.
    own = [probed(THREADS, "own") for _ in range(3)]
    shared = [probed(THREADS, "shared") for _ in range(3)]
    assert all(run["shared"] is True for run in shared)
    # each thread's answer of 2 MB and 9 MB of pieces, held in sixteen arenas or in two
    lowest_own = min(run["peak"] for run in own)
    lowest_shared = min(run["peak"] for run in shared)
    assert lowest_shared < 0.85 * lowest_own, (own, shared)


def test_the_nightly_job_shares_arenas(config: ConfigDir) -> None:
    found = night_of_ics_calendars(config, NIGHT)
    assert found["code"] == 0
    assert found["shared"] == [[memory.M_ARENA_MAX, memory.NIGHT_ARENAS]]
