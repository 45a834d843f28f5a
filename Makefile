# Two commands set everything up on a fresh machine:
#   make run   - create .venv, install what running needs, load the bundled data into
#                pactwatch.db (never dropping writes only the registry holds), show it, serve it
#   make test  - the same environment plus the test tools; run ruff, mypy and the test suite
# Afterwards `source .venv/bin/activate` puts `pactwatch` on the PATH.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
DB ?= pactwatch.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test lint typecheck pytest schema docs clean

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

# The test tools (pytest, mypy, ruff, the validators, a browser driver) only for `make test`.
$(DEV_STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

run: install
	$(BIN)/pactwatch validate
	$(BIN)/pactwatch load --db $(DB) --keep-changes
	$(BIN)/pactwatch list --db $(DB)
	$(BIN)/pactwatch show ua-ro-2024 --db $(DB)
	@echo "Serving at http://$(HOST):$(PORT)/ (Ctrl-C stops it). To run the commands yourself:"
	@echo "  source $(VENV)/bin/activate && pactwatch --help   (or $(BIN)/pactwatch ...)"
	$(BIN)/pactwatch serve --db $(DB) --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check pactwatch tests benchmarks
	$(BIN)/ruff format --check pactwatch tests benchmarks

typecheck: install-dev
	$(BIN)/mypy

# The suite runs on every core (pytest-xdist; each worker has its own PostgreSQL schema and
# temporary files) and names its slowest tests, so a slow one is seen when it comes.
PYTEST_WORKERS ?= auto

pytest: install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15

test: lint typecheck pytest

schema: install
	$(BIN)/pactwatch schema > schema/agreement.schema.json
	$(BIN)/pactwatch schema --event > schema/event.schema.json

docs: install
	$(BIN)/python -m pactwatch.export.codebook > docs/codebook.md
	$(BIN)/python -m pactwatch.export.licence > data/LICENSE.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DB) $(DB)-wal $(DB)-shm
