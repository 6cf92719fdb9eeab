"""Make's graph follows what feeds what: `make -n -W FILE report` lists what a change to FILE re-runs."""
import shutil
import subprocess

import pytest

from helpers import paths

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(changed: str) -> str:
    """The commands `make report` would run if `changed` had just been edited (nothing is run or touched)."""
    result = subprocess.run(["make", "--no-print-directory", "-n", "-W", changed, "report"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=True)
    commands = result.stdout.replace("\\\n", " ").splitlines()  # continued lines joined
    return "\n".join(line for line in commands if not line.startswith("make"))


def notebooks_run(plan: str) -> str:
    """The notebooks the plan executes (the runner's command line), not those it only touches."""
    return "\n".join(line for line in plan.splitlines() if "helpers.run.notebooks" in line)


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (paths.REPORT_HTML.is_file() and (paths.BUILD / "clean.stamp").is_file()):
        pytest.skip("the report is not built: run `make report` first")


@pytest.mark.parametrize("changed", ["src/helpers/report/page.py", "src/helpers/report/templates/report.html.j2"])
def test_a_change_to_report_code_rebuilds_the_report_only(changed):
    plan = planned(changed)
    assert "helpers.report" in plan
    assert "helpers.run.notebooks" not in plan and "helpers.data.pipeline" not in plan


@pytest.mark.parametrize("changed", ["src/helpers/charts/draw.py", "src/helpers/analysis/families.py"])
def test_a_change_to_analysis_or_chart_code_reruns_every_indicator_notebook_but_not_the_clean_step(changed):
    plan = planned(changed)
    assert "helpers.data.pipeline" not in plan
    for notebook in sorted(paths.NOTEBOOKS.glob("0[2-9]*.ipynb")):
        assert f"notebooks/{notebook.name}" in notebooks_run(plan)


def test_a_change_to_one_notebook_reruns_that_notebook_only():
    run = notebooks_run(planned("notebooks/04-chip-id-cards.ipynb"))
    assert "notebooks/04-chip-id-cards.ipynb" in run and "notebooks/02-egov-ranks.ipynb" not in run


@pytest.mark.parametrize("changed", ["data/raw/figures.csv", "src/helpers/data/parse.py"])
def test_a_change_to_the_raw_data_or_its_code_reruns_everything(changed):
    plan = planned(changed)
    assert "helpers.data.audit" in plan and "helpers.data.pipeline" in plan and "helpers.report" in plan
    for notebook in sorted(paths.NOTEBOOKS.glob("0[2-9]*.ipynb")):
        assert f"notebooks/{notebook.name}" in notebooks_run(plan)


def test_tool_code_rebuilds_nothing():
    assert planned("src/helpers/tools/bench.py").strip() == ""
