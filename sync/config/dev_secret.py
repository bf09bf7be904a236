"""The development secret: what signs sign-in links and feed addresses in a trial where
no [web] secret is set, so that the demo's first steps (`login-link`, `feed-url`,
`serve --dev`) need nothing set up, and a link printed by one works in the other.

It is made once, at random, and kept in data_dir/dev-secret, readable by its owner only.
Only `serve --dev` accepts what it signs: `serve` without `--dev` insists on a [web]
secret, so a trial's secret never guards a real deployment by accident."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sync.config.paths import PRIVATE_FILE, keep_private, make_private_dir
from sync.model.errors import ConfigError

if TYPE_CHECKING:
    from sync.config.settings import Settings

DEV_SECRET_FILE = "dev-secret"


@dataclass(frozen=True)
class Signing:
    secret: str
    development: bool
    """True when it is the development secret: links and addresses work with
    `serve --dev` only, and are labelled so wherever they are printed."""


def signing_secret(settings: Settings) -> Signing:
    """[web] secret when set; otherwise the development secret of data_dir."""
    if settings.web.secret is not None:
        return Signing(settings.web.secret.get_secret_value(), development=False)
    return Signing(development_secret(settings.data_dir), development=True)


def development_secret(data_dir: Path) -> str:
    path = data_dir / DEV_SECRET_FILE
    if not path.exists():
        _make(path)
    keep_private(path)
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_LENGTH:
        raise ConfigError(
            [f"{path}: the development secret is too short to be safe; delete the file and "
             "a new one is made"]
        )  # fmt: skip
    return text


MIN_LENGTH = 16


def _make(path: Path) -> None:
    """Written whole under another name, then linked in place: two commands starting at
    once agree on the first one linked, and nobody reads a half-written file."""
    make_private_dir(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".dev-secret-")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
        os.chmod(temporary, PRIVATE_FILE)
        with contextlib.suppress(FileExistsError):  # the other one's is kept
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
