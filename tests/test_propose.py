"""The proposer: candidate rows for an article, measured against the hand-made raw tables, and accepted
into the raw tables through the raw reader."""
import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.data import raw
from helpers.data.parse import parse_value
from helpers.propose import accept, candidates, measure

# The shares the proposer reaches on the five sources (python -m helpers.propose.measure); the
# README and docs/ADDING_AN_ARTICLE.md state them.
FOUND_AT_LEAST = 0.95
FIELD_RIGHT_AT_LEAST = 0.85

NEW_ARTICLE = """Digital services reach more provinces

Hanoi, 12/05/2025. At the second session of the committee, held on May 12, 2025, officials said that
Twenty-three percent of rural households now use the national payment app. Since 2023, four enterprises
have built cloud platforms under Decree No. 13/2023/ND-CP, and online applications grew three times
compared with 2022. The plan aims to have all commune offices connected by 2026.
"""


def write_rows(path: Path, columns, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def new_project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A raw folder with one registered article the project has never seen, and the folder of its text."""
    documents = tmp_path / "sources"
    documents.mkdir()
    article = documents / "new_article.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    shutil.copy(paths.INDICATORS_CSV, raw_dir / paths.INDICATORS)
    write_rows(raw_dir / paths.SOURCES, raw.SOURCE_COLUMNS, [{
        "source_id": "s100", "file": article.name, "sha256": raw.sha256_of(article), "title": "Digital services",
        "outlet": "unknown", "published": "2025-05-12", "published_basis": "stated: dated in the text",
        "published_basis_vi": "nêu rõ: ngày ghi trong bài", "language": "en", "url": ""}])
    write_rows(raw_dir / paths.FIGURES_TABLE, raw.FIGURE_COLUMNS, [])
    write_rows(raw_dir / paths.OUT_OF_SCOPE, raw.OUT_OF_SCOPE_COLUMNS, [])
    return raw_dir, documents, article


def proposed_for(raw_dir: Path, article_path: Path) -> pd.DataFrame:
    project = candidates.load_project(raw_dir)
    article, first = candidates.article_of(article_path, project)
    return candidates.propose(article, project.vocabulary(article.source_id), project.clean, first)


def test_a_new_article_gets_every_column_and_its_number_words(new_project):
    raw_dir, _, article = new_project
    rows = proposed_for(raw_dir, article)
    assert list(rows.columns) == candidates.PROPOSED_COLUMNS
    figures = rows[rows["action"] == "figure"].set_index("token")
    assert figures.loc["Twenty-three percent", ["value", "unit", "qualifier", "kind", "period"]].tolist() == \
        [23, "percent", "exact", "observed", "2025-05-12"]
    assert figures.loc["four", ["value", "unit", "period", "period_raw"]].tolist() == [4, "count", "2025-05-12", "Since 2023"]
    assert figures.loc["three times", ["value", "unit"]].tolist() == [3, "times"]
    target = figures.loc["all"]
    assert (target["value"], target["unit"], target["kind"], target["period"]) == (100, "percent", "target", "2026")
    for token, row in figures.iterrows():
        assert token in row["quote"] and row["quote"] in NEW_ARTICLE
        assert len(row["quote"].split()) <= candidates.MAX_QUOTE_WORDS


def test_dates_ordinals_and_document_numbers_are_proposed_to_leave_out(new_project):
    raw_dir, _, article = new_project
    rows = proposed_for(raw_dir, article)
    left_out = rows[rows["action"] == "leave_out"].set_index("token")["reason"]
    assert left_out["second"] == "meeting ordinal"
    assert left_out["13"] == "document number"
    assert "2022" in left_out and "2022" not in rows[rows["action"] == "figure"]["period"].tolist()
    # the years that date the figures are theirs, or left out as dates
    assert set(rows[rows["token"] == "2025"]["action"]) <= {"period", "leave_out"}


def test_a_figure_another_source_states_is_flagged(new_project):
    raw_dir, _, article = new_project
    project = candidates.load_project(raw_dir)
    art, first = candidates.article_of(article, project)
    known = pd.DataFrame([{"source_id": "s009", "figure_id": "s009-01", "indicator": "", "value": 23,
                           "unit": "percent", "period": "2025-05-12"}])
    rows = candidates.propose(art, project.vocabulary("s100"), known, first)
    flagged = rows.set_index("token")["also_in"]
    assert flagged["Twenty-three percent"] == "s009-01"
    assert flagged["four"] == ""


def test_reviewed_rows_are_accepted_through_the_raw_reader(new_project, tmp_path):
    """Once a reviewer has filled the blanks (here: the indicators), every proposed row passes the raw reader, the
    clean step and the rules, and the audit finds every number of the article captured or explained."""
    raw_dir, documents, article = new_project
    rows = proposed_for(raw_dir, article)
    reviewed = {"Twenty-three percent": "households_fibre_broadband_share", "all": "admin_procedures_digitised_share",
                "four": "project06_utility_groups", "three times": "digital_signature_share_multiple"}
    assert set(rows[rows["action"] == "figure"]["token"]) == set(reviewed)
    for token, indicator in reviewed.items():
        rows.loc[rows["token"] == token, "indicator"] = indicator
    proposal = tmp_path / "reviewed.csv"
    rows.to_csv(proposal, index=False)
    before = (raw_dir / paths.FIGURES_TABLE).read_text(encoding="utf-8")
    result = accept.accept(proposal, raw_dir, documents)
    layer = raw.load_raw_layer(raw_dir, documents)
    assert sorted(layer.figures["value_raw"]) == sorted(reviewed)
    assert (raw_dir / paths.FIGURES_TABLE).read_text(encoding="utf-8").startswith(before)
    left_out = raw.load_out_of_scope(raw_dir / paths.OUT_OF_SCOPE)
    assert {"meeting ordinal", "document number", "date"} <= set(left_out["reason"])
    assert result["status"].value_counts().get("unexplained", 0) == 0, result[result["status"] == "unexplained"]


def test_a_row_the_raw_reader_refuses_writes_nothing(new_project, tmp_path):
    raw_dir, documents, article = new_project
    rows = proposed_for(raw_dir, article)
    rows.loc[rows["token"] == "four", "indicator"] = "no_such_indicator"
    rows = rows[(rows["action"] != "figure") | (rows["token"] == "four")]
    proposal = tmp_path / "reviewed.csv"
    rows.to_csv(proposal, index=False)
    before = {name: (raw_dir / name).read_bytes() for name in (paths.FIGURES_TABLE, paths.OUT_OF_SCOPE)}
    with pytest.raises(raw.RawDataError, match="no_such_indicator"):
        accept.accept(proposal, raw_dir, documents)
    assert {name: (raw_dir / name).read_bytes() for name in before} == before


def test_an_observation_without_the_texts_date_is_refused(new_project, tmp_path):
    """The rules hold for accepted rows too: an observation dated at publication needs the text's reason."""
    raw_dir, documents, article = new_project
    rows = proposed_for(raw_dir, article)
    rows.loc[rows["token"] == "four", ["indicator", "period_raw"]] = ["project06_utility_groups", ""]
    rows = rows[(rows["action"] != "figure") | (rows["token"] == "four")]
    proposal = tmp_path / "reviewed.csv"
    rows.to_csv(proposal, index=False)
    with pytest.raises(raw.RawDataError, match=r"\[s100-\d+\]: dated at its article's publication date without a reason"):
        accept.accept(proposal, raw_dir, documents)


def test_an_unknown_action_names_the_line(new_project, tmp_path):
    raw_dir, documents, article = new_project
    rows = proposed_for(raw_dir, article)
    rows.loc[rows.index[0], "action"] = "maybe"
    proposal = tmp_path / "reviewed.csv"
    rows.to_csv(proposal, index=False)
    with pytest.raises(raw.RawDataError, match=r"reviewed.csv:2.*action 'maybe'"):
        accept.accept(proposal, raw_dir, documents)


def test_the_parser_reads_number_words():
    assert parse_value("Twenty-three percent").value == 23
    assert parse_value("ninety-nine").value == 99
    assert parse_value("three times").unit == "times"
    assert parse_value("12 per cent").unit == "percent"


def test_measured_on_the_sources(sources_dir):
    """At least 95% of the figures of the raw tables found, each field right on at least 85% of those."""
    measured = measure.measure(candidates.load_project(), sources_dir)
    assert len(measured) == len(candidates.load_project().clean)
    shares = measure.summary(measured)
    assert shares["found"] >= FOUND_AT_LEAST, measured[~measured["found"]]["figure_id"].tolist()
    for name in measure.FIELDS:
        found = measured[measured["found"]]
        assert shares[name] >= FIELD_RIGHT_AT_LEAST, (name, found[~found[name]]["figure_id"].tolist())


def test_measuring_fails_when_a_field_is_wrong(sources_dir):
    """The comparison is not blind: a proposal whose periods are all wrong is measured so."""
    project = candidates.load_project()
    source = project.sources.iloc[2]
    article = candidates.Article(raw.decoded(sources_dir / source.file), source.source_id, source.published)
    proposed = candidates.propose(article, project.vocabulary(source.source_id), project.clean)
    proposed["period"] = "1999"
    clean = project.clean[project.clean["source_id"] == source.source_id]
    figures = project.figures[project.figures["source_id"] == source.source_id]
    compared = measure.compare(proposed, clean, figures, article.text)
    assert compared["found"].all() and not compared["period"].any()


def test_a_goals_deadline_never_dates_an_observation(new_project):
    raw_dir, _, _ = new_project
    project = candidates.load_project(raw_dir)
    text = ("The ministry aims to connect all communes by the end of 2027. So far, 1,200 communes are connected. "
            "Another 300 communes joined the network.\n")
    article = candidates.Article(text, "s100", "2025-05-12")
    rows = candidates.propose(article, project.vocabulary("s100"), project.clean).set_index("token")
    assert rows.loc["all", ["kind", "period"]].tolist() == ["target", "2027"]
    assert rows.loc["1,200", ["kind", "period", "period_raw"]].tolist() == ["observed", "2025-05-12", "So far"]
    # the next sentence takes the paragraph's "So far", not the goal's 2027, and says where it took it from
    assert rows.loc["300", "period"] == "2025-05-12"
    assert '"So far"' in rows.loc["300", "period_inferred"]
