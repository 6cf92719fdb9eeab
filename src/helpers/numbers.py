"""Numbers as the project writes them, and arithmetic that keeps what the text says about them.

One formatter (`number_text`) for every sentence, table and chart, in every language the report is
written in (Babel's locale data: "55.25 million" in English, "55,25 triệu" in Vietnamese):
thousands separators, scale words, no float artefacts; `period_text` does the same for periods
(ISO 8601 in English, "19/07/2024" in Vietnamese). Stated numbers carry a qualifier (exact, approx,
at_least, at_most); a ratio of two of them carries the bound the two allow (`ratio`), and is
written with it ("about 55%", "under 3.4%").
"""
import datetime as dt
import math
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal

from helpers.i18n import N_, SOURCE_LANGUAGE, Language, language, word

# How far a stated number may be from what it means, relative to it: a bare number is rounded
# ("4.5", "70%"), a qualified one ("nearly 4", "about 55%") is looser.
EXACT_TOLERANCE = 0.01
APPROX_TOLERANCE = 0.05
BOUNDS = ("at_least", "at_most")
OPPOSITE = {"at_least": "at_most", "at_most": "at_least"}
# No bound either way: what a ratio of two lower (or two upper) bounds is.
UNBOUNDED = "unbounded"
# From a million up, counts and amounts are written with the locale's scale word (million, triệu).
SCALED_FROM = 1e6
QUALIFIER_WORDS = {"exact": "{number}", "approx": N_("about {number}"), "at_least": N_("over {number}"),
                   "at_most": N_("under {number}"), UNBOUNDED: N_("{number} (no bound)")}
# How a period is written, as a Babel date pattern per precision; English keeps ISO 8601.
PERIOD_PATTERNS = {3: N_("yyyy-MM-dd"), 2: N_("yyyy-MM")}


def plain(value: float, decimals: int = 2, locale: str = SOURCE_LANGUAGE) -> str:
    """A number with thousands separators and at most `decimals` decimals, trailing zeros dropped."""
    return format_decimal(round(float(value), decimals), format="#,##0." + "#" * decimals if decimals else "#,##0",
                          locale=locale)


def number_text(value: float, unit: str, decimals: int = 2, locale: str = SOURCE_LANGUAGE) -> str:
    """The project's one number format: 55250000 count -> '55.25 million' ('55,25 triệu' in `vi`);
    6285.7 count -> '6,286'; 28 percent -> '28%'; 4.5 times -> '4.5 times'; 0.77091 index -> '0.7709';
    86 rank -> '86'.

    Counts below a million are whole; an index has the decimals it has, up to the four the UN publishes (a claim's
    0.71 stays 0.71).
    """
    value = float(value)
    if unit == "percent":
        return f"{plain(value, decimals, locale)}%"
    if unit == "times":
        return language(locale)._("{number} times", number=plain(value, decimals, locale))
    if unit == "index":
        # rounded first, as the value is stored (binary), not as its shortest decimal repr, which Babel would round
        return format_decimal(round(value, 4), format="0.0###", locale=locale)
    if unit in ("count", "vnd", "usd"):
        text = (format_compact_decimal(value, format_type="long", fraction_digits=decimals, locale=locale)
                if abs(value) >= SCALED_FROM else plain(value, 0, locale))
        return text if unit == "count" else f"{text} {unit.upper()}"
    return plain(value, decimals, locale)


def period_text(period: str, locale: str = SOURCE_LANGUAGE) -> str:
    """A period (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD) as the language writes it: '2024-07-19' is
    '19/07/2024' in Vietnamese; a year is a year, and an empty period stays empty."""
    parts = str(period).split("-")
    if len(parts) not in PERIOD_PATTERNS or not all(part.isdigit() for part in parts):
        return str(period)
    day = dt.date(*map(int, parts), *([1] * (3 - len(parts))))
    return format_date(day, language(locale)._(PERIOD_PATTERNS[len(parts)]), locale=locale)


# The data's columns a table writes the language's way: periods as periods, numbers as numbers, and the words of
# the data's vocabularies (observed, agrees) as words; any other cell (ids, text) as it is.
PERIOD_COLUMNS = {"period", "target_year", "latest_period", "published"}
NUMBER_COLUMNS = {"value", "target", "latest", "gap", "value_num", "value_den", "ratio_percent", "population",
                  "share_percent", "claim_value", "official_value", "value_low", "value_high", "alt_value"}
WORD_COLUMNS = {"unit", "alt_unit", "kind", "qualifier", "severity", "verdict", "source_kind"}


def cell_text(column: str, value: str, tr: Language) -> str:
    """A table cell as the language writes it: the words of a vocabulary as words in every language ("at least", not
    at_least); in English, any other cell as it is in its file."""
    if not value:
        return value
    if column in WORD_COLUMNS:
        return word(value, tr)
    if tr.code == SOURCE_LANGUAGE:
        return value
    if column in PERIOD_COLUMNS:
        return period_text(value, tr.code)
    if column in NUMBER_COLUMNS:
        return plain(value, 6, tr.code)
    return value


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


def significant_digits(value: float) -> int:
    """The significant digits a stated value carries: its digits without the zeros that end a whole number (4,400
    carries 2, 55.25 million 4), and at least 2 (a whole percentage such as 70% is read to the unit)."""
    text = f"{abs(value):.12g}"
    digits = text.replace(".", "").lstrip("0")
    if "." not in text:
        digits = digits.rstrip("0")
    return max(2, len(digits))


def carried(number: Bounded, *stated: float) -> Bounded:
    """A number computed from stated values, to the significant digits the least precise of them carries; rounding
    makes an exact result approximate (4,400 / 70% = 6,285.7 is shown as about 6,300)."""
    if not number.value or not math.isfinite(number.value):
        return number
    digits = min(significant_digits(value) for value in stated)
    rounded = round(number.value, digits - 1 - math.floor(math.log10(abs(number.value))))
    qualifier = "approx" if rounded != number.value and number.qualifier == "exact" else number.qualifier
    return Bounded(rounded, qualifier)


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


def bounded_text(number: Bounded, unit: str, computed: bool = False, locale: str = SOURCE_LANGUAGE) -> str:
    """'about 55%', 'under 3.4%', 'over 6,286', 'rank 1'; an unbounded number says so.

    A computed number is rounded to what the stated ones can carry: one decimal.
    """
    text = number_text(number.value, unit, 1 if computed else 2, locale)
    if unit == "rank":
        text = language(locale)._("rank {number}", number=text)
    return language(locale)._(QUALIFIER_WORDS[number.qualifier], number=text)
