"""Every path and file name the project uses, resolved from this file rather than the working directory.

papermill, nbval and pytest each run notebooks from a different working directory, so nothing in
the project builds a path relative to the current directory, and no other module spells a file name.
Folders that a notebook parameter can move (raw_dir, clean_dir) are joined with the NAMES below.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DATA_RAW = ROOT / "data" / "raw"
DATA_CLEAN = ROOT / "data" / "clean"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
BUILD = ROOT / "build"
EXECUTED_NOTEBOOKS = BUILD / "notebooks"
FIGURES = BUILD / "figures"  # the report's charts: only `make report` writes here, with figures_dir set
# Where a notebook run by hand with its defaults (JupyterLab, papermill, nbval) writes its charts: the
# `figures_dir` of every parameters cell. The report never reads it.
SCRATCH_FIGURES = BUILD / "scratch" / "figures"
TEMPLATES = Path(__file__).resolve().parent / "report" / "templates"

# Translations: a gettext catalogue (.po) per language beside the code, compiled into build/.
LOCALE = Path(__file__).resolve().parent / "locale"
COMPILED_LOCALE = BUILD / "locale"
MESSAGES = "messages"
MESSAGES_TEMPLATE = COMPILED_LOCALE / f"{MESSAGES}.pot"  # what Babel extracts, before it is merged into each .po
BABEL_CONFIG = ROOT / "babel.cfg"
SOURCE_LANGUAGE = "en"  # the language the code is written in; its outputs carry no language in their names

# The raw layer (data/raw): hand-made inputs, and the audit the pipeline regenerates.
SOURCES = "sources.csv"
FIGURES_TABLE = "figures.csv"
INDICATORS = "indicators.csv"
OUT_OF_SCOPE = "out_of_scope.csv"
CLAIM_LINKS = "claim_links.csv"  # which public series checks each article indicator, and how
AUDIT = "extraction_audit.csv"
SOURCES_CSV = DATA_RAW / SOURCES
FIGURES_CSV = DATA_RAW / FIGURES_TABLE
INDICATORS_CSV = DATA_RAW / INDICATORS
OUT_OF_SCOPE_CSV = DATA_RAW / OUT_OF_SCOPE
AUDIT_CSV = DATA_RAW / AUDIT

# Public series (UN E-Government Survey, World Bank indicators, e-Conomy SEA): byte-for-byte copies with metadata.
OFFICIAL_RAW = DATA_RAW / "official"
OFFICIAL_GAPS = "gaps.csv"  # the survey editions not in the raw files, and why

# The clean layer (data/clean), in the order the data package lists its resources.
CLEAN_INDICATORS = "indicators.csv"
CHECKS = "checks.csv"
CLEAN_SOURCES = "sources.csv"
INDICATOR_METADATA = "indicator_metadata.csv"
OFFICIAL_INDICATORS = "official_indicators.csv"
CLAIMS_VS_OFFICIAL = "claims_vs_official.csv"
DATAPACKAGE = "datapackage.json"
CLEAN_TABLES = (CLEAN_INDICATORS, CHECKS, CLEAN_SOURCES, INDICATOR_METADATA, OFFICIAL_INDICATORS, CLAIMS_VS_OFFICIAL)
CLEAN_FILES = (*CLEAN_TABLES, DATAPACKAGE)

# The notebooks: the clean step's own notebook is not a section of the report.
CLEAN_NOTEBOOK = "01-clean.ipynb"

REPORT_HTML = REPORTS / "report.html"  # English, the source language; other languages beside it
# The full official table (every member and year of every series: megabytes as text), zipped and published beside
# the pages, which name it, so that each page stays under 1 MB.
OFFICIAL_ARCHIVE = REPORTS / "official_indicators.zip"
REPORT_TEMPLATE = "report.html.j2"

REQUIREMENTS_LOCK = ROOT / "requirements.lock"
ENVIRONMENT_YML = ROOT / "environment.yml"


def chart_file(figures_dir: Path, chart: str, suffix: str) -> Path:
    """A chart's file: `svg`, `png`, `csv` (the data drawn) or `json` (title, alt text, source, findings)."""
    return Path(figures_dir) / f"{chart}.{suffix}"


def catalogue(language: str) -> Path:
    """The translations of a language, as a translator edits them: .../locale/vi/LC_MESSAGES/messages.po."""
    return LOCALE / language / "LC_MESSAGES" / f"{MESSAGES}.po"


def compiled_catalogue(language: str) -> Path:
    return COMPILED_LOCALE / language / "LC_MESSAGES" / f"{MESSAGES}.mo"


def in_language(path: Path, language: str) -> Path:
    """Where an output of the build is written in a language: English at `path` itself, others beside it
    with the language in the name (build/figures.vi, build/notebooks.vi, reports/report.vi.html)."""
    if language == SOURCE_LANGUAGE:
        return path
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def sources_dir() -> Path:
    """The folder holding the source documents: $SOURCES_DIR, else ../shared/sources beside the project."""
    return Path(os.environ.get("SOURCES_DIR", ROOT.parent / "shared" / "sources")).resolve()


def resolve(path: str | Path) -> Path:
    """A notebook parameter path: absolute as given, relative ones taken from the project root."""
    path = Path(path)
    return path if path.is_absolute() else ROOT / path
