"""The CHECKIN_SYNC_* environment variables that set nothing.

pydantic-settings ignores a variable whose name matches no setting, so a misspelled
CHECKIN_SYNC_HORIZON_WEEK would leave the operator believing it took effect.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

PREFIX = "CHECKIN_SYNC_"
NESTED = "__"
OTHER_VARIABLES = frozenset(
    {
        "CHECKIN_SYNC_CONFIG",  # the config folder (cli.py)
        "CHECKIN_SYNC_ALLOW_FAR_NOW",  # a real run at a far --now (cli.py)
        "CHECKIN_SYNC_CRASH_AT",  # fault injection for the crash-safety tests (faults.py)
        "CHECKIN_SYNC_CRASH_LOG",
        "CHECKIN_SYNC_ALLOW_NO_BROWSER",  # the browser test's switches
        "CHECKIN_SYNC_CHROMIUM",
        "CHECKIN_SYNC_CHROMEDRIVER",
    }
)
"""Variables that are not settings but are read elsewhere."""


def unknown_variables(environ: Mapping[str, str], model: type[BaseModel]) -> list[str]:
    """A warning for each CHECKIN_SYNC_* variable that sets nothing, naming the closest known
    one. A key inside a section is left to the settings model, which refuses unknown keys."""
    known = sorted(OTHER_VARIABLES | {PREFIX + name.upper() for name in model.model_fields})
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known:
            continue
        section = upper[len(PREFIX) :].split(NESTED, 1)[0]
        if NESTED in upper and section.lower() in model.model_fields:
            continue
        hint = _closest(upper[len(PREFIX) :], known)
        hint = f"; did you mean {hint}?" if hint else ""
        warnings.append(f"environment {name}: not a setting of checkin-sync, ignored{hint}")
    return warnings


def _closest(tail: str, known: list[str]) -> str | None:
    """The known variable `tail` (the name after the prefix) most likely meant: compared
    without the prefix, which would make every name look alike, and for SECTION__KEY by
    its section, keeping the key."""
    section, nested, key = tail.partition(NESTED)
    tails = {variable[len(PREFIX) :]: variable for variable in known}
    match = difflib.get_close_matches(section if nested else tail, tails, n=1, cutoff=0.6)
    if not match:
        return None
    return f"{tails[match[0]]}{NESTED}{key}" if nested else tails[match[0]]
