"""The charts and findings of each indicator family, computed from the clean layer.

Each function returns a View: the rows drawn, how to draw them, the alt text and the findings as
sentences. A notebook only calls `render(view, ...)`, so every number it shows comes from here.
Nothing here draws: a view says which chart it wants, and the charts stage draws it. Every text is
written in the selection's language (`chosen.language`, helpers.i18n).
"""
from dataclasses import dataclass, field

import pandas as pd

from helpers.analysis import tables
from helpers.analysis.findings import by_year, official_text, ordinal, series_text, targets_text, value_label
from helpers.i18n import N_, Language, country_name, word
from helpers.numbers import Bounded, bounded_text, number_text, period_text, plain
from helpers.analysis.tables import KIND_ORDER, CleanData, Selection
from helpers.data.official import COMPUTED_RANKS


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
    x_label: str = ""  # what the time axis measures: survey editions, years, the dates of counts


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
    language: Language = field(kw_only=True)  # what the chart's labels and the texts are written in

    def headline_text(self) -> str:
        return self.findings[self.headline] if self.findings else ""


def names_of(countries, tr: Language) -> str:
    """Countries by their names in the language, in the order given."""
    return ", ".join(country_name(code, tr.code) for code in countries)


def labels(data: CleanData, indicators, tr: Language) -> dict[str, str]:
    return {i: data.title(i, tr) for i in indicators}


def span(chosen: Selection) -> str:
    tr = chosen.language
    years = f"{country_name(chosen.country, tr.code)}, {chosen.start_year}-{chosen.end_year}"
    return (tr._("{years}, published by {date}", years=years, date=period_text(chosen.as_of.isoformat(), tr.code))
            if chosen.as_of else years)


def no_data(data: CleanData, name: str, title: str, chosen: Selection, indicators=()) -> View:
    """Nothing to draw: because the articles never report these figures for the country, or because of the selection."""
    tr = chosen.language
    reported = set(data.indicators.loc[data.indicators["indicator"].isin(indicators), "country"])
    if indicators and chosen.country not in reported:
        return not_applicable(name, title, tr._("the articles report these figures for {countries} only, none for "
                                                "{country}, and no official series here covers them",
                                                countries=names_of(sorted(reported), tr),
                                                country=country_name(chosen.country, tr.code)), tr)
    return not_applicable(name, title, tr._("no figures in the selection ({span}); widen the years or move as_of "
                                            "later", span=span(chosen)), tr)


def not_applicable(name: str, title: str, message: str, tr: Language) -> View:
    """A view with nothing to draw, and the reason."""
    return View(name, title, pd.DataFrame(), None, message, [f"{title}: {message}."], message, language=tr)


def series_view(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str], y_label: str,
                x_label: str, invert: bool = False, kinds=("observed", "derived", "target")) -> View:
    tr = chosen.language
    rows = tables.select(data, chosen, indicators, kinds)
    if rows.empty:
        return no_data(data, name, title, chosen, indicators)
    names = labels(data, indicators, tr)
    present = [i for i in indicators if i in set(rows["indicator"])]
    lines = [series_text(names[i], rows[rows["indicator"] == i], tr) for i in present]
    lines += [line for i in present for line in targets_text(names[i], rows[rows["indicator"] == i], tr)]
    alt = chart_alt(title, [names[i] for i in present], chosen, lines)
    return View(name, title, rows, Chart("timeseries", names, y_label, invert, x_label=x_label), alt, lines,
                language=tr)


def chart_alt(title: str, names: list[str], chosen: Selection, lines: list[str]) -> str:
    """A chart's alt text: its title, what it draws for which selection, then its findings."""
    return chosen.language._("{title}. Chart of {names} for {span}.", title=title, names=", ".join(names),
                             span=span(chosen)) + " " + " ".join(lines)


# ------------------------------------------------------------------ e-government: the UN survey and the claims

RANK_AXIS = N_("Rank among {members} UN member states (1 = best)")
ASEAN_AXIS = N_("Rank among the 11 Southeast Asian members (1 = best)")
INDEX_AXIS = N_("Index (0-1, 1 = best)")
EDITION_AXIS = N_("UN E-Government Survey edition")
COUNT_DATE_AXIS = N_("Date of the count (stated, or inferred: see the table)")


def survey_members(data: CleanData) -> int:
    """How many members the latest survey edition ranks (192 in 2010, 193 since)."""
    ranks = data.official[data.official["indicator"] == "egdi_rank"]
    return int((ranks["period"] == ranks["period"].max()).sum())


def rank_axis(data: CleanData, tr: Language) -> str:
    return tr._(RANK_AXIS, members=survey_members(data))


def official_source(data: CleanData, rows: pd.DataFrame, tr: Language) -> str:
    """Which official datasets a view draws on, for its source line: producer (in the language) and editions."""
    official = rows[rows["kind"] == "official"] if "kind" in rows else rows.iloc[0:0]
    if official.empty:
        return ""
    by_producer: dict[str, list[str]] = {}
    for dataset, group in official.groupby("dataset", sort=True):
        producer = data.producers.at[dataset, tr.column("producer")] if dataset in data.producers.index else dataset
        by_producer.setdefault(producer, []).extend(sorted(set(group["period"])))
    return "; ".join(f"{producer} ({period_span(periods)})" for producer, periods in sorted(by_producer.items()))


def period_span(periods: list[str]) -> str:
    periods = sorted(set(periods))
    return periods[0] if len(periods) == 1 else f"{periods[0]}-{periods[-1]}"


def verdict_lines(data: CleanData, claims: pd.DataFrame, tr: Language) -> list[str]:
    """What the official series says of the claims drawn: how many agree, and each that differs or cannot be checked."""
    compared = data.claims_vs_official[data.claims_vs_official["figure_id"].isin(set(claims["figure_id"]))
                                       & data.claims_vs_official["indicator"].isin(set(claims["indicator"]))]
    checked = compared[compared["verdict"].isin(("agrees", "differs"))]
    lines = []
    if not checked.empty:
        agree = int((checked["verdict"] == "agrees").sum())
        lines.append(tr.n_("The official series confirms {agree} of the {count} claim it can check.",
                           "The official series confirms {agree} of the {count} claims it can check.",
                           len(checked), agree=agree))
    for _, row in checked[checked["verdict"] == "differs"].iterrows():
        lines.append(tr._("{figure} ({source}) states {claim} for {period}; the official value is {official} "
                          "({dataset}).", figure=row["figure_id"], source=row["source_id"],
                          claim=plain(row["claim_value"], 4, tr.code), period=period_text(row["period"], tr.code),
                          official=plain(row["official_value"], 4, tr.code),
                          dataset=row["dataset"]))
    unchecked = claims[~claims["indicator"].isin(data.official["indicator"].unique())]
    for indicator in sorted(set(unchecked["indicator"])):
        lines.append(tr._("{indicator}: no official series in the raw files, so the claims stand unchecked.",
                          indicator=data.title(indicator, tr)))
    return lines


def official_with_claims(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str],
                         y_label: str, invert: bool = True, rank_of: int | None = None) -> View:
    """The official series of these indicators for the country, with the articles' claims drawn over it."""
    tr = chosen.language
    official = tables.official_series(data, indicators, [chosen.country], chosen.start_year, chosen.end_year)
    claims = tables.select(data, chosen, indicators, ("observed", "derived"))
    if official.empty and claims.empty:
        return no_data(data, name, title, chosen, indicators)
    rows = pd.concat([official, claims], ignore_index=True)
    names = labels(data, indicators, tr)
    present = [i for i in indicators if i in set(rows["indicator"])]
    lines = [official_text(tr._("{indicator}, computed from the UN's scores", indicator=names[i])
                           if i in COMPUTED_RANKS else tr._("{indicator}, official", indicator=names[i]),
                           official[official["indicator"] == i], tr)
             for i in present if i in set(official["indicator"])]
    lines += [series_text(tr._("{indicator}, as the articles state it", indicator=names[i]),
                          claims[claims["indicator"] == i], tr) for i in present if i in set(claims["indicator"])]
    lines += verdict_lines(data, claims, tr)
    alt = chart_alt(title, [names[i] for i in present], chosen, lines)
    return View(name, title, rows, Chart("timeseries", names, y_label, invert, rank_of=rank_of,
                                         x_label=tr._(EDITION_AXIS)), alt, lines,
                extra_source=official_source(data, rows, tr), language=tr)


def egov_global_ranks(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return official_with_claims(data, chosen, "egov_global_ranks",
                                tr._("{country}: UN e-government ranks", country=country_name(chosen.country, tr.code)),
                                ["egdi_rank", "osi_rank", "open_data_rank"], rank_axis(data, tr),
                                rank_of=survey_members(data))


def egov_indexes(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return official_with_claims(data, chosen, "egov_indexes",
                                tr._("{country}: EGDI and Online Service Index",
                                    country=country_name(chosen.country, tr.code)),
                                ["egdi", "osi"], tr._(INDEX_AXIS), invert=False)


def asean_place(data: CleanData, chosen: Selection) -> str | None:
    """Why the Southeast Asian comparison does not apply to the country, or None when it does."""
    if chosen.country in tables.asean_members(data):
        return None
    return chosen.language._("{country} is not one of the 11 Southeast Asian members ({members}); this comparison "
                             "is drawn for them", country=country_name(chosen.country, chosen.language.code),
                             members=names_of(tables.asean_members(data), chosen.language))


def egov_asean_ranks(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    title = tr._("{country}: e-government ranks in Southeast Asia", country=country_name(chosen.country, tr.code))
    if asean_place(data, chosen):
        return not_applicable("egov_asean_ranks", title, asean_place(data, chosen), tr)
    return official_with_claims(data, chosen, "egov_asean_ranks", title, ["egdi_rank_asean", "osi_rank_asean"],
                                tr._(ASEAN_AXIS), rank_of=len(tables.asean_members(data)))


def egov_asean_over_time(data: CleanData, chosen: Selection) -> View:
    """The EGDI rank of each Southeast Asian member over every edition, the country picked out."""
    tr = chosen.language
    name, title = "egov_asean_over_time", tr._("Southeast Asia: EGDI rank of each member")
    if asean_place(data, chosen):
        return not_applicable(name, title, asean_place(data, chosen), tr)
    rows = tables.official_series(data, ["egdi_rank"], tables.asean_members(data), chosen.start_year, chosen.end_year)
    if rows.empty:
        return no_data(data, name, title, chosen)
    latest = rows[rows["period"] == rows["period"].max()].sort_values("value")
    order = ", ".join(f"{country_name(r['country'], tr.code)} {r['value']}" for _, r in latest.iterrows())
    place = int(latest.reset_index(drop=True).index[latest["country"].to_numpy() == chosen.country][0]) + 1
    lines = [tr._("{edition} edition, EGDI rank of the 11 members: {order}.", edition=latest["period"].iloc[0],
                  order=order),
             tr._("{country} is {place} of the 11 in Southeast Asia and {rank} of {members} UN members.",
                  country=country_name(chosen.country, tr.code), place=ordinal(place, tr),
                  rank=ordinal(int(latest.set_index("country").at[chosen.country, "value"]), tr),
                  members=survey_members(data))]
    alt = f"{title}, {period_span(list(rows['period']))}. " + " ".join(lines)
    return View(name, title, rows, Chart("country_lines", {}, rank_axis(data, tr),
                                         invert=True, highlight=chosen.country, rank_of=survey_members(data)),
                alt, lines, headline=1, extra_source=official_source(data, rows, tr), language=tr)


def egov_asean_components(data: CleanData, chosen: Selection) -> View:
    """The latest edition's EGDI and its three components for each Southeast Asian member."""
    tr = chosen.language
    name, title = "egov_asean_components", tr._("Southeast Asia: EGDI and its components, latest edition")
    if asean_place(data, chosen):
        return not_applicable(name, title, asean_place(data, chosen), tr)
    rows = tables.official_series(data, ["egdi", "osi", "hci", "tii"], tables.asean_members(data))
    if rows.empty:
        return no_data(data, name, title, chosen)
    rows = rows[rows["period"] == rows["period"].max()].reset_index(drop=True)
    wide = rows.pivot(index="country", columns="indicator", values="value").astype(float)
    mine = wide.loc[chosen.country]
    median = wide.median()
    names = labels(data, ["egdi", "osi", "hci", "tii"], tr)
    components = "; ".join(tr._("{indicator} {value} (Southeast Asian median {median})", indicator=names[i],
                                value=number_text(mine[i], "index", locale=tr.code),
                                median=number_text(median[i], "index", locale=tr.code))
                           for i in ["egdi", "osi", "hci", "tii"])
    lines = [tr._("{edition} edition, {country}: {components}.", edition=rows["period"].iloc[0],
                  country=country_name(chosen.country, tr.code), components=components)]
    weakest = min(["osi", "hci", "tii"], key=lambda i: mine[i] - median[i])
    lines.append(tr._("Against the regional median, {country}'s weakest component is the {component}.",
                      country=country_name(chosen.country, tr.code), component=names[weakest]))
    alt = f"{title}. " + " ".join(lines)
    return View(name, title, rows, Chart("components", names, tr._(INDEX_AXIS), highlight=chosen.country),
                alt, lines, extra_source=official_source(data, rows, tr), language=tr)


def egov_top50(data: CleanData, chosen: Selection) -> View:
    """The latest official EGDI rank against the 'top 50' target, with the target year each document gives."""
    tr = chosen.language
    name, title = "egov_top50", tr._("{country}: EGDI rank and the top-50 target",
                                     country=country_name(chosen.country, tr.code))
    official = tables.official_series(data, ["egdi_rank"], [chosen.country], chosen.start_year, chosen.end_year)
    targets = tables.select(data, chosen, ["egdi_rank"], ("target",))
    if official.empty and targets.empty:
        return no_data(data, name, title, chosen, ["egdi_rank"])
    rows = pd.concat([official, targets], ignore_index=True)
    lines = []
    if not official.empty:
        latest = official.iloc[-1]
        lines.append(tr._("Latest official rank: {rank} of {members} (UN E-Government Survey {edition}).",
                          rank=latest["value"], members=survey_members(data), edition=latest["period"]))
    if targets.empty:
        lines.append(tr._("The articles state no EGDI rank target for {country}.",
                          country=country_name(chosen.country, tr.code)))
    elif not official.empty:
        goal = int(targets["value"].min())
        lines.append(tr.n_("Distance to the top-{goal} target: {count} place (official rank {rank} in {edition}).",
                           "Distance to the top-{goal} target: {count} places (official rank {rank} in {edition}).",
                           int(latest["value"]) - goal, goal=goal, rank=latest["value"], edition=latest["period"]))
    years = sorted(set(targets["period"]))
    if len(years) > 1:
        by = "; ".join(f"{period_text(t['period'], tr.code)} ({t['source_id']} {t['figure_id']})"
                       for _, t in targets.iterrows())
        lines.append(tr._("The documents give {count} different years for this target: {years}.", count=len(years),
                          years=by))
    names = labels(data, ["egdi_rank"], tr)
    alt = f"{title}. " + " ".join(lines)
    return View(name, title, rows, Chart("timeseries", names, rank_axis(data, tr), True, rank_of=survey_members(data),
                                         x_label=tr._("Survey edition; a target at its target year")),
                alt, lines, headline=1 if len(lines) > 1 else 0, extra_source=official_source(data, rows, tr), language=tr)


# ------------------------------------------------------------------ VNeID and chip-based ID cards

def count_series(data: CleanData, chosen: Selection, indicator: str, name: str, title: str, y_label: str) -> View:
    return series_view(data, chosen, name, title, [indicator], y_label, chosen.language._(COUNT_DATE_AXIS),
                       kinds=("observed", "derived"))


def vneid_accounts(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return count_series(data, chosen, "vneid_accounts", "vneid_accounts",
                        tr._("VNeID accounts activated (cumulative)"), tr._("Accounts activated"))


def vneid_population_share(data: CleanData, chosen: Selection) -> View:
    return population_share_view(data, chosen, "vneid_accounts", "vneid_population_share", "vneid_population_share",
                                 chosen.language._("VNeID accounts as a share of the population"))


def chip_id_cards(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return count_series(data, chosen, "chip_id_cards", "chip_id_cards", tr._("Chip-based ID cards issued (cumulative)"),
                        tr._("Cards issued"))


def vneid_per_chip_card(data: CleanData, chosen: Selection) -> View:
    return ratio_view(data, chosen, "vneid_accounts", "chip_id_cards", "vneid_per_chip_card",
                      chosen.language._("VNeID accounts activated per chip-based ID card issued"))


def population_share_view(data: CleanData, chosen: Selection, count_indicator: str, share_indicator: str,
                          name: str, title: str) -> View:
    """Each count as a share of the population of its year (World Bank), beside the share the text states."""
    tr = chosen.language
    counts = tables.select(data, chosen, [count_indicator], ("observed",))
    people = tables.population(data, chosen.country)
    if counts.empty or people.empty:
        return no_data(data, name, title, chosen, [count_indicator])
    shares = tables.share_of_population(counts, people)
    lines = [population_share_line(r, data.title(count_indicator, tr), tr) for _, r in shares.iterrows()]
    stated = tables.select(data, chosen, [share_indicator], ("observed",))
    # whether a stated share fits is the clean step's consistency check's call, and its words, not redone here
    checks = data.checks[data.checks["check"] == "population_share"].set_index("figure_ids")
    findings = checks[tr.column("message")]
    for _, claim in stated.iterrows():
        match = shares[(shares["source_id"] == claim["source_id"]) & (shares["period"] == claim["period"])]
        if match.empty:
            continue
        count = match.iloc[0]
        claimed = tr._("The claim '{share} of the population' ({source} {figure})", share=value_label(claim, tr),
                       source=claim["source_id"], figure=claim["figure_id"])
        finding = findings.get(";".join(sorted({claim["figure_id"], count["figure_id"]})))
        lines.append(f"{claimed}: {finding}" if finding else tr._("{claim} fits the count.", claim=claimed))
    plotted = pd.concat([
        shares.assign(indicator=f"{count_indicator}_share", value=shares["share_percent"], unit="percent",
                      qualifier=shares["share_qualifier"]),
        stated,
    ], ignore_index=True)
    plotted["date"] = plotted["period"].map(tables.period_date)
    names = {f"{count_indicator}_share": tr._("{indicator} / population (computed)",
                                              indicator=data.title(count_indicator, tr)),
             share_indicator: tr._("{indicator} (as stated)", indicator=data.title(share_indicator, tr))}
    return View(name, title, plotted, Chart("timeseries", names, tr._("Percent of the population"),
                                                                  x_label=tr._(COUNT_DATE_AXIS)),
                f"{title}. " + " ".join(lines), lines, headline=-1,
                extra_source=official_source(data, people[people["period"].isin(set(shares["population_period"]))], tr),
                language=tr)


def population_share_line(share, indicator: str, tr: Language) -> str:
    """'55.25 million VNeID accounts (2024-08-31, s002) = 54.7% of 100.99 million people (World Bank, 2024)'."""
    reference = f"{share[tr.column('population_producer')]}, {share['population_period']}"
    if share["population_basis"]:
        reference += "; " + tr._(tables.LATEST_POPULATION_YEAR, year=share["period"][:4])
    return tr._("{count} {indicator} ({period}, {source}) = {share} of {population} people ({reference})",
                count=value_label(share, tr), indicator=indicator, period=period_text(share["period"], tr.code),
                source=share["source_id"],
                share=bounded_text(Bounded(share["share_percent"], share["share_qualifier"]), "percent", True, tr.code),
                population=number_text(share["population"], "count", locale=tr.code), reference=reference)


def ratio_view(data: CleanData, chosen: Selection, numerator: str, denominator: str, name: str, title: str) -> View:
    """numerator as a percentage of denominator, where one source states both for one period."""
    tr = chosen.language
    top = tables.select(data, chosen, [numerator], ("observed",))
    bottom = tables.select(data, chosen, [denominator], ("observed",))
    ratios = tables.ratio_on_same_period(top, bottom) if not (top.empty or bottom.empty) else pd.DataFrame()
    if ratios.empty:
        return no_data(data, name, title, chosen, [numerator, denominator])
    lines = [f"{period_text(r['period'], tr.code)} ({r['source_id']}): {value_label(numerator_row(r), tr)} "
             f"{data.title(numerator, tr)} / {value_label(denominator_row(r), tr)} {data.title(denominator, tr)} = "
             f"{bounded_text(Bounded(r['ratio_percent'], r['ratio_qualifier']), 'percent', True, tr.code)}"
             for _, r in ratios.iterrows()]
    plotted = ratios.assign(indicator=f"{numerator}_per_{denominator}", value=ratios["ratio_percent"],
                            unit="percent", kind="observed", qualifier=ratios["ratio_qualifier"])
    plotted["date"] = plotted["period"].map(tables.period_date)
    names = {f"{numerator}_per_{denominator}": tr._("{numerator} per {denominator}",
                                                    numerator=data.title(numerator, tr),
                                                    denominator=data.title(denominator, tr))}
    view = View(name, title, plotted, Chart("timeseries", names, tr._("Percent"), x_label=tr._(COUNT_DATE_AXIS)),
                f"{title}. " + " ".join(lines),
                lines, headline=-1, language=tr)
    cited = pd.concat([top, bottom])
    view.data.attrs["source_rows"] = cited[cited["period"].isin(set(ratios["period"]))]
    return view


def numerator_row(merged) -> dict:
    return {"value": merged["value_num"], "unit": merged["unit_num"], "qualifier": merged["qualifier_num"]}


def denominator_row(merged) -> dict:
    return {"value": merged["value_den"], "unit": merged["unit_den"], "qualifier": merged["qualifier_den"]}


# ------------------------------------------------------------------ digital economy and services

def digital_economy_growth(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return series_view(data, chosen, "digital_economy_growth", tr._("Digital economy growth per year"),
                       ["digital_economy_growth"], tr._("Growth on the previous year (%)"), tr._("Year"))


def digital_economy_growth_rank(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return series_view(data, chosen, "digital_economy_growth_rank_asean", tr._("Digital economy growth: rank in ASEAN"),
                       ["digital_economy_growth_rank_asean"], tr._("Rank among ASEAN members (1 = fastest)"),
                       tr._("Year"), invert=True)


def digital_economy_gdp(data: CleanData, chosen: Selection) -> View:
    return stated_facts(data, chosen, "digital_economy_gdp",
                        chosen.language._("Against GDP growth, and the 2030 target share of GDP"),
                        ["digital_economy_growth_gdp_multiple", "digital_economy_gdp_share"])


def online_public_services(data: CleanData, chosen: Selection) -> View:
    tr = chosen.language
    return series_view(data, chosen, "online_public_services", tr._("Public services provided online"),
                       ["online_public_services", "public_services_total"], tr._("Number of services"),
                       tr._(COUNT_DATE_AXIS))


def services_progress(data: CleanData, chosen: Selection) -> View:
    return progress_view(data, chosen, "services_targets", "services_progress",
                         chosen.language._("Observed shares against their targets"))


def services_claims(data: CleanData, chosen: Selection) -> View:
    return claims_table(data, chosen, "services_targets", "services_claims",
                        chosen.language._("Every other claim on services, the portal and digital society"))


def stated_facts(data: CleanData, chosen: Selection, name: str, title: str, indicators: list[str]) -> View:
    """One sentence per stated value or target of indicators that have no chart of their own."""
    tr = chosen.language
    rows = tables.select(data, chosen, indicators)
    if rows.empty:
        return no_data(data, name, title, chosen, indicators)
    lines = [f"{data.title(r['indicator'], tr)}: {value_label(r, tr)} ({word(r['kind'], tr)}, "
             f"{period_text(r['period'], tr.code) or tr._('no year given')}; {r['source_id']} {r['figure_id']})"
             for _, r in rows.iterrows()]
    return View(name, title, rows, None, f"{title}. " + " ".join(lines), lines, language=tr)


def progress_view(data: CleanData, chosen: Selection, family: str, name: str, title: str) -> View:
    """Latest observed value against each target, for the percent indicators of a family."""
    tr = chosen.language
    metadata = data.metadata
    members = metadata.loc[(metadata["family"] == family) & (metadata["unit"] == "percent"), "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    progress = tables.progress_to_targets(rows)
    if progress.empty:
        return no_data(data, name, title, chosen, members)
    names = labels(data, progress["indicator"].unique(), tr)
    lines = []
    for _, p in progress.iterrows():
        where = (tr._("no observed value yet") if pd.isna(p["latest"]) else
                 tr._("latest {value} ({period}), gap {gap} points", value=number_text(p["latest"], "percent",
                                                                                       locale=tr.code),
                      period=period_text(p["latest_period"], tr.code),
                      gap=number_text(p["gap"], "points", locale=tr.code)))
        lines.append(tr._("{indicator}: target {target} {by_year} ({figure}); {where}", indicator=names[p["indicator"]],
                          target=value_label({"value": p["target"], "unit": "percent",
                                              "qualifier": p["target_qualifier"]}, tr),
                          by_year=by_year(p["target_year"], tr), figure=p["target_figure"], where=where))
    source_rows = rows[rows["figure_id"].isin(set(progress["target_figure"]) | set(progress["latest_figure"].dropna()))]
    view = View(name, title, progress, Chart("progress", names), f"{title}. " + " ".join(lines), lines, language=tr)
    view.data.attrs["source_rows"] = source_rows
    return view


def claims_table(data: CleanData, chosen: Selection, family: str, name: str, title: str) -> View:
    """Every claim of a family in the selection, as a table: its value as written, its period and its source."""
    tr = chosen.language
    members = data.metadata.loc[data.metadata["family"] == family, "indicator"].tolist()
    rows = tables.select(data, chosen, members)
    if rows.empty:
        return no_data(data, name, title, chosen, members)
    table = rows.assign(title=rows["indicator"].map(lambda i: data.title(i, tr)),
                        value_text=rows.apply(value_label, axis=1, tr=tr))
    table = table[["indicator", "title", "period", "kind", "value_text", "source_id", "figure_id"]]
    table = table.reset_index(drop=True)
    kinds = table["kind"].astype(str).value_counts()
    claims = tr.n_("{count} claim", "{count} claims", len(table))
    sources = tr.n_("{count} source", "{count} sources", table["source_id"].nunique())
    # says what it counts: the claims of this table, not of the articles as a whole
    lines = [tr._("{title}: {claims} from {sources} ({kinds}).", title=title, claims=claims, sources=sources,
                  kinds=", ".join(f"{kinds[k]} {word(k, tr)}" for k in KIND_ORDER if k in kinds))]
    return View(name, title, table, None, f"{title}. " + " ".join(lines), lines, language=tr)
