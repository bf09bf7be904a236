"""What the package declares: every library sync/ imports is a dependency of its own (not
one that happens to arrive with another), and the licence is an SPDX expression with the
file it names shipped beside it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirement_name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level_imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_library_the_package_imports_is_declared() -> None:
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    providers = packages_distributions()
    undeclared = []
    for module in sorted(_top_level_imports(ROOT / "sync")):
        if module in sys.stdlib_module_names or module == "sync":
            continue
        distributions = {_requirement_name(d) for d in providers.get(module, [])}
        assert distributions, f"sync/ imports {module}, which no installed distribution provides"
        if not distributions & declared:
            undeclared.append(f"{module} (from {', '.join(sorted(distributions))})")
    assert undeclared == [], "imported but not in [project] dependencies: " + "; ".join(undeclared)


def test_the_licence_is_an_spdx_expression_and_its_file_ships() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0"
    for name in project["license-files"]:
        text = (ROOT / name).read_text()
        assert "Apache License" in text and "Version 2.0, January 2004" in text


def _locked_versions() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line):
            pins[_requirement_name(match[1])] = match[2]
    return pins


def test_the_lock_pins_every_dependency_within_its_declared_range() -> None:
    """Deployments install requirements.lock (Dockerfile, README); pyproject.toml keeps
    ranges. A dependency added or narrowed without `make lock` is caught here."""
    from packaging.requirements import Requirement

    pins = _locked_versions()
    for text in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        name = _requirement_name(requirement.name)
        assert name in pins, f"{name} is a dependency but not in requirements.lock: make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement.specifier}"
        )
    # pip's --require-hashes (the Dockerfile's install) needs a hash under every pin
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    unhashed = [
        line.split()[0]
        for line, following in zip(lines, [*lines[1:], ""], strict=True)
        if re.match(r"^[A-Za-z0-9]", line) and "--hash=sha256:" not in following
    ]
    assert unhashed == []
