"""The Dockerfile in deploy/docker (no Docker daemon in the test suite, so it is read, not
built): a base image pinned to a full version, the locked dependencies with their hashes,
tini as PID 1 so SIGTERM reaches Python, and a HEALTHCHECK for the approval page."""

from __future__ import annotations

import re
from pathlib import Path

DOCKERFILE = Path(__file__).parent.parent.parent / "deploy" / "docker" / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, argument in _instructions():
        if keyword == "FROM":
            current = []
            stages[argument.split()[-1]] = current
        current.append((keyword, argument))
    return stages


def test_the_base_image_is_pinned_to_a_full_version_or_a_digest() -> None:
    (default,) = [a for k, a in _instructions() if k == "ARG" and a.startswith("PYTHON_IMAGE=")]
    image = default.split("=", 1)[1]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", image), image
    for keyword, argument in _instructions():
        if keyword == "FROM":
            assert argument.split()[0] in ("${PYTHON_IMAGE}", "run"), argument


def test_dependencies_come_from_the_lock_with_their_hashes() -> None:
    runs = " ".join(a for k, a in _stages()["build"] if k == "RUN")
    assert "--require-hashes" in runs and "-r requirements.lock" in runs
    assert "--no-deps ." in runs, "the package itself must not pull other versions"


def test_tini_is_pid_1_for_every_command() -> None:
    run = dict(reversed(_stages()["run"]))
    assert run["ENTRYPOINT"].startswith('["/usr/bin/tini", "--"')
    assert "tini" in run["RUN"]


def test_the_web_image_checks_its_health_endpoint() -> None:
    web = dict(_stages()["web"])
    assert "/healthz" in web["HEALTHCHECK"]
    assert '"serve"' in web["CMD"]


def test_requests_is_put_on_the_tested_http_library_before_dropping_root() -> None:
    run = [(k, a) for k, a in _stages()["run"] if k in ("RUN", "USER")]
    keywords = [k for k, _ in run]
    check = next(
        i for i, (k, a) in enumerate(run) if k == "RUN" and "-m sync.plumbing.http_stack" in a
    )
    assert check < keywords.index("USER"), "as root, who can write site-packages"
