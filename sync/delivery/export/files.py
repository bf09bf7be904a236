"""Per-person .ics files in one directory, for calendar apps to subscribe to.

Files are replaced atomically, because a subscriber may fetch one at any moment, and left alone
when their content has not changed, so mtimes (and HTTP Last-Modified / ETag built on them)
only move when a calendar really did.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections import defaultdict, deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sync.config.paths import PRIVATE_FILE, make_private_dir
from sync.delivery.export.memo import ExportMemo, inputs_digest, series_digest
from sync.ical.ics_writer import calendar_for
from sync.model.values import BookedSeries
from sync.plumbing import faults
from sync.plumbing.progress import Tick

WRITERS = 8
"""Files written at once. Each is synced before its rename; synced one after another, each
waits for a disk flush of its own (3 to 6 ms on a shared ext4 disk: a minute for 10,000
people), while syncs sent together are flushed together."""
HELD = 4 * WRITERS
"""Files built and not yet written, at most: their contents are held until then."""
NEW_FILE_MODE = PRIVATE_FILE
"""Like everything under data_dir, for the service user only: `serve` publishes them. A mode
the operator gives a file (to let another web server read it) is kept when it is rewritten."""


@dataclass
class Exported:
    paths: list[Path] = field(default_factory=list)
    """Everyone's file, sorted, whether rewritten or already current."""
    rewritten: list[Path] = field(default_factory=list)
    """The files whose content changed (or that are new), sorted: what subscribers will
    download again."""
    failed: dict[str, str] = field(default_factory=dict)
    """People whose file could not be built, with the reason."""


def write_exports(
    export_dir: Path,
    series: Sequence[BookedSeries],
    memo: ExportMemo | None = None,
    tick: Tick | None = None,
) -> Exported:
    """Write `<email>.ics` (lower-case) for everyone who organises or attends any of `series`,
    each holding that person's series. Files of people no longer in any series are left in
    place. With a `memo`, files it knows to be current from the same series are not built
    again.

    One person whose file cannot be built (an address no file can be named after, say, from
    a series booked before the roster refused it) is reported in `failed`; everyone else's
    file is still written."""
    make_private_dir(export_dir)
    for leftover in export_dir.glob(".*.tmp"):  # from a run killed mid-write
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    # each person's own series, found in one pass rather than one pass per person
    by_person: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(series):
        for person in {item.organiser.email.lower(), item.attendee.email.lower()}:
            by_person[person].append(index)
    digests = [series_digest(item) for item in series] if memo is not None else []
    exported = Exported()
    with FileWrites(exported, memo) as writes:
        for done, email in enumerate(sorted(by_person), 1):
            mine = by_person[email]
            inputs = inputs_digest(email, [digests[i] for i in mine]) if memo is not None else ""
            try:
                _export_one(export_dir, email, [series[i] for i in mine], inputs, memo, writes)
            except OSError:
                raise  # the folder itself is unusable (full, read-only): nobody's file is written
            except Exception as error:  # why: one person's odd data must not stop the others
                exported.failed[email] = str(error) or type(error).__name__
            if tick is not None:
                tick(done, len(by_person))
    if exported.rewritten:
        # one sync of the folder makes all of tonight's renames durable, before the memo
        # notes them: a rename lost to a power cut only means the old file, built again
        fsync_directory(export_dir)
    if memo is not None:
        memo.save(item.uid for item in series)
    exported.paths.sort()
    exported.rewritten.sort()
    return exported


def _export_one(
    export_dir: Path,
    email: str,
    series: Sequence[BookedSeries],
    digest: str,
    memo: ExportMemo | None,
    writes: FileWrites,
) -> None:
    path = export_dir / f"{_safe_file_stem(email)}.ics"
    if memo is None or not memo.current(path, digest):
        texts = memo.kept.texts if memo is not None else None
        writes.write(path, calendar_for(email, series, texts=texts), digest)
    writes.exported.paths.append(path)


class FileWrites:
    """Files written side by side, `WRITERS` at a time, while the next ones are built; each
    one's outcome is taken into `exported` and the memo in the order they were given."""

    def __init__(self, exported: Exported, memo: ExportMemo | None) -> None:
        self.exported = exported
        self.memo = memo
        self.pool = ThreadPoolExecutor(WRITERS, "export")
        self.waiting: deque[tuple[Path, str, Future[bool]]] = deque()

    def write(self, path: Path, content: bytes, digest: str) -> None:
        self.waiting.append((path, digest, self.pool.submit(write_if_changed, path, content)))
        while len(self.waiting) > HELD:
            self._take_oldest()

    def _take_oldest(self) -> None:
        path, digest, written = self.waiting.popleft()
        if written.result():
            self.exported.rewritten.append(path)
        if self.memo is not None:
            self.memo.note(path, digest)

    def __enter__(self) -> FileWrites:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        failed = kind is not None
        try:
            while not failed and self.waiting:
                self._take_oldest()
        except BaseException:
            failed = True
            raise
        finally:
            # once the export has failed, files not yet being written are left as they are
            self.pool.shutdown(wait=True, cancel_futures=failed)


def write_if_changed(path: Path, content: bytes) -> bool:
    """Atomically make `path` hold `content`; False, and no write at all, if it already does.
    The rename is durable once `fsync_directory(path.parent)` has run: done once for many
    files, not once for each."""
    try:
        if path.read_bytes() == content:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    # Same directory as the target, so os.replace is a rename within one file system.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(content)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        faults.point(f"export {path.name}")
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return True


def fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (e.g. Windows).
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _safe_file_stem(email: str) -> str:
    # The email becomes a file name: refuse anything that could leave the directory or hide.
    if not email or email.startswith(".") or any(c in email for c in "/\\\0"):
        raise ValueError(f"cannot use {email!r} as an export file name")
    return email
