"""/healthz in the app: open to probes without sign-in, reading the store as a page does,
and saying what is wrong without showing where the server keeps its files."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask

from sync.store.schema import SCHEMA_VERSION
from tests.web_helpers import Org


def test_healthz_needs_no_sign_in_and_reports_the_schema(app: Flask) -> None:
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "schema_version": SCHEMA_VERSION}
    assert answer.headers["Cache-Control"] == "no-store", "a proxy must not answer for it"


def _newer_schema(data: Path) -> None:
    with closing(sqlite3.connect(data / "state.sqlite")) as database:
        database.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _data_dir_is_a_file(data: Path) -> None:
    shutil.rmtree(data)
    data.write_text("not a folder")


@pytest.mark.parametrize(
    ("break_it", "reason"),
    [
        (
            _newer_schema,
            f"data_dir/state.sqlite: written by a newer checkin-sync (schema "
            f"{SCHEMA_VERSION + 1}, this version knows {SCHEMA_VERSION}); upgrade checkin-sync "
            "or restore a backup",
        ),
        (
            _data_dir_is_a_file,
            "cannot open the state database: data_dir: exists and is not a folder",
        ),
    ],
    ids=["newer schema", "data_dir is a file"],
)
def test_healthz_is_503_with_the_reason_and_no_path(
    app: Flask, org: Org, break_it: Callable[[Path], None], reason: str
) -> None:
    break_it(org.config.data)
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json == {"status": "unavailable", "database": reason}
    assert str(org.root) not in answer.text
