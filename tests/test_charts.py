"""Chart drawing: tooltips on every point, ids of its own, and text laid out clear of the plot and of itself."""
import re
from types import SimpleNamespace
from xml.etree import ElementTree

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.transforms import Bbox

from helpers.analysis import findings, tables
from helpers.charts import draw
from helpers.i18n import SOURCE_LANGUAGE, language

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("count", [1, 2, 12])
def test_each_point_gets_its_own_tooltip_in_the_group_of_its_own_mark(count):
    # each point's group holds its tooltip and the one mark drawn at that point's place: x grows with the date
    draw.apply_style()
    rows = pd.DataFrame({"date": pd.date_range("2010-01-01", periods=count, freq="YS"), "value": range(count)})
    fig, ax = plt.subplots()
    tips = draw.Tooltips("test")
    ax.plot([0, 1], [0, 1])  # a line drawn too, which carries no tooltip
    tips.add_points(ax, rows, [f"point {i} <{i}>" for i in range(count)], marker="o", s=40)
    svg = draw.svg_bytes(fig, tips.prefix, tips).decode("utf-8")
    plt.close(fig)
    root = ElementTree.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("test-tip")]
    assert [g.find(f"{SVG}title").text for g in groups] == [f"point {i} <{i}>" for i in range(count)]
    for group in groups:
        assert list(group)[0].tag == f"{SVG}title", "the tooltip comes first in its group"
        drawn = [use for use in group.iter(f"{SVG}use")]
        assert len(drawn) == 1, f"{len(drawn)} marks drawn in one point's group"
    xs = [float(next(g.iter(f"{SVG}use")).get("x")) for g in groups]
    assert xs == sorted(xs) and len(set(xs)) == count


def official_ranks(indicators: list[str]) -> pd.DataFrame:
    """An official rank series per indicator over six survey editions."""
    return pd.DataFrame([{"indicator": indicator, "country": "VNM", "period": str(year),
                          "date": pd.Timestamp(f"{year}-01-01"), "value": str(80 + step + offset), "unit": "rank",
                          "kind": "official", "qualifier": "exact", "dataset": f"un_egov_{year}"}
                         for offset, indicator in enumerate(indicators)
                         for step, year in enumerate(range(2010, 2022, 2))])


# A language can write a title, the value axis's title and each name of the legend at twice the English length.
LONG = {"title": "A title that runs on " * 5,
        "axis": "Rank among the 193 United Nations member states in the index, written at length (1 = the best rank)",
        "name": "The {} series of a long-named index of the United Nations survey",
        "x": "The date of each count, as the article states it or as it is inferred where the text gives none"}
SHORT = {"title": "Ranks", "axis": "Rank", "name": "{}", "x": "Year"}


def long_timeseries(width: float, tr, texts: dict = LONG):
    indicators = ["first", "second", "third"]
    return draw.timeseries(official_ranks(indicators), {name: texts["name"].format(name) for name in indicators},
                           texts["title"], texts["axis"], width, draw.Tooltips("test"), tr, invert=True, rank_of=193,
                           x_label=texts["x"])


def long_country_lines(width: float, tr, texts: dict = LONG):
    rows = pd.concat([official_ranks(["egdi_rank"]).assign(country=country, value=lambda r, step=step: (
        r["value"].astype(int) + step).astype(str)) for step, country in enumerate(["VNM", "THA", "SGP"])])
    return draw.country_lines(rows, "VNM", texts["title"], texts["axis"], width, draw.Tooltips("test"), tr,
                              invert=True, rank_of=193)


def long_components(width: float, tr, texts: dict = LONG):
    rows = pd.DataFrame([{"indicator": indicator, "country": country, "period": "2024", "value": str(value),
                          "unit": "index", "kind": "official"}
                         for country, value in [("VNM", 0.7), ("A member with a long name", 0.6)]
                         for indicator in ["egdi", "osi", "hci", "tii"]])
    labels = {indicator: texts["name"].format(indicator) for indicator in ["egdi", "osi", "hci", "tii"]}
    return draw.components(rows, labels, "VNM", texts["title"], texts["axis"], width, draw.Tooltips("test"), tr)


def long_progress(width: float, tr, texts: dict = LONG):
    progress = pd.DataFrame([{"indicator": indicator, "latest": latest, "latest_period": "2023", "target": "80", "target_qualifier": "at_least",
                              "target_year": "2025", "latest_figure": "s001-01", "target_figure": "s001-02"}
                             for indicator, latest in [("first", "45"), ("second", None)]])
    labels = {indicator: texts["name"].format(indicator) for indicator in progress["indicator"]}
    return draw.progress_bars(progress, labels, texts["title"], width, draw.Tooltips("test"), tr)


CHARTS = {"timeseries": long_timeseries, "country lines": long_country_lines, "components": long_components,
          "progress": long_progress}


def plot_height(fig) -> float:
    """The plot's height as drawn, in inches."""
    fig.canvas.draw()
    height = fig.axes[0].get_window_extent(fig.canvas.get_renderer()).height / fig.dpi
    plt.close(fig)
    return height


@pytest.mark.parametrize("width", draw.WIDTHS.values())
@pytest.mark.parametrize("chart", CHARTS)
def test_long_texts_wrap_without_shrinking_the_plot_or_covering_each_other(chart, width):
    # every text stays inside the figure, clear of the others, and the plot keeps its height
    draw.apply_style()
    fig = CHARTS[chart](width, language(SOURCE_LANGUAGE))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = {"title": fig.texts[0].get_window_extent(renderer), "plot": ax.get_window_extent(renderer),
             "x axis title": ax.xaxis.label.get_window_extent(renderer)}
    if ax.title.get_text():
        boxes["value title"] = ax.title.get_window_extent(renderer)
    if fig.legends:
        boxes["legend"] = fig.legends[0].get_window_extent(renderer)
    tick_labels = {}  # those drawn: of the ticks within the axis's view
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        low, high = sorted(axis.get_view_interval())
        for location, label in zip(axis.get_majorticklocs(), axis.get_ticklabels()):
            if low <= location <= high and label.get_text():
                tick_labels[f"{name} tick label {label.get_text()!r}"] = label.get_window_extent(renderer)
    plt.close(fig)
    for name, box in boxes.items() | tick_labels.items():
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1, \
            f"the {name} runs out of the figure"
    # from the top: title, value title, plot, x axis title, legend
    order = [name for name in ["title", "value title", "plot", "x axis title", "legend"] if name in boxes]
    for upper, lower in zip(order, order[1:]):
        assert boxes[upper].y0 >= boxes[lower].y1 - 1, f"the {upper} overlaps the {lower}"
    for name, box in tick_labels.items():
        if name.startswith("y"):
            assert box.x1 <= boxes["plot"].x0 + 1, f"the {name} overlaps the plot"
        else:
            assert box.y1 <= boxes["plot"].y0 + 1 and box.y0 >= boxes["x axis title"].y1 - 1, \
                f"the {name} overlaps the plot or the x axis title"
    drawn = boxes["plot"].height / fig.dpi
    short = plot_height(CHARTS[chart](width, language(SOURCE_LANGUAGE), SHORT))
    assert abs(drawn - short) < 0.01, f"the plot is {drawn:.2f} in high with long texts, {short:.2f} in with short ones"
    if chart == "timeseries":
        assert drawn >= 2.3, f"the plot is {drawn:.1f} in high"


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("width", draw.WIDTHS.values())
@pytest.mark.parametrize("close", [("86", "87"), ("71", "75")])  # the EGDI and open-data ranks of 2022; EGDI, OSI 2024
def test_value_labels_of_one_date_cover_neither_each_other_nor_the_other_point(close, width, invert):
    # one label above its point, the lower one below its own, where it would reach the other's point
    draw.apply_style()
    rows = official_ranks(["first", "second"])
    # the two series apart in 2010 (the axis spans about 54 to 104 ranks, as the 2010-2024 EGDI and OSI ranks do),
    # close in 2020
    ends = {("first", "2010"): "59", ("second", "2010"): "97",
            ("first", "2020"): close[0], ("second", "2020"): close[1]}
    rows["value"] = [ends.get((row.indicator, row.period), row.value) for row in rows.itertuples()]
    fig = draw.timeseries(rows, {"first": "first", "second": "second"}, "Ranks", "Rank", width, draw.Tooltips("test"),
                          language(SOURCE_LANGUAGE), invert=invert, rank_of=193)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = {text.get_text(): text.get_window_extent(renderer) for text in ax.texts}
    points = {value: ax.transData.transform((mdates.date2num(pd.Timestamp("2020-01-01")), float(value)))
              for value in close}
    plt.close(fig)
    assert len(labels) >= 4, "each series labelled at its ends"
    boxes = list(labels.values())
    touching = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not touching, f"{len(touching)} pairs of value labels overlap"
    # an official point's mark is about 6 points (8 px) across
    marks = {value: Bbox.from_extents(x - 4, y - 4, x + 4, y + 4) for value, (x, y) in points.items()}
    for mine, other in (close, close[::-1]):
        assert not labels[mine].overlaps(marks[other]), f"the label {mine} covers the point {other}"


@pytest.mark.parametrize("width", draw.WIDTHS.values())
def test_labels_of_nearby_dates_at_one_height_do_not_run_into_each_other(width):
    # two targets "top 50" five years apart, as the 2025 and 2030 targets stand on a phone in Vietnamese
    draw.apply_style()
    tr = language("vi")
    rows = official_ranks(["rank"])
    targets = pd.DataFrame([{**rows.iloc[-1].to_dict(), "kind": "target", "qualifier": "at_most", "value": "50",
                             "source_id": "s001", "figure_id": f"s001-{year}", "quote": "", "value_raw": "top 50",
                             "period": year, "date": pd.Timestamp(f"{year}-01-01")} for year in ("2025", "2030")])
    fig = draw.timeseries(pd.concat([rows, targets], ignore_index=True), {"rank": "rank"}, "Ranks", "Rank", width,
                          draw.Tooltips("test"), tr, invert=True, rank_of=193)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in fig.axes[0].texts]
    plt.close(fig)
    assert len(boxes) >= 4, "both ends of the series and both targets labelled"
    touching = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not touching, f"{len(touching)} pairs of value labels overlap"


def test_every_id_and_reference_is_the_charts_own_and_colours_stay():
    draw.apply_style()
    svgs = []
    for prefix in ("first", "second"):
        fig = long_timeseries(8.0, language(SOURCE_LANGUAGE))
        svgs.append(draw.svg_bytes(fig, prefix, draw.Tooltips(prefix)).decode("utf-8"))
        plt.close(fig)
    for prefix, svg in zip(("first", "second"), svgs):
        ids = re.findall(r'\sid="([^"]+)"', svg)
        assert ids and all(element_id.startswith(f"{prefix}-") for element_id in ids)
        references = re.findall(r'(?:"#|url\(#)([^")]+)', svg)
        assert references and set(references) <= set(ids), "a reference to an element the chart does not hold"
        assert draw.PALETTE[0].lower() in svg, "a colour written as #rrggbb is left as it is"
    assert not set(re.findall(r'\sid="([^"]+)"', svgs[0])) & set(re.findall(r'\sid="([^"]+)"', svgs[1]))


ENGLISH = language(SOURCE_LANGUAGE)


@pytest.mark.parametrize("row, written", [
    ({"value": 50, "unit": "percent", "qualifier": "approx", "value_low": 45, "value_high": 55}, "45%–55%"),
    ({"value": 0.71, "unit": "index", "qualifier": "exact"}, "0.71"),
    ({"value": 0.77091, "unit": "index", "qualifier": "exact"}, "0.7709"),
    ({"value": 50, "unit": "rank", "qualifier": "at_most"}, "top 50"),
    ({"value": 80, "unit": "percent", "qualifier": "at_least"}, "≥80%"),
    ({"value": 86, "unit": "rank", "qualifier": "exact", "denominator": "193"}, "86/193"),
])
def test_a_value_is_written_as_its_source_bounds_it(row, written):
    # a range stays a range, no decimals beyond the value's, a rank target is a place in the top N, a bound its sign
    assert findings.value_label(row, ENGLISH) == written


def test_an_observed_value_and_one_derived_from_another_claim_stay_two_steps():
    rows = pd.DataFrame([{"period": "2020", "value": "86", "unit": "rank", "qualifier": "exact", "kind": kind,
                          "source_id": source, "figure_id": f"{source}-01", "denominator": None}
                         for kind, source in [("observed", "s001"), ("derived", "s004")]])
    rows["kind"] = pd.Categorical(rows["kind"], categories=tables.KIND_ORDER, ordered=True)  # as the clean layer reads it
    assert findings.series_text("EGDI rank", rows, ENGLISH) == "EGDI rank: 86 (2020; s001) → 86 (2020, derived; s004)"


def test_a_rank_the_project_computes_says_so_and_a_shared_rank_says_by_how_many():
    official = pd.DataFrame([{"indicator": "osi_rank", "country": country, "period": "2018", "value": value,
                              "unit": "rank", "dataset": "un_egov_2018"}
                             for country, value in [("VNM", "59"), ("THA", "59"), ("SGP", "1"), ("LAO", "59")]])
    data = SimpleNamespace(official=official)
    rows = tables.official_series(data, ["osi_rank"], ["VNM", "SGP"])
    assert rows.set_index("country")["tied"].to_dict() == {"VNM": 3, "SGP": 1}
    tips = {row["country"]: draw.point_tip(row, "OSI rank", ENGLISH) for _, row in rows.iterrows()}
    assert tips["VNM"] == "OSI rank: 59 (2018), computed from the UN's scores, tied with 2 other members (un_egov_2018)"
    assert tips["SGP"] == "OSI rank: 1 (2018), computed from the UN's scores (un_egov_2018)"


def test_the_progress_chart_draws_and_names_a_bar_only_where_a_value_is_observed():
    draw.apply_style()
    for latest, bars in [(["45", None], 1), ([None, None], 0)]:
        progress = pd.DataFrame([{"indicator": name, "latest": value, "latest_period": "2023", "target": "80",
                                  "target_qualifier": "at_least", "target_year": "2025", "latest_figure": "s001-01",
                                  "target_figure": "s001-02"} for name, value in zip(["first", "second"], latest)])
        tips = draw.Tooltips("test")
        fig = draw.progress_bars(progress, {"first": "first", "second": "second"}, "Progress", 8.0, tips, ENGLISH)
        names = [text.get_text() for text in fig.legends[0].get_texts()]
        drawn = [patch for patch in fig.axes[0].patches if patch.get_width() > 0]
        plt.close(fig)
        assert len(drawn) == bars and ("latest observed" in names) == bool(bars)
        assert sum("≥80%" in text for text in tips.texts.values()) == 2, "each target keeps its qualifier"
