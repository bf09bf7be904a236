"""store_settings (data_dir and language without pydantic) agrees with the full settings in
every case: defaults, the file, the environment over the file, relative and absolute paths,
names in another case, and the errors of a wrong value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync.config.settings import load_settings
from sync.config.store_settings import StoreSettings, store_settings
from sync.model.errors import ConfigError

ELSEWHERE = "/srv/checkin-sync/state"

# (settings.toml, environment); None = no settings.toml at all
CASES: dict[str, tuple[str | None, dict[str, str]]] = {
    "no settings.toml": (None, {}),
    "empty settings.toml": ("", {}),
    "other settings only": ("horizon_weeks = 6\n[smtp]\nhost = 'mail'\n", {}),
    "relative data_dir": ('data_dir = "state"\n', {}),
    "data_dir above the config folder": ('data_dir = "../shared/./state"\n', {}),
    "absolute data_dir": (f'data_dir = "{ELSEWHERE}"\n', {}),
    "data_dir with spaces": ('data_dir = " my state "\n', {}),
    "language from the file": ('language = "sv"\n', {}),
    "environment over the file": (
        'data_dir = "state"\nlanguage = "en"\n',
        {"CHECKIN_SYNC_DATA_DIR": "from-env", "CHECKIN_SYNC_LANGUAGE": "sv"},
    ),
    "absolute data_dir from the environment": ("", {"CHECKIN_SYNC_DATA_DIR": ELSEWHERE}),
    "empty data_dir from the environment": ("", {"CHECKIN_SYNC_DATA_DIR": ""}),
    "environment in lower case": ('data_dir = "state"\n', {"checkin_sync_data_dir": "lower"}),
    "environment in mixed case": ("", {"Checkin_Sync_Language": "sv"}),
    "key in upper case in the file": ('DATA_DIR = "upper"\n', {}),
    "a section setting from the environment": ("", {"CHECKIN_SYNC_SMTP__HOST": "mail"}),
}
WRONG: dict[str, tuple[str | None, dict[str, str]]] = {
    "data_dir not text": ("data_dir = 5\n", {}),
    "data_dir a table": ("[data_dir]\npath = 'x'\n", {}),
    "unknown language in the file": ('language = "fi"\n', {}),
    "unknown language in the environment": ("", {"CHECKIN_SYNC_LANGUAGE": "xx"}),
    "language not text": ("language = ['sv']\n", {}),
    "not TOML": ("data_dir = \n", {}),
}


def _arrange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str | None, env: dict[str, str]
) -> Path:
    for name in list(os.environ):
        if name.upper().startswith("CHECKIN_SYNC_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    if toml is not None:
        (config_dir / "settings.toml").write_text(toml)
    monkeypatch.chdir(tmp_path)  # relative paths are under the config folder, not here
    return config_dir


@pytest.mark.parametrize("case", CASES)
def test_agrees_with_the_full_settings(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = _arrange(tmp_path, monkeypatch, *CASES[case])
    full = load_settings(config_dir)
    assert store_settings(config_dir) == StoreSettings(full.data_dir, full.language)


@pytest.mark.parametrize("config_dir", [Path("config"), Path("./config/../config")])
def test_a_relative_config_folder_gives_the_same_data_dir(
    config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _arrange(tmp_path, monkeypatch, 'data_dir = "state"\n', {})
    assert store_settings(config_dir).data_dir == load_settings(config_dir).data_dir
    assert store_settings(config_dir).data_dir == Path("config/state")


def test_the_values_it_reads_are_the_ones_that_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the defaults by chance: each source moves the answer."""
    config_dir = _arrange(tmp_path, monkeypatch, 'data_dir = "state"\nlanguage = "sv"\n', {})
    assert store_settings(config_dir) == StoreSettings(config_dir / "state", "sv")
    monkeypatch.setenv("CHECKIN_SYNC_DATA_DIR", ELSEWHERE)
    monkeypatch.setenv("CHECKIN_SYNC_LANGUAGE", "en")
    assert store_settings(config_dir) == StoreSettings(Path(ELSEWHERE), "en")


@pytest.mark.parametrize("case", WRONG)
def test_a_wrong_value_is_the_full_settings_error(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = _arrange(tmp_path, monkeypatch, *WRONG[case])
    with pytest.raises(ConfigError) as full:
        load_settings(config_dir)
    with pytest.raises(ConfigError) as light:
        store_settings(config_dir)
    assert light.value.problems == full.value.problems
    assert str(config_dir) in str(light.value) or "environment" in str(light.value)
