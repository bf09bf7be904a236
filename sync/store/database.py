"""`Store`, one open state database: opening it (and migrating it forward), the private
copy dry runs plan against, and the record of each run. The SQL of each concept lives in the
mixins `Store` is made of."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.config.paths import PRIVATE_FILE, keep_private, make_private_dir
from sync.model.errors import Failure, StoreError
from sync.model.failures import describe_os_error, store_failure
from sync.plumbing import faults
from sync.store.health import HealthMixin
from sync.store.invitations import InvitationsMixin
from sync.store.listing import ListingMixin
from sync.store.proposals import ProposalsMixin
from sync.store.query_memo import QueryMemo
from sync.store.records import now_text
from sync.store.requests import RequestsMixin
from sync.store.restore import RestoreMixin
from sync.store.revocation_file import NAME as REVOCATIONS
from sync.store.revocation_file import RevocationFile
from sync.store.row_memo import RowMemo
from sync.store.schema import _MIGRATIONS, SCHEMA_VERSION
from sync.store.series import SeriesMixin
from sync.store.sessions import SessionsMixin
from sync.store.table_watch import TableWatch
from sync.store.told import ToldMixin


# SeriesMixin builds on ProposalsMixin and InvitationsMixin on OutboxMixin, so they come
# first; the audit log and transactions come from StoreBase, under all of them
class Store(
    RestoreMixin,
    SeriesMixin,
    ProposalsMixin,
    ListingMixin,
    InvitationsMixin,
    RequestsMixin,
    HealthMixin,
    SessionsMixin,
    ToldMixin,
):
    """One open state database. Use `Store.open(path)`; `Store.scratch(path)` gives a
    private in-memory copy for dry runs, so they can plan without writing anything."""

    def __init__(self, connection: sqlite3.Connection, label: str) -> None:
        self.db = connection
        self.db.row_factory = sqlite3.Row
        self.label = label
        self.revocations = RevocationFile(Path(label).parent / REVOCATIONS)
        self.replaced_tonight: dict[str, list[str]] = {}
        self.proposal_memo = RowMemo()
        self.series_memo = RowMemo()
        self._migrate()
        # after the migrations, which may rebuild the tables the triggers watch
        watch = TableWatch(connection, ("proposals", "series"))
        self.proposal_reads = QueryMemo(watch, ("proposals",))
        # a series record carries its proposal's record
        self.series_reads = QueryMemo(watch, ("series", "proposals"))

    @classmethod
    def open(cls, path: Path) -> Store:
        existed = path.exists()
        try:
            make_private_dir(path.parent)
            # made before SQLite makes it, so it is never readable by others, not even briefly;
            # SQLite gives its -wal and -shm files the same mode
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # in WAL mode a commit survives a killed process without an fsync of its own; only
            # a power cut can lose the last commits, and writes are idempotent to redo
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            # delivered emails are dropped from the outbox: their sign-in links must not
            # linger in free pages of the file either
            connection.execute("PRAGMA secure_delete=ON")
            for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                keep_private(file)
        except OSError as error:
            raise Failure(f"cannot open the state database: {describe_os_error(error)}") from None
        except sqlite3.Error as error:
            raise store_failure(error, path) from None
        faults.watch(connection)
        store = cls(connection, str(path))
        if not existed:
            store.revocations.database_created(datetime.now(UTC))
        return store

    @classmethod
    def scratch(cls, path: Path, *, quiescent: bool = False) -> Store:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        if path.exists():
            try:
                # with no run writing, read it as a plain file: even SQLite's shared-memory
                # and log files are then left alone, so nothing at all is written. Not while
                # its write-ahead log holds commits (of the web app, or of a killed run): a
                # plain read would not see them
                settled = quiescent and not _has_log(path)
                flags = "mode=ro&immutable=1" if settled else "mode=ro"
                with closing(sqlite3.connect(f"file:{path}?{flags}", uri=True)) as source:
                    source.backup(memory)
            except sqlite3.Error as error:
                raise store_failure(error, path) from None
        return cls(memory, str(path))

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ schema

    def _migrate(self) -> None:
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise store_failure(error, self.label) from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.label}: written by a newer checkin-sync (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade checkin-sync or restore a backup"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits any open transaction first, so the script carries its own
            script = (
                f"BEGIN IMMEDIATE;\n{_MIGRATIONS[target]}\nPRAGMA user_version = {target};\nCOMMIT;"
            )
            try:
                self.db.executescript(script)
            except sqlite3.Error as error:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise store_failure(error, self.label) from None

    def schema_version(self) -> int:
        """The schema version, after reading a row of a table: the cheapest query that
        shows the file is a database this version can use (for the web app's /healthz)."""
        try:
            self.db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 1").fetchall()
            version: int = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as error:
            raise store_failure(error, self.label) from None
        return version

    # ------------------------------------------------------------------ runs

    def begin_run(self, planned_for: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (started_at, planned_for) VALUES (?, ?)",
            (now_text(), planned_for.isoformat()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int, exit_code: int, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, exit_code = ?, summary = ? WHERE id = ?",
            (now_text(), exit_code, json.dumps(summary), run_id),
        )


def _has_log(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False
