"""The approval app reads people.toml again only when it changes, and then at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sync.web.roster_cache
from sync.config.roster import Roster, load_roster
from sync.web.roster_cache import RosterCache
from tests.roster_helpers import roster_of


def test_an_unchanged_roster_is_parsed_once_and_a_changed_one_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[Path] = []

    def counting(path: Path) -> Roster:
        parsed.append(path)
        return load_roster(path)

    monkeypatch.setattr(sync.web.roster_cache, "load_roster", counting)
    roster_of(tmp_path, {"lena@example.com": "karin@example.com"})
    path = tmp_path / "people.toml"
    cache = RosterCache(path)
    assert list(cache.current().managers) == ["karin@example.com"]
    assert list(cache.current().managers) == ["karin@example.com"]
    assert len(parsed) == 1

    # the same size, and a time set apart explicitly: filesystems count time coarsely
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text().replace("karin@", "maria@"))
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))
    assert list(cache.current().managers) == ["maria@example.com"]
    assert len(parsed) == 2
