"""Reading the clean layer and shaping it for the indicator notebooks.

Only the published clean files are read here (data/clean and its datapackage.json), never the
pipeline's internals, so a notebook runs the same on a clean folder downloaded from the report.
"""
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import i18n, params, paths
from helpers.data.clean import latest_day, whole_or_float
from helpers.data.official import COMPUTED_RANKS, PRODUCER_COLUMNS
from helpers.numbers import Bounded, ratio

KIND_ORDER = ["observed", "derived", "target"]
POPULATION = "population"
# Why a count is set against an earlier year's population: the series stops before the count's year.
LATEST_POPULATION_YEAR = i18n.N_("the latest year available: the series ends before {year}")


@dataclass(frozen=True)
class CleanData:
    indicators: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame
    metadata: pd.DataFrame
    official: pd.DataFrame  # indicator, country, period, value, unit, dataset
    claims_vs_official: pd.DataFrame
    producers: pd.DataFrame  # by official dataset: its producer in each language (producer, producer_vi), from the package

    def title(self, indicator: str, tr: i18n.Language) -> str:
        """The indicator's title in the language, from the indicator metadata (`title`, `title_vi`, ...)."""
        return self.metadata.set_index("indicator").at[indicator, tr.column("title")]


def read_clean(clean_dir: Path) -> CleanData:
    clean_dir = Path(clean_dir)
    missing = [n for n in paths.CLEAN_TABLES
               if not (clean_dir / n).is_file()]
    if missing:
        raise params.ParameterError(f"clean_dir {clean_dir} lacks {', '.join(missing)}: run `make data` first")
    # Ids and periods stay text ("2020" is a period, not a number); empty cells stay empty strings.
    types = {"period": str, "published": str, "figure_ids": str, "note": str, "denominator": "Int64"}
    read = lambda name: pd.read_csv(clean_dir / name, dtype=types, keep_default_na=False,
                                    na_values={"value": [""], "denominator": [""]})
    indicators = read(paths.CLEAN_INDICATORS)
    indicators["value"] = pd.Series([whole_or_float(v) for v in indicators["value"]], dtype=object)
    for column in ("value_low", "value_high", "alt_value"):
        indicators[column] = pd.to_numeric(indicators[column])
    official = pd.read_csv(clean_dir / paths.OFFICIAL_INDICATORS, dtype={"period": str, "edition": str})
    official["value"] = pd.Series([whole_or_float(v) for v in official["value"]], dtype=object)
    package = json.loads((clean_dir / paths.DATAPACKAGE).read_text(encoding="utf-8"))
    producers = pd.DataFrame([{"dataset": Path(s["path"]).stem, **{name: s[name] for name in PRODUCER_COLUMNS}}
                              for s in package["sources"] if "producer" in s],
                             columns=["dataset", *PRODUCER_COLUMNS]).set_index("dataset")
    return CleanData(indicators, read(paths.CHECKS), read(paths.CLEAN_SOURCES), read(paths.INDICATOR_METADATA),
                     official, read(paths.CLAIMS_VS_OFFICIAL), producers)


@dataclass(frozen=True)
class Selection:
    """What a notebook's parameters select: a country, a span of years, a publication cut-off, and the
    language its findings and charts are written in."""
    country: str
    start_year: int
    end_year: int
    as_of: dt.date | None
    language: i18n.Language


def selection(data: CleanData, country, start_year, end_year, as_of, lang=i18n.SOURCE_LANGUAGE) -> Selection:
    """Check a notebook's selection parameters against the data before any work."""
    # any country the official series or the claims cover: every UN member
    country = params.choice("country", country, set(data.official["country"].unique()) | set(data.indicators["country"]),
                            "the ISO 3166-1 alpha-3 code of a UN member, such as VNM or THA")
    start, end = params.year_range(start_year, end_year)
    code = params.choice("lang", lang, i18n.LANGUAGES)
    return Selection(country, start, end, params.iso_date("as_of", as_of), i18n.language(code))


def select(data: CleanData, chosen: Selection, indicators: list[str], kinds=tuple(KIND_ORDER)) -> pd.DataFrame:
    """Rows of these indicators for the chosen country and years, from sources published by as_of.

    A target is kept when its target year is in the span, and always when the text gives it no year;
    observed and derived values when their period is in the span.
    """
    rows = data.indicators
    year = pd.to_numeric(rows["period"].str[:4], errors="coerce")
    in_span = year.between(chosen.start_year, chosen.end_year) | (year.isna() & (rows["kind"] == "target"))
    published_ok = rows["published"].map(lambda p: chosen.as_of is None or latest_day(p) <= chosen.as_of)
    keep = (rows["indicator"].isin(indicators) & rows["kind"].isin(kinds) & (rows["country"] == chosen.country)
            & in_span & published_ok)
    picked = rows[keep].copy()
    picked["date"] = picked["period"].map(period_date)
    picked["kind"] = pd.Categorical(picked["kind"], KIND_ORDER, ordered=True)
    return picked.sort_values(["indicator", "date", "kind", "source_id", "figure_id"], ignore_index=True)


def period_date(period: str) -> pd.Timestamp:
    """Where a period is drawn on a time axis: a year on its tick (a survey edition, a calendar year),
    a month mid-month, a day on the day; no period (a target without a year) is not on the axis."""
    if not period:
        return pd.NaT
    parts = period.split("-")
    if len(parts) == 1:
        return pd.Timestamp(int(parts[0]), 1, 1)
    if len(parts) == 2:
        return pd.Timestamp(int(parts[0]), int(parts[1]), 15)
    return pd.Timestamp(period)


def latest(rows: pd.DataFrame, kind: str = "observed") -> pd.Series | None:
    """The latest row of this kind (ties: the later-published claim)."""
    of_kind = rows[rows["kind"] == kind]
    if of_kind.empty:
        return None
    return of_kind.sort_values(["period", "published", "figure_id"]).iloc[-1]


def official_series(data: CleanData, indicators: list[str], countries, start_year: int | None = None,
                    end_year: int | None = None) -> pd.DataFrame:
    """Official values of these indicators for these countries, within the years if given, with a `date`."""
    rows = data.official[data.official["indicator"].isin(indicators) & data.official["country"].isin(set(countries))]
    year = rows["period"].astype(int)
    if start_year is not None:
        rows = rows[year.between(start_year, end_year)]
    rows = rows.assign(kind="official", qualifier="exact", date=rows["period"].map(period_date),
                       computed=rows["indicator"].isin(COMPUTED_RANKS), tied=tied_members(data.official, rows))
    return rows.sort_values(["indicator", "country", "period"], ignore_index=True)


def tied_members(official: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """For each rank of `rows`, how many members of its edition hold the same rank (1: none other); 1 for any other
    value. A rank computed from rounded scores can be shared (the 2018 OSI rank 59 by six members)."""
    ranks = official[official["unit"] == "rank"]
    sharing = ranks.groupby(["indicator", "period", "value"]).size()
    keys = list(zip(rows["indicator"], rows["period"], rows["value"]))
    return pd.Series([int(sharing.get(key, 1)) for key in keys], index=rows.index, dtype=int)


def asean_members(data: CleanData) -> list[str]:
    """The Southeast Asian members: those the official table ranks among their neighbours."""
    return sorted(set(data.official.loc[data.official["indicator"] == "egdi_rank_asean", "country"]))


def population(data: CleanData, country: str) -> pd.DataFrame:
    """The country's population by year (World Bank), with the dataset's producer in each language."""
    people = data.official[(data.official["indicator"] == POPULATION) & (data.official["country"] == country)]
    return people.join(data.producers, on="dataset").assign(kind="official").sort_values(
        "period", ignore_index=True)


def share_of_population(counts: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each count as a percentage of the population of the count's own year.

    A count dated after the last year of the series is set against that last year, and
    `population_basis` says so (it is empty for the count's own year); nothing is extrapolated.
    """
    rows = []
    for _, count in counts.iterrows():
        year = count["period"][:4]
        same_year = people[people["period"] == year]
        reference = same_year.iloc[0] if not same_year.empty else people.iloc[-1]
        basis = "" if not same_year.empty else LATEST_POPULATION_YEAR.format(year=year)
        share = ratio(Bounded(float(count["value"]), count["qualifier"]), Bounded(float(reference["value"]), "exact"))
        rows.append({**count.to_dict(), "population": int(reference["value"]), "population_period": reference["period"],
                     "population_basis": basis, "population_dataset": reference["dataset"],
                     **{f"population_{name}": reference[name] for name in PRODUCER_COLUMNS},
                     "share_percent": round(100 * share.value, 1), "share_qualifier": share.qualifier})
    return pd.DataFrame(rows)


def ratio_on_same_period(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    """numerator / denominator where both are stated for the same period by the same source."""
    merged = numerator.merge(denominator, on=["period", "source_id", "country"], suffixes=("_num", "_den"))
    ratios = [ratio(Bounded(float(r.value_num), r.qualifier_num), Bounded(float(r.value_den), r.qualifier_den))
              for r in merged.itertuples()]
    # the ratio carries the bound its two figures allow: '~2.6 million / ≥76 million' is under 3.4%
    merged["ratio_percent"] = [round(100 * r.value, 1) for r in ratios]
    merged["ratio_qualifier"] = [r.qualifier for r in ratios]
    return merged.sort_values("period", ignore_index=True)


def progress_to_targets(rows: pd.DataFrame) -> pd.DataFrame:
    """For each indicator with a target: its latest observed value, the target and the gap between them."""
    result = []
    for indicator, group in rows.groupby("indicator", sort=True):
        observed = latest(group, "observed")
        for _, target in group[group["kind"] == "target"].sort_values(["period", "figure_id"]).iterrows():
            result.append({
                "indicator": indicator, "unit": target["unit"], "target": target["value"],
                "target_qualifier": target["qualifier"], "target_year": target["period"],
                "target_source": target["source_id"], "target_figure": target["figure_id"],
                "latest": None if observed is None else observed["value"],
                "latest_period": None if observed is None else observed["period"],
                "latest_figure": None if observed is None else observed["figure_id"],
                "gap": None if observed is None else round(float(target["value"]) - float(observed["value"]), 2),
            })
    return pd.DataFrame(result, columns=["indicator", "unit", "target", "target_qualifier", "target_year",
                                         "target_source", "target_figure", "latest", "latest_period",
                                         "latest_figure", "gap"])
