"""The notebooks under papermill with other parameters than their defaults, and with bad ones."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import papermill
import pytest

from helpers import paths
from helpers.run import notebooks as run_notebooks

INDICATOR_NOTEBOOKS = sorted(p for p in paths.NOTEBOOKS.glob("0[2-9]*.ipynb"))


def outputs_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/markdown", ""))
                     for cell in cells for o in cell.get("outputs", []))


@pytest.fixture(scope="module")
def cut_off_run(tmp_path_factory):
    """Every indicator notebook from 2020 on, with what was published by mid-2023."""
    out = tmp_path_factory.mktemp("cut-off")
    parameters = {"start_year": 2020, "as_of": "2023-06-30", "figures_dir": str(out / "figures")}
    run_notebooks.run(INDICATOR_NOTEBOOKS, out, parameters, jobs=len(INDICATOR_NOTEBOOKS))
    return out


def test_other_parameters_select_other_data(cut_off_run):
    ranks = outputs_text(cut_off_run / "02-egov-ranks.ipynb")
    assert "88/193 (2018" not in ranks, "start_year=2020 must leave the 2018 rank out"
    assert "86/193 (2020; s001)" in ranks
    assert "(2022; s004)" not in ranks, "s004 was published after as_of"
    vneid = outputs_text(cut_off_run / "03-vneid-accounts.ipynb")
    assert "~2.6 million (2022-12; s003)" in vneid and "55.25 million" not in vneid


def test_a_selection_without_data_shows_an_empty_state_note(cut_off_run):
    economy = outputs_text(cut_off_run / "05-digital-economy.ipynb")
    assert "no figures in the selection (Vietnam, 2020-2030, published by 2023-06-30)" in economy
    sidecar = json.loads((cut_off_run / "figures" / "digital_economy_growth.json").read_text())
    assert sidecar["empty"] is True and not (cut_off_run / "figures" / "digital_economy_growth.png").exists()


def test_every_chart_is_saved_with_its_data(cut_off_run):
    for sidecar_path in (cut_off_run / "figures").glob("*.json"):
        sidecar = json.loads(sidecar_path.read_text())
        if not sidecar["empty"]:
            # a view of findings and a table has no image, only its data
            for suffix in ("svg", "phone.svg", "csv") if sidecar.get("chart", True) else ("csv",):
                assert sidecar_path.with_suffix(f".{suffix}").stat().st_size > 0
            assert sidecar["title"] and sidecar["alt"] and sidecar["source"].startswith("Source: ")


@pytest.mark.parametrize("parameters, message", [
    ({"country": "XYZ"}, "parameter country='XYZ'; allowed: the ISO 3166-1 alpha-3 code of a UN member, such as VNM"),
    ({"start_year": 2024, "end_year": 2020}, "start_year=2024 is after end_year=2020"),
    ({"as_of": "2023-02-30"}, "parameter as_of='2023-02-30' is not a valid date"),
    ({"lang": "fr"}, "parameter lang='fr'; allowed: en, vi"),
])
def test_bad_parameters_stop_with_a_clear_message(tmp_path, parameters, message):
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_notebooks.run([notebook], tmp_path, {**parameters, "figures_dir": str(tmp_path)}, jobs=1)


def test_an_unknown_parameter_is_refused_before_any_run(tmp_path):
    with pytest.raises(run_notebooks.ParameterError, match=r"unknown parameter\(s\) colour; allowed: country"):
        run_notebooks.run([paths.NOTEBOOKS / "02-egov-ranks.ipynb"], tmp_path, {"colour": "red"}, jobs=1)
    assert not any(tmp_path.iterdir())


@pytest.fixture(scope="module")
def thailand_run(tmp_path_factory):
    """The e-government and VNeID notebooks for Thailand, which only the official series cover."""
    out = tmp_path_factory.mktemp("thailand")
    run_notebooks.run([paths.NOTEBOOKS / "02-egov-ranks.ipynb", paths.NOTEBOOKS / "03-vneid-accounts.ipynb"], out,
                      {"country": "THA", "figures_dir": str(out / "figures")}, jobs=2)
    return out


def test_another_country_gets_its_official_series_and_its_place_among_its_neighbours(thailand_run):
    ranks = outputs_text(thailand_run / "02-egov-ranks.ipynb")
    assert "UN E-Government Development Index rank, official: 76 (2010)" in ranks
    assert "→ 52 (2024)" in ranks
    assert "Thailand is 2nd of the 11 in Southeast Asia and 52nd of 193 UN members." in ranks
    assert "The articles state no EGDI rank target for Thailand." in ranks
    assert "VNM" not in outputs_text(thailand_run / "02-egov-ranks.ipynb").split("EGDI rank of the 11 members")[0]


def test_a_notebook_only_viet_nams_sources_feed_says_so_for_another_country(thailand_run):
    accounts = outputs_text(thailand_run / "03-vneid-accounts.ipynb")
    assert "the articles report these figures for Vietnam only, none for Thailand" in accounts
    assert not list((thailand_run / "figures").glob("vneid*.svg")), "no empty chart is drawn"


def in_checkout(root: Path, path: Path) -> Path:
    """`path` of this project, in the copy of it at `root`."""
    return root / path.relative_to(paths.ROOT)


def published_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """The report's pages and the build outputs they are made from (all of build/ but the scratch folder), in the
    project at `root`: each file's bytes and modification time, which make reads."""
    scratch = in_checkout(root, paths.SCRATCH_FIGURES.parent)
    built = [file for file in in_checkout(root, paths.BUILD).rglob("*")
             if file.is_file() and not file.is_relative_to(scratch)]
    pages = [in_checkout(root, paths.REPORT_HTML), *in_checkout(root, paths.REPORTS).glob("report.*.html")]
    return {str(file.relative_to(root)): (file.read_bytes(), file.stat().st_mtime_ns) for file in pages + built}


def test_a_hand_run_with_the_defaults_writes_its_charts_where_the_report_never_reads():
    for notebook in INDICATOR_NOTEBOOKS:
        default = papermill.inspect_notebook(str(notebook))["figures_dir"]["default"]
        assert paths.resolve(default.strip('"')) == paths.SCRATCH_FIGURES, notebook.name


def test_a_researchers_papermill_run_changes_nothing_the_report_is_built_from(tmp_path):
    """papermill on its own, with another country and every other parameter left at its default, as a researcher
    would run it: the charts go to the scratch folder, and the report and its build folders keep every byte.

    The run is made in a copy of the built project (its code first on the path), so that the notebooks that nbval
    runs meanwhile, which write to the same scratch folder, cannot see its charts."""
    if not paths.REPORT_HTML.is_file():
        pytest.skip("the report is not built: run `make report` first")
    root = tmp_path / "project"
    for folder in (paths.ROOT / "src", paths.NOTEBOOKS, paths.DATA_CLEAN, paths.BUILD, paths.REPORTS):
        shutil.copytree(folder, in_checkout(root, folder), ignore=shutil.ignore_patterns(paths.SCRATCH_FIGURES.parent.name))
    before = published_files(root)
    executed = tmp_path / "out.ipynb"
    run = subprocess.run([sys.executable, "-m", "papermill", "--no-progress-bar",
                          str(in_checkout(root, paths.NOTEBOOKS / "02-egov-ranks.ipynb")), str(executed),
                          "-p", "country", "THA"], cwd=root, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root / "src")})
    assert run.returncode == 0, run.stderr
    assert "Thailand is 2nd of the 11 in Southeast Asia" in outputs_text(executed)
    assert published_files(root) == before
    assert any(in_checkout(root, paths.SCRATCH_FIGURES).iterdir()), "the run wrote its charts to the scratch folder"
