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


def given(value) -> bool:
    """Whether a cell holds a value (not empty, not missing)."""
    return value is not None and not pd.isna(value) and value != ""


def value_label(row, tr: Language) -> str:
    """A value as the source bounds it: '~2.6 million', '≥76 million', '86/193'; a range stays a range
    ('45%–55%'), and a rank target of at most 50 is a place in the top 50."""
    if given(row.get("value_low")) and given(row.get("value_high")):
        return "–".join(number_text(row[end], row["unit"], locale=tr.code) for end in ("value_low", "value_high"))
    number = number_text(row["value"], row["unit"], locale=tr.code)
    if row["unit"] == "rank" and row["qualifier"] == "at_most":
        return tr._("top {number}", number=number)
    text = QUALIFIER_SIGNS.get(row["qualifier"], "") + number
    if row["unit"] == "rank" and given(row.get("denominator")):
        text += f"/{int(float(row['denominator']))}"
    return text


def official_note(row, tr: Language) -> str:
    """What an official value is: the UN's own, or computed by this project from the UN's scores, and shared by how
    many members where a rank is tied."""
    note = tr._("computed from the UN's scores") if given(row.get("computed")) and row["computed"] else tr._("official")
    return ", ".join([note, tie_text(row, tr)]) if tie_text(row, tr) else note


def tie_text(row, tr: Language) -> str:
    """'tied with 5 other members' for a rank that several members share; empty for any other value."""
    others = int(row["tied"]) - 1 if given(row.get("tied")) else 0
    return tr.n_("tied with {count} other member", "tied with {count} other members", others) if others else ""


def series_text(label: str, rows: pd.DataFrame, tr: Language) -> str:
    """'EGDI rank: 88/193 (2018, derived) → 86/193 (2020) → 86/193 (2022)'; one step per period and value."""
    stated = rows[rows["kind"] != "target"].sort_values(["period", "kind", "figure_id"])
    if stated.empty:
        return tr._("{label}: no stated value in the selection", label=label)
    steps = []
    # an observed value and one derived from another claim stay two steps, even where they are equal
    for (period, _value, kind), group in stated.groupby(["period", "value", "kind"], sort=True, observed=True):
        first = group.iloc[0]
        when = (tr._("{period}, derived", period=period_text(period, tr.code)) if kind == "derived"
                else period_text(period, tr.code))
        sources = ",".join(sorted(set(group["source_id"])))
        steps.append(f"{value_label(first, tr)} ({when}; {sources})")
    return f"{label}: " + ARROW.join(steps)


def official_text(label: str, rows: pd.DataFrame, tr: Language) -> str:
    """'EGDI rank, official: 90 (2010) → 83 (2012) → … → 71 (2024)'; one step per edition."""
    steps = [f"{number_text(r['value'], r['unit'], locale=tr.code)} "
             f"({'; '.join(filter(None, [period_text(r['period'], tr.code), tie_text(r, tr)]))})"
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
