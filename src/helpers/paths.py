"""Every path the project uses, resolved from this file rather than the working directory.

papermill, nbval and pytest each run notebooks from a different working directory, so
nothing in the project builds a path relative to the current directory.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DATA_RAW = ROOT / "data" / "raw"
DATA_CLEAN = ROOT / "data" / "clean"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
BUILD = ROOT / "build"
FIGURES = BUILD / "figures"

SOURCES_CSV = DATA_RAW / "sources.csv"
FIGURES_CSV = DATA_RAW / "figures.csv"
INDICATORS_CSV = DATA_RAW / "indicators.csv"
OUT_OF_SCOPE_CSV = DATA_RAW / "out_of_scope.csv"
AUDIT_CSV = DATA_RAW / "extraction_audit.csv"


def sources_dir() -> Path:
    """The folder holding the source documents: $SOURCES_DIR, else ../shared/sources beside the project."""
    return Path(os.environ.get("SOURCES_DIR", ROOT.parent / "shared" / "sources")).resolve()


def resolve(path: str | Path) -> Path:
    """A notebook parameter path: absolute as given, relative ones taken from the project root."""
    path = Path(path)
    return path if path.is_absolute() else ROOT / path
