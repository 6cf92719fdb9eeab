"""The runner: papermill in a process per notebook, giving the committed outputs byte for byte, each error in
its notebook's own words, and charts only where the run says."""
import shutil
from pathlib import Path

import pytest

from helpers import paths
from helpers.run import notebooks

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))


def test_the_runner_reproduces_every_committed_notebook_byte_for_byte(tmp_path):
    if not (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")
    # in place, as `make notebooks` runs them: a run into another folder would send its charts there
    copies = [Path(shutil.copy(notebook, tmp_path)) for notebook in NOTEBOOKS]
    notebooks.run(copies, None, {}, jobs=3)
    for committed in NOTEBOOKS:
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), \
            f"{committed.name}: the runner's output differs from the committed notebook"


def test_a_failing_notebook_reports_its_own_error_and_writes_nothing(tmp_path):
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    with pytest.raises(notebooks.NotebookFailed, match=r"04-chip-id-cards\.ipynb.*as_of='2023-02-30'"):
        notebooks.run([notebook], tmp_path, {"as_of": "2023-02-30"}, jobs=1)
    assert not any(tmp_path.iterdir())
