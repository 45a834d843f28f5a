# Two commands set everything up on a fresh machine:
#   make run   - create .venv, install, load the bundled data into pactwatch.db (never dropping
#                writes only the registry holds), show it, serve it
#   make test  - create .venv, install, run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= pactwatch.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck pytest schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/pactwatch validate
	$(BIN)/pactwatch load --db $(DB) --keep-changes
	$(BIN)/pactwatch list --db $(DB)
	$(BIN)/pactwatch show ua-ro-2024 --db $(DB)
	$(BIN)/pactwatch serve --db $(DB) --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check pactwatch tests benchmarks
	$(BIN)/ruff format --check pactwatch tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

schema: install
	$(BIN)/pactwatch schema > schema/agreement.schema.json
	$(BIN)/pactwatch schema --event > schema/event.schema.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DB) $(DB)-wal $(DB)-shm
