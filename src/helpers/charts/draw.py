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
KIND_MARKERS = {"observed": "o", "derived": "D", "target": "*"}
KIND_FILLED = {"observed": True, "derived": False, "target": True}


def apply_style() -> None:
    """Readable fonts, the colour-blind-safe palette, and no run-dependent bytes in saved files."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (8, 4.5), "figure.dpi": 100, "savefig.dpi": 100, "font.size": 11,
        "axes.titlesize": 13, "axes.titleweight": "bold", "axes.labelsize": 11, "legend.fontsize": 9,
        "svg.hashsalt": "vn-digital-government", "svg.fonttype": "none", "path.simplify": True,
    })


def source_line(rows: pd.DataFrame, sources: pd.DataFrame) -> str:
    used = sources[sources["source_id"].isin(set(rows["source_id"]))].sort_values("source_id")
    cited = "; ".join(f"{s.source_id} {s.outlet if s.outlet != 'not stated' else 'outlet not stated'}, {s.published}"
                      for s in used.itertuples())
    return f"Source: {cited}. Markers: ● observed, ◇ derived, ★ target; ~ approx, ≥ at least."


def new_figure(title: str, source: str, height: float = 4.5):
    fig, ax = plt.subplots(figsize=(8, height))
    ax.set_title(title, loc="left")
    fig.text(0.01, 0.01, source, fontsize=8, color="#444444", wrap=True)
    fig.subplots_adjust(bottom=0.22, top=0.88, left=0.11, right=0.97)
    return fig, ax


def plot_series(ax, rows: pd.DataFrame, labels: dict[str, str]) -> None:
    """One line per indicator through its observed and derived points; targets as stars; every point labelled."""
    for colour, (indicator, group) in zip(PALETTE, rows.groupby("indicator", sort=True)):
        stated = group[group["kind"] != "target"].sort_values("date")
        ax.plot(stated["date"], stated["value"].astype(float), color=colour, linewidth=1.5, label=labels[indicator])
        # derived and target first, so an observed point on the same spot stays visible on top
        for kind, points in reversed(list(group.groupby("kind", observed=True))):
            ax.scatter(points["date"], points["value"].astype(float), marker=KIND_MARKERS[kind], s=90 if kind == "target" else 50,
                       facecolors=colour if KIND_FILLED[kind] else "white", edgecolors=colour, zorder=3)
        for (date, value), row in group.groupby(["date", "value"], sort=True).first().iterrows():
            ax.annotate(value_label(row.to_dict() | {"value": value}), (date, float(value)),
                        textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8, color=colour)


def timeseries(rows: pd.DataFrame, labels: dict[str, str], title: str, y_label: str, source: str,
               invert: bool = False):
    fig, ax = new_figure(title, source)
    plot_series(ax, rows, labels)
    ax.set_xlabel("Period (year; as-of date for counts)")
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
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


def save_empty(name: str, figures_dir: Path, title: str, message: str, findings: list[str], headline: str) -> None:
    """In place of a chart that has no data: a note the notebook prints and the report shows."""
    for suffix in ("svg", "png", "csv"):
        (Path(figures_dir) / f"{name}.{suffix}").unlink(missing_ok=True)
    sidecar = {"name": name, "title": title, "alt": message, "source": "", "empty": True, "findings": findings,
               "headline": headline}
    write_files_atomic({Path(figures_dir) / f"{name}.json": json_text(sidecar)})
