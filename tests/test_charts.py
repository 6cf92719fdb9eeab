"""Chart drawing: every point of a scatter carries its own tooltip."""
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from helpers.charts import draw
from helpers.i18n import SOURCE_LANGUAGE, language


@pytest.mark.parametrize("count", [1, 2, 3, 12])  # few points: each marker written out; more: <use> of one marker
def test_each_point_of_a_scatter_gets_its_own_tooltip_in_order(count):
    draw.apply_style()
    rows = pd.DataFrame({"date": pd.date_range("2010-01-01", periods=count, freq="YS"), "value": range(count)})
    fig, ax = plt.subplots()
    tips = draw.Tooltips("test")
    ax.plot([0, 1], [0, 1])  # a line drawn too, whose path is no point
    tips.add_points(ax, rows, [f"point {i} <{i}>" for i in range(count)], marker="o", s=40)
    svg = draw.svg_bytes(fig, tips.prefix, tips).decode("utf-8")
    plt.close(fig)
    tipped = re.findall(r"<g><title>([^<]*)</title><(use|path) [^>]*/></g>", svg)
    assert [text for text, _ in tipped] == [f"point {i} &lt;{i}&gt;" for i in range(count)]
    # each tooltip wraps one point, at the place of that point: x grows with the date
    marks = re.findall(r'<g><title>[^<]*</title><use [^>]*\sx="([\d.]+)"', svg)
    assert marks == sorted(marks, key=float)


def official_ranks(indicators: list[str]) -> pd.DataFrame:
    """An official rank series per indicator over six survey editions."""
    return pd.DataFrame([{"indicator": indicator, "country": "VNM", "period": str(year),
                          "date": pd.Timestamp(f"{year}-01-01"), "value": str(80 + step + offset), "unit": "rank",
                          "kind": "official", "qualifier": "exact", "dataset": f"un_egov_{year}"}
                         for offset, indicator in enumerate(indicators)
                         for step, year in enumerate(range(2010, 2022, 2))])


@pytest.mark.parametrize("width", draw.WIDTHS.values())
def test_long_titles_wrap_without_shrinking_the_plot_or_covering_each_other(width):
    # a language can write a title, the value axis's title and each name of the legend at twice the English length:
    # every text stays inside the figure, clear of the others, and the plot keeps its height
    draw.apply_style()
    tr = language(SOURCE_LANGUAGE)
    long = "Rank among the 193 United Nations member states in the index, written at length (1 = the best rank)"
    indicators = ["first", "second", "third"]
    labels = {name: f"The {name} series of a long-named index of the United Nations survey" for name in indicators}
    fig = draw.timeseries(official_ranks(indicators), labels, "A title that runs on " * 5, long, width,
                          draw.Tooltips("test"), tr, invert=True, rank_of=193)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    value_title = next(text for text in ax.get_children()
                       if isinstance(text, Text) and text.get_text() == ax.get_title(loc="left"))
    texts = {"title": fig.texts[0], "value title": value_title, "x axis title": ax.xaxis.label}
    boxes = {name: text.get_window_extent(renderer) for name, text in texts.items()}
    boxes["legend"] = fig.legends[0].get_window_extent(renderer)
    boxes["plot"] = ax.get_window_extent(renderer)
    for name, box in boxes.items():
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1, \
            f"the {name} runs out of the figure"
    # from the top: title, value title, plot, x axis title, legend
    order = ["title", "value title", "plot", "x axis title", "legend"]
    for upper, lower in zip(order, order[1:]):
        assert boxes[upper].y0 >= boxes[lower].y1 - 1, f"the {upper} overlaps the {lower}"
    inches = boxes["plot"].height / fig.dpi
    plt.close(fig)
    assert inches >= 2.3, f"the plot is {inches:.1f} in high"


@pytest.mark.parametrize("invert", [False, True])
def test_two_value_labels_of_one_date_do_not_cover_each_other(invert):
    # 86 and 87 in one edition, as the EGDI and open-data ranks of 2022: one label above its point, one below
    draw.apply_style()
    rows = official_ranks(["first", "second"])
    # the two series far apart in 2010 (the axis spans 30 to 100 ranks), one rank apart in 2020
    ends = {("first", "2010"): "30", ("second", "2010"): "100", ("first", "2020"): "86", ("second", "2020"): "87"}
    rows["value"] = [ends.get((row.indicator, row.period), row.value) for row in rows.itertuples()]
    fig = draw.timeseries(rows, {"first": "first", "second": "second"}, "Ranks", "Rank", 8.0, draw.Tooltips("test"),
                          language(SOURCE_LANGUAGE), invert=invert, rank_of=193)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in fig.axes[0].texts]
    plt.close(fig)
    assert len(boxes) >= 4, "each series labelled at its ends"
    touching = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not touching, f"{len(touching)} pairs of value labels overlap"
