"""Consistency checks of the clean table. Each returns findings for the reader, not exceptions.

A finding of severity `error` is impossible data (a rank beyond the number of countries ranked) and
always stops the clean step; `warning` findings stop it only when the run is strict. A finding that
the sources cannot settle says so as an open question, with the numbers that would settle it.

Arithmetic on stated figures carries their qualifiers (helpers.numbers): the ratio of "about 55"
and "over 100" is "under 0.55", since a larger base can only lower it.
"""
import pandas as pd

from helpers.data import raw
from helpers.numbers import Bounded, bounded_text, fits, number_text, ratio

TIMES = {2: "twice", 3: "three times"}
FINDING_COLUMNS = ["check", "severity", "indicator", "country", "period", "figure_ids", "message"]
STATED = ("observed", "derived")
# A "nearly 73%" share is read as at most this many points off the share the count implies.
SHARE_TOLERANCE_POINTS = 3.0
def as_bounded(row) -> Bounded:
    """A clean row's value as a ratio where it is a share (73% -> 0.73), with its qualifier."""
    value = float(row["value"])
    return Bounded(value / 100 if row["unit"] == "percent" else value, row["qualifier"])


def stated_text(row) -> str:
    return bounded_text(Bounded(float(row["value"]), row["qualifier"]), row["unit"])


def period_text(period) -> str:
    """A row's period, or 'no year' for an undated target (empty: None, or NaN once in a frame)."""
    return period if isinstance(period, str) and period else "no year"


def cited(row) -> str:
    """'13.5% (s004-26, 2024)': a stated figure with where and when it is from."""
    return f"{stated_text(row)} ({row['figure_id']}, {period_text(row['period'])})"


def finding(check: str, severity: str, rows: pd.DataFrame, message: str) -> dict:
    first = rows.iloc[0]
    return {"check": check, "severity": severity, "indicator": first["indicator"], "country": first["country"],
            "period": first["period"], "figure_ids": ";".join(sorted(set(rows["figure_id"]))), "message": message}


def describe(row) -> str:
    return f"{row['value']:,} {row['unit']} ({row['kind']}, {row['source_id']} {row['figure_id']})"


def disagreements(clean: pd.DataFrame) -> list[dict]:
    """The same indicator, country and period given different values by different claims."""
    stated = clean[clean["kind"].isin(STATED)]
    found = []
    for _, group in stated.groupby(["indicator", "country", "period"], sort=True):
        if group["value"].nunique() > 1:
            values = "; ".join(describe(row) for _, row in group.iterrows())
            found.append(finding("disagreement", "warning", group, f"different values for one period: {values}"))
    return found


def cumulative_decreases(clean: pd.DataFrame, cumulative: set[str]) -> list[dict]:
    """A running total (accounts activated, cards issued) that is lower at a later date."""
    found = []
    stated = clean[clean["kind"].isin(STATED) & clean["indicator"].isin(cumulative)]
    for _, group in stated.groupby(["indicator", "country"], sort=True):
        ordered = group.sort_values(["period", "figure_id"])
        for (_, earlier), (_, later) in zip(ordered.iterrows(), ordered.iloc[1:].iterrows()):
            if later["value"] < earlier["value"]:
                pair = ordered.loc[[earlier.name, later.name]].iloc[::-1]
                found.append(finding("cumulative_decrease", "warning", pair,
                                     f"a cumulative count falls from {describe(earlier)} in {earlier['period']} "
                                     f"to {describe(later)} in {later['period']}"))
    return found


def shares_above_100(clean: pd.DataFrame) -> list[dict]:
    over = clean[(clean["unit"] == "percent") & (clean["value"].astype(float) > 100)]
    return [finding("share_above_100", "warning", over.loc[[i]], f"a share above 100%: {describe(row)}")
            for i, row in over.iterrows()]


def ranks_above_denominator(clean: pd.DataFrame) -> list[dict]:
    ranks = clean[(clean["unit"] == "rank") & clean["denominator"].notna()]
    beyond = ranks[ranks["value"].astype(float) > ranks["denominator"].astype(float)]
    return [finding("rank_above_denominator", "error", beyond.loc[[i]],
                    f"rank {row['value']} of only {row['denominator']}: {describe(row)}")
            for i, row in beyond.iterrows()]


def population_shares(clean: pd.DataFrame, share_of: dict[str, str], population: pd.DataFrame) -> list[dict]:
    """A stated share of the population set against the count it describes and the reference population.

    `share_of` maps a share indicator to the count indicator it is a share of; the count from the same
    source claim period is divided by the country's latest reference population up to that period.
    A share that does not fit is an open question: the finding gives the base the share implies.
    """
    found = []
    for share_id, count_id in sorted(share_of.items()):
        shares = clean[(clean["indicator"] == share_id) & (clean["kind"] == "observed")]
        for _, share in shares.iterrows():
            counts = clean[(clean["indicator"] == count_id) & (clean["kind"] == "observed")
                           & (clean["source_id"] == share["source_id"]) & (clean["period"] == share["period"])]
            people = population[(population["country"] == share["country"])
                                & (population["period"].astype(str) <= share["period"][:4])]
            if counts.empty or people.empty:
                continue
            count, reference = counts.iloc[0], people.sort_values("period").iloc[-1]
            implied = 100 * float(count["value"]) / float(reference["value"])
            if abs(implied - float(share["value"])) > SHARE_TOLERANCE_POINTS:
                rows = pd.concat([share.to_frame().T, count.to_frame().T])
                base = ratio(as_bounded(count), as_bounded(share))
                found.append(finding(
                    "population_share", "warning", rows,
                    f"{stated_text(share)} of the population ({share['figure_id']}) with {stated_text(count)} "
                    f"{count_id} ({count['figure_id']}) implies a base of {bounded_text(base, 'count', True)} "
                    f"people ({base.value:,.0f}), not the population of "
                    f"{number_text(float(reference['value']), 'count')} ({reference['period']}, {reference['producer']}), "
                    f"of which {stated_text(count)} is {implied:.1f}%. Open question: is the base a part of the "
                    f"population, such as an age group? The sources do not say, nor give one of that size."))
    return found


def stated_ratios(clean: pd.DataFrame) -> list[dict]:
    """Each stated multiple or share (a row with `relates_to`) against the figures it relates.

    For each reading `part / base` (see raw.py): with a base figure, the ratio of the two figures
    must fit the stated one; with a base indicator, the base the claim implies is set against each
    value of that indicator the sources state, and one that does not fit is reported; readings with
    a base no source gives ('?') are reported together as one open question, with the base each implies.
    """
    claims = clean[clean["relates_to"].notna() & (clean["kind"] != "derived")]
    by_id = clean[clean["kind"] != "derived"].set_index("figure_id", drop=False)
    found = []
    for _, claim in claims.iterrows():
        readings = raw.relations(claim["relates_to"])
        for reading in readings:
            part = by_id.loc[reading.part]
            if reading.base in by_id.index:
                found += ratio_of_figures(claim, part, by_id.loc[reading.base])
            elif reading.base != raw.UNSTATED_BASE:
                found += implied_base_against_stated(claim, part, clean, reading.base)
        unstated = [by_id.loc[r.part] for r in readings if r.base == raw.UNSTATED_BASE]
        if unstated:
            found.append(unstated_base(claim, unstated))
    return found


def claim_noun(claim) -> str:
    return "multiple" if claim["unit"] == "times" else "share"


def implied_base(claim, part) -> tuple[Bounded, str]:
    """The base a stated multiple or share implies with one part, and its unit (the part's)."""
    base = ratio(as_bounded(part), as_bounded(claim))
    unit = part["unit"]
    return Bounded(base.value * (100 if unit == "percent" else 1), base.qualifier), unit


def ratio_of_figures(claim, part, base) -> list[dict]:
    """A stated ratio against the one its two figures give; when they differ, the base it would need."""
    computed = ratio(as_bounded(part), as_bounded(base))
    scale = 100 if claim["unit"] == "percent" else 1
    if fits(as_bounded(claim), computed):
        return []
    shown = Bounded(computed.value * scale, computed.qualifier)
    needed, unit = implied_base(claim, part)
    rows = pd.DataFrame([claim, part, base])
    return [finding("stated_ratio", "warning", rows,
                    f"{stated_text(claim)} stated ({claim['figure_id']}), but {cited(part)} / {cited(base)} = "
                    f"{bounded_text(shown, claim['unit'], True)}; {stated_text(claim)} would need a base of "
                    f"{bounded_text(needed, unit, True)}. Open question: is {stated_text(base)} rounded, "
                    f"or is the stated {claim_noun(claim)} wrong?")]


def implied_base_against_stated(claim, part, clean: pd.DataFrame, base_indicator: str) -> list[dict]:
    """The base a share implies, against each value other claims state for the base indicator."""
    base, unit = implied_base(claim, part)
    stated = clean[(clean["indicator"] == base_indicator) & (clean["country"] == claim["country"])
                   & clean["kind"].isin(STATED)]
    found = []
    for _, total in stated.iterrows():
        if fits(Bounded(float(total["value"]), total["qualifier"]), base):
            continue
        same_period = total["period"] == part["period"]
        question = ("The two do not fit." if same_period else
                    f"Open question: did {base_indicator} change between {total['period']} and {part['period']}, "
                    f"or do the two count different things?")
        found.append(finding("stated_ratio", "warning", pd.DataFrame([claim, part, total]),
                             f"{stated_text(claim)} ({claim['figure_id']}) of {cited(part)} implies a base of "
                             f"{bounded_text(base, unit, True)} {base_indicator}; {total['figure_id']} states "
                             f"{stated_text(total)} for {total['period']}. {question}"))
    return found


def unstated_base(claim, parts: list) -> dict:
    """A multiple or share whose base no source gives: the base each reading implies, as an open question."""
    implied = []
    for part in parts:
        base, unit = implied_base(claim, part)
        implied.append(f"with {cited(part)} it implies a base of {bounded_text(base, unit, True)}")
    which = " which reading is meant, and" if len(parts) > 1 else ""
    return finding("stated_ratio", "warning", pd.DataFrame([claim, *parts]),
                   f"{stated_text(claim)} ({claim['figure_id']}) is stated against a base no source gives: "
                   f"{'; '.join(implied)}. Open question:{which} does the base fit its own figure, which the "
                   f"sources do not state?")


def restated_claims(clean: pd.DataFrame) -> list[dict]:
    """One source stating the same claim twice (same indicator, country, period, kind and value)."""
    claims = clean[clean["kind"].isin(("observed", "target"))]
    found = []
    keys = ["source_id", "indicator", "country", "period", "kind", "value"]
    for (source_id, *_), group in claims.groupby(keys, sort=True, dropna=False):
        if len(group) > 1:
            first = group.iloc[0]
            ids = sorted(group["figure_id"])
            found.append(finding("restated_claim", "warning", group,
                                 f"the same claim counted {TIMES.get(len(group), f'{len(group)} times')} in "
                                 f"{source_id}: {stated_text(first)}, "
                                 f"{first['kind']}, {period_text(first['period'])}, in {' and '.join(ids)}; "
                                 f"count it once"))
    return found


def run_checks(clean: pd.DataFrame, cumulative: set[str], share_of: dict[str, str],
               population: pd.DataFrame) -> pd.DataFrame:
    found = (disagreements(clean) + cumulative_decreases(clean, cumulative) + shares_above_100(clean)
             + ranks_above_denominator(clean) + population_shares(clean, share_of, population)
             + stated_ratios(clean) + restated_claims(clean))
    table = pd.DataFrame(found, columns=FINDING_COLUMNS)
    return table.sort_values(["check", "indicator", "country", "period", "figure_ids"], ignore_index=True)
