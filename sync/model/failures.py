"""What broke, in one line. Errors of the operating system and of SQLite reach the command
line from deep inside a run (a full disk while writing a report, a read-only data_dir when
the lock is taken); this names the file and says what is wrong with it, in words an
operator can act on, so no traceback is ever needed."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sync.model.errors import Failure, StoreError, SyncError

_OS_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied for this user",
    errno.EPERM: "not permitted for this user",
    errno.EEXIST: "exists and is not a folder",
    errno.ENOTDIR: "part of this path is a file, not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "does not exist",
    errno.EIO: "input/output error (the disk may be failing)",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files on this machine",
}

# by SQLite's primary result code (the low byte of an extended one)
_SQLITE_REASONS = {
    sqlite3.SQLITE_FULL: "no space left on the device (or the disk quota is used up)",
    sqlite3.SQLITE_READONLY: "cannot be written: read-only for this user or file system",
    sqlite3.SQLITE_PERM: "permission denied for this user",
    sqlite3.SQLITE_CANTOPEN: "cannot be opened (a missing or unwritable folder?)",
    sqlite3.SQLITE_IOERR: "input/output error (a full or failing disk?)",
    sqlite3.SQLITE_CORRUPT: "is damaged; restore a backup, or move it aside and run rebuild",
    sqlite3.SQLITE_NOTADB: "is not a checkin-sync database",
}
# the environment, not the database, is at fault: the next run can finish once it is fixed
_ENVIRONMENT = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
}


def describe_os_error(error: OSError, data_dir: Path | None = None) -> str:
    """`<path>: <what is wrong>`; a write to an open file carries no path, so then the
    folder the command writes in is named."""
    reason = _OS_REASONS.get(error.errno or 0, error.strerror or str(error))
    if error.filename is not None:
        where = os.path.abspath(os.fsdecode(error.filename))
    elif data_dir is not None:
        where = f"writing under {data_dir}"
    else:
        return reason
    return f"{where}: {reason}"


def describe_sqlite_error(error: sqlite3.Error, database: Path | str) -> str:
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    reason = _SQLITE_REASONS.get(primary or -1, str(error))
    return f"{database}: {reason}"


def store_failure(error: sqlite3.Error, database: Path | str) -> SyncError:
    """A full disk or a read-only folder is a failure the next run recovers from (exit 4);
    a damaged or foreign file needs the operator first (exit 2)."""
    code = getattr(error, "sqlite_errorcode", None)
    text = describe_sqlite_error(error, database)
    if isinstance(code, int) and code & 0xFF in _ENVIRONMENT:
        return Failure(text)
    return StoreError(text)
