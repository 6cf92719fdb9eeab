"""Consistency checks of the clean table. Each returns findings for the reader, not exceptions.

A finding of severity `error` is impossible data (a rank beyond the number of countries ranked) and
always stops the clean step; `warning` findings stop it only when the run is strict.
"""
import pandas as pd

FINDING_COLUMNS = ["check", "severity", "indicator", "country", "period", "figure_ids", "message"]
STATED = ("observed", "derived")
# A "nearly 73%" share is read as at most this many points off the share the count implies.
SHARE_TOLERANCE_POINTS = 3.0


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
                found.append(finding(
                    "population_share", "warning", rows,
                    f"{share['value']}% of the population stated, but {count['value']:,} {count_id} over a "
                    f"population of {int(reference['value']):,} ({reference['period']}, {reference['producer']}) "
                    f"is {implied:.1f}%; the stated share implies a population of "
                    f"{float(count['value']) * 100 / float(share['value']):,.0f}"))
    return found


def run_checks(clean: pd.DataFrame, cumulative: set[str], share_of: dict[str, str],
               population: pd.DataFrame) -> pd.DataFrame:
    found = (disagreements(clean) + cumulative_decreases(clean, cumulative) + shares_above_100(clean)
             + ranks_above_denominator(clean) + population_shares(clean, share_of, population))
    table = pd.DataFrame(found, columns=FINDING_COLUMNS)
    return table.sort_values(["check", "indicator", "country", "period", "figure_ids"], ignore_index=True)
