# Every target creates the virtualenv on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config

.PHONY: run serve test check lock clean bench bench-quick catalogues

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record which extras are installed; they are rebuilt when pyproject.toml changes.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-base

run: $(VENV)/.installed-base
	$(BIN)/checkin-sync --config $(CONFIG) run

serve: $(VENV)/.installed-base
	$(BIN)/checkin-sync --config $(CONFIG) serve --dev --open

# The browser test and the systemd unit check need Debian packages: installed as root,
# otherwise the script names the command to run.
test: $(VENV)/.installed-dev
	scripts/test-prerequisites
	$(BIN)/python -m pytest

# lint-imports holds the import contracts in pyproject.toml: the parts of sync/ depend one way.
check: $(VENV)/.installed-dev
	$(BIN)/ruff check sync tests bench
	$(BIN)/ruff format --check sync tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# After changing a text people receive: collect the texts (gettext calls, N_ marks, and
# the planner's say/say_n sentences, sync/model/said.py), then add new ones to every
# language's catalogue (sync/locale/<code>/LC_MESSAGES/messages.po) and translate them there.
catalogues: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F sync/locale/babel.cfg -k N_ -k say -k say_n:1,2 --no-location --sort-output \
		--project checkin-sync -o sync/locale/messages.pot .
	$(BIN)/pybabel update -i sync/locale/messages.pot -d sync/locale --ignore-obsolete \
		--no-fuzzy-matching

# requirements.lock: the exact, hashed versions deployments install (Dockerfile, README);
# pyproject.toml keeps ranges. Run after changing dependencies, and to take updates.
lock: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet 'uv>=0.5'
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--upgrade --no-header --quiet -o requirements.lock

# Organisation-scale benchmarks (bench/README.md): not tests, nothing is asserted.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench --sizes 1000 10000

bench-quick: $(VENV)/.installed-dev
	$(BIN)/python -m bench --sizes 1000

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache tests/artifacts
