"""Revocations kept beside the state database, so that losing the database does not undo
them: which feed address of each person is current (a revoked one must stay revoked), and
from when sign-in links are void because the database that knew which ones were used is gone.

The file is small, replaced whole and synced to disk on every change. It holds no secret:
only email addresses, version numbers and a time. If data_dir itself is lost (or restored
from an old backup), it goes too; then rotating [feeds] secret and [web] secret is what
revokes everything (see README, "What must persist").
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.model.errors import StoreError

NAME = "revocations.json"


class RevocationFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def feed_version(self, email: str) -> int:
        version = self._read().get("feeds", {}).get(email.lower(), 0)
        return version if isinstance(version, int) else 0

    def set_feed_version(self, email: str, version: int) -> None:
        data = self._read()
        feeds = data.setdefault("feeds", {})
        feeds[email.lower()] = max(version, self.feed_version(email))
        self._write(data)

    def links_void_before(self) -> datetime | None:
        text = self._read().get("sign_in_links_void_before")
        return datetime.fromisoformat(text) if isinstance(text, str) else None

    def database_created(self, now: datetime) -> None:
        """A new, empty database: if one existed before (this file says so), nobody knows
        which sign-in links were used, so every link issued until now is void."""
        if self.path.exists():
            data = self._read()
            data["sign_in_links_void_before"] = now.isoformat()
        else:
            data = {"feeds": {}}
        self._write(data)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            # unreadable revocations must not quietly revoke nothing
            raise StoreError(f"{self.path}: cannot read the revocations ({error})") from None
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self._replace(data)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot write the revocations ({error})") from None

    def _replace(self, data: dict[str, Any]) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as out:
                json.dump(data, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
