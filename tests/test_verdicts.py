"""Public series as data (metadata validated before use, one reader per format) and every claim's verdict."""
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.data import official, pipeline, verdicts
from helpers.data.official import OfficialDataError

WDI_METADATA = paths.OFFICIAL_RAW / "wb_gdp_growth.meta.json"


@pytest.fixture(scope="module")
def built():
    """The clean layer of the committed raw data, built once."""
    return pipeline.build(paths.DATA_RAW, None)


def by_figure(table: pd.DataFrame, figure_id: str, kind: str = "observed") -> dict:
    (row,) = table[(table["figure_id"] == figure_id) & (table["kind"] == kind)].to_dict("records")
    return row


# --- metadata validated before a file is read ----------------------------------------------------------------

def drop(path: list[str]):
    def edit(meta):
        *parents, last = path
        for key in parents:
            meta = meta[key]
        del meta[last]
    return edit


def put(path: list[str], value):
    def edit(meta):
        *parents, last = path
        for key in parents:
            meta = meta[key]
        meta[last] = value
    return edit


BAD_METADATA = [
    (drop(["format", "encoding"]), "field format.encoding: missing"),
    (put(["copy"], "datasets/world-development-indicators"), "field copy: 'datasets/world-development-indicators' is not of type 'object'"),
    (put(["rows"], "14321"), "field rows: '14321' is not of type 'integer'"),
    (put(["reader"], "wb_wide"), "field reader: 'wb_wide' is not one of"),
    (put(["source_kind"], "official estimate"), "field source_kind: 'official estimate' is not one of"),
    (drop(["indicator", "title_vi"]), "field indicator.title_vi: missing"),
    (drop(["producer_vi"]), "field producer_vi: missing"),
    (put(["indicator", "minimum"], "-100"), "field indicator.minimum: '-100' is not of type 'number'"),
    (put(["sha256"], "abc"), "field sha256: 'abc' does not match"),
]


@pytest.mark.parametrize("edit, expected", BAD_METADATA, ids=[expected.split(":")[0] for _, expected in BAD_METADATA])
def test_a_bad_metadata_field_is_one_message_naming_file_and_field(tmp_path, edit, expected):
    meta = json.loads(WDI_METADATA.read_text(encoding="utf-8"))
    edit(meta)
    meta_path = tmp_path / WDI_METADATA.name
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(OfficialDataError) as error:
        official.read_metadata(meta_path)
    lines = str(error.value).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{WDI_METADATA.name}: {expected}"), lines


def test_every_metadata_problem_of_the_folder_is_reported_together(tmp_path):
    folder = tmp_path / "official"
    shutil.copytree(paths.OFFICIAL_RAW, folder)
    for name, edit in (("wb_gdp_growth", drop(["format", "encoding"])), ("un_egov_2024", put(["rows"], "193"))):
        meta_path = folder / f"{name}.meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        edit(meta)
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(OfficialDataError) as error:
        official.official_indicators(folder)
    assert str(error.value).splitlines() == [
        "un_egov_2024.meta.json: field rows: '193' is not of type 'integer'",
        "wb_gdp_growth.meta.json: field format.encoding: missing"]


@pytest.mark.parametrize("outside", ["../secret.csv", "link.csv"])
def test_a_file_outside_the_official_folder_is_refused_unread(tmp_path, outside):
    folder = tmp_path / "official"
    folder.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("Country Name,Country Code,Year,Value\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(secret)
    meta = json.loads(WDI_METADATA.read_text(encoding="utf-8"))
    meta["file"] = outside
    meta_path = folder / WDI_METADATA.name
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    secret.chmod(0)  # a read would fail differently
    try:
        # a path is refused by the schema; a symbolic link out of the folder, once resolved
        with pytest.raises(OfficialDataError, match=r"wb_gdp_growth\.meta\.json: field file: "
                                                    r"('\.\./secret\.csv' does not match|.*outside official/; not read)"):
            official.wb_indicator_rows(meta_path)
    finally:
        secret.chmod(0o644)


def with_indicator(folder: Path, dataset: str, **changes) -> Path:
    meta_path = folder / f"{dataset}.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["indicator"].update(changes)
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta_path


def test_a_value_outside_the_metadata_range_stops_naming_file_line_and_field(tmp_path):
    folder = tmp_path / "official"
    shutil.copytree(paths.OFFICIAL_RAW, folder)
    meta_path = with_indicator(folder, "wb_gdp_growth", minimum=0)  # growth may be negative: 0 is a wrong minimum
    with pytest.raises(OfficialDataError, match=r"wb_gdp_growth\.csv: line \d+: gdp_growth -[\d.]+ is outside the range "
                                                r"wb_gdp_growth\.meta\.json gives \(fields indicator\.minimum"):
        official.wb_indicator_rows(meta_path)


def test_negative_growth_is_read_as_it_is_published():
    rows = official.wb_indicator_rows(WDI_METADATA)
    vnm = rows[rows["country"] == "VNM"].set_index("period")["value"]
    assert round(vnm["2022"], 4) == 8.5375 and (rows["value"] < 0).any()
    assert set(rows["unit"]) == {"percent"} and set(rows["source_kind"]) == {"official"}


# --- a World Bank indicator added as data ------------------------------------------------------------------------

def test_a_new_world_bank_indicator_is_its_file_and_metadata_only(raw_copy, tmp_path):
    """GDP per capita growth added as a copy of another indicator's file with its own metadata reaches the clean
    table and its published schema, with no change to code."""
    folder = raw_copy / "official"
    data = (folder / "wb_gdp_growth.csv").read_bytes()
    (folder / "wb_gdp_growth_copy.csv").write_bytes(data)
    meta = json.loads(WDI_METADATA.read_text(encoding="utf-8"))
    meta.update(dataset="wb_gdp_growth_copy", file="wb_gdp_growth_copy.csv")
    meta["indicator"].update(id="gdp_growth_copy", title="A copy of GDP growth", title_vi="Bản sao tăng trưởng GDP",
                             unit="percent_copy")
    (folder / "wb_gdp_growth_copy.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    written = pd.read_csv(clean_dir / paths.OFFICIAL_INDICATORS, dtype=str, keep_default_na=False)
    copy = written[written["indicator"] == "gdp_growth_copy"]
    original = written[written["indicator"] == "gdp_growth"]
    assert len(copy) == len(original) > 0
    assert copy["value"].tolist() == original["value"].tolist() and set(copy["unit"]) == {"percent_copy"}
    package = json.loads((clean_dir / paths.DATAPACKAGE).read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["name"] == "official_indicators"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert "gdp_growth_copy" in fields["indicator"]["constraints"]["enum"]
    assert "percent_copy" in fields["unit"]["constraints"]["enum"]


# --- bad input leaves the clean files as they were ----------------------------------------------------------------

def unknown_reader(raw: Path):
    meta_path = raw / "official" / "wb_gdp_growth.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["reader"] = "wb_wide"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


def changed_bytes(raw: Path):
    path = raw / "official" / "wb_exchange_rate.csv"
    path.write_bytes(path.read_bytes().replace(b"23159.7825925926", b"23159.7825925927"))


def value_outside_range(raw: Path):
    with_indicator(raw / "official", "wb_population_0_14_share", maximum=20)


def link_to_missing_series(raw: Path):
    path = raw / paths.CLAIM_LINKS
    path.write_text(path.read_text(encoding="utf-8").replace("multiple_of_series,gdp_growth,",
                                                             "multiple_of_series,gdp_growth_rate,"), encoding="utf-8")


@pytest.mark.parametrize("damage, error, expected", [
    (unknown_reader, OfficialDataError, r"wb_gdp_growth\.meta\.json: field reader: 'wb_wide' is not one of"),
    (changed_bytes, OfficialDataError, r"wb_exchange_rate\.csv: sha256 is .* \(field sha256\)"),
    (value_outside_range, OfficialDataError, r"wb_population_0_14_share\.csv: line \d+: .*indicator\.maximum"),
    (link_to_missing_series, verdicts.LinkError,
     r"claim_links\.csv: line \d+ \(digital_economy_growth_gdp_multiple\): field series: 'gdp_growth_rate' is not"),
], ids=["unknown reader", "sha256", "range", "missing series"])
def test_bad_input_stops_the_clean_step_and_leaves_the_clean_files(raw_copy, tmp_path, damage, error, expected):
    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    before = {p.name: p.read_bytes() for p in sorted(clean_dir.iterdir())}
    damage(raw_copy)
    with pytest.raises(error, match=expected):
        pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    assert {p.name: p.read_bytes() for p in sorted(clean_dir.iterdir())} == before


# --- the e-Conomy SEA estimates, within one edition ---------------------------------------------------------------

def test_economy_sea_growth_is_computed_within_one_edition_and_marked_an_industry_estimate(built):
    series = built.official[built.official["dataset"] == "economy_sea_gmv"]
    assert set(series["source_kind"]) == {"industry_estimate"}
    growth = series[(series["indicator"] == "digital_economy_gmv_growth") & (series["country"] == "VNM")]
    by_edition = {(row.edition, row.period): round(row.value, 2) for row in growth.itertuples()}
    # the 2022 edition: 23 billion in 2022 over 18 in 2021; the 2023 edition revised 2022 to 25
    assert by_edition[("2022", "2022")] == round((23 / 18 - 1) * 100, 2)
    assert by_edition[("2023", "2023")] == round((30 / 25 - 1) * 100, 2)
    # never across editions: the 2024 edition starts in 2022, so it gives no growth for 2022
    assert ("2024", "2022") not in by_edition and ("2023", "2022") in by_edition
    ranks = series[(series["indicator"] == "digital_economy_gmv_growth_rank") & (series["edition"] == "2022")
                   & (series["period"] == "2022")]
    assert sorted(ranks["value"]) == [1, 2, 3, 4, 5, 5]  # six countries; Malaysia and Thailand tie at 16.7%


# --- every claim a verdict -----------------------------------------------------------------------------------------

def test_every_clean_row_has_one_verdict_row_with_its_reason(built):
    compared, clean = built.claims_vs_official, built.indicators
    assert sorted(zip(compared["figure_id"], compared["kind"])) == sorted(zip(clean["figure_id"], clean["kind"]))
    figures = pd.read_csv(paths.FIGURES_CSV, dtype=str)
    assert set(compared["figure_id"]) == set(figures["figure_id"])
    assert set(compared["verdict"]) <= set(verdicts.VERDICTS)
    assert compared["reason"].map(bool).all() and compared["reason_vi"].map(bool).all()
    assert (compared["reason"] != compared["reason_vi"]).all()
    checked = compared[compared["verdict"].isin(("agrees", "differs"))]
    assert checked["figure_id"].nunique() >= 12


def test_every_indicator_the_articles_use_has_its_link_row():
    # a claim without a link is "not checked" by default: in the committed data each indicator's row says why
    links = pd.read_csv(paths.DATA_RAW / "claim_links.csv", dtype=str)
    used = set(pd.read_csv(paths.FIGURES_CSV, dtype=str)["indicator"])
    assert not sorted(used - set(links["indicator"])), "indicators without a row in claim_links.csv"


def test_the_multiple_of_gdp_growth_is_read_year_by_year_and_taken_together(built):
    row = by_figure(built.claims_vs_official, "s004-20")
    growth = built.official[(built.official["indicator"] == "gdp_growth") & (built.official["country"] == "VNM")]
    by_year = dict(zip(growth["period"], growth["value"]))
    assert row["official_value"] == round((28 + 19) / (by_year["2022"] + by_year["2023"]), 2)
    assert row["verdict"] == "agrees"  # 3.48, within the rounding of 3.5 and of 28% and 19%
    assert f"2022: 28 / {by_year['2022']:.2f} = {28 / by_year['2022']:.2f}" in row["reason"]


def test_an_amount_in_two_currencies_is_checked_at_the_years_official_rate(built):
    row = by_figure(built.claims_vs_official, "s001-12")
    rate = built.official[(built.official["indicator"] == "exchange_rate_lcu_per_usd")
                          & (built.official["country"] == "VNM") & (built.official["period"] == "2021")]["value"].item()
    assert row["official_value"] == round(351.53e6 * rate)
    # 8.1 trillion / 351.53 million = 23,042 dong per dollar; 2021's rate 23,160 is within the rounding of 8.1 (0.6%)
    assert row["verdict"] == "agrees" and row["official_period"] == "2021"


def test_a_share_of_the_population_is_set_against_the_group_it_may_mean(built):
    row = by_figure(built.claims_vs_official, "s002-07")
    people = built.official[(built.official["country"] == "VNM") & (built.official["period"] == "2024")]
    values = dict(zip(people["indicator"], people["value"]))
    adults = values["population"] * (1 - values["population_0_14_share"] / 100)
    assert row["official_value"] == round(55_250_000 / adults * 100, 2)
    assert row["verdict"] == "agrees"  # "nearly 73%": 71.3% of those aged 15 and over
    assert f"{round(55_250_000 / values['population'] * 100, 1)}% of the whole population" in row["reason"]


@pytest.mark.parametrize("figure_id, verdict, official_value", [
    ("s001-24", "target_not_yet_known", 71),   # top 50 by 2025: 71st in the 2024 survey, the latest
    ("s000-14", "target_not_yet_known", 5),    # third in ASEAN by 2030: fifth in 2024
])
def test_a_target_is_read_against_the_latest_public_value(built, figure_id, verdict, official_value):
    row = by_figure(built.claims_vs_official, figure_id, "target")
    assert (row["verdict"], row["official_value"], row["official_period"]) == (verdict, official_value, "2024")


@pytest.mark.parametrize("latest_year, verdict", [("2024", "target_not_yet_known"), ("2025", "target_met"),
                                                  ("2026", "target_met")])
def test_a_target_is_met_or_not_only_from_its_year_on(built, latest_year, verdict):
    official_rows = pd.DataFrame([{"indicator": "egdi_rank", "country": "VNM", "period": latest_year, "value": 40,
                                   "unit": "rank", "dataset": "t", "edition": latest_year, "source_kind": "official"}])
    links = pd.DataFrame([{"indicator": "egdi_rank", "comparison": "rank", "series": "egdi_rank", "group": "",
                           "tolerance": "", "verdict": "", "reason": "", "reason_vi": ""}])
    claim = {"figure_id": "t", "source_id": "t", "kind": "target", "indicator": "egdi_rank", "country": "VNM",
             "period": "2025", "value": 50, "qualifier": "at_most"}
    table = verdicts.claims_vs_official(pd.DataFrame([claim]), pd.DataFrame(columns=["indicator", "family", "share_of"]),
                                        official_rows, links, {}, {}, "links.csv")
    assert table["verdict"].tolist() == [verdict]


@pytest.mark.parametrize("value, qualifier, verdict", [
    (86, "exact", "agrees"), (85, "exact", "differs"), (80, "at_least", "agrees"), (90, "at_least", "differs"),
    (90, "at_most", "agrees"), (84, "at_most", "differs"), (84, "approx", "agrees"), (70, "approx", "differs"),
])
def test_qualifiers_bound_the_claim(built, value, qualifier, verdict):
    links = pd.DataFrame([{"indicator": "egdi_rank", "comparison": "rank", "series": "egdi_rank", "group": "",
                           "tolerance": "", "verdict": "", "reason": "", "reason_vi": ""}])
    claim = {"figure_id": "t", "source_id": "t", "kind": "observed", "indicator": "egdi_rank", "country": "VNM",
             "period": "2022", "value": value, "qualifier": qualifier}
    table = verdicts.claims_vs_official(pd.DataFrame([claim]), pd.DataFrame(columns=["indicator", "family", "share_of"]),
                                        built.official, links, {}, {}, "links.csv")
    assert table["verdict"].tolist() == [verdict]
    assert table["difference"].tolist() == [86 - value]


def test_a_claim_without_a_link_is_not_checked_and_says_so(built):
    claim = {"figure_id": "t", "source_id": "t", "kind": "observed", "indicator": "new_indicator", "country": "VNM",
             "period": "2022", "value": 1, "qualifier": "exact"}
    table = verdicts.claims_vs_official(pd.DataFrame([claim]), pd.DataFrame(columns=["indicator", "family", "share_of"]),
                                        built.official, pd.DataFrame(columns=verdicts.LINK_COLUMNS), {}, {},
                                        "claim_links.csv")
    (row,) = table.to_dict("records")
    assert row["verdict"] == "not_checked" and "claim_links.csv" in row["reason"] and "claim_links.csv" in row["reason_vi"]


@pytest.mark.parametrize("value, half", [(3.5, 0.05), (28, 0.5), (8_100_000_000_000, 5e10), (351_530_000, 5e3)])
def test_half_a_unit_of_the_last_digit_written(value, half):
    assert verdicts.half_unit(value) == pytest.approx(half)
