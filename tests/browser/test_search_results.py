"""What a search shows a reader: the date of each article, an excerpt that does not repeat the
title, the first result in view on a phone, and entity pages and timeline events among the results.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import TINY_SITE, make_site

from .conftest import build_site, serve

pytestmark = pytest.mark.browser

EVENTS = """\
- date: 2019-11-20
  text: اجتماع طارئ لمجلس المحافظة بشأن الطريق الدولي.
  places: [الحسكة]
"""
RESULTS = "#search-results[aria-busy='false'] li"


@pytest.fixture(scope="module")
def results_site(tmp_path_factory):
    root = make_site(
        tmp_path_factory.mktemp("results"), {**TINY_SITE, "content/_data/events.yaml": EVENTS}
    )
    with serve(build_site(root / "content", root / "site")) as served:
        yield served


def search(open_page, site, query: str, width: int = 1280):
    page, visit = open_page(site.url("search/index.html") + "?q=" + quote(query), width=width)
    page.wait_for_selector(RESULTS, state="attached")
    return page, visit


def results(page) -> list[dict]:
    return page.evaluate("""[...document.querySelectorAll('#search-results li')].map(li => ({
        href: li.querySelector('h2 a').href, title: li.querySelector('h2').innerText,
        meta: (li.querySelector('.meta') || {}).innerText || '',
        excerpt: li.querySelector('p:last-child').innerText}))""")


def test_each_article_result_shows_its_date(open_page, results_site):
    page, visit = search(open_page, results_site, "رتل")
    shown = {r["title"]: r for r in results(page)}
    assert shown["وصول رتل إلى القامشلي"]["meta"] == "الأربعاء 13 تشرين الثاني 2019"
    assert visit.console_errors == []


def test_the_excerpt_does_not_repeat_the_title(open_page, results_site):
    page, visit = search(open_page, results_site, "رتل")  # in the title and in the text
    shown = {r["title"]: r for r in results(page)}["وصول رتل إلى القامشلي"]
    assert (
        not shown["excerpt"].startswith("وصول رتل")
        and "دخل رتل إلى القامشلي اليوم" in shown["excerpt"]
    )


def test_a_match_only_in_the_title_keeps_it_in_the_excerpt(open_page, results_site):
    page, visit = search(open_page, results_site, "وصول")
    assert page.locator("#search-results li p mark").first.inner_text() == "وصول"


def test_a_person_s_page_is_offered_for_a_variant_of_the_name(open_page, results_site):
    page, visit = search(open_page, results_site, "اسبر")
    person = [r for r in results(page) if "/people/" in r["href"]]
    assert person and person[0]["title"] == "مارك إسبر" and person[0]["meta"] == "صفحة شخص"


def test_a_timeline_event_is_found(open_page, results_site):
    page, visit = search(open_page, results_site, "اجتماع")
    found = results(page)
    assert any("/timeline/" in r["href"] for r in found) and any(
        "/places/" in r["href"] for r in found
    ), found


def test_the_first_result_is_in_view_on_a_phone(open_page, results_site):
    page, visit = search(open_page, results_site, "سوريا", width=390)
    assert page.locator("#search-filters").is_visible() and not page.evaluate(
        "document.getElementById('search-filters').open"
    )
    top = page.evaluate(f'document.querySelector("{RESULTS}").getBoundingClientRect().bottom')
    assert top < 844, top  # a phone's screen height
