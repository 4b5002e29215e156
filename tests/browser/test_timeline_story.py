"""The timeline tells the story: events stand out with the articles that covered them, partial and
inferred dates say so, people are shown, a filter by place, person or source keeps its state in the
address, and an overview of years and months jumps there; all of it readable without JavaScript."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import TINY_SITE, make_site, page

from .conftest import build_site, screenshot_widths, serve

pytestmark = pytest.mark.browser

EVENTS = """\
- date: 2019-11-13
  text: انتشار القوات الأمريكية في القامشلي.
  places: [القامشلي]
- date: 2019-12-02
  text: اجتماع في الحسكة.
  places: [الحسكة]
"""
INFERRED = page(
    "عودة الرتل",
    "2019-12-05",
    places=["سوريا"],
    sources=["RT"],
    date_evidence={"inferred": True, "quote": "يوم الخميس"},
    body="عاد الرتل يوم الخميس.",
)


@pytest.fixture(scope="module")
def story_site(tmp_path_factory):
    root = make_site(
        tmp_path_factory.mktemp("story"),
        {**TINY_SITE, "content/_data/events.yaml": EVENTS, "content/2019-f.md": INFERRED},
    )
    with serve(build_site(root / "content", root / "site")) as served:
        yield served


def visible(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('.timeline > .entry')].filter(e => !e.hidden && "
        "!e.closest('[hidden]')).map(e => e.querySelector('.entry-text').innerText.trim())"
    )


def test_an_event_holds_the_articles_of_its_day_that_cover_it(open_page, story_site):
    browser_page, visit = open_page(story_site.url("timeline/index.html"))
    event = browser_page.locator(".timeline > .entry-event", has_text="انتشار القوات الأمريكية")
    assert event.locator(".coverage li").all_inner_texts() == ["مقال: وصول رتل إلى القامشلي"]
    assert (
        browser_page.locator(".timeline > .entry-article", has_text="وصول رتل إلى القامشلي").count()
        == 0
    )
    weights = browser_page.evaluate(
        "[...document.querySelectorAll('.timeline > .entry')].map(e => "
        "[e.className, getComputedStyle(e.querySelector('.entry-text')).fontWeight])"
    )
    assert {w for c, w in weights if "entry-event" in c} == {"700"}
    assert {w for c, w in weights if "entry-article" in c} == {"400"}


def test_partial_and_inferred_dates_say_so_and_people_are_shown(open_page, story_site):
    browser_page, visit = open_page(story_site.url("timeline/index.html"))
    monthly = browser_page.locator(
        ".timeline > .entry", has_text="تقرير شهري عن الحسكة"
    ).inner_text()
    assert "(الشهر فقط)" in monthly
    assert (
        "(تاريخ مستنتج)"
        in browser_page.locator(".timeline > .entry", has_text="عودة الرتل").inner_text()
    )
    assert (
        "مارك إسبر"
        in browser_page.locator(".timeline > .entry", has_text="إسبر يتحدث").inner_text()
    )


def test_the_filter_groups_its_names_keeps_its_state_in_the_address_and_hides_empty_months(
    open_page, story_site
):
    browser_page, visit = open_page(
        story_site.url("timeline/index.html") + "?places=" + quote("الحسكة")
    )
    groups = browser_page.evaluate(
        "[...document.querySelectorAll('#timeline-place optgroup')].map(g => g.label)"
    )
    assert groups == ["الأماكن", "الأشخاص", "المصادر"]
    assert browser_page.locator("#timeline-place").input_value() == "places:الحسكة"
    assert visible(browser_page) == ["مقال: تقرير شهري عن الحسكة", "اجتماع في الحسكة."]
    assert browser_page.locator("#y2019-11").is_hidden()  # November has nothing on al-Hasakah
    assert browser_page.locator("#timeline-status").inner_text() == "مدخلان."
    browser_page.locator("#timeline-place").select_option("sources:RT")
    assert "sources=RT" in browser_page.url and "places=" not in browser_page.url
    assert visible(browser_page) == [
        "مقال: تقرير شهري عن الحسكة",
        "مقال: إسبر يتحدث عن سوريا",
        "مقال: عودة الرتل",
    ]
    assert visit.console_errors == []


def test_the_overview_counts_each_month_and_jumps_there(open_page, story_site):
    browser_page, visit = open_page(story_site.url("timeline/index.html"))
    links = browser_page.locator(".overview .months a")
    assert links.all_inner_texts() == ["تشرين الأول", "تشرين الثاني", "كانون الأول"]
    links.nth(2).click()
    assert browser_page.url.endswith("#y2019-12")
    assert browser_page.locator("#y2019-12").inner_text() == "كانون الأول 2019"
    counts = browser_page.locator(".overview .months .count").all_inner_texts()
    assert counts == ["1", "3", "2"]


def test_without_javascript_everything_shows(open_page, story_site):
    browser_page, visit = open_page(story_site.url("timeline/index.html"), javascript=False)
    assert browser_page.locator("#timeline-place").count() == 0
    assert len(visible(browser_page)) == 5 and browser_page.locator(".coverage li").count() == 1


def test_screenshots_of_the_timeline(browser, story_site):
    screenshot_widths(browser, story_site.url("timeline/index.html"), "timeline-story")
