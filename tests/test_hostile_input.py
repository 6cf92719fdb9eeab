"""Hostile raw input: bytes that are not UTF-8, a byte-order mark, control characters, spreadsheet
formulas, a claim entered twice, and random rows and bytes. Each stops with a message naming the file
and line, and leaves the clean files as they were."""
import csv
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import paths
from helpers.data import parse, pipeline, raw

FIGURES = paths.FIGURES_TABLE


def rewrite_figures(raw_dir, change) -> None:
    """Apply `change` to the list of figure rows of raw_dir/figures.csv and write it back."""
    path = raw_dir / FIGURES
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def clean_snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_byte_that_is_not_utf8_names_file_line_and_column(raw_copy):
    path = raw_copy / FIGURES
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3][:12] + b"\xe9" + lines[3][12:]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(raw.RawDataError, match=r"figures\.csv:4: byte 0xe9 at column 13 is not UTF-8"):
        raw.load_figures(path)


def test_a_byte_order_mark_is_accepted_and_read_as_nothing(raw_copy):
    path = raw_copy / FIGURES
    plain = raw.load_figures(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with_mark = raw.load_figures(path)
    assert with_mark.drop(columns="line").equals(plain.drop(columns="line"))
    assert list(with_mark.columns) == list(plain.columns)


@pytest.mark.parametrize("bad, expected", [
    ("a\x00b", r"figures\.csv:2 \[s000-01\]: column note: control character U\+0000"),
    ("line\nbreak", r"figures\.csv:2: a quoted field runs on to line 3"),
    ("bell\x07", r"figures\.csv:2 \[s000-01\]: column note: control character U\+0007"),
    ("C1\x85end", r"figures\.csv:2 \[s000-01\]: column note: control character U\+0085"),
])
def test_a_control_character_in_a_field_is_rejected(raw_copy, bad, expected):
    rewrite_figures(raw_copy, lambda rows: rows[0].update(note=bad))
    with pytest.raises(raw.RawDataError, match=expected):
        raw.load_figures(raw_copy / FIGURES)


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_field_a_spreadsheet_would_run_is_rejected(raw_copy, formula):
    rewrite_figures(raw_copy, lambda rows: rows[1].update(note=formula))
    with pytest.raises(raw.RawDataError, match=r"figures\.csv:3 \[s000-02\]: column note: (starts with|control)"):
        raw.load_figures(raw_copy / FIGURES)


def test_the_same_claim_under_a_new_id_is_rejected_naming_the_first(raw_copy, tmp_path):
    def copy_first(rows):
        rows.append({**rows[0], "figure_id": "s000-99"})

    rewrite_figures(raw_copy, copy_first)
    clean_dir = tmp_path / "clean"
    with pytest.raises(raw.RawDataError, match=r"\[s000-99\]: the same claim as s000-01 \(line 2\)"):
        pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    assert not clean_dir.exists()


def test_bad_raw_input_leaves_the_clean_files_as_they_were(raw_copy, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    before = clean_snapshot(clean_dir)
    rewrite_figures(raw_copy, lambda rows: rows[0].update(note="=1+1"))
    with pytest.raises(raw.RawDataError):
        pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    assert clean_snapshot(clean_dir) == before


# ---- random input: only clear errors, never a traceback --------------------------------------------

FIELD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
# the same examples on every run, so that a run reproduces the last; tmp_path is reused across examples
RANDOM_INPUT = settings(max_examples=150, deadline=None, derandomize=True,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])


@RANDOM_INPUT
@given(data=st.binary(max_size=400))
def test_random_bytes_give_a_table_or_a_raw_data_error(tmp_path, data):
    path = tmp_path / FIGURES
    path.write_bytes(data)
    try:
        frame = raw.load_figures(path)
    except raw.RawDataError as error:
        assert FIGURES in str(error)
    else:
        assert list(frame.columns) == [*raw.FIGURE_COLUMNS, "line"]


@RANDOM_INPUT
@given(rows=st.lists(st.fixed_dictionaries({column: FIELD_TEXT for column in raw.FIGURE_COLUMNS}), max_size=4))
def test_random_rows_give_a_table_or_a_raw_data_error(tmp_path, rows):
    out = io.StringIO(newline="")
    # csv's own line ends (CRLF), so that it quotes a field holding a lone CR or LF
    writer = csv.DictWriter(out, fieldnames=raw.FIGURE_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / FIGURES
    path.write_bytes(out.getvalue().encode("utf-8"))
    try:
        frame = raw.load_figures(path)
    except raw.RawDataError as error:
        assert f"{FIGURES}:" in str(error)
    else:
        assert len(frame) == len(rows)
        for text in frame.drop(columns="line").to_numpy().ravel():
            assert raw.unsafe_text(text) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(alphabet=string.printable + "≥~–—%$€đ", max_size=40))
def test_random_values_parse_or_raise_a_parse_error(text):
    try:
        parse.parse_value(text)
    except parse.ParseError as error:
        assert str(error)
