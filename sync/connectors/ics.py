"""Busy time from iCalendar files and feeds: `ics:<path>` or `ics:https://…` in the roster.

A path is relative to the config folder. Each distinct source is read and parsed once per
call, however many people share it; a source that cannot be read or parsed puts one message
into `errors` for each of its people and leaves everyone else alone.
"""

from __future__ import annotations

import http.client
import os
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sync.connectors.base import BusyReading, CalendarRef, Capabilities
from sync.connectors.feed_opener import AddressRefused, feed_opener
from sync.connectors.ics_busy import IcsError
from sync.connectors.ics_cache import IcsBusyCache, PersonBusy, digest, person_key
from sync.connectors.ics_parsing import Parsed, ParseJob, Unexpected, parse_all
from sync.model.errors import CalendarError
from sync.model.values import Interval
from sync.plumbing.deadline import Deadline

SCHEME = "ics:"
USER_AGENT = "checkin-sync"
MAX_BYTES = 50_000_000
"""A feed larger than this is refused rather than held in memory; real calendars with years
of history stay well below it."""

_CHUNK = 64 * 1024
FEEDS_AT_ONCE = 8
"""Feeds downloaded side by side: feed servers are many and mostly slow to answer, and each
download holds at most MAX_BYTES."""


@dataclass(frozen=True)
class IcsSource:
    """Where one calendar lives. `label` is the source as the user wrote it, for messages."""

    label: str
    url: str | None = None
    path: Path | None = None

    @property
    def key(self) -> str:
        """Equal for two spellings of the same source, so it is read only once."""
        if self.path is not None:
            return "file:" + os.path.normpath(self.path)
        return "url:" + str(self.url)


def redact(url: str) -> str:
    """The URL without what usually carries a secret: subscription links embed tokens in
    the path (Google's ".../private-<token>/basic.ics") or the query, and reports and logs
    must not leak them. Host and file name are enough to tell sources apart."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1]
    middle = "/…/" if parts.path.count("/") > 1 else "/"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{middle}{name}"


def locate(source: str, config_dir: Path) -> IcsSource:
    """The source behind a roster `calendar` value (with or without the `ics:` prefix)."""
    location = source[len(SCHEME) :] if source.startswith(SCHEME) else source
    lowered = location.lower()
    if lowered.startswith(("http://", "https://")):
        return IcsSource(label=redact(location), url=location)
    if lowered.startswith("webcal://"):
        # Apple and Google hand out subscription links as webcal://, which is https.
        url = "https://" + location[len("webcal://") :]
        return IcsSource(label=redact(location), url=url)
    path = config_dir / location
    return IcsSource(label=str(path), path=path)


class IcsConnector:
    """Reads busy time from iCalendar files and http(s) feeds. Never writes."""

    name = "ics"
    capabilities = Capabilities(reads_busy=True, writes_events=False)

    def __init__(
        self,
        config_dir: Path,
        timeout_seconds: float = 20.0,
        cache: IcsBusyCache | None = None,
        allow_hosts: Collection[str] = (),
        deadline: Deadline | None = None,
    ) -> None:
        """`allow_hosts`: hosts on this machine or a private network feeds may come from
        ([ics] allow_hosts); any other feed must be on a public address."""
        self._config_dir = config_dir
        self._timeout = timeout_seconds
        self._cache = cache
        self._opener = feed_opener(allow_hosts)
        self._deadline = deadline

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        reading = BusyReading()
        groups: dict[str, tuple[IcsSource, list[CalendarRef]]] = {}
        for person in people:
            source = locate(person.source, self._config_dir)
            groups.setdefault(source.key, (source, []))[1].append(person)
        # each file is read and looked up in the cache first; those that must be parsed are
        # parsed together (on every core when there are many), then taken in in order
        sources = list(groups.values())
        looked_up = self._look_up_all(sources, window)
        ready = [(*group, found) for group, found in zip(sources, looked_up, strict=True)]
        reading.requests += len(ready)
        to_parse = [found for _, _, found in ready if isinstance(found, _ToParse)]
        parsed = iter(parse_all([item.job for item in to_parse], self._deadline))
        for source, refs, found in ready:
            if isinstance(found, _ToParse):
                answer = next(parsed)
                try:
                    found = self._keep(found, answer)
                except Exception as exc:  # why: as above; a cache that cannot be written
                    found = exc
            _take(source, refs, window, found, reading)
        return reading

    def _look_up_all(
        self, groups: list[tuple[IcsSource, list[CalendarRef]]], window: Interval
    ) -> list[_Found | _ToParse]:
        """`_cached` for each source, in order. Feeds are downloaded FEEDS_AT_ONCE at a
        time: one after another, a night would wait for every feed server's answer in turn."""

        def look_up(group: tuple[IcsSource, list[CalendarRef]]) -> _Found | _ToParse:
            try:
                return self._cached(group[0], group[1], window)
            except Exception as exc:  # why: one odd calendar must not stop everyone's planning
                return exc

        feeds = sum(1 for source, _ in groups if source.url is not None)
        if feeds < 2:
            return [look_up(group) for group in groups]
        with ThreadPoolExecutor(min(FEEDS_AT_ONCE, len(groups)), "ics-feed") as pool:
            return list(pool.map(look_up, groups))

    def _cached(
        self, source: IcsSource, refs: list[CalendarRef], window: Interval
    ) -> _Found | _ToParse:
        """Each person's busy time in the source from the cache while the bytes are the
        same; else what parsing it takes (over the wider range the cache keeps, if any)."""
        try:
            data = self._fetch(source)
        except CalendarError as exc:
            return exc
        keys = {ref.email: person_key(ref.email, ref.timezone) for ref in refs}
        data_digest = digest(data) if self._cache is not None else ""
        if self._cache is not None:
            kept = self._cache.load(source.key, data_digest, window, list(keys.values()))
            if kept is not None:
                return {email: kept[key] for email, key in keys.items()}
        span = self._cache.wide(window) if self._cache is not None else window
        people = tuple((ref.email, ref.timezone) for ref in refs)
        return _ToParse(ParseJob(data, source.label, span, people), source.key, data_digest, keys)

    def _keep(self, asked: _ToParse, parsed: Parsed) -> _Found:
        """What parsing found, kept in the cache when every person's busy time was read."""
        if isinstance(parsed, Unexpected):
            return _Unexpected(parsed.name)
        if isinstance(parsed, CalendarError):
            return parsed
        readable = {asked.keys[e]: b for e, b in parsed.items() if isinstance(b, PersonBusy)}
        if self._cache is not None and len(readable) == len(parsed):
            self._cache.store(asked.source_key, asked.digest, asked.job.span, readable)
        return parsed

    def _fetch(self, source: IcsSource) -> bytes:
        if source.path is not None:
            return _read_file(source.path, source.label)
        assert source.url is not None
        return self._download(source.url, source.label)

    def _download(self, url: str, label: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.1"}
        )
        # The socket timeout bounds each wait, not the whole transfer: a server that trickles
        # a byte at a time would never trip it, so the body is also read against a deadline.
        deadline = time.monotonic() + self._timeout
        timed_out = IcsError(f"{label}: timed out after {self._timeout:g} s")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return _read_body(response, deadline, label, timed_out)
        except AddressRefused as exc:
            raise _refused(label, exc) from None
        except urllib.error.HTTPError as exc:
            exc.close()
            raise IcsError(f"{label}: HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, AddressRefused):
                raise _refused(label, exc.reason) from None
            if isinstance(exc.reason, TimeoutError):
                raise timed_out from None
            raise IcsError(f"{label}: cannot connect ({_describe(exc.reason)})") from None
        except TimeoutError:
            raise timed_out from None
        except (OSError, http.client.HTTPException) as exc:
            raise IcsError(f"{label}: the download broke off ({_describe(exc)})") from None


@dataclass(frozen=True)
class _ToParse:
    job: ParseJob
    source_key: str
    digest: str
    keys: dict[str, str]
    """Each person's cache key, by email."""


class _Unexpected(Exception):
    """Reading a file failed in a way nothing names: the error's type, for the report."""


_Found = dict[str, PersonBusy | CalendarError] | CalendarError | Exception
"""Each person's busy time (or why not), or why the whole file could not be read."""


def _take(
    source: IcsSource,
    refs: list[CalendarRef],
    window: Interval,
    found: _Found,
    reading: BusyReading,
) -> None:
    if isinstance(found, CalendarError):
        for ref in refs:
            reading.errors[ref.email] = str(found)
        return
    if isinstance(found, Exception):
        name = str(found) if isinstance(found, _Unexpected) else type(found).__name__
        for ref in refs:
            reading.errors[ref.email] = f"{source.label}: cannot be read ({name})"
        return
    for ref in refs:
        busy = found[ref.email]
        if isinstance(busy, CalendarError):
            reading.errors[ref.email] = str(busy)
            continue
        blocks, own = busy.within(window)
        reading.busy[ref.email] = blocks
        if own:
            reading.own_events.setdefault(ref.email, set()).update(own)


def _refused(label: str, refused: AddressRefused) -> IcsError:
    # the same words whatever is (or is not) listening there: nothing was sent to it, and
    # no status or timing of it reaches a report or a digest
    return IcsError(
        f"{label}: not fetched: {refused.host} is on this machine or a private network; "
        "if it is your calendar server, list it in [ics] allow_hosts"
    )


def _read_file(path: Path, label: str) -> bytes:
    """The bytes of a regular file, at most MAX_BYTES. Anything else a path can name is
    refused before a byte is read: /dev/zero never ends, a FIFO waits for ever for a writer
    (O_NONBLOCK lets even its open return at once), a directory or socket holds no calendar."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise IcsError(f"{label}: cannot read the file ({_describe(exc)})") from None
    try:
        facts = os.fstat(fd)
        if not stat.S_ISREG(facts.st_mode):
            raise IcsError(f"{label}: not a regular file (it is {_file_kind(facts.st_mode)})")
        # read one byte past the cap rather than trusting the size: the file may grow. But
        # first what the size says, plus one: a read of the cap allocates the whole cap, 50
        # MB for every calendar file, however small, read side by side with the others
        expected = min(facts.st_size, MAX_BYTES) + 1
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(expected)
            if len(data) == expected:  # it grew since
                data += handle.read(MAX_BYTES + 1 - expected)
    except OSError as exc:
        raise IcsError(f"{label}: cannot read the file ({_describe(exc)})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise IcsError(f"{label}: the file is larger than {MAX_BYTES // 1_000_000} MB")
    return data


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def _read_body(
    response: http.client.HTTPResponse, deadline: float, label: str, timed_out: IcsError
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    # read1 returns what has arrived instead of waiting for a full chunk, so the deadline
    # is checked while a slow server is still sending.
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise IcsError(f"{label}: the calendar is larger than {MAX_BYTES // 1_000_000} MB")
        if time.monotonic() > deadline:
            raise timed_out
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(reason: object) -> str:
    """The OS's own words (e.g. "No such file or directory"), without errno or path."""
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    if isinstance(reason, BaseException):
        return str(reason) or type(reason).__name__
    return str(reason)
