# saywhy — `make chat` runs it on the demo, `make test` passes the tests.
PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
STAMP      := $(VENV)/.setup-done

.PHONY: setup chat test bench lint clean browser

setup: $(STAMP)

# torch first, pinned: anything that pulls an unpinned torch gets a multi-GB CUDA build.
# the example bank too: `models --prepare` tunes the intent encoder on it
$(STAMP): pyproject.toml prompts/examples.yaml $(wildcard tools/examples/*.yaml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[test,ray]"
	$(BIN)/saywhy assets --fetch
	$(BIN)/saywhy models --prepare
	$(MAKE) --no-print-directory browser
	touch $(STAMP)

# Debian's chromium for the headless browser test (skipped by the test when absent).
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	  || echo "note: chromium not installed; the browser test will be skipped"

chat: setup
	$(BIN)/saywhy chat

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m saywhy.evals.bench

lint: setup
	$(BIN)/ruff check agent tools server evals tests
	$(BIN)/mypy agent tools server evals

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
