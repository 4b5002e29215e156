"""The timeline's filter: JavaScript adds it, and choosing a place or person leaves only what
concerns it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

VISIBLE_TEXTS = (
    "[...document.querySelectorAll('.timeline .entry')]"
    ".filter(e => !e.hidden).map(e => e.innerText)"
)


def test_filter_by_place_leaves_only_its_entries(open_page, tiny):
    page, visit = open_page(tiny.url("timeline/index.html"))
    select = page.locator("#timeline-place")
    assert select.is_visible()
    everything = page.evaluate(VISIBLE_TEXTS)
    assert len(everything) == 3
    select.select_option("الحسكة")
    only = page.evaluate(VISIBLE_TEXTS)
    assert len(only) == 1 and "تقرير شهري عن الحسكة" in only[0]
    select.select_option("")
    assert page.evaluate(VISIBLE_TEXTS) == everything
    assert visit.console_errors == []


def test_without_javascript_the_whole_timeline_shows_and_no_dead_filter(open_page, tiny):
    page, visit = open_page(tiny.url("timeline/index.html"), javascript=False)
    assert page.locator("#timeline-place").is_hidden()
    assert page.locator(".timeline .entry").count() == 3
