"""The outbox lists in the order its emails were made, as `ls` and file managers sort."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sync.delivery.mail import write_eml
from sync.store.records import OutboxMessage


def test_outbox_files_sort_in_the_order_the_emails_were_made(tmp_path: Path) -> None:
    made = datetime(2027, 2, 1, 7, 0, tzinfo=UTC)  # one run: every email has the same stamp
    for number in (10, 3, 100, 9):
        message = OutboxMessage(number, f"m{number}@example.com", "s", b"x", made, 0, "")
        write_eml(tmp_path, message)
    listed = sorted(path.name for path in tmp_path.iterdir())
    assert [name.split("-")[1] for name in listed] == ["000003", "000009", "000010", "000100"]
    assert listed[0] == "20270201T070000Z-000003-m3@example.com.eml"
