"""The rendered report in a real browser: self-contained, error-free, accessible, readable on a phone.

Opens each page of the report, reports/report.html (or $REPORT_HTML) and reports/report.vi.html, in
Debian's chromium through Playwright. Without
chromium or without the report the tests skip, except under CI, where both must be there.
Also saves a full-page screenshot beside each page (reports/screenshot.png, reports/screenshot.vi.png).
"""
from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

import browser as b
from helpers import paths
from helpers.analysis import tables
from helpers.files import read_json
from helpers import i18n
from helpers.analysis.findings import ordinal
from helpers.i18n import LANGUAGES, country_name
from helpers.numbers import number_text, period_text
from helpers.report import page as report_page


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def report(language):
    path = b.report_path(language)
    if not path.is_file():
        b.skip_or_fail(f"report not found at {path}; run `make report` first")
    return path


@pytest.fixture(scope="module")
def chromium(report):
    """One headless chromium for the whole module."""
    executable = b.find_chromium()
    if executable is None:
        b.skip_or_fail(
            "chromium not found (not on PATH, no /usr/bin/chromium); "
            "install Debian's chromium to run the browser test"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        b.skip_or_fail("playwright is not installed; run `make env` to run the browser test")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=b.CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_report(chromium, report, viewport):
    """A fresh context and page showing the report, with everything it did while loading recorded."""
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(b.TIMEOUT_MS)
    b.block_network(context)
    page = context.new_page()
    visit = b.record(page, report.as_uri())
    page.goto(visit.url, wait_until="load")
    page.evaluate(b.SETTLE_IMAGES_JS)
    return context, page, visit


@pytest.fixture(scope="module")
def desktop(chromium, report):
    """The report loaded once at desktop size: (page, visit)."""
    context, page, visit = open_report(chromium, report, b.DESKTOP)
    yield page, visit
    context.close()


def test_no_network_requests(desktop):
    _, visit = desktop
    foreign = visit.foreign_requests()
    assert not foreign, (
        "the report is not self-contained; it requested:\n  " + "\n  ".join(foreign)
    )


def test_no_console_or_page_errors(desktop):
    _, visit = desktop
    problems = [f"console.error: {e}" for e in visit.console_errors]
    problems += [f"page error: {e}" for e in visit.page_errors]
    assert not problems, "the report logged errors:\n  " + "\n  ".join(problems)


def test_images_load_and_have_alt_text(desktop):
    page, _ = desktop
    images = page.evaluate(b.IMAGES_JS)
    svgs = page.locator("svg").count()
    assert images or svgs, "the report has no chart: no <img> and no inline <svg>"
    broken = [b.describe_image(img) for img in images if not img["loaded"]]
    assert not broken, "images that did not load:\n  " + "\n  ".join(broken)
    no_alt = [b.describe_image(img) for img in images if not (img["alt"] or "").strip()]
    assert not no_alt, "images without alt text:\n  " + "\n  ".join(no_alt)


def test_headings_in_order(desktop):
    page, _ = desktop
    headings = page.evaluate(b.HEADINGS_JS)
    h1s = [h["text"] for h in headings if h["level"] == 1]
    assert len(h1s) == 1, f"expected exactly one <h1>, found {len(h1s)}: {h1s}"
    skips = b.heading_skips(headings)
    assert not skips, "heading levels skip:\n  " + "\n  ".join(skips)


def test_readable_at_phone_width(chromium, report):
    context, page, _ = open_report(chromium, report, b.PHONE)
    try:
        width = page.evaluate(b.WIDTH_JS)
    finally:
        context.close()
    assert width["scrollWidth"] <= width["innerWidth"] + 1, (
        f"at {b.PHONE['width']}px wide the page scrolls sideways: it is {width['scrollWidth']}px "
        f"wide in a {width['innerWidth']}px window; widest elements:\n  " + "\n  ".join(width["wide"])
    )


def test_screenshot(desktop, report, language):
    page, _ = desktop
    target = b.screenshot_path(report, language)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 0


@pytest.fixture(scope="module")
def phone(chromium, report):
    """The report loaded once at phone size: (page, visit)."""
    context, page, visit = open_report(chromium, report, b.PHONE)
    yield page, visit
    context.close()


@pytest.fixture(scope="module")
def screens(desktop, phone) -> dict:
    """The report loaded at each size, by name."""
    return {"desktop": desktop, "phone": phone}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_chart_text_is_under_9px(screens, size):
    page, _ = screens[size]
    texts = page.evaluate(b.CHART_TEXT_JS)
    assert texts, "no chart text measured"
    small = [f"{t['chart']}: {t['text']!r} {t['px']:.1f}px" for t in texts if t["px"] < 9]
    assert not small, f"chart text under 9px at {size} width:\n  " + "\n  ".join(small[:20])


@pytest.mark.parametrize("size, shown", [("desktop", "wide"), ("phone", "narrow")])
def test_each_chart_shows_the_drawing_for_its_screen_with_tooltips(screens, size, shown):
    page, _ = screens[size]
    charts = page.evaluate(b.CHART_SHOWN_JS)
    assert len(charts) >= 10
    for chart in charts:
        assert chart[shown] and not chart["narrow" if shown == "wide" else "wide"], chart["chart"]
        assert chart["tooltips"] > 0, f"{chart['chart']}: no point carries a tooltip"


def test_every_in_page_link_has_its_target(desktop):
    page, _ = desktop
    links = page.evaluate(b.ANCHORS_JS)
    assert any(link["href"] == "#sources" for link in links)
    assert any(link["href"].startswith("#source-s") for link in links), "source ids link to the Sources section"
    missing = [link["href"] for link in links if not link["found"]]
    assert not missing, f"links to anchors that do not exist: {missing}"


def test_the_download_decodes_to_the_files_behind_the_page(desktop, language):
    # one archive, as the browser saves it: every clean file and the data of every chart, byte for byte
    page, _ = desktop
    downloads = {d["name"]: bytes(d["bytes"]) for d in page.evaluate(b.DOWNLOADS_JS)}
    assert list(downloads) == [report_page.ARCHIVE]
    with zipfile.ZipFile(io.BytesIO(downloads[report_page.ARCHIVE])) as bundle:
        held = {name: bundle.read(name) for name in bundle.namelist()}
    for name in paths.CLEAN_FILES:
        if name == paths.OFFICIAL_INDICATORS:  # published beside the page, not in it
            assert name not in held
            continue
        assert held.pop(name) == (paths.DATA_CLEAN / name).read_bytes(), f"{name} differs"
    assert len(held) >= 10
    for name, content in held.items():
        chart = paths.in_language(paths.FIGURES, language) / name.split("/", 1)[1]
        assert content == chart.read_bytes(), f"{name} differs from its CSV"


def test_tables_scroll_in_their_box_and_never_break_a_word(phone):
    page, _ = phone
    tables = page.evaluate(b.TABLES_JS)
    assert tables
    assert {t["overflow"] for t in tables} == {"auto"}
    assert {t["breaks"] for t in tables if t["breaks"]} == {"normal normal"}


def names(title: str, text: str) -> bool:
    """Whether a tooltip names this text as a whole (s004-3 is not in s004-37, 86 not in 186 or 86.5)."""
    return re.search(rf"(?<![\w.,]){re.escape(text)}(?!\w|[.,]\d)", title) is not None


def rows_named(title: str, data: pd.DataFrame, kind: str, lang: str) -> list[tuple]:
    """The (value, date) of every row of a chart's data that a tooltip names, and whether a bar or a point draws it:
    a claim by its figure id (a computed ratio by both of its figures), an official value by its period and its value
    as the page writes them; in the progress chart, a bar by its latest figure and a target by its own."""
    found = []
    title = title.split(" — ")[0]  # what the tooltip says of the point, not the quote after it
    several_countries = data.get("country", pd.Series(dtype=str)).nunique() > 1
    for row in data.to_dict("records"):
        date = tables.period_date(row.get("period", ""))
        if kind == "progress":
            found += [(float(row[value]), None, shape) for figure, value, shape in
                      (("latest_figure", "latest", "bar"), ("target_figure", "target", "point"))
                      if row[figure] and names(title, row[figure])]
        elif row.get("figure_id"):  # a derived value shares its figure with the claim: the period tells them apart
            if names(title, row["figure_id"]) and names(title, period_text(row["period"], lang)):
                found.append((float(row["value"]), date, "point"))
        elif row.get("figure_id_num"):
            if names(title, row["figure_id_num"]) and names(title, row["figure_id_den"]):
                found.append((float(row["value"]), date, "point"))
        elif (names(title, period_text(row["period"], lang))
              and (not several_countries or names(title, country_name(row["country"], lang)))
              and names(title, number_text(row["value"], row["unit"], locale=lang))):
            found.append((float(row["value"]), date, "bar" if kind == "components" else "point"))
    return found


def mark_place(box: dict, shape: str) -> tuple[float, float]:
    """Where a mark stands for its value and its date on the page: a point at its middle, a bar (drawn across) at its
    end."""
    x, y = box["x"] + box["scrollX"], box["y"] + box["scrollY"]
    return (x + box["width"], y + box["height"] / 2) if shape == "bar" else (x + box["width"] / 2,
                                                                           y + box["height"] / 2)


def misplaced(pairs: list[tuple[float, float]], rising: bool, what: str) -> list[str]:
    """The marks not where one straight scale (from the data to the page, rising or falling with the data) puts them,
    within 2 px: each pair is (data value, place on the page). The scale is fitted to all of them; a tooltip that
    belongs to another point puts its mark off the line."""
    if len({value for value, *_ in pairs}) < 2:
        return []
    values, places = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    slope, intercept = np.polyfit(values, places, 1)
    problems = [] if (slope > 0) == rising else [f"{what}: the marks run the wrong way for the values their tooltips "
                                                 f"name"]
    for value, place in pairs:
        if abs(slope * value + intercept - place) > 2:
            problems.append(f"{what}: the mark at {place:.0f} px has the tooltip of a value ({value:g}) drawn "
                            f"{slope * value + intercept:.0f} px")
    return problems


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_hovering_each_mark_shows_the_tooltip_of_its_own_point(screens, size, language):
    # every mark that carries a tooltip is hovered as a reader would; what shows must name a row of the chart's CSV,
    # and that row's value and date must be where the hovered mark is drawn, on one scale for the whole chart
    page, _ = screens[size]
    figures = paths.in_language(paths.FIGURES, language)
    problems, hovered = [], 0
    for view, chart in page.evaluate(b.CHART_VIEWS_JS):
        data = pd.read_csv(paths.chart_file(figures, chart, "csv"), dtype=str, keep_default_na=False)
        sidecar = read_json(paths.chart_file(figures, chart, "json"))
        values, dates = [], []
        for hover in b.hover_marks(page, view):
            if not hover["drawn"]:
                continue
            hovered += 1
            if hover["shown"] is None:
                problems.append(f"{view}: hovering {hover['mark']} shows no tooltip")
                continue
            title = hover["shown"]["text"]
            named = set(rows_named(title, data, sidecar["kind"], language))
            if len({(value, date) for value, date, _ in named}) != 1:
                problems.append(f"{view}: the tooltip {title!r} names {len(named)} different rows of its data")
                continue
            value, date, shape = named.pop()
            box = hover["box"]  # the mark whose tooltip shows: the one aimed at, or one drawn over it at that spot
            left, top = box["x"] + box["scrollX"], box["y"] + box["scrollY"]
            if not (left - 1 <= hover["spot"]["x"] <= left + box["width"] + 1
                    and top - 1 <= hover["spot"]["y"] <= top + box["height"] + 1):
                problems.append(f"{view}: hovering {hover['mark']} shows the tooltip of a mark drawn elsewhere")
                continue
            x, y = mark_place(box, shape)
            across = shape == "bar" or sidecar["kind"] == "progress"
            values.append((value, x if across else y))
            if date is not None and not across:
                dates.append((date.value / 8.64e13, x))
        # a value axis drawn across rises to the right; one drawn up rises up the page (smaller y), unless inverted
        rising = sidecar["kind"] in ("components", "progress") or sidecar.get("invert", False)
        problems += misplaced(values, rising, f"{view} values") + misplaced(dates, True, f"{view} dates")
    assert hovered >= 100, f"only {hovered} marks hovered"
    assert not problems, f"{len(problems)} tooltips not their point's at {size} width:\n  " + "\n  ".join(problems[:30])


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_first_screen_says_where_the_country_stands_and_what_the_check_found(chromium, report, language, size):
    context, page, _ = open_report(chromium, report, b.FIRST_SCREENS[size])
    try:
        lead = page.evaluate(b.LEAD_JS)
    finally:
        context.close()
    tr = i18n.language(language)
    official = pd.read_csv(paths.DATA_CLEAN / paths.OFFICIAL_INDICATORS, dtype=str, keep_default_na=False)
    figures = pd.read_csv(paths.FIGURES_CSV, dtype=str, keep_default_na=False)
    ranks = official[(official["indicator"] == "egdi_rank") & (official["country"] == "VNM")]
    latest = ranks[ranks["period"] == ranks["period"].max()].iloc[0]
    # the rank of the latest edition, by the country's name, and the counts of the check, all on the first screen
    assert latest["period"] in lead["positionText"] and ordinal(int(latest["value"]), tr) in lead["positionText"]
    assert country_name("VNM", language) in lead["positionText"]
    assert lead["counts"]["bottom"] <= lead["height"], f"the counts of the claims check end at {lead['counts']['bottom']}"
    assert lead["countsText"][0].startswith(f"{figures['figure_id'].nunique()} "), "the figures the raw table holds"
    assert lead["chart"]["top"] < lead["height"] - 100, "the chart starts on the first screen"
    assert lead["contents"]["top"] > lead["chart"]["top"], "the contents come after the answer"


def test_the_page_is_short_and_light_enough_to_read(desktop, report):
    page, _ = desktop
    measured = page.evaluate(b.HEIGHT_JS)
    assert measured["open"] == 0 and measured["closed"] >= 20, "every table closed until a reader opens it"
    assert measured["height"] < 15_000, f"the page is {measured['height']} px high at 1280 px"
    assert report.stat().st_size < 1_000_000, f"the page weighs {report.stat().st_size:,} bytes"
