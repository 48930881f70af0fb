# Entry points: `make run` (embedded stack), `make test` (whole suite), `make bench`.
# Everything runs from the virtual environment in .venv; `make venv` builds it with a
# Python >= 3.13 and reinstalls only when pyproject.toml changes.

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Static-analysis tools (checkov) whose pins clash with ours: their own environment.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: venv tools browser run test lint bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@set -e; \
	ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 13))' >/dev/null 2>&1; }; \
	if ! ok $(BIN)/python; then \
	  py=""; \
	  for candidate in python3.13 python3.14; do \
	    if ok "$$candidate"; then py="$$candidate"; break; fi; \
	  done; \
	  if [ -z "$$py" ] && command -v pyenv >/dev/null 2>&1; then \
	    for candidate in "$$(pyenv root)"/versions/3.13*/bin/python3; do \
	      if ok "$$candidate"; then py="$$candidate"; break; fi; \
	    done; \
	  fi; \
	  if [ -z "$$py" ]; then \
	    echo "error: IBTool needs Python >= 3.13; tried python3.13, python3.14 and" \
	      "pyenv's versions/3.13*. Install one (for example 'pyenv install 3.13')." >&2; \
	    exit 1; \
	  fi; \
	  echo "creating $(VENV) with $$py"; \
	  rm -rf $(VENV); \
	  "$$py" -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Built with the same interpreter as .venv; reinstalled when the requirements change.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): deploy/tools-requirements.txt | $(STAMP)
	@set -e; \
	if [ ! -x $(TOOLS)/bin/python ]; then \
	  py="$$($(BIN)/python -c 'import sys; print(sys._base_executable)')"; \
	  echo "creating $(TOOLS) with $$py"; \
	  "$$py" -m venv $(TOOLS); \
	fi
	$(TOOLS)/bin/python -m pip install --quiet -r deploy/tools-requirements.txt
	@touch $@

run: venv
	$(BIN)/ibtool run

test: venv tools browser
	$(BIN)/pytest

# Debian's chromium, for the Web UI test (tests/integration/test_web_ui_codec.py; Playwright's
# own browser download cannot work offline). Installing needs root; without it the test
# is skipped, and says so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the Web UI test"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y -q chromium >/dev/null 2>&1 || \
	      { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	  else echo "not root: skipping; the Web UI test will be skipped"; fi; }

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: venv
	$(BIN)/python -m bench

# Removes the environment, caches and build output. Keeps .data (your local complaints).
clean:
	rm -rf $(VENV) $(TOOLS) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./.data -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
