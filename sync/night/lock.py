"""One run at a time. An OS-level lock on a file in data_dir: the kernel releases it when the
holder dies, so a lock left by a killed run is taken over without any guesswork."""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sync.config.paths import PRIVATE_FILE, make_private_dir
from sync.model.errors import LockHeld


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: int | None = None

    def __enter__(self) -> RunLock:
        make_private_dir(self.path.parent)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 1024).decode(errors="replace").strip() or "unknown holder"
            os.close(handle)
            raise LockHeld(
                f"another run is in progress ({holder}); lock file {self.path}"
            ) from None
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(handle, 0)
        os.write(handle, f"pid {os.getpid()} on {socket.gethostname()}, started {started}".encode())
        self._handle = handle
        return self

    def holder(self) -> str | None:
        """Who holds the lock right now, without taking it or writing anything."""
        try:
            handle = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.read(handle, 1024).decode(errors="replace").strip() or "unknown holder"
        finally:
            os.close(handle)  # closing releases a shared lock we may have taken
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            os.ftruncate(self._handle, 0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None
