# Two commands: `make demo` and `make test` (each installs what it needs first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench,scale]'
	touch $(STAMP)

demo: install
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/newsdesk add examples/ --db demo.db --no-progress
	$(BIN)/newsdesk stories --db demo.db
	$(BIN)/newsdesk show --db demo.db floods-2
	$(BIN)/newsdesk claims --db demo.db --speaker Leite
	$(BIN)/newsdesk export --db demo.db --format json -o demo.json

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo.db* demo.json .pytest_cache
