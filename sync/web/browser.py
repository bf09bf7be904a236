"""`serve --dev --open` (what `make serve` runs): the page opens in a browser where a person
is at a screen to see it, and is otherwise only printed. Not on a terminal (cron, a
container, output to a file) or without a display (an ssh session), Python's webbrowser
would start a text browser inside this terminal, or nothing at all."""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Callable, Mapping


def can_open(interactive: bool, environment: Mapping[str, str], platform: str) -> bool:
    if not interactive:
        return False
    if platform in ("darwin", "win32"):
        return True
    return bool(environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str, opener: Callable[[str], bool] = webbrowser.open) -> bool:
    """Open `url` if a person can see it; say how to open it otherwise. True if opened."""
    if can_open(sys.stdout.isatty(), os.environ, sys.platform) and opener(url):
        print(f"Opened {url} in your browser.", flush=True)
        return True
    print(f"Open {url} in a browser to sign in as any manager.", flush=True)
    return False
