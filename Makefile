# Workforce Ops: `make run` starts the product, `make test` runs every check. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test install install-dev lint format bench lock smoke clean-data

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(PY) -m workforce.launcher

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) scripts/bench_all.py

# Recompile the hashed locks after editing requirements.in / requirements-dev.in (options: pyproject.toml).
lock: $(DEV_STAMP)
	$(VENV)/bin/pip-compile -q -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile -q -o requirements-dev.txt requirements-dev.in

# The newcomer's path in a clean clone of HEAD: `make run` from requirements.txt alone, demo data, Ctrl-C.
smoke:
	$(PYTHON) scripts/smoke_newcomer.py

clean-data:
	rm -rf .data
