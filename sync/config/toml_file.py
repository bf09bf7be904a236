"""Reading a TOML file of the configuration (settings.toml, people.toml), with errors that
name the file. Apart from both readers, so loading the settings does not load the roster's."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sync.model.errors import ConfigError


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except OSError as error:
        raise ConfigError([f"{path}: cannot read the file ({error.strerror})"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: {error}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not valid TOML: the file is not UTF-8 text"]) from None
