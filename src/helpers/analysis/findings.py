"""Findings as sentences computed from the data, so the notebooks never type a number in."""
import pandas as pd

from helpers.numbers import number_text

QUALIFIER_SIGNS = {"exact": "", "approx": "~", "at_least": "≥", "at_most": "≤"}
ARROW = " → "


def ordinal(number: int) -> str:
    """71 -> '71st', 12 -> '12th'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def value_label(row) -> str:
    """A value with its doubt: '~2.6 million', '≥76 million', '86/193'."""
    text = QUALIFIER_SIGNS.get(row["qualifier"], "") + number_text(row["value"], row["unit"])
    if row["unit"] == "rank" and not pd.isna(row.get("denominator")):
        text += f"/{int(row['denominator'])}"
    return text


def series_text(label: str, rows: pd.DataFrame) -> str:
    """'EGDI rank: 88/193 (2018, derived) → 86/193 (2020) → 86/193 (2022)'; one step per period and value."""
    stated = rows[rows["kind"] != "target"].sort_values(["period", "kind", "figure_id"])
    if stated.empty:
        return f"{label}: no stated value in the selection"
    steps = []
    for (period, _value), group in stated.groupby(["period", "value"], sort=True, observed=True):
        first = group.iloc[0]
        # a value both stated and derived for a period is simply observed
        extra = "" if (group["kind"] == "observed").any() else ", derived"
        sources = ",".join(sorted(set(group["source_id"])))
        steps.append(f"{value_label(first)} ({period}{extra}; {sources})")
    return f"{label}: " + ARROW.join(steps)


def official_text(label: str, rows: pd.DataFrame) -> str:
    """'EGDI rank, official: 90 (2010) → 83 (2012) → … → 71 (2024)'; one step per edition."""
    steps = [f"{number_text(r['value'], r['unit'])} ({r['period']})" for _, r in rows.sort_values("period").iterrows()]
    return f"{label}: " + ARROW.join(steps)


def targets_text(label: str, rows: pd.DataFrame) -> list[str]:
    targets = rows[rows["kind"] == "target"].sort_values(["period", "figure_id"])
    return [f"{label} target: {value_label(t)} {by_year(t['period'])} ({t['source_id']} {t['figure_id']})"
            for _, t in targets.iterrows()]


def by_year(period: str) -> str:
    """'by 2025', or 'with no year given' for a target the text dates nowhere."""
    return f"by {period}" if period else "with no year given"
