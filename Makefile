# Every target works on a fresh clone: the virtualenv is created and the
# package installed on first use, then reused while pyproject.toml is unchanged.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-browser lint format bench clean snapshots docs fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.runtime $@

demo: $(VENV)/.runtime
	$(BIN)/surveykit analyze surveys/singapore_pss/responses.csv

# The repo's own CI is a user of `surveykit check`: every sample survey must match expected/.
test: $(VENV)/.dev
	$(BIN)/python -m pytest -q
	$(BIN)/surveykit check surveys/*

# The property tests with fresh random examples (CI replays a fixed set); FUZZ_EXAMPLES per test.
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.dev
	HYPOTHESIS_PROFILE=explore HARDEN_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q \
	  tests/test_hardening_corpus.py tests/test_hardening_markdown.py tests/test_properties.py

# Renders the HTML report in headless Chromium (installed from Debian if missing).
test-browser: $(VENV)/.dev
	@command -v chromium >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(BIN)/python -m pytest -q tests/test_report_browser.py -rs

# Rewrite tests/snapshots/ (every renderer, both sample surveys) after an intended change;
# review the diff before committing. Deterministic: a second run changes nothing.
snapshots: $(VENV)/.dev
	$(BIN)/python -m scripts.snapshots --update

# Rewrite the output shown in README.md and docs/*.md from real runs, and the generated
# regions (the NIST accuracy table); tests/test_docs.py fails when a file would change.
docs: $(VENV)/.dev
	$(BIN)/python -m scripts.docs --update

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# make bench BENCH_ARGS=--linearity adds the 5M run; figures go to docs/performance.md by hand.
BENCH_ARGS ?=
bench: $(VENV)/.runtime
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
