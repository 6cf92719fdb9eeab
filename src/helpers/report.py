"""The published report: one self-contained, deterministic HTML page built from the executed notebooks.

    python -m helpers.report [--notebooks build/notebooks] [--figures build/figures] [--output reports/report.html]

Each indicator notebook becomes a section, in order: its prose, its charts (inline SVG images with
alt text, the source line and the findings under each), and the data behind each chart as a table; code is never shown.
Around them: a computed summary, a data-quality section from data/clean/checks.csv, the methods,
the sources and links to the clean files. Nothing is fetched from the network; every text that
comes from data is escaped.
"""
import argparse
import base64
import html
import sys
from pathlib import Path

import nbformat
import pandas as pd
from markdown_it import MarkdownIt

from helpers import paths
from helpers.io import read_json, write_text_atomic

CLEAN_NOTEBOOK = "01-clean.ipynb"
# The columns of a chart's data that a reader needs under the chart, when the chart has them.
TABLE_COLUMNS = ["indicator", "period", "value", "unit", "kind", "qualifier", "target", "target_year", "latest",
                 "latest_period", "gap", "value_num", "value_den", "ratio_percent", "population", "share_percent",
                 "source_id", "figure_id", "figure_id_num", "figure_id_den", "target_figure", "latest_figure"]
CLEAN_LINKS = ["indicators.csv", "checks.csv", "sources.csv", "indicator_metadata.csv", "datapackage.json"]
# Raw HTML in the notebooks' markdown is not passed through: the report only holds what it builds.
MARKDOWN = MarkdownIt("commonmark", {"html": False})

STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --rule: #ddd; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.55 system-ui, -apple-system, "Segoe UI",
       Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; line-height: 1.25; } h2 { font-size: 1.35rem; margin-top: 2.5rem;
  border-top: 2px solid var(--rule); padding-top: 1rem; } h3 { font-size: 1.1rem; margin-top: 1.8rem; }
figure { margin: 1.2rem 0; } figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--muted); }
ul.findings { padding-left: 1.2rem; } ul.findings li { margin: .2rem 0; }
.table { overflow-x: auto; margin: .8rem 0; }
table { border-collapse: collapse; font-size: .85rem; } th, td { border-bottom: 1px solid var(--rule);
  padding: .25rem .5rem; text-align: left; vertical-align: top; }
.note { background: #f4f4f4; padding: .6rem .8rem; border-left: 4px solid var(--accent); }
a { color: var(--accent); }
"""


def escape(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def table_html(frame: pd.DataFrame, caption: str = "") -> str:
    """A plain table of data, every cell escaped."""
    head = "".join(f"<th scope=\"col\">{escape(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<div class="table"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def shift_headings(markdown: str, by: int) -> str:
    """Notebook headings one level down, so each notebook's title is a section (h2) under the report's h1."""
    return "\n".join("#" * by + line if line.startswith("#") else line for line in markdown.splitlines())


def chart_html(figures_dir: Path, name: str) -> str:
    sidecar = read_json(figures_dir / f"{name}.json")
    findings = "".join(f"<li>{escape(line)}</li>" for line in sidecar["findings"])
    if sidecar["empty"]:
        return f'<p class="note"><strong>{escape(sidecar["title"])}</strong>: {escape(sidecar["alt"])}.</p>'
    svg = base64.b64encode((figures_dir / f"{name}.svg").read_bytes()).decode("ascii")
    data = pd.read_csv(figures_dir / f"{name}.csv", dtype=str, keep_default_na=False)
    shown = data[[c for c in TABLE_COLUMNS if c in data.columns]]
    return (f'<figure><img src="data:image/svg+xml;base64,{svg}" alt="{escape(sidecar["alt"])}">'
            f'<figcaption>{escape(sidecar["source"])}</figcaption></figure>'
            f'<ul class="findings">{findings}</ul>' + table_html(shown, f"Data behind the chart ({name}.csv)"))


def section_html(notebook: dict, figures_dir: Path) -> str:
    """A notebook without its code: its prose, and each chart where the notebook shows it."""
    parts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append(MARKDOWN.render(shift_headings(cell["source"], 1)))
        for output in cell.get("outputs", []):
            chart = output.get("metadata", {}).get("chart")
            if chart:
                parts.append(chart_html(figures_dir, chart))
    return "\n".join(parts)


def headline_findings(notebooks: list[dict], figures_dir: Path) -> list[str]:
    """The headline finding of every chart, in the order of the report."""
    lines = []
    for notebook in notebooks:
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                chart = output.get("metadata", {}).get("chart")
                if chart:
                    lines.append(read_json(figures_dir / f"{chart}.json")["headline"])
    return [line for line in dict.fromkeys(lines) if line]


def data_quality_html(clean_dir: Path) -> str:
    checks = pd.read_csv(clean_dir / "checks.csv", dtype=str, keep_default_na=False)
    indicators = pd.read_csv(clean_dir / "indicators.csv", dtype=str, keep_default_na=False)
    derived = indicators[indicators["kind"] == "derived"][["indicator", "period", "value", "source_id", "figure_id", "note"]]
    inferred = indicators[indicators["period_basis"] != "stated"][["indicator", "period", "period_basis", "figure_id"]]
    count = lambda frame, what: f"<p>{len(frame)} {what}.</p>"
    return "\n".join([
        "<h2>Data quality</h2>",
        "<h3>Consistency findings</h3>",
        "<p>Disagreements between sources, running totals that fall, shares above 100%, ranks beyond the number "
        "ranked, and shares of the population that do not fit the stated count.</p>",
        count(checks, "finding(s)"), table_html(checks[["check", "severity", "figure_ids", "message"]]) if len(checks) else "",
        "<h3>Derived values</h3>",
        "<p>Values the text implies for an earlier survey (\"86th, up two places from 2018\" gives 88 for 2018).</p>",
        count(derived, "derived value(s)"), table_html(derived),
        "<h3>Periods not stated in the text</h3>",
        "<p>Where the text gives no date, the value is dated by the publication date of its source, or by an "
        "inference explained in its note.</p>",
        count(inferred, "value(s)"), table_html(inferred),
    ])


def methods_html(raw_dir: Path, clean_dir: Path) -> str:
    audit = pd.read_csv(raw_dir / "extraction_audit.csv", dtype=str, keep_default_na=False)
    figures = pd.read_csv(raw_dir / "figures.csv", dtype=str, keep_default_na=False)
    status = audit["status"].value_counts()
    rows = pd.read_csv(clean_dir / "indicators.csv", dtype=str, keep_default_na=False)
    return "\n".join([
        "<h2>Methods</h2>",
        f"<p><strong>Extraction.</strong> Every quantitative claim of the {figures['source_id'].nunique()} articles "
        f"was copied into <code>data/raw/figures.csv</code> exactly as written ({len(figures)} figures), each with a "
        "verbatim quote of at most about 20 words that contains it. An audit lists every number in the documents: "
        f"{len(audit)} numeric tokens, {status.get('captured', 0)} captured by a figure, "
        f"{status.get('out_of_scope', 0)} explained as out of scope (dates, decree numbers, unrelated news) and "
        f"{status.get('unexplained', 0)} unexplained.</p>",
        "<p><strong>Cleaning.</strong> Each figure is parsed into a number in base units (\"nearly 2.6 million\" is "
        "2,600,000 with qualifier approx), its period normalised to ISO 8601 (survey year for ranks, as-of date for "
        "counts, calendar year for growth, the target year for targets) and checked; the clean files are validated "
        f"against their Frictionless schema before they are published ({len(rows)} rows).</p>",
        "<p><strong>Derivation.</strong> A rank stated relative to an earlier year gives that year's rank as a "
        "<em>derived</em> value pointing to the figure it came from. The same claim made by two sources stays two "
        "rows, so disagreements are visible rather than averaged away.</p>",
        "<p><strong>Reference data.</strong> Shares of the population use the population in "
        "<code>data/raw/reference.csv</code>, which carries its producer and citation.</p>",
    ])


def sources_html(clean_dir: Path) -> str:
    sources = pd.read_csv(clean_dir / "sources.csv", dtype=str, keep_default_na=False)
    items = "".join(f"<li><strong>{escape(s.source_id)}</strong>: {escape(s.title)}. {escape(s.outlet)}, "
                    f"{escape(s.published)} ({escape(s.published_basis)}). File {escape(s.file)}.</li>"
                    for s in sources.itertuples())
    links = "".join(f'<li><a href="../data/clean/{name}">data/clean/{name}</a></li>' for name in CLEAN_LINKS)
    return f"<h2>Sources</h2><ul>{items}</ul><h2>Data</h2><p>The clean files, reusable outside this report:</p><ul>{links}</ul>"


def latest_data_date(clean_dir: Path) -> str:
    sources = pd.read_csv(clean_dir / "sources.csv", dtype=str, keep_default_na=False)
    return max(sources["published"])


def render(notebooks_dir: Path, figures_dir: Path, clean_dir: Path, raw_dir: Path) -> str:
    files = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if p.name != CLEAN_NOTEBOOK)
    if not files:
        raise FileNotFoundError(f"no executed notebooks in {notebooks_dir}: run `make report`")
    notebooks = [nbformat.read(p, as_version=4) for p in files]
    title = "Viet Nam's digital government in figures, 2021-2024"
    summary = "".join(f"<li>{escape(line)}</li>" for line in headline_findings(notebooks, figures_dir))
    body = "\n".join([
        f"<h1>{escape(title)}</h1>",
        f"<p>Every quantitative claim of five news articles on Viet Nam's e-government and digital transformation, "
        f"cleaned, checked and charted. Latest data: articles published up to {escape(latest_data_date(clean_dir))}.</p>",
        f"<h2>Summary</h2><ul class=\"findings\">{summary}</ul>",
        *(section_html(nb, figures_dir) for nb in notebooks),
        data_quality_html(clean_dir),
        methods_html(raw_dir, clean_dir),
        sources_html(clean_dir),
    ])
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            "</body>\n</html>\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=paths.BUILD / "notebooks")
    parser.add_argument("--figures", type=Path, default=paths.FIGURES)
    parser.add_argument("--output", type=Path, default=paths.REPORTS / "report.html")
    args = parser.parse_args(argv)
    page = render(args.notebooks, args.figures, paths.DATA_CLEAN, paths.DATA_RAW)
    write_text_atomic(page, args.output)
    print(f"report written: {args.output.relative_to(paths.ROOT) if args.output.is_relative_to(paths.ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
