# Viet Nam digital government: every figure traced to its source, cleaned, charted and reported.
# `make help` lists the targets. The analysis is a DAG: raw -> clean -> notebooks -> report.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Use the active environment if there is one, else the project's own .venv.
ifdef VIRTUAL_ENV
ENV_DIR := $(VIRTUAL_ENV)
else ifdef CONDA_PREFIX
ENV_DIR := $(CONDA_PREFIX)
else
ENV_DIR := .venv
endif
PYTHON := $(ENV_DIR)/bin/python
INSTALLED := $(ENV_DIR)/.installed-vn-digital-government
# This machine's pip configuration names index folders that may not exist; that noise is not ours.
PIP_NOISE := is ignored: it is neither a file nor a directory

export SOURCES_DIR ?= $(abspath ../shared/sources)
# Reproducible to the byte: no timestamps, no hash randomisation, one backend.
export SOURCE_DATE_EPOCH := 0
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

RAW := data/raw/sources.csv data/raw/figures.csv data/raw/indicators.csv data/raw/out_of_scope.csv
AUDIT := data/raw/extraction_audit.csv
HELPERS := $(wildcard src/helpers/*.py)
CLEAN_NOTEBOOK := notebooks/01-clean.ipynb
CLEAN_STAMP := build/clean.stamp
CLEAN_DEPS := $(CLEAN_NOTEBOOK) $(RAW) data/raw/reference.csv $(HELPERS)
# Expanded when a recipe runs: "yes" when the clean step has not run since its inputs last changed.
clean_is_stale = $(shell [ -f $(CLEAN_STAMP) ] && [ -z "$$(find $(CLEAN_DEPS) -newer $(CLEAN_STAMP))" ] || echo yes)
INDICATOR_NOTEBOOKS := $(filter-out $(CLEAN_NOTEBOOK),$(sort $(wildcard notebooks/*.ipynb)))
EXECUTED := $(patsubst notebooks/%,build/notebooks/%,$(INDICATOR_NOTEBOOKS))

.PHONY: help env lock data audit notebooks report test lab bench clean

help: ## list the targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

env: $(INSTALLED) ## create .venv (unless an environment is active) and install the pinned packages

$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(ENV_DIR)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock 2> >(grep -v "$(PIP_NOISE)" >&2)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2> >(grep -v "$(PIP_NOISE)" >&2)
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 > /dev/null
	@touch $@

lock: ## re-resolve requirements.in into requirements.lock and environment.yml (needs the package registry)
	rm -rf build/lock-env && python3 -m venv build/lock-env
	build/lock-env/bin/pip install --quiet -r requirements.in 2> >(grep -v "$(PIP_NOISE)" >&2)
	build/lock-env/bin/pip freeze --all --exclude-editable | grep -v '^pip==' > requirements.lock
	PYTHONPATH=src build/lock-env/bin/python -m helpers.environment
	rm -rf build/lock-env

audit: $(AUDIT) ## check that every numeric token of the source documents is captured or explained

$(AUDIT): $(RAW) src/helpers/audit.py src/helpers/raw.py | $(INSTALLED)
	$(PYTHON) -m helpers.audit

data: $(AUDIT) $(CLEAN_STAMP) ## run the data steps: extraction audit, then the clean table, checks and datapackage.json

# The clean step rewrites a clean file only when its content changes; the stamp records that it ran.
$(CLEAN_STAMP): $(CLEAN_DEPS) | $(INSTALLED)
	$(PYTHON) -m helpers.run_notebooks --output-dir build/notebooks $(CLEAN_NOTEBOOK)
	@touch $@

# One driver runs the clean step when it is stale, then the indicator notebooks that changed (all of
# them when the clean step ran or the helpers changed), several kernels at once.
$(EXECUTED) &: $(INDICATOR_NOTEBOOKS) $(CLEAN_DEPS) | $(INSTALLED)
	$(PYTHON) -m helpers.run_notebooks --output-dir build/notebooks $(if $(clean_is_stale),--first $(CLEAN_NOTEBOOK)) \
	  $(if $(clean_is_stale)$(filter-out $(INDICATOR_NOTEBOOKS),$?),$(INDICATOR_NOTEBOOKS),$(filter $(INDICATOR_NOTEBOOKS),$?))
	@touch $(CLEAN_STAMP) $(EXECUTED)

notebooks: $(AUDIT) | $(INSTALLED) ## re-execute the committed notebooks in place with their defaults (after a data change)
	$(PYTHON) -m helpers.run_notebooks --in-place --first $(CLEAN_NOTEBOOK) $(INDICATOR_NOTEBOOKS)

report: reports/report.html ## build the self-contained HTML report at reports/report.html

reports/report.html: $(AUDIT) $(EXECUTED) src/helpers/report.py src/helpers/io.py | $(INSTALLED)
	$(PYTHON) -m helpers.report

test: report | $(INSTALLED) ## run every test: unit tests, every notebook under nbval (strict), the browser test
	$(PYTHON) -m pytest

lab: $(INSTALLED) ## open JupyterLab on notebooks/
	$(ENV_DIR)/bin/jupyter lab --notebook-dir=notebooks

bench: $(INSTALLED) ## time cold and no-op report, make test and the floor (medians of several runs)
	$(PYTHON) -m helpers.bench

clean: ## remove build outputs (keeps .venv and the committed data)
	rm -rf build reports/report.html reports/screenshot.png data/clean/*.csv data/clean/*.json
