"""Holidays' names in a reader's language, kept between commands in
`data_dir/cache/holiday-names.json`.

Naming one holiday loads the holidays package and, with it, every country it knows: more
CPU than the rest of `checkin-sync proposals` on an organisation's store, where some
proposal names Christmas in every December. A name depends only on the region, the
categories, the day, the language and the holidays package installed; the file notes the
package (its module's path, size and time) and is set aside whole when another one is
installed. A lost, damaged or unwritable file only means the package is loaded again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

from sync.model.said import Holiday
from sync.plumbing.cache_file import write_json

NameIn = Callable[[Holiday, str], str]


def package_key() -> str:
    """Which holidays package is installed, found without importing it."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return ""
    try:
        found = os.stat(spec.origin)
    except OSError:
        return ""
    return f"{spec.origin}:{found.st_size}:{found.st_mtime_ns}"


class HolidayNames:
    def __init__(self, path: Path, name_in: NameIn) -> None:
        self.path = path
        self.name_in = name_in
        """How a name is found when it is not kept (sync/delivery/wording.py)."""
        self.package = package_key()
        self.names: dict[str, str] = {}
        self.changed = False
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(path.read_text())
            if isinstance(loaded, dict) and loaded.get("holidays") == self.package:
                names = loaded.get("names")
                if isinstance(names, dict):
                    self.names = {k: v for k, v in names.items() if isinstance(v, str)}

    def name(self, holiday: Holiday, code: str) -> str:
        key = "|".join((holiday.region, ",".join(holiday.categories), holiday.day, code))
        found = self.names.get(key)
        if found is None:
            found = self.names[key] = self.name_in(holiday, code)
            self.changed = True
        return found

    def save(self) -> None:
        """Keep the names found since loading; quietly not, where the file cannot be
        written (a reader without write access to data_dir)."""
        if self.changed and self.package:
            with contextlib.suppress(OSError):
                write_json(self.path, {"holidays": self.package, "names": self.names})
            self.changed = False
