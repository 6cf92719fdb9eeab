"""One chart style for the project, and every chart saved with the exact data behind it.

Each chart is written to figures_dir as SVG and PNG, with a CSV of its data and a JSON sidecar
(title, alt text, source line) that the report reads. Files are byte-identical from run to run.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from helpers.analysis.findings import short_number, value_label  # noqa: E402
from helpers.files import csv_text, json_text, write_files_atomic  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
KIND_MARKERS = {"official": ".", "observed": "o", "derived": "D", "target": "*"}
KIND_FILLED = {"official": True, "observed": True, "derived": False, "target": True}
KIND_SIZES = {"official": 30, "observed": 50, "derived": 50, "target": 90}
MUTED = "#8c8c8c"


def apply_style() -> None:
    """Readable fonts, the colour-blind-safe palette, and no run-dependent bytes in saved files."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (8, 4.5), "figure.dpi": 100, "savefig.dpi": 100, "font.size": 11,
        "axes.titlesize": 13, "axes.titleweight": "bold", "axes.labelsize": 11, "legend.fontsize": 9,
        "svg.hashsalt": "vn-digital-government", "svg.fonttype": "none", "path.simplify": True,
    })


def source_line(rows: pd.DataFrame, sources: pd.DataFrame, official: str = "") -> str:
    """The chart's source: the articles its claims cite and the official datasets it draws, and how to read marks."""
    cited_ids = set(rows["source_id"].dropna()) if "source_id" in rows else set()
    used = sources[sources["source_id"].isin(cited_ids)].sort_values("source_id")
    cited = "; ".join(f"{s.source_id} {s.outlet if s.outlet != 'not stated' else 'outlet not stated'}, {s.published}"
                      for s in used.itertuples())
    parts = [f"Official: {official}." if official else "", f"Articles: {cited}." if cited else ""]
    marks = "Marks: · official, ● observed, ◇ derived, ★ target; ~ approx, ≥ at least." if cited else ""
    return " ".join(["Source:", *(p for p in parts if p), marks]).strip()


def new_figure(title: str, source: str, height: float = 4.5):
    fig, ax = plt.subplots(figsize=(8, height))
    ax.set_title(title, loc="left")
    fig.text(0.01, 0.01, source, fontsize=8, color="#444444", wrap=True)
    fig.subplots_adjust(bottom=0.22, top=0.88, left=0.11, right=0.97)
    return fig, ax


def plot_series(ax, rows: pd.DataFrame, labels: dict[str, str]) -> None:
    """One line per indicator, through its official series where there is one, else through its observed and
    derived points; claims and targets as marks over it; every point labelled once."""
    kinds = rows["kind"].astype(str)
    for colour, (indicator, group) in zip(PALETTE, rows.assign(kind=kinds).groupby("indicator", sort=True)):
        official = group[group["kind"] == "official"]
        line = (official if not official.empty else group[group["kind"] != "target"]).sort_values("date")
        ax.plot(line["date"], line["value"].astype(float), color=colour, linewidth=1.5, label=labels[indicator])
        # official first, then target and derived, so an observed point on the same spot stays visible on top
        for kind in ["official", "target", "derived", "observed"]:
            points = group[group["kind"] == kind]
            if points.empty:
                continue
            ax.scatter(points["date"], points["value"].astype(float), marker=KIND_MARKERS[kind], s=KIND_SIZES[kind],
                       facecolors=colour if KIND_FILLED[kind] else "white", edgecolors=colour, zorder=3)
        for (date, value), row in group.groupby(["date", "value"], sort=True).first().iterrows():
            ax.annotate(value_label(row.to_dict() | {"value": value}), (date, float(value)),
                        textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8, color=colour)


def year_ticks(ax, dates: pd.Series) -> None:
    """A tick on each year, or every second or fifth year when the span is long, so that no label overlaps."""
    years = dates.max().year - dates.min().year
    ax.xaxis.set_major_locator(mdates.YearLocator(1 if years <= 10 else 2 if years <= 20 else 5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def timeseries(rows: pd.DataFrame, labels: dict[str, str], title: str, y_label: str, source: str,
               invert: bool = False):
    fig, ax = new_figure(title, source)
    plot_series(ax, rows, labels)
    ax.set_xlabel("Period (year; as-of date for counts)")
    year_ticks(ax, rows["date"])
    if set(rows["unit"]) == {"rank"}:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(y_label)
    if invert:
        ax.invert_yaxis()
    if set(rows["unit"]) == {"count"}:
        ax.yaxis.set_major_formatter(lambda value, _: short_number(value, "count"))
    ax.margins(x=0.08, y=0.15)
    ax.legend(loc="best", frameon=False)
    return fig


def country_lines(rows: pd.DataFrame, highlight: str, title: str, y_label: str, source: str, invert: bool = False):
    """One line per country over the editions, the chosen country in colour and the others muted, each named at its end."""
    fig, ax = new_figure(title, source)
    ends = []
    for country, group in rows.groupby("country", sort=True):
        group = group.sort_values("date")
        mine = country == highlight
        colour = PALETTE[0] if mine else MUTED
        ax.plot(group["date"], group["value"].astype(float), color=colour, linewidth=2.5 if mine else 1,
                marker="o" if mine else ".", markersize=5 if mine else 3, zorder=3 if mine else 2)
        ends.append((float(group.iloc[-1]["value"]), group.iloc[-1]["date"], country, colour, mine))
        if mine:
            for _, point in group.iloc[:-1].iterrows():
                ax.annotate(str(point["value"]), (point["date"], float(point["value"])), textcoords="offset points",
                            xytext=(0, 8), ha="center", fontsize=8, color=colour)
    # each line named at its end; names pushed apart where the lines end close together
    values = [value for value, *_ in ends]
    places = spread(values, min_gap=(max(values) - min(values)) / 28 if len(values) > 1 else 1)
    for (value, date, country, colour, mine), place in zip(ends, places):
        ax.annotate(f"{country} {value:g}", (date, value), xytext=(date + pd.Timedelta(days=120), place),
                    textcoords="data", va="center", fontsize=8, color=colour, fontweight="bold" if mine else "normal")
    ax.set_xlabel("UN E-Government Survey edition")
    year_ticks(ax, rows["date"])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(y_label)
    if invert:
        ax.invert_yaxis()
    ax.margins(x=0.12, y=0.05)
    return fig


def spread(values: list[float], min_gap: float) -> list[float]:
    """Label positions at `values`, each pushed past its lower neighbour where they are closer than `min_gap`."""
    placed = list(values)
    previous = None
    for i in sorted(range(len(values)), key=lambda i: values[i]):
        if previous is not None and placed[i] < placed[previous] + min_gap:
            placed[i] = placed[previous] + min_gap
        previous = i
    return placed


def components(rows: pd.DataFrame, labels: dict[str, str], highlight: str, title: str, x_label: str, source: str):
    """Each country's index and its components side by side (one bar each), best first; the chosen country in bold."""
    indicators = [i for i in ["egdi", "osi", "hci", "tii"] if i in set(rows["indicator"])]
    wide = rows.pivot(index="country", columns="indicator", values="value").astype(float)[indicators]
    wide = wide.sort_values(indicators[0], ascending=False)
    fig, ax = new_figure(title, source, height=1.8 + 0.45 * len(wide))
    bar = 0.8 / len(indicators)
    for offset, (colour, indicator) in enumerate(zip(PALETTE, indicators)):
        positions = [row + (offset - (len(indicators) - 1) / 2) * bar for row in range(len(wide))]
        ax.barh(positions, wide[indicator], height=bar, color=colour, label=labels[indicator])
    ax.set_yticks(range(len(wide)), wide.index)
    for tick in ax.get_yticklabels():
        if tick.get_text() == highlight:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(x_label)
    # above the bars, so that it covers none
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8)
    ax.set_title(title, loc="left", pad=34)
    fig.subplots_adjust(bottom=0.12, top=0.86)
    return fig


def progress_bars(progress: pd.DataFrame, labels: dict[str, str], title: str, source: str):
    """Latest observed value (bar) against its target (star) for each indicator in percent."""
    height = 1.5 + 0.45 * len(progress)
    fig, ax = new_figure(title, source, height=max(height, 3.5))
    names = [labels[i] for i in progress["indicator"]]
    positions = range(len(progress))
    latest = progress["latest"].astype(float).fillna(0)
    ax.barh(positions, latest, color=PALETTE[0], label="latest observed")
    ax.scatter(progress["target"].astype(float), positions, marker="*", s=140, color=PALETTE[3], zorder=3,
               label="target")
    for y, (_, row) in zip(positions, progress.iterrows()):
        observed = "no observation" if pd.isna(row["latest"]) else f"{row['latest']:g}% ({row['latest_period']})"
        ax.annotate(f"{observed} → target {row['target']:g}% by {row['target_year']}", (0, y), xytext=(4, -12),
                    textcoords="offset points", fontsize=8, color="#222222")
    ax.set_yticks(list(positions), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_xlabel("Percent")
    ax.legend(loc="lower right", frameon=False)
    fig.subplots_adjust(left=0.38)
    return fig


def figure(view, source: str):
    """The matplotlib figure of a view, as its chart spec asks."""
    spec = view.chart
    if spec.kind == "progress":
        return progress_bars(view.data, spec.labels, view.title, source)
    if spec.kind == "country_lines":
        return country_lines(view.data, spec.highlight, view.title, spec.y_label, source, spec.invert)
    if spec.kind == "components":
        return components(view.data, spec.labels, spec.highlight, view.title, spec.y_label, source)
    return timeseries(view.data, spec.labels, view.title, spec.y_label, source, invert=spec.invert)


def figure_bytes(fig, fmt: str) -> bytes:
    import io

    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def save_chart(fig, data: pd.DataFrame, name: str, figures_dir: Path, title: str, alt: str, source: str,
               findings: list[str], headline: str) -> Path:
    """Write name.svg, name.png, name.csv (the data drawn) and name.json (title, alt text, source, findings)."""
    figures_dir = Path(figures_dir)
    sidecar = {"name": name, "title": title, "alt": alt, "source": source, "empty": False, "findings": findings,
               "headline": headline}
    write_files_atomic({figures_dir / f"{name}.svg": figure_bytes(fig, "svg"),
                        figures_dir / f"{name}.png": figure_bytes(fig, "png"),
                        figures_dir / f"{name}.csv": csv_text(data.drop(columns=["date"], errors="ignore")),
                        figures_dir / f"{name}.json": json_text(sidecar)}, only_changed=True)
    return figures_dir / f"{name}.png"


def save_text(name: str, figures_dir: Path, title: str, data: pd.DataFrame, alt: str, source: str,
              findings: list[str], headline: str) -> None:
    """A view without a chart: its findings and the table of its data, which the report shows as they are."""
    for suffix in ("svg", "png"):
        (Path(figures_dir) / f"{name}.{suffix}").unlink(missing_ok=True)
    sidecar = {"name": name, "title": title, "alt": alt, "source": source, "empty": False, "chart": False,
               "findings": findings, "headline": headline}
    write_files_atomic({Path(figures_dir) / f"{name}.csv": csv_text(data.drop(columns=["date"], errors="ignore")),
                        Path(figures_dir) / f"{name}.json": json_text(sidecar)}, only_changed=True)


def save_empty(name: str, figures_dir: Path, title: str, message: str, findings: list[str], headline: str) -> None:
    """In place of a chart that has no data: a note the notebook prints and the report shows."""
    for suffix in ("svg", "png", "csv"):
        (Path(figures_dir) / f"{name}.{suffix}").unlink(missing_ok=True)
    sidecar = {"name": name, "title": title, "alt": message, "source": "", "empty": True, "findings": findings,
               "headline": headline}
    write_files_atomic({Path(figures_dir) / f"{name}.json": json_text(sidecar)})
