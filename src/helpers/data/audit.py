"""Extraction audit: every number of every source document, captured by a figure or explained.

A number is a token of digits ("55.25", "2,800") or a number written as a word: cardinals and
ordinals up to twenty ("two", "sixth"), tens ("thirty"), multiples and fractions ("once", "twice",
"half", "a quarter", "four-fold" through its "four"), "a dozen", "a decade", "a century", and
"hundreds", "thousands", "millions" with no digits. Words are matched case-insensitively and
reported as written; "one" and "first" are audited too, so "no one" or "the First Counselor" is
explained like a decree number.

A token is captured by a figure when it lies inside the figure's quote (where the quote stands in
the document) and the same token is written in the figure's value_raw, period_raw, change_raw or
note. It is explained by a row of out_of_scope.csv when that row's context, a short verbatim
snippet of the document, covers it. Anything else is `unexplained`, and the audit test fails.

Run `python -m helpers.data.audit` to rewrite data/raw/extraction_audit.csv; like the clean step, it
stops on a raw table without rows unless run with --allow-shrink.
"""
import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.data import raw
from helpers.files import exit_on_sigterm, exit_with, stops_reported, write_csv_atomic

NUMERIC_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    " seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
    " first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
    " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
    " once twice thrice double doubled triple tripled quadruple half halves quarter quarters"
    " dozen dozens decade decades century centuries hundreds thousands millions billions"
).split()
NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)
CONTEXT_CHARS = 30
AUDIT_COLUMNS = ["source_id", "line", "offset", "token", "context", "status", "figure_ids", "reason"]


def numeric_tokens(text: str) -> list[re.Match]:
    """Every number in `text`, digits and words, in the order they stand."""
    return sorted([*NUMERIC_TOKEN.finditer(text), *NUMBER_WORD.finditer(text)], key=lambda m: m.start())


def token_key(token: str) -> str:
    """What two spellings of one number share: 'Sixth' and 'sixth' are the same word."""
    return token.lower()


def spans(text: str, snippet: str) -> list[tuple[int, int]]:
    """Where `snippet` stands in `text`: every occurrence, as (start, end)."""
    return [(m.start(), m.start() + len(snippet)) for m in re.finditer(re.escape(snippet), text)] if snippet else []


def covers(spans_: list[tuple[int, int]], token: re.Match) -> bool:
    return any(start <= token.start() and token.end() <= end for start, end in spans_)


def figure_tokens(figure) -> set[str]:
    """The numeric tokens a figure writes down in its own fields."""
    fields = " ".join((figure.value_raw, figure.period_raw, figure.change_raw, figure.note))
    return {token_key(m.group()) for m in numeric_tokens(fields)}


def context_of(text: str, token: re.Match) -> str:
    start, end = max(0, token.start() - CONTEXT_CHARS), token.end() + CONTEXT_CHARS
    return " ".join(text[start:end].split())


def audit_source(source_id: str, text: str, figures: pd.DataFrame, out_of_scope: pd.DataFrame) -> list[dict]:
    figure_spans = [(f.figure_id, spans(text, f.quote), figure_tokens(f)) for f in figures.itertuples()]
    scope_spans = [(o.reason, spans(text, o.context)) for o in out_of_scope.itertuples()]
    rows = []
    for token in numeric_tokens(text):
        captured_by = [fid for fid, where, tokens in figure_spans
                       if token_key(token.group()) in tokens and covers(where, token)]
        reasons = [reason for reason, where in scope_spans if covers(where, token)]
        status = "captured" if captured_by else "out_of_scope" if reasons else "unexplained"
        rows.append({
            "source_id": source_id,
            "line": text.count("\n", 0, token.start()) + 1,
            "offset": token.start(),
            "token": token.group(),
            "context": context_of(text, token),
            "status": status,
            "figure_ids": ";".join(sorted(captured_by)),
            "reason": "" if captured_by else "; ".join(dict.fromkeys(reasons)),
        })
    return rows


def unused_out_of_scope(texts: dict[str, str], out_of_scope: pd.DataFrame) -> list[raw.Problem]:
    """Out-of-scope rows whose context is not in their document: stale after a source changed."""
    path = out_of_scope.attrs["path"]
    return [raw.Problem(path, o.line, None, f"context not found in source '{o.source_id}': '{o.context}'")
            for o in out_of_scope.itertuples() if o.context not in texts.get(o.source_id, "")]


def build_audit(layer: raw.RawLayer, out_of_scope: pd.DataFrame) -> pd.DataFrame:
    if layer.texts is None:
        raise raw.RawDataError("the extraction audit needs the source documents: set SOURCES_DIR")
    raw.raise_if(unused_out_of_scope(layer.texts, out_of_scope), out_of_scope.attrs["path"].name)
    rows = []
    for source_id, text in sorted(layer.texts.items()):
        rows += audit_source(source_id, text,
                             layer.figures[layer.figures["source_id"] == source_id],
                             out_of_scope[out_of_scope["source_id"] == source_id])
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def main(argv: list[str] | None = None, raw_dir: Path = paths.DATA_RAW) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-shrink", action="store_true", help="audit even a raw table without rows")
    args = parser.parse_args(argv)
    sources_dir = paths.sources_dir()
    if not sources_dir.is_dir():
        print(f"extraction audit skipped: no source documents at {sources_dir} (set SOURCES_DIR)")
        return 0
    with stops_reported(raw_dir, [paths.AUDIT]):
        try:
            layer = raw.load_raw_layer(raw_dir, sources_dir, allow_empty=args.allow_shrink)
            audit = build_audit(layer, raw.load_out_of_scope(Path(raw_dir) / paths.OUT_OF_SCOPE))
        except raw.RawDataError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        counts = audit["status"].value_counts()
        print("extraction audit: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("captured", "out_of_scope",
                                                                                    "unexplained")))
        unexplained = audit[audit["status"] == "unexplained"]
        for row in unexplained.itertuples():
            print(f"  unexplained: {row.source_id} line {row.line}: '{row.token}' in '{row.context}'")
        if len(unexplained):
            print(f"{paths.AUDIT} left as it was: capture each token in figures.csv or explain it in "
                  f"{paths.OUT_OF_SCOPE}")
            return 1
        write_csv_atomic(audit, Path(raw_dir) / paths.AUDIT)
    return 0


if __name__ == "__main__":
    exit_on_sigterm()
    exit_with(main())
