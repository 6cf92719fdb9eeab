"""The rendered report in a real browser: self-contained, error-free, accessible, readable on a phone.

Opens each page of the report, reports/report.html (or $REPORT_HTML) and reports/report.vi.html, in
Debian's chromium through Playwright. Without
chromium or without the report the tests skip, except under CI, where both must be there.
Also saves a full-page screenshot beside each page (reports/screenshot.png, reports/screenshot.vi.png).
"""
from __future__ import annotations

import pytest

import browser as b
from helpers import paths
from helpers.i18n import LANGUAGES


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


def test_downloads_decode_to_the_files_behind_the_page(desktop, language):
    page, _ = desktop
    downloads = {d["name"]: bytes(d["bytes"]) for d in page.evaluate(b.DOWNLOADS_JS)}
    for name in paths.CLEAN_FILES:
        assert downloads.get(name) == (paths.DATA_CLEAN / name).read_bytes(), f"download {name} differs"
    chart_data = [name for name in downloads if name not in paths.CLEAN_FILES]
    assert len(chart_data) >= 10
    for name in chart_data:
        assert downloads[name] == (paths.in_language(paths.FIGURES, language) / name).read_bytes(), \
            f"download {name} differs from its CSV"


def test_tables_scroll_in_their_box_and_never_break_a_word(phone):
    page, _ = phone
    tables = page.evaluate(b.TABLES_JS)
    assert tables
    assert {t["overflow"] for t in tables} == {"auto"}
    assert {t["breaks"] for t in tables if t["breaks"]} == {"normal normal"}
