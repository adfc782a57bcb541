# hamscore: `make run` serves the app with demo data, `make test` runs every suite.
# Everything installs into .venv from the pinned lock (uv.lock), so a fresh machine gets exactly
# what CI tested.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.8

.PHONY: install browser run test test-fast bench lint clean

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv export -q --frozen --all-extras --group dev --no-emit-project -o $(VENV)/requirements.txt
	$(BIN)/uv pip install -q --python $(BIN)/python -r $(VENV)/requirements.txt
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

install: $(STAMP)

# The browser tests drive Debian's Chromium; Playwright cannot download a browser of its own here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/hamscore serve --demo

test: install browser
	$(BIN)/pytest

# Everything but the browser tests, for a quick loop while editing.
test-fast: install
	$(BIN)/pytest -m "not browser"

bench: install
	$(BIN)/pytest benchmarks --benchmark-enable -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .benchmarks
