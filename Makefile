# Two commands: `make demo` and `make test` (each installs what it needs first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser demo test bench screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench,web,browser,scale]'
	touch $(STAMP)

demo: install
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/newsdesk add examples/ --db demo.db --no-progress
	$(BIN)/newsdesk stories --db demo.db
	$(BIN)/newsdesk show --db demo.db floods-2
	$(BIN)/newsdesk claims --db demo.db --speaker Leite
	$(BIN)/newsdesk export --db demo.db --format json -o demo.json

# The browser tests (tests/test_web_browser.py) drive Debian's chromium; installed here when missing and we are root.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "note: chromium could not be installed; the browser tests will skip"; \
	  else echo "note: no chromium (apt-get install chromium chromium-driver as root); the browser tests will skip"; fi; \
	fi

test: install browser
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest

screenshots: install browser
	$(BIN)/python docs/screenshots.py

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo.db* demo.json .pytest_cache
