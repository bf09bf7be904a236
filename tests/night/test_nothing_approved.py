"""A night with no approval since the last does not check approvals against the calendars:
the planner's input for it (every check-in in the store) is built only when there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sync.night import steps
from tests.cli.test_cli_end_to_end import run
from tests.conftest import ConfigDir, Result
from tests.night.test_keep_up import propose_lena, store_approve

CLI = Callable[..., Result]


def test_approvals_are_checked_only_on_a_night_that_has_one(
    cli: CLI, config: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposed = propose_lena(cli, config)
    checked: list[object] = []
    real = steps.confirm_approved

    def counted(*args: Any) -> None:
        checked.append(args)
        real(*args)

    monkeypatch.setattr(steps, "confirm_approved", counted)
    assert run(cli, config).code == 0
    assert checked == [], "nothing approved: nothing to check"

    store_approve(config, proposed["id"])
    assert run(cli, config).code == 0
    assert len(checked) == 1
