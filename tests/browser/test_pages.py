"""What a reader would notice, in headless Chromium: accessibility, privacy, console, layout, fonts,
page weight."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest

from .conftest import ARTIFACTS, new_page

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE, DESKTOP = 390, 1280
# The pages of the bundled dossier a reader meets, by name.
PAGES = {
    "home": "index.html",
    "article": "articles/c2b3c7eb976f/index.html",
    "timeline": "timeline/index.html",
    "entity": "places/القامشلي/index.html",
    "entities": "entities/index.html",
    "map": "map/index.html",
    "search": "search/index.html?q=" + quote("إسبر"),
    "404": "404.html",
    "data": "data/index.html",
    "print": "print/index.html",
}
SCREENSHOT_PAGES = ["home", "article", "timeline", "search", "map", "print"]
SERIOUS = {"serious", "critical"}
# Page weight budgets, uncompressed bytes: what one page costs before any font or search index.
HTML_CSS_JS_BUDGET = 40_000
FONTS_BUDGET = 140_000

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('body *')].filter(e => {
    if (e.closest('.visually-hidden, .skip-link, [hidden]')) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
  }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (e.className ? '.' + e.className : ''));
  const h1 = document.querySelector('main h1');
  const style = getComputedStyle(h1);
  const range = document.createRange();
  range.selectNodeContents(h1);
  const text = range.getBoundingClientRect(), box = h1.getBoundingClientRect();
  const main = document.querySelector('main').getBoundingClientRect();
  return {
    scroll_width: document.documentElement.scrollWidth, width, outside,
    title: {direction: style.direction, text_left: text.left, text_right: text.right,
            content_left: box.left + parseFloat(style.paddingLeft),
            content_right: box.right - parseFloat(style.paddingRight),
            main_right: main.right},
    fonts: [...document.fonts].filter(f => f.status === 'loaded')
      .map(f => [f.family.replace(/"/g, ''), f.weight, f.unicodeRange]),
    lang: document.documentElement.lang, dir: document.documentElement.dir,
    inputs: [...document.querySelectorAll('input[type=search]')]
      .map(i => getComputedStyle(i).direction),
    preloads: [...document.querySelectorAll('link[rel=preload][as=font]')].map(l => l.href),
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(h => h.getClientRects().length)
      .map(h => +h.tagName[1]),
    landmarks: ['body > header', 'body > header nav', 'main#main', 'body > footer']
      .filter(selector => document.querySelectorAll(selector).length === 1),
  };
}"""


@dataclass
class Report:
    """Everything one page load showed, measured once and checked by several tests."""

    url: str
    requests: list[str]
    failed: list[str]
    console_errors: list[str]
    measures: dict
    bytes_by_type: dict[str, int]
    violations: list[dict] = field(default_factory=list)


@pytest.fixture(scope="session")
def reports(browser, dossier, axe_source):
    """Load each page once per width, lazily; accessibility is checked at desktop width."""
    cache: dict[tuple[str, int], Report] = {}

    def report(name: str, width: int) -> Report:
        if (name, width) not in cache:
            cache[name, width] = measure(browser, dossier.url(PAGES[name]), name, width, axe_source)
        return cache[name, width]

    return report


def measure(browser, url: str, name: str, width: int, axe_source: str) -> Report:
    context, page, visit = new_page(browser, url, width)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url} ({request.failure})"))
    try:
        if name == "search":
            page.wait_for_selector("#search-results[aria-busy='false'] li", state="attached")
        page.evaluate("document.fonts.ready.then(() => true)")
        failed += [f"{r.url} ({r.status})" for r in visit.responses if r.status >= 400]
        measures = page.evaluate(MEASURE)
        violations = []
        if width == DESKTOP:
            page.add_script_tag(content=axe_source)
            results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            violations = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                }
                for v in results["violations"]
            ]
        if name in SCREENSHOT_PAGES:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        return Report(
            url,
            list(visit.requests),
            failed,
            list(visit.console_errors),
            measures,
            visit.bytes_by_type(),
            violations,
        )
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(reports, name):
    report = reports(name, DESKTOP)
    assert [v for v in report.violations if v["impact"] in SERIOUS] == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PAGES)
def test_only_the_site_itself_is_contacted(reports, dossier, name, width):
    report = reports(name, width)
    foreign = [
        u
        for u in report.requests
        if not u.startswith("data:") and urlsplit(u).netloc != dossier.host
    ]
    assert foreign == []
    assert len(report.requests) >= 3, "the stylesheet and fonts were requested and recorded"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PAGES)
def test_console_is_quiet_and_every_request_succeeds(reports, name, width):
    report = reports(name, width)
    assert report.console_errors == []
    assert report.failed == []


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_downloaded_twice(reports, name):
    """A preload that does not match its use (say, without crossorigin on a font) makes the browser
    fetch twice."""
    requests = reports(name, DESKTOP).requests
    assert sorted({u for u in requests if requests.count(u) > 1}) == []


@pytest.mark.parametrize("name", PAGES)
def test_preloaded_fonts_are_used(reports, name):
    """Each preloaded file (named by subset and weight) is the source of a font face the page
    loaded."""
    measures = reports(name, DESKTOP).measures
    loaded = {
        ("arabic" if "U+600-6FF" in face[2] else "latin", face[1]) for face in measures["fonts"]
    }
    preloaded = {
        re.search(r"-(arabic|latin)-(\d+)-normal\.woff2$", href).groups()
        for href in measures["preloads"]
    }
    assert ("arabic", "400") in preloaded
    assert preloaded <= loaded


@pytest.mark.parametrize("name", PAGES)
def test_headings_in_order_and_landmarks(reports, name):
    measures = reports(name, DESKTOP).measures
    levels = measures["headings"]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (
        f"a heading level is skipped: {levels}"
    )
    assert len(measures["landmarks"]) == 4, measures["landmarks"]


@pytest.mark.parametrize("name", PAGES)
def test_nothing_overflows_on_a_phone(reports, name):
    measures = reports(name, PHONE).measures
    assert measures["outside"] == []
    assert measures["scroll_width"] <= measures["width"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PAGES)
def test_text_runs_right_to_left(reports, name, width):
    measures = reports(name, width).measures
    title = measures["title"]
    assert (measures["lang"], measures["dir"], title["direction"]) == ("ar", "rtl", "rtl")
    assert set(measures["inputs"]) == {"rtl"}, (
        "an empty search box (and its placeholder) reads right to left"
    )
    assert abs(title["text_right"] - title["content_right"]) <= 1, (
        "the title starts at the right edge of its box"
    )
    assert abs(title["content_right"] - title["main_right"]) <= 1, (
        "the title's box is at the right of the page"
    )
    if (
        title["text_right"] - title["text_left"]
        < title["content_right"] - title["content_left"] - 10
    ):
        assert title["text_left"] > title["content_left"] + 5, (
            "a short title leaves its space on the left"
        )


@pytest.mark.parametrize("name", PAGES)
def test_the_arabic_font_is_loaded(reports, name):
    fonts = reports(name, DESKTOP).measures["fonts"]
    arabic = [f for f in fonts if f[0] == "Noto Naskh Arabic" and "U+600-6FF" in f[2]]
    assert {f[1] for f in arabic} >= {"400", "700"}, fonts


@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_screenshots_are_written_for_a_person_to_look_at(reports, name):
    for width in (PHONE, DESKTOP):
        reports(name, width)
        shot = SCREENSHOTS / f"{name}-{width}.png"
        assert shot.exists() and shot.stat().st_size > 5_000, shot


@pytest.mark.parametrize("name", ["home", "article"])
def test_page_weight_stays_small(reports, name):
    sizes = reports(name, DESKTOP).bytes_by_type
    html_css_js = sizes.get("document", 0) + sizes.get("stylesheet", 0) + sizes.get("script", 0)
    ARTIFACTS.mkdir(exist_ok=True)
    weights = ARTIFACTS / "page-weight.json"
    noted = json.loads(weights.read_text()) if weights.exists() else {}
    noted[name] = {"html_css_js": html_css_js, **sizes}
    weights.write_text(json.dumps(noted, indent=2, sort_keys=True))
    assert html_css_js <= HTML_CSS_JS_BUDGET, sizes
    assert sizes.get("font", 0) <= FONTS_BUDGET, sizes
