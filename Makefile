# The README's commands. `make install` is idempotent: it re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test validate docs benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest

validate: install
	$(BIN)/postmortem validate

# Regenerates the references in docs/ (rules, command line, field tables, JSON Schema) from the code.
docs: install
	$(BIN)/python -m generator.reference

benchmark: install
	$(BIN)/python benchmarks/bench_validate.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
