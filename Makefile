# The two commands a new user needs: `make demo` and `make test`. Each installs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser demo test test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .[dev]
	touch $(STAMP)

# Headless Chromium for the owner-report test (Debian's package; apt needs root).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

demo: install
	$(BIN)/retrofit demo

test: install browser
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not annual"

lint: install
	$(BIN)/ruff check retrofit tests bench
	$(BIN)/ruff format --check retrofit tests bench

bench: install
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/dask_overhead.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
