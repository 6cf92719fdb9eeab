"""Hostile raw input: bytes that are not UTF-8, a byte-order mark, control characters, spreadsheet
formulas, a claim entered twice, and random rows and bytes. Each stops with a message naming the file
and line, and leaves the clean files as they were."""
import csv
import io
import os
import re
import resource
import shutil
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import paths
from helpers.data import audit, parse, pipeline, raw
from helpers.tools import scaling

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


# ---- the battery: every class of bad input, through the clean step's command ------------------------
# Each case breaks a copy of the raw layer (or of the documents) and runs the clean step on it, publishing into a
# copy of the clean layer: it must stop with one message naming the file and the line or field, exit non-zero,
# print no traceback and leave the clean files byte for byte as they were. Most run in this process through
# pipeline.main; the operating-system errors and Ctrl-C, and a few others, through the real command line.

def lines_of(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def edit_line(name: str, number: int, change):
    """A breakage: line `number` (1 = the header) of a raw table, changed by `change(text)`."""
    def breaking(raw_dir, _documents):
        lines = lines_of(raw_dir / name)
        lines[number - 1] = change(lines[number - 1].rstrip("\n")) + "\n"
        (raw_dir / name).write_text("".join(lines), encoding="utf-8")
    return breaking


def edit_figure(figure_id: str, **fields):
    def breaking(raw_dir, _documents):
        rewrite_figures(raw_dir, lambda rows: next(r for r in rows if r["figure_id"] == figure_id).update(fields))
    return breaking


def keep_lines(name: str, count: int):
    def breaking(raw_dir, _documents):
        (raw_dir / name).write_text("".join(lines_of(raw_dir / name)[:count]), encoding="utf-8")
    return breaking


def figures_in(encoding: str):
    def breaking(raw_dir, _documents):
        path = raw_dir / FIGURES
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return breaking


def figures_linked_out(raw_dir, _documents):
    outside = raw_dir.parent / "elsewhere.csv"
    (raw_dir / FIGURES).rename(outside)
    (raw_dir / FIGURES).symlink_to(outside)


def document_file(name: str):
    """sources.csv naming `name` as the first source's document."""
    def breaking(raw_dir, _documents):
        path = raw_dir / paths.SOURCES
        first = raw.load_sources(path)["file"].iloc[0]
        path.write_text(path.read_text(encoding="utf-8").replace(first, name), encoding="utf-8")
    return breaking


def document_linked_out(raw_dir, documents):
    first = raw.load_sources(raw_dir / paths.SOURCES)["file"].iloc[0]
    outside = documents.parent / "elsewhere.txt"
    (documents / first).rename(outside)
    (documents / first).symlink_to(outside)


def document_in_latin1(raw_dir, documents):
    """The first document saved in Latin-1 with a non-ASCII character, its sha256 recorded: only its bytes are wrong."""
    sources = raw.load_sources(raw_dir / paths.SOURCES)
    document = documents / sources["file"].iloc[0]
    document.write_bytes(b"Caf\xe9\n" + document.read_bytes())
    path = raw_dir / paths.SOURCES
    path.write_text(path.read_text(encoding="utf-8").replace(sources["sha256"].iloc[0], raw.sha256_of(document)),
                    encoding="utf-8")


def unquoted(text: str, marker: str) -> str:
    """A figures.csv line with its first quoted field's closing quote removed."""
    start = text.index(',"') + 2
    end = text.index('",', start)
    return text[:end] + marker + text[end + 1:]


BATTERY = {
    "a table with its header and no rows": (keep_lines(FIGURES, 1), r"figures\.csv: no rows under the header"),
    "a clean layer losing most of its rows": (keep_lines(FIGURES, 10),
                                              r"would lose most of its rows: indicators\.csv from \d+ to 9 rows"),
    "a row with an extra field": (edit_line(FIGURES, 5, lambda t: t + ",extra"),
                                  r"figures\.csv:5: 15 fields, but the header has 14"),
    "a row with a field missing": (edit_line(FIGURES, 6, lambda t: t[:t.rindex(",")]),
                                   r"figures\.csv:6: 13 fields, but the header has 14"),
    "an unknown column": (lambda raw_dir, docs: rewrite_figures(raw_dir, lambda rows: [r.update(extra="") for r in rows]),
                          r"figures\.csv:1: unknown column 'extra'"),
    "a duplicated column": (edit_line(FIGURES, 1, lambda t: t + ",note"),
                            r"figures\.csv:1: column note appears 2 times \(fields 12, 15\)"),
    "a country code no country has": (edit_figure("s001-01", country="XXX"),
                                      r"figures\.csv:\d+ \[s001-01\]: country 'XXX' is not an ISO 3166-1 alpha-3 code"),
    "a fullwidth formula sign": (edit_figure("s001-01", note="＝1+1"),
                                 r"figures\.csv:\d+ \[s001-01\]: column note: starts with '＝' \(FULLWIDTH EQUALS SIGN, "
                                 r"read as '='\), which a spreadsheet runs as a formula"),
    "a bidirectional override": (edit_figure("s001-01", note="rank \u202e05"),
                                 r"figures\.csv:\d+ \[s001-01\]: column note: bidirectional control character U\+202E"),
    "a raw table linked out of its folder": (figures_linked_out,
                                             r"figures\.csv: a link to \S+elsewhere\.csv, outside \S+; refused without "
                                             r"reading it"),
    "a document path out of the sources folder": (document_file("../../../../tmp/x.txt"),
                                                  r"sources\.csv:2: source 's000': file '\.\./\.\./\.\./\.\./tmp/x\.txt' "
                                                  r"is not a file name"),
    "a document linked out of the sources folder": (document_linked_out,
                                                    r"sources\.csv:2: source 's000': \S+\.txt is a link to "
                                                    r"\S+elsewhere\.txt, outside the sources folder"),
    "a document that is not UTF-8": (document_in_latin1,
                                     r"sources\.csv:2: source 's000': 000_\w+\.txt:1: byte 0xe9 at column 4 is not UTF-8"),
    "a field of 1 MB": (edit_figure("s001-01", note="x" * 1_000_000),
                        # csv's own limit (131072 characters unless a library in the process raised it) stops it first
                        rf"figures\.csv:\d+(: a field longer than {raw.MAX_FIELD_CHARS} characters| \[s001-01\]: "
                        rf"column note: 1000000 characters)"),
    "a field over the bound": (edit_figure("s001-01", note="x" * (raw.MAX_FIELD_CHARS + 1)),
                               rf"figures\.csv:\d+ \[s001-01\]: column note: {raw.MAX_FIELD_CHARS + 1} characters; a "
                               rf"field holds at most {raw.MAX_FIELD_CHARS}"),
    "an unclosed quote": (edit_line(FIGURES, 4, lambda t: unquoted(t, "")),
                          r"figures\.csv:4: a quote is not closed where its field ends"),
    "an unclosed quote at the end of the file": (lambda raw_dir, docs: (raw_dir / FIGURES).write_text(
        (raw_dir / FIGURES).read_text(encoding="utf-8") + 's009-01,"s009', encoding="utf-8"),
        rf"figures\.csv:{len(lines_of(paths.DATA_RAW / FIGURES)) + 1}: a quote opened on this line is never closed"),
    "a bare carriage return": (edit_line(FIGURES, 7, lambda t: t.replace(",", ",\r", 1)),
                               r"figures\.csv:7: a carriage return \(CR\) without a line feed at column \d+"),
    "a table in UTF-16": (figures_in("utf-16"), r"figures\.csv: the file is UTF-16 \(little-endian\), by its "
                                                r"byte-order mark FF FE; save it as UTF-8"),
    "a table in UTF-16 without its mark": (figures_in("utf-16-le"), r"figures\.csv: the file is UTF-16 \(little-endian\), "
                                                                    r"by the NUL byte beside each of its characters"),
    "a publication date that is no date": (edit_line(paths.SOURCES, 3, lambda t: t.replace("2021-03-10", "2021-13-10")),
                                           r"sources\.csv:3: source 's001': published '2021-13-10': no such date"),
}
# The cases also run through the real command line, for its exit code and its standard error.
ON_THE_COMMAND_LINE = ("a table with its header and no rows", "a table in UTF-16", "a row with an extra field",
                       "a field of 1 MB")


@pytest.fixture
def documents(tmp_path, sources_dir):
    """A scratch copy of the source documents that a test may break."""
    target = tmp_path / "documents"
    shutil.copytree(sources_dir, target)
    return target


@pytest.fixture
def published(tmp_path, sources_dir):
    """A scratch copy of the published clean layer (published here if data/clean has none yet), which a failing run
    must leave as it is."""
    target = tmp_path / "clean"
    if (paths.DATA_CLEAN / paths.CLEAN_INDICATORS).is_file():
        shutil.copytree(paths.DATA_CLEAN, target)
    else:
        pipeline.run_clean_step(paths.DATA_RAW, target, None, False, sources_dir=sources_dir)
    return target


def command_line(raw_dir, clean_dir, documents, *options) -> list[str]:
    return [sys.executable, "-m", "helpers.data.pipeline", "--raw-dir", str(raw_dir), "--clean-dir", str(clean_dir),
            *options]


@pytest.mark.parametrize("case", BATTERY)
def test_bad_input_stops_with_one_message_and_leaves_the_clean_files(case, raw_copy, documents, published,
                                                                      monkeypatch, capsys):
    breaking, expected = BATTERY[case]
    breaking(raw_copy, documents)
    before = clean_snapshot(published)
    monkeypatch.setenv("SOURCES_DIR", str(documents))
    code = pipeline.main(["--raw-dir", str(raw_copy), "--clean-dir", str(published)])
    output = capsys.readouterr()
    assert code == 1
    assert re.search(expected, output.err), output.err
    assert output.err.startswith("error: ") and "Traceback" not in output.err and output.out == ""
    assert clean_snapshot(published) == before


@pytest.mark.parametrize("case", ON_THE_COMMAND_LINE)
def test_bad_input_on_the_command_line_exits_non_zero_without_a_traceback(case, raw_copy, documents, published):
    breaking, expected = BATTERY[case]
    breaking(raw_copy, documents)
    before = clean_snapshot(published)
    run = subprocess.run(command_line(raw_copy, published, documents), capture_output=True, text=True,
                         env={**os.environ, "SOURCES_DIR": str(documents)})
    assert run.returncode == 1
    assert re.search(expected, run.stderr) and "Traceback" not in run.stderr, run.stderr
    assert clean_snapshot(published) == before


def test_allow_shrink_publishes_what_would_otherwise_stop(raw_copy, documents, published, monkeypatch, capsys):
    keep_lines(FIGURES, 10)(raw_copy, documents)
    monkeypatch.setenv("SOURCES_DIR", str(documents))
    assert pipeline.main(["--raw-dir", str(raw_copy), "--clean-dir", str(published), "--allow-shrink"]) == 0
    assert capsys.readouterr().out.startswith("9 raw figures from 1 sources -> ")
    assert len(pd.read_csv(published / paths.CLEAN_INDICATORS)) < 10


def test_make_passes_allow_shrink_to_both_data_steps():
    def plan(*variables):
        run = subprocess.run(["make", "--no-print-directory", "-n", "-W", f"data/raw/{FIGURES}", "data", *variables],
                             cwd=paths.ROOT, capture_output=True, text=True, check=True)
        return [line for line in run.stdout.splitlines() if "helpers.data." in line]

    assert [line.split()[-1] for line in plan("ALLOW_SHRINK=1")] == ["--allow-shrink", "--allow-shrink"]
    assert all("--allow-shrink" not in line for line in plan())


# ---- the operating system and the user stop the clean step: one line, nothing written -------------------------

def changed_note(raw_dir, _documents):
    """A change that the clean files show (a note and its translation), so that the run has something to write."""
    edit_figure("s001-01", note="a note changed", note_vi="một ghi chú đã đổi")(raw_dir, _documents)


def file_size_limit(size: int):
    """For a child process: files it writes stop at `size` bytes with an error (EFBIG), as a full disk stops them."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error to the writer instead of the end of the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def test_a_full_disk_ends_in_one_line_and_writes_nothing(raw_copy, documents, published):
    changed_note(raw_copy, documents)
    before = clean_snapshot(published)
    run = subprocess.run(command_line(raw_copy, published, documents), capture_output=True, text=True,
                         env={**os.environ, "SOURCES_DIR": str(documents)}, preexec_fn=file_size_limit(1000))
    assert run.returncode == 1
    assert re.fullmatch(rf"error: File too large: \S+\.csv; nothing was written \({re.escape(str(published))} is as it "
                        r"was\)\n", run.stderr), run.stderr
    assert clean_snapshot(published) == before


@pytest.fixture
def read_only(published):
    """The clean folder made immutable (chattr +i), which even root cannot write into."""
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(published)]).returncode:
        pytest.skip("this file system cannot make a folder immutable (chattr +i)")
    yield published
    subprocess.run(["chattr", "-i", str(published)], check=True)


def test_a_read_only_folder_ends_in_one_line_and_writes_nothing(raw_copy, documents, read_only):
    changed_note(raw_copy, documents)
    before = clean_snapshot(read_only)
    run = subprocess.run(command_line(raw_copy, read_only, documents), capture_output=True, text=True,
                         env={**os.environ, "SOURCES_DIR": str(documents)})
    assert run.returncode == 1
    assert re.fullmatch(rf"error: Operation not permitted: {re.escape(str(read_only))}/\.\S+; nothing was written "
                        rf"\({re.escape(str(read_only))} is as it was\)\n", run.stderr), run.stderr
    assert clean_snapshot(read_only) == before


def processor_seconds(pid: int) -> float:
    """The processor time a running process has used (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to see where the run is")
def test_ctrl_c_during_the_clean_step_ends_in_one_line_and_writes_nothing(tmp_path, sources_dir, published):
    # ten copies of the rows, so that the step runs long after its imports; the processor time the imports take,
    # which a loaded machine does not lengthen as it does the clock's, tells when the step itself is under way
    raw_dir, documents = scaling.scaled_raw_layer(10, paths.DATA_RAW, sources_dir, tmp_path / "10x")
    before_imports = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import helpers.data.pipeline"], check=True)
    after_imports = resource.getrusage(resource.RUSAGE_CHILDREN)
    imports = (after_imports.ru_utime + after_imports.ru_stime) - (before_imports.ru_utime + before_imports.ru_stime)
    before = clean_snapshot(published)
    run = subprocess.Popen(command_line(raw_dir, published, documents), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env={**os.environ, "SOURCES_DIR": str(documents)})
    while run.poll() is None and processor_seconds(run.pid) < 1.3 * imports + 0.2:
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=300)
    assert (run.returncode, err) == (128 + signal.SIGINT, f"interrupted: nothing was written ({published} is as it "
                                                          "was)\n"), out
    assert clean_snapshot(published) == before


def test_the_audit_says_a_table_is_empty_instead_of_listing_its_numbers_as_unexplained(raw_copy, documents,
                                                                                      monkeypatch, capsys):
    keep_lines(FIGURES, 1)(raw_copy, documents)
    before = (raw_copy / paths.AUDIT).read_bytes()
    monkeypatch.setenv("SOURCES_DIR", str(documents))
    assert audit.main([], raw_copy) == 1
    output = capsys.readouterr()
    assert re.search(r"figures\.csv: no rows under the header", output.err) and "unexplained" not in output.out
    assert (raw_copy / paths.AUDIT).read_bytes() == before
