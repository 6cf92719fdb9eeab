"""The charts and findings of each indicator family, computed from the clean layer.

Each function returns a View: the rows drawn, how to draw them, the alt text and the findings as
sentences. A notebook only calls `render(view, ...)`, so every number it shows comes from here.
Nothing here draws: a view says which chart it wants, and the charts stage draws it.
"""
from dataclasses import dataclass, field

import pandas as pd

from helpers.analysis import tables
from helpers.analysis.findings import series_text, short_number, targets_text, value_label
from helpers.analysis.tables import CleanData, Selection


@dataclass(frozen=True)
class Chart:
    """How a view is drawn: `kind` is "timeseries" (a line per indicator) or "progress" (bars against targets)."""
    kind: str
    labels: dict[str, str]
    y_label: str = ""
    invert: bool = False  # ranks: 1 at the top


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

    def headline_text(self) -> str:
        return self.findings[self.headline] if self.findings else ""


def labels(data: CleanData, indicators) -> dict[str, str]:
    return {i: data.title(i) for i in indicators}


def span(chosen: Selection) -> str:
    cut = f", published by {chosen.as_of}" if chosen.as_of else ""
    return f"{chosen.country}, {chosen.start_year}-{chosen.end_year}{cut}"


def no_data(name: str, title: str, chosen: Selection) -> View:
    message = f"no figures in the selection ({span(chosen)}); widen the years or move as_of later"
    return View(name, title, pd.DataFrame(), None, message, [f"{title}: {message}."], message)


def series_view(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str], y_label: str,
                invert: bool = False, kinds=("observed", "derived", "target")) -> View:
    rows = tables.select(data, chosen, indicators, kinds)
    if rows.empty:
        return no_data(name, title, chosen)
    names = labels(data, indicators)
    present = [i for i in indicators if i in set(rows["indicator"])]
    lines = [series_text(names[i], rows[rows["indicator"] == i]) for i in present]
    lines += [line for i in present for line in targets_text(names[i], rows[rows["indicator"] == i])]
    alt = f"{title}. Chart of {', '.join(names[i] for i in present)} for {span(chosen)}. " + " ".join(lines)
    return View(name, title, rows, Chart("timeseries", names, y_label, invert), alt, lines)


# ------------------------------------------------------------------ e-government ranks

def egov_global_ranks(data: CleanData, chosen: Selection) -> View:
    return series_view(data, chosen, "egov_global_ranks", f"{chosen.country}: UN e-government ranks",
                       ["egdi_rank", "osi_rank", "open_data_rank"],
                       "Rank among 193 UN member states (1 = best)", invert=True, kinds=("observed", "derived"))


def egov_asean_ranks(data: CleanData, chosen: Selection) -> View:
    return series_view(data, chosen, "egov_asean_ranks", f"{chosen.country}: e-government ranks in Southeast Asia",
                       ["egdi_rank_asean", "osi_rank_asean"], "Rank among 11 Southeast Asian countries (1 = best)",
                       invert=True)


def egov_top50(data: CleanData, chosen: Selection) -> View:
    """The EGDI rank against the 'top 50' target, whose year the documents give differently."""
    view = series_view(data, chosen, "egov_top50", f"{chosen.country}: EGDI rank and the top-50 target",
                       ["egdi_rank"], "Rank among 193 UN member states (1 = best)", invert=True)
    if view.chart is None:
        return view
    rows = view.data
    latest, targets = tables.latest(rows, "observed"), rows[rows["kind"] == "target"]
    if latest is not None and not targets.empty:
        goal = int(targets["value"].min())
        view.findings.append(f"Distance to the top-{goal} target: {int(latest['value']) - goal} places "
                             f"(rank {int(latest['value'])} in {latest['period']}).")
        view.headline = len(view.findings) - 1
    years = sorted(set(targets["period"]))
    if len(years) > 1:
        by = "; ".join(f"{t['period']} ({t['source_id']} {t['figure_id']})" for _, t in targets.iterrows())
        view.findings.append(f"The documents give {len(years)} different years for this target: {by}.")
    view.alt += " " + " ".join(view.findings[-2:])
    return view


# ------------------------------------------------------------------ VNeID and chip-based ID cards

def count_series(data: CleanData, chosen: Selection, indicator: str, name: str, title: str, y_label: str) -> View:
    return series_view(data, chosen, name, title, [indicator], y_label, kinds=("observed", "derived"))


def population_share_view(data: CleanData, chosen: Selection, count_indicator: str, share_indicator: str,
                          people: pd.DataFrame, name: str, title: str) -> View:
    """Each count as a share of the reference population, beside the share the text states."""
    counts = tables.select(data, chosen, [count_indicator], ("observed",))
    if counts.empty or people.empty:
        return no_data(name, title, chosen)
    shares = tables.share_of_population(counts, people)
    reference = people.sort_values("period").iloc[-1]
    lines = [f"{value_label(r)} {data.title(count_indicator)} ({r['period']}, {r['source_id']}) = "
             f"{r['share_percent']:g}% of {short_number(r['population'], 'count')} people "
             f"({reference['producer']}, {r['population_period']})" for _, r in shares.iterrows()]
    stated = tables.select(data, chosen, [share_indicator], ("observed",))
    # whether a stated share fits is the clean step's consistency check's call, not recomputed here
    misfits = set(data.checks.loc[data.checks["check"] == "population_share", "figure_ids"])
    for _, claim in stated.iterrows():
        match = shares[(shares["source_id"] == claim["source_id"]) & (shares["period"] == claim["period"])]
        if match.empty:
            continue
        count = match.iloc[0]
        claimed = f"The claim '{value_label(claim)} of the population' ({claim['source_id']} {claim['figure_id']})"
        if ";".join(sorted({claim["figure_id"], count["figure_id"]})) in misfits:
            implied_population = float(count["value"]) * 100 / float(claim["value"])
            lines.append(f"{claimed} does not fit: the count is {count['share_percent']:g}% of the reference "
                         f"population, and {value_label(claim)} would mean a population of "
                         f"{short_number(implied_population, 'count')}.")
        else:
            lines.append(f"{claimed} fits the count.")
    plotted = pd.concat([
        shares.assign(indicator=f"{count_indicator}_share", value=shares["share_percent"], unit="percent",
                      qualifier=shares["qualifier"]),
        stated,
    ], ignore_index=True)
    plotted["date"] = plotted["period"].map(tables.period_midpoint)
    names = {f"{count_indicator}_share": f"{data.title(count_indicator)} / population (computed)",
             share_indicator: f"{data.title(share_indicator)} (as stated)"}
    return View(name, title, plotted, Chart("timeseries", names, "Percent of the population"),
                f"{title}. " + " ".join(lines), lines, headline=-1)


def ratio_view(data: CleanData, chosen: Selection, numerator: str, denominator: str, name: str, title: str) -> View:
    """numerator as a percentage of denominator, where one source states both for one period."""
    top = tables.select(data, chosen, [numerator], ("observed",))
    bottom = tables.select(data, chosen, [denominator], ("observed",))
    ratios = tables.ratio_on_same_period(top, bottom) if not (top.empty or bottom.empty) else pd.DataFrame()
    if ratios.empty:
        return no_data(name, title, chosen)
    lines = [f"{r['period']} ({r['source_id']}): {short_number(r['value_num'], 'count')} "
             f"{data.title(numerator)} / {short_number(r['value_den'], 'count')} "
             f"{data.title(denominator)} = {r['ratio_percent']:g}%" for _, r in ratios.iterrows()]
    plotted = ratios.assign(indicator=f"{numerator}_per_{denominator}", value=ratios["ratio_percent"],
                            unit="percent", kind="observed", qualifier="approx")
    plotted["date"] = plotted["period"].map(tables.period_midpoint)
    names = {f"{numerator}_per_{denominator}": f"{data.title(numerator)} per {data.title(denominator)}"}
    view = View(name, title, plotted, Chart("timeseries", names, "Percent"), f"{title}. " + " ".join(lines), lines,
                headline=-1)
    cited = pd.concat([top, bottom])
    view.data.attrs["source_rows"] = cited[cited["period"].isin(set(ratios["period"]))]
    return view


# ------------------------------------------------------------------ digital economy and services

def stated_facts(data: CleanData, chosen: Selection, indicators: list[str]) -> list[str]:
    """One sentence per stated value or target of indicators that have no chart of their own."""
    rows = tables.select(data, chosen, indicators)
    return [f"{data.title(r['indicator'])}: {value_label(r)} ({r['kind']}, {r['period']}; "
            f"{r['source_id']} {r['figure_id']})" for _, r in rows.iterrows()]


def progress_view(data: CleanData, chosen: Selection, family: str, name: str, title: str) -> View:
    """Latest observed value against each target, for the percent indicators of a family."""
    metadata = data.metadata
    members = metadata.loc[(metadata["family"] == family) & (metadata["unit"] == "percent"), "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    progress = tables.progress_to_targets(rows)
    if progress.empty:
        return no_data(name, title, chosen)
    names = labels(data, progress["indicator"].unique())
    lines = []
    for _, p in progress.iterrows():
        where = ("no observed value yet" if pd.isna(p["latest"]) else
                 f"latest {p['latest']:g}% ({p['latest_period']}), gap {p['gap']:g} points")
        lines.append(f"{names[p['indicator']]}: target {p['target']:g}% by {p['target_year']} "
                     f"({p['target_figure']}); {where}")
    source_rows = rows[rows["figure_id"].isin(set(progress["target_figure"]) | set(progress["latest_figure"].dropna()))]
    view = View(name, title, progress, Chart("progress", names), f"{title}. " + " ".join(lines), lines)
    view.data.attrs["source_rows"] = source_rows
    return view


def claims_table(data: CleanData, chosen: Selection, family: str) -> pd.DataFrame:
    """Every claim of a family in the selection, with its value as written and its source."""
    members = data.metadata.loc[data.metadata["family"] == family, "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    table = rows.assign(title=rows["indicator"].map(data.title), value_text=rows.apply(value_label, axis=1))
    return table[["title", "period", "kind", "value_text", "source_id", "figure_id"]].reset_index(drop=True)
