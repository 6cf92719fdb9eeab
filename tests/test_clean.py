"""The clean layer: raw figures in base units, their derived rows, the period rules, and the clean step.

The tests on the real raw layer need the source documents (fixture `sources_dir`); the tests of bad
input and of the clean step build a small synthetic raw folder, with its own source documents, so
that each case controls its quotes completely.
"""
import csv
import datetime as dt
import hashlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import params, paths
from helpers.data import checks, clean, datapackage, pipeline, raw
from helpers.files import csv_text

CORE = ["egdi_rank", "egdi_rank_asean", "osi_rank", "osi_rank_asean", "open_data_rank", "vneid_accounts",
        "chip_id_cards", "digital_economy_growth", "digital_economy_growth_rank_asean"]


def only_row(table: pd.DataFrame, **match) -> dict:
    """The one row of `table` whose columns equal `match`."""
    selected = table
    for column, value in match.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, f"{len(selected)} rows match {match}"
    return selected.iloc[0].to_dict()


# ---------------------------------------------------------------- the real raw layer

@pytest.fixture(scope="module")
def layer(sources_dir) -> raw.RawLayer:
    return raw.load_raw_layer(paths.DATA_RAW, sources_dir)


@pytest.fixture(scope="module")
def table(layer) -> pd.DataFrame:
    return clean.clean_figures(layer)


def test_every_core_indicator_has_observed_rows(table):
    observed = set(table.loc[table["kind"] == "observed", "indicator"])
    assert [i for i in CORE if i not in observed] == []


def test_every_raw_figure_has_exactly_one_row_that_is_not_derived(table, layer):
    not_derived = table[table["kind"] != "derived"]
    assert sorted(not_derived["figure_id"]) == sorted(layer.figures["figure_id"])


@pytest.mark.parametrize("indicator, period, value, figure_id", [
    ("egdi_rank", "2018", 88, "s001-01"),         # 86th in 2020, "up two places from 2018"
    ("egdi_rank", "2020", 86, "s004-01"),         # 86/193 in 2022, "unchanged from its 2020 ranking"
    ("osi_rank", "2020", 81, "s004-03"),          # 76/193, "up 5 places compared to 2020"
    ("osi_rank", "2020", 81, "s002-10"),          # 76th, "a rise of five places since 2020"
    ("open_data_rank", "2020", 97, "s004-04"),    # 87/193, "up 10 places compared to 2020"
    ("open_data_rank", "2020", 97, "s002-11"),    # 87th, "up 10 positions from 2020"
    ("osi_rank_asean", "2020", 6, "s004-06"),     # 5/11, "increased by 1 place compared to 2020"
])
def test_derived_ranks(table, indicator, period, value, figure_id):
    derived = only_row(table, indicator=indicator, period=period, figure_id=figure_id, kind="derived")
    assert derived["value"] == value and type(derived["value"]) is int
    assert derived["unit"] == "rank"
    assert derived["period_basis"] == "stated"
    assert derived["note"].startswith("derived from ")


def test_every_derived_row_comes_from_a_raw_figure_with_a_change(table, layer):
    derived = table[table["kind"] == "derived"]
    with_change = layer.figures[layer.figures["change_raw"] != ""].set_index("figure_id")
    assert set(derived["figure_id"]) <= set(with_change.index)
    for row in derived.itertuples():
        source = only_row(table, figure_id=row.figure_id, kind="observed")
        assert (row.indicator, row.country, row.source_id) == (source["indicator"], source["country"],
                                                               source["source_id"])
        assert row.period < source["period"]
        assert with_change.loc[row.figure_id, "change_raw"] in row.note


def test_a_change_without_a_reference_year_derives_nothing(table):
    # s004-05: 6/11 in 2022, "maintained its ranking" names no earlier year
    assert table[(table["figure_id"] == "s004-05")]["kind"].tolist() == ["observed"]


@pytest.mark.parametrize("figure_id, value, qualifier", [
    ("s002-06", 55_250_000, "exact"),      # 55.25 million
    ("s004-36", 84_700_000, "at_least"),   # over 84.7 million
    ("s003-09", 2_600_000, "approx"),      # nearly 2.6 million
    ("s003-08", 76_000_000, "at_least"),   # more than 76 million
    ("s001-04", 2800, "at_least"),         # more than 2,800
])
def test_counts_are_whole_numbers_in_base_units(table, figure_id, value, qualifier):
    row = only_row(table, figure_id=figure_id)
    assert (row["value"], row["unit"], row["qualifier"]) == (value, "count", qualifier)
    assert type(row["value"]) is int


def test_every_count_and_rank_is_a_python_int(table):
    whole = table[table["unit"].isin(["count", "rank"])]
    assert not whole.empty
    assert {type(v) for v in whole["value"]} == {int}


def test_the_csv_writes_whole_numbers_without_a_decimal_point(table):
    text = csv_text(table)
    assert ",55250000,count," in text
    assert ",26700000000,vnd," in text
    assert "55250000.0" not in text


def test_percentages_are_0_to_100(table):
    shares = table.loc[table["unit"] == "percent", "value"].astype(float)
    assert not shares.empty
    assert shares.between(0, 100).all()
    assert only_row(table, figure_id="s002-04")["value"] == 82.2      # 82.2%
    assert only_row(table, figure_id="s002-07")["value"] == 73        # nearly 73%
    assert only_row(table, figure_id="s003-14")["value"] == 100       # all
    assert only_row(table, figure_id="s004-13")["value"] == 0.71      # an index stays 0-1
    assert only_row(table, figure_id="s004-15")["value"] == 0.8       # an index stated as 80%


def test_money_is_in_base_units_with_its_stated_equivalent(table):
    row = only_row(table, figure_id="s001-12")  # more than 8.1 trillion VND (351.53 million USD)
    assert (row["value"], row["unit"], row["qualifier"]) == (8_100_000_000_000, "vnd", "at_least")
    assert (row["alt_value"], row["alt_unit"]) == (351_530_000, "usd")


@pytest.mark.parametrize("figure_id, period, source_id", [
    ("s001-24", "2025", "s001"),   # "in 2025", among the world top 50
    ("s000-13", "2030", "s000"),   # "by the end of this decade", top 50
])
def test_targets_carry_their_target_year(table, figure_id, period, source_id):
    row = only_row(table, figure_id=figure_id)
    assert (row["indicator"], row["period"], row["value"], row["kind"], row["qualifier"], row["source_id"]) == \
        ("egdi_rank", period, 50, "target", "at_most", source_id)


@pytest.mark.parametrize("figure_id, denominator, written", [
    ("s001-01", 193, "86th position among 193 countries"),
    ("s002-10", 193, "76th out of 193 countries"),
    ("s004-01", 193, "86/193"),
    ("s004-06", 11, "5/11"),
    ("s004-39", 91, "22/91"),                    # a count
    ("s003-06", 63, "48 out of 63 localities"),  # a count
])
def test_a_denominator_the_text_gives_is_carried_with_where_it_comes_from(table, figure_id, denominator, written):
    row = only_row(table, figure_id=figure_id, kind="observed")
    assert row["denominator"] == denominator
    assert f"denominator {denominator} as the text gives it ('{written}')" in row["note"]


@pytest.mark.parametrize("figure_id, kind", [
    ("s001-02", "observed"),                            # "In Southeast Asia, Vietnam ranked sixth."
    ("s004-07", "observed"), ("s004-09", "observed"),   # digital-economy growth rank: no count of economies,
    ("s004-16", "observed"),                            # though the text names Google's report
    ("s004-12", "observed"),                            # GCI, 4th in ASEAN
    ("s000-13", "target"), ("s001-24", "target"),       # "top 50"
])
def test_a_rank_without_a_denominator_in_the_text_has_none_not_the_vocabularys(table, figure_id, kind):
    row = only_row(table, figure_id=figure_id, kind=kind)
    assert row["denominator"] is None
    assert row["note"].endswith("no denominator: the text gives none")


def test_a_derived_rank_takes_no_denominator_from_the_later_year(table):
    derived = table[table["kind"] == "derived"]
    assert not derived.empty
    assert derived["denominator"].isna().all()
    row = only_row(table, figure_id="s004-01", kind="derived")
    assert row["note"].endswith("no denominator: the text gives none for 2020")


AS_OF = "inferred: as-of date of the statement, taken as the publication date"
PROGRAMME = ("inferred: horizon of the programme the paragraph describes ('by 2025, with an orientation toward 2030'); "
             "the sentence gives no year")


@pytest.mark.parametrize("figure_id, kind, period, basis", [
    ("s001-04", "observed", "2021-03-08", "stated"),                          # "As of March 8, 2021"
    ("s001-19", "observed", "2020-12", "stated"),                             # "As of December 2020"
    # an undated sentence takes the date earlier in its paragraph, marked inferred with the text's phrase
    ("s002-06", "observed", "2024-08-31", 'inferred: date of "Currently", earlier in the paragraph; the sentence gives none'),
    ("s003-09", "observed", "2022-12", 'inferred: date of "Currently", earlier in the paragraph; the sentence gives none'),
    ("s002-04", "observed", "2024-08-31", f'{AS_OF} ("currently")'),
    # a running total "Since 2021" is dated at the statement, not in 2021
    ("s002-12", "observed", "2024-08-31", f"{AS_OF} (running since 2021)"),
    ("s002-13", "observed", "2024-08-31", f"{AS_OF} (running since 2021)"),
    ("s002-10", "observed", "2022", "inferred: the text gives no survey year; the latest UN survey before "
                                    "publication is 2022 (s004 gives the same rank)"),
    ("s001-11", "observed", "2021-03-08", "inferred: as-of date of the portal figures in the paragraph before"),
    # a range of years is not a stated period: a figure in it is dated at an end, marked inferred
    ("s004-25", "observed", "2022", 'inferred: start of the period "in the period of 2022 - 2024" the sentence names, '
                                    'the value the text says it rose from'),
    ("s004-26", "observed", "2024", 'inferred: end of the period "in the period of 2022 - 2024" the sentence names; '
                                    'the text gives the figure no year of its own'),
    ("s000-01", "target", "2025", PROGRAMME),
    ("s000-13", "target", "2030", "inferred: end of the decade 2021-2030, counted from the publication year"),
    ("s001-24", "target", "2025", "stated"),
])
def test_period_rules(table, figure_id, kind, period, basis):
    row = only_row(table, figure_id=figure_id, kind=kind)
    assert (row["period"], row["period_basis"]) == (period, basis)


@pytest.mark.parametrize("figure_id", ["s002-03", "s003-02", "s004-15", "s004-41"])
def test_a_target_without_a_year_has_no_period(table, figure_id):
    row = only_row(table, figure_id=figure_id)
    assert row["kind"] == "target"
    assert row["period"] is None
    assert row["period_basis"] == clean.UNDATED_TARGET


def test_only_targets_are_undated(table):
    undated = table[table["period"].isna()]
    assert not undated.empty
    assert set(undated["kind"]) == {"target"}


def test_every_period_basis_says_stated_inferred_or_none(table):
    bases = table["period_basis"]
    assert bases.str.fullmatch(r"stated(: .+)?|inferred: .+|none: .+").all(), bases[~bases.str.fullmatch(
        r"stated(: .+)?|inferred: .+|none: .+")].tolist()
    assert (bases.str.startswith("none") == table["period"].isna()).all()


def test_online_service_satisfaction_is_not_administrative_procedure_satisfaction(table):
    assert only_row(table, figure_id="s004-41")["indicator"] == "online_public_services_satisfaction"
    procedures = table[table["indicator"] == "admin_procedure_satisfaction"]
    assert sorted(procedures["figure_id"]) == ["s002-08", "s002-09"]


def test_a_stated_multiple_carries_the_figures_it_relates(table):
    assert only_row(table, figure_id="s004-27")["relates_to"] == "s004-26 / s004-25"
    assert only_row(table, figure_id="s004-20")["relates_to"] == "s004-18 / ?; s004-19 / ?"
    assert table.loc[table["kind"] == "derived", "relates_to"].isna().all()


def test_every_row_carries_its_source_published_date(table, layer):
    published = dict(zip(layer.sources["source_id"], layer.sources["published"]))
    assert all(row.published == published[row.source_id] for row in table.itertuples())


def test_table_has_the_clean_columns_and_is_sorted(table):
    assert list(table.columns) == clean.CLEAN_COLUMNS
    # an undated target's empty period sorts after the dated rows of its indicator
    keys = [tuple((value is None, value or "") for value in key)
            for key in table[clean.SORT_KEY].itertuples(index=False, name=None)]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert list(table.index) == list(range(len(table)))


# ---------------------------------------------------------------- as_of

def test_as_of_leaves_out_sources_published_later(layer):
    kept = clean.clean_figures(layer, as_of=dt.date(2023, 6, 30))
    # s002 (2024-08-31) and s004 (2024-07-19) are later; s000 ('2022') and s003 ('2022-12') count as
    # their last possible day, 2022-12-31; s001 is 2021-03-10.
    assert set(kept["source_id"]) == {"s000", "s001", "s003"}
    full = clean.clean_figures(layer)
    assert len(kept) == (full["source_id"].isin(["s000", "s001", "s003"])).sum()


@pytest.mark.parametrize("as_of, expected", [
    (dt.date(2022, 12, 30), {"s001"}),                  # '2022' and '2022-12' may still be after this
    (dt.date(2022, 12, 31), {"s000", "s001", "s003"}),
    (dt.date(2021, 3, 10), {"s001"}),                   # published that very day
    (dt.date(2021, 3, 9), set()),
])
def test_as_of_counts_a_partial_date_as_its_last_possible_day(layer, as_of, expected):
    kept = clean.clean_figures(layer, as_of=as_of)
    assert set(kept["source_id"]) == expected
    assert list(kept.columns) == clean.CLEAN_COLUMNS


@pytest.mark.parametrize("iso, day", [
    ("2022", dt.date(2022, 12, 31)),
    ("2022-12", dt.date(2022, 12, 31)),
    ("2022-11", dt.date(2022, 11, 30)),
    ("2024-02", dt.date(2024, 2, 29)),
    ("2023-02", dt.date(2023, 2, 28)),
    ("2021-03-10", dt.date(2021, 3, 10)),
])
def test_latest_day(iso, day):
    assert clean.latest_day(iso) == day


# ---------------------------------------------------------------- a synthetic raw folder

INDICATORS = [
    {"indicator": "egdi_rank", "title": "EGDI rank", "title_vi": "—", "unit": "rank", "family": "egov_ranks", "denominator": "193",
     "cumulative": "false", "core": "true", "description": "Rank in the UN EGDI.", "share_of": ""},
    {"indicator": "vneid_accounts", "title": "VNeID accounts", "title_vi": "—", "unit": "count", "family": "vneid", "denominator": "",
     "cumulative": "true", "core": "true", "description": "Accounts activated.", "share_of": ""},
    {"indicator": "vneid_population_share", "title": "Population with VNeID", "title_vi": "—", "unit": "percent", "family": "vneid",
     "denominator": "", "cumulative": "false", "core": "false", "description": "Share of the population.",
     "share_of": "vneid_accounts"},
    {"indicator": "portal_epayment_value", "title": "Portal e-payment value", "title_vi": "—", "unit": "vnd", "family": "services",
     "denominator": "", "cumulative": "true", "core": "false", "description": "Value paid.", "share_of": ""},
]
PUBLISHED = {"t01": "2021-03-10", "t02": "2024-08-31"}


def figure(figure_id: str, indicator: str, value_raw: str, period_raw: str = "", **fields) -> dict:
    """A raw figure of source `t01`/`t02` (the id's prefix) whose quote holds its value and change."""
    row = {"figure_id": figure_id, "source_id": figure_id.split("-")[0], "country": "VNM", "indicator": indicator,
           "kind": "observed", "value_raw": value_raw, "period_raw": period_raw, "period_inferred": "",
           "change_raw": "", "note": "", **fields}
    # the project's own words have their translation beside them
    row.setdefault("note_vi", row["note"] and f"ghi chú: {row['note']}")
    row.setdefault("period_inferred_vi", row["period_inferred"] and f"lý do: {row['period_inferred'].split(': ', 1)[1]}")
    row["quote"] = " ".join(part for part in (period_raw, "the figure was", value_raw, row["change_raw"]) if part)
    return row


GOOD = [
    figure("t01-01", "egdi_rank", "86th", "2020", change_raw="up two places from 2018"),
    figure("t01-02", "vneid_accounts", "nearly 2.6 million"),
    figure("t02-01", "vneid_accounts", "55.25 million"),
    figure("t02-02", "vneid_population_share", "about 55%"),
    figure("t02-03", "portal_epayment_value", "26.7 billion VND", "2023"),
    figure("t02-04", "egdi_rank", "top 50", "in 2025", kind="target"),
]


def write_csv(path: Path, rows: list[dict], columns) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_raw(root: Path, figures: list[dict], indicators: list[dict] = INDICATORS) -> tuple[Path, Path]:
    """A raw folder and a sources folder under `root`; each document is the quotes of its figures."""
    raw_dir, docs_dir = root / "raw", root / "docs"
    raw_dir.mkdir(parents=True, exist_ok=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    sources = []
    for source_id, published in PUBLISHED.items():
        text = "A synthetic article.\n" + "".join(f"{f['quote']}.\n" for f in figures if f["source_id"] == source_id)
        document = docs_dir / f"{source_id}.txt"
        document.write_text(text, encoding="utf-8")
        sources.append({"source_id": source_id, "file": document.name,
                        "sha256": hashlib.sha256(document.read_bytes()).hexdigest(),
                        "title": f"Article {source_id}", "outlet": "Test outlet", "published": published,
                        "published_basis": "stated: synthetic test document",
                        "published_basis_vi": "nêu rõ: tài liệu thử nghiệm", "language": "en", "url": ""})
    write_csv(raw_dir / "sources.csv", sources, raw.SOURCE_COLUMNS)
    write_csv(raw_dir / "figures.csv", figures, raw.FIGURE_COLUMNS)
    write_csv(raw_dir / "indicators.csv", indicators, raw.INDICATOR_COLUMNS)
    write_csv(raw_dir / "out_of_scope.csv", [], raw.OUT_OF_SCOPE_COLUMNS)
    shutil.copyfile(paths.DATA_RAW / paths.CLAIM_LINKS, raw_dir / paths.CLAIM_LINKS)  # links of unused indicators are inert
    # the official series are real files, checked against their sha256: shared read-only, not rebuilt here
    if not (raw_dir / paths.OFFICIAL_RAW.name).exists():
        (raw_dir / paths.OFFICIAL_RAW.name).symlink_to(paths.OFFICIAL_RAW, target_is_directory=True)
    return raw_dir, docs_dir


def replaced(figures: list[dict], figure_id: str, **changes) -> list[dict]:
    """`figures` with one figure rebuilt with some fields changed (and so a quote that holds them)."""
    return [figure(**{**{k: v for k, v in f.items() if k != "quote"}, **changes}) if f["figure_id"] == figure_id
            else f for f in figures]


def clean_synthetic(root: Path, figures: list[dict]) -> pd.DataFrame:
    raw_dir, docs_dir = write_raw(root, figures)
    return clean.clean_figures(raw.load_raw_layer(raw_dir, docs_dir))


def test_synthetic_raw_folder_cleans(tmp_path):
    table = clean_synthetic(tmp_path, GOOD)
    assert only_row(table, figure_id="t01-01", kind="derived")["value"] == 88
    assert only_row(table, figure_id="t01-02")["period"] == "2021-03-10"
    assert only_row(table, figure_id="t02-03")["value"] == 26_700_000_000
    target = only_row(table, figure_id="t02-04")
    assert (target["period"], target["value"], target["kind"], target["qualifier"]) == ("2025", 50, "target", "at_most")


def test_the_vocabulary_denominator_is_not_taken_for_a_rank_the_text_gives_none(tmp_path):
    # egdi_rank has denominator 193 in the vocabulary; "86th" alone gives none
    table = clean_synthetic(tmp_path, GOOD)
    assert only_row(table, figure_id="t01-01", kind="observed")["denominator"] is None


def test_an_undated_target_has_no_period_and_an_undated_observation_the_publication_date(tmp_path):
    figures = GOOD + [figure("t02-05", "vneid_accounts", "60 million", kind="target"),
                      figure("t02-06", "vneid_accounts", "58 million")]
    table = clean_synthetic(tmp_path, figures)
    target, observed = only_row(table, figure_id="t02-05"), only_row(table, figure_id="t02-06")
    assert (target["period"], target["period_basis"]) == (None, clean.UNDATED_TARGET)
    assert (observed["period"], observed["period_basis"]) == (
        "2024-08-31", "inferred: as-of date of the statement, taken as the publication date (the text gives no date)")


def test_period_inferred_gives_the_period_and_its_reason_in_each_language(tmp_path):
    figures = replaced(GOOD, "t02-01", period_inferred="2024-06: the figure the conference reviewed",
                       period_inferred_vi="số liệu hội nghị xem xét")
    row = only_row(clean_synthetic(tmp_path, figures), figure_id="t02-01")
    assert (row["period"], row["period_basis"]) == ("2024-06", "inferred: the figure the conference reviewed")
    assert row["period_basis_vi"] == "suy luận: số liệu hội nghị xem xét"


@pytest.mark.parametrize("figure_id, kind, basis_vi, note_vi", [
    # the text's own words stay verbatim between quotes; years and dates are written the Vietnamese way
    ("s001-01", "derived", "nêu rõ",
     'suy ra từ "86th position among 193 countries" (2020), "up two places from 2018"; không có mẫu số: '
     'bài viết không nêu cho năm 2018'),
    ("s002-04", "observed", 'suy luận: thời điểm của nhận định, lấy theo ngày đăng bài ("currently")', None),
    ("s002-12", "observed", "suy luận: thời điểm của nhận định, lấy theo ngày đăng bài (lũy kế từ 2021)", None),
    ("s004-26", "observed", 'suy luận: cuối giai đoạn "in the period of 2022 - 2024" mà câu văn nêu; bài viết không '
                            'nêu năm riêng cho số liệu này', None),
    ("s004-01", "observed", "nêu rõ", 'Khảo sát Chính phủ điện tử của Liên Hợp Quốc năm 2022; không đổi so với '
                                      'năm 2020; mẫu số 193 như bài viết nêu ("86/193")'),
])
def test_the_projects_words_are_in_vietnamese_beside_the_english(table, figure_id, kind, basis_vi, note_vi):
    row = only_row(table, figure_id=figure_id, kind=kind)
    assert row["period_basis_vi"] == basis_vi
    if note_vi is not None:
        assert row["note_vi"] == note_vi


def test_every_english_note_has_its_vietnamese(table):
    for name in clean.TRANSLATED:
        assert (table[name].fillna("").astype(bool) == table[f"{name}_vi"].fillna("").astype(bool)).all(), name


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("figure_id, fields, message", [
    ("t01-02", {"value_raw": "12,3x million"}, "cannot parse value '12,3x million'"),
    ("t02-01", {"value_raw": "5 zillion"}, "cannot parse value '5 zillion'"),
    ("t01-01", {"period_raw": "Smarch 2020"}, "cannot parse period 'Smarch 2020': unknown month 'smarch'"),
    ("t02-03", {"value_raw": "15%"}, "the figure is in 'percent' but indicator 'portal_epayment_value' is in 'vnd'"),
    ("t02-01", {"value_raw": "2.5"}, "a count must be a whole number, got 2.5"),
    ("t01-01", {"change_raw": "up two places from somewhere"}, "cannot parse rank change 'up two places from somewhere'"),
])
def test_a_figure_that_cannot_be_cleaned_is_named_by_file_line_and_id(tmp_path, figure_id, fields, message):
    figures = replaced(GOOD, figure_id, **fields)
    line = 2 + [f["figure_id"] for f in figures].index(figure_id)
    with pytest.raises(clean.CleanError) as caught:
        clean_synthetic(tmp_path, figures)
    assert f"figures.csv:{line} [{figure_id}]: {message}" in str(caught.value)


def test_every_figure_that_cannot_be_cleaned_is_listed_at_once(tmp_path):
    figures = replaced(replaced(GOOD, "t01-02", value_raw="12,3x million"), "t02-01", value_raw="5 zillion")
    with pytest.raises(clean.CleanError, match=r"^2 problem\(s\) in figures\.csv") as caught:
        clean_synthetic(tmp_path, figures)
    assert "figures.csv:3 [t01-02]" in str(caught.value) and "figures.csv:4 [t02-01]" in str(caught.value)


def test_an_impossible_derived_rank_is_a_clean_error(tmp_path):
    figures = replaced(GOOD, "t01-01", value_raw="1st", change_raw="down 3 places from 2018")
    with pytest.raises(clean.CleanError, match=r"figures\.csv:2 \[t01-01\]"):
        clean_synthetic(tmp_path, figures)


def test_an_indicator_outside_the_vocabulary_is_a_raw_data_error(tmp_path):
    figures = replaced(GOOD, "t02-01", indicator="vneid_acounts")
    raw_dir, docs_dir = write_raw(tmp_path, figures)
    with pytest.raises(raw.RawDataError,
                       match=r"figures\.csv:4 \[t02-01\]: indicator 'vneid_acounts' is not in indicators\.csv"):
        raw.load_raw_layer(raw_dir, docs_dir)


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    """Write synthetic raw data (`synthetic(figures)`) that the clean step reads; returns the raw folder.

    The clean step finds documents through SOURCES_DIR, and stages its files in a temporary folder that
    the test owns, so it can check that nothing is left behind.
    """
    staging = tmp_path / "tmp"
    staging.mkdir()
    monkeypatch.setenv("SOURCES_DIR", str(tmp_path / "docs"))
    monkeypatch.setattr(tempfile, "tempdir", str(staging))

    def write(figures: list[dict], indicators: list[dict] = INDICATORS) -> Path:
        return write_raw(tmp_path, figures, indicators)[0]

    write.staging = staging
    return write


def test_a_rank_beyond_its_denominator_stops_the_clean_step_even_when_not_strict(synthetic, tmp_path):
    raw_dir = synthetic(replaced(GOOD, "t01-01", value_raw="250th out of 193 countries", change_raw=""))
    clean_dir = tmp_path / "clean"
    with pytest.raises(clean.CleanError, match=r"figures\.csv:2 \[t01-01\]: .*'a out of b' needs 0 <= a <= b"):
        pipeline.run_clean_step(raw_dir, clean_dir, None, False)
    assert not clean_dir.exists()


# ---------------------------------------------------------------- the clean step: all or nothing

def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_clean_step_writes_the_clean_files(synthetic, tmp_path):
    raw_dir, clean_dir = synthetic(GOOD), tmp_path / "clean"
    result = pipeline.run_clean_step(raw_dir, clean_dir, None, True)
    assert sorted(p.name for p in clean_dir.iterdir()) == sorted(paths.CLEAN_FILES)
    assert result.checks.empty
    with (clean_dir / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == clean.CLEAN_COLUMNS
    accounts = [r for r in rows if r["figure_id"] == "t02-01"]
    assert [(r["value"], r["unit"], r["period"], r["kind"]) for r in accounts] == [
        ("55250000", "count", "2024-08-31", "observed")]
    derived = [r for r in rows if r["kind"] == "derived"]
    assert [(r["indicator"], r["period"], r["value"], r["figure_id"]) for r in derived] == [
        ("egdi_rank", "2018", "88", "t01-01")]
    assert (clean_dir / "checks.csv").read_text(encoding="utf-8") == ",".join(checks.CHECKS_COLUMNS) + "\n"
    assert list(synthetic.staging.iterdir()) == []


BREAKAGES = {
    "unparsable value": (replaced(GOOD, "t01-02", value_raw="12,3x million"), INDICATORS, clean.CleanError),
    "unknown indicator": (replaced(GOOD, "t02-01", indicator="vneid_acounts"), INDICATORS, raw.RawDataError),
    "rank above denominator": (replaced(GOOD, "t01-01", value_raw="250/193", change_raw=""), INDICATORS,
                               clean.CleanError),
    # cleans and passes the checks, but a unit outside the schema fails the data package validation
    "unit outside the schema": (GOOD + [figure("t02-05", "portal_hours", "12", "2023")],
                                INDICATORS + [{**INDICATORS[1], "indicator": "portal_hours", "unit": "hours"}],
                                pipeline.FindingsError),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_failed_clean_step_leaves_the_clean_files_as_they_were(synthetic, tmp_path, breakage):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD), clean_dir, None, False)
    before = snapshot(clean_dir)
    figures, indicators, error = BREAKAGES[breakage]
    raw_dir = synthetic(figures, indicators)
    with pytest.raises(error):
        pipeline.run_clean_step(raw_dir, clean_dir, None, False)
    assert snapshot(clean_dir) == before  # same names (no stray temporary files) and same bytes
    assert list(synthetic.staging.iterdir()) == []


def test_a_unit_outside_the_schema_is_reported_by_the_validation(synthetic, tmp_path):
    figures, indicators, _ = BREAKAGES["unit outside the schema"]
    with pytest.raises(pipeline.FindingsError, match=r"do not match their schema(.|\n)*field unit"):
        pipeline.run_clean_step(synthetic(figures, indicators), tmp_path / "clean", None, False)


def test_a_write_that_fails_halfway_replaces_no_clean_file(synthetic, tmp_path, monkeypatch):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD), clean_dir, None, False)
    before = snapshot(clean_dir)
    # a new figure changes indicators.csv and, through the document's sha256, sources.csv
    raw_dir = synthetic(GOOD + [figure("t02-05", "vneid_accounts", "60 million", "2025")])

    def failing(write):
        def fail_on_sources_csv(self, *args, **kwargs):
            if self.parent == clean_dir and self.name.startswith(".sources.csv."):
                raise OSError("disk full")
            return write(self, *args, **kwargs)
        return fail_on_sources_csv

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", failing(Path.write_text))
        patched.setattr(Path, "write_bytes", failing(Path.write_bytes))
        with pytest.raises(OSError, match="disk full"):
            pipeline.run_clean_step(raw_dir, clean_dir, None, False)
    assert snapshot(clean_dir) == before
    pipeline.run_clean_step(raw_dir, clean_dir, None, False)
    after = snapshot(clean_dir)
    assert after["indicators.csv"] != before["indicators.csv"] and after["sources.csv"] != before["sources.csv"]


def disagreeing() -> list[dict]:
    """GOOD plus a second source giving another egdi_rank for 2020."""
    return GOOD + [figure("t02-05", "egdi_rank", "88th", "2020")]


def test_a_warning_stops_a_strict_clean_step_and_writes_nothing(synthetic, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD), clean_dir, None, True)
    before = snapshot(clean_dir)
    with pytest.raises(pipeline.FindingsError, match=r"disagreement \[t01-01;t02-05\]"):
        pipeline.run_clean_step(synthetic(disagreeing()), clean_dir, None, True)
    assert snapshot(clean_dir) == before


def test_a_warning_is_written_to_checks_csv_when_not_strict(synthetic, tmp_path):
    clean_dir = tmp_path / "clean"
    result = pipeline.run_clean_step(synthetic(disagreeing()), clean_dir, None, False)
    with (clean_dir / "checks.csv").open(newline="", encoding="utf-8") as handle:
        findings = list(csv.DictReader(handle))
    assert [(f["check"], f["severity"], f["indicator"], f["period"], f["figure_ids"]) for f in findings] == [
        ("disagreement", "warning", "egdi_rank", "2020", "t01-01;t02-05")]
    assert len(result.checks) == 1


def test_as_of_reaches_the_clean_files(synthetic, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD), clean_dir, dt.date(2023, 6, 30), True)
    written = pd.read_csv(clean_dir / "indicators.csv", dtype=str)
    assert set(written["source_id"]) == {"t01"}


# ---------------------------------------------------------------- the data package

def test_an_undated_target_is_published_with_an_empty_period_and_validates(synthetic, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD + [figure("t02-05", "vneid_accounts", "60 million", kind="target")]),
                            clean_dir, None, True)
    with (clean_dir / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        target = [r for r in csv.DictReader(handle) if r["figure_id"] == "t02-05"]
    assert [(r["period"], r["period_basis"]) for r in target] == [("", clean.UNDATED_TARGET)]
    assert datapackage.validation_errors(clean_dir / "datapackage.json") == []


def test_the_written_package_validates(synthetic, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(disagreeing()), clean_dir, None, False)
    assert datapackage.validation_errors(clean_dir / "datapackage.json") == []


def test_the_real_clean_layer_validates(sources_dir, tmp_path):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(paths.DATA_RAW, clean_dir, None, False)
    assert datapackage.validation_errors(clean_dir / "datapackage.json") == []


@pytest.mark.parametrize("column, bad, field", [
    ("kind", "guess", "kind"),
    ("qualifier", "roughly", "qualifier"),
    ("period", "March 2021", "period"),
    ("value", "many", "value"),
])
def test_a_corrupted_indicators_csv_fails_validation(synthetic, tmp_path, column, bad, field):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(synthetic(GOOD), clean_dir, None, False)
    path = clean_dir / "indicators.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0][column] = bad
    write_csv(path, rows, clean.CLEAN_COLUMNS)
    errors = datapackage.validation_errors(clean_dir / "datapackage.json")
    assert errors
    assert any(f"field {field}" in e for e in errors), errors


# ---------------------------------------------------------------- notebook parameters

@pytest.mark.parametrize("value", ["2023-13-01", "soon"])
def test_iso_date_rejects_what_is_not_a_date(value):
    with pytest.raises(params.ParameterError, match=rf"as_of='{value}'.*allowed: a date YYYY-MM-DD or None"):
        params.iso_date("as_of", value)


def test_iso_date_accepts_none_a_date_and_an_iso_string():
    assert params.iso_date("as_of", None) is None
    assert params.iso_date("as_of", "2023-06-30") == dt.date(2023, 6, 30)
    assert params.iso_date("as_of", dt.date(2023, 6, 30)) == dt.date(2023, 6, 30)


def test_iso_date_turns_a_datetime_into_a_date_the_clean_layer_can_use():
    as_of = params.iso_date("as_of", dt.datetime(2023, 6, 30, 12, 0))
    assert type(as_of) is dt.date and as_of == dt.date(2023, 6, 30)


def test_iso_date_without_none_says_so():
    with pytest.raises(params.ParameterError, match=r"allowed: a date YYYY-MM-DD$"):
        params.iso_date("as_of", None, allow_none=False)


def test_boolean_rejects_a_word():
    with pytest.raises(params.ParameterError, match=r"strict='yes'; allowed: True or False"):
        params.boolean("strict", "yes")
    assert params.boolean("strict", False) is False


def test_year_range_rejects_a_start_after_the_end():
    with pytest.raises(params.ParameterError, match=r"start_year=2024 is after end_year=2021"):
        params.year_range(2024, 2021)
    assert params.year_range(2021, 2024) == (2021, 2024)


@pytest.mark.parametrize("start, end", [(True, 2024), (2021, "2024"), (1800, 2024)])
def test_year_range_rejects_what_is_not_a_year(start, end):
    with pytest.raises(params.ParameterError, match=r"allowed: a whole year from 1990 to 2100"):
        params.year_range(start, end)


def test_choice_rejects_an_unknown_country_listing_the_allowed_ones():
    with pytest.raises(params.ParameterError, match=r"country='FRA'; allowed: MYS, SGP, THA, VNM$"):
        params.choice("country", "FRA", {"VNM", "SGP", "MYS", "THA"})
    assert params.choice("country", "VNM", {"VNM", "SGP"}) == "VNM"


def test_directory_must_exist_when_asked(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(params.ParameterError, match=r"raw_dir=.*missing.*does not exist"):
        params.directory("raw_dir", missing, must_exist=True)
    assert params.directory("raw_dir", tmp_path, must_exist=True) == tmp_path
    assert params.directory("out_dir", missing, must_exist=False) == missing
    assert params.directory("raw_dir", "data/raw", must_exist=True) == paths.ROOT / "data" / "raw"
