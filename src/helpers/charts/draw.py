"""One chart style for the project, and every chart saved with the exact data behind it.

Each chart is drawn twice, for a wide screen (name.svg) and for a phone (name.phone.svg), so that
its text stays readable on both, and written to figures_dir with a CSV of its data and a JSON
sidecar (title, alt text, source line, findings) that the report reads. Every point carries a
tooltip (an SVG <title>: value as written, period, source, and the verbatim quote where there is
one). Every word drawn is in the view's language (helpers.i18n), every number and period through
helpers.numbers; a quote stays as its source wrote it, and says so. Files are byte-identical from run to run.
"""
import hashlib
import io
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import offset_copy  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from helpers import paths  # noqa: E402
from helpers.analysis.families import EDITION_AXIS  # noqa: E402
from helpers.analysis.findings import official_note, value_label  # noqa: E402
from helpers.files import csv_text, json_text, write_files_atomic  # noqa: E402
from helpers.i18n import SOURCE_LANGUAGE, Language, country_name, word  # noqa: E402
from helpers.numbers import number_text, period_text, plain  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
KIND_MARKERS = {"official": ".", "observed": "o", "derived": "D", "target": "*"}
KIND_FILLED = {"official": True, "observed": True, "derived": False, "target": True}
KIND_SIZES = {"official": 40, "observed": 50, "derived": 50, "target": 90}
MUTED = "#8c8c8c"
# Figure widths in inches. At 8 pt, the smallest text drawn, the phone figure keeps text above 9 px on a
# 390 px screen; the wide one is for screens from about 700 px.
WIDTHS = {"svg": 8.0, "phone.svg": 4.2}
SMALL_TEXT = 8
# Inches of space at the figure's edges, and between the title, the plot and the legend.
EDGE = 0.08
GAP = 0.12


def apply_style() -> None:
    """Readable fonts, the colour-blind-safe palette, and no run-dependent bytes in saved files."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({
        "figure.figsize": (8, 4.5), "figure.dpi": 100, "savefig.dpi": 100, "font.size": 11,
        "axes.titlesize": 13, "axes.titleweight": "bold", "axes.labelsize": 11, "legend.fontsize": 9,
        "xtick.labelsize": 10, "ytick.labelsize": 10,
        "svg.hashsalt": "vn-digital-government", "svg.fonttype": "none", "path.simplify": True,
    })


def source_line(rows: pd.DataFrame, sources: pd.DataFrame, tr: Language, official: str = "") -> str:
    """The chart's source: the articles its claims cite and the official datasets it draws, and how to read marks."""
    cited_ids = set(rows["source_id"].dropna()) if "source_id" in rows else set()
    used = sources[sources["source_id"].isin(cited_ids)].sort_values("source_id")
    cited = "; ".join(f"{s.source_id} {word(s.outlet, tr)}, {period_text(s.published, tr.code)}"
                      for s in used.itertuples())
    parts = [tr._("Official: {datasets}.", datasets=official) if official else "",
             tr._("Articles: {articles}.", articles=cited) if cited else ""]
    marks = tr._("Marks: · official, ● observed, ◇ derived, ★ target; ~ approx, ≥ at least.")
    return " ".join([tr._("Source:"), *(p for p in parts if p), marks if cited else ""]).strip()


@dataclass
class Tooltips:
    """The text of each mark's tooltip, by the SVG id of the artist that draws it. Every mark is an artist of its own
    (a bar, one point), its `gid` set, as matplotlib documents for SVG: matplotlib writes the artist as a group with
    that id, and `insert` puts the tooltip first in that group, where browsers show it on hover without any script."""
    prefix: str
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, artist, text: str) -> None:
        gid = f"{self.prefix}-tip{len(self.texts)}"
        artist.set_gid(gid)
        self.texts[gid] = text

    def add_points(self, ax, rows: pd.DataFrame, texts: list[str], **style) -> None:
        """Each row of `rows` (date, value) drawn as a point of its own, with its own tooltip; not clipped to the plot,
        whose limits hold every point (so the SVG has no clip group around each)."""
        for (_, row), text in zip(rows.iterrows(), texts, strict=True):
            self.add(ax.scatter([row["date"]], [float(row["value"])], clip_on=False, **style), text)

    def insert(self, svg: str) -> str:
        """Each tooltip as the first child of its artist's group (<g id="gid">), which matplotlib writes once."""
        for gid, text in self.texts.items():
            start = f'<g id="{gid}">'
            if svg.count(start) != 1:
                raise ValueError(f"the SVG holds {svg.count(start)} groups with id {gid!r}, expected one")
            svg = svg.replace(start, f"{start}<title>{escape(text)}</title>", 1)
        return svg


def point_tip(row, label: str, tr: Language) -> str:
    """A point's tooltip: what it is, its value as written, its period and where it comes from."""
    period = period_text(row["period"], tr.code)
    if row.get("kind") == "official":
        return tr._("{label}: {value} ({period}), {what} ({dataset})", label=label, period=period,
                    value=number_text(row["value"], row["unit"], locale=tr.code), what=official_note(row, tr),
                    dataset=row["dataset"])
    # the value as the article wrote it is part of its quote; another language gets the value in its own format, and
    # so does a value derived from it (88 for 2018 from "86th ..., up two places from 2018")
    as_written = tr.code == SOURCE_LANGUAGE and row.get("kind") != "derived"
    written = (row.get("value_raw") if as_written else None) or value_label(row, tr)
    # a computed ratio cites the two figures it divides
    figures = row.get("figure_id") or " / ".join(row[c] for c in ("figure_id_num", "figure_id_den") if row.get(c))
    text = f"{label}: {written} ({word(str(row['kind']), tr)}, {period}); {row['source_id']} {figures}"
    return tr._('{text} — "{quote}"', text=text, quote=row["quote"]) if row.get("quote") else text


def new_figure(title: str, width: float):
    """A figure `width` inches wide with its title at the top left; the plot is placed, and the figure's height set,
    when the chart is complete (lay_out), from the plot's height and the text around it."""
    fig, ax = plt.subplots(figsize=(width, width / 2))
    # over the whole figure, not only the plot, so that a long title wraps instead of running off the edge; held at
    # the figure's top edge, however tall the figure becomes
    fig.suptitle(textwrap.fill(title, int(width * 8.5)), x=0, y=1, ha="left", va="top",
                 transform=offset_copy(fig.transFigure, fig, x=EDGE, y=-EDGE, units="inches"),
                 fontsize=plt.rcParams["axes.titlesize"], fontweight=plt.rcParams["axes.titleweight"])
    return fig, ax


def line_length(width: float, size: float) -> int:
    """How many characters of text `size` points high fit across `width` inches."""
    # a character of the style's font averages about 0.58 em
    return int(width * 72 / (0.58 * size))


def label_size(width: float) -> float:
    """Axis titles at the style's size on a wide screen, smaller on a phone."""
    return plt.rcParams["axes.labelsize"] if width >= 6 else 9


def x_title(ax, text: str, width: float) -> None:
    """The x axis's title, under the plot; lay_out wraps it to the plot's width, so that it fits in any language."""
    ax.set_xlabel(text, fontsize=label_size(width))


# The value axis's title stands this many points over the plot.
VALUE_TITLE_PAD = 8


def value_title(ax, text: str, width: float) -> None:
    """The value axis's title over the plot, read across rather than up its side; lay_out wraps it to the plot's
    width, so that it never runs past the plot's height, however long a language makes it. It is the axes' one public
    title (`ax.title`), set at the left and at the top of the plot, where nothing else is drawn."""
    ax.set_title(text, loc="center", x=0, ha="left", fontsize=label_size(width), fontweight="normal",
                 pad=VALUE_TITLE_PAD, y=1.0)


def legend_below(fig, ax, width: float) -> None:
    """The legend outside the plot, under it, so that it covers no data; held at the figure's bottom edge."""
    handles, names = ax.get_legend_handles_labels()
    if not handles:
        return
    # two columns on a wide screen: each name wrapped to its column's width, however long the language makes it
    columns = 1 if width < 6 else 2
    names = [textwrap.fill(n, int(width * (7 if width < 6 else 6))) for n in names]
    fig.legend(handles, names, loc="lower left", ncol=columns, frameon=False, borderaxespad=0,
               bbox_to_anchor=(0, 0), bbox_transform=offset_copy(fig.transFigure, fig, x=EDGE, y=EDGE, units="inches"))


def tick_label_distance(axis: str) -> float:
    """Points from the plot's edge to its tick labels: the tick's length (counted whether or not the style draws
    tick marks, as matplotlib counts it, for ticks pointing out) and the pad after it."""
    size = plt.rcParams[f"{axis}tick.major.size"] if plt.rcParams[f"{axis}tick.direction"] == "out" else 0
    return size + plt.rcParams[f"{axis}tick.major.pad"]


def lay_out(fig, ax, plot_height: float) -> None:
    """The plot placed among its texts, measured rather than searched for: from the top, the title, the value axis's
    title, the plot (`plot_height` inches, whatever the text around it), the x axis's labels and title, the legend;
    the y axis's labels on the left. Text that a language makes longer wraps onto more lines and makes the figure
    taller, never the plot smaller.

    Each text is measured once, as matplotlib will draw it; matplotlib's own layout engines find the same places by
    drawing the whole figure over, twice or more, which would cost more than the chart itself.
    """
    renderer = fig.canvas.get_renderer()

    def size(texts) -> tuple[float, float]:
        """The widest and the tallest of these texts, in inches."""
        boxes = [text.get_window_extent(renderer) for text in texts if text.get_text()]
        return (max((box.width for box in boxes), default=0.0) / fig.dpi,
                max((box.height for box in boxes), default=0.0) / fig.dpi)

    left = EDGE + size(ax.yaxis.get_ticklabels())[0] + tick_label_distance("y") / 72
    x_labels_width, x_labels_height = size(ax.xaxis.get_ticklabels())
    right = EDGE + x_labels_width / 2  # a label at the plot's right end stands half out of it
    width = fig.get_figwidth()
    for title in (ax.title, ax.xaxis.label):  # both as wide as the plot
        title.set_text(textwrap.fill(title.get_text(), line_length(width - left - right, title.get_fontsize())))
    value_title = size([ax.title])[1]
    top = EDGE + size(fig.texts)[1] + GAP + (value_title + VALUE_TITLE_PAD / 72 if value_title else 0)
    bottom = EDGE + tick_label_distance("x") / 72 + x_labels_height
    if ax.get_xlabel():
        bottom += plt.rcParams["axes.labelpad"] / 72 + size([ax.xaxis.label])[1]
    if fig.legends:
        bottom += GAP + fig.legends[0].get_window_extent(renderer).height / fig.dpi
    height = top + plot_height + bottom
    fig.set_figheight(height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)


# A value label stands this many points above its point, or where it goes under it, this many below (to its top).
LABEL_ABOVE = 8
LABEL_BELOW = -14


def label_offsets(points: list[tuple], height_of) -> list[int]:
    """How far above its point (in points; negative: below) each value label of (date, value) stands: above, but
    where the lower of two labels of one date would reach the other's point, it goes under its own.
    `height_of(value)` is how high a value is drawn, in points, once the plot has its size and scale."""
    offsets = [LABEL_ABOVE] * len(points)
    height = [height_of(value) for _, value in points]
    reach = LABEL_ABOVE + SMALL_TEXT * 1.2  # the top of a label above its point: the offset and one line
    by_date: dict = {}
    for i, (date, _) in enumerate(points):
        by_date.setdefault(date, []).append(i)
    for indexes in by_date.values():
        ordered = sorted(indexes, key=lambda i: height[i])
        for lower, upper in zip(ordered, ordered[1:]):
            if height[upper] - height[lower] < reach:
                offsets[lower] = LABEL_BELOW
    return offsets


def plot_series(ax, rows: pd.DataFrame, labels: dict[str, str], tips: Tooltips, tr: Language) -> list[tuple]:
    """One line per indicator, through its official series where there is one, else through its observed and
    derived points; claims and targets as marks over it, each given a tooltip. The value labels to write, once
    each, as (date, value, text, colour): they are placed when the plot has its size and scale (value_labels)."""
    # a target with no year has no place on a time axis: the findings under the chart name it
    dated = rows[rows["date"].notna()]
    kinds = dated["kind"].astype(str)
    labelled_values = []
    for colour, (indicator, group) in zip(PALETTE, dated.assign(kind=kinds).groupby("indicator", sort=True)):
        official = group[group["kind"] == "official"]
        line = (official if not official.empty else group[group["kind"] != "target"]).sort_values("date")
        ax.plot(line["date"], line["value"].astype(float), color=colour, linewidth=1.5, label=labels[indicator])
        # official first, then target and derived, so an observed point on the same spot stays visible on top
        for kind in ["official", "target", "derived", "observed"]:
            points = group[group["kind"] == kind]
            if not points.empty:
                tips.add_points(ax, points, [point_tip(point, labels[indicator], tr) for _, point in points.iterrows()],
                                marker=KIND_MARKERS[kind], s=KIND_SIZES[kind], edgecolors=colour, zorder=3,
                                facecolors=colour if KIND_FILLED[kind] else "white")
        # labelled: each claim, and the official series at its ends (its other values are in the tooltips)
        labelled = group[(group["kind"] != "official") | group["date"].isin([official["date"].min(),
                                                                              official["date"].max()])]
        for (date, value), row in labelled.groupby(["date", "value"], sort=True).first().iterrows():
            text = value_label(row.to_dict() | {"value": value, "denominator": None}, tr)
            labelled_values.append((date, float(value), text, colour))
    return labelled_values


def value_labels(ax, labelled_values: list[tuple]) -> None:
    """Each value label over its point, or under it where it would reach another's point (label_offsets), measured
    on the plot as drawn: its scale, and which way its axis runs."""
    def height_of(value: float) -> float:
        return float(ax.transData.transform((0, value))[1]) * 72 / ax.figure.dpi

    offsets = label_offsets([(date, value) for date, value, *_ in labelled_values], height_of)
    annotations = [ax.annotate(text, (date, value), textcoords="offset points", xytext=(0, offset), ha="center",
                               fontsize=SMALL_TEXT, color=colour)
                   for (date, value, text, colour), offset in zip(labelled_values, offsets)]
    apart_sideways(annotations, ax.figure.canvas.get_renderer())


def apart_sideways(annotations: list, renderer) -> None:
    """Labels of nearby dates at one height ("top 50" in 2025 and in 2030 on a phone) would run into each other:
    from left to right, a label above its point that meets one already placed goes under its point instead."""
    placed = []
    for annotation in sorted(annotations, key=lambda a: a.get_window_extent(renderer).x0):
        box = annotation.get_window_extent(renderer)
        if annotation.xyann[1] == LABEL_ABOVE and any(box.overlaps(other) for other in placed):
            annotation.xyann = (0, LABEL_BELOW)
            box = annotation.get_window_extent(renderer)
        placed.append(box)


def tick_numbers(axis, tr: Language, unit: str | None = None) -> None:
    """An axis's numbers written as the chart's language writes them ("0,5" in Vietnamese); counts with their
    scale word ("50 million")."""
    axis.set_major_formatter(lambda value, _: number_text(value, unit, locale=tr.code) if unit
                             else plain(value, 4, tr.code))


def year_ticks(ax, dates: pd.Series, width: float) -> None:
    """A tick on each year, or every second or fifth year when the span is long, so that no label overlaps."""
    years = dates.max().year - dates.min().year
    room = 10 if width >= 6 else 5
    ax.xaxis.set_major_locator(mdates.YearLocator(1 if years <= room else 2 if years <= 2 * room else 5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def value_axis(ax, rows: pd.DataFrame, invert: bool, rank_of: int | None, y_label: str, width: float,
               tr: Language) -> None:
    """An honest value axis: counts and percentages from zero; ranks over their whole range (1 to the number
    ranked, or from 1 where that is unknown), unless the ranks drawn sit in a narrow band of it, where the
    axis is cut to that band and its label says so."""
    units = set(rows["unit"])
    values = rows["value"].astype(float)
    if units == {"rank"}:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        low, high = 1, rank_of or int(values.max()) + 1
        if rank_of and values.max() - values.min() < 0.4 * rank_of:
            pad = max(2.0, 0.12 * (values.max() - values.min()))
            low, high = max(1, int(values.min() - pad)), min(rank_of, int(values.max() + pad) + 1)
            y_label += " " + tr._("(axis cut: ranks {low} to {high} of {total})", low=low, high=high, total=rank_of)
        margin = 0.04 * (high - low)
        ax.set_ylim(high + margin, low - margin) if invert else ax.set_ylim(low - margin, high + margin)
    elif units <= {"count", "percent"}:
        ax.set_ylim(bottom=0, top=float(rows["value"].astype(float).max()) * 1.15)
    elif invert:
        ax.invert_yaxis()
    tick_numbers(ax.yaxis, tr, "count" if units == {"count"} else None)
    value_title(ax, y_label, width)


def timeseries(rows: pd.DataFrame, labels: dict[str, str], title: str, y_label: str, width: float, tips: Tooltips,
               tr: Language, invert: bool = False, rank_of: int | None = None, x_label: str = ""):
    fig, ax = new_figure(title, width)
    labelled_values = plot_series(ax, rows, labels, tips, tr)
    x_title(ax, x_label, width)  # what the time axis measures, as the view says
    year_ticks(ax, rows["date"].dropna(), width)
    value_axis(ax, rows, invert, rank_of, y_label, width, tr)
    ax.margins(x=0.08)
    legend_below(fig, ax, width)
    lay_out(fig, ax, 2.7 if width >= 6 else 2.6)
    value_labels(ax, labelled_values)
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


def country_lines(rows: pd.DataFrame, highlight: str, title: str, y_label: str, width: float, tips: Tooltips,
                  tr: Language, invert: bool = False, rank_of: int | None = None):
    """One line per country over the editions, the chosen country in colour and the others muted, each named at its end."""
    fig, ax = new_figure(title, width)
    ends = []
    for country, group in rows.groupby("country", sort=True):
        group = group.sort_values("date")
        mine = country == highlight
        colour = PALETTE[0] if mine else MUTED
        ax.plot(group["date"], group["value"].astype(float), color=colour, linewidth=2.5 if mine else 1,
                zorder=3 if mine else 2)
        name = tr._("{country}, EGDI rank", country=country_name(country, tr.code))
        tips.add_points(ax, group, [point_tip(point, name, tr) for _, point in group.iterrows()],
                        s=30 if mine else 10, color=colour, zorder=4 if mine else 3.5)  # over every line
        ends.append((float(group.iloc[-1]["value"]), group.iloc[-1]["date"], country, colour, mine))
        if mine:
            for _, point in group.iloc[:-1].iterrows():
                ax.annotate(str(point["value"]), (point["date"], float(point["value"])), textcoords="offset points",
                            xytext=(0, 8), ha="center", fontsize=SMALL_TEXT, color=colour)
    # each line named at its end; names pushed apart where the lines end close together
    values = [value for value, *_ in ends]
    span = rank_of or (max(values) - min(values)) or 1
    places = spread(values, min_gap=span / (26 if width >= 6 else 20))
    names = [f"{country_name(country, tr.code)} {number_text(value, 'rank', locale=tr.code)}"
             for value, _, country, *_ in ends]
    for name, (value, date, country, colour, mine), place in zip(names, ends, places):
        ax.annotate(name, (date, value), xytext=(date + pd.Timedelta(days=120), place),
                    textcoords="data", va="center", fontsize=SMALL_TEXT, color=colour,
                    fontweight="bold" if mine else "normal")
    x_title(ax, tr._(EDITION_AXIS), width)
    year_ticks(ax, rows["date"], width)
    value_axis(ax, rows, invert, rank_of, y_label, width, tr)
    # room on the right for the longest name: as many days as its width takes on a plot about `width` - 0.8 inches
    # wide (the value axis's labels on its left), the editions' span and that room sharing the plot
    name_inches = max(map(len, names)) * 0.58 * SMALL_TEXT / 72
    span_days = (rows["date"].max() - rows["date"].min()).days * 1.1
    room = 120 + name_inches * span_days / max(width - 0.8 - name_inches, 1.0)
    ax.set_xlim(right=rows["date"].max() + pd.Timedelta(days=room))
    lay_out(fig, ax, 3.1 if width >= 6 else 3.6)  # the lines are named at their ends: no legend
    return fig


def components(rows: pd.DataFrame, labels: dict[str, str], highlight: str, title: str, x_label: str, width: float,
               tips: Tooltips, tr: Language):
    """Each country's index and its components side by side (one bar each), best first; the chosen country in bold."""
    indicators = [i for i in ["egdi", "osi", "hci", "tii"] if i in set(rows["indicator"])]
    wide = rows.pivot(index="country", columns="indicator", values="value").astype(float)[indicators]
    wide = wide.sort_values(indicators[0], ascending=False)
    fig, ax = new_figure(title, width)
    bar = 0.8 / len(indicators)
    edition = rows["period"].iloc[0]
    for offset, (colour, indicator) in enumerate(zip(PALETTE, indicators)):
        positions = [row + (offset - (len(indicators) - 1) / 2) * bar for row in range(len(wide))]
        bars = ax.barh(positions, wide[indicator], height=bar, color=colour, label=labels[indicator])
        for patch, (country, value) in zip(bars, wide[indicator].items()):
            tips.add(patch, tr._("{country}, {indicator}: {value} ({edition}), official",
                                 country=country_name(country, tr.code),
                                 indicator=labels[indicator], value=number_text(value, "index", locale=tr.code),
                                 edition=edition))
    ax.set_yticks(range(len(wide)), [country_name(code, tr.code) for code in wide.index])
    for tick, code in zip(ax.get_yticklabels(), wide.index):
        if code == highlight:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    tick_numbers(ax.xaxis, tr)
    x_title(ax, x_label, width)
    legend_below(fig, ax, width)
    lay_out(fig, ax, 0.4 + (0.42 if width >= 6 else 0.5) * len(wide))
    return fig


def progress_bars(progress: pd.DataFrame, labels: dict[str, str], title: str, width: float, tips: Tooltips,
                  tr: Language):
    """Latest observed value (bar) against its target (star) for each indicator in percent."""
    fig, ax = new_figure(title, width)
    names = [textwrap.fill(labels[i], 34 if width >= 6 else 22) for i in progress["indicator"]]
    positions = list(range(len(progress)))
    # a bar only where a value is observed, and in the legend only when one is drawn
    observed_rows = [(y, row) for y, (_, row) in zip(positions, progress.iterrows()) if not pd.isna(row["latest"])]
    if observed_rows:
        bars = ax.barh([y for y, _ in observed_rows], [float(row["latest"]) for _, row in observed_rows],
                       color=PALETTE[0], label=tr._("latest observed"))
        for bar, (_, row) in zip(bars, observed_rows):
            tips.add(bar, tr._("{indicator}: latest {value} ({figure})", indicator=labels[row["indicator"]],
                               value=latest_text(row, tr), figure=row["latest_figure"]))
    for y, (_, row) in zip(positions, progress.iterrows()):
        star = ax.scatter([float(row["target"])], [y], marker="*", s=140, color=PALETTE[3], zorder=3,
                          label=tr._("target") if y == 0 else None)
        # the target as its source bounds it ("≥80%" for "at least 80%")
        target = value_label({"value": row["target"], "unit": "percent", "qualifier": row["target_qualifier"]}, tr)
        target = (tr._("target {value} by {year}", value=target, year=period_text(row["target_year"], tr.code))
                  if row["target_year"] else tr._("target {value}, no year", value=target))
        observed = tr._("none yet") if pd.isna(row["latest"]) else latest_text(row, tr)
        ax.annotate(f"{observed} → {target}", (0, y),
                    xytext=(4, -12), textcoords="offset points", fontsize=SMALL_TEXT, color="#222222")
        tips.add(star, f"{labels[row['indicator']]}: {target} ({row['target_figure']})")
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    tick_numbers(ax.xaxis, tr)
    x_title(ax, tr._("Percent"), width)
    legend_below(fig, ax, width)
    lay_out(fig, ax, 0.5 + (0.55 if width >= 6 else 0.8) * len(progress))
    return fig


def latest_text(row, tr: Language) -> str:
    """The latest observed value of a progress row and its period: '45% (2023)'."""
    return f"{number_text(row['latest'], 'percent', locale=tr.code)} ({period_text(row['latest_period'], tr.code)})"


def figure(view, width: float, tips: Tooltips):
    """The matplotlib figure of a view, as its chart spec asks, `width` inches wide."""
    spec, tr = view.chart, view.language
    if spec.kind == "progress":
        return progress_bars(view.data, spec.labels, view.title, width, tips, tr)
    if spec.kind == "country_lines":
        return country_lines(view.data, spec.highlight, view.title, spec.y_label, width, tips, tr, spec.invert,
                             spec.rank_of)
    if spec.kind == "components":
        return components(view.data, spec.labels, spec.highlight, view.title, spec.y_label, width, tips, tr)
    return timeseries(view.data, spec.labels, view.title, spec.y_label, width, tips, tr, spec.invert, spec.rank_of,
                      spec.x_label)


# Where matplotlib's SVG names an element or refers to one: id="x", href="#x", url(#x).
ID_OR_REFERENCE = re.compile(r'(\sid="|"#|url\(#)([^")]+)')


def own_ids(svg: str, prefix: str) -> str:
    """Every element id of the SVG (and every reference to it) prefixed, so that many charts can share one page."""
    # a tooltip's mark is named by its chart already; a colour ("#0072b2") names no element
    ids = {found for found in re.findall(r'\sid="([^"]+)"', svg) if not found.startswith(f"{prefix}-")}
    return ID_OR_REFERENCE.sub(lambda match: f"{match[1]}{prefix}-{match[2]}" if match[2] in ids else match[0], svg)


def svg_bytes(fig, prefix: str, tips: Tooltips) -> bytes:
    """The figure as SVG with its tooltips, its element ids its own (`prefix`), so that charts share a page."""
    buffer = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": prefix}):
        # no metadata block: no date (reproducible), and no creator or format lines in every chart of the page
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return own_ids(tips.insert(buffer.getvalue().decode("utf-8")), prefix).encode("utf-8")


def id_prefix(name: str, suffix: str) -> str:
    """A short prefix for the element ids of one drawing of a chart, its own on a page of many: matplotlib names every
    group of the SVG, and a page holds thousands of these names and references to them."""
    return "c" + hashlib.sha256(f"{name}.{suffix}".encode()).hexdigest()[:6]


def save_chart(view, figures_dir: Path, alt: str, source: str) -> Path:
    """Write the chart for wide screens and for phones, its data (CSV) and its sidecar (title, alt, source, findings)."""
    files = {}
    for suffix, width in WIDTHS.items():
        tips = Tooltips(id_prefix(view.name, suffix))
        fig = figure(view, width, tips)
        files[paths.chart_file(figures_dir, view.name, suffix)] = svg_bytes(fig, tips.prefix, tips)
        plt.close(fig)
    # the kind of chart and the direction of its value axis say how its marks stand for its data (the browser test)
    sidecar = {"name": view.name, "title": view.title, "alt": alt, "source": source, "empty": False,
               "findings": view.findings, "headline": view.headline_text(), "kind": view.chart.kind,
               "invert": view.chart.invert}
    files[paths.chart_file(figures_dir, view.name, "csv")] = csv_text(view.data.drop(columns=["date"], errors="ignore"))
    files[paths.chart_file(figures_dir, view.name, "json")] = json_text(sidecar)
    write_files_atomic(files, only_changed=True)
    return paths.chart_file(figures_dir, view.name, "svg")


def remove_images(name: str, figures_dir: Path) -> None:
    for suffix in WIDTHS:
        paths.chart_file(figures_dir, name, suffix).unlink(missing_ok=True)


def save_text(name: str, figures_dir: Path, title: str, data: pd.DataFrame, alt: str, source: str,
              findings: list[str], headline: str) -> None:
    """A view without a chart: its findings and the table of its data, which the report shows as they are."""
    remove_images(name, figures_dir)
    sidecar = {"name": name, "title": title, "alt": alt, "source": source, "empty": False, "chart": False,
               "findings": findings, "headline": headline}
    write_files_atomic({paths.chart_file(figures_dir, name, "csv"): csv_text(data.drop(columns=["date"], errors="ignore")),
                        paths.chart_file(figures_dir, name, "json"): json_text(sidecar)}, only_changed=True)


def save_empty(name: str, figures_dir: Path, title: str, message: str, findings: list[str], headline: str) -> None:
    """In place of a chart that has no data: a note the notebook prints and the report shows."""
    remove_images(name, figures_dir)
    paths.chart_file(figures_dir, name, "csv").unlink(missing_ok=True)
    sidecar = {"name": name, "title": title, "alt": message, "source": "", "empty": True, "findings": findings,
               "headline": headline}
    write_files_atomic({paths.chart_file(figures_dir, name, "json"): json_text(sidecar)})
