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
PIP := $(PYTHON) -m pip --disable-pip-version-check
UV := $(ENV_DIR)/bin/uv

export SOURCES_DIR ?= $(abspath ../shared/sources)
# Reproducible to the byte: no timestamps, no hash randomisation, one backend.
export SOURCE_DATE_EPOCH := 0
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# What feeds what. Each stage's code is a prerequisite of the outputs it makes, and of nothing else.
RAW := data/raw/sources.csv data/raw/figures.csv data/raw/indicators.csv data/raw/out_of_scope.csv data/raw/claim_links.csv
OFFICIAL_RAW := $(sort $(wildcard data/raw/official/*))
AUDIT := data/raw/extraction_audit.csv
BASE_CODE := src/helpers/__init__.py src/helpers/paths.py src/helpers/files.py src/helpers/params.py src/helpers/numbers.py \
  src/helpers/i18n.py
# A language's translations feed every stage that writes text: the checks' messages, the notebooks'
# findings and charts, and the page.
TRANSLATIONS := src/helpers/locale/vi/LC_MESSAGES/messages.po
DATA_CODE := $(BASE_CODE) $(TRANSLATIONS) $(wildcard src/helpers/data/*.py)
AUDIT_CODE := $(BASE_CODE) $(addprefix src/helpers/data/,__init__.py audit.py raw.py parse.py)
NOTEBOOK_CODE := $(BASE_CODE) $(TRANSLATIONS) $(wildcard src/helpers/analysis/*.py src/helpers/charts/*.py src/helpers/run/*.py)
REPORT_CODE := $(BASE_CODE) $(TRANSLATIONS) $(wildcard src/helpers/report/*.py src/helpers/report/templates/*)
CLEAN_NOTEBOOK := notebooks/01-clean.ipynb
CLEAN_STAMP := build/clean.stamp
INDICATOR_NOTEBOOKS := $(filter-out $(CLEAN_NOTEBOOK),$(sort $(wildcard notebooks/*.ipynb)))
# The report in each language: English from build/notebooks and build/figures, Vietnamese from
# build/notebooks.vi and build/figures.vi (the notebooks run with lang=vi), both from one set of notebooks.
EXECUTED := $(patsubst notebooks/%,build/notebooks/%,$(INDICATOR_NOTEBOOKS))
EXECUTED_VI := $(patsubst notebooks/%,build/notebooks.vi/%,$(INDICATOR_NOTEBOOKS))
REPORTS := reports/report.html reports/report.vi.html
# Babel's extraction: the markers of the code (_, n_, N_), as babel.cfg maps the files.
EXTRACT_KEYWORDS := -k _ -k n_:1,2 -k N_

.PHONY: help env lock data audit notebooks report test lab bench clean translations

help: ## list the targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

env: $(INSTALLED) ## create .venv (unless an environment is active) and install the pinned packages

# uv, pinned in the lock, installs the lock in seconds; where uv cannot run, pip installs it instead. Both
# compile the packages' bytecode as they install them (pip does by default), so that no run recompiles
# them, even where PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles.
$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(ENV_DIR)
	@echo "installing the $$(grep -c '==' requirements.lock) pinned packages of requirements.lock into $(ENV_DIR)"
	@if $(PIP) install --quiet "$$(grep '^uv==' requirements.lock)" 2> >(grep -v "$(PIP_NOISE)" >&2) \
	    && $(UV) pip install --python $(PYTHON) --compile-bytecode -r requirements.lock; then \
	  $(UV) pip install --python $(PYTHON) --quiet --no-deps --no-build-isolation -e .; \
	else \
	  echo "uv could not install the lock; installing it with pip"; \
	  $(PIP) install --quiet -r requirements.lock 2> >(grep -v "$(PIP_NOISE)" >&2); \
	  $(PIP) install --quiet --no-deps --no-build-isolation -e . 2> >(grep -v "$(PIP_NOISE)" >&2); \
	fi
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 > /dev/null
	@touch $@

lock: $(INSTALLED) ## re-resolve requirements.in into requirements.lock and environment.yml (needs the package registry)
	$(UV) pip compile --quiet --python $(PYTHON) --no-header --no-annotate requirements.in -o requirements.lock
	$(PYTHON) -m helpers.tools.environment

audit: $(AUDIT) ## check that every numeric token of the source documents is captured or explained

$(AUDIT): $(RAW) $(AUDIT_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.data.audit
	@touch $@  # the audit rewrites the file only when its content changes

data: $(AUDIT) $(CLEAN_STAMP) ## run the data steps: extraction audit, then the clean tables, checks and datapackage.json

# The clean step rewrites a clean file only when its content changes; the stamp records that it ran.
$(CLEAN_STAMP): $(RAW) $(OFFICIAL_RAW) $(DATA_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.data.pipeline
	@mkdir -p $(@D) && touch $@

# The indicator notebooks that changed, or all of them when the clean layer or their code changed, in every
# language of the report at once (every kernel at the same time): build/notebooks, and build/notebooks.vi with
# the charts in build/figures.vi. RUNNER_OPTIONS=--ordinary-kernels starts each kernel as a new interpreter
# instead of forked from the runner: the same outputs, more slowly (make bench times both).
RUNNER_OPTIONS ?=
$(EXECUTED) $(EXECUTED_VI) &: $(INDICATOR_NOTEBOOKS) $(CLEAN_STAMP) $(NOTEBOOK_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.run.notebooks --report $(RUNNER_OPTIONS) \
	  $(if $(filter-out $(INDICATOR_NOTEBOOKS),$?),$(INDICATOR_NOTEBOOKS),$(filter $(INDICATOR_NOTEBOOKS),$?))
	@touch $(EXECUTED) $(EXECUTED_VI)

notebooks: $(AUDIT) | $(INSTALLED) ## re-execute the committed notebooks in place with their defaults (after a data change)
	$(PYTHON) -m helpers.run.notebooks --in-place $(CLEAN_NOTEBOOK)
	$(PYTHON) -m helpers.run.notebooks --in-place $(INDICATOR_NOTEBOOKS)

report: $(REPORTS) ## build the self-contained HTML report: reports/report.html (English), reports/report.vi.html (Vietnamese)

$(REPORTS) &: $(AUDIT) $(CLEAN_STAMP) $(EXECUTED) $(EXECUTED_VI) $(REPORT_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.report

# A translator reviews the .po files; this refreshes them from the code, the template and the notebooks'
# prose. New messages come in untranslated (the tests fail until they are translated), changed ones fuzzy.
translations: | $(INSTALLED) ## extract the messages to translate (pybabel extract) and merge them into each .po (pybabel update)
	@mkdir -p build/locale
	$(ENV_DIR)/bin/pybabel extract -F babel.cfg $(EXTRACT_KEYWORDS) --no-location --sort-output \
	  --omit-header -o build/locale/messages.pot .
	$(ENV_DIR)/bin/pybabel update -i build/locale/messages.pot -d src/helpers/locale -D messages -w 100 \
	  --ignore-pot-creation-date

test: report | $(INSTALLED) ## run every test: unit tests, every notebook under nbval (strict), the browser test
	$(PYTHON) -m pytest

lab: $(INSTALLED) ## open JupyterLab on notebooks/
	$(ENV_DIR)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(INSTALLED) ## time a fresh set-up, cold and no-op report, make test, and the floor (medians of several runs)
	$(PYTHON) -m helpers.tools.bench

clean: ## remove build outputs (keeps .venv and the committed data)
	rm -rf build $(REPORTS) reports/screenshot*.png data/clean/*.csv data/clean/*.json
