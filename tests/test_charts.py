"""Chart drawing: every point of a scatter carries its own tooltip."""
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.charts import draw


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
