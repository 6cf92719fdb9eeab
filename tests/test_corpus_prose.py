"""No prose names the corpus by hand: the notebooks' markdown and the report template hold no source id, no
count of the articles and no figure of them; such words are computed from data/raw/sources.csv and the clean
layer, so that a new article changes no notebook, template or catalogue."""
import re

import nbformat
import pytest

from helpers import paths
from helpers.data import audit, raw
from helpers.i18n import prose_blocks

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
TEMPLATE = paths.TEMPLATES / paths.REPORT_TEMPLATE
SOURCE_ID = re.compile(r"\bs\d{3}\b")
COUNTED_ARTICLES = re.compile(rf"\b(?:\d+|{'|'.join(audit.NUMBER_WORDS)})\s+(?:news\s+)?articles\b",
                              re.IGNORECASE)


def markdown_of(path) -> str:
    return "\n\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")


def template_prose() -> str:
    """The template's words, its {{ ... }} and {% ... %} (computed) and {# ... #} (comments) left out."""
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", TEMPLATE.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_notebooks_prose_names_no_source_and_counts_no_article(path):
    prose = markdown_of(path)
    assert not SOURCE_ID.findall(prose)
    assert not COUNTED_ARTICLES.findall(prose)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_notebooks_question_quotes_no_figure(path):
    """The question is asked in words; the figures it is about are printed from the data below it."""
    questions = [block for block in prose_blocks(markdown_of(path)) if block.startswith("**Question.**")]
    assert len(questions) == 1
    assert not re.search(r"\d", questions[0]), questions[0]


def test_the_template_names_no_source_and_counts_no_article():
    prose = template_prose()
    assert not SOURCE_ID.findall(prose)
    assert not COUNTED_ARTICLES.findall(prose)
    # nor a year of the articles: the title's years are corpus_years(sources)
    published = {published[:4] for published in raw.load_sources()["published"]}
    assert not {year for year in published if re.search(rf"\b{year}\b", prose)}


def test_the_checks_fail_on_prose_that_counts_the_articles():
    assert COUNTED_ARTICLES.search("**Sources.** All five articles; targets from s000")
    assert SOURCE_ID.search("targets mostly from s000 (2022)")
