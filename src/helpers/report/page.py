"""The published report: one self-contained, deterministic HTML page built from the executed notebooks.

    python -m helpers.report [--lang vi]

One page per language of the report (helpers.i18n): reports/report.html in English from
build/notebooks and build/figures, reports/report.vi.html in Vietnamese from build/notebooks.vi and
build/figures.vi (the notebooks run with lang=vi), each linking to the other. The template is
rendered with that language's gettext catalogue, the notebooks' prose is translated paragraph by
paragraph from the same catalogue, and every number, period and word of the data's vocabularies in
the tables is written the language's way.

Each indicator notebook becomes a section, in order: its prose, its charts (inline SVG, one drawing
for wide screens and one for phones, every point with a tooltip; the source line and the findings
under each), and the data behind each chart as a table and as a download; code is never shown.
Around them: a table of contents, a computed summary, the claims against the official series, a
data-quality section from the clean checks, the methods, the sources and the clean files as
downloads. The page's markup and prose live in templates/report.html.j2; this module only gathers
the numbers and tables it shows. Nothing is fetched from the network: downloads are `data:` links,
so the one file can be published alone; the template escapes every text that comes from data.
"""
import argparse
import base64
import html
import re
import unicodedata
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markdown_it import MarkdownIt
from markupsafe import Markup

from helpers import paths
from helpers.analysis.findings import ordinal
from helpers.data.official import described_indicators
from helpers.data.raw import corpus_years
from helpers.files import read_json, write_text_atomic
from helpers.i18n import (LANGUAGES, N_, SOURCE_LANGUAGE, TRANSLATED, Language, column, heading, language, prose_blocks,
                          word)
from helpers.numbers import cell_text, period_text, plain

# The columns of a chart's data that a reader needs under the chart, when the chart has them.
TABLE_COLUMNS = ["indicator", "country", "period", "value", "unit", "kind", "qualifier", "target", "target_year",
                 "latest", "latest_period", "gap", "value_num", "value_den", "ratio_percent", "population",
                 "share_percent", "source_id", "figure_id", "figure_id_num", "figure_id_den", "target_figure",
                 "latest_figure", "dataset"]
DERIVED_COLUMNS = ["indicator", "period", "value", "source_id", "figure_id", "note"]
INFERRED_COLUMNS = ["indicator", "period", "period_basis", "figure_id"]
CHECK_COLUMNS = ["check", "severity", "figure_ids", "message"]
# Raw HTML in the notebooks' markdown is not passed through: the report only holds what it builds.
MARKDOWN = MarkdownIt("commonmark", {"html": False})
SOURCE_ID = re.compile(r"\b(s\d{3})\b(?!-)")  # a source id, not the start of a figure id (s001-24)
SVG_START = re.compile(r"^.*?<svg ", re.S)  # the XML declaration and doctype before the root element
VERBATIM_QUOTE = re.compile(r"“([^”<]+)”")
LANGUAGE_NAMES = {"en": N_("English"), "vi": N_("Vietnamese")}  # each is shown in its own language
# Text of the data that stays as written (in English): the quotes and figures as the sources word them. The
# project's own words (notes, how a period is known) have a column per language and show in the page's.
AS_WRITTEN_COLUMNS = {"value_raw", "quote"}


def cite(value) -> Markup:
    """Escaped text in which every source id (s001) links to its entry under Sources."""
    return Markup(SOURCE_ID.sub(r'<a class="cite" href="#source-\1">\1</a>', str(escape_text(value))))


def slug(text: str, taken: set[str]) -> str:
    """An anchor for a heading: lower case without accents ('Xếp hạng' -> 'xep-hang'), words joined by '-',
    made unique on the page."""
    plain_letters = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    base = re.sub(r"[^a-z0-9]+", "-", plain_letters.encode("ascii", "ignore").decode()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def translated_markdown(text: str, tr: Language) -> str:
    """A notebook's markdown in the language, block by block (headings and paragraphs), as the catalogue has them."""
    return "\n\n".join(tr._(block) for block in prose_blocks(text))


def marked_quotes(html_text: str, tr: Language) -> str:
    """A translation keeps a quote from the sources verbatim between “ and ”: in another language than the
    sources' own, it becomes a quotation in the sources' language (<q lang="en">)."""
    if tr.code == SOURCE_LANGUAGE:
        return html_text
    return VERBATIM_QUOTE.sub(rf'<q lang="{SOURCE_LANGUAGE}">\1</q>', html_text)


def markdown_html(text: str, taken: set[str], contents: list[dict], tr: Language) -> Markup:
    """A notebook's markdown as HTML in the language, headings one level down with an anchor each; h2s go into
    `contents`."""
    tokens = MARKDOWN.parse(shift_headings(translated_markdown(text, tr), 1))
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            anchor = slug(inline.content, taken)
            opening.attrSet("id", anchor)
            if opening.tag == "h2":
                contents.append({"id": anchor, "title": inline.content})
    return Markup(marked_quotes(MARKDOWN.renderer.render(tokens, MARKDOWN.options, {}), tr))


def inline_svg(path: Path, alt: str) -> Markup:
    """A chart's SVG to place in the page: without its XML prolog, sized by CSS, labelled for screen readers."""
    svg = SVG_START.sub("<svg ", path.read_text(encoding="utf-8"), count=1)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', 1))


def data_link(path: Path, mediatype: str) -> str:
    """A file as a `data:` address, so that the page offers it for download without any other file."""
    return f"data:{mediatype};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def escape_text(value) -> Markup:
    """Every value the template prints, escaped as html.escape does (quotes included); empty for a missing value."""
    if isinstance(value, Markup):
        return value
    missing = value is None or (isinstance(value, float) and pd.isna(value))
    return Markup(html.escape("" if missing else str(value)))


def environment(tr: Language) -> jinja2.Environment:
    """The template's environment, its gettext (jinja2.ext.i18n) the language's translations."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                             finalize=escape_text, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(tr.translations, newstyle=True)
    env.filters["cite"] = cite
    return env


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def translated_columns(frame: pd.DataFrame, tr: Language) -> pd.DataFrame:
    """The frame with each column that has translations beside it (`note`, `note_vi`) in the language, under
    its English name, and without the translations."""
    translated = {name: column(name, tr.code) for name in frame.columns
                  if any(column(name, code) in frame.columns for code in TRANSLATED)}
    shown = frame.assign(**{name: frame[own] for name, own in translated.items()})
    return shown.drop(columns=[column(name, code) for name in translated for code in TRANSLATED
                               if column(name, code) in frame.columns])


def table(frame: pd.DataFrame, tr: Language, caption: str = "") -> dict:
    """A table as the template's `table` macro takes it: a caption, column headings, rows of cells written the
    language's way, and which columns hold text as written in the data (`as_written`, marked lang="en")."""
    frame = translated_columns(frame, tr)
    columns = list(frame.columns)
    rows = [tuple(cell_text(column, value, tr) for column, value in zip(columns, row))
            for row in frame.itertuples(index=False)]
    return {"caption": caption, "columns": [heading(c, tr) for c in columns],
            "rows": rows, "as_written": {i for i, c in enumerate(columns) if c in AS_WRITTEN_COLUMNS}}


def shift_headings(markdown: str, by: int) -> str:
    """Notebook headings one level down, so each notebook's title is a section (h2) under the report's h1."""
    return "\n".join("#" * by + line if line.startswith("#") else line for line in markdown.splitlines())


def chart_names(notebook: dict) -> list[str]:
    """The charts a notebook shows, in order, from the metadata of its display outputs."""
    return [output["metadata"]["chart"] for cell in notebook["cells"] for output in cell.get("outputs", [])
            if output.get("metadata", {}).get("chart")]


def chart(figures_dir: Path, name: str, tr: Language) -> dict:
    """What the template shows for one chart: the sidecar's texts, the two SVGs, its data as a table and a download."""
    sidecar = read_json(paths.chart_file(figures_dir, name, "json"))
    if sidecar["empty"]:
        return sidecar
    csv_path = paths.chart_file(figures_dir, name, "csv")
    data = read_table(csv_path)
    download = {"download": csv_path.name, "href": data_link(csv_path, "text/csv;charset=utf-8")}
    if not sidecar.get("chart", True):
        return sidecar | download | {"table": table(data, tr, tr._("The claims ({file})", file=csv_path.name))}
    shown = data[[c for c in TABLE_COLUMNS if c in data.columns]]
    return sidecar | download | {
        "svg_wide": inline_svg(paths.chart_file(figures_dir, name, "svg"), sidecar["alt"]),
        "svg_phone": inline_svg(paths.chart_file(figures_dir, name, "phone.svg"), sidecar["alt"]),
        "table": table(shown, tr, tr._("Data behind the chart ({file})", file=csv_path.name))}


def section(notebook: dict, figures_dir: Path, taken: set[str], contents: list[dict], tr: Language) -> list[dict]:
    """A notebook without its code: its prose (markdown rendered) and each chart where the notebook shows it."""
    parts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append({"html": markdown_html(cell["source"], taken, contents, tr)})
        parts += [{"chart": chart(figures_dir, name, tr)} for name in chart_names({"cells": [cell]})]
    return parts


def clean_downloads(clean_dir: Path) -> list[dict]:
    """Every clean file, as a download from the page itself."""
    types = {".csv": "text/csv;charset=utf-8", ".json": "application/json"}
    return [{"name": name, "href": data_link(clean_dir / name, types[Path(name).suffix]),
             "kb": max(1, round((clean_dir / name).stat().st_size / 1024))} for name in paths.CLEAN_FILES]


def headline_findings(notebooks: list[dict], figures_dir: Path) -> list[str]:
    """The headline finding of every chart, in the order of the report."""
    lines = [read_json(paths.chart_file(figures_dir, name, "json"))["headline"]
             for notebook in notebooks for name in chart_names(notebook)]
    return [line for line in dict.fromkeys(lines) if line]


def data_quality(clean_dir: Path, tr: Language) -> dict:
    """The consistency findings (their messages in the language), the derived values and the inferred periods."""
    checks = translated_columns(read_table(clean_dir / paths.CHECKS), tr)
    indicators = translated_columns(read_table(clean_dir / paths.CLEAN_INDICATORS), tr)
    stated = read_table(clean_dir / paths.CLEAN_INDICATORS)["period_basis"].str.startswith("stated")
    return {
        "checks": table(checks[CHECK_COLUMNS], tr) if len(checks) else None, "check_count": len(checks),
        "derived": table(indicators.loc[indicators["kind"] == "derived", DERIVED_COLUMNS], tr),
        "inferred": table(indicators.loc[~stated, INFERRED_COLUMNS], tr),
    }


def methods(raw_dir: Path, clean_dir: Path) -> dict:
    audit = read_table(raw_dir / paths.AUDIT)
    figures = read_table(raw_dir / paths.FIGURES_TABLE)
    status = audit["status"].value_counts()
    return {"articles": figures["source_id"].nunique(), "figures": len(figures), "tokens": len(audit),
            "captured": status.get("captured", 0), "out_of_scope": status.get("out_of_scope", 0),
            "unexplained": status.get("unexplained", 0),
            "clean_rows": len(read_table(clean_dir / paths.CLEAN_INDICATORS))}


def official_position(clean_dir: Path, tr: Language) -> dict:
    """Where the country the articles are about stands in the latest survey edition the raw files hold."""
    claims = read_table(clean_dir / paths.CLEAN_INDICATORS)
    country = claims["country"].value_counts().index[0]
    official = read_table(clean_dir / paths.OFFICIAL_INDICATORS)
    ranks = official[official["indicator"] == "egdi_rank"]
    edition = ranks["period"].max()
    latest = official[(official["country"] == country) & (official["period"] == edition)].set_index("indicator")["value"]
    return {"country": country, "edition": edition, "members": int((ranks["period"] == edition).sum()),
            **{indicator: ordinal(int(float(latest[indicator])), tr)
               for indicator in ("egdi_rank", "egdi_rank_asean", "osi_rank", "osi_rank_asean")},
            "egdi": plain(latest["egdi"], 4, tr.code)}


def official_coverage(clean_dir: Path, raw_dir: Path, tr: Language) -> dict:
    """The survey editions the official table holds and those the raw files lack; the World Bank indicators by their
    titles; the producers of the industry estimates."""
    official = read_table(clean_dir / paths.OFFICIAL_INDICATORS)
    editions = sorted(set(official.loc[official["indicator"] == "egdi_rank", "period"]))
    gaps = read_table(raw_dir / paths.OFFICIAL_RAW.name / paths.OFFICIAL_GAPS)
    described = described_indicators(raw_dir / paths.OFFICIAL_RAW.name).values()
    return {"editions": ", ".join(editions), "gaps": ", ".join(sorted(gaps["edition"])),
            "world_bank": ", ".join(sorted(entry[tr.column("title")] for entry in described
                                           if "wb_long" in entry["readers"])),
            "estimates": "; ".join(sorted({producer for entry in described if "industry_estimate" in entry["source_kinds"]
                                           for producer in entry["producers"]}))}


def claims_against_official(clean_dir: Path, tr: Language) -> dict:
    """Each claim beside the public value that checks it, and how many agree, differ or have no such comparison."""
    compared = read_table(clean_dir / paths.CLAIMS_VS_OFFICIAL)
    titles = read_table(clean_dir / paths.INDICATOR_METADATA).set_index("indicator")[tr.column("title")]
    shown = translated_columns(compared, tr).assign(indicator=compared["indicator"].map(titles))[
        ["figure_id", "source_id", "kind", "indicator", "period", "qualifier", "claim_value", "official_value",
         "source_kind", "verdict"]]
    counts = compared["verdict"].value_counts()
    agrees, differs = int(counts.get("agrees", 0)), int(counts.get("differs", 0))
    return {"table": table(shown, tr), "agrees": agrees, "differs": differs,
            "not_checked": len(compared) - agrees - differs}


def other_languages(lang: str) -> list[dict]:
    """The report in each other language: its code, its name in that language, and its file beside this one."""
    return [{"lang": code, "name": language(code)._(LANGUAGE_NAMES[code]),
             "href": paths.in_language(paths.REPORT_HTML, code).name} for code in LANGUAGES if code != lang]


def render(notebooks_dir: Path, figures_dir: Path, clean_dir: Path, raw_dir: Path,
           lang: str = SOURCE_LANGUAGE) -> str:
    """The page in a language, from the notebooks executed in that language and the charts they saved."""
    tr = language(lang)
    files = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if p.name != paths.CLEAN_NOTEBOOK)
    if not files:
        raise FileNotFoundError(f"no executed notebooks in {notebooks_dir}: run `make report`")
    notebooks = [nbformat.read(p, as_version=4) for p in files]
    sources = translated_columns(read_table(clean_dir / paths.CLEAN_SOURCES), tr)
    # the template's own sections hold these anchors; the notebooks' headings get others
    taken = {"contents", "summary", "claims-vs-official", "data-quality", "methods", "sources", "data", "glossary",
             *(f"source-{s}" for s in sources["source_id"])}
    contents: list[dict] = []
    sections = [section(nb, figures_dir, taken, contents, tr) for nb in notebooks]
    return environment(tr).get_template(paths.REPORT_TEMPLATE).render(
        lang=lang, source_language=SOURCE_LANGUAGE, other_languages=other_languages(lang),
        article_count=len(sources), years=corpus_years(sources),
        latest_data=period_text(max(sources["published"]), lang),
        summary=headline_findings(notebooks, figures_dir),
        sections=sections, contents=contents, downloads=clean_downloads(clean_dir),
        position=official_position(clean_dir, tr), compared=claims_against_official(clean_dir, tr),
        official=official_coverage(clean_dir, raw_dir, tr),
        quality=data_quality(clean_dir, tr), methods=methods(raw_dir, clean_dir),
        sources=[s._replace(published=period_text(s.published, lang), outlet=word(s.outlet, tr))
                 for s in sources.itertuples()],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append",
                        help="the language of the page to build (repeatable; default: every language)")
    args = parser.parse_args(argv)
    for lang in args.lang or LANGUAGES:
        output = paths.in_language(paths.REPORT_HTML, lang)
        page = render(paths.in_language(paths.EXECUTED_NOTEBOOKS, lang), paths.in_language(paths.FIGURES, lang),
                      paths.DATA_CLEAN, paths.DATA_RAW, lang)
        write_text_atomic(page, output)
        print(f"report written: {output.relative_to(paths.ROOT)}")
    return 0
