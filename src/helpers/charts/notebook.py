"""What a notebook cell calls to show a view: its chart (or empty-state note), its findings and citations."""
from pathlib import Path

import pandas as pd
from IPython.display import SVG, Markdown, display

from helpers import params
from helpers.analysis import tables
from helpers.analysis.findings import value_label
from helpers.i18n import SOURCE_LANGUAGE, heading
from helpers.numbers import cell_text
from helpers.charts import draw as charts

CITATION_COLUMNS = ["indicator", "period", "value_text", "kind", "source_id", "figure_id"]


def citations(view) -> pd.DataFrame:
    """Each point drawn with the claim it comes from: the table under every chart."""
    rows = view.data.attrs.get("source_rows", view.data)
    rows = rows[rows["figure_id"].notna()] if "figure_id" in rows else rows.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=CITATION_COLUMNS)
    if "value_text" not in rows:
        rows = rows.assign(value_text=rows.apply(value_label, axis=1, tr=view.language))
    table = rows.assign(kind=rows["kind"].astype(str))
    return table_in_language(table[CITATION_COLUMNS].sort_values(["indicator", "period", "figure_id"], ignore_index=True),
                       view.language)


def table_in_language(table: pd.DataFrame, tr) -> pd.DataFrame:
    """A table as the notebook's language writes it, as the report's tables are: its columns under their headings,
    its cells written the language's way (helpers.numbers.cell_text); in English, as it is."""
    if tr.code == SOURCE_LANGUAGE:
        return table
    shown = pd.DataFrame({name: [cell_text(name, value, tr) for value in cells] for name, cells in table.items()})
    return shown.rename(columns=lambda name: heading(name, tr))


def render(view, figures_dir: Path, sources: pd.DataFrame) -> pd.DataFrame | None:
    """Save and show the chart (or the empty-state note, or the view's table), print the findings, return the
    citations: the table under the chart, and the table itself for a view without one; None where no claim is
    drawn (an official series alone, or an empty selection), so the cell shows no empty table."""
    if view.chart is None and view.empty_message:
        charts.save_empty(view.name, figures_dir, view.title, view.empty_message, view.findings,
                           view.headline_text())
        display(Markdown(f"**{view.title}**: {view.empty_message}."), metadata={"chart": view.name})
    elif view.chart is None:  # findings and a table, no chart
        source = charts.source_line(view.data, sources, view.language, view.extra_source)
        charts.save_text(view.name, figures_dir, view.title, view.data, view.alt, source, view.findings,
                         view.headline_text())
        display(Markdown(f"**{view.title}**"), metadata={"chart": view.name})
    else:
        cited = view.data.attrs.get("source_rows", view.data)
        source = charts.source_line(cited, sources, view.language, view.extra_source)
        svg = charts.save_chart(view, figures_dir, view.alt, source)
        display(SVG(filename=str(svg)), metadata={"chart": view.name})
        print(source)
    print("\n".join(view.findings))
    cited = citations(view)
    return None if cited.empty else cited


def setup(clean_dir, figures_dir, country, start_year, end_year, as_of, lang):
    """Check the parameters, read the clean layer and set the chart style; stops before any work on a bad value.
    `lang` is the language the findings and charts are written in (helpers.i18n.LANGUAGES)."""
    data = tables.read_clean(params.directory("clean_dir", clean_dir, must_exist=True))
    chosen = tables.selection(data, country, start_year, end_year, as_of, lang)
    figures_path = params.directory("figures_dir", figures_dir, must_exist=False)
    charts.apply_style()
    return data, chosen, figures_path
