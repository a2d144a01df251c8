# Every target does its own set-up: a fresh machine needs only python3 (>= 3.11) and make
# (plus apt-get, used only when no Java runtime is found for the Spark parity test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system java demo test lint typecheck unit bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the web, report and browser tests need: Chromium (Playwright drives Debian's build; its own
# browser download cannot work here), Noto CJK fonts embedded in the PDFs, poppler-utils (pdftoppm) and Pango
# for WeasyPrint. Installed with apt-get only when missing.
SYSTEM_PKGS := chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0
system:
	@missing=""; for p in $(SYSTEM_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install$$missing" >&2; apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

# PySpark (the compliance engine's --engine spark and its parity test) needs a Java runtime (17+).
java:
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

demo: setup system
	$(BIN)/ultralow demo --no-serve

lint: setup
	$(BIN)/ruff check src tests benchmarks tools

typecheck: setup
	$(BIN)/mypy

unit: setup system java
	$(BIN)/python -m pytest

test: lint typecheck unit

bench: setup
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
