"""The first steps README.md gives, run as written, in order, in a folder of their own with
the bundled demo: `make run`, then each command of the walkthrough, then the way into the
approval page. Nothing is set up first (no secret), as for someone who just cloned."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sync.web import create_app
from tests.serve_helpers import Server, free_port, wait_until_healthy
from tests.web_helpers import use_link

SOURCE = Path(__file__).parent.parent.parent


def _first_steps() -> list[list[str]]:
    """The ```sh blocks before README's first section, each as its commands."""
    intro = (SOURCE / "README.md").read_text().split("\n## ")[0]
    blocks = re.findall(r"```sh\n(.*?)```", intro, re.DOTALL)
    return [[line.split("  #")[0].strip() for line in b.splitlines() if line] for b in blocks]


def _recipe(target: str) -> str:
    """The command `make TARGET` runs, as the Makefile says, in the venv's terms."""
    makefile = (SOURCE / "Makefile").read_text()
    recipe = re.search(rf"^{target}:.*\n\t(.*)$", makefile, re.MULTILINE)
    assert recipe, target
    return recipe.group(1).replace("$(BIN)", ".venv/bin").replace("$(CONFIG)", "config")


def _sh(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        shell=True,
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SOURCE)},
        check=False,
    )


def test_the_readme_first_steps_work_in_order_on_the_demo(tmp_path: Path) -> None:
    shutil.copytree(SOURCE / "config", tmp_path / "config")
    program = tmp_path / ".venv" / "bin" / "checkin-sync"
    program.parent.mkdir(parents=True)
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sync "$@"\n')
    program.chmod(0o755)

    start, cycle, browser = _first_steps()
    assert start[0] == "make run"
    planned = _sh(tmp_path, _recipe("run"))
    assert planned.returncode == 0, planned.stderr
    assert "Proposed:" in planned.stdout

    said = {}
    for command in cycle:
        done = _sh(tmp_path, command)
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr
        said[command] = done.stdout
    assert ".ics" in said["ls data/export/"]
    assert ".eml" in said["ls data/outbox/"]

    # the walkthrough leaves the manager it sends to the browser something to approve
    assert browser[0] == "make serve"
    (login,) = [c for c in browser if " login-link " in c]
    manager = login.split()[-1]
    waiting = _sh(tmp_path, f".venv/bin/checkin-sync proposals --manager {manager} --json")
    assert '"state": "pending"' in waiting.stdout, f"nothing left for {manager} to approve"

    printed = _sh(tmp_path, login)
    assert printed.returncode == 0, printed.stderr
    link = next(w for w in printed.stdout.split() if "/sign-in/" in w)
    app = create_app(tmp_path / "config", dev=True)
    assert "Karin Lind" in use_link(app.test_client(), link)

    serve = _recipe("serve")
    assert serve.endswith("serve --dev --open")
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            f"exec {serve} --port {port}",
            shell=True,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(SOURCE)},
        )
    server = Server(process, port, log_file)
    try:
        wait_until_healthy(server)
        page = server.get("/dev/sign-in")
        assert page.status == 200
        assert "New sign-in link for Karin Lind" in page.body.decode()
        assert f"Open http://127.0.0.1:{port}/dev/sign-in in a browser" in server.log()
    finally:
        process.kill()
        process.wait()
