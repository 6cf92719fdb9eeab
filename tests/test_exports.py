"""What the project exports: CSV without a cell that a spreadsheet would run as a formula, and the charts of a
run with other parameters in that run's own folder, never among the report's."""
import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.charts import draw
from helpers.files import csv_text
from helpers.run import notebooks

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1+1"]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def formula_cells(text: str) -> list[str]:
    """The cells of a CSV text that a spreadsheet would run: text starting with = + - @ tab or CR, not a number."""
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not is_number(cell)]


def test_text_a_spreadsheet_would_run_is_exported_with_a_leading_quote():
    frame = pd.DataFrame({"figure_id": [f"f{i}" for i in range(len(FORMULAS) + 1)], "note": [*FORMULAS, None]})
    text = csv_text(frame)
    assert formula_cells(text) == []
    assert pd.read_csv(io.StringIO(text), keep_default_na=False)["note"].tolist() == [*("'" + f for f in FORMULAS), ""]


def test_a_carriage_return_at_the_start_of_a_cell_is_neutralised_too():
    assert csv_text(pd.DataFrame({"note": ["\r=1+1"]})) == "note\n'\r=1+1\n"


def test_numbers_are_data_also_negative_and_also_held_as_text():
    frame = pd.DataFrame({"gap": [-3.0, 2.5, None], "difference": [-1, 0, 4],
                          "value": pd.Series([-2.5, "-3.0", "+1e3"], dtype=object), "note": ["a", "-", "b"]})
    text = csv_text(frame)
    assert text.splitlines()[1:3] == ["-3.0,-1,-2.5,a", "2.5,0,-3.0,'-"]
    assert text.splitlines()[3] == ",4,+1e3,b"


def test_a_column_with_a_formula_keeps_the_bytes_of_its_other_cells():
    frame = pd.DataFrame({"value": pd.Series([1, 2.5, "=1+1"], dtype=object), "kind": pd.Categorical(["@a", "b", "b"])})
    assert csv_text(frame) == "value,kind\n1,'@a\n2.5,b\n'=1+1,b\n"
    assert frame["value"].tolist() == [1, 2.5, "=1+1"], "the frame itself is left as it was"


def test_a_chart_table_is_exported_without_a_formula(tmp_path):
    data = pd.DataFrame({"indicator": ["egdi_rank"], "value": [-3.0], "note": ['=HYPERLINK("http://x")']})
    draw.save_text("hostile", tmp_path, "A table", data, alt="", source="", findings=[], headline="")
    exported = (tmp_path / "hostile.csv").read_text(encoding="utf-8")
    assert formula_cells(exported) == [] and "-3.0" in exported and "'=HYPERLINK" in exported


@pytest.mark.parametrize("folder", [paths.DATA_CLEAN, paths.FIGURES], ids=["clean-files", "chart-tables"])
def test_no_exported_file_holds_a_cell_a_spreadsheet_would_run(folder):
    exported = sorted(folder.glob("*.csv"))
    if not exported:
        pytest.skip(f"no CSV in {folder.relative_to(paths.ROOT)}: run `make report` first")
    found = {str(path.relative_to(paths.ROOT)): formula_cells(path.read_text(encoding="utf-8")) for path in exported}
    assert {name: cells for name, cells in found.items() if cells} == {}


def parameters_of(jobs) -> list[dict]:
    return [job.parameters for job in jobs]


def test_a_run_into_its_own_folder_sends_its_charts_there(tmp_path):
    ranks = [paths.NOTEBOOKS / "02-egov-ranks.ipynb"]
    assert parameters_of(notebooks.jobs_for(ranks, tmp_path / "try", {"start_year": 2020})) == \
        [{"start_year": 2020, "figures_dir": str(tmp_path / "try" / "figures")}]
    assert parameters_of(notebooks.jobs_for(ranks, paths.BUILD / "try", {})) == [{"figures_dir": "build/try/figures"}], \
        "inside the project, the path is relative, so that outputs do not depend on the checkout's place"


def test_the_report_names_its_figures_a_run_in_place_keeps_the_default_and_an_explicit_folder_is_kept(tmp_path):
    ranks = [paths.NOTEBOOKS / "02-egov-ranks.ipynb"]
    assert parameters_of(notebooks.report_jobs(ranks)) == [{"figures_dir": "build/figures"},
                                                           {"figures_dir": "build/figures.vi", "lang": "vi"}]
    assert parameters_of(notebooks.jobs_for(ranks, None, {"start_year": 2020})) == [{"start_year": 2020}]
    assert parameters_of(notebooks.jobs_for(ranks, tmp_path, {"figures_dir": "elsewhere"})) == [{"figures_dir": "elsewhere"}]
    assert parameters_of(notebooks.jobs_for([paths.NOTEBOOKS / paths.CLEAN_NOTEBOOK], tmp_path, {})) == [{}]


@pytest.mark.parametrize("folder", [paths.EXECUTED_NOTEBOOKS, paths.in_language(paths.FIGURES, "vi")])
def test_no_run_by_hand_writes_into_the_reports_own_folders(folder):
    with pytest.raises(notebooks.ParameterError, match=rf"{folder.name} holds the report's own run"):
        notebooks.run([paths.NOTEBOOKS / "02-egov-ranks.ipynb"], folder, {"start_year": 2020}, jobs=1)


def test_a_run_with_other_parameters_writes_its_charts_under_its_output_folder(tmp_path):
    if not (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        pytest.skip("no clean layer in data/clean: run `make report` first")
    notebook = paths.NOTEBOOKS / "04-chip-id-cards.ipynb"
    notebooks.run([notebook], tmp_path / "try", {"start_year": 2021}, jobs=1)
    charts = sorted(path.name for path in (tmp_path / "try" / "figures").iterdir())
    assert "chip_id_cards.csv" in charts and "chip_id_cards.json" in charts
    cells = json.loads((tmp_path / "try" / notebook.name).read_text(encoding="utf-8"))["cells"]
    injected = [cell for cell in cells if cell["id"] == notebooks.INJECTED_PARAMETERS]
    assert f'figures_dir = "{tmp_path / "try" / "figures"}"' in "".join(injected[0]["source"])
