"""Writing the run's cache files (data_dir/cache/): each is replaced whole, so a run killed
mid-write leaves the old file or the new one, never half of one. They are shortcuts only, so
no fsync: a cache lost to a power cut costs one slower night."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sync.config.paths import make_private_dir


def write_json(path: Path, payload: Any) -> None:
    make_private_dir(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(payload, out)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
