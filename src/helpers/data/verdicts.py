"""Every news claim set against the public series that can check it, with a verdict.

Which series checks which article indicator, and how, is data: data/raw/claim_links.csv has one row per
indicator with its comparison:

- `same_value`, `rank`: the series' value for the claim's country and year (for a series that revises past
  years by edition, the first edition that gives the year), within what the qualifier allows, or within
  the link's `tolerance` where the series' own rounding needs one;
- `multiple_of_series`: a stated multiple ("3.5 times GDP growth") against the figures it relates
  (`relates_to`) divided by the series of their years, one by one and taken together;
- `conversion`: an amount stated in two currencies against the series' exchange rate of its year;
- `share_of_group`: a stated share of the population against the count it describes divided by the
  population group of its year (`group`: `all`, or `aged_15_and_over` from the share aged 0-14);
- `none`: no comparison; the link's `verdict` (`no_public_series`, `not_comparable`, `not_checked`) and
  its reason say why, naming what was looked for.

Targets are read against the latest public value: met or not met once the series reaches the target's
year, not yet known before. The result has one row per clean row (figure_id and kind), so that no claim
is silent; a claim whose indicator has no link is `not_checked`, saying so.
"""
import math
from pathlib import Path

import pandas as pd

from helpers.data.clean import whole_or_float
from helpers.data.official import OfficialDataError
from helpers.i18n import LANGUAGES, N_, column, language
from helpers.numbers import plain

LINK_COLUMNS = ["indicator", "comparison", "series", "group", "tolerance", "verdict", "reason", "reason_vi"]
COMPARISONS = ("same_value", "rank", "multiple_of_series", "conversion", "share_of_group", "none")
STATED_VERDICTS = ("no_public_series", "not_comparable", "not_checked")
VERDICTS = ("agrees", "differs", "not_comparable", "no_public_series", "target_met", "target_not_met",
            "target_not_yet_known", "not_checked")
# the series a population group is computed from
GROUPS = {"all": ("population",), "aged_15_and_over": ("population", "population_0_14_share")}
# "about", "nearly", "around" round to two significant figures at most, which moves a number by at most 5%
APPROX_RELATIVE_TOLERANCE = 0.05

REASON_COLUMNS = [column("reason", code) for code in LANGUAGES]
COLUMNS = ["figure_id", "source_id", "kind", "indicator", "theme", "country", "period", "claim_value", "qualifier",
           "comparison", "series", "official_period", "official_value", "dataset", "edition", "source_kind",
           "difference", "direction", "verdict", *REASON_COLUMNS]
SORT_KEY = ["theme", "indicator", "country", "period", "figure_id", "kind"]

AGREES = N_("{series} {year}: {official} ({dataset}), within what the claim's wording allows.")
ABOVE = N_("{series} {year}: {official} ({dataset}), {difference} above the claim.")
BELOW = N_("{series} {year}: {official} ({dataset}), {difference} below the claim.")
NO_YEAR = N_("{series} ({dataset}) has no value for {country} in {year}.")
MULTIPLE = N_("The figures it relates divided by {series} of their years: {readings}; taken together {combined} "
              "({dataset}).")
CONVERSION = N_("The text's amounts imply {implied} dong per US dollar; the official annual average rate of {year} is "
                "{rate} ({dataset}), which turns the stated US dollars into {converted} dong.")
SHARE = N_("{count} ({figure}) is {share}% of the {group} of {year} ({people} people, {dataset}) and {share_all}% of "
           "the whole population ({population}).")
NO_COUNT = N_("No count of {count} from the same source and date to divide by the population.")
TARGET_OPEN = N_("Latest public value: {official} in {year} ({dataset}); the target is for {target_year}.")
TARGET_DUE = N_("Public value of {year}: {official} ({dataset}); the target was {target} by {target_year}.")
TARGET_UNDATED = N_("Latest public value: {official} in {year} ({dataset}); the text gives the target no year.")
NO_LINK = N_("No row for this indicator in {file}: not yet linked to a public series.")
GROUP_NAMES = {"all": N_("population"), "aged_15_and_over": N_("population aged 15 and over")}


class LinkError(ValueError):
    """A claim-to-series link that cannot be used: which file, line and field, and what was expected."""


def load_links(path: Path, official: pd.DataFrame) -> pd.DataFrame:
    """The link table, each row checked: a known comparison, a series the official table holds, a stated verdict
    with its reasons where there is no comparison; one row per indicator."""
    path = Path(path)
    links = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(links.columns) != LINK_COLUMNS:
        raise LinkError(f"{path.name}: line 1: columns are {list(links.columns)}, expected {LINK_COLUMNS}")
    series = set(official["indicator"])
    problems = []
    for line, row in enumerate(links.to_dict("records"), start=2):
        where = f"{path.name}: line {line} ({row['indicator']})"
        if row["comparison"] not in COMPARISONS:
            problems.append(f"{where}: field comparison: '{row['comparison']}' is not one of {', '.join(COMPARISONS)}")
            continue
        needed = [row["series"]] if row["series"] else []
        if row["comparison"] == "share_of_group":
            if row["group"] not in GROUPS:
                problems.append(f"{where}: field group: '{row['group']}' is not one of {', '.join(GROUPS)}")
            needed = list(GROUPS.get(row["group"], ()))
        for name in needed:
            if name not in series:
                problems.append(f"{where}: field series: '{name}' is not an indicator of the official series")
        if row["comparison"] == "none":
            if row["verdict"] not in STATED_VERDICTS:
                problems.append(f"{where}: field verdict: '{row['verdict']}' is not one of {', '.join(STATED_VERDICTS)}")
            for name in REASON_COLUMNS:
                if not row[name].strip():
                    problems.append(f"{where}: field {name}: empty; a claim without a comparison needs its reason")
        else:
            if not row["series"] and row["comparison"] != "share_of_group":
                problems.append(f"{where}: field series: empty; the comparison {row['comparison']} needs a series")
            if row["verdict"]:
                problems.append(f"{where}: field verdict: given for a computed comparison ({row['comparison']})")
        if row["tolerance"]:
            try:
                if float(row["tolerance"]) < 0:
                    raise ValueError
            except ValueError:
                problems.append(f"{where}: field tolerance: '{row['tolerance']}' is not a number of 0 or more")
    for indicator in links.loc[links["indicator"].duplicated(), "indicator"]:
        problems.append(f"{path.name}: indicator {indicator} has more than one row; expected one link per indicator")
    if problems:
        raise LinkError("\n".join(problems))
    return links


def agrees(claim: float, official: float, qualifier: str, tolerance: float = 0.0) -> bool:
    """Whether a public value bears the claim out: equal, or within what the qualifier (and the link's tolerance) allow."""
    if abs(official - claim) <= tolerance + 1e-9:
        return True
    if qualifier in ("exact", ""):
        return math.isclose(official, claim, rel_tol=0, abs_tol=1e-9)
    if qualifier == "at_least":
        return official >= claim
    if qualifier == "at_most":
        return official <= claim
    if qualifier == "approx":
        return abs(official - claim) <= APPROX_RELATIVE_TOLERANCE * abs(claim) + 1e-9
    raise OfficialDataError(f"qualifier '{qualifier}' is not exact, approx, at_least or at_most")


def half_unit(value: float) -> float:
    """Half a unit of the last significant digit a number is written with: 3.5 -> 0.05, 8100000000000 -> 5e10."""
    text = repr(float(value)).removesuffix(".0")
    if "e" in text:
        mantissa, exponent = text.split("e")
        digits = mantissa.replace(".", "").rstrip("0") or "0"
        return 0.5 * 10 ** (int(exponent) - (len(digits) - 1))
    if "." in text:
        return 0.5 * 10 ** -len(text.split(".")[1])
    return 0.5 * 10 ** (len(text) - len(text.rstrip("0")))


class Verdicts:
    """The comparisons of one build: the clean claims, the official series and their titles, the links."""

    def __init__(self, clean: pd.DataFrame, vocabulary: pd.DataFrame, official: pd.DataFrame, links: pd.DataFrame,
                 titles: dict[str, dict[str, str]], datasets: dict[str, str], links_file: str):
        self.clean, self.official, self.titles, self.datasets = clean, official, titles, datasets
        self.links = links.set_index("indicator")
        self.theme = dict(zip(vocabulary["indicator"], vocabulary["family"]))
        self.share_of = dict(zip(vocabulary["indicator"], vocabulary["share_of"]))
        self.links_file = links_file

    # -- series look-ups --
    def values(self, series: str, country: str) -> pd.DataFrame:
        """The series for a country, one row per year: where editions revise a year, the first edition's value."""
        rows = self.official[(self.official["indicator"] == series) & (self.official["country"] == country)]
        rows = rows.sort_values(["period", "edition"], kind="stable").drop_duplicates("period")
        return rows.set_index("period")

    def value_of(self, series: str, country: str, year: str, latest_before: bool = False):
        values = self.values(series, country)
        if latest_before:
            values = values[values.index <= year]
            return None if values.empty else values.iloc[-1]
        return values.loc[year] if year in values.index else None

    def title(self, series: str, code: str) -> str:
        return self.titles.get(series, {}).get(code, series)

    # -- one claim --
    def verdict(self, claim: dict) -> dict:
        row = {name: claim.get(name) for name in ("figure_id", "source_id", "kind", "indicator", "country", "period",
                                                   "qualifier")}
        row.update(theme=self.theme.get(claim["indicator"], ""), claim_value=whole_or_float(float(claim["value"])))
        if claim["indicator"] not in self.links.index:
            return {**row, "comparison": "", "series": "", "verdict": "not_checked",
                    **self.reasons(NO_LINK, file=self.links_file)}
        link = self.links.loc[claim["indicator"]]
        row.update(comparison=link["comparison"], series=link["series"])
        if link["comparison"] == "none":
            return {**row, **self.stated(link, claim)}
        if claim["kind"] == "target":
            return {**row, **self.target(claim, link)}
        compare = {"same_value": self.same_value, "rank": self.same_value, "multiple_of_series": self.multiple,
                   "conversion": self.conversion, "share_of_group": self.share}[link["comparison"]]
        return {**row, **compare(claim, link)}

    def reasons(self, message: str, note: pd.Series | None = None, **values) -> dict:
        """A message in every language, each value given per language by a function of the language code."""
        out = {}
        for code in LANGUAGES:
            text = language(code)._(message, **{k: v(code) if callable(v) else v for k, v in values.items()})
            extra = note[column("reason", code)] if note is not None else ""
            out[column("reason", code)] = f"{text} {extra}".strip()
        return out

    def official_columns(self, found: pd.Series, year: str, value: float) -> dict:
        return {"official_period": year, "official_value": whole_or_float(round(value, 6)),
                "dataset": found["dataset"], "edition": found["edition"], "source_kind": found["source_kind"]}

    def judged(self, claim: dict, official_value: float, ok: bool) -> dict:
        difference = round(official_value - float(claim["value"]), 6)
        if ok:
            return {"difference": whole_or_float(difference), "direction": "", "verdict": "agrees"}
        return {"difference": whole_or_float(difference), "direction": "higher" if difference > 0 else "lower",
                "verdict": "differs"}

    def stated(self, link: pd.Series, claim: dict) -> dict:
        out = {"verdict": link["verdict"], "reason": link["reason"], "reason_vi": link["reason_vi"]}
        if link["series"]:  # a series that measures something else: its latest value, shown beside the claim
            found = self.value_of(link["series"], claim["country"], claim["period"][:4] or "9999", latest_before=True)
            if found is not None:
                out.update(self.official_columns(found, found.name, float(found["value"])))
        return out

    def same_value(self, claim: dict, link: pd.Series) -> dict:
        year = claim["period"][:4]
        found = self.value_of(link["series"], claim["country"], year)
        if found is None:
            return {"verdict": "not_checked",
                    **self.reasons(NO_YEAR, link, series=lambda c: self.title(link["series"], c),
                                   dataset=self.datasets.get(link["series"], ""), country=claim["country"], year=year)}
        value = float(found["value"])
        tolerance = float(link["tolerance"] or 0)
        judged = self.judged(claim, value, agrees(float(claim["value"]), value, claim["qualifier"], tolerance))
        message = AGREES if judged["verdict"] == "agrees" else ABOVE if judged["direction"] == "higher" else BELOW
        return {**self.official_columns(found, year, value), **judged,
                **self.reasons(message, link, series=lambda c: self.title(link["series"], c), year=year,
                               official=lambda c: plain(value, 4, c), dataset=found["dataset"],
                               difference=lambda c: plain(abs(judged["difference"]), 4, c))}

    def related_parts(self, claim: dict) -> list[dict]:
        """The figures a stated multiple relates: the part of each reading of `relates_to` ('part / base')."""
        parts = [reading.split("/")[0].strip() for reading in str(claim.get("relates_to") or "").split(";")]
        rows = self.clean[self.clean["figure_id"].isin(parts) & (self.clean["kind"] != "target")]
        return rows.sort_values("period").to_dict("records")

    def multiple(self, claim: dict, link: pd.Series) -> dict:
        readings, parts, bases, halves = [], [], [], []
        for part in self.related_parts(claim):
            year = part["period"][:4]
            found = self.value_of(link["series"], claim["country"], year)
            if found is None:
                return {"verdict": "not_checked",
                        **self.reasons(NO_YEAR, link, series=lambda c: self.title(link["series"], c),
                                       dataset=self.datasets.get(link["series"], ""), country=claim["country"],
                                       year=year)}
            readings.append((year, float(part["value"]), float(found["value"]), part["figure_id"]))
            parts.append(float(part["value"]))
            bases.append(float(found["value"]))
            halves.append(half_unit(float(part["value"])))
            dataset = found["dataset"]
        if not readings:
            return {"verdict": "not_checked", **self.reasons(NO_COUNT, link, count=claim["indicator"])}
        combined = sum(parts) / sum(bases)
        low, high = (sum(parts) - sum(halves)) / sum(bases), (sum(parts) + sum(halves)) / sum(bases)
        stated, half = float(claim["value"]), half_unit(float(claim["value"]))
        ok = low <= stated + half and high >= stated - half  # the ratio's range meets the stated multiple's
        found = self.value_of(link["series"], claim["country"], readings[-1][0])
        return {**self.official_columns(found, "-".join(sorted({readings[0][0], readings[-1][0]})), round(combined, 2)),
                **self.judged(claim, round(combined, 2), ok),
                **self.reasons(MULTIPLE, link, series=lambda c: self.title(link["series"], c), dataset=dataset,
                               readings=lambda c: "; ".join(
                                   f"{year}: {plain(part, 2, c)} / {plain(base, 2, c)} = {plain(part / base, 2, c)}"
                                   for year, part, base, _ in readings),
                               combined=lambda c: plain(combined, 2, c))}

    def conversion(self, claim: dict, link: pd.Series) -> dict:
        year = claim["period"][:4]
        found = self.value_of(link["series"], claim["country"], year, latest_before=True)
        amount, dollars = float(claim["value"]), float(claim["alt_value"])
        if found is None or not dollars:
            return {"verdict": "not_checked",
                    **self.reasons(NO_YEAR, link, series=lambda c: self.title(link["series"], c),
                                   dataset=self.datasets.get(link["series"], ""), country=claim["country"], year=year)}
        rate, implied = float(found["value"]), amount / dollars
        spread = half_unit(amount) / amount + half_unit(dollars) / dollars  # the two amounts' rounding
        converted = round(dollars * rate)
        ok = abs(rate - implied) <= implied * spread
        return {**self.official_columns(found, found.name, converted), **self.judged(claim, converted, ok),
                **self.reasons(CONVERSION, link, implied=lambda c: plain(implied, 0, c), year=found.name,
                               rate=lambda c: plain(rate, 0, c), dataset=found["dataset"],
                               converted=lambda c: plain(converted, 0, c))}

    def share(self, claim: dict, link: pd.Series) -> dict:
        year = claim["period"][:4]
        counted = self.share_of.get(claim["indicator"], "")
        counts = self.clean[(self.clean["indicator"] == counted) & (self.clean["source_id"] == claim["source_id"])
                            & (self.clean["period"] == claim["period"]) & (self.clean["kind"] != "target")]
        if counts.empty:
            return {"verdict": "not_checked", **self.reasons(NO_COUNT, link, count=counted or claim["indicator"])}
        count = counts.iloc[0]
        population = self.value_of("population", claim["country"], year, latest_before=True)
        if population is None:
            return {"verdict": "not_checked",
                    **self.reasons(NO_YEAR, link, series=lambda c: self.title("population", c),
                                   dataset=self.datasets.get("population", ""), country=claim["country"], year=year)}
        people = float(population["value"])
        datasets = [population["dataset"]]
        if link["group"] == "aged_15_and_over":
            young = self.value_of("population_0_14_share", claim["country"], population.name)
            if young is None:
                return {"verdict": "not_checked",
                        **self.reasons(NO_YEAR, link, series=lambda c: self.title("population_0_14_share", c),
                                       dataset=self.datasets.get("population_0_14_share", ""),
                                       country=claim["country"], year=population.name)}
            people *= 1 - float(young["value"]) / 100
            datasets.append(young["dataset"])
        share = round(float(count["value"]) / people * 100, 2)
        share_all = round(float(count["value"]) / float(population["value"]) * 100, 2)
        ok = agrees(float(claim["value"]), share, claim["qualifier"], float(link["tolerance"] or 0))
        return {**self.official_columns(population, population.name, share), "dataset": " ".join(datasets),
                **self.judged(claim, share, ok),
                **self.reasons(SHARE, link, count=lambda c: plain(float(count["value"]), 0, c),
                               figure=count["figure_id"], share=lambda c: plain(share, 1, c),
                               group=lambda c: language(c)._(GROUP_NAMES[link["group"]]), year=population.name,
                               people=lambda c: plain(round(people), 0, c), dataset=" ".join(datasets),
                               share_all=lambda c: plain(share_all, 1, c),
                               population=lambda c: plain(float(population["value"]), 0, c))}

    def target(self, claim: dict, link: pd.Series) -> dict:
        """A target against the latest public value: met or not met from the target's year on, else not yet known."""
        values = self.values(link["series"], claim["country"])
        if values.empty:
            return {"verdict": "target_not_yet_known",
                    **self.reasons(NO_YEAR, link, series=lambda c: self.title(link["series"], c),
                                   dataset=self.datasets.get(link["series"], ""), country=claim["country"],
                                   year=claim["period"][:4])}
        latest = values.iloc[-1]
        value, year, target, target_year = float(latest["value"]), latest.name, float(claim["value"]), claim["period"][:4]
        lower_is_better = latest["unit"] == "rank" or claim["qualifier"] == "at_most"
        reached = value <= target if lower_is_better else value >= target
        common = dict(official=lambda c: plain(value, 4, c), year=year, dataset=latest["dataset"],
                      target=lambda c: plain(target, 4, c), target_year=target_year)
        if not target_year:
            verdict, message = "target_not_yet_known", TARGET_UNDATED
        elif year >= target_year:
            verdict, message = ("target_met" if reached else "target_not_met"), TARGET_DUE
        else:
            verdict, message = "target_not_yet_known", TARGET_OPEN
        difference = round(value - target, 6)
        return {**self.official_columns(latest, year, value), "difference": whole_or_float(difference),
                "direction": "" if difference == 0 else "higher" if difference > 0 else "lower", "verdict": verdict,
                **self.reasons(message, link, **common)}


def claims_vs_official(clean: pd.DataFrame, vocabulary: pd.DataFrame, official: pd.DataFrame, links: pd.DataFrame,
                       titles: dict[str, dict[str, str]], datasets: dict[str, str], links_file: str) -> pd.DataFrame:
    """One row per clean row (figure_id and kind): the claim, how it is checked, the public value and the verdict."""
    judge = Verdicts(clean, vocabulary, official, links, titles, datasets, links_file)
    rows = [judge.verdict({**claim, "period": "" if pd.isna(claim["period"]) else str(claim["period"])})
            for claim in clean.to_dict("records")]
    table = pd.DataFrame(rows, dtype=object).reindex(columns=COLUMNS).astype(object)
    for name in ("claim_value", "official_value", "difference"):
        table[name] = pd.Series([whole_or_float(value) for value in table[name]], dtype=object)
    table = table.where(table.notna(), None)
    return table.sort_values(SORT_KEY, kind="stable", ignore_index=True)
