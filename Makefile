# nomina — one task runner: install, demo, lint, test.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: install demo test lint clean java chromium

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres,spark]'
	touch $@

demo: install
	$(VENV)/bin/nomina demo

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

# Spark (nomina resolve --engine spark, and its tests) needs a Java runtime, 17 or later.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "installing a Java runtime for the Spark engine"; \
		apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# The browser tests (tests/test_web_browser.py) drive Debian's Chromium through Playwright,
# which never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: lint java chromium
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) nomina.db nomina.db-wal nomina.db-shm nomina.db.features-v*.parquet demo-world
