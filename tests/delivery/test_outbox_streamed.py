"""The outbox is delivered one email at a time: a night queues every manager's digest and
every invitation, and only the email being sent is held in memory, not the whole queue."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import pytest

from sync.config.settings import SmtpSettings
from sync.delivery import mail
from sync.store import OutboxMessage, Store
from sync.store import outbox as outbox_store

QUEUED = 6


class _Held:
    """Every email the store has read, and how many of them were alive at each send."""

    def __init__(self) -> None:
        self.read: list[weakref.ref[OutboxMessage]] = []
        self.alive_at_send: list[int] = []

    def reading(self, row: Any) -> OutboxMessage:
        message = _read_row(row)
        self.read.append(weakref.ref(message))
        return message

    def sending(self) -> None:
        self.alive_at_send.append(sum(ref() is not None for ref in self.read))


_read_row = outbox_store.message_from_row


class _Client:
    def __init__(self, held: _Held) -> None:
        self.held = held
        self.recipients: list[str] = []

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def sendmail(self, sender: str, recipients: list[str], message: bytes) -> None:
        self.held.sending()
        self.recipients += recipients


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "state.sqlite")
    for number in range(QUEUED):
        store.queue_message(f"m{number}@example.com", "s", b"x" * 1000, [number])
    return store


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> _Held:
    held = _Held()
    monkeypatch.setattr(outbox_store, "message_from_row", held.reading)
    return held


def test_written_emails_are_read_one_at_a_time(
    store: Store, held: _Held, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = mail.write_eml

    def writing(outbox_dir: Path, message: OutboxMessage) -> Path:
        held.sending()
        return write(outbox_dir, message)

    monkeypatch.setattr(mail, "write_eml", writing)
    deliveries = mail.deliver_outbox(store, SmtpSettings(), tmp_path / "outbox")

    assert len(deliveries.of("digest").written) == QUEUED
    assert held.alive_at_send == [1] * QUEUED
    assert list(store.undelivered_messages()) == []


def test_sent_emails_are_read_one_at_a_time(
    store: Store, held: _Held, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _Client(held)
    monkeypatch.setattr(mail, "_connect", lambda smtp: client)
    smtp = SmtpSettings(host="mail.example.com")

    deliveries = mail.deliver_outbox(store, smtp, tmp_path / "outbox")

    assert client.recipients == [f"m{number}@example.com" for number in range(QUEUED)]
    assert deliveries.of("digest").sent == client.recipients
    assert held.alive_at_send == [1] * QUEUED
    assert list(store.undelivered_messages()) == []
