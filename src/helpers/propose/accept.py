"""Reviewed candidate rows appended to the raw tables, through the raw reader's checks.

`python -m helpers.propose.accept build/proposed/<stem>.csv` (`make accept PROPOSED=...`) takes a file the
proposer wrote and a person reviewed: its `figure` rows go to data/raw/figures.csv, its `leave_out` rows
of numbers the extraction audit counts to data/raw/out_of_scope.csv (context and reason); `derived` and
`period` rows need nothing (the figure they belong to carries them). Nothing is written unless the raw
layer with the new rows passes the raw reader (every column, quote and period checked against the text),
cleans (every value and period parses) and keeps the rules every figure follows; the audit then says which
numbers of the text are still unexplained.
"""
import csv
import io
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data import audit, raw
from helpers.data.clean import CleanError, clean_figures
from helpers.files import write_files_atomic
from helpers.propose import run_command
from helpers.propose.candidates import ACTIONS, PROPOSED_COLUMNS
from helpers.propose.rules import rule_problems


def csv_lines(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Rows in the raw tables' own CSV form, to append to one of them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writerows(rows)
    return buffer.getvalue()


def appended(path: Path, lines: str) -> str:
    text = raw.decoded(path)
    return text if not lines else text + ("" if text.endswith("\n") else "\n") + lines


def accepted_rows(proposed: pd.DataFrame) -> tuple[list[dict], list[dict], list[raw.Problem]]:
    """The figures and out-of-scope rows of a reviewed proposal, and what is wrong with it."""
    path = proposed.attrs["path"]
    figures, leave_out, problems = [], [], []
    audited = {audit.token_key(m.group()) for row in proposed.itertuples() for m in audit.numeric_tokens(row.token)}
    for row in proposed.itertuples():
        if row.action not in ACTIONS:
            problems.append(raw.Problem(path, row.line_in_file, row.figure_id or None,
                                        f"action '{row.action}'; expected one of {', '.join(ACTIONS)}"))
        elif row.action == "figure":
            figures.append(row._asdict())
        elif row.action == "leave_out" and audit.numeric_tokens(row.token) and audit.token_key(row.token) in audited:
            if not row.context or not row.reason:
                problems.append(raw.Problem(path, row.line_in_file, None,
                                            f"leave_out '{row.token}': give the context (a few words of the text "
                                            "around it) and the reason"))
            else:
                leave_out.append({"source_id": row.source_id, "context": row.context, "reason": row.reason})
    unique = list({(r["source_id"], r["context"]): r for r in leave_out}.values())
    return figures, unique, problems


def accept(proposed_csv: Path, raw_dir: Path = paths.DATA_RAW, sources_dir: Path | None = None) -> pd.DataFrame:
    """Append the reviewed rows to the raw tables if the whole raw layer then passes; the audit of the result."""
    sources_dir = paths.sources_dir() if sources_dir is None else Path(sources_dir)
    proposed = raw.read_table(proposed_csv, tuple(PROPOSED_COLUMNS)).rename(columns={"line": "line_in_file"})
    proposed.attrs["path"] = Path(proposed_csv)
    figures, leave_out, problems = accepted_rows(proposed)
    raw.raise_if(problems, Path(proposed_csv).name)
    raw_dir = Path(raw_dir)
    targets = {
        raw_dir / paths.FIGURES_TABLE: appended(raw_dir / paths.FIGURES_TABLE, csv_lines(figures, raw.FIGURE_COLUMNS)),
        raw_dir / paths.OUT_OF_SCOPE: appended(raw_dir / paths.OUT_OF_SCOPE, csv_lines(leave_out, raw.OUT_OF_SCOPE_COLUMNS)),
    }
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "raw"
        shutil.copytree(raw_dir, trial)
        for target, text in targets.items():
            (trial / target.name).write_text(text, encoding="utf-8")
        layer = raw.load_raw_layer(trial, sources_dir)
        try:
            clean = clean_figures(layer)
        except CleanError as error:
            raise raw.RawDataError(str(error)) from None
        raw.raise_if(rule_problems(layer.figures, layer.sources, clean, layer.texts), paths.FIGURES_TABLE)
        result = (audit.build_audit(layer, raw.load_out_of_scope(trial / paths.OUT_OF_SCOPE))
                  if layer.texts is not None else pd.DataFrame(columns=audit.AUDIT_COLUMNS))
    write_files_atomic(targets)
    print(f"appended {len(figures)} figure(s) to {paths.FIGURES_TABLE} and {len(leave_out)} row(s) to {paths.OUT_OF_SCOPE}")
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_file():
        print("usage: python -m helpers.propose.accept build/proposed/<stem>.csv (a proposal you reviewed)",
              file=sys.stderr)
        return 2
    result = accept(Path(args[0]))
    unexplained = result[result["status"] == "unexplained"]
    for row in unexplained.itertuples():
        print(f"  unexplained: {row.source_id} line {row.line}: '{row.token}' in '{row.context}'")
    print(f"extraction audit: {len(unexplained)} unexplained; then make data, make notebooks and make test")
    return 1 if len(unexplained) else 0


if __name__ == "__main__":
    run_command(main)
