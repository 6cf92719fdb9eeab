from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data.parse import (
    ParsedValue,
    ParseError,
    RankChange,
    parse_change,
    parse_period,
    parse_value,
    rank_before,
)

FAST = settings(max_examples=200, deadline=None)


def expected(value, unit=None, qualifier="exact", **extra):
    """A ParsedValue whose numbers are given as decimal strings, so the table stays exact."""
    numeric = ("low", "high", "alt_value")
    floats = {key: float(Decimal(v)) if key in numeric else v for key, v in extra.items()}
    return ParsedValue(float(Decimal(value)), unit, qualifier, **floats)


# ---------------------------------------------------------------- parse_value table

VALUE_CASES = [
    ("55.25 million", expected("55250000")),
    ("nearly 2.6 million", expected("2600000", qualifier="approx")),
    ("more than 76 million", expected("76000000", qualifier="at_least")),
    ("over 84.7 million", expected("84700000", qualifier="at_least")),
    ("more than 2,800", expected("2800", qualifier="at_least")),
    ("nearly 6,800", expected("6800", qualifier="approx")),
    ("over 116 million", expected("116000000", qualifier="at_least")),
    ("more than 468,000", expected("468000", qualifier="at_least")),
    ("all", expected("100", "percent")),
    ("fastest", expected("1", "rank")),
    ("top 50", expected("50", "rank", "at_most")),
    ("86/193", expected("86", denominator=193)),
    ("6/11", expected("6", denominator=11)),
    ("22/91", expected("22", denominator=91)),
    ("0/11", expected("0", denominator=11)),
    ("1,200/2,000", expected("1200", denominator=2000)),
    ("86th position among 193 countries", expected("86", "rank", denominator=193)),
    ("76th out of 193 countries", expected("76", "rank", denominator=193)),
    ("sixth among 11", expected("6", "rank", denominator=11)),
    ("48 out of 63 localities", expected("48", denominator=63)),
    ("more than 2,800 out of 6,800", expected("2800", qualifier="at_least", denominator=6800)),
    ("86th", expected("86", "rank")),
    ("76th", expected("76", "rank")),
    ("45th", expected("45", "rank")),
    ("52nd", expected("52", "rank")),
    ("1st", expected("1", "rank")),
    ("3rd", expected("3", "rank")),
    ("11th", expected("11", "rank")),
    ("112th", expected("112", "rank")),
    ("sixth", expected("6", "rank")),
    ("first", expected("1", "rank")),
    ("third", expected("3", "rank")),
    ("tenth", expected("10", "rank")),
    ("twentieth", expected("20", "rank")),
    ("zero", expected("0")),
    ("two", expected("2")),
    ("five", expected("5")),
    ("nine", expected("9")),
    ("twelve", expected("12")),
    ("twenty", expected("20")),
    ("two million", expected("2000000")),
    ("28%", expected("28", "percent")),
    ("82.2%", expected("82.2", "percent")),
    ("87.08%", expected("87.08", "percent")),
    ("28 %", expected("28", "percent")),
    ("at least 80%", expected("80", "percent", "at_least")),
    ("around 30%", expected("30", "percent", "approx")),
    ("over 50%", expected("50", "percent", "at_least")),
    ("more than 56%", expected("56", "percent", "at_least")),
    ("99%", expected("99", "percent")),
    ("45% - 55%", expected("50", "percent", "approx", low="45", high="55")),
    ("45%–55%", expected("50", "percent", "approx", low="45", high="55")),
    ("45 - 55%", expected("50", "percent", "approx", low="45", high="55")),
    ("around 45% - 55%", expected("50", "percent", "approx", low="45", high="55")),
    ("2 - 3 million", expected("2500000", None, "approx", low="2000000", high="3000000")),
    ("5 to 10 times", expected("7.5", "times", "approx", low="5", high="10")),
    ("3.5 times", expected("3.5", "times")),
    ("nearly 4 times", expected("4", "times", "approx")),
    ("VND 9.9 trillion", expected("9900000000000", "vnd")),
    ("VND9.9 trillion", expected("9900000000000", "vnd")),
    ("about VND 9.9 trillion", expected("9900000000000", "vnd", "approx")),
    ("26.7 billion VND", expected("26700000000", "vnd")),
    ("over 1.2 trillion VND", expected("1200000000000", "vnd", "at_least")),
    ("$351.53 million", expected("351530000", "usd")),
    ("US$ 2 billion", expected("2000000000", "usd")),
    ("5 million USD", expected("5000000", "usd")),
    (
        "8.1 trillion VND (351.53 million USD)",
        expected("8100000000000", "vnd", alt_value="351530000", alt_unit="usd"),
    ),
    (
        "about VND 8.1 trillion ($351.53 million)",
        expected("8100000000000", "vnd", "approx", alt_value="351530000", alt_unit="usd"),
    ),
    ("0.71", expected("0.71")),
    ("nearly 3,000", expected("3000", qualifier="approx")),
    ("around 700", expected("700", qualifier="approx")),
    ("4,400", expected("4400")),
    ("nearly 40", expected("40", qualifier="approx")),
    ("5 thousand", expected("5000")),
    ("1,234.5 thousand", expected("1234500")),
    ("some 3,000", expected("3000", qualifier="approx")),
    ("approximately 10", expected("10", qualifier="approx")),
    ("almost 90%", expected("90", "percent", "approx")),
    ("above 1,000", expected("1000", qualifier="at_least")),
    ("less than 5%", expected("5", "percent", "at_most")),
    ("under 10", expected("10", qualifier="at_most")),
    ("below 3", expected("3", qualifier="at_most")),
    ("up to 20 times", expected("20", "times", "at_most")),
    ("at most 7", expected("7", qualifier="at_most")),
    ("  Nearly   2.6  MILLION ", expected("2600000", qualifier="approx")),
    # number words to ninety-nine, and "percent" in words, as new articles write them
    ("Twenty-three percent", expected("23", "percent")),
    ("twenty-one", expected("21")),
    ("ninety", expected("90")),
    ("about 12 per cent", expected("12", "percent", "approx")),
    ("launched", expected("100", "percent")),
]


@pytest.mark.parametrize(("text", "want"), VALUE_CASES, ids=[text for text, _ in VALUE_CASES])
def test_parse_value_table(text, want):
    assert parse_value(text) == want


def test_scaled_decimals_are_exact_not_float_products():
    # In binary floating point 4.35 * 10**12 is 4349999999999.9995.
    assert parse_value("4.35 trillion").value == 4_350_000_000_000
    assert Decimal(parse_value("351.53 million").value) == Decimal("351530000")


@pytest.mark.parametrize(
    "text",
    [
        "12,3x million", "lots", "5 zillion", "", "   ", "VND", "1,23,4", "1,2345",
        "some", "nearly", "twenty-", "vndtwo", "-5%", "5 million %", "11st", "2th",
        "0th", "12/11", "5/0", "1/2/3", "VND 28%", "VND 5 million USD", "over 45% - 55%",
        "55% - 45%", "45% - 55 VND", "8.1 trillion VND (351.53 million VND)",
        "8.1 trillion VND (estimate)", "28% (about a third)", "1" * 70,
        "194th out of 193 countries", "64 out of 63", "28% out of 63", "lots out of 63", "5 out of 0",
    ],
)
def test_parse_value_rejects(text):
    with pytest.raises(ParseError) as caught:
        parse_value(text)
    assert repr(text) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_parse_value_error_says_what_was_expected():
    with pytest.raises(ParseError, match=r"'lots'.*expected a number"):
        parse_value("lots")


def test_parsed_value_is_frozen():
    with pytest.raises(AttributeError):
        parse_value("28%").value = 1


# ---------------------------------------------------------------- parse_value properties

QUALIFIERS = {"": "exact", "nearly ": "approx", "about ": "approx", "more than ": "at_least", "over ": "at_least"}
SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}

decimals = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(0, 10**9),
    st.sampled_from([0, 1, 2]),
)


def english_ordinal(number):
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


@FAST
@given(st.integers(0, 10**15))
def test_thousands_commas_round_trip(number):
    assert Decimal(parse_value(f"{number:,}").value) == number


@FAST
@given(decimals, st.sampled_from(sorted(SCALES)), st.sampled_from(sorted(QUALIFIERS)))
def test_scale_words_multiply_exactly(mantissa, scale, qualifier):
    parsed = parse_value(f"{qualifier}{mantissa:,} {scale.capitalize()}")
    assert parsed.value == float(mantissa.scaleb(SCALES[scale]))
    assert (parsed.unit, parsed.qualifier) == (None, QUALIFIERS[qualifier])


@FAST
@given(decimals, st.sampled_from(sorted(QUALIFIERS)))
def test_percentages(number, qualifier):
    parsed = parse_value(f"{qualifier}{number}%")
    assert (parsed.value, parsed.unit, parsed.qualifier) == (float(number), "percent", QUALIFIERS[qualifier])


@FAST
@given(decimals, st.sampled_from(sorted(SCALES)), st.booleans(), st.sampled_from(sorted(QUALIFIERS)))
def test_vnd_prefix_or_suffix(mantissa, scale, prefix, qualifier):
    amount = f"VND {mantissa:,} {scale}" if prefix else f"{mantissa:,} {scale} VND"
    parsed = parse_value(qualifier + amount)
    assert parsed == ParsedValue(float(mantissa.scaleb(SCALES[scale])), "vnd", QUALIFIERS[qualifier])


@FAST
@given(st.integers(1, 100_000))
def test_ordinals(rank):
    assert parse_value(english_ordinal(rank)) == ParsedValue(float(rank), "rank", "exact")


@pytest.mark.parametrize(
    ("rank", "text"),
    [(1, "1st"), (3, "3rd"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (52, "52nd"), (86, "86th")],
)
def test_ordinal_suffix_oracle(rank, text):
    assert english_ordinal(rank) == text


@FAST
@given(st.integers(1, 100_000), st.sampled_from(["st", "nd", "rd", "th"]))
def test_wrong_ordinal_suffix_rejected(rank, suffix):
    text = f"{rank}{suffix}"
    if text != english_ordinal(rank):
        with pytest.raises(ParseError):
            parse_value(text)


@FAST
@given(st.integers(1, 10**6).flatmap(lambda whole: st.tuples(st.integers(0, whole), st.just(whole))), st.booleans())
def test_fractions(part_whole, commas):
    part, whole = part_whole
    text = f"{part:,}/{whole:,}" if commas else f"{part}/{whole}"
    assert parse_value(text) == ParsedValue(float(part), None, "exact", denominator=whole)


@FAST
@given(decimals, decimals)
def test_percent_ranges_midpoint_exactly(a, b):
    low, high = sorted((a, b))
    parsed = parse_value(f"{low}% - {high}%")
    assert parsed == ParsedValue(
        float((low + high) / 2), "percent", "approx", low=float(low), high=float(high)
    )


# ---------------------------------------------------------------- rank changes

CHANGE_CASES = [
    ("up two places from 2018", RankChange(2, "2018")),
    ("a rise of five places since 2020", RankChange(5, "2020")),
    ("up 10 positions from 2020", RankChange(10, "2020")),
    ("up 5 places compared to 2020", RankChange(5, "2020")),
    ("increased by 1 place compared to 2020", RankChange(1, "2020")),
    ("unchanged from its 2020 ranking", RankChange(0, "2020")),
    ("maintained its ranking", RankChange(0, None)),
    ("down 3 places from 2020", RankChange(-3, "2020")),
    ("dropped two places since 2018", RankChange(-2, "2018")),
    ("Up  Two places", RankChange(2, None)),
    ("climbed 12 places compared with the 2018 survey", RankChange(12, "2018")),
    ("fell one place", RankChange(-1, None)),
    ("remained unchanged", RankChange(0, None)),
]


@pytest.mark.parametrize(("text", "want"), CHANGE_CASES, ids=[text for text, _ in CHANGE_CASES])
def test_parse_change_table(text, want):
    assert parse_change(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "", "sideways", "up places from 2020", "up two places from 20", "up zero places",
        "up 2 places from 2018 and more", "up two",
    ],
)
def test_parse_change_rejects(text):
    with pytest.raises(ParseError, match=repr(text)):
        parse_change(text)


@FAST
@given(
    st.sampled_from([("up", 1), ("a rise of", 1), ("down", -1), ("dropped", -1)]),
    st.integers(1, 200),
    st.sampled_from(["places", "positions"]),
    st.integers(1990, 2030),
    st.integers(1, 200),
)
def test_parse_change_and_rank_before_round_trip(direction, count, noun, year, rank):
    phrase, sign = direction
    change = parse_change(f"{phrase} {count} {noun} from {year}")
    assert change == RankChange(sign * count, str(year))
    if rank + change.places >= 1:
        assert rank_before(rank, change) - change.places == rank


@pytest.mark.parametrize(
    ("rank", "change", "earlier"),
    [(86, RankChange(2, "2018"), 88), (89, RankChange(-3, "2020"), 86), (5, RankChange(0, None), 5)],
)
def test_rank_before(rank, change, earlier):
    assert rank_before(rank, change) == earlier


@pytest.mark.parametrize(("rank", "change"), [(1, RankChange(-1, None)), (0, RankChange(0, None))])
def test_rank_before_rejects_impossible_ranks(rank, change):
    with pytest.raises(ValueError):
        rank_before(rank, change)


# ---------------------------------------------------------------- periods

# The basis of a period read off an undated statement.
AS_OF = "inferred: as-of date of the statement, taken as the publication date"
DECADE, COUNTED = "inferred: end of the decade", "counted from the publication year"
PERIOD_CASES = [
    ("2020", "2024-08-31", "2020", "stated"),
    ("in 2020", "2024-08-31", "2020", "stated"),
    ("As of March 8, 2021", "2024-08-31", "2021-03-08", "stated"),
    ("As of December 2020", "2024-08-31", "2020-12", "stated"),
    ("by December 2023", "2022", "2023-12", "stated"),
    ("as of August 2024", "2024-08-31", "2024-08", "stated"),
    ("by 2025", "2022", "2025", "stated"),
    ("for 2025", "2024-08-31", "2025", "stated"),
    ("By 2030", "2022", "2030", "stated"),
    ("since 2019", "2022", "2022", f"{AS_OF} (running since 2019)"),
    ("Since 2021", "2024-08-31", "2024-08-31", f"{AS_OF} (running since 2021)"),
    ("since March 2021", "2024-08-31", "2024-08-31", f"{AS_OF} (running since 2021-03)"),
    ("19/07/2024", "2024-08-31", "2024-07-19", "stated"),
    ("August 31, 2024", "2024-08-31", "2024-08-31", "stated"),
    ("31 August 2024", "2024-08-31", "2024-08-31", "stated"),
    ("Aug. 31st, 2024", "2024-08-31", "2024-08-31", "stated"),
    ("2021-03", "2022", "2021-03", "stated"),
    ("by the end of 2025.", "2022", "2025", "stated"),
    ("", "2024-08-31", "2024-08-31", f"{AS_OF} (the text gives no date)"),
    ("Currently", "2022-12", "2022-12", f'{AS_OF} ("currently")'),
    ("currently", "2022", "2022", f'{AS_OF} ("currently")'),
    ("to date", "2024-08-31", "2024-08-31", f'{AS_OF} ("to date")'),
    ("so far", "2024-08-31", "2024-08-31", f'{AS_OF} ("so far")'),
    ("now", "2024-08-31", "2024-08-31", f'{AS_OF} ("now")'),
    ("as of now", "2024-08-31", "2024-08-31", f'{AS_OF} ("now")'),
    ("in the year", "2024-08-31", "2024", 'inferred: "the year" counted from the publication year'),
    ("this year", "2022-12", "2022", 'inferred: "this year" counted from the publication year'),
    ("next year", "2024-08-31", "2025", 'inferred: "next year" counted from the publication year'),
    ("last year", "2024-08-31", "2023", 'inferred: "last year" counted from the publication year'),
    ("by the end of this decade", "2022", "2030", f"{DECADE} 2021-2030, {COUNTED}"),
    ("by the end of this decade", "2020-05", "2020", f"{DECADE} 2011-2020, {COUNTED}"),
    ("by the end of this decade", "2031", "2040", f"{DECADE} 2031-2040, {COUNTED}"),
    ("2022 - 2024", "2024-08-31", "2024", "stated: end year of the range 2022-2024"),
    ("the period of 2022 - 2024", "2024-08-31", "2024", "stated: end year of the range 2022-2024"),
    ("in the period 2021-2025", "2022", "2025", "stated: end year of the range 2021-2025"),
    ("from 2021 to 2025", "2022", "2025", "stated: end year of the range 2021-2025"),
]


@pytest.mark.parametrize(("text", "published", "iso", "basis"), PERIOD_CASES)
def test_parse_period_table(text, published, iso, basis):
    period = parse_period(text, published)
    assert (period.iso, period.basis) == (iso, basis)


@pytest.mark.parametrize(
    "text",
    [
        "someday", "2021-13", "Smarch 2020", "31/02/2024", "2024-02-30", "2024 - 2022", "in",
        "0000", "the year 2020", "20201", "since 2025", "since", "since someday",
    ],
)
def test_parse_period_rejects(text):
    with pytest.raises(ParseError, match=repr(text)):
        parse_period(text, "2024-08-31")


@pytest.mark.parametrize("published", ["31/08/2024", "2024-02-30", "", "August 2024"])
def test_parse_period_rejects_bad_publication_date(published):
    with pytest.raises(ParseError, match="publication date"):
        parse_period("2020", published)
