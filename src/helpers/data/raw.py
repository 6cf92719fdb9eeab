"""The raw layer: the source register, the extracted figures and the indicator vocabulary.

Every problem found is reported with the file, the line and the figure it concerns, and all
problems are collected before failing, so one run shows everything that needs fixing.

Two columns of figures.csv are written in a small notation of their own:

- `period_inferred`, only where the text gives the figure no period: the period and why it was
  chosen, as `YYYY[-MM[-DD]]: why` (e.g. `2022: the latest UN survey before publication`).
- `relates_to`, only for a stated multiple (unit `times`) or share (unit `percent`): the figures
  whose ratio it states, as `part / base`, several readings separated by `; `. `part` is a figure
  of the same source; `base` is a figure of the same source, `?` where the sources give no base,
  or an indicator id where other sources state the base. "from 3% to 13.5% (nearly 4 times)" is
  `s004-26 / s004-25`; the consistency checks set each such claim against its own arithmetic.

The text the project writes itself (a figure's `note`, the why of its `period_inferred`, how a
source's date is known) has a column per other language of the report beside it (`note_vi`,
`period_inferred_vi` with the why only, `published_basis_vi`), filled exactly where the English is.
"""
import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pycountry

from helpers import paths
from helpers.files import runs_as_formula
from helpers.i18n import TRANSLATED, column
from helpers.data.parse import number_word

INDICATOR_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
RAW_KINDS = ("observed", "target")
# About 20 words is the citation limit; a little slack for figures with long number phrases.
MAX_QUOTE_WORDS = 25

SOURCE_COLUMNS = ("source_id", "file", "sha256", "title", "outlet", "published", "published_basis",
                  "published_basis_vi", "language", "url")
FIGURE_COLUMNS = ("figure_id", "source_id", "country", "indicator", "kind", "value_raw", "period_raw",
                  "period_inferred", "period_inferred_vi", "change_raw", "quote", "note", "note_vi", "relates_to")
# The project's own words in a table, each with its translations beside it.
TRANSLATED_COLUMNS = {"sources": ("published_basis",), "figures": ("period_inferred", "note")}
INDICATOR_COLUMNS = ("indicator", "title", "title_vi", "unit", "family", "denominator", "cumulative", "core", "description", "share_of")
OUT_OF_SCOPE_COLUMNS = ("source_id", "context", "reason")
PERIOD_INFERRED = re.compile(r"(?P<iso>\d{4}(?:-\d{2}(?:-\d{2})?)?): (?P<reason>\S.*)")
RELATION = re.compile(r"(?P<part>[^\s/;]+) / (?P<base>[^\s/;]+)")
UNSTATED_BASE = "?"
# A multiple is part / base; a share is 100 * part / base.
RATIO_UNITS = ("times", "percent")


@dataclass(frozen=True)
class Relation:
    """One reading of a stated multiple or share: `part / base` (base a figure id, '?' or an indicator id)."""
    part: str
    base: str


def relations(relates_to: str) -> list[Relation]:
    """The readings of a `relates_to` cell; ValueError naming the cell if one is not `part / base`."""
    readings = []
    for alternative in relates_to.split(";"):
        match = RELATION.fullmatch(alternative.strip())
        if match is None:
            raise ValueError(f"relates_to '{relates_to}': expected 'part / base' readings separated by '; ', "
                             f"e.g. 's004-26 / s004-25' or 's004-18 / ?'")
        readings.append(Relation(match["part"], match["base"]))
    return readings


def corpus_articles(sources: pd.DataFrame) -> str:
    """'five news articles': how many source documents there are, in words."""
    return f"{number_word(len(sources))} news articles"


def corpus_years(sources: pd.DataFrame) -> str:
    """'2021-2024': the years the source documents were published in."""
    years = sources["published"].str[:4]
    return f"{years.min()}-{years.max()}"


# Characters no raw text field may hold: tab, line breaks and the other C0 controls, DEL and the C1 controls.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that make a terminal or a spreadsheet show text in another order than it is stored (U+202E turns
# "%05" into "50%" on screen): the bidirectional marks, embeddings, overrides and isolates.
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The longest field a raw table may hold, in characters (the longest today is 250); data/raw/README.md states it.
MAX_FIELD_CHARS = 2000
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# A file name in sources.csv: a name in the sources folder, no folder of its own.
FILE_NAME = re.compile(r"[^/\\]+")


class RawDataError(ValueError):
    """Raw data that cannot be used; the message lists every problem, one per line."""


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    figure_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file.name}:{self.line}" if self.line else self.file.name
        what = f" [{self.figure_id}]" if self.figure_id else ""
        return f"{where}{what}: {self.message}"


def raise_if(problems: list[Problem], what: str, error: type[ValueError] = RawDataError) -> None:
    """Raise `error` listing every problem, one per line, if there are any."""
    if problems:
        lines = "\n".join(f"  {p}" for p in problems)
        raise error(f"{len(problems)} problem(s) in {what}:\n{lines}")


def wider_encoding(data: bytes) -> str | None:
    """'UTF-16 (little-endian)' if the bytes are text in UTF-16 or UTF-32, by their byte-order mark or, without one,
    by the NUL byte that such text has beside every ASCII character; else None."""
    for mark, name in ((codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"), (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
                       (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"), (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)")):
        if data.startswith(mark):
            return f"{name}, by its byte-order mark {mark.hex(' ').upper()}"
    sample = data[:1000]
    for offset, name in ((1, "UTF-16 (little-endian)"), (0, "UTF-16 (big-endian)")):
        if len(sample) >= 4 and sample[offset::2].count(0) > len(sample) // 4:
            return f"{name}, by the NUL byte beside each of its characters"
    return None


def decoded(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; UTF-16 or UTF-32 text is named as such, and any
    other bytes stop with the line they are on."""
    data = path.read_bytes()
    encoding = wider_encoding(data)
    if encoding:
        raise RawDataError(f"{path.name}: the file is {encoding}; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise RawDataError(f"{path.name}:{line}: byte 0x{data[error.start]:02x} at column {column} is not UTF-8; "
                           "save the file as UTF-8") from None


def outside(path: Path, folder: Path) -> Path | None:
    """Where `path` really is (links followed) if that is outside `folder`; None when it is inside."""
    real = Path(path).resolve()
    return None if real.is_relative_to(Path(folder).resolve()) else real


def unsafe_text(text: str) -> str | None:
    """Why a raw text field cannot be taken as it is, or None: a control character, a bidirectional control that
    shows the text in another order than it is, or a start that a spreadsheet would run as a formula when the
    data is opened in one, also written in a compatibility form (fullwidth '＝' is read as '=')."""
    if len(text) > MAX_FIELD_CHARS:
        return f"{len(text)} characters; a field holds at most {MAX_FIELD_CHARS}"
    control = CONTROL_CHARACTER.search(text)
    if control:
        return f"control character U+{ord(control.group()):04X} at position {control.start() + 1}"
    bidi = BIDI_CONTROL.search(text)
    if bidi:
        return (f"bidirectional control character U+{ord(bidi.group()):04X} ({unicodedata.name(bidi.group())}) at "
                f"position {bidi.start() + 1}, which shows the text in another order than it is written; remove it")
    read_as = unicodedata.normalize("NFKC", text[:1]) + text[1:]
    if runs_as_formula(text) or runs_as_formula(read_as):
        shown = (repr(text[:1]) if read_as == text else
                 f"{text[:1]!r} ({unicodedata.name(text[:1])}, read as {read_as[:1]!r})")
        return (f"starts with {shown}, which a spreadsheet runs as a formula; write the value without it "
                "(a sign in words: 'down 2 places', 'minus 3%')")
    return None


def csv_error_text(error: csv.Error) -> str:
    """What a csv.Error means for whoever edits the file."""
    if "field larger than field limit" in str(error):
        return f"a field longer than {MAX_FIELD_CHARS} characters"
    if "expected after" in str(error):
        return ('a quote is not closed where its field ends, or a quote inside a quoted field is not written twice '
                '("")')
    if "unexpected end of data" in str(error):
        return "a quote opened on this line is never closed: the file ends inside it"
    return str(error)


def records(path: Path, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records of a CSV text, each with the line it starts on; RawDataError for text that is not
    CSV of one record per line: a bare carriage return, a quote left open, a field over csv's own limit."""
    bare_cr = re.search(r"\r(?!\n)", text)
    if bare_cr:
        line = text.count("\n", 0, bare_cr.start()) + 1
        column = bare_cr.start() - (text.rfind("\n", 0, bare_cr.start()) + 1) + 1
        raise RawDataError(f"{path.name}:{line}: a carriage return (CR) without a line feed at column {column}; "
                           "save the file with LF or CRLF line ends")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            if reader.line_num > start:  # line breaks are refused in any field, so this is a quote left open
                raise RawDataError(f"{path.name}:{start}: a quoted field runs on to line {reader.line_num}: a "
                                   "closing quote is missing, or a field holds a line break")
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise RawDataError(f"{path.name}:{start}: {csv_error_text(error)}") from None
    if not rows:
        raise RawDataError(f"{path.name}: the file is empty; its first line is the header")
    (_, header), *body = rows
    return header, [(line, row) for line, row in body if row]  # an empty line is no record


def header_problems(path: Path, header: list[str], columns: tuple[str, ...]) -> list[Problem]:
    """Columns named twice, columns the table does not have, and columns it needs that are missing."""
    counts = Counter(header)
    problems = [Problem(path, 1, None, f"column {name} appears {count} times (fields "
                                       f"{', '.join(str(i + 1) for i, h in enumerate(header) if h == name)})")
                for name, count in counts.items() if count > 1]
    problems += [Problem(path, 1, None, f"unknown column '{name}'; expected {', '.join(columns)}")
                 for name in counts if name not in columns]
    missing = [c for c in columns if c not in counts]
    if missing:
        problems.append(Problem(path, 1, None, f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"))
    return problems


def read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A raw CSV as strings, with `line` the line number of each record in the file.

    Its shape is checked before its meaning: a file that is not in its folder (a link out of it), not UTF-8, not one
    record per line, whose header names a column twice, a column the table does not have, or misses one, or whose
    record has more or fewer fields than the header stops, naming the file and line. Then a field holding a control
    character or starting like a spreadsheet formula stops, naming the file, line and column.
    """
    path = Path(path)
    elsewhere = outside(path, path.parent)
    if elsewhere:
        raise RawDataError(f"{path.name}: a link to {elsewhere}, outside {path.parent}; refused without reading it")
    if not path.is_file():
        raise RawDataError(f"{path.name}: file not found at {path}")
    header, rows = records(path, decoded(path))
    raise_if(header_problems(path, header, columns), path.name)
    raise_if([Problem(path, line, None, f"{len(row)} fields, but the header has {len(header)}")
              for line, row in rows if len(row) != len(header)], path.name)
    table, problems = [], []
    for line, row in rows:
        fields = dict(zip(header, row))
        record = {c: fields[c].strip() if c != "quote" else fields[c] for c in columns}
        for column, text in record.items():
            reason = unsafe_text(text)
            if reason:
                problems.append(Problem(path, line, record.get("figure_id") or None, f"column {column}: {reason}"))
        table.append({**record, "line": line})
    raise_if(problems, path.name)
    frame = pd.DataFrame.from_records(table, columns=[*columns, "line"])
    frame.attrs["path"] = path
    return frame


def load_sources(path: Path = paths.SOURCES_CSV) -> pd.DataFrame:
    return read_table(path, SOURCE_COLUMNS)


def load_figures(path: Path = paths.FIGURES_CSV) -> pd.DataFrame:
    return read_table(path, FIGURE_COLUMNS)


def load_indicators(path: Path = paths.INDICATORS_CSV) -> pd.DataFrame:
    return read_table(path, INDICATOR_COLUMNS)


def load_out_of_scope(path: Path = paths.OUT_OF_SCOPE_CSV) -> pd.DataFrame:
    return read_table(path, OUT_OF_SCOPE_COLUMNS)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_texts(sources: pd.DataFrame, sources_dir: Path) -> dict[str, str]:
    """The text of each source document, by source_id (validate_sources has checked that each is UTF-8)."""
    return {row.source_id: decoded(Path(sources_dir) / row.file) for row in sources.itertuples()}


def duplicates(frame: pd.DataFrame, column: str) -> list[Problem]:
    path = frame.attrs["path"]
    first_line: dict[str, int] = {}
    problems = []
    for value, line in zip(frame[column], frame["line"]):
        if value in first_line:
            problems.append(Problem(path, line, value if column == "figure_id" else None,
                                    f"duplicate {column} '{value}' (first on line {first_line[value]})"))
        else:
            first_line[value] = line
    return problems


def translation_problems(row, columns: tuple[str, ...]) -> list[str]:
    """A translation where the English is written, and none where it is not."""
    problems = []
    for name in columns:
        for code in TRANSLATED:
            translated = column(name, code)
            if getattr(row, name) and not getattr(row, translated):
                problems.append(f"{name} is written but {translated} is empty: translate it")
            elif getattr(row, translated) and not getattr(row, name):
                problems.append(f"{translated} is written but {name} is empty")
    return problems


def iso_date_problem(text: str) -> str | None:
    """Why `text` is not an ISO 8601 date of the year, month or day (YYYY, YYYY-MM, YYYY-MM-DD), or None."""
    if not ISO_DATE.fullmatch(text):
        return "expected YYYY, YYYY-MM or YYYY-MM-DD"
    try:  # a year or a month checked as its first day: '2021-13' as '2021-13-01'
        dt.date.fromisoformat(text + "-01-01"[len(text) - 4:])
    except ValueError as error:
        return f"no such date ({error})"
    return None


def document_problem(sources_dir: Path, row) -> str | None:
    """What is wrong with a source's document (`row.file`, a file name) in `sources_dir`, or None: a link out of the
    folder (refused without reading it), no such file, another sha256 than the one recorded, or text not UTF-8."""
    document = Path(sources_dir) / row.file
    elsewhere = outside(document, sources_dir)
    if elsewhere:
        return f"{row.file} is a link to {elsewhere}, outside the sources folder; refused without reading it"
    if not document.is_file():
        return f"{row.file} not found in {sources_dir}"
    if sha256_of(document) != row.sha256:
        return f"sha256 of {row.file} is {sha256_of(document)}, recorded {row.sha256}"
    try:
        decoded(document)
    except RawDataError as error:
        return str(error)
    return None


def validate_sources(sources: pd.DataFrame, sources_dir: Path | None) -> list[Problem]:
    """Unique ids, dates that are dates, plain file names; with the documents at hand, every one in the sources
    folder, UTF-8, and its sha256 as recorded."""
    path = sources.attrs["path"]
    problems = duplicates(sources, "source_id")
    for row in sources.itertuples():
        def problem(message: str) -> None:
            problems.append(Problem(path, row.line, None, f"source '{row.source_id}': {message}"))

        for column in ("source_id", "file", "sha256", "title", "published", "published_basis"):
            if not getattr(row, column):
                problem(f"empty {column}")
        if not re.fullmatch(r"(stated|inferred): .+", row.published_basis):
            problem("published_basis must start with 'stated: ' or 'inferred: '")
        if row.published and (reason := iso_date_problem(row.published)):
            problem(f"published '{row.published}': {reason}")
        for message in translation_problems(row, TRANSLATED_COLUMNS["sources"]):
            problem(message)
        if row.file and (not FILE_NAME.fullmatch(row.file) or row.file in (".", "..")):
            problem(f"file '{row.file}' is not a file name: the documents are files of the sources folder, named "
                    "alone")
        elif row.file and sources_dir is not None and (reason := document_problem(sources_dir, row)):
            problem(reason)
    return problems


def validate_indicators(indicators: pd.DataFrame) -> list[Problem]:
    path = indicators.attrs["path"]
    problems = duplicates(indicators, "indicator")
    for row in indicators.itertuples():
        if not INDICATOR_ID.match(row.indicator):
            problems.append(Problem(path, row.line, None, f"indicator id '{row.indicator}' is not snake_case ([a-z0-9_])"))
        for column in ("title", "title_vi", "unit", "family", "description"):
            if not getattr(row, column):
                problems.append(Problem(path, row.line, None, f"indicator '{row.indicator}': empty {column}"))
    return problems


def relation_problems(figure, source_of: dict[str, str], indicator_units: dict[str, str]) -> list[str]:
    """What is wrong with a figure's `relates_to`: its form, its unit, and the figures and indicators it names.

    `source_of` maps every figure_id to its source_id.
    """
    unit = indicator_units.get(figure.indicator)
    if unit not in RATIO_UNITS:
        return [f"relates_to is for a multiple or a share (unit {' or '.join(RATIO_UNITS)}); "
                f"indicator '{figure.indicator}' is in '{unit}'"]
    try:
        readings = relations(figure.relates_to)
    except ValueError as error:
        return [str(error)]
    problems = []
    for reading in readings:
        if source_of.get(reading.part) != figure.source_id:
            problems.append(f"relates_to: part '{reading.part}' is not a figure of {figure.source_id}")
        if not (reading.base == UNSTATED_BASE or source_of.get(reading.base) == figure.source_id
                or reading.base in indicator_units):
            problems.append(f"relates_to: base '{reading.base}' is neither '{UNSTATED_BASE}', a figure of "
                            f"{figure.source_id}, nor an indicator in indicators.csv")
    return problems


def duplicate_claims(figures: pd.DataFrame) -> list[Problem]:
    """A claim entered twice under two ids: same source, quote, indicator, kind, value and period."""
    path = figures.attrs["path"]
    key = ["source_id", "quote", "indicator", "kind", "value_raw", "period_raw", "period_inferred", "change_raw"]
    first: dict[tuple, tuple[str, int]] = {}
    problems = []
    for claim, figure_id, line in zip(zip(*(figures[k] for k in key)), figures["figure_id"], figures["line"]):
        if claim in first:
            earlier_id, earlier_line = first[claim]
            problems.append(Problem(path, line, figure_id or None,
                                    f"the same claim as {earlier_id} (line {earlier_line}): same source, "
                                    "quote, indicator, kind, value and period; keep one"))
        else:
            first[claim] = (figure_id, line)
    return problems


def validate_figures(figures: pd.DataFrame, source_files: dict[str, str], indicator_units: dict[str, str],
                     texts: dict[str, str] | None) -> list[Problem]:
    """Each figure: known source and indicator, its value inside its quote, its quote inside its source.

    `source_files` maps each source_id to its document's file name; `indicator_units` each indicator
    of the vocabulary to its unit; `texts` the documents' text, when at hand.
    """
    path = figures.attrs["path"]
    source_ids = set(source_files)
    source_of = dict(zip(figures["figure_id"], figures["source_id"]))
    problems = duplicates(figures, "figure_id") + duplicate_claims(figures)
    for row in figures.itertuples():
        def problem(message: str) -> None:
            problems.append(Problem(path, row.line, row.figure_id or None, message))

        for column in ("figure_id", "source_id", "country", "indicator", "kind", "value_raw", "quote"):
            if not getattr(row, column):
                problem(f"empty {column}")
        if row.source_id and row.source_id not in source_ids:
            problem(f"unknown source_id '{row.source_id}'; expected one of {', '.join(sorted(source_ids))}")
        if row.indicator and not INDICATOR_ID.match(row.indicator):
            problem(f"indicator id '{row.indicator}' is not snake_case ([a-z0-9_])")
        elif row.indicator and row.indicator not in indicator_units:
            problem(f"indicator '{row.indicator}' is not in indicators.csv")
        if row.kind and row.kind not in RAW_KINDS:
            problem(f"kind '{row.kind}'; expected one of {', '.join(RAW_KINDS)}")
        if row.country and not (re.fullmatch(r"[A-Z]{3}", row.country) and pycountry.countries.get(alpha_3=row.country)):
            problem(f"country '{row.country}' is not an ISO 3166-1 alpha-3 code (such as VNM)")
        if row.value_raw and row.value_raw not in row.quote:
            problem(f"value_raw '{row.value_raw}' is not inside its quote")
        if row.period_inferred and row.period_raw:
            problem(f"period_inferred is only for figures whose text gives no period; period_raw is '{row.period_raw}'")
        if row.period_inferred and not PERIOD_INFERRED.fullmatch(row.period_inferred):
            problem(f"period_inferred '{row.period_inferred}': expected 'YYYY[-MM[-DD]]: why', "
                    f"e.g. '2022: the latest UN survey before publication'")
        if row.relates_to:
            for message in relation_problems(row, source_of, indicator_units):
                problem(message)
        for message in translation_problems(row, TRANSLATED_COLUMNS["figures"]):
            problem(message)
        if row.change_raw and row.change_raw not in row.quote:
            problem(f"change_raw '{row.change_raw}' is not inside its quote")
        if len(row.quote.split()) > MAX_QUOTE_WORDS:
            problem(f"quote has {len(row.quote.split())} words; cite at most about 20")
        text = (texts or {}).get(row.source_id)
        if text is None:
            continue
        if row.quote and row.quote not in text:
            problem(f"quote not found verbatim in {source_files[row.source_id]}: '{row.quote}'")
        if row.period_raw and row.period_raw not in text:
            problem(f"period_raw '{row.period_raw}' not found verbatim in {source_files[row.source_id]}")
    return problems


@dataclass(frozen=True)
class RawLayer:
    sources: pd.DataFrame
    figures: pd.DataFrame
    indicators: pd.DataFrame
    texts: dict[str, str] | None


def empty_tables(*tables: pd.DataFrame) -> list[Problem]:
    return [Problem(table.attrs["path"], None, None, "no rows under the header: publishing it would empty the clean "
                    "layer; to do so on purpose, pass --allow-shrink (make: ALLOW_SHRINK=1)")
            for table in tables if table.empty]


def load_raw_layer(raw_dir: Path = paths.DATA_RAW, sources_dir: Path | None = None,
                   allow_empty: bool = False) -> RawLayer:
    """Load and validate the raw layer; raise RawDataError listing every problem.

    The documents are checked when `sources_dir` exists; without them only the tables are checked. A table without
    rows is a problem unless `allow_empty`.
    """
    raw_dir = Path(raw_dir)
    sources = load_sources(raw_dir / paths.SOURCES)
    figures = load_figures(raw_dir / paths.FIGURES_TABLE)
    indicators = load_indicators(raw_dir / paths.INDICATORS)
    if not allow_empty:
        raise_if(empty_tables(sources, figures, indicators), "the raw layer")
    available = sources_dir if sources_dir is not None and Path(sources_dir).is_dir() else None
    problems = validate_sources(sources, available) + validate_indicators(indicators)
    raise_if(problems, "the source register and indicator vocabulary")
    texts = read_texts(sources, available) if available else None
    source_files = dict(zip(sources["source_id"], sources["file"]))
    indicator_units = dict(zip(indicators["indicator"], indicators["unit"]))
    raise_if(validate_figures(figures, source_files, indicator_units, texts),
             figures.attrs["path"].name)
    return RawLayer(sources, figures, indicators, texts)
