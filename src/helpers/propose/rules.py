"""The rules every figure of the raw tables follows, whether a person or the proposer wrote it.

- A figure dated at its article's publication date says why, in the text's words: a phrase of the
  text as its period ("Currently", "To date", "So far", "now", "Since 2021"), or a `period_inferred`
  whose reason quotes the text between quotes ('In 2022', "At the meeting").
- A stated range of years is not a date: a figure in "the period of 2022 - 2024" is dated at one of
  its ends in `period_inferred`, which says so; `period_raw` never holds a range.
- A range of values stays a range (low and high in the clean table).
- A qualifier word is read one way everywhere: the parser's table ("nearly", "about", "around" are
  approx; "more than", "over" at_least), and no note reads it otherwise.
"""
import re

import pandas as pd

from helpers.data import raw
from helpers.data.parse import END_OF_RANGE, ParseError, parse_period, parse_value

# A phrase of the text quoted in a reason: 'In 2022', "At the meeting", “now”.
QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|“([^”]+)”")
# What a note may not say of a qualified value: another reading of its qualifier.
OTHER_READING = {"approx": re.compile(r"\b(?:upper|lower) bound|\bat (?:most|least)\b", re.IGNORECASE),
                 "at_least": re.compile(r"\bupper bound|\bat most\b|\bapproximate", re.IGNORECASE)}


def quoted_phrases(reason: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in QUOTED.finditer(reason)]


def rule_problems(figures: pd.DataFrame, sources: pd.DataFrame, clean: pd.DataFrame,
                  texts: dict[str, str] | None) -> list[raw.Problem]:
    """Every figure that breaks one of the rules above, with its file, line and id."""
    path = figures.attrs["path"]
    published = dict(zip(sources["source_id"], sources["published"]))
    lines = dict(zip(figures["figure_id"], figures["line"]))
    problems = []

    def problem(figure_id: str, message: str) -> None:
        problems.append(raw.Problem(path, lines.get(figure_id), figure_id, message))

    for row in clean.itertuples():
        if row.kind != "observed" or row.period != published[row.source_id]:
            continue
        if row.period_basis == parse_period("", row.published).basis:
            problem(row.figure_id, "dated at its article's publication date without a reason from the text: give the "
                                   "text's phrase as period_raw ('Currently', 'To date') or a period_inferred that "
                                   "quotes it, or the date the text gives")
    for row in figures.itertuples():
        if row.period_raw:
            try:
                period = parse_period(row.period_raw, published[row.source_id])
            except ParseError:
                continue  # the clean step names it
            if period.how == END_OF_RANGE:
                problem(row.figure_id, f"period_raw '{row.period_raw}' is a range of years, not a date: leave "
                                       "period_raw empty and give the end (or start) the figure is at in period_inferred")
        if row.period_inferred and texts is not None and row.source_id in texts:
            iso = row.period_inferred.split(":", 1)[0]
            phrases = quoted_phrases(row.period_inferred)
            if iso == published[row.source_id] and not any(p in texts[row.source_id] for p in phrases):
                problem(row.figure_id, "period_inferred at the publication date quotes no phrase of the text")
        try:
            qualifier = parse_value(row.value_raw).qualifier
        except ParseError:
            continue
        other = OTHER_READING.get(qualifier)
        if other is not None and other.search(row.note):
            problem(row.figure_id, f"the note reads '{row.value_raw}' otherwise than as {qualifier}: '{row.note}'")
    for row in clean.itertuples():
        try:
            parsed = parse_value(row.value_raw)
        except ParseError:
            continue
        if parsed.low is not None and (pd.isna(row.value_low) or pd.isna(row.value_high)):
            problem(row.figure_id, f"'{row.value_raw}' is a range: the clean row must keep its low and high")
    return problems
