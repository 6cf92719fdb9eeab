"""The consistency checks of the clean table, each on a small table built here."""
import pandas as pd
import pytest

from helpers.data import checks
from helpers.data.clean import CLEAN_COLUMNS

UNITS = {"vneid_accounts": "count", "chip_id_cards": "count", "online_public_services": "count",
         "vneid_population_share": "percent", "online_public_services_share": "percent",
         "egdi_rank": "rank", "osi_rank": "rank"}
POPULATION_COLUMNS = ["indicator", "country", "period", "value", "unit", "title", "producer", "producer_vi",
                      "published", "accessed", "citation"]


def row(figure_id: str, indicator: str, period: str, value, **fields) -> dict:
    """One clean row with the contract's columns; the source is the figure_id's prefix unless given."""
    source_id = figure_id.split("-")[0]
    base = {column: None for column in CLEAN_COLUMNS}
    base.update(indicator=indicator, country="VNM", period=period, value=value, unit=UNITS[indicator],
                kind="observed", qualifier="exact", source_id=source_id, figure_id=figure_id,
                published="2024-08-31", period_basis="stated")
    base.update(fields)
    return base


def table(*rows: dict) -> pd.DataFrame:
    """A clean table as clean.clean_figures builds it: the contract's columns, object dtype."""
    return pd.DataFrame(list(rows), columns=CLEAN_COLUMNS, dtype=object)


def population(*years_and_values) -> pd.DataFrame:
    records = [{"indicator": "population", "country": "VNM", "period": year, "value": value, "unit": "count",
                "title": "Population", "producer": "General Statistics Office of Viet Nam",
                "producer_vi": "Tổng cục Thống kê Việt Nam", "published": year,
                "accessed": "test", "citation": "test"} for year, value in years_and_values]
    return pd.DataFrame(records, columns=POPULATION_COLUMNS)


# ---------------------------------------------------------------- disagreements

def test_two_sources_disagreeing_on_one_period_give_one_finding_naming_both():
    clean = table(row("s004-03", "osi_rank", "2022", 76, denominator=193),
                  row("s002-10", "osi_rank", "2022", 78, denominator=193))
    found = checks.disagreements(clean)
    assert len(found) == 1
    assert found[0]["check"] == "disagreement"
    assert found[0]["severity"] == "warning"
    assert (found[0]["indicator"], found[0]["country"], found[0]["period"]) == ("osi_rank", "VNM", "2022")
    assert found[0]["figure_ids"] == "s002-10;s004-03"
    assert "76 rank" in found[0]["message"] and "78 rank" in found[0]["message"]


def test_sources_agreeing_on_one_period_give_no_finding():
    clean = table(row("s004-03", "osi_rank", "2022", 76), row("s002-10", "osi_rank", "2022", 76))
    assert checks.disagreements(clean) == []


def test_a_derived_row_disagreeing_with_an_observation_is_a_finding():
    clean = table(row("s001-01", "egdi_rank", "2020", 86),
                  row("s004-01", "egdi_rank", "2020", 88, kind="derived"))
    assert [f["figure_ids"] for f in checks.disagreements(clean)] == ["s001-01;s004-01"]


def test_a_target_differing_from_an_observation_is_no_disagreement():
    clean = table(row("s001-01", "egdi_rank", "2025", 86),
                  row("s001-24", "egdi_rank", "2025", 50, kind="target", qualifier="at_most"))
    assert checks.disagreements(clean) == []


def test_different_values_for_different_periods_or_countries_are_no_disagreement():
    clean = table(row("s001-01", "egdi_rank", "2020", 86), row("s004-01", "egdi_rank", "2022", 80),
                  row("s004-02", "egdi_rank", "2022", 2, country="SGP"))
    assert checks.disagreements(clean) == []


# ---------------------------------------------------------------- cumulative counts

def test_a_falling_running_total_is_a_finding():
    clean = table(row("s004-37", "vneid_accounts", "2023-12", 45_400_000),
                  row("s002-06", "vneid_accounts", "2024-08-31", 40_000_000))
    found = checks.cumulative_decreases(clean, {"vneid_accounts"})
    assert len(found) == 1
    assert found[0]["check"] == "cumulative_decrease"
    assert found[0]["severity"] == "warning"
    assert found[0]["figure_ids"] == "s002-06;s004-37"
    assert found[0]["period"] == "2024-08-31"
    assert "45,400,000" in found[0]["message"] and "40,000,000" in found[0]["message"]


def test_a_rising_running_total_is_no_finding():
    clean = table(row("s003-09", "vneid_accounts", "2022-12", 2_600_000),
                  row("s004-37", "vneid_accounts", "2023-12", 45_400_000),
                  row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000))
    assert checks.cumulative_decreases(clean, {"vneid_accounts"}) == []


def test_a_falling_indicator_that_is_not_cumulative_is_no_finding():
    clean = table(row("s003-10", "online_public_services", "2022-12", 4400),
                  row("s002-14", "online_public_services", "2024-08-31", 4000))
    assert checks.cumulative_decreases(clean, {"vneid_accounts"}) == []


def test_each_fall_of_a_running_total_is_its_own_finding():
    clean = table(row("s001-01", "chip_id_cards", "2021", 30), row("s001-02", "chip_id_cards", "2022", 20),
                  row("s001-03", "chip_id_cards", "2023", 10))
    found = checks.cumulative_decreases(clean, {"chip_id_cards"})
    assert [f["figure_ids"] for f in found] == ["s001-01;s001-02", "s001-02;s001-03"]


# ---------------------------------------------------------------- shares and ranks

def test_a_share_above_100_is_a_finding():
    clean = table(row("s002-15", "online_public_services_share", "2024", 101),
                  row("s002-16", "online_public_services_share", "2023", 99.5))
    found = checks.shares_above_100(clean)
    assert [(f["check"], f["severity"], f["figure_ids"]) for f in found] == [("share_above_100", "warning", "s002-15")]


def test_a_share_of_exactly_100_is_no_finding():
    assert checks.shares_above_100(table(row("s002-15", "online_public_services_share", "2024", 100))) == []


def test_a_rank_beyond_its_denominator_is_an_error():
    clean = table(row("s001-01", "egdi_rank", "2020", 194, denominator=193))
    found = checks.ranks_above_denominator(clean)
    assert len(found) == 1
    assert (found[0]["check"], found[0]["severity"], found[0]["figure_ids"]) == ("rank_above_denominator", "error",
                                                                                  "s001-01")
    assert "rank 194 of only 193" in found[0]["message"]


def test_a_last_place_rank_or_a_rank_without_denominator_is_no_finding():
    clean = table(row("s001-01", "egdi_rank", "2020", 193, denominator=193),
                  row("s001-02", "osi_rank", "2020", 500, denominator=None))
    assert checks.ranks_above_denominator(clean) == []


# ---------------------------------------------------------------- shares of the population

SHARE_OF = {"vneid_population_share": "vneid_accounts"}


def test_a_share_the_count_does_not_support_is_a_finding():
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s002-07", "vneid_population_share", "2024-08-31", 73, qualifier="approx"))
    found = checks.population_shares(clean, SHARE_OF, population(("2023", 100_300_000)))
    assert len(found) == 1
    assert (found[0]["check"], found[0]["severity"]) == ("population_share", "warning")
    assert found[0]["figure_ids"] == "s002-06;s002-07"
    assert found[0]["indicator"] == "vneid_population_share"
    message = found[0]["message"]
    assert message.startswith("about 73% of the population (s002-07) with 55.25 million vneid_accounts (s002-06)")
    # a ratio of approximate figures is approximate: no more digits than "about 73%" carries
    assert "implies a base of about 75.7 million people, not" in message and "75,684,932" not in message
    assert "not the population of 100.3 million (2023, General Statistics Office of Viet Nam)" in message
    assert "of which 55.25 million is 55.1%" in message
    # the sources cannot settle which base is meant: a question, not a verdict
    assert "Open question: is the base a part of the population" in message
    assert "does not fit" not in message


def test_a_share_within_the_tolerance_is_no_finding():
    share = 55.25 / 100.3 * 100 + checks.SHARE_TOLERANCE_POINTS - 0.01
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s002-07", "vneid_population_share", "2024-08-31", share))
    assert checks.population_shares(clean, SHARE_OF, population(("2023", 100_300_000))) == []


def test_a_share_without_a_population_up_to_its_year_is_no_finding():
    clean = table(row("s002-06", "vneid_accounts", "2022-12", 55_250_000),
                  row("s002-07", "vneid_population_share", "2022-12", 73))
    assert checks.population_shares(clean, SHARE_OF, population(("2023", 100_300_000))) == []


def test_a_share_uses_the_latest_population_up_to_its_year():
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s002-07", "vneid_population_share", "2024-08-31", 73))
    found = checks.population_shares(clean, SHARE_OF, population(("2020", 97_600_000), ("2023", 100_300_000),
                                                                 ("2030", 75_000_000)))
    assert len(found) == 1 and "100.3 million (2023" in found[0]["message"]


def test_a_share_and_a_count_from_different_sources_are_not_compared():
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s005-07", "vneid_population_share", "2024-08-31", 73))
    assert checks.population_shares(clean, SHARE_OF, population(("2023", 100_300_000))) == []


# ---------------------------------------------------------------- all checks together

def test_run_checks_returns_every_finding_sorted_with_the_finding_columns():
    clean = table(
        row("s004-36", "vneid_accounts", "2023-12", 84_700_000),
        row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
        row("s002-07", "vneid_population_share", "2024-08-31", 73),
        row("s001-01", "egdi_rank", "2020", 194, denominator=193),
        row("s004-01", "egdi_rank", "2020", 86, denominator=193),
        row("s002-15", "online_public_services_share", "2024", 101),
    )
    found = checks.run_checks(clean, {"vneid_accounts"}, SHARE_OF, population(("2023", 100_300_000)))
    assert list(found.columns) == checks.CHECKS_COLUMNS
    assert list(zip(found["check"], found["figure_ids"])) == [
        ("cumulative_decrease", "s002-06;s004-36"),
        ("disagreement", "s001-01;s004-01"),
        ("population_share", "s002-06;s002-07"),
        ("rank_above_denominator", "s001-01"),
        ("share_above_100", "s002-15"),
    ]
    assert list(found.index) == list(range(5))
    assert found.set_index("check").loc["rank_above_denominator", "severity"] == "error"


def test_run_checks_on_a_consistent_table_is_empty_with_the_finding_columns():
    clean = table(row("s003-09", "vneid_accounts", "2022-12", 2_600_000),
                  row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000))
    found = checks.run_checks(clean, {"vneid_accounts"}, SHARE_OF, population(("2023", 100_300_000)))
    assert found.empty
    assert list(found.columns) == checks.CHECKS_COLUMNS


@pytest.mark.parametrize("check", [checks.disagreements, checks.shares_above_100, checks.ranks_above_denominator])
def test_checks_on_an_empty_table_find_nothing(check):
    assert check(table()) == []


def test_messages_name_indicators_by_their_titles_in_each_language():
    # a reader of the report sees "55.25 million VNeID accounts", not the id vneid_accounts
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s002-07", "vneid_population_share", "2024-08-31", 73))
    vocabulary = pd.DataFrame({"indicator": ["vneid_accounts", "vneid_population_share"],
                               "title": ["VNeID accounts", "VNeID share"],
                               "title_vi": ["Tài khoản VNeID", "Tỷ lệ VNeID"]})
    found = checks.run_checks(clean, {"vneid_accounts"}, SHARE_OF, population(("2023", 100_300_000)), vocabulary)
    message, message_vi = found.loc[0, "message"], found.loc[0, "message_vi"]
    assert "55.25 million VNeID accounts (s002-06)" in message and "vneid_accounts" not in message
    assert "55,25 triệu Tài khoản VNeID (s002-06)" in message_vi and "vneid_accounts" not in message_vi


def test_the_population_share_message_names_the_population_producer_in_its_language():
    clean = table(row("s002-06", "vneid_accounts", "2024-08-31", 55_250_000),
                  row("s002-07", "vneid_population_share", "2024-08-31", 73))
    people = population(("2023", 100_300_000))
    found = checks.run_checks(clean, {"vneid_accounts"}, SHARE_OF, people)
    english, vietnamese = people.loc[0, "producer"], people.loc[0, "producer_vi"]
    assert f"(2023, {english})" in found.loc[0, "message"]
    assert f"(2023, {vietnamese})" in found.loc[0, "message_vi"] and english not in found.loc[0, "message_vi"]
