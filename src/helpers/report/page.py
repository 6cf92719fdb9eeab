"""The published report: one self-contained, deterministic HTML page built from the executed notebooks.

    python -m helpers.report [--notebooks build/notebooks] [--figures build/figures] [--output reports/report.html]

Each indicator notebook becomes a section, in order: its prose, its charts (inline SVG images with
alt text, the source line and the findings under each), and the data behind each chart as a table;
code is never shown. Around them: a computed summary, a data-quality section from the clean checks,
the methods, the sources and links to the clean files. The page's markup and prose live in
templates/report.html.j2; this module only gathers the numbers and tables it shows. Nothing is
fetched from the network, and the template escapes every text that comes from data.
"""
import argparse
import base64
import html
import sys
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markdown_it import MarkdownIt
from markupsafe import Markup

from helpers import paths
from helpers.analysis.findings import ordinal
from helpers.data.raw import corpus_articles, corpus_years
from helpers.files import read_json, write_text_atomic

# The columns of a chart's data that a reader needs under the chart, when the chart has them.
TABLE_COLUMNS = ["indicator", "period", "value", "unit", "kind", "qualifier", "target", "target_year", "latest",
                 "latest_period", "gap", "value_num", "value_den", "ratio_percent", "population", "share_percent",
                 "source_id", "figure_id", "figure_id_num", "figure_id_den", "target_figure", "latest_figure"]
DERIVED_COLUMNS = ["indicator", "period", "value", "source_id", "figure_id", "note"]
INFERRED_COLUMNS = ["indicator", "period", "period_basis", "figure_id"]
CHECK_COLUMNS = ["check", "severity", "figure_ids", "message"]
# Raw HTML in the notebooks' markdown is not passed through: the report only holds what it builds.
MARKDOWN = MarkdownIt("commonmark", {"html": False})


def escape_text(value) -> Markup:
    """Every value the template prints, escaped as html.escape does (quotes included); empty for a missing value."""
    if isinstance(value, Markup):
        return value
    missing = value is None or (isinstance(value, float) and pd.isna(value))
    return Markup(html.escape("" if missing else str(value)))


def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                              finalize=escape_text, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def table(frame: pd.DataFrame, caption: str = "") -> dict:
    """A table as the template's `table` macro takes it: a caption, column names and rows of cells."""
    return {"caption": caption, "columns": list(frame.columns), "rows": list(frame.itertuples(index=False))}


def shift_headings(markdown: str, by: int) -> str:
    """Notebook headings one level down, so each notebook's title is a section (h2) under the report's h1."""
    return "\n".join("#" * by + line if line.startswith("#") else line for line in markdown.splitlines())


def chart_names(notebook: dict) -> list[str]:
    """The charts a notebook shows, in order, from the metadata of its display outputs."""
    return [output["metadata"]["chart"] for cell in notebook["cells"] for output in cell.get("outputs", [])
            if output.get("metadata", {}).get("chart")]


def chart(figures_dir: Path, name: str) -> dict:
    """What the template shows for one chart: the sidecar's texts, and the SVG and its data unless it is empty."""
    sidecar = read_json(paths.chart_file(figures_dir, name, "json"))
    if sidecar["empty"]:
        return sidecar
    data = read_table(paths.chart_file(figures_dir, name, "csv"))
    if not sidecar.get("chart", True):
        return sidecar | {"table": table(data, f"The claims ({name}.csv)")}
    svg = base64.b64encode(paths.chart_file(figures_dir, name, "svg").read_bytes()).decode("ascii")
    shown = data[[c for c in TABLE_COLUMNS if c in data.columns]]
    return sidecar | {"svg_base64": svg, "table": table(shown, f"Data behind the chart ({name}.csv)")}


def section(notebook: dict, figures_dir: Path) -> list[dict]:
    """A notebook without its code: its prose (markdown rendered) and each chart where the notebook shows it."""
    parts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append({"html": Markup(MARKDOWN.render(shift_headings(cell["source"], 1)))})
        parts += [{"chart": chart(figures_dir, name)} for name in chart_names({"cells": [cell]})]
    return parts


def headline_findings(notebooks: list[dict], figures_dir: Path) -> list[str]:
    """The headline finding of every chart, in the order of the report."""
    lines = [read_json(paths.chart_file(figures_dir, name, "json"))["headline"]
             for notebook in notebooks for name in chart_names(notebook)]
    return [line for line in dict.fromkeys(lines) if line]


def data_quality(clean_dir: Path) -> dict:
    checks = read_table(clean_dir / paths.CHECKS)
    indicators = read_table(clean_dir / paths.CLEAN_INDICATORS)
    return {
        "checks": table(checks[CHECK_COLUMNS]) if len(checks) else None, "check_count": len(checks),
        "derived": table(indicators.loc[indicators["kind"] == "derived", DERIVED_COLUMNS]),
        "inferred": table(indicators.loc[indicators["period_basis"] != "stated", INFERRED_COLUMNS]),
    }


def methods(raw_dir: Path, clean_dir: Path) -> dict:
    audit = read_table(raw_dir / paths.AUDIT)
    figures = read_table(raw_dir / paths.FIGURES_TABLE)
    status = audit["status"].value_counts()
    return {"articles": figures["source_id"].nunique(), "figures": len(figures), "tokens": len(audit),
            "captured": status.get("captured", 0), "out_of_scope": status.get("out_of_scope", 0),
            "unexplained": status.get("unexplained", 0),
            "clean_rows": len(read_table(clean_dir / paths.CLEAN_INDICATORS))}


def official_position(clean_dir: Path) -> dict:
    """Where the country the articles are about stands in the latest survey edition the raw files hold."""
    claims = read_table(clean_dir / paths.CLEAN_INDICATORS)
    country = claims["country"].value_counts().index[0]
    official = read_table(clean_dir / paths.OFFICIAL_INDICATORS)
    ranks = official[official["indicator"] == "egdi_rank"]
    edition = ranks["period"].max()
    latest = official[(official["country"] == country) & (official["period"] == edition)].set_index("indicator")["value"]
    return {"country": country, "edition": edition, "members": int((ranks["period"] == edition).sum()),
            **{indicator: ordinal(int(float(latest[indicator])))
               for indicator in ("egdi_rank", "egdi_rank_asean", "osi_rank", "osi_rank_asean")},
            "egdi": f"{float(latest['egdi']):.4f}"}


def official_coverage(clean_dir: Path, raw_dir: Path) -> dict:
    """The survey editions the official table holds, and those the raw files lack."""
    official = read_table(clean_dir / paths.OFFICIAL_INDICATORS)
    editions = sorted(set(official.loc[official["indicator"] == "egdi_rank", "period"]))
    gaps = read_table(raw_dir / paths.OFFICIAL_RAW.name / paths.OFFICIAL_GAPS)
    return {"editions": ", ".join(editions), "gaps": ", ".join(sorted(gaps["edition"]))}


def claims_against_official(clean_dir: Path) -> dict:
    """Each claim on a survey indicator beside its official value, and how many agree, differ or cannot be checked."""
    compared = read_table(clean_dir / paths.CLAIMS_VS_OFFICIAL)
    titles = read_table(clean_dir / paths.INDICATOR_METADATA).set_index("indicator")["title"]
    shown = compared.assign(indicator=compared["indicator"].map(titles))[
        ["figure_id", "source_id", "kind", "indicator", "period", "qualifier", "claim_value", "official_value",
         "dataset", "verdict", "reason"]]
    counts = compared["verdict"].value_counts()
    return {"table": table(shown), **{verdict: int(counts.get(verdict, 0))
                                      for verdict in ("agrees", "differs", "not_checked")}}


def render(notebooks_dir: Path, figures_dir: Path, clean_dir: Path, raw_dir: Path) -> str:
    files = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if p.name != paths.CLEAN_NOTEBOOK)
    if not files:
        raise FileNotFoundError(f"no executed notebooks in {notebooks_dir}: run `make report`")
    notebooks = [nbformat.read(p, as_version=4) for p in files]
    sources = read_table(clean_dir / paths.CLEAN_SOURCES)
    return environment().get_template(paths.REPORT_TEMPLATE).render(
        articles=corpus_articles(sources), years=corpus_years(sources), latest_data=max(sources["published"]),
        summary=headline_findings(notebooks, figures_dir),
        sections=[section(nb, figures_dir) for nb in notebooks],
        position=official_position(clean_dir), compared=claims_against_official(clean_dir),
        official=official_coverage(clean_dir, raw_dir),
        quality=data_quality(clean_dir), methods=methods(raw_dir, clean_dir),
        sources=list(sources.itertuples()), clean_files=[f"data/clean/{name}" for name in paths.CLEAN_FILES],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=paths.EXECUTED_NOTEBOOKS)
    parser.add_argument("--figures", type=Path, default=paths.FIGURES)
    parser.add_argument("--output", type=Path, default=paths.REPORT_HTML)
    args = parser.parse_args(argv)
    page = render(args.notebooks, args.figures, paths.DATA_CLEAN, paths.DATA_RAW)
    write_text_atomic(page, args.output)
    print(f"report written: {args.output.relative_to(paths.ROOT) if args.output.is_relative_to(paths.ROOT) else args.output}")
    return 0
