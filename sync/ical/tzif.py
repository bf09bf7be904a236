"""A zone's history as the tz database states it: the TZif file (RFC 8536) that `zoneinfo`
reads, parsed for its explicit transitions and the POSIX TZ string at its end, which gives
the rule in force after the last of them.

The file is found exactly as `zoneinfo` finds it (the system's zone directories first, then
the `tzdata` package), so the VTIMEZONE we write agrees with the times we computed.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import struct
import zoneinfo
from dataclasses import dataclass


@dataclass(frozen=True)
class LocalTime:
    """One of a zone's kinds of local time (a TZif "local time type")."""

    offset: int
    """Seconds east of UTC."""
    is_dst: bool
    name: str


@dataclass(frozen=True)
class Transition:
    at: int
    """Seconds since the epoch (UTC) from which `after` applies."""
    before: LocalTime
    after: LocalTime


@dataclass(frozen=True)
class ZoneHistory:
    initial: LocalTime
    """In force before the first transition (local mean time, usually)."""
    transitions: tuple[Transition, ...]
    footer: str
    """The POSIX TZ string for every time after the last transition ("" if none)."""


@functools.lru_cache(maxsize=64)
def zone_history(key: str) -> ZoneHistory:
    return parse_tzif(_tzif_bytes(key))


def _tzif_bytes(key: str) -> bytes:
    # zoneinfo itself validates the key (no "..", no absolute paths) and raises
    # ZoneInfoNotFoundError for unknown names; asking it first keeps both in step.
    zoneinfo.ZoneInfo(key)
    for directory in zoneinfo.TZPATH:
        path = os.path.join(directory, key)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                return file.read()
    package, _, name = f"tzdata.zoneinfo.{key}".replace("/", ".").rpartition(".")
    return importlib.resources.files(package).joinpath(name).read_bytes()


_HEADER = struct.Struct(">4sc15x6l")


def parse_tzif(data: bytes) -> ZoneHistory:
    """The version 2+ data block (64-bit times) and footer; version 1 files carry no footer
    and 32-bit times only, and no current tz database ships them."""
    magic, version, *_ = _HEADER.unpack_from(data)
    if magic != b"TZif" or version < b"2":
        raise ValueError("not a TZif file of version 2 or later")
    skip = _HEADER.size + _block_size(data, 0, time_size=4)
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = _HEADER.unpack_from(data, skip)[2:]
    at = skip + _HEADER.size
    times = struct.unpack_from(f">{timecnt}q", data, at)
    at += 8 * timecnt
    indices = struct.unpack_from(f">{timecnt}B", data, at)
    at += timecnt
    raw_types = [struct.unpack_from(">lBB", data, at + 6 * i) for i in range(typecnt)]
    at += 6 * typecnt
    names = data[at : at + charcnt]
    at += charcnt + 12 * leapcnt + isstdcnt + isutcnt
    types = [
        LocalTime(offset, bool(dst), names[index : names.index(b"\0", index)].decode())
        for offset, dst, index in raw_types
    ]
    footer = data[at:].strip(b"\n").decode()
    # RFC 8536 3.2: without transitions, type 0 is in force all the time
    initial = types[0]
    transitions = []
    current = initial
    for time, index in zip(times, indices, strict=True):
        transitions.append(Transition(time, current, types[index]))
        current = types[index]
    return ZoneHistory(initial, tuple(transitions), footer)


def _block_size(data: bytes, offset: int, time_size: int) -> int:
    counts: tuple[int, ...] = _HEADER.unpack_from(data, offset)[2:]
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    return (
        timecnt * (time_size + 1)
        + typecnt * 6
        + charcnt
        + leapcnt * (time_size + 4)
        + isstdcnt
        + isutcnt
    )
