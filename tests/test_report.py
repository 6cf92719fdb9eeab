"""The report page: escaped, self-contained, accessible, and built from what the notebooks saved."""
import re
import shutil

import pandas as pd
import pytest

from helpers import paths
from helpers import i18n
from helpers.i18n import LANGUAGES, word
from helpers.report import page as report


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def built(language):
    """The inputs `make report` leaves in build/ for the page in a language; the test suite runs after it."""
    notebooks, figures = paths.in_language(paths.EXECUTED_NOTEBOOKS, language), paths.in_language(paths.FIGURES, language)
    if not any(notebooks.glob("0[2-9]*.ipynb")) or not (paths.DATA_CLEAN / "sources.csv").is_file():
        pytest.skip(f"no executed notebooks in {notebooks.relative_to(paths.ROOT)}: run `make report` first")
    return notebooks, figures


@pytest.fixture(scope="module")
def page(built, language) -> str:
    notebooks, figures = built
    return report.render(notebooks, figures, paths.DATA_CLEAN, paths.DATA_RAW, language)


def test_the_page_is_what_make_report_wrote(page, language):
    assert page == paths.in_language(paths.REPORT_HTML, language).read_text(encoding="utf-8")


def test_text_from_the_data_is_escaped(built, language, tmp_path):
    clean = tmp_path / "clean"
    shutil.copytree(paths.DATA_CLEAN, clean)
    sources = pd.read_csv(clean / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[0, "title"] = '<script>alert("x")</script> & <b>bold</b>'
    sources.to_csv(clean / "sources.csv", index=False)
    html = report.render(*built, clean, paths.DATA_RAW, language)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script" not in html and "<b>bold" not in html


def test_nothing_is_fetched_from_the_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "<script" not in page and "<link" not in page


def test_every_chart_is_inline_svg_with_alt_text_and_a_tooltip_on_each_point(page):
    assert "<img" not in page
    charts = re.findall(r'<svg role="img" aria-label="([^"]*)"', page)
    assert len(charts) >= 20 and len(charts) % 2 == 0, "each chart twice: for wide screens and for phones"
    assert all(len(alt) > 40 for alt in charts)
    for block in re.findall(r'<div class="chart (?:wide|narrow)">(.*?)</svg>', page, re.S):
        assert "<title>" in block, "a chart without tooltips"
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids must be unique on the page"


def test_headings_are_in_order(page):
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:]))


def test_contents_sections_sources_and_downloads(page, language):
    anchors = set(re.findall(r'\sid="([^"]+)"', page))
    contents = re.search(r'<nav class="contents".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert {"summary", "claims-vs-official", "data-quality", "methods", "sources", "data"} <= set(targets)
    assert set(targets) <= anchors, "every entry of the contents leads to an anchor"
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in anchors, f"link to a missing anchor #{target}"
    for name in paths.CLEAN_FILES:
        assert f'download="{name}" href="data:' in page
    sources = pd.read_csv(paths.DATA_CLEAN / "sources.csv", dtype=str)
    for source in sources.itertuples():
        outlet = word(source.outlet, i18n.language(language))  # 'unknown' where the text names none, translated
        assert f'<li id="source-{source.source_id}"><strong>{report.escape_text(outlet)}</strong>' in page
        assert report.escape_text(source.title) in page


def test_headline_findings_are_computed_from_the_charts(built, page):
    notebooks, figures = built
    import nbformat

    executed = [nbformat.read(p, as_version=4) for p in sorted(notebooks.glob("0[2-9]*.ipynb"))]
    for line in report.headline_findings(executed, figures):
        assert report.cite(line) in page


def test_the_page_has_no_timestamps_or_machine_paths(page):
    assert str(paths.ROOT) not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", page)


def test_markdown_headings_move_one_level_down():
    assert report.shift_headings("# Title\ntext\n## Part", 1) == "## Title\ntext\n### Part"


def sections(page: str) -> list[tuple[int, str, str]]:
    """Each h2/h3 heading of the page: its level, its text, and the text (tags stripped) up to the next heading."""
    parts = re.split(r"<h([23])[^>]*>(.*?)</h[23]>", page.split("<main>")[1])
    return [(int(parts[i]), re.sub(r"<[^>]+>", "", parts[i + 1]), re.sub(r"<[^>]+>", " ", parts[i + 2]).strip())
            for i in range(1, len(parts) - 2, 3)]


def test_no_section_of_the_page_is_empty(page):
    found = sections(page)
    # a heading with no text of its own is a section only if no subsection follows it
    empty = [heading for (level, heading, text), following in zip(found, found[1:] + [(0, "", "")])
             if not text and following[0] <= level]
    assert not empty, f"sections with no content: {empty}"


def test_every_output_a_notebook_shows_for_the_report_is_in_it(built, page):
    import nbformat

    notebooks, figures = built
    for path in sorted(notebooks.glob("0[2-9]*.ipynb")):
        for name in report.chart_names(nbformat.read(path, as_version=4)):
            block = re.search(rf'<div class="view" id="{name}">(.*?)</div>\s*(?:<|$)', page, re.S)
            assert block, f"{path.name}: output {name} is missing from the report"
            assert re.sub(r"<[^>]+>", "", block.group(1)).strip(), f"{path.name}: output {name} is empty in the report"


def test_the_table_under_a_chart_says_which_country_each_row_is_about(built, language):
    # the Southeast Asian charts draw eleven members: without the country, their rows cannot be told apart
    _, figures = built
    tr = i18n.language(language)
    several = 0
    for data in sorted(figures.glob("*.csv")):
        shown = report.chart(figures, data.stem, tr).get("table")
        if shown is None or "country" not in pd.read_csv(data, nrows=0).columns:
            continue
        countries = set(pd.read_csv(data, dtype=str, keep_default_na=False)["country"])
        at = shown["columns"].index(i18n.heading("country", tr))
        assert {row[at] for row in shown["rows"]} == countries, data.name
        several += len(countries) > 1
    assert several >= 2, "the Southeast Asian charts, of eleven members each"
