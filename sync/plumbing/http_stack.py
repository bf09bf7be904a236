"""Which HTTP library `requests` (Microsoft sign-in, Graph, Google's token requests) runs on.

The CalDAV client (`caldav`, through `niquests`) brings urllib3-future, a fork of urllib3.
Its startup hook (a .pth file) copies the fork over `urllib3` in site-packages the first
time Python starts as a user who can write there, so `requests` runs on the fork from then
on. Where nobody who can write site-packages ever starts Python after installing (a
container image running as another user), `requests` keeps the original urllib3: two
installs of the same lock file would run different HTTP code.

We keep the fork and make it the same everywhere: it is what the test suite runs on, every
writable environment (a virtualenv, `make`) converges to it by itself, and keeping the two
apart means building urllib3-future from source with URLLIB3_NO_OVERRIDE=1, which a
hash-locked install of wheels cannot do. Installs that run as another user take the
replacement at install time (`python -m sync.plumbing.http_stack`, which the Dockerfile runs), and
`doctor` says when an install has not.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

FORK = "urllib3-future"


@dataclass(frozen=True)
class HttpStack:
    urllib3: str
    """The version of the `urllib3` that `import urllib3` gives (what `requests` uses)."""
    fork: str | None
    """urllib3-future's version, if it is installed."""

    @property
    def consistent(self) -> bool:
        """`requests` runs on the fork wherever the fork is installed."""
        return self.fork is None or self.urllib3 == self.fork

    def describe(self) -> str:
        if self.fork is None:
            return f"requests runs on urllib3 {self.urllib3}"
        if self.consistent:
            return f"requests runs on {FORK} {self.fork}, as in the tests"
        return (
            f"requests runs on urllib3 {self.urllib3}, but {FORK} {self.fork} is installed "
            "and takes its place the next time Python starts as a user who can write "
            f"site-packages; do that now, so every run uses what the tests use: "
            f"{sys.executable} -m sync.plumbing.http_stack"
        )


def current() -> HttpStack:
    import urllib3

    try:
        fork: str | None = metadata.version(FORK)
    except metadata.PackageNotFoundError:
        fork = None
    # the module's own __version__, not the distribution's metadata: the hook overwrites
    # urllib3's files but leaves its metadata saying the original version
    return HttpStack(str(vars(urllib3)["__version__"]), fork)


def main() -> int:
    """Started as the user who installed, the .pth hook has already run: report the result,
    and fail (a container build) when `requests` is still not on the fork."""
    stack = current()
    print(stack.describe())
    return 0 if stack.consistent else 1


if __name__ == "__main__":
    sys.exit(main())
