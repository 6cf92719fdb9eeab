"""Helpers for the browser test of the report: find chromium, open a page, record what it does.

Browsers cannot be downloaded on the machines this project runs on, so the test drives Debian's
chromium through Playwright rather than Playwright's own builds.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest

from helpers import paths

# Headless, no sandbox (containers run as root), and none of the connections chromium makes of its
# own accord: they are refused here and would show up as noise, or as requests the page never made.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Container /dev/shm is often 64 MB, too small for chromium; use /tmp instead.
    "--disable-dev-shm-usage",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every wait in the test is bounded by this, so a broken page fails fast rather than hanging.
TIMEOUT_MS = 10_000


def skip_or_fail(reason: str) -> None:
    """Skip the test with `reason`, except under CI (the CI variable set), where it fails instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


def report_path(language: str) -> Path:
    """The report under test in a language: $REPORT_HTML (English), else reports/report.html, reports/report.vi.html."""
    override = os.environ.get("REPORT_HTML") if language == paths.SOURCE_LANGUAGE else None
    return Path(override).resolve() if override else paths.in_language(paths.REPORT_HTML, language)


def screenshot_path(report: Path, language: str) -> Path:
    """Where the screenshot goes: beside the report, reports/screenshot.png (screenshot.vi.png in Vietnamese)."""
    return paths.in_language(report.parent / "screenshot.png", language)


def find_chromium() -> str | None:
    """Debian's chromium: on PATH, else /usr/bin/chromium; None when neither is there."""
    found = shutil.which("chromium")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    return str(fallback) if fallback.is_file() and os.access(fallback, os.X_OK) else None


def same_file_url(a: str, b: str) -> bool:
    """Whether two file:// URLs name the same file, whatever their percent-encoding or fragment."""
    return unquote(a.split("#", 1)[0]) == unquote(b.split("#", 1)[0])


@dataclass
class Visit:
    """What a page did while it loaded: every request, console error and uncaught page error."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests for anything but the report itself and data: URLs."""
        return [
            u for u in self.requests if not (u.startswith("data:") or same_file_url(u, self.url))
        ]


def record(page, url: str) -> Visit:
    """Attach listeners to `page` that fill a Visit of `url`; call before navigating."""
    visit = Visit(url)

    def on_console(msg) -> None:
        if msg.type == "error":
            where = msg.location or {}
            at = f" ({where.get('url', '')}:{where.get('lineNumber', '')})" if where.get("url") else ""
            visit.console_errors.append(f"{msg.text}{at}")

    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    return visit


def block_network(context) -> None:
    """Refuse every http(s)/ws(s) request at once: the page is still seen asking, but never waits."""
    context.route(lambda url: not url.startswith(("file:", "data:", "blob:")), lambda route: route.abort())


# Bring every <img> into view (so loading="lazy" ones load too) and wait, briefly, for it to decode.
SETTLE_IMAGES_JS = """
async () => {
  for (const img of Array.from(document.images)) {
    img.scrollIntoView({block: "center"});
    await Promise.race([
      img.decode().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]);
  }
  window.scrollTo(0, 0);
}
"""

IMAGES_JS = """
() => Array.from(document.images).map((img) => ({
  alt: img.getAttribute("alt"),
  src: img.getAttribute("src") || "",
  loaded: img.complete && img.naturalWidth > 0,
}))
"""

HEADINGS_JS = """
() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map((h) => ({
  level: Number(h.tagName.substring(1)),
  text: h.textContent.trim().replace(/\\s+/g, " ").substring(0, 60),
}))
"""

WIDTH_JS = """
() => {
  const width = document.documentElement.scrollWidth;
  const viewport = window.innerWidth;
  // The widest offenders, to say what overflows, not just that something does.
  const wide = Array.from(document.body.querySelectorAll("*"))
    .map((el) => ({el, right: el.getBoundingClientRect().right}))
    .filter(({right}) => right > viewport + 1)
    .sort((a, b) => b.right - a.right)
    .slice(0, 5)
    .map(({el, right}) => {
      const id = el.id ? "#" + el.id : "";
      const cls = typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      return `<${el.tagName.toLowerCase()}${id}${cls}> reaches ${Math.round(right)}px`;
    });
  return {scrollWidth: width, innerWidth: viewport, wide};
}
"""


def describe_image(img: dict) -> str:
    """An <img> named for a failure message: its alt text, else the start of its src."""
    src = img["src"]
    src = src[:40] + "..." if len(src) > 40 else src
    alt = (img["alt"] or "").strip()
    return f"alt={alt!r} src={src!r}" if alt else f"src={src!r}"


def heading_skips(headings: list[dict]) -> list[str]:
    """Each place a heading goes down more than one level from the one before (the page starts at 0)."""
    skips = []
    previous = 0
    for h in headings:
        if h["level"] > previous + 1:
            before = f"h{previous}" if previous else "the start of the page"
            skips.append(f"h{h['level']} {h['text']!r} follows {before}")
        previous = h["level"]
    return skips

# Each visible chart's text, in rendered pixels: the SVG's font size times the scale the page draws it at.
CHART_TEXT_JS = """
() => Array.from(document.querySelectorAll(".chart svg"))
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll("text")).map((text) => ({
      chart: svg.closest("[data-chart]").dataset.chart,
      text: text.textContent.trim().substring(0, 30),
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
    }));
  })
"""

# Which drawing of each chart shows: the one for wide screens or the one for phones.
CHART_SHOWN_JS = """
() => Array.from(document.querySelectorAll("figure")).map((figure) => ({
  chart: figure.closest("[data-chart]").dataset.chart,
  wide: figure.querySelector(".chart.wide").getBoundingClientRect().width > 0,
  narrow: figure.querySelector(".chart.narrow").getBoundingClientRect().width > 0,
  tooltips: figure.querySelectorAll(".chart.wide svg title").length,
}))
"""

# Every in-page link and whether its target exists.
ANCHORS_JS = """
() => Array.from(document.querySelectorAll('a[href^="#"]')).map((a) => ({
  href: a.getAttribute("href"),
  found: document.getElementById(decodeURIComponent(a.getAttribute("href").substring(1))) !== null,
}))
"""

# Every download the page offers, decoded as the browser would save it.
DOWNLOADS_JS = """
async () => Promise.all(Array.from(document.querySelectorAll("a[download]")).map(async (a) => ({
  name: a.getAttribute("download"),
  bytes: Array.from(new Uint8Array(await (await fetch(a.href)).arrayBuffer())),
})))
"""

# Tables: whether each scrolls inside its box, and whether its cells may break a word anywhere.
TABLES_JS = """
() => Array.from(document.querySelectorAll(".table")).map((box) => {
  const cell = box.querySelector("td");
  return {
    overflow: getComputedStyle(box).overflowX,
    breaks: cell ? getComputedStyle(cell).overflowWrap + " " + getComputedStyle(cell).wordBreak : "",
  };
})
"""

# The charts the page draws, in order: the id of the element that holds each, and the chart's name.
CHART_VIEWS_JS = """
() => Array.from(document.querySelectorAll("figure")).map((figure) => figure.closest("[data-chart]"))
  .map((holder) => [holder.id, holder.dataset.chart])
"""

# The ids of the marks that carry a tooltip in the drawing of a chart the page shows at this size.
TIP_MARKS_JS = """
(view) => {
  const svg = Array.from(document.querySelectorAll(`#${view} .chart svg`))
    .find((s) => s.getBoundingClientRect().width > 0);
  return Array.from(svg.querySelectorAll("g[id]")).filter((g) => g.querySelector(":scope > title"))
    .map((g) => g.id);
}
"""

# A mark brought into view, and its box on the page (not the window: one frame for every mark of a chart).
MARK_BOX_JS = """
(id) => {
  const mark = Array.from(document.getElementById(id).querySelectorAll("use, path")).find((e) => !e.closest("defs"));
  mark.scrollIntoView({block: "center", inline: "center"});
  const r = mark.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height, scrollX: window.scrollX, scrollY: window.scrollY};
}
"""

# What the browser shows on hover: the <title> of the innermost hovered element that has one, and whose it is.
HOVERED_TITLE_JS = """
() => {
  const hovered = Array.from(document.querySelectorAll(":hover")).pop();
  for (let el = hovered; el; el = el.parentElement) {
    const title = Array.from(el.children).find((c) => c.tagName.toLowerCase() === "title");
    if (title) return {text: title.textContent, owner: el.id};
  }
  return null;
}
"""


def hover_marks(page, view: str) -> list[dict]:
    """Hover the middle of each mark of a chart that carries a tooltip; what shows, and where the mark is on the page."""
    hovers = []
    for mark in page.evaluate(TIP_MARKS_JS, view):
        box = page.evaluate(MARK_BOX_JS, mark)
        if box["width"] == 0 or box["height"] == 0:
            hovers.append({"mark": mark, "box": box, "shown": None, "drawn": False})
            continue
        spot = {"x": box["x"] + box["width"] / 2 + box["scrollX"], "y": box["y"] + box["height"] / 2 + box["scrollY"]}
        page.mouse.move(spot["x"] - box["scrollX"], spot["y"] - box["scrollY"])
        shown = page.evaluate(HOVERED_TITLE_JS)
        # a mark drawn over the one aimed at shows its own tooltip: that mark is the one to compare with its data
        owner_box = page.evaluate(MARK_BOX_JS, shown["owner"]) if shown and shown["owner"] != mark else box
        hovers.append({"mark": mark, "spot": spot, "box": owner_box, "shown": shown, "drawn": True})
    return hovers

# The first screen a reader sees, on a laptop and on a phone.
FIRST_SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}

# Where the page's opening parts stand, in the window as first shown: the sentence on where the country stands, the
# counts of the claims check, the chart, and the contents after them.
LEAD_JS = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const chart = Array.from(document.querySelectorAll("#lead-chart .chart")).find((c) => c.getBoundingClientRect().width > 0);
  return {
    position: box(document.querySelector("#summary p")), positionText: document.querySelector("#summary p").textContent,
    counts: box(document.querySelector("#summary ul.counts")),
    countsText: Array.from(document.querySelectorAll("#summary ul.counts li")).map((li) => li.textContent.trim()),
    chart: box(chart), contents: box(document.querySelector("nav.contents")), height: window.innerHeight,
  };
}
"""

# The page's height, and how many of its tables are open when it loads.
HEIGHT_JS = """
() => ({height: document.documentElement.scrollHeight,
        open: document.querySelectorAll("details[open]").length,
        closed: document.querySelectorAll("details:not([open])").length})
"""
