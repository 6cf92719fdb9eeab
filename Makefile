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
REPORTS := reports/report.html reports/report.vi.html reports/official_indicators.zip
# Babel's extraction: the markers of the code (_, n_, N_), as babel.cfg maps the files.
EXTRACT_KEYWORDS := -k _ -k n_:1,2 -k N_

.PHONY: help env lock data audit notebooks report test lab bench clean translations propose accept

help: ## list the targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

env: $(INSTALLED) ## create .venv (unless an environment is active) and install the pinned packages

# uv, pinned in the lock, installs the lock in seconds; where uv cannot run, pip installs it instead. The lock
# names every package, so nothing is resolved at install time (--no-deps): jsonschema's optional IRI checker,
# which takes a second to import in every notebook runner and which the project does not use, stays out (see
# `make lock`). Both compile the packages' bytecode as they install them, so that no run recompiles them.
$(INSTALLED): requirements.lock pyproject.toml
	@started=$$SECONDS; \
	if [ ! -x $(PYTHON) ]; then echo "set-up: creating the virtual environment $(ENV_DIR)"; python3 -m venv $(ENV_DIR); fi; \
	echo "set-up: installing the $$(grep -c '==' requirements.lock) pinned packages of requirements.lock into $(ENV_DIR) (first time: about 20 s)"; \
	if $(PIP) install --quiet "$$(grep '^uv==' requirements.lock)" 2> >(grep -v "$(PIP_NOISE)" >&2) \
	    && $(UV) pip install --quiet --python $(PYTHON) --compile-bytecode --no-deps -r requirements.lock; then \
	  $(UV) pip install --quiet --python $(PYTHON) --no-deps --no-build-isolation -e .; \
	else \
	  echo "set-up: uv could not install the lock; installing it with pip"; \
	  $(PIP) install --quiet --no-deps -r requirements.lock 2> >(grep -v "$(PIP_NOISE)" >&2); \
	  $(PIP) install --quiet --no-deps --no-build-isolation -e . 2> >(grep -v "$(PIP_NOISE)" >&2); \
	fi; \
	echo "set-up: registering the Jupyter kernel python3 of $(ENV_DIR)"; \
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 > /dev/null; \
	touch $@; \
	echo "set-up: done in $$((SECONDS - started)) s: $$($(PYTHON) --version), papermill $$($(PYTHON) -c 'import importlib.metadata as m; print(m.version("papermill"))'), the project installed in $(ENV_DIR)"

lock: $(INSTALLED) ## re-resolve requirements.in into requirements.lock and environment.yml (needs the package registry)
	$(UV) pip compile --quiet --python $(PYTHON) --no-header --no-annotate --no-emit-package rfc3987-syntax \
	  --no-emit-package lark requirements.in -o requirements.lock
	$(PYTHON) -m helpers.tools.environment

# ALLOW_SHRINK=1: the data steps go on with a raw table without rows, and publish clean tables that lose most of
# their rows; without it they stop and say so.
SHRINK_OPTION := $(if $(filter 1,$(ALLOW_SHRINK)),--allow-shrink)

audit: $(AUDIT) ## check that every numeric token of the source documents is captured or explained

$(AUDIT): $(RAW) $(AUDIT_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.data.audit $(SHRINK_OPTION)
	@touch $@  # the audit rewrites the file only when its content changes

data: $(AUDIT) $(CLEAN_STAMP) ## run the data steps: extraction audit, then the clean tables, checks and datapackage.json

# The clean step rewrites a clean file only when its content changes; the stamp records that it ran.
$(CLEAN_STAMP): $(RAW) $(OFFICIAL_RAW) $(DATA_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.data.pipeline $(SHRINK_OPTION)
	@mkdir -p $(@D) && touch $@

# The indicator notebooks that changed, or all of them when the clean layer or their code changed, in every
# language of the report in one run of the runner, as many notebooks at once as there are cores:
# build/notebooks with the charts in build/figures, build/notebooks.vi with build/figures.vi.
$(EXECUTED) $(EXECUTED_VI) &: $(INDICATOR_NOTEBOOKS) $(CLEAN_STAMP) $(NOTEBOOK_CODE) | $(INSTALLED)
	$(PYTHON) -m helpers.run.notebooks --report \
	  $(if $(filter-out $(INDICATOR_NOTEBOOKS),$?),$(INDICATOR_NOTEBOOKS),$(filter $(INDICATOR_NOTEBOOKS),$?))
	@touch $(EXECUTED) $(EXECUTED_VI)

notebooks: $(AUDIT) | $(INSTALLED) ## re-execute the committed notebooks in place with their defaults (after a data change)
	$(PYTHON) -m helpers.run.notebooks --in-place $(CLEAN_NOTEBOOK)
	$(PYTHON) -m helpers.run.notebooks --in-place $(INDICATOR_NOTEBOOKS)

report: $(REPORTS) ## build the HTML report: reports/report.html (English), reports/report.vi.html (Vietnamese), and the full official table zipped beside them

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

# A new article: its numbers proposed as rows to review, then the reviewed rows appended to the raw tables
# (docs/ADDING_AN_ARTICLE.md). PUBLISHED dates an article sources.csv does not list yet.
propose: $(INSTALLED) ## propose the figures of an article for review: make propose SOURCE=article.txt [PUBLISHED=YYYY-MM-DD]
	@test -n "$(SOURCE)" || { echo "make propose SOURCE=path/to/article.txt"; exit 2; }
	$(PYTHON) -m helpers.propose.candidates $(if $(PUBLISHED),--published "$(PUBLISHED)") "$(SOURCE)"

accept: $(INSTALLED) ## append reviewed rows to the raw tables: make accept PROPOSED=build/proposed/<stem>.csv
	@test -n "$(PROPOSED)" || { echo "make accept PROPOSED=build/proposed/<stem>.csv"; exit 2; }
	$(PYTHON) -m helpers.propose.accept "$(PROPOSED)"

test: report | $(INSTALLED) ## run every test: unit tests, every notebook under nbval (strict), the browser test
	$(PYTHON) -m pytest

lab: $(INSTALLED) ## open JupyterLab on notebooks/
	$(ENV_DIR)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(INSTALLED) ## time cold `make report` beside the plain papermill way (their ratio), no-op report, make test, a fresh clone
	$(PYTHON) -m helpers.tools.bench

clean: ## remove build outputs (keeps .venv and the committed data)
	rm -rf build $(REPORTS) reports/screenshot*.png data/clean/*.csv data/clean/*.json
