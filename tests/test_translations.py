"""The report in Vietnamese: every message translated, numbers and dates the Vietnamese way, no English left.

The catalogue test extracts the messages afresh (as `make translations` does), so a message added to the
code, the template or a notebook's prose fails here until a translator has translated it.
"""
import html.parser
import re
import subprocess
import sys
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po

from helpers import i18n, paths
from helpers.analysis.findings import ordinal, value_label
from helpers.numbers import Bounded, bounded_text, number_text, period_text

SVG = "http://www.w3.org/2000/svg"

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")
# Words of English that Vietnamese never uses: one of them in the Vietnamese page is text left untranslated.
ENGLISH_WORDS = {"the", "of", "and", "is", "are", "for", "with", "from", "by", "was", "which", "rank", "ranks",
                 "share", "population", "accounts", "target", "targets", "observed", "derived", "official",
                 "approx", "claim", "claims", "data", "services", "online", "percent", "edition", "growth",
                 "digital", "government", "source", "sources", "articles", "figures", "value", "values",
                 "period", "latest", "chart", "download", "summary", "contents", "methods", "glossary", "about",
                 "over", "under", "times", "twice", "members", "cards", "issued", "portal", "question"}


def extracted_messages(tmp_path) -> set:
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(paths.BABEL_CONFIG),
                    "-k", "_", "-k", "n_:1,2", "-k", "N_", "--no-location", "--omit-header", "-o", str(template),
                    "."], cwd=paths.ROOT, check=True, capture_output=True)
    with template.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_translation(code, tmp_path):
    with paths.catalogue(code).open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    translated = {m.id for m in catalogue if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
                  and not m.fuzzy}
    missing = sorted(map(str, extracted_messages(tmp_path) - translated))
    assert not missing, f"messages without a translation in {paths.catalogue(code).relative_to(paths.ROOT)} " \
                        f"(run `make translations`, then translate them):\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_every_placeholder(code):
    with paths.catalogue(code).open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    for message in catalogue:
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            # a plural's count may be left out where the language has one form: every other field stays
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(source)) and \
                set(PLACEHOLDER.findall(source)) - {"{count}", "%(count)s"} <= set(PLACEHOLDER.findall(string)), \
                f"placeholders differ: {source!r} -> {string!r}"


# English writes an ordinal four ways (1st, 2nd, 3rd, 4th); a language may write them all one way.
ORDINAL_FORMS = {"{number}st", "{number}nd", "{number}rd", "{number}th"}


@pytest.mark.parametrize("code", TRANSLATED)
def test_two_messages_are_not_translated_alike(code):
    # a column heading translated as another's (value and value_low both "giá trị"), or a word as another word
    # (country as count, "số đếm"), would make a table say what it does not
    with paths.catalogue(code).open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    first_with = {}
    for message in catalogue:
        if not message.id or message.id in ORDINAL_FORMS:
            continue
        string = message.string if isinstance(message.string, str) else message.string[0]
        assert string not in first_with, \
            f"{message.id!r} and {first_with[string]!r} are both translated {string!r} in {code}"
        first_with[string] = message.id


def test_english_numbers_are_as_they_were():
    assert number_text(55_250_000, "count") == "55.25 million"
    assert number_text(6285.7, "count") == "6,286"
    assert number_text(28, "percent") == "28%"
    assert number_text(4.5, "times") == "4.5 times"
    assert number_text(0.77091, "index") == "0.7709"
    assert number_text(2.5e12, "vnd") == "2.5 trillion VND"
    assert bounded_text(Bounded(3.39, "at_most"), "percent", computed=True) == "under 3.4%"
    assert period_text("2024-07-19") == "2024-07-19"


def test_vietnamese_numbers_dates_and_ranks():
    assert number_text(55_250_000, "count", locale="vi") == "55,25 triệu"
    assert number_text(6285.7, "count", locale="vi") == "6.286"
    assert number_text(4.5, "times", locale="vi") == "4,5 lần"
    assert number_text(0.77091, "index", locale="vi") == "0,7709"
    assert bounded_text(Bounded(55.5, "approx"), "percent", locale="vi") == "khoảng 55,5%"
    assert period_text("2024-07-19", "vi") == "19/07/2024"
    assert period_text("2023-12", "vi") == "12/2023"
    assert period_text("2024", "vi") == "2024"
    vietnamese = i18n.language("vi")
    assert value_label({"value": 71, "unit": "rank", "qualifier": "exact", "denominator": 193}, vietnamese) == "71/193"
    assert ordinal(71, vietnamese) == "thứ 71"


class VisibleText(html.parser.HTMLParser):
    """The text a reader of the page sees in its own language: outside <style>, <code> and any element marked
    with another language (quotes, titles, the glossary's English column)."""

    def __init__(self, language: str):
        super().__init__()
        self.language, self.stack, self.parts = language, [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        other = attributes.get("lang", self.language) != self.language or tag in ("style", "code")
        self.stack.append(other or (self.stack[-1] if self.stack else False))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def names_in_the_data() -> list[str]:
    """Proper names the page may show as they are: the outlets (a producer has a name in each language)."""
    import pandas as pd

    sources = pd.read_csv(paths.DATA_CLEAN / paths.CLEAN_SOURCES, dtype=str, keep_default_na=False)
    return sorted(set(sources["outlet"]), key=len, reverse=True)


def producers_by_dataset() -> dict[str, dict]:
    """Each official dataset's producer in each language, as its metadata file gives it."""
    from helpers.data import official

    metas = [official.read_metadata(path) for path in official.metadata_files()]
    return {meta["dataset"]: {name: meta[name] for name in official.PRODUCER_COLUMNS} for meta in metas}


@pytest.fixture(scope="module", params=TRANSLATED)
def translated_page(request) -> tuple[str, str]:
    page = paths.in_language(paths.REPORT_HTML, request.param)
    if not page.is_file():
        pytest.skip(f"{page.name} not built: run `make report` first")
    return request.param, page.read_text(encoding="utf-8")


def test_no_english_is_left_in_the_translated_page(translated_page):
    code, page = translated_page
    parser = VisibleText(code)
    parser.feed(page)
    text = " ".join(parser.parts)
    # a tooltip quotes its source verbatim, between straight quotes after the translated words that say so
    text = re.sub(r'"[^"]*"', " ", text)
    for name in names_in_the_data():
        text = text.replace(name, " ")
    # ids (indicator ids, file names) are the data's own
    text = re.sub(r"\S*_\S*|\S+\.(csv|json)\b", " ", text)
    words = [w for w in re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text) if w.lower() in ENGLISH_WORDS]
    assert not words, f"English words in the {code} page: {sorted(set(words))}"


def test_the_translated_page_names_no_producer_in_english(translated_page):
    """A producer is named in the page's language wherever a reader sees it: chart source lines, check messages,
    methods; only a source's own title or a quote (marked lang="en") keeps its English."""
    code, page = translated_page
    parser = VisibleText(code)
    parser.feed(page)
    text = " ".join(parser.parts)
    producers = producers_by_dataset().values()
    english = {p["producer"] for p in producers} - {p[i18n.column("producer", code)] for p in producers}
    assert english, "every producer has the same name in both languages: nothing to check"
    assert not [name for name in english if name in text], [name for name in english if name in text]
    # and the page does name them, in its language
    assert [p for p in producers if p[i18n.column("producer", code)] in text]


def test_each_translated_chart_names_the_producers_of_the_datasets_it_draws_on(translated_page):
    """The source line of a chart, in the language, names the producer of every official dataset in the data
    behind it (`dataset`, or `population_dataset` for a count set against the population), and no other."""
    import json

    import pandas as pd

    code, _ = translated_page
    producers = producers_by_dataset()
    column = i18n.column("producer", code)
    drawing = 0
    for described in sorted(paths.in_language(paths.FIGURES, code).glob("*.json")):
        source = json.loads(described.read_text(encoding="utf-8"))["source"]
        data = pd.read_csv(described.with_suffix(".csv"), dtype=str, keep_default_na=False)
        datasets = {d for name in ("dataset", "population_dataset") if name in data for d in data[name] if d}
        drawing += bool(datasets)
        expected = {producers[d][column] for d in datasets}
        assert all(name in source for name in expected), (described.name, expected, source)
        others = {p[column] for p in producers.values()} - expected
        assert not [name for name in others if name in source], (described.name, source)
        assert not [p["producer"] for p in producers.values() if p["producer"] != p[column] and p["producer"] in source]
    assert drawing, "no chart draws on an official dataset"


def test_the_translated_page_is_in_its_language_and_links_to_the_english_one(translated_page):
    code, page = translated_page
    assert f'<html lang="{code}">' in page
    assert f'href="{paths.REPORT_HTML.name}" hreflang="en"' in page
    english = paths.REPORT_HTML.read_text(encoding="utf-8")
    assert f'href="{paths.in_language(paths.REPORT_HTML, code).name}" hreflang="{code}"' in english


def test_the_glossary_maps_the_governments_terms(translated_page):
    code, page = translated_page
    glossary = re.search(r'<h2 id="glossary">.*?</table>', page, re.S).group(0)
    for term in ("Chính phủ điện tử", "Chính phủ số", "Chỉ số phát triển Chính phủ điện tử (EGDI)",
                 "định danh điện tử VNeID", "căn cước công dân gắn chip", "kinh tế số", "dịch vụ công trực tuyến",
                 "Cổng Dịch vụ công quốc gia", "Đề án 06"):
        assert f"<td>{term}</td>" in glossary
        # the term the page uses, not only in the glossary
        assert page.count(term) > glossary.count(term), f"{term} is used nowhere but in the glossary"


def test_the_translated_charts_write_their_numbers_their_way(translated_page):
    """Every number drawn on a chart (axes, labels), not only in its tooltips, in the language's format: no
    English decimal point ("0.7"; a Vietnamese "1.000" is a thousand)."""
    code, _ = translated_page
    english_decimal = re.compile(r"\d\.(\d{1,2}|\d{4,})(?!\d)")
    charts = sorted(paths.in_language(paths.FIGURES, code).glob("*.svg"))
    assert charts
    for chart in charts:
        drawn = [" ".join(text.itertext()) for text in ElementTree.parse(chart).getroot().iter(f"{{{SVG}}}text")]
        assert not [text for text in drawn if english_decimal.search(text)], chart.name


def test_the_translated_page_writes_numbers_and_dates_its_way(translated_page):
    code, page = translated_page
    body = page.split("<main>")[1]
    assert "55,25 triệu" in body and "19/07/2024" in body and "86/193" in body
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", re.sub(r'(href|download)="[^"]*"', "", body)), \
        "an ISO date left in the page"


def test_a_notebooks_table_in_vietnamese_has_vietnamese_headings_words_and_periods():
    import pandas as pd

    from helpers.charts.notebook import table_in_language

    table = pd.DataFrame({"indicator": ["vneid_accounts"], "period": ["2024-08-31"], "value_text": ["55,25 triệu"],
                          "kind": ["observed"], "source_id": ["s002"], "figure_id": ["s002-06"]})
    shown = table_in_language(table, i18n.language("vi"))
    assert list(shown.columns) == ["Chỉ tiêu", "Thời kỳ", "Giá trị được nêu", "Loại", "Bài viết nguồn", "Số liệu"]
    assert shown.iloc[0].tolist() == ["vneid_accounts", "31/08/2024", "55,25 triệu", "quan sát", "s002", "s002-06"]
    assert table_in_language(table, i18n.language("en")) is table
