"""The charts and findings of each indicator family, computed from the clean layer.

Each function returns a View: the rows drawn, how to draw them, the alt text and the findings as
sentences. A notebook only calls `render(view, ...)`, so every number it shows comes from here.
Nothing here draws: a view says which chart it wants, and the charts stage draws it.
"""
from dataclasses import dataclass, field

import pandas as pd

from helpers.analysis import tables
from helpers.analysis.findings import by_year, official_text, ordinal, series_text, targets_text, value_label
from helpers.numbers import Bounded, bounded_text, number_text
from helpers.analysis.tables import KIND_ORDER, CleanData, Selection


@dataclass(frozen=True)
class Chart:
    """How a view is drawn: `kind` is "timeseries" (a line per indicator), "progress" (bars against targets),
    "country_lines" (a line per country) or "components" (an index and its components per country)."""
    kind: str
    labels: dict[str, str]
    y_label: str = ""
    invert: bool = False  # ranks: 1 at the top
    highlight: str = ""  # the country picked out among others
    rank_of: int | None = None  # for ranks: how many are ranked, so that the axis shows the whole range


@dataclass
class View:
    name: str
    title: str
    data: pd.DataFrame
    chart: Chart | None  # None: nothing to draw, `empty_message` says why
    alt: str
    findings: list[str] = field(default_factory=list)
    empty_message: str = ""
    headline: int = 0  # which finding the report's summary quotes
    extra_source: str = ""  # the official datasets drawn, beside the articles the rows cite

    def headline_text(self) -> str:
        return self.findings[self.headline] if self.findings else ""


def labels(data: CleanData, indicators) -> dict[str, str]:
    return {i: data.title(i) for i in indicators}


def span(chosen: Selection) -> str:
    cut = f", published by {chosen.as_of}" if chosen.as_of else ""
    return f"{chosen.country}, {chosen.start_year}-{chosen.end_year}{cut}"


def no_data(data: CleanData, name: str, title: str, chosen: Selection, indicators=()) -> View:
    """Nothing to draw: because the articles never report these figures for the country, or because of the selection."""
    reported = set(data.indicators.loc[data.indicators["indicator"].isin(indicators), "country"])
    if indicators and chosen.country not in reported:
        return not_applicable(name, title, f"the articles report these figures for {', '.join(sorted(reported))} "
                                           f"only, none for {chosen.country}, and no official series here covers them")
    return not_applicable(name, title, f"no figures in the selection ({span(chosen)}); widen the years or move "
                                       "as_of later")


def not_applicable(name: str, title: str, message: str) -> View:
    """A view with nothing to draw, and the reason."""
    return View(name, title, pd.DataFrame(), None, message, [f"{title}: {message}."], message)


def series_view(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str], y_label: str,
                invert: bool = False, kinds=("observed", "derived", "target")) -> View:
    rows = tables.select(data, chosen, indicators, kinds)
    if rows.empty:
        return no_data(data, name, title, chosen, indicators)
    names = labels(data, indicators)
    present = [i for i in indicators if i in set(rows["indicator"])]
    lines = [series_text(names[i], rows[rows["indicator"] == i]) for i in present]
    lines += [line for i in present for line in targets_text(names[i], rows[rows["indicator"] == i])]
    alt = f"{title}. Chart of {', '.join(names[i] for i in present)} for {span(chosen)}. " + " ".join(lines)
    return View(name, title, rows, Chart("timeseries", names, y_label, invert), alt, lines)


# ------------------------------------------------------------------ e-government: the UN survey and the claims

RANK_AXIS = "Rank among {members} UN member states (1 = best)"
ASEAN_AXIS = "Rank among the 11 Southeast Asian members (1 = best)"


def survey_members(data: CleanData) -> int:
    """How many members the latest survey edition ranks (192 in 2010, 193 since)."""
    ranks = data.official[data.official["indicator"] == "egdi_rank"]
    return int((ranks["period"] == ranks["period"].max()).sum())


def official_source(data: CleanData, rows: pd.DataFrame) -> str:
    """Which official datasets a view draws on, for its source line: producer and editions."""
    official = rows[rows["kind"] == "official"] if "kind" in rows else rows.iloc[0:0]
    if official.empty:
        return ""
    by_producer: dict[str, list[str]] = {}
    for dataset, group in official.groupby("dataset", sort=True):
        by_producer.setdefault(data.producers.get(dataset, dataset), []).extend(sorted(set(group["period"])))
    return "; ".join(f"{producer} ({period_span(periods)})" for producer, periods in sorted(by_producer.items()))


def period_span(periods: list[str]) -> str:
    periods = sorted(set(periods))
    return periods[0] if len(periods) == 1 else f"{periods[0]}-{periods[-1]}"


def verdict_lines(data: CleanData, claims: pd.DataFrame) -> list[str]:
    """What the official series says of the claims drawn: how many agree, and each that differs or cannot be checked."""
    compared = data.claims_vs_official[data.claims_vs_official["figure_id"].isin(set(claims["figure_id"]))
                                       & data.claims_vs_official["indicator"].isin(set(claims["indicator"]))]
    checked = compared[compared["verdict"] != "not_checked"]
    lines = []
    if not checked.empty:
        agree = int((checked["verdict"] == "agrees").sum())
        lines.append(f"The official series confirms {agree} of the {plural(len(checked), 'claim')} it can check.")
    for _, row in checked[checked["verdict"] == "differs"].iterrows():
        lines.append(f"{row['figure_id']} ({row['source_id']}) states {row['claim_value']} for {row['period']}; "
                     f"the official value is {row['official_value']} ({row['dataset']}).")
    unchecked = claims[~claims["indicator"].isin(set(data.official["indicator"]))]
    for indicator in sorted(set(unchecked["indicator"])):
        lines.append(f"{data.title(indicator)}: no official series in the raw files, so the claims stand unchecked.")
    return lines


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def official_with_claims(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str],
                         y_label: str, invert: bool = True, rank_of: int | None = None) -> View:
    """The official series of these indicators for the country, with the articles' claims drawn over it."""
    official = tables.official_series(data, indicators, [chosen.country], chosen.start_year, chosen.end_year)
    claims = tables.select(data, chosen, indicators, ("observed", "derived"))
    if official.empty and claims.empty:
        return no_data(data, name, title, chosen, indicators)
    rows = pd.concat([official, claims], ignore_index=True)
    names = labels(data, indicators)
    present = [i for i in indicators if i in set(rows["indicator"])]
    lines = [official_text(f"{names[i]}, official", official[official["indicator"] == i]) for i in present
             if i in set(official["indicator"])]
    lines += [series_text(f"{names[i]}, as the articles state it", claims[claims["indicator"] == i]) for i in present
              if i in set(claims["indicator"])]
    lines += verdict_lines(data, claims)
    alt = f"{title}. Chart of {', '.join(names[i] for i in present)} for {span(chosen)}. " + " ".join(lines)
    return View(name, title, rows, Chart("timeseries", names, y_label, invert, rank_of=rank_of), alt, lines,
                extra_source=official_source(data, rows))


def egov_global_ranks(data: CleanData, chosen: Selection) -> View:
    return official_with_claims(data, chosen, "egov_global_ranks", f"{chosen.country}: UN e-government ranks",
                                ["egdi_rank", "osi_rank", "open_data_rank"],
                                RANK_AXIS.format(members=survey_members(data)), rank_of=survey_members(data))


def egov_indexes(data: CleanData, chosen: Selection) -> View:
    return official_with_claims(data, chosen, "egov_indexes", f"{chosen.country}: EGDI and Online Service Index",
                                ["egdi", "osi"], "Index (0-1, 1 = best)", invert=False)


def asean_place(data: CleanData, chosen: Selection) -> str | None:
    """Why the Southeast Asian comparison does not apply to the country, or None when it does."""
    if chosen.country in tables.ASEAN:
        return None
    return (f"{chosen.country} is not one of the 11 Southeast Asian members "
            f"({', '.join(tables.ASEAN)}); this comparison is drawn for them")


def egov_asean_ranks(data: CleanData, chosen: Selection) -> View:
    title = f"{chosen.country}: e-government ranks in Southeast Asia"
    if asean_place(data, chosen):
        return not_applicable("egov_asean_ranks", title, asean_place(data, chosen))
    return official_with_claims(data, chosen, "egov_asean_ranks", title, ["egdi_rank_asean", "osi_rank_asean"],
                                ASEAN_AXIS, rank_of=len(tables.ASEAN))


def egov_asean_over_time(data: CleanData, chosen: Selection) -> View:
    """The EGDI rank of each Southeast Asian member over every edition, the country picked out."""
    name, title = "egov_asean_over_time", "Southeast Asia: EGDI rank of each member"
    if asean_place(data, chosen):
        return not_applicable(name, title, asean_place(data, chosen))
    rows = tables.official_series(data, ["egdi_rank"], tables.ASEAN, chosen.start_year, chosen.end_year)
    if rows.empty:
        return no_data(data, name, title, chosen)
    latest = rows[rows["period"] == rows["period"].max()].sort_values("value")
    order = ", ".join(f"{r['country']} {r['value']}" for _, r in latest.iterrows())
    place = int(latest.reset_index(drop=True).index[latest["country"].to_numpy() == chosen.country][0]) + 1
    lines = [f"{latest['period'].iloc[0]} edition, EGDI rank of the 11 members: {order}.",
             f"{chosen.country} is {ordinal(place)} of the 11 in Southeast Asia and "
             f"{ordinal(int(latest.set_index('country').at[chosen.country, 'value']))} of "
             f"{survey_members(data)} UN members."]
    alt = f"{title}, {period_span(list(rows['period']))}. " + " ".join(lines)
    return View(name, title, rows, Chart("country_lines", {}, RANK_AXIS.format(members=survey_members(data)),
                                         invert=True, highlight=chosen.country, rank_of=survey_members(data)),
                alt, lines, headline=1, extra_source=official_source(data, rows))


def egov_asean_components(data: CleanData, chosen: Selection) -> View:
    """The latest edition's EGDI and its three components for each Southeast Asian member."""
    name, title = "egov_asean_components", "Southeast Asia: EGDI and its components, latest edition"
    if asean_place(data, chosen):
        return not_applicable(name, title, asean_place(data, chosen))
    rows = tables.official_series(data, ["egdi", "osi", "hci", "tii"], tables.ASEAN)
    if rows.empty:
        return no_data(data, name, title, chosen)
    rows = rows[rows["period"] == rows["period"].max()].reset_index(drop=True)
    wide = rows.pivot(index="country", columns="indicator", values="value").astype(float)
    mine = wide.loc[chosen.country]
    median = wide.median()
    names = labels(data, ["egdi", "osi", "hci", "tii"])
    lines = [f"{rows['period'].iloc[0]} edition, {chosen.country}: "
             + "; ".join(f"{names[i]} {number_text(mine[i], 'index')} (Southeast Asian median {number_text(median[i], 'index')})"
                         for i in ["egdi", "osi", "hci", "tii"]) + "."]
    weakest = min(["osi", "hci", "tii"], key=lambda i: mine[i] - median[i])
    lines.append(f"Against the regional median, {chosen.country}'s weakest component is the {names[weakest]}.")
    alt = f"{title}. " + " ".join(lines)
    return View(name, title, rows, Chart("components", names, "Index (0-1, 1 = best)", highlight=chosen.country),
                alt, lines, extra_source=official_source(data, rows))


def egov_top50(data: CleanData, chosen: Selection) -> View:
    """The latest official EGDI rank against the 'top 50' target, with the target year each document gives."""
    name, title = "egov_top50", f"{chosen.country}: EGDI rank and the top-50 target"
    official = tables.official_series(data, ["egdi_rank"], [chosen.country], chosen.start_year, chosen.end_year)
    targets = tables.select(data, chosen, ["egdi_rank"], ("target",))
    if official.empty and targets.empty:
        return no_data(data, name, title, chosen, ["egdi_rank"])
    rows = pd.concat([official, targets], ignore_index=True)
    lines = []
    if not official.empty:
        latest = official.iloc[-1]
        lines.append(f"Latest official rank: {latest['value']} of {survey_members(data)} "
                     f"(UN E-Government Survey {latest['period']}).")
    if targets.empty:
        lines.append(f"The articles state no EGDI rank target for {chosen.country}.")
    elif not official.empty:
        goal = int(targets["value"].min())
        lines.append(f"Distance to the top-{goal} target: {int(latest['value']) - goal} places "
                     f"(official rank {latest['value']} in {latest['period']}).")
    years = sorted(set(targets["period"]))
    if len(years) > 1:
        by = "; ".join(f"{t['period']} ({t['source_id']} {t['figure_id']})" for _, t in targets.iterrows())
        lines.append(f"The documents give {len(years)} different years for this target: {by}.")
    names = labels(data, ["egdi_rank"])
    alt = f"{title}. " + " ".join(lines)
    return View(name, title, rows, Chart("timeseries", names, RANK_AXIS.format(members=survey_members(data)), True,
                                         rank_of=survey_members(data)),
                alt, lines, headline=1 if len(lines) > 1 else 0, extra_source=official_source(data, rows))


# ------------------------------------------------------------------ VNeID and chip-based ID cards

def count_series(data: CleanData, chosen: Selection, indicator: str, name: str, title: str, y_label: str) -> View:
    return series_view(data, chosen, name, title, [indicator], y_label, kinds=("observed", "derived"))


def population_share_view(data: CleanData, chosen: Selection, count_indicator: str, share_indicator: str,
                          name: str, title: str) -> View:
    """Each count as a share of the population of its year (World Bank), beside the share the text states."""
    counts = tables.select(data, chosen, [count_indicator], ("observed",))
    people = tables.population(data, chosen.country)
    if counts.empty or people.empty:
        return no_data(data, name, title, chosen, [count_indicator])
    shares = tables.share_of_population(counts, people)
    lines = [f"{value_label(r)} {data.title(count_indicator)} ({r['period']}, {r['source_id']}) = "
             f"{bounded_text(Bounded(r['share_percent'], r['share_qualifier']), 'percent', computed=True)} of "
             f"{number_text(r['population'], 'count')} people ({r['population_producer']}, {r['population_period']}"
             + (f"; {r['population_basis']})" if r["population_basis"] else ")") for _, r in shares.iterrows()]
    stated = tables.select(data, chosen, [share_indicator], ("observed",))
    # whether a stated share fits is the clean step's consistency check's call, and its words, not redone here
    findings = data.checks[data.checks["check"] == "population_share"].set_index("figure_ids")["message"]
    for _, claim in stated.iterrows():
        match = shares[(shares["source_id"] == claim["source_id"]) & (shares["period"] == claim["period"])]
        if match.empty:
            continue
        count = match.iloc[0]
        claimed = f"The claim '{value_label(claim)} of the population' ({claim['source_id']} {claim['figure_id']})"
        finding = findings.get(";".join(sorted({claim["figure_id"], count["figure_id"]})))
        lines.append(f"{claimed}: {finding}" if finding else f"{claimed} fits the count.")
    plotted = pd.concat([
        shares.assign(indicator=f"{count_indicator}_share", value=shares["share_percent"], unit="percent",
                      qualifier=shares["share_qualifier"]),
        stated,
    ], ignore_index=True)
    plotted["date"] = plotted["period"].map(tables.period_date)
    names = {f"{count_indicator}_share": f"{data.title(count_indicator)} / population (computed)",
             share_indicator: f"{data.title(share_indicator)} (as stated)"}
    return View(name, title, plotted, Chart("timeseries", names, "Percent of the population"),
                f"{title}. " + " ".join(lines), lines, headline=-1, extra_source=official_source(data, people[people["period"].isin(set(shares["population_period"]))]))


def ratio_view(data: CleanData, chosen: Selection, numerator: str, denominator: str, name: str, title: str) -> View:
    """numerator as a percentage of denominator, where one source states both for one period."""
    top = tables.select(data, chosen, [numerator], ("observed",))
    bottom = tables.select(data, chosen, [denominator], ("observed",))
    ratios = tables.ratio_on_same_period(top, bottom) if not (top.empty or bottom.empty) else pd.DataFrame()
    if ratios.empty:
        return no_data(data, name, title, chosen, [numerator, denominator])
    lines = [f"{r['period']} ({r['source_id']}): {value_label(numerator_row(r))} {data.title(numerator)} / "
             f"{value_label(denominator_row(r))} {data.title(denominator)} = "
             f"{bounded_text(Bounded(r['ratio_percent'], r['ratio_qualifier']), 'percent', computed=True)}"
             for _, r in ratios.iterrows()]
    plotted = ratios.assign(indicator=f"{numerator}_per_{denominator}", value=ratios["ratio_percent"],
                            unit="percent", kind="observed", qualifier=ratios["ratio_qualifier"])
    plotted["date"] = plotted["period"].map(tables.period_date)
    names = {f"{numerator}_per_{denominator}": f"{data.title(numerator)} per {data.title(denominator)}"}
    view = View(name, title, plotted, Chart("timeseries", names, "Percent"), f"{title}. " + " ".join(lines), lines,
                headline=-1)
    cited = pd.concat([top, bottom])
    view.data.attrs["source_rows"] = cited[cited["period"].isin(set(ratios["period"]))]
    return view


def numerator_row(merged) -> dict:
    return {"value": merged["value_num"], "unit": merged["unit_num"], "qualifier": merged["qualifier_num"]}


def denominator_row(merged) -> dict:
    return {"value": merged["value_den"], "unit": merged["unit_den"], "qualifier": merged["qualifier_den"]}


# ------------------------------------------------------------------ digital economy and services

def stated_facts(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str]) -> View:
    """One sentence per stated value or target of indicators that have no chart of their own."""
    rows = tables.select(data, chosen, indicators)
    if rows.empty:
        return no_data(data, name, title, chosen, indicators)
    lines = [f"{data.title(r['indicator'])}: {value_label(r)} ({r['kind']}, {r['period'] or 'no year given'}; "
             f"{r['source_id']} {r['figure_id']})" for _, r in rows.iterrows()]
    return View(name, title, rows, None, f"{title}. " + " ".join(lines), lines)


def progress_view(data: CleanData, chosen: Selection, family: str, name: str, title: str) -> View:
    """Latest observed value against each target, for the percent indicators of a family."""
    metadata = data.metadata
    members = metadata.loc[(metadata["family"] == family) & (metadata["unit"] == "percent"), "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    progress = tables.progress_to_targets(rows)
    if progress.empty:
        return no_data(data, name, title, chosen, members)
    names = labels(data, progress["indicator"].unique())
    lines = []
    for _, p in progress.iterrows():
        where = ("no observed value yet" if pd.isna(p["latest"]) else
                 f"latest {number_text(p['latest'], 'percent')} ({p['latest_period']}), gap "
                 f"{number_text(p['gap'], 'points')} points")
        lines.append(f"{names[p['indicator']]}: target {number_text(p['target'], 'percent')} "
                     f"{by_year(p['target_year'])} ({p['target_figure']}); {where}")
    source_rows = rows[rows["figure_id"].isin(set(progress["target_figure"]) | set(progress["latest_figure"].dropna()))]
    view = View(name, title, progress, Chart("progress", names), f"{title}. " + " ".join(lines), lines)
    view.data.attrs["source_rows"] = source_rows
    return view


def claims_table(data: CleanData, chosen: Selection, family: str, name: str, title: str) -> View:
    """Every claim of a family in the selection, as a table: its value as written, its period and its source."""
    members = data.metadata.loc[data.metadata["family"] == family, "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    if rows.empty:
        return no_data(data, name, title, chosen, members)
    table = rows.assign(title=rows["indicator"].map(data.title), value_text=rows.apply(value_label, axis=1))
    table = table[["indicator", "title", "period", "kind", "value_text", "source_id", "figure_id"]].reset_index(drop=True)
    kinds = table["kind"].astype(str).value_counts()
    lines = [f"{plural(len(table), 'claim')} from {plural(table['source_id'].nunique(), 'source')}: "
             + ", ".join(f"{kinds[k]} {k}" for k in KIND_ORDER if k in kinds) + "."]
    return View(name, title, table, None, f"{title}. " + " ".join(lines), lines)
