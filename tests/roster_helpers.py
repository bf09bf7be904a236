"""A people.toml of a few managers and reports, loaded, for tests that decide proposals in a
store of their own (decisions check the roster as it is now)."""

from __future__ import annotations

from pathlib import Path

from sync.config.roster import Roster, load_roster


def roster_of(folder: Path, reports: dict[str, str]) -> Roster:
    """A roster where each employee (key) reports to the manager (value)."""
    lines = []
    for manager in sorted(set(reports.values())):
        lines += ["[[managers]]", f'email = "{manager}"', f'name = "{manager}"', ""]
    for employee, manager in reports.items():
        lines += ["[[employees]]", f'email = "{employee}"', f'name = "{employee}"']
        lines += [f'manager = "{manager}"', ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "people.toml"
    path.write_text("\n".join(lines))
    return load_roster(path)


KARINS_TEAM = {"lena@example.com": "karin@example.com", "erik@example.com": "karin@example.com"}
