"""The official series: byte-for-byte raw copies described by validated metadata, every survey edition checked."""
import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.data import official
from helpers.data.official import OfficialDataError

# Viet Nam's EGDI rank as each UN E-Government Survey published it.
PUBLISHED_VNM_EGDI_RANK = {2010: 90, 2012: 83, 2014: 99, 2016: 89, 2018: 88, 2020: 86, 2022: 86, 2024: 71}
META_FILES = official.metadata_files()
SURVEY_META_FILES = [path for path in META_FILES if official.read_metadata(path)["reader"] == "un_egov_survey"]
NOT_RAW_COPIES = {"README.md", paths.OFFICIAL_GAPS, ".gitattributes"}


def meta_id(path: Path) -> str:
    return path.name.removesuffix(official.META_SUFFIX)


@pytest.fixture(scope="module")
def official_table() -> pd.DataFrame:
    return official.official_indicators()


@pytest.fixture
def official_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/raw/official that a test may break."""
    target = tmp_path / "official"
    shutil.copytree(paths.OFFICIAL_RAW, target)
    return target


def rewrite(folder: Path, dataset: str, edit) -> Path:
    """Edit a copied raw file's text and record its new sha256, size and rows, so that only the edit is wrong."""
    meta_path = folder / f"{dataset}{official.META_SUFFIX}"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = folder / meta["file"]
    data = edit(path.read_bytes().decode("utf-8")).encode("utf-8")
    path.write_bytes(data)
    meta.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                rows=len(data.decode("utf-8").splitlines()) - 1)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return meta_path


def line_of(folder: Path, file: str, text: str) -> int:
    lines = (folder / file).read_bytes().decode("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


# --- the raw copies ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("meta_path", META_FILES, ids=meta_id)
def test_raw_copy_is_byte_for_byte_what_its_metadata_records(meta_path):
    meta = official.read_metadata(meta_path)
    data = (meta_path.parent / meta["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert len(data) == meta["bytes"]
    assert len(data.decode(meta["format"]["encoding"]).splitlines()) - 1 == meta["rows"]
    assert meta["dataset"] == meta_id(meta_path)
    assert re.fullmatch(r"[0-9a-f]{40}", meta["copy"]["commit"]) and meta["copy"]["repository"] and meta["copy"]["path"]
    assert meta["url_main"].startswith("https://") and meta["license"]["name"] and meta["caveats"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date_accessed"]) and meta["source_kind"] in official.SOURCE_KINDS


def test_every_raw_file_has_metadata_and_every_metadata_its_file():
    described = {official.read_metadata(path)["file"] for path in META_FILES}
    present = {path.name for path in paths.OFFICIAL_RAW.iterdir()
               if not path.name.endswith(official.META_SUFFIX) and path.name not in NOT_RAW_COPIES}
    assert described == present


def test_gaps_are_the_editions_not_in_the_raw_files(official_table):
    gaps = official.gaps()
    assert list(gaps.columns) == ["dataset", "edition", "status", "copy", "copy_sha256", "note"]
    assert set(gaps["edition"].astype(int)) == {2003, 2004, 2005, 2008}
    assert not set(gaps["edition"].astype(int)) & set(official.survey_editions(official_table))
    assert (gaps["note"] != "").all()


# --- every edition checked ------------------------------------------------------------------------------------

@pytest.mark.parametrize("meta_path", SURVEY_META_FILES, ids=meta_id)
def test_every_edition_has_every_member_of_its_year_once(meta_path):
    year = official.read_metadata(meta_path)["edition"]
    edition = official.read_survey_edition(meta_path)
    assert len(edition) == (192 if year == 2010 else 193)
    assert set(edition["country"]) == official.un_members(year)
    assert edition["country"].is_unique


def test_membership_follows_admissions():
    assert len(official.UN_MEMBERS) == 193
    assert "SSD" not in official.un_members(2010) and "SSD" in official.un_members(2012)
    with pytest.raises(OfficialDataError, match="Serbia and Montenegro"):
        official.un_members(2005)


def test_viet_nam_egdi_rank_is_the_published_one_in_every_edition(official_table):
    ranks = official_table[(official_table["indicator"] == "egdi_rank") & (official_table["country"] == "VNM")]
    assert {int(period): value for period, value in zip(ranks["period"], ranks["value"])} == PUBLISHED_VNM_EGDI_RANK


def test_viet_nam_is_fifth_of_eleven_in_asean_in_2024(official_table):
    asean = official_table[(official_table["indicator"] == "egdi_rank_asean") & (official_table["period"] == "2024")]
    assert sorted(asean["country"]) == sorted(official.ASEAN_MEMBERS)
    assert dict(zip(asean["country"], asean["value"]))["VNM"] == 5


def test_derived_ranks_share_the_best_position_on_ties():
    edition = pd.DataFrame({"country": ["SGP", "VNM", "THA", "FRA"], "egdi_rank": [1, 3, 3, 2],
                            "osi": [0.9, 0.7, 0.7, 0.95]}).astype({"egdi_rank": "Int64"})
    ranked = official.survey_ranks(edition).set_index("country")
    assert ranked["osi_rank"].to_dict() == {"SGP": 2, "VNM": 3, "THA": 3, "FRA": 1}
    assert ranked["osi_rank_asean"].dropna().to_dict() == {"SGP": 1, "VNM": 2, "THA": 2}
    assert ranked["egdi_rank_asean"].dropna().to_dict() == {"SGP": 1, "VNM": 2, "THA": 2}


def test_long_table_is_sorted_plain_numbers_one_value_per_key(official_table):
    assert list(official_table.columns) == official.OFFICIAL_COLUMNS
    assert official_table.equals(official_table.sort_values(official.OFFICIAL_SORT_KEY, ignore_index=True))
    assert not official_table.duplicated(official.OFFICIAL_SORT_KEY).any()
    assert official_table["period"].str.fullmatch(r"\d{4}").all()
    described = official.described_indicators()
    assert set(official_table["unit"]) == {entry["unit"] for entry in described.values()}
    assert set(official_table["indicator"]) == set(described)
    whole = official_table[official_table["unit"].isin(("rank", "count"))]["value"]
    assert whole.map(lambda value: type(value) is int).all()
    indexes = official_table[official_table["unit"] == "index"]["value"]
    assert indexes.between(0, 1).all()


def test_population_is_every_un_member_from_the_world_bank(official_table):
    population = official_table[official_table["indicator"] == "population"]
    assert set(population["country"]) == official.UN_MEMBERS
    assert set(population["dataset"]) == {"wb_population"}
    vnm_2024 = population[(population["country"] == "VNM") & (population["period"] == "2024")]
    assert vnm_2024["value"].tolist() == [100987686]


def test_aliases_are_only_names_the_library_cannot_look_up():
    for name, code in official.NAME_ALIASES.items():
        assert official._library_code(name) is None, f"pycountry now knows '{name}': drop it from NAME_ALIASES"
        assert code in official.UN_MEMBERS


def test_country_names_resolve_through_the_library():
    assert official.country_code("Viet Nam ", "t") == "VNM"
    assert official.country_code("Iran (Islamic Republic of)", "t") == "IRN"
    assert official.country_code("Republic of Korea", "t") == "KOR"
    assert official.country_code("Democratic People's Republic of Korea", "t") == "PRK"


# --- bad input stops with file, line and expectation -------------------------------------------------------------

def test_a_truncated_copy_stops_naming_file_and_both_checksums(official_copy):
    meta = official.read_metadata(official_copy / "un_egov_2022.meta.json")
    path = official_copy / meta["file"]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    actual = hashlib.sha256(data[: len(data) // 2]).hexdigest()
    with pytest.raises(OfficialDataError) as error:
        official.official_indicators(official_copy)
    message = str(error.value)
    assert "un_egov_2022.csv" in message and meta["sha256"] in message and actual in message


def test_an_unknown_country_name_stops_naming_file_line_and_name(official_copy):
    rewrite(official_copy, "un_egov_2022", lambda text: text.replace('"Viet Nam "', '"Viet Land "'))
    line = line_of(official_copy, "un_egov_2022.csv", "Viet Land")
    with pytest.raises(OfficialDataError, match=rf"un_egov_2022\.csv: line {line}: country name 'Viet Land'"):
        official.official_indicators(official_copy)


def test_an_edition_with_a_member_missing_stops_naming_file_and_member(official_copy):
    def without_viet_nam(text):
        return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("2024,Viet Nam"))

    rewrite(official_copy, "un_egov_2024", without_viet_nam)
    with pytest.raises(OfficialDataError) as error:
        official.read_survey_edition(official_copy / "un_egov_2024.meta.json")
    message = str(error.value)
    assert "un_egov_2024.csv" in message and "193 UN members of 2024; missing: VNM" in message
    assert "rank" not in message  # ranks below the gap are not reported as wrong


def test_a_member_listed_twice_stops_naming_both_lines(official_copy):
    rewrite(official_copy, "un_egov_2014", lambda text: text.replace("THA,Thailand,", "VNM,Viet Nam,"))
    first, second = sorted(line_of(official_copy, "un_egov_2014.csv", text)
                           for text in ("VNM,Viet Nam,99,", "VNM,Viet Nam,102,"))
    with pytest.raises(OfficialDataError, match=rf"VNM appears on lines {first}, {second}; expected each member once"):
        official.read_survey_edition(official_copy / "un_egov_2014.meta.json")


def test_a_rank_out_of_order_stops_naming_line_and_expected_rank(official_copy):
    rewrite(official_copy, "un_egov_2018", lambda text: text.replace("VNM,Viet Nam,88,", "VNM,Viet Nam,10,"))
    line = line_of(official_copy, "un_egov_2018.csv", "VNM,Viet Nam")
    with pytest.raises(OfficialDataError, match=rf"line {line}: VNM has rank 10 .* expected rank 88"):
        official.read_survey_edition(official_copy / "un_egov_2018.meta.json")


def test_an_egdi_that_is_not_the_mean_of_its_components_stops(official_copy):
    rewrite(official_copy, "un_egov_2016",
            lambda text: text.replace("VNM,Viet Nam,89,0.51426,", "VNM,Viet Nam,89,0.51526,"))
    line = line_of(official_copy, "un_egov_2016.csv", "VNM,Viet Nam")
    with pytest.raises(OfficialDataError, match=rf"line {line}: VNM has EGDI 0.51526 .* expected within 0.0001"):
        official.read_survey_edition(official_copy / "un_egov_2016.meta.json")


def test_a_code_column_that_contradicts_the_name_stops(official_copy):
    rewrite(official_copy, "un_egov_2012", lambda text: text.replace("VNM,Viet Nam,", "THA,Viet Nam,"))
    with pytest.raises(OfficialDataError, match="the name 'Viet Nam' is VNM but the code column says THA"):
        official.read_survey_edition(official_copy / "un_egov_2012.meta.json")


def test_a_non_member_with_values_stops(official_copy):
    rewrite(official_copy, "un_egov_2010",
            lambda text: text.replace("SSD,South Sudan,,,,,,", "SSD,South Sudan,100.0,,,,,"))
    with pytest.raises(OfficialDataError, match="SSD was not a UN member in 2010 but has values"):
        official.read_survey_edition(official_copy / "un_egov_2010.meta.json")


# --- the official series in the clean step -------------------------------------------------------------

def clean_snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("damage", ["truncated", "unknown name"])
def test_bad_official_input_stops_the_clean_step_and_leaves_the_clean_files(raw_copy, tmp_path, damage):
    from helpers.data import pipeline

    clean_dir = tmp_path / "clean"
    pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    before = clean_snapshot(clean_dir)
    edition = raw_copy / "official" / "un_egov_2024.csv"
    text = edition.read_bytes()
    if damage == "truncated":
        edition.write_bytes(text[: len(text) // 2])
        expected = r"un_egov_2024\.csv.*sha256"
    else:
        edition.write_bytes(text.replace(b"Viet Nam", b"Vietnamia"))
        meta_path = raw_copy / "official" / "un_egov_2024.meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["sha256"], meta["bytes"] = hashlib.sha256(edition.read_bytes()).hexdigest(), edition.stat().st_size
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        expected = r"un_egov_2024\.csv.*line \d+.*Vietnamia"
    with pytest.raises(OfficialDataError, match=expected):
        pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    assert clean_snapshot(clean_dir) == before


def test_the_clean_step_publishes_the_official_series_and_every_claim_against_it(raw_copy, tmp_path):
    from helpers.data import pipeline

    clean_dir = tmp_path / "clean"
    result = pipeline.run_clean_step(raw_copy, clean_dir, None, False)
    written = pd.read_csv(clean_dir / paths.OFFICIAL_INDICATORS, dtype={"period": str})
    assert len(written) == len(result.official)
    vnm_2024 = written[(written["country"] == "VNM") & (written["period"] == "2024")].set_index("indicator")["value"]
    assert (vnm_2024["egdi_rank"], vnm_2024["egdi_rank_asean"]) == (71, 5)
    compared = pd.read_csv(clean_dir / paths.CLAIMS_VS_OFFICIAL, dtype=str, keep_default_na=False)
    claims = result.indicators.fillna({"period": ""})
    assert sorted(zip(compared["figure_id"], compared["kind"], compared["period"])) == \
        sorted(zip(claims["figure_id"], claims["kind"], claims["period"]))
    assert (compared["reason"] != "").all() and (compared["reason_vi"] != "").all()
    package = json.loads((clean_dir / paths.DATAPACKAGE).read_text(encoding="utf-8"))
    assert {"official_indicators", "claims_vs_official"} <= {r["name"] for r in package["resources"]}
    cited = {s.get("sha256") for s in package["sources"]}
    for meta_path in official.metadata_files(raw_copy / "official"):
        assert official.read_metadata(meta_path)["sha256"] in cited
