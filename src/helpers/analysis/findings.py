"""Findings as sentences computed from the data, so the notebooks never type a number in.

Every sentence is written in the language of the notebook's run (helpers.i18n), its numbers and
periods through helpers.numbers.
"""
import pandas as pd

from helpers.i18n import N_, Language
from helpers.numbers import number_text, period_text

QUALIFIER_SIGNS = {"exact": "", "approx": "~", "at_least": "≥", "at_most": "≤"}
ARROW = " → "
ORDINALS = {"st": N_("{number}st"), "nd": N_("{number}nd"), "rd": N_("{number}rd"), "th": N_("{number}th")}
def ordinal(number: int, tr: Language) -> str:
    """71 -> '71st', 12 -> '12th' ('thứ 71' in Vietnamese)."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return tr._(ORDINALS[suffix], number=number)


def value_label(row, tr: Language) -> str:
    """A value with its doubt: '~2.6 million', '≥76 million', '86/193'."""
    text = QUALIFIER_SIGNS.get(row["qualifier"], "") + number_text(row["value"], row["unit"], locale=tr.code)
    if row["unit"] == "rank" and not pd.isna(row.get("denominator")):
        text += f"/{int(row['denominator'])}"
    return text


def series_text(label: str, rows: pd.DataFrame, tr: Language) -> str:
    """'EGDI rank: 88/193 (2018, derived) → 86/193 (2020) → 86/193 (2022)'; one step per period and value."""
    stated = rows[rows["kind"] != "target"].sort_values(["period", "kind", "figure_id"])
    if stated.empty:
        return tr._("{label}: no stated value in the selection", label=label)
    steps = []
    for (period, _value), group in stated.groupby(["period", "value"], sort=True, observed=True):
        first = group.iloc[0]
        # a value both stated and derived for a period is simply observed
        when = (period_text(period, tr.code) if (group["kind"] == "observed").any()
                else tr._("{period}, derived", period=period_text(period, tr.code)))
        sources = ",".join(sorted(set(group["source_id"])))
        steps.append(f"{value_label(first, tr)} ({when}; {sources})")
    return f"{label}: " + ARROW.join(steps)


def official_text(label: str, rows: pd.DataFrame, tr: Language) -> str:
    """'EGDI rank, official: 90 (2010) → 83 (2012) → … → 71 (2024)'; one step per edition."""
    steps = [f"{number_text(r['value'], r['unit'], locale=tr.code)} ({period_text(r['period'], tr.code)})"
             for _, r in rows.sort_values("period").iterrows()]
    return f"{label}: " + ARROW.join(steps)


def targets_text(label: str, rows: pd.DataFrame, tr: Language) -> list[str]:
    targets = rows[rows["kind"] == "target"].sort_values(["period", "figure_id"])
    return [tr._("{label} target: {value} {by_year} ({source} {figure})", label=label, value=value_label(t, tr),
                 by_year=by_year(t["period"], tr), source=t["source_id"], figure=t["figure_id"])
            for _, t in targets.iterrows()]


def by_year(period: str, tr: Language) -> str:
    """'by 2025', or 'with no year given' for a target the text dates nowhere."""
    return tr._("by {year}", year=period_text(period, tr.code)) if period else tr._("with no year given")
