"""The report page: escaped, self-contained, accessible, and built from what the notebooks saved."""
import base64
import io
import json
import re
import shutil
import zipfile

import pandas as pd
import pytest

from helpers import paths
from helpers import i18n
from helpers.analysis.findings import ordinal
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
    charts = re.findall(r'<svg role="img" aria-label="([^"]*)" aria-describedby="([^"]*)"', page)
    assert len(charts) >= 20 and len(charts) % 2 == 0, "each chart twice: for wide screens and for phones"
    for label, described_by in charts:
        # named by its title, described by its findings: a list of sentences under it
        findings = re.search(rf'<ul class="findings" id="{described_by}">(.*?)</ul>', page, re.S)
        assert label and findings and len(re.sub(r"<[^>]+>", "", findings.group(1))) > 40, label
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
    assert {"register", "claims-vs-official", "data-quality", "methods", "sources", "data"} <= set(targets)
    assert page.index('id="summary"') < page.index('<nav class="contents"'), "the answer comes before the contents"
    assert set(targets) <= anchors, "every entry of the contents leads to an anchor"
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in anchors, f"link to a missing anchor #{target}"
    sources = pd.read_csv(paths.DATA_CLEAN / "sources.csv", dtype=str)
    for source in sources.itertuples():
        outlet = word(source.outlet, i18n.language(language))  # 'unknown' where the text names none, translated
        assert f'<li id="source-{source.source_id}"><strong>{report.escape_text(outlet)}</strong>' in page
        assert report.escape_text(source.title) in page


def test_the_archive_holds_every_clean_file_and_the_data_of_every_chart(built, page):
    _, figures = built
    link = re.search(rf'download="{report.ARCHIVE}" href="data:application/zip;base64,([^"]+)"', page)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(link.group(1)))) as bundle:
        held = {name: bundle.read(name) for name in bundle.namelist()}
    expected = {name: (paths.DATA_CLEAN / name).read_bytes() for name in paths.CLEAN_FILES
                if name != paths.OFFICIAL_INDICATORS}
    expected |= {f"{report.ARCHIVE_CHARTS}/{name}.csv": paths.chart_file(figures, name, "csv").read_bytes()
                 for name in re.findall(r'<div class="view" id="([^"]+)"', page)
                 if paths.chart_file(figures, name, "csv").is_file()}
    assert held == expected


def test_the_full_official_table_is_published_beside_the_page_which_names_it(page, language):
    # the page links to the archive by its name alone, so the link works wherever the folder is published
    link = re.search(r'<a class="official" href="([^"]+)"><code>([^<]+)</code></a>', page)
    assert link and link.group(1) == link.group(2) == paths.OFFICIAL_ARCHIVE.name
    beside = paths.in_language(paths.REPORT_HTML, language).parent / link.group(1)
    with zipfile.ZipFile(beside) as bundle:
        assert bundle.namelist() == [paths.OFFICIAL_INDICATORS]
        assert bundle.read(paths.OFFICIAL_INDICATORS) == (paths.DATA_CLEAN / paths.OFFICIAL_INDICATORS).read_bytes()
    assert f"({round(beside.stat().st_size / 1024)} kB)" in page, "the page gives the archive's size"


def test_each_section_opens_with_a_finding_of_its_charts_in_a_sentence(built, page):
    notebooks, figures = built
    import nbformat

    opening = re.findall(r'<p class="finding">(.*?)</p>', page)
    assert len(opening) == len(list(notebooks.glob("0[2-9]*.ipynb")))
    for path, sentence in zip(sorted(notebooks.glob("0[2-9]*.ipynb")), opening):
        findings = [report.cite(line) for name in report.chart_names(nbformat.read(path, as_version=4))
                    for line in json.loads(paths.chart_file(figures, name, "json").read_text(encoding="utf-8"))["findings"]]
        assert sentence in findings and "→" not in sentence, path.name


def register_rows(page: str) -> list[list[str]]:
    """The rows of the register's tables, each cell's text."""
    register = page[page.index('<h2 id="register">'):page.index('<h2 id="claims-vs-official">')]
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tbody>(.*?)</tbody>", register, re.S) for row in re.findall(r"<tr>(.*?)</tr>", row)]


def test_the_register_holds_every_figure_and_derived_value_with_its_verdict(page, language):
    tr = i18n.language(language)
    figures = pd.read_csv(paths.FIGURES_CSV, dtype=str, keep_default_na=False)
    values = pd.read_csv(paths.DATA_CLEAN / paths.CLEAN_INDICATORS, dtype=str, keep_default_na=False)
    verdicts = pd.read_csv(paths.DATA_CLEAN / paths.CLAIMS_VS_OFFICIAL, dtype=str, keep_default_na=False)
    rows = register_rows(page)
    at = report.REGISTER_COLUMNS.index("figure_id")
    assert len(rows) == len(values) == len(figures) + (values["kind"] == "derived").sum()
    assert {row[at] for row in rows} == set(figures["figure_id"]), "every figure of the raw table, once or more"
    # each verdict the check gives shows on the row of its figure, kind and period; any other row is not checked
    given = {(v.figure_id, tr._(i18n.VOCABULARY[v.kind]), v.period): v.verdict for v in verdicts.itertuples()}
    kind_at, period_at, verdict_at = (report.REGISTER_COLUMNS.index(c) for c in ("kind", "period", "verdict"))
    shown = [(row[at], row[kind_at], row[period_at], row[verdict_at]) for row in rows]
    from helpers.numbers import period_text
    for figure, kind, period, verdict in shown:
        stated = next((v for (f, k, p), v in given.items() if (f, k, period_text(p, language)) == (figure, kind, period)),
                      "not_checked")
        assert verdict == word(stated, tr), (figure, kind, period)
    # the counts at the head of the register and in the lead are those of its rows
    for verdict in report.VERDICTS:
        count = sum(row[verdict_at] == word(verdict, tr) for row in rows)
        shown = f"<li><strong>{count}</strong> {report.escape_text(tr._(report.VERDICT_COUNTS[verdict]))}</li>"
        assert shown in page or (count == 0 and verdict not in report.ALWAYS_COUNTED), verdict
    assert f"<li><strong>{figures['figure_id'].nunique()}</strong> {tr._('figures stated by the articles')}</li>" in page


def test_the_lead_says_where_the_country_stands_and_how_far_from_its_target(page, language):
    tr = i18n.language(language)
    official = pd.read_csv(paths.DATA_CLEAN / paths.OFFICIAL_INDICATORS, dtype=str, keep_default_na=False)
    values = pd.read_csv(paths.DATA_CLEAN / paths.CLEAN_INDICATORS, dtype=str, keep_default_na=False)
    ranks = official[(official["indicator"] == "egdi_rank") & (official["country"] == "VNM")]
    latest = ranks[ranks["period"] == ranks["period"].max()].iloc[0]
    goal = int(values.loc[(values["indicator"] == "egdi_rank") & (values["kind"] == "target"), "value"].astype(float).min())
    lead = re.sub(r"<[^>]+>", "", page[page.index('id="summary"'):page.index('<nav class="contents"')])
    assert i18n.country_name("VNM", language) in lead and "VNM" not in lead
    assert ordinal(int(latest["value"]), tr) in lead and latest["period"] in lead
    places = int(latest["value"]) - goal
    distance = tr.translations.ngettext("The articles' target is a place in the top %(goal)s: %(count)s place to go.",
                                        "The articles' target is a place in the top %(goal)s: %(count)s places to go.",
                                        places) % {"goal": goal, "count": places}
    assert distance in lead


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
            block = re.search(rf'<div class="view" id="{name}"[^>]*>(.*?)</div>\s*(?:<|$)', page, re.S)
            assert block, f"{path.name}: output {name} is missing from the report"
            assert re.sub(r"<[^>]+>", "", block.group(1)).strip(), f"{path.name}: output {name} is empty in the report"


def test_the_table_under_a_chart_says_which_country_each_row_is_about(built, language):
    # the Southeast Asian charts draw eleven members: without the country, their rows cannot be told apart
    _, figures = built
    tr = i18n.language(language)
    several = 0
    for data in sorted(figures.glob("*.csv")):
        shown = report.chart(figures, data.stem, tr, {}).get("table")
        if shown is None or "country" not in pd.read_csv(data, nrows=0).columns:
            continue
        # by its name in the page's language, not its code
        countries = {i18n.country_name(code, language)
                     for code in pd.read_csv(data, dtype=str, keep_default_na=False)["country"]}
        at = shown["columns"].index(i18n.heading("country", tr))
        assert {row[at] for row in shown["rows"]} == countries, data.name
        several += len(countries) > 1
    assert several >= 2, "the Southeast Asian charts, of eleven members each"
