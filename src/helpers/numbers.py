"""Numbers as the project writes them, and arithmetic that keeps what the text says about them.

One formatter (`number_text`) for every sentence, table and chart: thousands separators, scale
words ("55.25 million"), no float artefacts. Stated numbers carry a qualifier (exact, approx,
at_least, at_most); a ratio of two of them carries the bound the two allow (`ratio`), and is
written with it ("about 55%", "under 3.4%").
"""
import math
from dataclasses import dataclass

# How far a stated number may be from what it means, relative to it: a bare number is rounded
# ("4.5", "70%"), a qualified one ("nearly 4", "about 55%") is looser.
EXACT_TOLERANCE = 0.01
APPROX_TOLERANCE = 0.05
BOUNDS = ("at_least", "at_most")
OPPOSITE = {"at_least": "at_most", "at_most": "at_least"}
# No bound either way: what a ratio of two lower (or two upper) bounds is.
UNBOUNDED = "unbounded"
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
QUALIFIER_WORDS = {"exact": "", "approx": "about ", "at_least": "over ", "at_most": "under ", UNBOUNDED: ""}


def plain(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and at most `decimals` decimals, trailing zeros dropped."""
    text = f"{round(float(value), decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_text(value: float, unit: str, decimals: int = 2) -> str:
    """The project's one number format: 55250000 count -> '55.25 million'; 6285.7 count -> '6,286';
    28 percent -> '28%'; 4.5 times -> '4.5 times'; 0.77091 index -> '0.7709'; 86 rank -> '86'.

    Counts below a million are whole; indexes keep the four decimals the UN publishes.
    """
    value = float(value)
    if unit == "percent":
        return f"{plain(value, decimals)}%"
    if unit == "times":
        return f"{plain(value, decimals)} times"
    if unit == "index":
        return f"{value:.4f}"
    if unit in ("count", "vnd", "usd"):
        scale, word = next(((scale, word) for scale, word in SCALES if abs(value) >= scale), (1, ""))
        text = f"{plain(value / scale, decimals)} {word}" if word else plain(value, 0)
        return text if unit == "count" else f"{text} {unit.upper()}"
    return plain(value, decimals)


@dataclass(frozen=True)
class Bounded:
    """A number and what the text says about it: exact, approx, at_least, at_most (or unbounded)."""
    value: float
    qualifier: str


def ratio(part: Bounded, base: Bounded) -> Bounded:
    """part / base with the bound the two qualifiers allow.

    A lower bound on the part, or an upper bound on the base, makes the ratio a lower bound (and
    the other way round); bounds pulling both ways leave it unbounded. Without bounds, the ratio
    is approx when either number is.
    """
    bounds = set()
    if part.qualifier in BOUNDS:
        bounds.add(part.qualifier)
    if base.qualifier in BOUNDS:
        bounds.add(OPPOSITE[base.qualifier])
    if len(bounds) == 2:
        qualifier = UNBOUNDED
    elif bounds:
        qualifier = bounds.pop()
    else:
        qualifier = "approx" if "approx" in (part.qualifier, base.qualifier) else "exact"
    return Bounded(part.value / base.value, qualifier)


def interval(number: Bounded) -> tuple[float, float]:
    """The values a bounded number allows."""
    if number.qualifier == "at_least":
        return number.value, math.inf
    if number.qualifier == "at_most":
        return -math.inf, number.value
    if number.qualifier == UNBOUNDED:
        return -math.inf, math.inf
    tolerance = APPROX_TOLERANCE if number.qualifier == "approx" else EXACT_TOLERANCE
    spread = abs(number.value) * tolerance
    return number.value - spread, number.value + spread


def fits(stated: Bounded, computed: Bounded) -> bool:
    """Whether a stated number and one computed from other figures can be the same."""
    (low, high), (other_low, other_high) = interval(stated), interval(computed)
    return low <= other_high and other_low <= high


def bounded_text(number: Bounded, unit: str, computed: bool = False) -> str:
    """'about 55%', 'under 3.4%', 'over 6,286', 'rank 1'; an unbounded number says so.

    A computed number is rounded to what the stated ones can carry: one decimal.
    """
    prefix = "rank " if unit == "rank" else ""
    text = QUALIFIER_WORDS[number.qualifier] + prefix + number_text(number.value, unit, 1 if computed else 2)
    return f"{text} (no bound)" if number.qualifier == UNBOUNDED else text
