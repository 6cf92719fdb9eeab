"""The proposer measured against the hand-made raw tables: what share of their figures it finds, and how many
of those it reads right, field by field.

`python -m helpers.propose.measure` prints the shares over every source in sources.csv; tests/test_propose.py
holds them.
"""
import sys
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data import audit, raw
from helpers.propose.candidates import Article, Project, load_project, propose, raw_span

FIELDS = ("value", "unit", "qualifier", "kind", "period", "indicator")


def _same(field_name: str, proposed, expected) -> bool:
    if field_name == "value":
        try:
            return abs(float(proposed) - float(expected)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(proposed or "") == str("" if pd.isna(expected) else expected)


def first_token(written: str) -> str:
    """The number a written value starts with ('86' of '86th position among 193'), or the value if it has none."""
    tokens = audit.numeric_tokens(written)
    return audit.token_key(tokens[0].group()) if tokens else written.lower()


def compare(proposed: pd.DataFrame, clean: pd.DataFrame, figures: pd.DataFrame, text: str) -> pd.DataFrame:
    """One row per clean row of the source (observed, target and derived): the proposed row that stands for it,
    if any, and whether each field agrees. A proposed row stands for a figure when its token lies in the
    figure's quote and is one of the figure's own numbers (for a derived row, one of its change's)."""
    rows = []
    quotes = dict(zip(figures["figure_id"], figures["quote"]))
    raws = {row.figure_id: row for row in figures.itertuples()}
    for expected in clean.itertuples():
        figure = raws[expected.figure_id]
        derived = expected.kind == "derived"
        wanted = first_token(figure.change_raw if derived else figure.value_raw)
        span = raw_span(text, quotes[expected.figure_id])
        match = None
        for row in proposed[proposed["action"] == ("derived" if derived else "figure")].itertuples():
            where = [s for s in audit.spans(text, row.quote) if span and span[0] <= s[0] and s[1] <= span[1] + 200
                     or span and s[0] <= span[0] < s[1]]
            if where and first_token(row.token) == wanted:
                match = row
                break
        result = {"figure_id": expected.figure_id, "kind_expected": expected.kind, "found": match is not None}
        for name in FIELDS:
            expected_value = getattr(expected, name)
            result[f"{name}_expected"] = expected_value
            result[f"{name}_proposed"] = getattr(match, name) if match is not None else ""
            result[name] = match is not None and _same(name, getattr(match, name), expected_value)
        rows.append(result)
    return pd.DataFrame(rows)


def measure(project: Project, sources_dir: Path) -> pd.DataFrame:
    """`compare` over every source of the project, the proposer knowing only the other sources' figures."""
    results = []
    for source in project.sources.itertuples():
        path = Path(sources_dir) / source.file
        article = Article(raw.decoded(path), source.source_id, source.published)
        known = project.clean[project.clean["source_id"] != source.source_id]
        proposed = propose(article, project.vocabulary(source.source_id), known)
        clean = project.clean[project.clean["source_id"] == source.source_id]
        figures = project.figures[project.figures["source_id"] == source.source_id]
        results.append(compare(proposed, clean, figures, article.text).assign(source_id=source.source_id))
    return pd.concat(results, ignore_index=True)


def left_out_agreement(project: Project, sources_dir: Path) -> float:
    """Of the numbers out_of_scope.csv explains, the share the proposer also proposes to leave out (or reads as
    a figure's period), the token found on the same line."""
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    audited = audit.build_audit(layer, raw.load_out_of_scope(paths.OUT_OF_SCOPE_CSV))
    explained = audited[audited["status"] == "out_of_scope"]
    agreed = 0
    for source in project.sources.itertuples():
        article = Article(raw.decoded(Path(sources_dir) / source.file), source.source_id, source.published)
        proposed = propose(article, project.vocabulary(source.source_id), project.clean)
        not_figures = {(int(row.line), row.token) for row in proposed.itertuples() if row.action in ("leave_out", "period")}
        agreed += sum((row.line, row.token) in not_figures
                      for row in explained[explained["source_id"] == source.source_id].itertuples())
    return agreed / len(explained)


def summary(measured: pd.DataFrame) -> dict[str, float]:
    """The share of figures found, and for those the share with each field right."""
    found = measured[measured["found"]]
    return {"found": measured["found"].mean(), **{name: found[name].mean() for name in FIELDS}}


def main() -> int:
    sources_dir = paths.sources_dir()
    if not sources_dir.is_dir():
        print(f"proposer not measured: no source documents at {sources_dir} (set SOURCES_DIR)")
        return 0
    measured = measure(load_project(), sources_dir)
    shares = summary(measured)
    print(f"{len(measured)} figures of the raw tables (derived rows included); found {shares['found']:.1%}; of those right: "
          + ", ".join(f"{name} {shares[name]:.1%}" for name in FIELDS))
    print(f"numbers out_of_scope.csv explains that the proposer also leaves out: "
          f"{left_out_agreement(load_project(), sources_dir):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
