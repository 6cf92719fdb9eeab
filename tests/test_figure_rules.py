"""The rules every figure of data/raw/figures.csv follows (helpers.propose.rules), each held on the data and
shown to fail on a row that breaks it."""
import re

import pytest

from helpers import paths
from helpers.data import raw
from helpers.data.clean import clean_figures
from helpers.data.parse import parse_value
from helpers.propose import candidates
from helpers.propose.rules import quoted_phrases, rule_problems
from test_raw import rewrite_figures


def problems_of(raw_dir, sources_dir):
    layer = raw.load_raw_layer(raw_dir, sources_dir)
    return [str(p) for p in rule_problems(layer.figures, layer.sources, clean_figures(layer), layer.texts)]


def test_every_figure_follows_the_rules(sources_dir):
    assert problems_of(paths.DATA_RAW, sources_dir) == []


def test_every_figure_at_its_articles_date_gives_the_texts_reason(sources_dir):
    """Its period is a phrase of the text ('Currently', 'Since 2021'), or its period_inferred quotes one."""
    layer = raw.load_raw_layer(paths.DATA_RAW, sources_dir)
    clean = clean_figures(layer)
    published = dict(zip(layer.sources["source_id"], layer.sources["published"]))
    at_publication = set(clean[(clean["kind"] == "observed")
                               & (clean["period"] == clean["source_id"].map(published))]["figure_id"])
    assert len(at_publication) > 10  # the rule is exercised
    for figure in layer.figures[layer.figures["figure_id"].isin(at_publication)].itertuples():
        text = layer.texts[figure.source_id]
        phrases = [figure.period_raw] if figure.period_raw else quoted_phrases(figure.period_inferred)
        assert phrases and all(p in text for p in phrases), figure.figure_id


def test_an_undated_observation_is_refused(raw_copy, sources_dir):
    def undate(rows):
        for row in rows:
            if row["figure_id"] == "s003-08":
                row["period_inferred"] = row["period_inferred_vi"] = ""
    rewrite_figures(raw_copy, undate)
    assert any("[s003-08]: dated at its article's publication date without a reason" in p
               for p in problems_of(raw_copy, sources_dir))


def test_a_reason_that_quotes_nothing_of_the_text_is_refused(raw_copy, sources_dir):
    def misquote(rows):
        for row in rows:
            if row["figure_id"] == "s003-08":
                row["period_inferred"] = '2022-12: "as the minister said"'
    rewrite_figures(raw_copy, misquote)
    assert any("[s003-08]: period_inferred at the publication date quotes no phrase" in p
               for p in problems_of(raw_copy, sources_dir))


def test_a_range_of_years_is_not_a_stated_period(raw_copy, sources_dir):
    def as_range(rows):
        for row in rows:
            if row["figure_id"] == "s004-28":
                row["period_raw"], row["period_inferred"], row["period_inferred_vi"] = "in the period of 2022 - 2024", "", ""
    rewrite_figures(raw_copy, as_range)
    assert any("[s004-28]: period_raw 'in the period of 2022 - 2024' is a range of years" in p
               for p in problems_of(raw_copy, sources_dir))


def test_ranges_stay_ranges():
    layer = raw.load_raw_layer(paths.DATA_RAW)
    clean = clean_figures(layer)
    ranges = [row for row in clean.itertuples() if parse_value(row.value_raw).low is not None]
    assert ranges and all(row.value_low < row.value_high for row in ranges)


@pytest.mark.parametrize("words, qualifier", [
    (("nearly", "about", "around", "almost"), "approx"),
    (("more than", "over", "at least"), "at_least"),
])
def test_one_reading_of_each_qualifier(words, qualifier):
    """The parser's one table, and no figure whose note reads its qualifier otherwise."""
    assert {parse_value(f"{word} 5%").qualifier for word in words} == {qualifier}
    layer = raw.load_raw_layer(paths.DATA_RAW)
    qualified = [f for f in layer.figures.itertuples() if f.value_raw.lower().startswith(words)]
    assert qualified
    for figure in qualified:
        assert parse_value(figure.value_raw).qualifier == qualifier
        assert not re.search(r"upper bound|lower bound|\bat most\b", figure.note), figure.figure_id


def test_a_note_reading_nearly_as_a_bound_is_refused(raw_copy, sources_dir):
    def as_bound(rows):
        for row in rows:
            if row["figure_id"] == "s002-07":
                row["note"], row["note_vi"] = "an upper bound of the share", "cận trên của tỷ lệ"
    rewrite_figures(raw_copy, as_bound)
    assert any("[s002-07]: the note reads 'nearly 73%' otherwise than as approx" in p
               for p in problems_of(raw_copy, sources_dir))


def overlap(one, other) -> bool:
    return one is not None and other is not None and one[0] < other[1] and other[0] < one[1]


def test_every_all_or_every_target_is_captured_as_100_percent(sources_dir):
    """Each 'all'/'every' the proposer reads as a target in a source is a figure of 100% whose quote holds it."""
    project = candidates.load_project()
    for source in project.sources.itertuples():
        text = raw.decoded(sources_dir / source.file)
        article = candidates.Article(text, source.source_id, source.published)
        proposed = candidates.propose(article, project.vocabulary(source.source_id), project.clean)
        wholes = proposed[(proposed["action"] == "figure") & (proposed["kind"] == "target")
                          & proposed["token"].str.lower().isin(["all", "every", "launched"])]
        figures = project.figures[project.figures["source_id"] == source.source_id]
        for whole in wholes.itertuples():
            where = candidates.raw_span(text, whole.quote)
            holders = figures[figures["quote"].map(lambda quote: overlap(candidates.raw_span(text, quote), where))
                              & (figures["value_raw"].str.lower() == whole.token.lower())]
            assert len(holders), (source.source_id, whole.quote)
            assert parse_value(holders.iloc[0]["value_raw"]).value == 100
