# Targets a newcomer can guess. Every target does its own setup from a bare Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := qaanalysis
STAMP  := $(VENV)/.installed
CONFIG ?= data_samples/la.yaml
PERIOD ?= 2026-27-Q2

.PHONY: demo test lint bench lab setup clean synth

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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

lint: $(STAMP)
	$(BIN)/ruff check qaanalysis tests benchmarks
	$(BIN)/ruff format --check qaanalysis tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

$(VENV)/.lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	touch $(VENV)/.lab

# --allow-root only where it is needed (containers run as root; JupyterLab refuses otherwise).
lab: $(VENV)/.lab
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

synth: $(STAMP)
	$(BIN)/qaanalysis synth --out data_samples --scale small --seed 2026

clean:
	rm -rf $(VENV) outputs/*/ build *.egg-info
