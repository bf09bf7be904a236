"""Shared helpers: a config folder in a temp dir, and running the CLI in-process."""

from __future__ import annotations

import email
import email.policy
import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from sync.cli.common import ALLOW_FAR_NOW_ENV
from sync.cli.main import main
from sync.config.settings import ENV_PREFIX
from tests.caldav_server import radicale_server  # noqa: F401  (a fixture for every test module)
from tests.emulators import (  # noqa: F401  (fixtures for every test module)
    google_emulator,
    graph_emulator,
    identity_emulator,
)
from tests.icaljs_reader import icaljs  # noqa: F401  (a fixture for every test module)

MANAGER_KARIN = """
[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "ics:karin.ics"
max_checkins_per_day = 3
"""

EMPLOYEE_LENA = """
[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
calendar = "ics:lena.ics"
cadence = "weekly"
"""

EMPTY_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//test//EN
END:VCALENDAR
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


class ConfigDir:
    """A throwaway config folder: settings.toml, people.toml and calendar files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.settings("")

    def settings(self, extra: str) -> None:
        base = 'data_dir = "data"\nhorizon_weeks = 4\nmin_notice_hours = 24\nbuffer_minutes = 10\n'
        (self.root / "settings.toml").write_text(base + textwrap.dedent(extra))

    def people(self, text: str) -> None:
        (self.root / "people.toml").write_text(textwrap.dedent(text))

    def calendar(self, name: str, text: str = EMPTY_CALENDAR) -> None:
        (self.root / name).write_text(textwrap.dedent(text))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def export(self) -> Path:
        return self.data / "export"

    def latest_mail(self) -> str:
        """The plain text of the newest email in the outbox folder, decoded as a mail
        program shows it (the file holds it quoted-printable)."""
        path = sorted((self.data / "outbox").glob("*.eml"))[-1]
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())  # type: ignore[attr-defined]


# Settings of the test harness itself (test_browser.py), not of the service: the caller's
# values are kept so a machine without a browser can still say it accepts skipping that test.
HARNESS_VARIABLES = frozenset(
    {"CHECKIN_SYNC_ALLOW_NO_BROWSER", "CHECKIN_SYNC_CHROMIUM", "CHECKIN_SYNC_CHROMEDRIVER"}
)


@pytest.fixture(autouse=True, scope="session")
def caller_environment_cleared() -> Iterator[None]:
    """An operator who also runs the service has CHECKIN_SYNC_DATA_DIR, secrets or a crash
    point in the shell; settings read the environment first, so tests would act on them.
    Session-wide, so the emulators and servers started once see a clean environment too."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(ENV_PREFIX) and name not in HARNESS_VARIABLES:
                patch.delenv(name)
        yield


@pytest.fixture(autouse=True)
def simulated_nights(caller_environment_cleared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run nights at fixed instants (`run --now …`) in their own data_dir: the
    sanctioned way for a harness to say so. Child processes inherit it. Set after the
    caller's variables are cleared, so it is never cleared itself."""
    monkeypatch.setenv(ALLOW_FAR_NOW_ENV, "1")


@pytest.fixture
def config(tmp_path: Path) -> ConfigDir:
    return ConfigDir(tmp_path / "config")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# the web app's fixtures, for every test module that asks for them by name
from tests.delivery.test_digest_email import inbox  # noqa: E402, F401
from tests.web_helpers import app, org, sign_in  # noqa: E402, F401


def pytest_addoption(parser: pytest.Parser) -> None:
    simulation = parser.getgroup("year simulation (tests/end_to_end/test_year_simulation.py)")
    simulation.addoption(
        "--sim-seed",
        default=os.environ.get("YEAR_SIM_SEED", "1"),
        help="seed of the simulated year (env YEAR_SIM_SEED); a failure prints its own",
    )
    simulation.addoption(
        "--sim-nights",
        default=os.environ.get("YEAR_SIM_NIGHTS", "100"),
        help="how many nights the simulation lives through (default 100)",
    )
    simulation.addoption(
        "--sim-keep-going",
        action="store_true",
        help="live through every night and list each kind of violation seen, with its first night",
    )
