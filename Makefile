# Targets a newcomer can guess. Every target does its own setup from a bare Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL := qaanalysis
STAMP  := $(VENV)/.installed
CONFIG ?= data_samples/la.yaml
PERIOD ?= 2026-27-Q2

# The newest Python the suite supports (3.13, else 3.12), from PATH or pyenv, tried before it is
# taken (a pyenv shim of a version not selected fails); empty if there is none.
NEWEST_PYTHON ?= $(shell for v in 3.13 3.12; do \
	for p in $$(command -v python$$v) $$(ls -d $$HOME/.pyenv/versions/$$v*/bin/python$$v 2>/dev/null | sort -V | tail -n 1); do \
		$$p -c "import venv" >/dev/null 2>&1 && echo $$p && exit 0; done; done)
NEWEST_VENV   ?= build/venv-newest

.PHONY: demo test test-unit test-newest lint bench bench-null lab setup clean synth lock

setup: $(STAMP)

# Installs exactly the tested versions (constraints.txt) within pyproject.toml's bounds.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (qaanalysis)" >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qaanalysis validate --config $(CONFIG)
	$(BIN)/qaanalysis run --config $(CONFIG) --period $(PERIOD) --report quarterly
	$(BIN)/qaanalysis run --config $(CONFIG) --period 2025-26 --report annual
	$(BIN)/qaanalysis run --config $(CONFIG) --period 2026-09 --report monthly
	@echo "Packs written under outputs/"

# pytest exits 5 when no tests are collected; make fails on any non-zero exit.
test: $(STAMP)
	$(BIN)/python -m pytest -q

# The unit tests only (about a minute): while working on one module.
test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

lint: $(STAMP)
	$(BIN)/ruff check qaanalysis tests benchmarks
	$(BIN)/ruff format --check qaanalysis tests benchmarks
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# False discoveries: the analysis layer of 20 authorities with no planted change (about 10 minutes).
bench-null: $(STAMP)
	$(BIN)/python benchmarks/null_authorities.py

$(VENV)/.lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,lab]"
	touch $(VENV)/.lab

# --allow-root only where it is needed (containers run as root; JupyterLab refuses otherwise).
lab: $(VENV)/.lab
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

synth: $(STAMP)
	$(BIN)/qaanalysis synth --out data_samples --scale small --seed 2026

# The same tests on the newest supported Python, installed from the same constraints.
test-newest:
	@if [ -z "$(NEWEST_PYTHON)" ]; then \
		echo "test-newest: no Python 3.13 or 3.12 found; tested on $$($(PYTHON) --version) only"; \
	else \
		$(MAKE) --no-print-directory test PYTHON=$(NEWEST_PYTHON) VENV=$(NEWEST_VENV); \
	fi

# Refresh constraints.txt: a fresh install of the newest releases within pyproject.toml's bounds,
# frozen. Then run `make test` and commit both files.
lock:
	rm -rf build/venv-lock
	$(PYTHON) -m venv build/venv-lock
	build/venv-lock/bin/python -m pip install --quiet --upgrade pip
	build/venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ sed -n '/^#/p' constraints.txt; \
	  build/venv-lock/bin/python -m pip freeze --exclude-editable | grep -v -i '^qaanalysis'; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf build/venv-lock

clean:
	rm -rf $(VENV) $(NEWEST_VENV) outputs/*/ build *.egg-info
