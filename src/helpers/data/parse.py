"""Parse figures, rank changes and periods quoted verbatim in news articles.

The sources write numbers the English way: commas group thousands, a dot marks
the decimals and a scale word (thousand, million, billion, trillion) multiplies.
All arithmetic is done in ``Decimal`` so that "55.25 million" is exactly
55250000 and "351.53 million" exactly 351530000; the result is converted to
``float`` once, at the end.

"a/b" is returned as value ``a``, denominator ``b`` and unit ``None``: the same
shape is a rank among ``b`` countries ("86/193") or a count out of ``b``
("22/91"), and only the caller, who knows the indicator, can tell which. The
same denominator written in words ("86th position among 193 countries", "48 out
of 63 localities") is returned the same way, the part keeping its own unit.

Every period carries a basis that starts with ``stated`` (a date written in the
text) or ``inferred: `` followed by how the date was reached, so that a reader
can tell the two apart by the first word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, Inexact

from helpers.i18n import N_, Language, language
from helpers.numbers import period_text
from helpers.paths import SOURCE_LANGUAGE


class ParseError(ValueError):
    """The text matches none of the supported forms; the message names it."""


class _Rejected(Exception):
    """Internal: why a fragment failed, before the public error adds the full text."""


def _reject_as(kind: str, text: str, reason: object) -> ParseError:
    return ParseError(f"cannot parse {kind} {text!r}: {reason}")


def _normalise(text: str) -> str:
    return " ".join(text.split()).lower()


_UNITS_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve"
    " thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# Up to ninety-nine, as English writes them: "seven", "twenty", "twenty-three".
_CARDINALS = {
    **{word: number for number, word in enumerate(_UNITS_WORDS)},
    **{tens: 10 * position for position, tens in enumerate(_TENS_WORDS, start=2)},
    **{f"{tens}-{unit}": 10 * position + number
       for position, tens in enumerate(_TENS_WORDS, start=2)
       for number, unit in enumerate(_UNITS_WORDS) if 1 <= number <= 9},
}
# Longest first, so that "twenty-three" is not read as "twenty".
_CARDINAL_WORDS = "|".join(sorted(_CARDINALS, key=len, reverse=True))


def number_word(number: int) -> str:
    """3 -> 'three': numbers up to twenty as words, larger ones as digits (the inverse of the parser's words)."""
    words = {n: w for w, n in _CARDINALS.items()}
    return words.get(number, str(number))


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class ParsedValue:
    """A number in base units.

    ``unit`` is 'percent', 'vnd', 'usd', 'times', 'rank' (ordinals) or None
    (bare numbers and "a/b", whose meaning the caller takes from the indicator).
    A range sets ``low``/``high`` and reports their midpoint as an 'approx' value.
    """

    value: float
    unit: str | None
    qualifier: str
    denominator: int | None = None
    low: float | None = None
    high: float | None = None
    alt_value: float | None = None
    alt_unit: str | None = None


_ORDINALS = {
    word: number
    for number, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh"
        " twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth"
        " nineteenth twentieth".split(),
        start=1,
    )
}
_QUALIFIERS = {
    **dict.fromkeys(("nearly", "about", "around", "approximately", "almost", "some"), "approx"),
    **dict.fromkeys(("more than", "over", "at least", "above"), "at_least"),
    **dict.fromkeys(("less than", "under", "below", "up to", "at most"), "at_most"),
}
_SCALES = {
    "thousand": Decimal("1e3"),
    "million": Decimal("1e6"),
    "billion": Decimal("1e9"),
    "trillion": Decimal("1e12"),
}
_CURRENCIES = {"vnd": "vnd", "usd": "usd", "us$": "usd", "$": "usd"}

# Enough digits for any figure in the sources; a longer one is refused rather
# than silently rounded.
_EXACT = Context(prec=60, traps=[Inexact])

_NUMERAL = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_INTEGER = r"\d{1,3}(?:,\d{3})+|\d+"
_AMOUNT = re.compile(
    rf"""
    # "VND9.9 trillion" is house style at some outlets, so the space is optional
    # before a digit but needed before a word ("vndtwo" is not a number).
    (?:(?P<pre>vnd|usd|us\$|\$)(?:\s+|(?=\d)))?
    (?P<number>{_NUMERAL}|{_CARDINAL_WORDS})
    (?:
        \s*(?P<percent>%|(?<=\S)\s*per\s*cent\b|(?<=\S)\s+percent)
      | \s+(?P<times>times)
      | (?:\s+(?P<scale>{"|".join(_SCALES)}))?(?:\s+(?P<post>vnd|usd))?
    )
    """,
    re.VERBOSE,
)
_QUALIFIED = re.compile(rf"(?P<qualifier>{'|'.join(_QUALIFIERS)})\s+(?P<rest>.+)")
_ORDINAL_NUMERAL = re.compile(r"(?P<number>\d+)(?P<suffix>st|nd|rd|th)")
_FRACTION = re.compile(rf"(?P<part>{_INTEGER})\s*/\s*(?P<whole>{_INTEGER})")
# "86th position among 193 countries", "76th out of 193 countries", "48 out of 63 localities"
_OUT_OF = re.compile(
    rf"(?P<part>\S+)\s+(?:(?:position|place)\s+)?(?:out\s+of|among)\s+(?P<whole>{_INTEGER})(?:\s+[a-z]+)?"
)
_RANGE = re.compile(r"(?P<low>.+?)(?:\s*[-–—]\s*|\s+to\s+)(?P<high>.+)")
_WITH_ALTERNATIVE = re.compile(r"(?P<main>[^()]+?)\s*\((?P<alt>[^()]+)\)")

_VALUE_FORMS = (
    "a number such as '55.25 million', '2,800', '28%', '3.5 times', 'VND 9.9 trillion',"
    " '26.7 billion VND', '86th', 'sixth', 'two', '86/193', '48 out of 63', '76th out of 193 countries'"
    " or '45% - 55%', optionally"
    " after a qualifier such as 'nearly' or 'more than'"
)


@dataclass(frozen=True)
class _Amount:
    number: Decimal
    multiplier: Decimal
    unit: str | None

    @property
    def value(self) -> Decimal:
        return _EXACT.multiply(self.number, self.multiplier)

    @property
    def bare(self) -> bool:
        return self.multiplier == 1 and self.unit is None


def parse_value(text: str) -> ParsedValue:
    """Parse a quoted figure such as "nearly 2.6 million" into base units."""
    try:
        return _parse_value(_normalise(text))
    except _Rejected as reason:
        raise _reject_as("value", text, reason) from None
    except Inexact:
        raise _reject_as(
            "value", text, f"at most {_EXACT.prec} significant digits"
        ) from None


def _parse_value(body: str) -> ParsedValue:
    qualifier, body = _split_qualifier(body)
    for form in (_word, _top, _ordinal, _fraction, _out_of, _range, _with_alternative, _single):
        parsed = form(body, qualifier)
        if parsed is not None:
            return parsed
    raise _Rejected(f"expected {_VALUE_FORMS}")


def _split_qualifier(body: str) -> tuple[str, str]:
    match = _QUALIFIED.fullmatch(body)
    if match is None:
        return "exact", body
    return _QUALIFIERS[match["qualifier"]], match["rest"]


def _number(token: str) -> Decimal:
    if token in _CARDINALS:
        return Decimal(_CARDINALS[token])
    return Decimal(token.replace(",", ""))


def _amount(text: str) -> _Amount | None:
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return None
    if match["pre"] and (match["post"] or match["percent"] or match["times"]):
        raise _Rejected("a number after a currency prefix takes no second unit")
    if match["percent"]:
        unit = "percent"
    elif match["times"]:
        unit = "times"
    else:
        unit = _CURRENCIES.get(match["pre"] or match["post"])
    return _Amount(_number(match["number"]), _SCALES.get(match["scale"], Decimal(1)), unit)


# Words that state a number without digits: "all" procedures is 100%, the "fastest" growth is rank 1, a
# database "launched" (a target date for the whole of it) is 100% of it.
_WORD_VALUES = {"all": (100.0, "percent"), "every": (100.0, "percent"), "launched": (100.0, "percent"),
                "fastest": (1.0, "rank"), "highest": (1.0, "rank")}
_TOP = re.compile(r"top\s+(?P<number>\d+)")


def _word(body: str, qualifier: str) -> ParsedValue | None:
    if body not in _WORD_VALUES:
        return None
    value, unit = _WORD_VALUES[body]
    return ParsedValue(value, unit, qualifier)


def _top(body: str, qualifier: str) -> ParsedValue | None:
    """"top 50" is a rank of 50 or better."""
    match = _TOP.fullmatch(body)
    if match is None:
        return None
    if qualifier != "exact":
        raise _Rejected("'top N' already bounds the rank; it takes no qualifier")
    return ParsedValue(float(match["number"]), "rank", "at_most")


def _english_ordinal_suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _ordinal(body: str, qualifier: str) -> ParsedValue | None:
    if body in _ORDINALS:
        return ParsedValue(float(_ORDINALS[body]), "rank", qualifier)
    match = _ORDINAL_NUMERAL.fullmatch(body)
    if match is None:
        return None
    number = int(match["number"])
    if number < 1:
        raise _Rejected("a rank must be 1st or later")
    if (suffix := _english_ordinal_suffix(number)) != match["suffix"]:
        raise _Rejected(f"the ordinal of {number} is written {number}{suffix}")
    return ParsedValue(float(number), "rank", qualifier)


def _fraction(body: str, qualifier: str) -> ParsedValue | None:
    match = _FRACTION.fullmatch(body)
    if match is None:
        return None
    part, whole = (int(match[name].replace(",", "")) for name in ("part", "whole"))
    # Both readings (rank among b, count out of b) need 0 <= a <= b.
    if not 0 <= part <= whole or whole == 0:
        raise _Rejected("'a/b' needs 0 <= a <= b and b > 0")
    return ParsedValue(float(part), None, qualifier, denominator=whole)


def _out_of(body: str, qualifier: str) -> ParsedValue | None:
    match = _OUT_OF.fullmatch(body)
    if match is None:
        return None
    part = _ordinal(match["part"], qualifier) or _single(match["part"], qualifier)
    if part is None or part.unit not in (None, "rank"):
        raise _Rejected("expected a rank or a count before 'out of' or 'among'")
    whole = int(match["whole"].replace(",", ""))
    if not 0 <= part.value <= whole or whole == 0:
        raise _Rejected("'a out of b' needs 0 <= a <= b and b > 0")
    return ParsedValue(part.value, part.unit, qualifier, denominator=whole)


def _range(body: str, qualifier: str) -> ParsedValue | None:
    match = _RANGE.fullmatch(body)
    # "twenty-three" is one number, not a range from twenty to three.
    if match is None or _AMOUNT.fullmatch(body):
        return None
    low, high = _amount(match["low"]), _amount(match["high"])
    if low is None or high is None:
        return None
    if qualifier not in ("exact", "approx"):
        raise _Rejected("a range cannot also be bounded by a qualifier")
    # "45 - 55%" and "2 - 3 million" write the unit and scale only once.
    if low.bare:
        low = _Amount(low.number, high.multiplier, high.unit)
    if low.unit != high.unit:
        raise _Rejected("both ends of a range need the same unit")
    if low.value > high.value:
        raise _Rejected("a range must run from low to high")
    midpoint = _EXACT.divide(_EXACT.add(low.value, high.value), 2)
    return ParsedValue(
        float(midpoint), high.unit, "approx", low=float(low.value), high=float(high.value)
    )


def _with_alternative(body: str, qualifier: str) -> ParsedValue | None:
    match = _WITH_ALTERNATIVE.fullmatch(body)
    if match is None:
        return None
    main, alt = _amount(match["main"]), _amount(match["alt"])
    if main is None or alt is None or not {main.unit, alt.unit} <= set(_CURRENCIES.values()):
        raise _Rejected(
            "expected an amount with its conversion, e.g. '8.1 trillion VND (351.53 million USD)'"
        )
    if main.unit == alt.unit:
        raise _Rejected("the amount in brackets should be in another currency")
    return ParsedValue(
        float(main.value), main.unit, qualifier, alt_value=float(alt.value), alt_unit=alt.unit
    )


def _single(body: str, qualifier: str) -> ParsedValue | None:
    amount = _amount(body)
    if amount is None:
        return None
    return ParsedValue(float(amount.value), amount.unit, qualifier)


# ---------------------------------------------------------------- rank changes

@dataclass(frozen=True)
class RankChange:
    """``places`` > 0 means the country moved up (its rank number got smaller)."""

    places: int
    reference_period: str | None


_MOVED_UP = (
    "up", "moved up", "rose", "climbed", "jumped", "gained", "improved by", "increased by",
    "a rise of", "a jump of", "a gain of", "an increase of", "an improvement of",
)
_MOVED_DOWN = (
    "down", "moved down", "fell", "dropped", "slipped", "declined by", "decreased by",
    "a drop of", "a fall of", "a decline of", "a decrease of",
)
_REFERENCE = (
    r"(?:\s+(?:from|since|compared\s+(?:to|with)|against)\s+(?:its\s+|the\s+)?"
    r"(?P<year>\d{4})(?:\s+(?:ranking|rank|edition|survey))?)?"
)
_DIRECTION_WORDS = "|".join(phrase.replace(" ", r"\s+") for phrase in _MOVED_UP + _MOVED_DOWN)
_MOVED = re.compile(
    rf"(?P<direction>{_DIRECTION_WORDS})\s+(?P<count>\d+|{_CARDINAL_WORDS})"
    rf"\s+(?:places?|positions?|spots?|notches?){_REFERENCE}"
)
_UNCHANGED = re.compile(
    r"(?:(?:(?:remained|stayed)\s+)?unchanged|no\s+change"
    rf"|(?:maintained|kept|retained)\s+its\s+(?:ranking|rank|position)){_REFERENCE}"
)
_CHANGE_FORMS = (
    "a change such as 'up two places from 2018', 'a rise of five places since 2020',"
    " 'down 3 places from 2020', 'unchanged from its 2020 ranking' or 'maintained its ranking'"
)


def find_changes(text: str) -> list[tuple[int, int]]:
    """Where rank changes stand in a running text, as (start, end): the forms parse_change reads."""
    body = text.lower()
    if len(body) != len(text):  # lower() would move the offsets; such a text has no English change in it
        return []
    found = [match.span() for pattern in (_MOVED, _UNCHANGED) for match in pattern.finditer(body)
             if match.start() == 0 or not body[match.start() - 1].isalnum()]
    return sorted(found)


def parse_change(text: str) -> RankChange:
    """Parse a rank movement such as "up two places from 2018"."""
    body = _normalise(text)
    if (match := _UNCHANGED.fullmatch(body)) is not None:
        return RankChange(0, match["year"])
    match = _MOVED.fullmatch(body)
    if match is None:
        raise _reject_as("rank change", text, f"expected {_CHANGE_FORMS}")
    count = int(_number(match["count"]))
    if count == 0:
        raise _reject_as("rank change", text, "a move of zero places should read 'unchanged'")
    moved_up = match["direction"] in _MOVED_UP
    return RankChange(count if moved_up else -count, match["year"])


def rank_before(rank: int, change: RankChange) -> int:
    """The rank held in the reference period: 86th after moving up 2 was 88th."""
    earlier = rank + change.places
    if rank < 1 or earlier < 1:
        raise ValueError(f"rank {rank} after {change} implies an impossible earlier rank {earlier}")
    return earlier


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    """``iso`` is 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.

    ``how`` says where it came from, as a message of the catalogue with ``fields`` to fill in:
    'stated' (a date written in the text), 'stated: ...' (read off a stated range) or
    'inferred: ...' (with how: relative to the publication, or the as-of date of an undated
    statement). A field that is a year or a date is written the language's way; any other (the
    text's own phrase, a reason) as it is. ``basis`` is that text in English, ``basis_in`` in any
    language.
    """

    iso: str
    how: str = N_("stated")
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def basis(self) -> str:
        return self.basis_in(language(SOURCE_LANGUAGE))

    def basis_in(self, tr: Language) -> str:
        return tr._(self.how, **{name: period_text(value, tr.code) if _ISO_PERIOD.fullmatch(value) else value
                                 for name, value in self.fields})


_ISO_PERIOD = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
)
_MONTHS = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH_NAME = r"(?P<month_name>[a-z]+)\.?"
_YEAR = r"(?P<year>\d{4})"
_ISO_DATE = re.compile(rf"{_YEAR}(?:-(?P<month>\d{{2}})(?:-(?P<day>\d{{2}}))?)?")
_STATED_DATES = (_ISO_DATE,) + tuple(
    re.compile(pattern)
    for pattern in (
        # Vietnamese sources write numeric dates day first.
        rf"(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}})/{_YEAR}",
        rf"{_MONTH_NAME}\s+{_DAY},?\s+{_YEAR}",
        rf"{_DAY}\s+{_MONTH_NAME},?\s+{_YEAR}",
        rf"{_MONTH_NAME},?\s+{_YEAR}",
    )
)
_YEAR_RANGE = re.compile(
    r"(?:the\s+)?(?:period\s+(?:of\s+)?)?(?:from\s+)?(?P<start>\d{4})"
    r"(?:\s*[-–—]\s*|\s+to\s+)(?P<end>\d{4})(?:\s+period)?"
)
_DECADE = re.compile(r"(?:this|the|the\s+current)\s+decade")
_PERIOD_PREFIX = re.compile(
    r"(?:as\s+of|as\s+at|in|by|for|until|within|(?:at\s+)?(?:the\s+)?end\s+of)\s+"
)
# "Since 2021, ... nearly 3,000": a count running from 2021 up to the statement, not a count of 2021.
_SINCE = re.compile(r"since\s+(?P<start>.+)")
_RELATIVE_YEARS = {
    "this year": 0, "the year": 0, "the current year": 0,
    "next year": 1, "the next year": 1,
    "last year": -1, "the previous year": -1,
}
# How a period is known, as the catalogue has it: a phrase the text gives stays verbatim between quotes.
AS_OF_UNDATED = N_("inferred: as-of date of the statement, taken as the publication date (the text gives no date)")
AS_OF_PHRASE = N_('inferred: as-of date of the statement, taken as the publication date ("{phrase}")')
AS_OF_SINCE = N_("inferred: as-of date of the statement, taken as the publication date (running since {start})")
RELATIVE_YEAR = N_('inferred: "{phrase}" counted from the publication year')
END_OF_DECADE = N_("inferred: end of the decade {first}-{end}, counted from the publication year")
END_OF_RANGE = N_("stated: end year of the range {start}-{end}")
_UNDATED = ("", "currently", "to date", "so far", "now", "at present", "today")
_PERIOD_FORMS = (
    "a date such as '2020', 'December 2020', 'March 8, 2021', '19/07/2024' or '2022 - 2024',"
    " or a phrase such as 'currently', 'next year' or 'by the end of this decade'"
)


def parse_period(text: str, published: str) -> Period:
    """Resolve a period phrase, using the article's ISO ``published`` date for relative ones."""
    try:
        published_iso = _published_iso(published)
    except _Rejected as reason:
        raise _reject_as("publication date", published, reason) from None
    try:
        return _parse_period(_strip_period_words(text), published_iso)
    except _Rejected as reason:
        raise _reject_as("period", text, reason) from None


def _published_iso(published: str) -> str:
    match = _ISO_DATE.fullmatch(published)
    if match is None:
        raise _Rejected("expected 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    return _iso_from(match)


def _strip_period_words(text: str) -> str:
    phrase = _normalise(text).rstrip(",.;:")
    while (prefix := _PERIOD_PREFIX.match(phrase)) is not None:
        phrase = phrase[prefix.end():]
    return phrase


def _parse_period(phrase: str, published_iso: str) -> Period:
    published_year = int(published_iso[:4])
    if phrase in _UNDATED:
        if not phrase:
            return Period(published_iso, AS_OF_UNDATED)
        return Period(published_iso, AS_OF_PHRASE, (("phrase", phrase),))
    if (match := _SINCE.fullmatch(phrase)) is not None:
        start = _stated_iso(match["start"])
        if int(start[:4]) > published_year:
            raise _Rejected(f"a count since {start} cannot run past the publication date {published_iso}")
        return Period(published_iso, AS_OF_SINCE, (("start", start),))
    if phrase in _RELATIVE_YEARS:
        year = published_year + _RELATIVE_YEARS[phrase]
        return Period(str(year), RELATIVE_YEAR, (("phrase", phrase),))
    if _DECADE.fullmatch(phrase):
        # Decades are counted 2021-2030, so 2030 still belongs to "this decade".
        end = ((published_year - 1) // 10 + 1) * 10
        return Period(str(end), END_OF_DECADE, (("first", str(end - 9)), ("end", str(end))))
    if (match := _YEAR_RANGE.fullmatch(phrase)) is not None:
        return _year_range_end(match)
    return Period(_stated_iso(phrase))


def _year_range_end(match: re.Match[str]) -> Period:
    start, end = _checked_date(int(match["start"])).year, _checked_date(int(match["end"])).year
    if start >= end:
        raise _Rejected("a year range must run from an earlier to a later year")
    return Period(str(end), END_OF_RANGE, (("start", str(start)), ("end", str(end))))


def _stated_iso(phrase: str) -> str:
    for pattern in _STATED_DATES:
        if (match := pattern.fullmatch(phrase)) is not None:
            return _iso_from(match)
    raise _Rejected(f"expected {_PERIOD_FORMS}")


def _iso_from(match: re.Match[str]) -> str:
    fields = match.groupdict()
    month = _month_number(fields)
    day = int(fields["day"]) if fields.get("day") else None
    checked = _checked_date(int(fields["year"]), month or 1, day or 1)
    iso = f"{checked.year:04d}"
    if month is not None:
        iso += f"-{checked.month:02d}"
    if day is not None:
        iso += f"-{checked.day:02d}"
    return iso


def _month_number(fields: dict[str, str | None]) -> int | None:
    if fields.get("month_name"):
        name = fields["month_name"]
        if name not in _MONTHS:
            raise _Rejected(f"unknown month {name!r}")
        return _MONTHS[name]
    return int(fields["month"]) if fields.get("month") else None


def _checked_date(year: int, month: int = 1, day: int = 1) -> date:
    try:
        return date(year, month, day)
    except ValueError as reason:
        raise _Rejected(f"no such date: {reason}") from None
