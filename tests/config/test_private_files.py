"""Everything under data_dir is for the service user only: the database knows who is back
from sick leave, reports carry the reasons people gave, the outbox holds sign-in links. And
once an email is delivered, its sign-in link is no longer kept anywhere but in the email."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli import test_cli_end_to_end
from tests.cli.test_cli_end_to_end import NOW
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
SECRET = "a-web-secret-of-some-length"


org = test_cli_end_to_end.org


@pytest.fixture
def signed(org: ConfigDir) -> ConfigDir:
    """The end-to-end organisation, with sign-in links in its digests."""
    org.settings(f'[web]\nsecret = "{SECRET}"\n')
    return org


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask of a careless shell or cron: files world-readable unless the program
    says otherwise."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): oct(stat.S_IMODE(path.stat().st_mode))
        for path in [folder, *folder.rglob("*")]
    }


@pytest.mark.usefixtures("open_umask")
def test_every_file_and_folder_under_data_dir_is_owner_only(cli: CLI, signed: ConfigDir) -> None:
    assert cli("--config", str(signed.root), "run", "--now", NOW).code == 0
    approved = cli(
        "--config", str(signed.root), "approve", "--manager", "karin@example.com", "--all"
    )
    assert approved.code == 0, approved.err
    found = modes(signed.data)
    for part in ("state.sqlite", "run.lock", "reports", "outbox", "export", "cache"):
        assert part in found
    assert any(name.startswith("reports/") for name in found)
    assert any(name.startswith("export/") for name in found)
    assert any(name.startswith("outbox/") for name in found)
    shared = {name: mode for name, mode in found.items() if int(mode, 8) & 0o077}
    assert shared == {}, "readable by others"


@pytest.mark.usefixtures("open_umask")
def test_what_an_older_version_left_readable_is_closed_up(cli: CLI, signed: ConfigDir) -> None:
    assert cli("--config", str(signed.root), "run", "--now", NOW).code == 0
    database = signed.data / "state.sqlite"
    database.chmod(0o644)
    assert cli("--config", str(signed.root), "proposals").code == 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    # the reports and emails inside are then out of others' reach as well
    for folder in ("reports", "outbox"):
        (signed.data / folder).chmod(0o755)
    assert cli("--config", str(signed.root), "run", "--now", NOW).code == 0
    for folder in ("reports", "outbox"):
        assert stat.S_IMODE((signed.data / folder).stat().st_mode) == 0o700, folder


def test_sign_in_links_are_kept_only_in_the_emails_that_carry_them(
    cli: CLI, signed: ConfigDir
) -> None:
    assert cli("--config", str(signed.root), "run", "--now", NOW).code == 0
    emails = sorted((signed.data / "outbox").glob("*.eml"))
    assert emails
    assert all(b"/sign-in/" in path.read_bytes() for path in emails), "the delivery itself"
    # a copy or backup of anything else gives no way in
    others = [p for p in signed.data.rglob("*") if p.is_file() and p.suffix != ".eml"]
    assert any(p.name == "state.sqlite" for p in others)
    assert [p.name for p in others if b"/sign-in/" in p.read_bytes()] == []
