"""A night holds everyone's busy blocks from its read step on, hundreds per person: a block
is its three fields and no instance dictionary."""

from __future__ import annotations

import gc
import pickle
import tracemalloc
from datetime import UTC, datetime, timedelta

from sync.model.values import BusyBlock, BusyKind


def test_a_busy_block_takes_its_fields_and_little_more() -> None:
    start = datetime(2027, 3, 1, 9, tzinfo=UTC)
    end = start + timedelta(minutes=30)
    BusyBlock(start, end)  # what the class loads on first use
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        blocks = [BusyBlock(start, end, BusyKind.TIME_OFF) for _ in range(10_000)]
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # the object's header and three references, and the list's pointer to it
    assert held / len(blocks) < 80


def test_a_busy_block_is_still_a_plain_value() -> None:
    block = BusyBlock(datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 10, tzinfo=UTC))
    assert pickle.loads(pickle.dumps(block)) == block
    assert block < BusyBlock(block.start, block.end, BusyKind.TIME_OFF)
    assert hash(block) == hash(BusyBlock(block.start, block.end))
