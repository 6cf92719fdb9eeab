"""The clean layer: every raw figure as a number in base units with its period, kind and doubt.

One clean row per raw figure, plus one derived row per figure stated relative to another year.
Any figure that cannot be read raises CleanError naming the file, the line and the figure_id.

`period_basis` says how each period is known, and its first word says which of three cases it is:

- `stated`: a date written in the text ('stated: end year of the range 2022-2024' when read off a
  range);
- `inferred: ...`: how the date was reached: a relative phrase ("this decade"), the as-of date of
  an undated statement (the publication date; a running total "since 2021" is dated there too),
  or the reason given in figures.csv `period_inferred`;
- `none: ...`: a target the text gives no year for. Its period is empty: such a target never
  takes the publication date, which would read as its deadline. Only targets can be undated; an
  observed figure is always dated, at the latest by its statement.

`denominator` is carried only where the text gives it (a rank "86/193", "76th out of 193
countries", a count "48 out of 63"); the note of every rank says where its denominator comes from.
"""
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from helpers.data import raw
from helpers.data.parse import ParseError, Period, parse_change, parse_period, parse_value, rank_before
from helpers.i18n import LANGUAGES, N_, Language, column, language
from helpers.numbers import period_text
from helpers.paths import SOURCE_LANGUAGE

# The project's own words about a row, in every language of the report: `period_basis`, `period_basis_vi`...
TRANSLATED = ("period_basis", "note")
CLEAN_COLUMNS = [
    "indicator", "country", "period", "value", "unit", "kind", "qualifier", "source_id", "figure_id",
    "denominator", "value_low", "value_high", "alt_value", "alt_unit", "published",
    *(column(name, code) for name in TRANSLATED for code in LANGUAGES), "relates_to", "value_raw", "quote",
]
# An undated target's period is empty (None): it sorts after the dated rows of its indicator.
SORT_KEY = ["indicator", "country", "period", "kind", "source_id", "figure_id"]
UNDATED_TARGET = N_("none: a target the text gives no year for")
INFERRED = N_("inferred: {why}")
# A quote of the text in a note stays verbatim, between quotes.
DENOMINATOR_GIVEN = N_("denominator {denominator} as the text gives it ('{written}')")
NO_DENOMINATOR = N_("no denominator: the text gives none")
DERIVED_FROM = N_("derived from {written} ({period}), '{change}'; no denominator: the text gives none for {earlier}")
# The units a parsed figure may carry for an indicator of each unit, with the factor into the
# indicator's unit; a bare number takes the indicator's unit. An index stated as "80%" is 0.80.
CONVERSIONS = {"rank": {"rank": 1}, "percent": {"percent": 1}, "vnd": {"vnd": 1}, "usd": {"usd": 1},
               "times": {"times": 1}, "index": {"percent": 0.01}}


class CleanError(ValueError):
    """A raw figure that cannot be cleaned; the message names every such figure."""


@dataclass(frozen=True)
class Indicator:
    id: str
    unit: str


def indicator_table(indicators: pd.DataFrame) -> dict[str, Indicator]:
    return {row.indicator: Indicator(row.indicator, row.unit) for row in indicators.itertuples()}


def whole_or_float(number: float | None):
    """Counts and ranks as ints so the CSV says 55250000, not 55250000.0."""
    if number is None or pd.isna(number):
        return None
    return int(number) if float(number).is_integer() else float(number)


def latest_day(iso: str) -> dt.date:
    """The last day a partial ISO date (YYYY, YYYY-MM) can mean."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31)


def published_by(sources: pd.DataFrame, as_of: dt.date | None) -> set[str]:
    """Sources known to be published on or before `as_of`: a partial date counts as its last possible day."""
    return {s.source_id for s in sources.itertuples() if as_of is None or latest_day(s.published) <= as_of}


def in_indicator_unit(parsed, indicator: Indicator) -> float:
    """The parsed value in the indicator's unit; a unit the indicator cannot take is an error."""
    if parsed.unit is None:
        return parsed.value
    factor = CONVERSIONS.get(indicator.unit, {}).get(parsed.unit)
    if factor is None:
        raise ParseError(f"the figure is in '{parsed.unit}' but indicator '{indicator.id}' is in '{indicator.unit}'")
    return parsed.value if factor == 1 else round(parsed.value * factor, 10)


def figure_period(figure, published: str) -> Period | None:
    """The period of a raw figure and how it is known; None for a target the text gives no year for.

    A figure without a period in the text takes, in this order: the period and reason written in
    `period_inferred`; none at all if it is a target; else the as-of date of its statement, the
    publication date.
    """
    if figure.period_inferred:
        inferred = raw.PERIOD_INFERRED.fullmatch(figure.period_inferred)
        return Period(parse_period(inferred["iso"], published).iso, INFERRED, (("why", inferred["reason"]),))
    if not figure.period_raw and figure.kind == "target":
        return None
    return parse_period(figure.period_raw, published)


def period_basis(period: Period | None, figure, tr: Language) -> str:
    """How the period of a figure is known, in the language; the why of an inferred one from the raw data."""
    if period is None:
        return tr._(UNDATED_TARGET)
    if period.how == INFERRED and tr.code != SOURCE_LANGUAGE:
        # the why is the raw data's own words, with their translation beside them
        return tr._(INFERRED, why=getattr(figure, column("period_inferred", tr.code)))
    return period.basis_in(tr)


def denominator_note(parsed, unit: str, value_raw: str, tr: Language) -> str:
    """Where a row's denominator comes from: the text, or (for a rank) nowhere."""
    if parsed.denominator is not None:
        return tr._(DENOMINATOR_GIVEN, denominator=parsed.denominator, written=value_raw)
    return tr._(NO_DENOMINATOR) if unit == "rank" else ""


def clean_figure(figure, indicator: Indicator, published: str) -> list[dict]:
    """The clean row of one raw figure, and its derived row when it is stated relative to another year."""
    parsed = parse_value(figure.value_raw)
    unit = indicator.unit
    value = in_indicator_unit(parsed, indicator)
    if unit in ("rank", "count") and not float(value).is_integer():
        raise ParseError(f"a {unit} must be a whole number, got {value}")
    period = figure_period(figure, published)
    row = {
        "indicator": figure.indicator, "country": figure.country, "period": period.iso if period else None,
        "value": whole_or_float(value), "unit": unit, "kind": figure.kind, "qualifier": parsed.qualifier,
        "source_id": figure.source_id, "figure_id": figure.figure_id, "denominator": parsed.denominator,
        "value_low": whole_or_float(parsed.low), "value_high": whole_or_float(parsed.high),
        "alt_value": whole_or_float(parsed.alt_value), "alt_unit": parsed.alt_unit, "published": published,
        "relates_to": figure.relates_to or None,
        # what a reader hovering over the point sees: the figure as written and the sentence it is in
        "value_raw": figure.value_raw, "quote": figure.quote,
    }
    for tr in map(language, LANGUAGES):
        note = (getattr(figure, column("note", tr.code)), denominator_note(parsed, unit, figure.value_raw, tr))
        row[column("period_basis", tr.code)] = period_basis(period, figure, tr)
        row[column("note", tr.code)] = "; ".join(part for part in note if part)
    rows = [row]
    if figure.change_raw:
        change = parse_change(figure.change_raw)
        if change.reference_period is not None:
            derived = {**row, "period": change.reference_period, "kind": "derived",
                       "value": rank_before(int(value), change), "denominator": None, "value_low": None,
                       "value_high": None, "alt_value": None, "alt_unit": None, "relates_to": None}
            for tr in map(language, LANGUAGES):
                derived[column("period_basis", tr.code)] = Period(change.reference_period).basis_in(tr)
                derived[column("note", tr.code)] = tr._(
                    DERIVED_FROM, written=figure.value_raw, period=period_text(row["period"], tr.code),
                    change=figure.change_raw, earlier=period_text(change.reference_period, tr.code))
            rows.append(derived)
    return rows


def clean_figures(layer: raw.RawLayer, as_of: dt.date | None = None) -> pd.DataFrame:
    """The clean table of the raw layer, sorted; raises CleanError listing every figure that does not parse."""
    indicators = indicator_table(layer.indicators)
    published = dict(zip(layer.sources["source_id"], layer.sources["published"]))
    kept = published_by(layer.sources, as_of)
    path = layer.figures.attrs["path"]
    rows, problems = [], []
    for figure in layer.figures.itertuples():
        if figure.source_id not in kept:
            continue
        try:
            rows += clean_figure(figure, indicators[figure.indicator], published[figure.source_id])
        except ValueError as error:  # ParseError, or an impossible earlier rank from rank_before
            problems.append(raw.Problem(path, figure.line, figure.figure_id, str(error)))
    raw.raise_if(problems, f"{path.name} (figures that cannot be cleaned)", CleanError)
    table = pd.DataFrame(rows, columns=CLEAN_COLUMNS, dtype=object)
    return table.sort_values(SORT_KEY, kind="stable", ignore_index=True)
