"""A night hands the memory each step freed back to the system (sync/plumbing/memory.py):
glibc keeps what worker threads freed in their own arenas, where the night's later steps,
on the main thread, never reuse it."""

from __future__ import annotations

import platform
from typing import Any

import pytest

from sync.cli.main import main
from sync.night import steps
from sync.plumbing.logs import event as told
from tests.cli.test_startup import probed
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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
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
