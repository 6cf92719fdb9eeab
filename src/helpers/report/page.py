"""The published report: one self-contained, deterministic HTML page built from the executed notebooks.

    python -m helpers.report [--lang vi]

One page per language of the report (helpers.i18n): reports/report.html in English from
build/notebooks and build/figures, reports/report.vi.html in Vietnamese from build/notebooks.vi and
build/figures.vi (the notebooks run with lang=vi), each linking to the other. The template is
rendered with that language's gettext catalogue, the notebooks' prose is translated paragraph by
paragraph from the same catalogue, and every number, period and word of the data's vocabularies in
the tables is written the language's way.

The page opens with the answer: where the country stands in the latest survey edition and how far
it is from the articles' top-50 target, the counts of the claims check, and the EGDI chart; the
contents follow. Each indicator notebook then becomes a section, in order: its title and question,
its finding in a sentence, its prose and its charts (inline SVG, one drawing for wide screens and one for phones, every
point with its own tooltip; the source line and the findings beside or under each) and the data
behind each chart as a closed table; code is never shown. After them: the register of every figure
with its verdict (claims_vs_official.csv, read generically by figure, kind and period), the claims
against the official series, a data-quality section from the clean checks, the methods, the sources
and the data. Every table is closed until a reader opens it. The page's markup and prose live in
templates/report.html.j2; this module only gathers the numbers and tables it shows. Nothing is
fetched from the network: the one download, the clean data package and each chart's data zipped,
is a `data:` link, so the one file (under 1 MB) can be published alone; the template escapes every
text that comes from data.
"""
import argparse
import base64
import html
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markdown_it import MarkdownIt
from markupsafe import Markup

from helpers import paths
from helpers.analysis.findings import ARROW, ordinal, value_label
from helpers.data.official import described_indicators
from helpers.data.raw import corpus_years
from helpers.files import read_json, write_files_atomic
from helpers.i18n import (LANGUAGES, N_, SOURCE_LANGUAGE, TRANSLATED, Language, column, country_name, heading, language,
                          prose_blocks, word)
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


def inline_svg(path: Path, label: str, described_by: str) -> Markup:
    """A chart's SVG to place in the page: without its XML prolog, sized by CSS, labelled for screen readers by its
    title and described by its findings (the list under it, written once for both drawings)."""
    svg = SVG_START.sub("<svg ", path.read_text(encoding="utf-8"), count=1)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" '
                                       f'aria-describedby="{html.escape(described_by)}" ', 1))


def data_link(content: bytes, mediatype: str) -> str:
    """Bytes as a `data:` address, so that the page offers them for download without any other file."""
    return f"data:{mediatype};base64," + base64.b64encode(content).decode("ascii")


# The page's own download: the clean data package and the data of every chart, zipped, so that the page stays one
# file a reader can load on a phone. The full official table is too large for it (megabytes as text, hundreds of
# kB zipped): it is published beside the pages as its own archive (paths.OFFICIAL_ARCHIVE), which the page names.
ARCHIVE = "vn-digital-government-data.zip"
ARCHIVE_CHARTS = "charts"  # the folder of the archive that holds the data of each chart


def archive(files: dict[str, Path]) -> bytes:
    """A zip of these files under these names, the same bytes from run to run: sorted, no dates, no permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, files[name].read_bytes(), compresslevel=9)
    return buffer.getvalue()


def archive_files(clean_dir: Path, figures_dir: Path, charts: list[str]) -> dict[str, Path]:
    """What the page's archive holds: every clean file but the full official table, and the data of each chart the
    page draws or tabulates."""
    files = {name: clean_dir / name for name in paths.CLEAN_FILES if name != paths.OFFICIAL_INDICATORS}
    for name in charts:
        data = paths.chart_file(figures_dir, name, "csv")
        if data.is_file():
            files[f"{ARCHIVE_CHARTS}/{data.name}"] = data
    return files


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


def table(frame: pd.DataFrame, tr: Language, caption: str, titles: dict[str, str]) -> dict:
    """A table as the template's `table` macro takes it: a caption, column headings, rows of cells written the
    language's way, and which columns hold text as written in the data (`as_written`, marked lang="en"). A reader
    sees names, not codes: each indicator under its title (`titles`), each country under its name."""
    frame = translated_columns(frame, tr)
    if "indicator" in frame:
        frame = frame.assign(indicator=frame["indicator"].map(lambda code: titles.get(code, code)))
    if "country" in frame:
        frame = frame.assign(country=frame["country"].map(lambda code: country_name(code, tr.code) if code else code))
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


def chart(figures_dir: Path, name: str, tr: Language, titles: dict[str, str]) -> dict:
    """What the template shows for one chart: the sidecar's texts, the two SVGs, its data as a table (its file is in
    the page's archive, `file`)."""
    sidecar = read_json(paths.chart_file(figures_dir, name, "json"))
    if sidecar["empty"]:
        return sidecar
    csv_path = paths.chart_file(figures_dir, name, "csv")
    data = read_table(csv_path)
    file = {"file": f"{ARCHIVE_CHARTS}/{csv_path.name}"}
    if not sidecar.get("chart", True):
        return sidecar | file | {"table": table(data, tr, tr._("The claims"), titles)}
    shown = data[[c for c in TABLE_COLUMNS if c in data.columns]]
    return sidecar | file | {
        "svg_wide": inline_svg(paths.chart_file(figures_dir, name, "svg"), sidecar["title"], f"{name}-findings"),
        "svg_phone": inline_svg(paths.chart_file(figures_dir, name, "phone.svg"), sidecar["title"], f"{name}-findings"),
        "table": table(shown, tr, tr._("Data behind the chart"), titles)}


def section(notebook: dict, figures_dir: Path, taken: set[str], contents: list[dict], tr: Language,
            titles: dict[str, str]) -> list[dict]:
    """A notebook without its code: its prose (markdown rendered), its finding in a sentence under its heading (the
    headline of its first chart), and each chart where the notebook shows it; the chart the page opens with is
    drawn there only, and its section links to it."""
    parts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append({"html": markdown_html(cell["source"], taken, contents, tr)})
            if len(parts) == 1 and chart_names(notebook):
                parts.append({"finding": opening_finding(notebook, figures_dir)})
        parts += [{"chart": chart(figures_dir, name, tr, titles) | {"in_lead": name == LEAD_CHART}}
                  for name in chart_names({"cells": [cell]})]
    return parts


def opening_finding(notebook: dict, figures_dir: Path) -> str:
    """The sentence a section opens with: the first finding of its charts that is a sentence, not a chain of values
    (those list a series step by step, findings.ARROW between the steps); else its first chart's headline."""
    sidecars = [read_json(paths.chart_file(figures_dir, name, "json")) for name in chart_names(notebook)]
    sentences = [line for sidecar in sidecars for line in sidecar["findings"] if ARROW not in line]
    return sentences[0] if sentences else sidecars[0]["headline"]


def kilobytes(size: int) -> int:
    return max(1, round(size / 1024))


def official_archive_files(clean_dir: Path) -> dict[str, Path]:
    """What the archive published beside the pages holds: the full official table."""
    return {paths.OFFICIAL_INDICATORS: clean_dir / paths.OFFICIAL_INDICATORS}


def download(files: dict[str, Path], official: bytes) -> dict:
    """The archive as a download from the page itself, what it holds, and the official archive beside the page."""
    content = archive(files)
    return {"name": ARCHIVE, "href": data_link(content, "application/zip"), "kb": kilobytes(len(content)),
            "files": [{"name": name, "kb": kilobytes(path.stat().st_size)}
                      for name, path in sorted(files.items()) if "/" not in name],
            "charts": sum("/" in name for name in files),
            "official": {"name": paths.OFFICIAL_ARCHIVE.name, "kb": kilobytes(len(official)),
                         "file": paths.OFFICIAL_INDICATORS}}


def data_quality(clean_dir: Path, tr: Language, titles: dict[str, str]) -> dict:
    """The consistency findings (their messages in the language), the derived values, and the values whose period
    the text does not state, by indicator (a table each, so that a reader on a phone finds a row)."""
    checks = translated_columns(read_table(clean_dir / paths.CHECKS), tr)
    indicators = translated_columns(read_table(clean_dir / paths.CLEAN_INDICATORS), tr)
    stated = read_table(clean_dir / paths.CLEAN_INDICATORS)["period_basis"].str.startswith("stated")
    inferred = indicators.loc[~stated, INFERRED_COLUMNS]
    return {
        "checks": table(checks[CHECK_COLUMNS], tr, tr._("Consistency findings"), titles) if len(checks) else None,
        "check_count": len(checks),
        "derived": table(indicators.loc[indicators["kind"] == "derived", DERIVED_COLUMNS], tr, tr._("Derived values"),
                         titles),
        "inferred_count": len(inferred),
        "inferred": [table(group.drop(columns="indicator"), tr, titles.get(indicator, indicator), titles)
                     for indicator, group in sorted(inferred.groupby("indicator"),
                                                    key=lambda item: titles.get(item[0], item[0]))],
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
    return {"country": country_name(country, tr.code), "code": country, "edition": edition,
            "members": int((ranks["period"] == edition).sum()), "rank": int(float(latest["egdi_rank"])),
            **{indicator: ordinal(int(float(latest[indicator])), tr)
               for indicator in ("egdi_rank", "egdi_rank_asean", "osi_rank", "osi_rank_asean")},
            "egdi": plain(latest["egdi"], 4, tr.code)}


def official_coverage(clean_dir: Path, raw_dir: Path, tr: Language) -> dict:
    """The survey editions the official table holds and those the raw files lack; the World Bank indicators by their
    titles; the producers of the industry estimates, as the language names them."""
    official = read_table(clean_dir / paths.OFFICIAL_INDICATORS)
    editions = sorted(set(official.loc[official["indicator"] == "egdi_rank", "period"]))
    gaps = read_table(raw_dir / paths.OFFICIAL_RAW.name / paths.OFFICIAL_GAPS)
    described = described_indicators(raw_dir / paths.OFFICIAL_RAW.name).values()
    return {"editions": ", ".join(editions), "gaps": ", ".join(sorted(gaps["edition"])),
            "world_bank": ", ".join(sorted(entry[tr.column("title")] for entry in described
                                           if "wb_long" in entry["readers"])),
            "estimates": "; ".join(sorted({producer for entry in described if "industry_estimate" in entry["source_kinds"]
                                           for producer in entry[tr.column("producers")]}))}


def claims_against_official(clean_dir: Path, tr: Language, titles: dict[str, str]) -> dict:
    """Each claim beside the public value that checks it, and how many agree, differ or have no such comparison."""
    compared = read_table(clean_dir / paths.CLAIMS_VS_OFFICIAL)
    shown = translated_columns(compared, tr)[
        ["figure_id", "source_id", "kind", "indicator", "period", "qualifier", "claim_value", "official_value",
         "source_kind", "verdict"]]
    counts = compared["verdict"].value_counts()
    agrees, differs = int(counts.get("agrees", 0)), int(counts.get("differs", 0))
    return {"table": table(shown, tr, tr._("Claims beside the official values"), titles), "agrees": agrees,
            "differs": differs, "not_checked": len(compared) - agrees - differs}


# The themes of the claims register, by indicator family; a family without a theme here is named by its id.
THEMES = {"egov_ranks": N_("E-government ranks"), "vneid": N_("Electronic identification (VNeID)"),
          "chip_id": N_("Chip-based ID cards"), "digital_economy": N_("Digital economy"),
          "services_targets": N_("Public services and digital society")}
# The verdicts of the claims check (data contract), in the order a reader takes them; a value without one is not
# checked. Those that compare a value with a public one count as checked.
VERDICTS = ("agrees", "differs", "target_met", "target_not_met", "target_not_yet_known", "not_comparable",
            "no_public_series", "not_checked")
CHECKED = ("agrees", "differs", "target_met", "target_not_met")
REGISTER_COLUMNS = ["indicator", "value_raw", "period", "kind", "source_id", "figure_id", "verdict", "reason"]
# The chart the page opens with, beside where the country stands.
LEAD_CHART = "egov_top50"


def claims_register(clean_dir: Path, tr: Language, titles: dict[str, str]) -> pd.DataFrame:
    """Every value of the articles (each figure of the raw table, and the values derived from them) with its verdict
    from the claims check (claims_vs_official.csv, matched on figure, kind and period): a value the check has no row
    for is not checked."""
    values = read_table(clean_dir / paths.CLEAN_INDICATORS)
    verdicts = read_table(clean_dir / paths.CLAIMS_VS_OFFICIAL)
    keys = [key for key in ("figure_id", "kind", "period") if key in verdicts]
    reasons = [name for name in verdicts if name == "reason" or name.startswith("reason_")]
    merged = values.merge(verdicts.drop_duplicates(keys)[keys + ["verdict", *reasons]], on=keys, how="left")
    merged = merged.fillna("").assign(verdict=lambda frame: frame["verdict"].replace("", "not_checked"))
    # the value as the article wrote it; a derived value (digits alone) as the project writes it
    written = [row["value_raw"] if row["kind"] != "derived" and row["value_raw"] else value_label(
        {**row, "value": float(row["value"]), "denominator": float(row["denominator"]) if row["denominator"] else None},
        tr) for row in merged.to_dict("records")]
    family = read_table(clean_dir / paths.INDICATOR_METADATA).set_index("indicator")["family"]
    return merged.assign(value_raw=written, theme=merged["indicator"].map(family),
                         title=merged["indicator"].map(lambda code: titles.get(code, code)))


def verdict_counts(register: pd.DataFrame) -> dict[str, int]:
    """How many values of the register have each verdict, and how many were checked against a public value."""
    counts = register["verdict"].value_counts()
    return {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS} | {
        "checked": int(register["verdict"].isin(CHECKED).sum())}


def register_view(register: pd.DataFrame, tr: Language, titles: dict[str, str]) -> dict:
    """The register as the page shows it: one closed table per theme, its counts in its summary."""
    groups = []
    for theme, rows in sorted(register.groupby("theme"), key=lambda item: list(THEMES).index(item[0])
                              if item[0] in THEMES else len(THEMES)):
        rows = rows.sort_values(["title", "period", "figure_id"])
        counts = verdict_counts(rows)
        caption = tr._("{theme}: {counts}", theme=tr._(THEMES[theme]) if theme in THEMES else theme,
                       counts=", ".join(f"{counts[verdict]} {word(verdict, tr)}" for verdict in VERDICTS
                                        if counts[verdict]))
        groups.append({"table": table(rows[REGISTER_COLUMNS + [c for c in rows if c.startswith("reason_")]], tr,
                                      caption, titles)})
    return {"groups": groups, **summary_counts(register, tr)}


# What a count of values with each verdict says, as the summary writes it; the verdicts a reader always looks for are
# counted even at zero, the others where some value has them.
VERDICT_COUNTS = {"agrees": N_("agree with the public value"), "differs": N_("differ from it"),
                  "target_met": N_("targets met"), "target_not_met": N_("targets not met"),
                  "target_not_yet_known": N_("targets whose outcome is not yet known"),
                  "not_comparable": N_("have a public series that measures something else"),
                  "no_public_series": N_("have no public series"), "not_checked": N_("not checked yet")}
ALWAYS_COUNTED = ("agrees", "differs", "no_public_series", "not_checked")


def summary_counts(register: pd.DataFrame, tr: Language) -> dict:
    """What the claims check found, each count computed from the register and named for what it counts."""
    counts = verdict_counts(register)
    stated = register[register["kind"] != "derived"]
    return {"counts": [
        (tr._("figures stated by the articles"), stated["figure_id"].nunique()),
        (tr._("of them targets"), int((stated["kind"] == "target").sum())),
        (tr._("values derived from them"), int((register["kind"] == "derived").sum())),
        (tr._("values checked against a public series"), counts["checked"]),
        *[(tr._(VERDICT_COUNTS[verdict]), counts[verdict]) for verdict in VERDICTS
          if counts[verdict] or verdict in ALWAYS_COUNTED],
    ], "articles": register["source_id"].nunique(), "value_count": len(register)}


def lead(clean_dir: Path, tr: Language, position: dict) -> dict:
    """Where the country stands against the top-50 target the articles state (the lowest EGDI rank target)."""
    values = read_table(clean_dir / paths.CLEAN_INDICATORS)
    targets = values[(values["indicator"] == "egdi_rank") & (values["kind"] == "target")
                     & (values["country"] == position["code"])]
    if targets.empty:
        return {}
    goal = int(min(float(value) for value in targets["value"]))
    return {"goal": goal, "distance": position["rank"] - goal}


def other_languages(lang: str) -> list[dict]:
    """The report in each other language: its code, its name in that language, and its file beside this one."""
    return [{"lang": code, "name": language(code)._(LANGUAGE_NAMES[code]),
             "href": paths.in_language(paths.REPORT_HTML, code).name} for code in LANGUAGES if code != lang]


def render(notebooks_dir: Path, figures_dir: Path, clean_dir: Path, raw_dir: Path,
           lang: str = SOURCE_LANGUAGE, official: bytes | None = None) -> str:
    """The page in a language, from the notebooks executed in that language and the charts they saved; `official`:
    the archive of the full official table published beside it, zipped here when not given."""
    tr = language(lang)
    files = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if p.name != paths.CLEAN_NOTEBOOK)
    if not files:
        raise FileNotFoundError(f"no executed notebooks in {notebooks_dir}: run `make report`")
    notebooks = [nbformat.read(p, as_version=4) for p in files]
    sources = translated_columns(read_table(clean_dir / paths.CLEAN_SOURCES), tr)
    # the template's own sections hold these anchors; the notebooks' headings get others
    taken = {"contents", "summary", "register", "claims-vs-official", "data-quality", "methods", "sources", "data",
             "glossary",
             *(f"source-{s}" for s in sources["source_id"])}
    contents: list[dict] = []
    titles = read_table(clean_dir / paths.INDICATOR_METADATA).set_index("indicator")[tr.column("title")].to_dict()
    sections = [section(nb, figures_dir, taken, contents, tr, titles) for nb in notebooks]
    charts = [part["chart"] for parts in sections for part in parts if "chart" in part]
    position = official_position(clean_dir, tr)
    register = claims_register(clean_dir, tr, titles)
    return environment(tr).get_template(paths.REPORT_TEMPLATE).render(
        lang=lang, source_language=SOURCE_LANGUAGE, other_languages=other_languages(lang),
        article_count=len(sources), years=corpus_years(sources),
        latest_data=period_text(max(sources["published"]), lang),
        lead=lead(clean_dir, tr, position), lead_chart=next((c for c in charts if c.get("in_lead")), None),
        register=register_view(register, tr, titles),
        sections=sections, contents=contents,
        download=download(archive_files(clean_dir, figures_dir, [c["name"] for c in charts]),
                          official if official is not None else archive(official_archive_files(clean_dir))),
        position=position, compared=claims_against_official(clean_dir, tr, titles),
        official=official_coverage(clean_dir, raw_dir, tr),
        quality=data_quality(clean_dir, tr, titles), methods=methods(raw_dir, clean_dir),
        sources=[s._replace(published=period_text(s.published, lang), outlet=word(s.outlet, tr))
                 for s in sources.itertuples()],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append",
                        help="the language of the page to build (repeatable; default: every language)")
    args = parser.parse_args(argv)
    # Every page rendered before any file is replaced, so that a failing page leaves the published ones as they were.
    official = archive(official_archive_files(paths.DATA_CLEAN))  # zipped once for every page
    outputs: dict[Path, str | bytes] = {paths.OFFICIAL_ARCHIVE: official}
    for lang in args.lang or LANGUAGES:
        outputs[paths.in_language(paths.REPORT_HTML, lang)] = render(
            paths.in_language(paths.EXECUTED_NOTEBOOKS, lang), paths.in_language(paths.FIGURES, lang),
            paths.DATA_CLEAN, paths.DATA_RAW, lang, official)
    write_files_atomic(outputs)
    for output in outputs:
        print(f"report written: {output.relative_to(paths.ROOT)}")
    return 0
