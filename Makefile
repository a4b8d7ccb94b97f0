# The README's commands. `make install` is idempotent: it re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-fast validate site serve chromium docs benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The whole suite. As root (CI, a fresh container) it first installs Debian's Chromium for the browser
# tests; without root and without Chromium, those tests are skipped and the summary says why.
test: install chromium
	$(BIN)/python -m pytest

# The suite without the tests marked slow (real builds of many post-mortems, package installs).
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

validate: install
	$(BIN)/postmortem validate

# The site of the knowledge base in site/, and a live-reloading server at http://127.0.0.1:8000/.
site: install
	$(BIN)/postmortem build

serve: install
	$(BIN)/postmortem serve

# Debian's Chromium for the browser tests, found where the tests look: installed when it is missing and
# this is root; otherwise one line says the browser tests will be skipped.
chromium:
	@$(PYTHON) tests/browser.py >/dev/null || if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Debian's Chromium is not installed and this is not root: the browser tests will be skipped"; \
	fi

# Regenerates the references in docs/ (rules, command line, field tables, JSON Schema) from the code.
docs: install
	$(BIN)/python -m generator.docgen

# Re-runs the figures of benchmarks/README.md from cold (about half an hour on 2 cores; root makes a
# fresh file system for each build run).
benchmark: install
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_catalogue.py --count 1000 10000
	$(BIN)/python benchmarks/bench_git.py --repeat 3
	$(BIN)/python benchmarks/bench_preview.py
	$(BIN)/python benchmarks/bench_similar.py
	$(BIN)/python benchmarks/bench_install.py --repeat 3
	$(BIN)/python benchmarks/bench_import.py --repeat 5

clean:
	rm -rf $(VENV) build site *.egg-info .pytest_cache
