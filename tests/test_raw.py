"""The raw layer: sources register, figures and vocabulary are consistent and traceable."""
import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.data import audit, raw
from helpers.files import csv_text
from helpers.tools import environment


def rewrite_figures(raw_dir: Path, change) -> None:
    """Apply `change(rows)` to figures.csv in a scratch raw folder."""
    path = raw_dir / "figures.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_raw_layer_is_valid_with_documents(sources_dir):
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    assert layer.texts is not None and len(layer.texts) == len(layer.sources) == 5


def test_raw_tables_are_valid_without_documents(tmp_path):
    layer = raw.load_raw_layer(paths.DATA_RAW, tmp_path / "absent")
    assert layer.texts is None
    assert layer.figures["figure_id"].is_unique


def test_every_quote_is_verbatim_and_holds_its_value(sources_dir):
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    for figure in layer.figures.itertuples():
        assert figure.quote in layer.texts[figure.source_id], figure.figure_id
        assert figure.value_raw in figure.quote, figure.figure_id


def test_every_sha256_matches(sources_dir):
    sources = raw.load_sources()
    for source in sources.itertuples():
        assert raw.sha256_of(sources_dir / source.file) == source.sha256, source.file


def test_ids_follow_the_rules():
    figures, sources, indicators = raw.load_figures(), raw.load_sources(), raw.load_indicators()
    assert figures["figure_id"].is_unique
    assert set(figures["source_id"]) <= set(sources["source_id"])
    assert all(raw.INDICATOR_ID.match(i) for i in indicators["indicator"])
    assert set(figures["indicator"]) <= set(indicators["indicator"])


def test_core_indicators_are_in_the_vocabulary():
    core = {"egdi_rank", "egdi_rank_asean", "osi_rank", "osi_rank_asean", "open_data_rank", "vneid_accounts",
            "chip_id_cards", "digital_economy_growth", "digital_economy_growth_rank_asean"}
    indicators = raw.load_indicators()
    assert core == set(indicators.loc[indicators["core"] == "true", "indicator"])


@pytest.mark.parametrize("change, expected", [
    (lambda rows: rows[0].update(source_id=""), r"figures\.csv:2 \[s000-01\]: empty source_id"),
    (lambda rows: rows[1].update(source_id="s999"), r"figures\.csv:3 \[\S+\]: unknown source_id 's999'"),
    (lambda rows: rows[2].update(quote=rows[2]["quote"] + " invented words"), r"figures\.csv:4 \[\S+\]: quote not found verbatim in \S+\.txt"),
    (lambda rows: rows[3].update(value_raw="12,3x million"), r"figures\.csv:5 \[\S+\]: value_raw '12,3x million' is not inside its quote"),
    (lambda rows: rows[5].update(figure_id=rows[4]["figure_id"]), r"figures\.csv:7 \[\S+\]: duplicate figure_id '\S+' \(first on line 6\)"),
    (lambda rows: rows[6].update(indicator="EGDI-Rank"), r"figures\.csv:8 \[\S+\]: indicator id 'EGDI-Rank' is not snake_case"),
    (lambda rows: rows[6].update(indicator="egdi_rank_typo"), r"figures\.csv:8 \[\S+\]: indicator 'egdi_rank_typo' is not in indicators\.csv"),
])
def test_bad_figures_are_named_by_file_line_and_id(raw_copy, sources_dir, change, expected):
    rewrite_figures(raw_copy, change)
    with pytest.raises(raw.RawDataError, match=expected):
        raw.load_raw_layer(raw_copy, sources_dir)


def update_figure(figure_id: str, **fields):
    """A change for rewrite_figures: set some fields of one figure."""
    def change(rows):
        next(row for row in rows if row["figure_id"] == figure_id).update(fields)
    return change


@pytest.mark.parametrize("figure_id, fields, expected", [
    ("s004-27", {"relates_to": "s004-26 s004-25"},
     r"\[s004-27\]: relates_to 's004-26 s004-25': expected 'part / base' readings separated by '; '"),
    ("s004-27", {"relates_to": "s003-01 / s004-25"}, r"\[s004-27\]: relates_to: part 's003-01' is not a figure of s004"),
    ("s004-27", {"relates_to": "s004-26 / s003-01"},
     r"\[s004-27\]: relates_to: base 's003-01' is neither '\?', a figure of s004, nor an indicator in indicators\.csv"),
    ("s004-30", {"relates_to": "s004-26 / s004-25"},
     r"\[s004-30\]: relates_to is for a multiple or a share \(unit times or percent\); "
     r"indicator 'project06_guiding_viewpoints' is in 'count'"),
    ("s002-10", {"period_inferred": "2022"},
     r"\[s002-10\]: period_inferred '2022': expected 'YYYY\[-MM\[-DD\]\]: why'"),
    ("s002-10", {"period_raw": "2022"},
     r"\[s002-10\]: period_inferred is only for figures whose text gives no period; period_raw is '2022'"),
    ("s000-01", {"note_vi": ""}, r"\[s000-01\]: note is written but note_vi is empty: translate it"),
    ("s000-01", {"period_inferred_vi": ""},
     r"\[s000-01\]: period_inferred is written but period_inferred_vi is empty: translate it"),
    ("s000-02", {"note_vi": "ghi chú"}, r"\[s000-02\]: note_vi is written but note is empty"),
])
def test_bad_relations_and_inferred_periods_are_named_by_file_line_and_id(raw_copy, sources_dir, figure_id, fields,
                                                                          expected):
    rewrite_figures(raw_copy, update_figure(figure_id, **fields))
    with pytest.raises(raw.RawDataError, match=r"figures\.csv:\d+ " + expected):
        raw.load_raw_layer(raw_copy, sources_dir)


def test_a_source_without_its_translation_is_named(raw_copy, sources_dir):
    path = raw_copy / "sources.csv"
    sources = raw.load_sources(path)
    path.write_text(path.read_text(encoding="utf-8").replace(sources["published_basis_vi"].iloc[1], ""),
                    encoding="utf-8")
    with pytest.raises(raw.RawDataError, match=r"sources\.csv:3: source 's001': published_basis is written but "
                                               r"published_basis_vi is empty: translate it"):
        raw.load_raw_layer(raw_copy, sources_dir)


def test_relations_read_each_reading():
    assert raw.relations("s004-18 / ?; s004-19 / ?") == [raw.Relation("s004-18", "?"), raw.Relation("s004-19", "?")]
    assert raw.relations("s002-14 / public_services_total") == [raw.Relation("s002-14", "public_services_total")]


def test_a_wrong_checksum_names_the_source(raw_copy, sources_dir):
    path = raw_copy / "sources.csv"
    text = path.read_text(encoding="utf-8")
    first_hash = raw.load_sources(path)["sha256"].iloc[0]
    path.write_text(text.replace(first_hash, "0" * 64), encoding="utf-8")
    with pytest.raises(raw.RawDataError, match=r"sources\.csv:2: source 's000': sha256 of \S+ is [0-9a-f]{64}, recorded 0{64}"):
        raw.load_raw_layer(raw_copy, sources_dir)


def test_audit_is_current_and_complete(sources_dir):
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    rebuilt = audit.build_audit(layer, raw.load_out_of_scope())
    unexplained = rebuilt[rebuilt["status"] == "unexplained"]
    assert unexplained.empty, "numeric tokens neither captured nor explained:\n" + unexplained.to_string()
    committed = paths.AUDIT_CSV.read_text(encoding="utf-8")
    assert csv_text(rebuilt) == committed, "data/raw/extraction_audit.csv is stale: run `make data`"


def test_audit_flags_a_token_nobody_captured(raw_copy, sources_dir):
    rewrite_figures(raw_copy, lambda rows: rows.pop(0))
    layer = raw.load_raw_layer(raw_copy, sources_dir)
    rebuilt = audit.build_audit(layer, raw.load_out_of_scope(raw_copy / "out_of_scope.csv"))
    assert (rebuilt["status"] == "unexplained").any()


def test_audit_counts_every_number_in_digits_and_in_words(sources_dir):
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    rebuilt = audit.build_audit(layer, raw.load_out_of_scope())
    digits = sum(len(re.findall(r"\d+(?:[.,]\d+)*", text)) for text in layer.texts.values())
    words = rebuilt[~rebuilt["token"].str[0].str.isdigit()]
    assert len(rebuilt) == digits + len(words)
    assert set(words["token"].str.lower()) <= set(audit.NUMBER_WORDS)
    assert len(words) == 35


@pytest.mark.parametrize("source_id, token, status, figure_ids", [
    ("s001", "sixth", "captured", "s001-02"),            # "In Southeast Asia, Vietnam ranked sixth."
    ("s001", "five", "captured", "s001-25"),             # "sets out five objectives"
    ("s002", "five", "captured", "s002-10"),             # "a rise of five places since 2020"
    ("s004", "decade", "captured", "s004-15"),           # "maintain it for about a decade"
    ("s004", "two", "captured", "s004-09;s004-10"),      # "For two consecutive years 2022 and 2023"
    ("s000", "First", "out_of_scope", ""),               # "The First Counselor"
    ("s004", "once", "out_of_scope", ""),                # "once the focus and key points"
])
def test_audit_covers_numbers_written_as_words(sources_dir, source_id, token, status, figure_ids):
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    rebuilt = audit.build_audit(layer, raw.load_out_of_scope())
    rows = rebuilt[(rebuilt["source_id"] == source_id) & (rebuilt["token"] == token)]
    assert (status, figure_ids) in set(zip(rows["status"], rows["figure_ids"]))


def test_an_unexplained_number_word_is_flagged(raw_copy, sources_dir):
    path = raw_copy / "out_of_scope.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "once the focus" not in line), encoding="utf-8")
    layer = raw.load_raw_layer(raw_copy, sources_dir)
    rebuilt = audit.build_audit(layer, raw.load_out_of_scope(path))
    unexplained = rebuilt[rebuilt["status"] == "unexplained"]
    assert list(zip(unexplained["source_id"], unexplained["token"])) == [("s004", "once")]


def test_a_number_word_is_captured_whatever_its_case():
    figures = pd.DataFrame([{"figure_id": "t-01", "value_raw": "sixth", "period_raw": "", "change_raw": "", "note": "",
                             "quote": "Vietnam ranked Sixth"}])
    out_of_scope = pd.DataFrame(columns=["context", "reason"])
    rows = audit.audit_source("t", "In 2020 Vietnam ranked Sixth.", figures, out_of_scope)
    assert [(r["token"], r["status"]) for r in rows] == [("2020", "unexplained"), ("Sixth", "captured")]


def test_stale_out_of_scope_context_is_an_error(raw_copy, sources_dir):
    path = raw_copy / "out_of_scope.csv"
    path.write_text(path.read_text(encoding="utf-8") + "s001,a context that is nowhere,date\n", encoding="utf-8")
    layer = raw.load_raw_layer(raw_copy, sources_dir)
    with pytest.raises(raw.RawDataError, match=r"out_of_scope\.csv:\d+: context not found in source 's001'"):
        audit.build_audit(layer, raw.load_out_of_scope(path))


def test_environment_yml_and_lock_agree():
    lock = environment.lock_pins()
    assert lock, "requirements.lock is empty"
    assert environment.environment_yml_pins() == lock
    direct = [line.split("#")[0].strip().lower() for line in (paths.ROOT / "requirements.in").read_text().splitlines()]
    missing = [name for name in direct if name and name not in lock]
    assert not missing, f"direct dependencies not pinned in requirements.lock: {missing}"
