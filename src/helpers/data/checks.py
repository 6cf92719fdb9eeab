"""Consistency checks of the clean table. Each returns findings for the reader, not exceptions.

A finding of severity `error` is impossible data (a rank beyond the number of countries ranked) and
always stops the clean step; `warning` findings stop it only when the run is strict. A finding that
the sources cannot settle says so as an open question, with the numbers that would settle it.

Arithmetic on stated figures carries their qualifiers (helpers.numbers): the ratio of "about 55"
and "over 100" is "under 0.55", since a larger base can only lower it.

Each finding's message is written in every language of the report (helpers.i18n): `message` in
English, `message_vi` in Vietnamese; the checks run once per language, with the same findings.
"""
import pandas as pd

from helpers.data import raw
from helpers.i18n import N_, SOURCE_LANGUAGE, TRANSLATED, Language, column, language, word
from helpers.numbers import Bounded, bounded_text, carried, fits, number_text, period_text, plain, ratio

ENGLISH = language(SOURCE_LANGUAGE)
TIMES = {2: N_("twice"), 3: N_("three times")}
FINDING_COLUMNS = ["check", "severity", "indicator", "country", "period", "figure_ids", "message"]
# the checks table: each finding with its message in every language of the report
CHECKS_COLUMNS = FINDING_COLUMNS + [column("message", code) for code in TRANSLATED]
STATED = ("observed", "derived")
# A "nearly 73%" share is read as at most this many points off the share the count implies.
SHARE_TOLERANCE_POINTS = 3.0
def as_bounded(row) -> Bounded:
    """A clean row's value as a ratio where it is a share (73% -> 0.73), with its qualifier."""
    value = float(row["value"])
    return Bounded(value / 100 if row["unit"] == "percent" else value, row["qualifier"])


def stated_text(row, tr: Language) -> str:
    return bounded_text(Bounded(float(row["value"]), row["qualifier"]), row["unit"], locale=tr.code)


def when(period, tr: Language) -> str:
    """A row's period, or 'no year' for an undated target (empty: None, or NaN once in a frame)."""
    return period_text(period, tr.code) if isinstance(period, str) and period else tr._("no year")


def cited(row, tr: Language) -> str:
    """'13.5% (s004-26, 2024)': a stated figure with where and when it is from."""
    return f"{stated_text(row, tr)} ({row['figure_id']}, {when(row['period'], tr)})"


def indicator_name(indicator: str, titles: dict[str, str] | None) -> str:
    """What a message calls an indicator: its title in the message's language (`titles`) where given, else its id."""
    return (titles or {}).get(indicator, indicator)


def finding(check: str, severity: str, rows: pd.DataFrame, message: str) -> dict:
    first = rows.iloc[0]
    return {"check": check, "severity": severity, "indicator": first["indicator"], "country": first["country"],
            "period": first["period"], "figure_ids": ";".join(sorted(set(rows["figure_id"]))), "message": message}


def describe(row, tr: Language) -> str:
    return (f"{plain(row['value'], 6, tr.code)} {word(row['unit'], tr)} "
            f"({word(row['kind'], tr)}, {row['source_id']} {row['figure_id']})")


def disagreements(clean: pd.DataFrame, tr: Language = ENGLISH) -> list[dict]:
    """The same indicator, country and period given different values by different claims."""
    stated = clean[clean["kind"].isin(STATED)]
    found = []
    for _, group in stated.groupby(["indicator", "country", "period"], sort=True):
        if group["value"].nunique() > 1:
            values = "; ".join(describe(row, tr) for _, row in group.iterrows())
            found.append(finding("disagreement", "warning", group,
                                 tr._("different values for one period: {values}", values=values)))
    return found


def cumulative_decreases(clean: pd.DataFrame, cumulative: set[str], tr: Language = ENGLISH) -> list[dict]:
    """A running total (accounts activated, cards issued) that is lower at a later date."""
    found = []
    stated = clean[clean["kind"].isin(STATED) & clean["indicator"].isin(cumulative)]
    for _, group in stated.groupby(["indicator", "country"], sort=True):
        ordered = group.sort_values(["period", "figure_id"])
        for (_, earlier), (_, later) in zip(ordered.iterrows(), ordered.iloc[1:].iterrows()):
            if later["value"] < earlier["value"]:
                pair = ordered.loc[[earlier.name, later.name]].iloc[::-1]
                found.append(finding("cumulative_decrease", "warning", pair,
                                     tr._("a cumulative count falls from {earlier} in {earlier_period} to {later} "
                                          "in {later_period}", earlier=describe(earlier, tr),
                                          earlier_period=when(earlier["period"], tr), later=describe(later, tr),
                                          later_period=when(later["period"], tr))))
    return found


def shares_above_100(clean: pd.DataFrame, tr: Language = ENGLISH) -> list[dict]:
    over = clean[(clean["unit"] == "percent") & (clean["value"].astype(float) > 100)]
    return [finding("share_above_100", "warning", over.loc[[i]],
                    tr._("a share above 100%: {claim}", claim=describe(row, tr)))
            for i, row in over.iterrows()]


def ranks_above_denominator(clean: pd.DataFrame, tr: Language = ENGLISH) -> list[dict]:
    ranks = clean[(clean["unit"] == "rank") & clean["denominator"].notna()]
    beyond = ranks[ranks["value"].astype(float) > ranks["denominator"].astype(float)]
    return [finding("rank_above_denominator", "error", beyond.loc[[i]],
                    tr._("rank {rank} of only {ranked}: {claim}", rank=row["value"], ranked=row["denominator"],
                         claim=describe(row, tr)))
            for i, row in beyond.iterrows()]


def population_shares(clean: pd.DataFrame, share_of: dict[str, str], population: pd.DataFrame,
                      tr: Language = ENGLISH, titles: dict[str, str] | None = None) -> list[dict]:
    """A stated share of the population set against the count it describes and the reference population.

    `share_of` maps a share indicator to the count indicator it is a share of; the count from the same
    source claim period is divided by the country's latest reference population up to that period.
    A share that does not fit is an open question: the finding gives the base the share implies. The count is
    named by its title in `titles` (indicator -> title in the language), else by its id.
    """
    found = []
    observed = clean[clean["kind"] == "observed"]
    # each share meets its count and its population through an index, not a search of every row
    first_count = {}
    for _, row in observed[observed["indicator"].isin(share_of.values())].iterrows():
        first_count.setdefault((row["indicator"], row["source_id"], row["period"]), row)
    people_of = {country: rows.sort_values("period") for country, rows in population.groupby("country")}
    for share_id, count_id in sorted(share_of.items()):
        shares = observed[observed["indicator"] == share_id]
        for _, share in shares.iterrows():
            count = first_count.get((count_id, share["source_id"], share["period"]))
            people = people_of.get(share["country"], population.iloc[:0])
            people = people[people["period"].astype(str) <= share["period"][:4]]
            if count is None or people.empty:
                continue
            reference = people.iloc[-1]
            implied = 100 * float(count["value"]) / float(reference["value"])
            if abs(implied - float(share["value"])) > SHARE_TOLERANCE_POINTS:
                rows = pd.concat([share.to_frame().T, count.to_frame().T])
                base = ratio(as_bounded(count), as_bounded(share))
                found.append(finding(
                    "population_share", "warning", rows,
                    tr._("{share} of the population ({share_figure}) with {count} {count_indicator} ({count_figure}) "
                         "implies a base of {base} people, not the population of {population} "
                         "({year}, {producer}), of which {count} is {implied}. Open question: is the base a part of "
                         "the population, such as an age group? The sources do not say, nor give one of that size.",
                         share=stated_text(share, tr), share_figure=share["figure_id"], count=stated_text(count, tr),
                         count_indicator=indicator_name(count_id, titles), count_figure=count["figure_id"],
                         base=bounded_text(base, "count", True, tr.code),
                         population=number_text(float(reference["value"]), "count", locale=tr.code),
                         year=reference["period"], producer=reference[tr.column("producer")],
                         implied=number_text(round(implied, 1), "percent", 1, tr.code))))
    return found


def stated_ratios(clean: pd.DataFrame, tr: Language = ENGLISH, titles: dict[str, str] | None = None) -> list[dict]:
    """Each stated multiple or share (a row with `relates_to`) against the figures it relates.

    For each reading `part / base` (see raw.py): with a base figure, the ratio of the two figures
    must fit the stated one; with a base indicator, the base the claim implies is set against each
    value of that indicator the sources state, and one that does not fit is reported; readings with
    a base no source gives ('?') are reported together as one open question, with the base each implies. A base
    indicator is named by its title in `titles` (indicator -> title in the language), else by its id.
    """
    claims = clean[clean["relates_to"].notna() & (clean["kind"] != "derived")]
    by_id = clean[clean["kind"] != "derived"].set_index("figure_id", drop=False)
    statements = stated_values(clean)
    found = []
    for _, claim in claims.iterrows():
        readings = raw.relations(claim["relates_to"])
        for reading in readings:
            part = by_id.loc[reading.part]
            if reading.base in by_id.index:
                found += ratio_of_figures(claim, part, by_id.loc[reading.base], tr)
            elif reading.base != raw.UNSTATED_BASE:
                found += implied_base_against_stated(claim, part, statements.get((reading.base, claim["country"]), []),
                                                     tr, indicator_name(reading.base, titles))
        unstated = [by_id.loc[r.part] for r in readings if r.base == raw.UNSTATED_BASE]
        if unstated:
            found.append(unstated_base(claim, unstated, tr))
    return found


def stated_values(clean: pd.DataFrame) -> dict[tuple[str, str], list[pd.Series]]:
    """The values stated for each (indicator, country), in the clean table's order: one row per period, value and
    qualifier, the one of the first figure (by id) that states it. A claim is set against each, so that the work
    grows with the claims and the distinct statements, not with every pair of claim and figure."""
    stated = clean[clean["kind"].isin(STATED)].sort_values("figure_id", kind="stable")
    first = stated.drop_duplicates(["indicator", "country", "period", "value", "qualifier"]).sort_index()
    return {key: [row for _, row in rows.iterrows()] for key, rows in first.groupby(["indicator", "country"])}


def implied_base(claim, part) -> tuple[Bounded, str]:
    """The base a stated multiple or share implies with one part, and its unit (the part's)."""
    base = ratio(as_bounded(part), as_bounded(claim))
    unit = part["unit"]
    return Bounded(base.value * (100 if unit == "percent" else 1), base.qualifier), unit


def base_text(base: Bounded, unit: str, claim, part, tr: Language) -> str:
    """An implied base as a message shows it: to the precision its two stated figures carry, no more."""
    return bounded_text(carried(base, float(claim["value"]), float(part["value"])), unit, True, tr.code)


def ratio_of_figures(claim, part, base, tr: Language) -> list[dict]:
    """A stated ratio against the one its two figures give; when they differ, the base it would need."""
    computed = ratio(as_bounded(part), as_bounded(base))
    scale = 100 if claim["unit"] == "percent" else 1
    if fits(as_bounded(claim), computed):
        return []
    shown = Bounded(computed.value * scale, computed.qualifier)
    needed, unit = implied_base(claim, part)
    rows = pd.DataFrame([claim, part, base])
    question = (tr._("Open question: is {base} rounded, or is the stated multiple wrong?", base=stated_text(base, tr))
                if claim["unit"] == "times" else
                tr._("Open question: is {base} rounded, or is the stated share wrong?", base=stated_text(base, tr)))
    return [finding("stated_ratio", "warning", rows,
                    tr._("{claim} stated ({figure}), but {part} / {base} = {computed}; {claim} would need a base of "
                         "{needed}.", claim=stated_text(claim, tr), figure=claim["figure_id"], part=cited(part, tr),
                         base=cited(base, tr), computed=bounded_text(shown, claim["unit"], True, tr.code),
                         needed=base_text(needed, unit, claim, part, tr)) + " " + question)]


def implied_base_against_stated(claim, part, stated: list[pd.Series], tr: Language, base_name: str) -> list[dict]:
    """The base a share implies, against each value other claims state for the base indicator in the claim's country
    (`stated`, from stated_values; `base_name`: what the messages call the indicator)."""
    base, unit = implied_base(claim, part)
    found = []
    for total in stated:
        if fits(Bounded(float(total["value"]), total["qualifier"]), base):
            continue
        same_period = total["period"] == part["period"]
        question = (tr._("The two do not fit.") if same_period else
                    tr._("Open question: did {indicator} change between {earlier} and {later}, or do the two count "
                         "different things?", indicator=base_name, earlier=when(total["period"], tr),
                         later=when(part["period"], tr)))
        found.append(finding("stated_ratio", "warning", pd.DataFrame([claim, part, total]),
                             tr._("{claim} ({figure}) of {part} implies a base of {base} {indicator}; {other} states "
                                  "{total} for {period}.", claim=stated_text(claim, tr), figure=claim["figure_id"],
                                  part=cited(part, tr), base=base_text(base, unit, claim, part, tr),
                                  indicator=base_name, other=total["figure_id"], total=stated_text(total, tr),
                                  period=when(total["period"], tr)) + " " + question))
    return found


def unstated_base(claim, parts: list, tr: Language) -> dict:
    """A multiple or share whose base no source gives: the base each reading implies, as an open question."""
    implied = []
    for part in parts:
        base, unit = implied_base(claim, part)
        implied.append(tr._("with {part} it implies a base of {base}", part=cited(part, tr),
                            base=base_text(base, unit, claim, part, tr)))
    question = (tr._("Open question: which reading is meant, and does the base fit its own figure, which the sources "
                     "do not state?") if len(parts) > 1 else
                tr._("Open question: does the base fit its own figure, which the sources do not state?"))
    return finding("stated_ratio", "warning", pd.DataFrame([claim, *parts]),
                   tr._("{claim} ({figure}) is stated against a base no source gives: {readings}.",
                        claim=stated_text(claim, tr), figure=claim["figure_id"], readings="; ".join(implied))
                   + " " + question)


def restated_claims(clean: pd.DataFrame, tr: Language = ENGLISH) -> list[dict]:
    """One source stating the same claim twice (same indicator, country, period, kind and value)."""
    claims = clean[clean["kind"].isin(("observed", "target"))]
    found = []
    keys = ["source_id", "indicator", "country", "period", "kind", "value"]
    for (source_id, *_), group in claims.groupby(keys, sort=True, dropna=False):
        if len(group) > 1:
            first = group.iloc[0]
            ids = sorted(group["figure_id"])
            found.append(finding("restated_claim", "warning", group,
                                 tr._("the same claim counted {times} in {source}: {claim}, {kind}, {period}, in "
                                      "{figures}; count it once",
                                      times=tr._(TIMES[len(group)]) if len(group) in TIMES else
                                      tr._("{count} times", count=len(group)),
                                      source=source_id, claim=stated_text(first, tr), kind=word(first["kind"], tr),
                                       period=when(first["period"], tr),
                                       figures=tr._("{first} and {second}", first=", ".join(ids[:-1]),
                                                    second=ids[-1]))))
    return found


def findings(clean: pd.DataFrame, cumulative: set[str], share_of: dict[str, str], population: pd.DataFrame,
             tr: Language, titles: dict[str, str] | None = None) -> list[dict]:
    return (disagreements(clean, tr) + cumulative_decreases(clean, cumulative, tr) + shares_above_100(clean, tr)
            + ranks_above_denominator(clean, tr) + population_shares(clean, share_of, population, tr, titles)
            + stated_ratios(clean, tr, titles) + restated_claims(clean, tr))


def run_checks(clean: pd.DataFrame, cumulative: set[str], share_of: dict[str, str],
               population: pd.DataFrame, vocabulary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every finding, its message in each language of the report (`message`, `message_vi`); the indicators a
    message names by their titles in its language, from `vocabulary` (indicator, title, title_vi), else by id."""
    def titles(code: str) -> dict[str, str] | None:
        return None if vocabulary is None else dict(zip(vocabulary["indicator"], vocabulary[column("title", code)]))

    table = pd.DataFrame(findings(clean, cumulative, share_of, population, ENGLISH, titles(SOURCE_LANGUAGE)),
                         columns=FINDING_COLUMNS)
    for code in TRANSLATED:
        table[column("message", code)] = pd.Series(
            [f["message"] for f in findings(clean, cumulative, share_of, population, language(code), titles(code))],
            dtype=object)
    return table.sort_values(["check", "indicator", "country", "period", "figure_ids"], ignore_index=True)
