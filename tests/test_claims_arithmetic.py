"""The arithmetic of the claims themselves: ratios that carry their qualifiers, stated multiples and shares
set against the figures they relate (figures.csv `relates_to`), and one claim counted twice in one source."""
import pandas as pd
import pytest

from helpers import paths
from helpers.data import checks, clean, raw
from helpers import numbers
from helpers.numbers import Bounded, carried, significant_digits

UNITS = {"digital_signature_adult_share": "percent", "digital_signature_share_multiple": "times",
         "digital_economy_growth": "percent", "digital_economy_growth_gdp_multiple": "times",
         "online_public_services": "count", "online_public_services_share": "percent", "public_services_total": "count",
         "digital_economy_growth_rank_asean": "rank", "essential_public_services": "count", "egdi_rank": "rank"}


def row(figure_id: str, indicator: str, period: str | None, value, **fields) -> dict:
    """One clean row; the source is the figure_id's prefix."""
    base = {column: None for column in clean.CLEAN_COLUMNS}
    base.update(indicator=indicator, country="VNM", period=period, value=value, unit=UNITS[indicator],
                kind="observed", qualifier="exact", source_id=figure_id.split("-")[0], figure_id=figure_id,
                published="2024-07-19", period_basis="stated")
    base.update(fields)
    return base


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=clean.CLEAN_COLUMNS, dtype=object)


# ---------------------------------------------------------------- ratios with their qualifiers

@pytest.mark.parametrize("part, base, qualifier", [
    ("exact", "exact", "exact"),
    ("approx", "exact", "approx"),
    ("exact", "approx", "approx"),
    ("approx", "at_least", "at_most"),     # a larger base can only lower the ratio: "under"
    ("approx", "at_most", "at_least"),
    ("at_least", "exact", "at_least"),
    ("at_most", "approx", "at_most"),
    ("exact", "at_most", "at_least"),
    ("at_least", "at_most", "at_least"),   # both push the ratio up
    ("at_most", "at_least", "at_most"),
    ("at_least", "at_least", numbers.UNBOUNDED),   # bounds pulling both ways
    ("at_most", "at_most", numbers.UNBOUNDED),
])
def test_a_ratio_carries_the_bound_its_qualifiers_allow(part, base, qualifier):
    assert numbers.ratio(Bounded(55, part), Bounded(100, base)) == Bounded(0.55, qualifier)


@pytest.mark.parametrize("number, unit, computed, text", [
    (Bounded(55, "approx"), "percent", False, "about 55%"),
    (Bounded(3.375, "at_most"), "percent", True, "under 3.4%"),
    (Bounded(87.08, "exact"), "percent", False, "87.08%"),
    (Bounded(6285.714, "at_least"), "count", True, "over 6,286"),
    (Bounded(75_684_931.5, "approx"), "count", True, "about 75.7 million"),
    (Bounded(55_250_000, "exact"), "count", False, "55.25 million"),
    (Bounded(4.5, "exact"), "times", True, "4.5 times"),
    (Bounded(0.55, numbers.UNBOUNDED), "times", True, "0.6 times (no bound)"),
    (Bounded(9.9e12, "approx"), "vnd", False, "about 9.9 trillion VND"),
])
def test_a_bounded_number_reads_as_the_text_would_write_it(number, unit, computed, text):
    assert numbers.bounded_text(number, unit, computed) == text


@pytest.mark.parametrize("stated, computed, fit", [
    (Bounded(4, "approx"), Bounded(4.5, "exact"), False),      # "nearly 4 times" for 3% -> 13.5%
    (Bounded(4, "approx"), Bounded(4.1, "exact"), True),
    (Bounded(4.5, "exact"), Bounded(4.5, "exact"), True),
    (Bounded(3.5, "exact"), Bounded(3.6, "exact"), False),     # a bare number is only rounded
    (Bounded(90, "at_least"), Bounded(93, "exact"), True),
    (Bounded(90, "at_least"), Bounded(85, "at_most"), False),
    (Bounded(90, "at_least"), Bounded(85, "at_least"), True),  # cannot be told apart
    (Bounded(6800, "approx"), Bounded(6285.7, "exact"), False),
    (Bounded(1, "exact"), Bounded(50, numbers.UNBOUNDED), True),
])
def test_fits_compares_what_each_number_allows(stated, computed, fit):
    assert numbers.fits(stated, computed) is fit


# ---------------------------------------------------------------- stated multiples and shares

def signature_shares(multiple: str = "4", qualifier: str = "approx") -> pd.DataFrame:
    """s004: "increased from 3% to 13.5% (nearly 4 times higher)"."""
    return table(row("s004-25", "digital_signature_adult_share", "2022", 3),
                 row("s004-26", "digital_signature_adult_share", "2024", 13.5),
                 row("s004-27", "digital_signature_share_multiple", "2024", float(multiple), qualifier=qualifier,
                     relates_to="s004-26 / s004-25"))


def test_a_stated_multiple_that_its_figures_do_not_give_is_a_finding():
    found = checks.stated_ratios(signature_shares())
    assert len(found) == 1
    assert (found[0]["check"], found[0]["severity"], found[0]["indicator"], found[0]["period"]) == (
        "stated_ratio", "warning", "digital_signature_share_multiple", "2024")
    assert found[0]["figure_ids"] == "s004-25;s004-26;s004-27"
    message = found[0]["message"]
    assert message.startswith("about 4 times stated (s004-27), but 13.5% (s004-26, 2024) / 3% (s004-25, 2022) "
                              "= 4.5 times")
    assert "about 4 times would need a base of about 3.4%" in message
    assert message.endswith("Open question: is 3% rounded, or is the stated multiple wrong?")


def test_a_stated_multiple_its_figures_give_is_no_finding():
    assert checks.stated_ratios(signature_shares("4.5", "exact")) == []


def test_a_multiple_against_a_base_no_source_gives_is_an_open_question_with_each_implied_base():
    clean_table = table(row("s004-18", "digital_economy_growth", "2022", 28),
                        row("s004-19", "digital_economy_growth", "2023", 19),
                        row("s004-20", "digital_economy_growth_gdp_multiple", "2024-07-19", 3.5,
                            relates_to="s004-18 / ?; s004-19 / ?"))
    found = checks.stated_ratios(clean_table)
    assert [f["figure_ids"] for f in found] == ["s004-18;s004-19;s004-20"]
    message = found[0]["message"]
    assert "with 28% (s004-18, 2022) it implies a base of 8%" in message
    assert "with 19% (s004-19, 2023) it implies a base of about 5.4%" in message
    assert "Open question: which reading is meant" in message


def online_services(total_period: str, total: float, qualifier: str) -> pd.DataFrame:
    """s002: 4,400 online services, "representing 70% of all procedures"; a total stated by s001."""
    return table(row("s002-14", "online_public_services", "2024-08-31", 4400),
                 row("s002-15", "online_public_services_share", "2024-08-31", 70,
                     relates_to="s002-14 / public_services_total"),
                 row("s001-05", "public_services_total", total_period, total, qualifier=qualifier))


def test_a_share_whose_implied_total_another_source_states_otherwise_is_an_open_question():
    found = checks.stated_ratios(online_services("2021-03-08", 6800, "approx"),
                                 titles={"public_services_total": "administrative procedures"})
    assert [f["figure_ids"] for f in found] == ["s001-05;s002-14;s002-15"]
    message = found[0]["message"]
    assert message.startswith("70% (s002-15) of 4,400 (s002-14, 2024-08-31) implies a base of about 6,300 "
                              "administrative procedures; s001-05 states about 6,800 for 2021-03-08.")
    assert "Open question: did administrative procedures change between 2021-03-08 and 2024-08-31" in message


def test_a_share_whose_implied_total_differs_for_the_same_period_does_not_fit():
    found = checks.stated_ratios(online_services("2024-08-31", 6800, "approx"))
    assert len(found) == 1 and found[0]["message"].endswith("The two do not fit.")


def test_a_share_whose_implied_total_fits_is_no_finding():
    assert checks.stated_ratios(online_services("2024-08-31", 6300, "exact")) == []


def test_a_share_of_two_figures_that_do_not_give_it_is_a_finding():
    clean_table = table(row("s002-14", "online_public_services", "2024-08-31", 4400),
                        row("s002-16", "public_services_total", "2024-08-31", 6800),
                        row("s002-15", "online_public_services_share", "2024-08-31", 70,
                            relates_to="s002-14 / s002-16"))
    found = checks.stated_ratios(clean_table)
    assert len(found) == 1
    assert "4,400 (s002-14, 2024-08-31) / 6,800 (s002-16, 2024-08-31) = 64.7%" in found[0]["message"]
    assert "70% would need a base of about 6,300" in found[0]["message"]


@pytest.mark.parametrize("value, digits", [(4400, 2), (70, 2), (55_250_000, 4), (3.5, 2), (0.71, 2), (6800, 2),
                                           (351.53, 5), (8, 2), (193, 3)])
def test_a_stated_value_carries_its_significant_digits(value, digits):
    assert significant_digits(value) == digits


@pytest.mark.parametrize("computed, stated, expected", [
    (Bounded(6285.714, "exact"), (70, 4400), Bounded(6300, "approx")),     # 4,400 / 70%: two digits, no more
    (Bounded(8.0, "exact"), (28, 3.5), Bounded(8.0, "exact")),              # nothing rounded away stays exact
    (Bounded(6285.714, "at_least"), (70, 4400), Bounded(6300, "at_least")),  # a bound keeps its qualifier
    (Bounded(75_684_932, "approx"), (73, 55_250_000), Bounded(76_000_000, "approx")),
])
def test_a_computed_base_shows_only_the_precision_its_inputs_carry(computed, stated, expected):
    assert carried(computed, *stated) == expected


# ---------------------------------------------------------------- the same claim counted twice

def test_one_claim_counted_twice_in_one_source_is_a_finding():
    clean_table = table(row("s004-09", "digital_economy_growth_rank_asean", "2022", 1),
                        row("s004-16", "digital_economy_growth_rank_asean", "2022", 1),
                        row("s004-10", "digital_economy_growth_rank_asean", "2023", 1))
    found = checks.restated_claims(clean_table)
    assert len(found) == 1
    assert (found[0]["check"], found[0]["figure_ids"], found[0]["period"]) == (
        "restated_claim", "s004-09;s004-16", "2022")
    assert found[0]["message"] == ("the same claim counted twice in s004: rank 1, observed, 2022, "
                                   "in s004-09 and s004-16; count it once")


def test_the_same_value_from_two_sources_or_a_derived_row_is_no_restatement():
    clean_table = table(row("s002-03", "essential_public_services", None, 53, kind="target"),
                        row("s003-02", "essential_public_services", None, 53, kind="target"),
                        row("s004-01", "egdi_rank", "2020", 86, kind="derived"),
                        row("s004-02", "egdi_rank", "2020", 86))
    assert checks.restated_claims(clean_table) == []


def test_undated_targets_restated_in_one_source_are_found():
    clean_table = table(row("s002-03", "essential_public_services", None, 53, kind="target"),
                        row("s002-04", "essential_public_services", None, 53, kind="target"))
    found = checks.restated_claims(clean_table)
    assert [f["figure_ids"] for f in found] == ["s002-03;s002-04"]
    assert "53, target, no year" in found[0]["message"]


def test_run_checks_reports_the_claims_arithmetic():
    clean_table = pd.concat([signature_shares(), online_services("2021-03-08", 6800, "approx"),
                             table(row("s004-09", "digital_economy_growth_rank_asean", "2022", 1),
                                   row("s004-16", "digital_economy_growth_rank_asean", "2022", 1))],
                            ignore_index=True)
    found = checks.run_checks(clean_table, set(), {}, pd.DataFrame(columns=["country", "period", "value"]))
    assert list(zip(found["check"], found["figure_ids"])) == [
        ("restated_claim", "s004-09;s004-16"),
        ("stated_ratio", "s004-25;s004-26;s004-27"),
        ("stated_ratio", "s001-05;s002-14;s002-15"),
    ]


# ---------------------------------------------------------------- the real claims

def test_the_real_claims_arithmetic(sources_dir):
    real = clean.clean_figures(raw.load_raw_layer(paths.DATA_RAW, sources_dir))
    assert sorted(f["figure_ids"] for f in checks.stated_ratios(real)) == [
        "s001-05;s002-14;s002-15",    # 70% of 4,400 implies 6,286 procedures; s001 gave nearly 6,800 in 2021
        "s004-18;s004-19;s004-20",    # 3.5 times GDP growth: 8% or 5.4%, which no source gives
        "s004-25;s004-26;s004-27",    # "nearly 4 times" for 3% -> 13.5%
    ]
    assert sorted(f["figure_ids"] for f in checks.restated_claims(real)) == [
        "s001-21;s001-25",            # "5 goals" heading and "five objectives"
        "s004-09;s004-16",            # 1st in ASEAN in 2022, and fastest in Southeast Asia per Google
        "s004-10;s004-17",
    ]
