"""How the values of one people.toml entry are read and described: which keys describe the
person and which the pair, what was given, and pydantic's complaints as messages that name
the entry and the field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sync.config.days_off import (
    country_of,
    missing_categories,
    supported_categories,
)
from sync.model.cadence import Cadence
from sync.plumbing.i18n import N_

SECTIONS = ("defaults", "managers", "employees")
PERSONAL_KEYS = (
    "name",
    "timezone",
    "working_hours",
    "working_days",
    "holidays",
    "holiday_categories",
    "calendar",
    "works",
)
"""What describes the person rather than the pair; the same wherever the person appears."""
PAIR_KEYS = ("cadence", "duration", "return_checkin_after_days")
ARRANGEMENT_WORDS = {
    "remote": N_("%(name)s works remotely"),
    "hybrid": N_("%(name)s works hybrid"),
    "office": N_("%(name)s works at the office"),
}
"""Why someone has their cadence when how they work set it; %(name)s is their first name."""
ARRANGEMENT = "arrangement"
"""Not a text: the cadence comes from how the person works, worded once that is final."""
ORGANISATION_DEFAULT = N_("the organisation's default")
SET_BY_THEMSELVES = N_("set by %(name)s")
TEAM_DEFAULT = N_("%(name)s's default for the team")


def arrangement_cadence(values: dict[str, Any]) -> dict[str, Any]:
    """The cadence for how the person works, when nothing more specific set one."""
    if values["cadence_source"][0] != ARRANGEMENT:
        return {}
    works = values["works"]
    cadence: Cadence = getattr(values["cadence_by_arrangement"], works)
    return {"cadence": cadence, "cadence_source": (ARRANGEMENT_WORDS[works], "")}


def wrong_categories(values: dict[str, Any]) -> str:
    """Why the holiday categories an entry sets do not fit the country it names (or
    inherits); empty when they do."""
    region: str = values["holidays"]
    categories: tuple[str, ...] = values.get("holiday_categories", ())
    if not region or not categories:
        return ""
    missing = missing_categories(region, categories)
    if not missing:
        return ""
    country = country_of(region)
    known = ", ".join(f'"{c}"' for c in supported_categories(country))
    return (
        f'holiday_categories: the holidays package has no "{missing[0]}" holidays for '
        f"{country} (it has {known})"
    )


def personal(given: dict[str, Any]) -> frozenset[str]:
    return frozenset(key for key in given if key in PERSONAL_KEYS)


def given(entry: BaseModel) -> dict[str, Any]:
    """The keys an entry actually sets, with their parsed values (not dumped to dicts)."""
    return {
        name: getattr(entry, name)
        for name in entry.model_fields_set
        if getattr(entry, name) is not None
    }


def messages(error: ValidationError) -> list[tuple[str, str]]:
    """pydantic's errors as (field, message) in the words people.toml uses."""
    result = []
    for item in error.errors():
        location = _location(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            message = "unknown key"
        elif kind == "missing":
            message = "is required"
        elif kind == "value_error":
            message = str(item["ctx"]["error"])
        else:
            message = f"{item['msg'].lower()} (got {item['input']!r})"
        result.append((location, message))
    return result


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "entry"
