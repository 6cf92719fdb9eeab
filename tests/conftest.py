import os
import shutil
from pathlib import Path

import pytest

from helpers import paths


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The source documents; tests that need them skip without them, except in CI where they must be there."""
    folder = paths.sources_dir()
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the source documents at {folder} (SOURCES_DIR)")
        pytest.skip(f"source documents not found at {folder}; set SOURCES_DIR to run this test")
    return folder


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/raw that a test may break."""
    target = tmp_path / "raw"
    shutil.copytree(paths.DATA_RAW, target)
    return target
