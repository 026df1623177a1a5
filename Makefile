# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
APT_PACKAGES := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: run test lint typecheck pytest safety system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# On Debian as root, the system packages the tests use (Chromium, fonts, WeasyPrint's
# libraries). Elsewhere the tests that need them skip with the reason (and fail in CI).
system-packages: | $(BIN)/python
	@if [ -f $(SYSTEM_STAMP) ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	  touch $(SYSTEM_STAMP); \
	else echo "not Debian as root: skipping system packages (browser and PDF tests will skip)"; fi

# make run PORT=8001 to serve on another port
PORT ?= 8000
run: $(STAMP)
	$(BIN)/garant demo --directory .garant-demo --host 127.0.0.1 --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench scripts)
	$(BIN)/ruff format --check src tests $(wildcard bench scripts)

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-packages
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test: lint typecheck pytest

# The long safety profile: thousands of random schemas per backend (docs/dev/testing.md).
safety: $(STAMP) system-packages
	GARANT_SAFETY_PROFILE=long $(BIN)/pytest -q -p no:cacheprovider tests/safety $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .garant-demo .mypy_cache .ruff_cache
