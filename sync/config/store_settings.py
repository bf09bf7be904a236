"""The two settings a command that only reads the store needs (where data_dir is, and the
language it prints in), found without loading the full settings.

Loading `sync.config.settings` imports pydantic and pydantic-settings, about a quarter of
a second before `checkin-sync proposals` can print anything. Here settings.toml is read
with tomllib and the environment by name, by the same rules as the full settings: the
environment wins over the file, the file over the defaults, and a relative data_dir is
under the config folder. Anything off the plain path (a value that is not text, an unknown
language, a key spelled in another case, which pydantic-settings also accepts) is left to
the full settings, so the answer and any error are always theirs
(tests/config/test_store_settings.py holds the two to agreement).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.config.environment import PREFIX as ENV_PREFIX
from sync.config.paths import under_config_dir
from sync.config.toml_file import read_toml
from sync.plumbing.i18n import available_languages

DEFAULTS = {"data_dir": "data", "language": "en"}
"""The full settings' defaults of these two (Settings.data_dir, Settings.language)."""


@dataclass(frozen=True)
class StoreSettings:
    data_dir: Path
    language: str


def store_settings(config_dir: Path) -> StoreSettings:
    """data_dir (absolute against `config_dir`, as load_settings makes it) and language."""
    path = config_dir / "settings.toml"
    values = read_toml(path) if path.exists() else {}
    found = _plain(values, os.environ)
    if found is None:
        return _from_full_settings(config_dir)
    data_dir, language = found
    return StoreSettings(under_config_dir(config_dir, Path(data_dir)), language)


def _plain(values: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(data_dir, language) where both are plain text from one obvious place; None where
    only the full settings can say (or say what is wrong)."""
    found = []
    for key in DEFAULTS:
        variable = ENV_PREFIX + key.upper()
        spellings = [name for name in values if name.lower() == key]
        spellings += [name for name in environ if name.upper() == variable]
        if spellings not in ([], [key], [variable], [key, variable]):
            return None  # another case: pydantic-settings matches names case-insensitively
        value = environ[variable] if variable in environ else values.get(key, DEFAULTS[key])
        if not isinstance(value, str) or "\0" in value:
            return None
        found.append(value)
    data_dir, language = found
    if language not in available_languages():
        return None
    return data_dir, language


def _from_full_settings(config_dir: Path) -> StoreSettings:
    from sync.config.settings import load_settings

    settings = load_settings(config_dir)
    return StoreSettings(settings.data_dir, settings.language)
