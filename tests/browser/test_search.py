"""Search in a real browser: every spelling of a query finds its article; filters, keyboard, no-JS
and file:// notices."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest

from .conftest import CLITICS_ARTICLE, new_page

pytestmark = pytest.mark.browser

A = "وصول رتل إلى القامشلي"  # places القامشلي, سوريا; person مارك إسبر; source سانا
B = "إسبر يتحدث عن سوريا"  # place سوريا; person اسبر (مارك إسبر); sources سانا, RT
C = "تقرير شهري عن الحسكة"  # places الحسكة, سوريا; source RT
UNDATED = "مقال بلا تاريخ"  # place القامشلي
# «فالقافلة والمدرعات الطريق لدمشق وللمرة الأولى، ثم توقفت قوة عند وادي الفرات وإدلب»
D = "رحلة عبر الشمال"

# (query, titles it must find, what it tests): the query's spelling differs from the article's.
QUERY_VARIANTS = [
    ("إسبر", {A, B}, "plain"),
    ("إِسْبَر", {A, B}, "diacritics"),
    ("القَامِشْلِيّ", {A, UNDATED}, "diacritics with shadda"),
    ("إسبـــر", {A, B}, "tatweel"),
    ("اسبر", {A, B}, "bare alef for hamza below"),
    ("أسبر", {A, B}, "hamza above for hamza below"),
    ("آسبر", {A, B}, "madda for hamza below"),
    ("القامشلى", {A, UNDATED}, "alef maksura for ya"),
    ("الحسكه", {C}, "ha for ta marbuta"),
    ("قوه", {D}, "ha for ta marbuta in a short word"),
    ("بالقامشلي", {A, UNDATED}, "preposition and article"),
    ("والقامشلي", {A, UNDATED}, "conjunction and article"),
    ("قامشلي", {A, UNDATED}, "without the article"),
    ("لسوريا", {A, B, C}, "preposition li-"),
    ("وإسبر", {A, B}, "conjunction before hamza"),
    ("وادي", {D}, "a word that only looks like a clitic"),
    ("RT", {B, C}, "Latin"),
    ("rt", {B, C}, "Latin, lower case"),
    ("مارك إسبر", {A, B}, "a person's full name"),
    ("سانا", {A, B}, "a source"),
]
# The article's words carry the clitics; the query is bare. Pagefind's stemmer alone keeps و/ف
# before an alef and a bare ل, so these need the clitic-free forms the build adds to each article
# for the index.
ARTICLE_VARIANTS = [
    ("مدرعات", {D}, "conjunction and article in the text"),
    ("المدرعات", {D}, "conjunction in the text"),
    ("دمشق", {D}, "preposition li- in the text"),
    ("مرة", {D}, "conjunction and lil- in the text"),
    ("ادلب", {D}, "conjunction before hamza in the text"),
    ("القافلة", {D}, "fa- and article in the text"),
    ("طريق", {D}, "article in the text"),
]


CLEAR = """() => {
  document.querySelectorAll('#search-filters select').forEach(select => { select.value = ''; });
  document.getElementById('search-results').removeAttribute('aria-busy');
}"""


def search(page, query: str) -> list[str]:
    """Search from the search page's own form, no filter; return the titles found, best first."""
    page.evaluate(CLEAR)
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    return results(page)


def results(page) -> list[str]:
    """The titles of the articles found (entity and timeline pages are found too:
    test_search_results.py)."""
    page.wait_for_selector("#search-results[aria-busy='false']", state="attached")
    return page.locator("#search-results li h2 a[href*='/articles/']").all_inner_texts()


@pytest.fixture(scope="module")
def search_page(browser, search_site):
    """One search page for the module's searches: each test searches from its form."""
    context, page, visit = new_page(browser, search_site.url("search/index.html"))
    yield page
    context.close()
    assert visit.console_errors == []


@pytest.fixture(scope="module")
def dossier_search_page(browser, dossier):
    context, page, visit = new_page(browser, dossier.url("search/index.html"))
    yield page
    context.close()


@pytest.mark.parametrize(
    "query, expected, case", QUERY_VARIANTS, ids=[v[2] for v in QUERY_VARIANTS]
)
def test_query_spelling_variant_finds_the_article(search_page, query, expected, case):
    assert set(search(search_page, query)) == expected, f"{case}: «{query}»"


@pytest.mark.parametrize(
    "query, expected, case", ARTICLE_VARIANTS, ids=[v[2] for v in ARTICLE_VARIANTS]
)
def test_bare_query_finds_the_article_s_word_with_clitics(
    search_page, search_built, query, expected, case
):
    found = set(search(search_page, query))
    assert found == expected, f"{case}: «{query}»"
    marks = search_page.locator("#search-results mark").all_inner_texts()
    body = CLITICS_ARTICLE.split("---")[-1]
    assert marks and all(mark in body.split() or mark + "." in body.split() for mark in marks), (
        marks
    )
    assert "اولي" not in search_page.locator("#search-results p").inner_text(), (
        "no hidden index words in excerpts"
    )


@pytest.mark.parametrize("query", ["زخرفوقيل", "qwxzyv", "والزخرفوقيل"])
def test_nonsense_finds_nothing(search_page, query):
    assert search(search_page, query) == []
    assert search_page.locator("#search-status").inner_text() == "لا نتائج لهذا البحث."


def test_query_in_the_address_is_searched_on_load(open_page, search_site):
    page, visit = open_page(search_site.url("search/index.html") + "?q=" + quote("إسبـــر"))
    assert set(results(page)) == {A, B}
    assert page.locator("#search-query").input_value() == "إسبـــر"
    assert (
        page.locator("#search-status").inner_text() == "3 نتائج."
    )  # the two articles and the person's page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("إسبـــر", "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا"),
        ("RT", "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي"),
        ("ريف", "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي"),
        ("سيول", "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا"),
    ],
)
def test_bundled_dossier_is_searchable(dossier_search_page, query, expected):
    assert expected in search(dossier_search_page, query)


def test_results_link_to_their_articles_with_excerpts(open_page, search_site):
    page, visit = open_page(search_site.url("search/index.html") + "?q=" + quote("الحسكة"))
    assert results(page) == [C]
    item = (
        page.locator("#search-results li").filter(has=page.locator("a[href*='/articles/']")).first
    )
    assert item.locator("p mark").count() >= 1, "the excerpt highlights the match"
    item.locator("a").click()
    page.wait_for_url(search_site.url("articles/2019-c/"))
    assert page.locator("h1").inner_text() == C


@pytest.mark.parametrize(
    "kind, value, query, expected",
    [
        ("places", "الحسكة", "", {C}),
        ("places", "القامشلي", "", {A, UNDATED}),
        ("people", "مارك إسبر", "", {A, B}),
        ("sources", "RT", "سوريا", {B, C}),
        ("sources", "سانا", "سوريا", {A, B}),
    ],
)
def test_filters_narrow_the_results(search_page, kind, value, query, expected):
    search(search_page, query) if query else search_page.fill("#search-query", "")
    search_page.evaluate(CLEAR)
    search_page.locator(f"#filter-{kind}").select_option(value=value)
    assert set(results(search_page)) == expected
    assert f"{kind}={quote_plus(value)}" in search_page.url, "the filter is kept in the address"


def test_filters_come_from_the_address(open_page, search_site):
    page, visit = open_page(
        search_site.url("search/index.html") + "?q=" + quote("سوريا") + "&sources=RT"
    )
    assert set(results(page)) == {B, C}
    assert page.locator("#filter-sources").input_value() == "RT"


def test_search_box_on_every_page_works_from_the_keyboard(open_page, search_site):
    page, visit = open_page(search_site.url("articles/2019-a/"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("#site-search").focus()
    page.keyboard.type("الحسكة")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/index.html?q=*")
    assert results(page) == [C]
    page.locator("#search-query").focus()
    for _ in range(10):  # past the button and the filters, to the first result
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    assert page.evaluate("document.activeElement.textContent") == C
    page.keyboard.press("Enter")
    page.wait_for_url(search_site.url("articles/2019-c/"))


def test_more_results_load_on_demand(open_page, tmp_path_factory):
    from conftest import TINY_SITE, make_site
    from conftest import page as article

    from .conftest import build_site, serve

    many = {
        f"content/n{i:02d}.md": article(
            f"خبر رقم {i}", f"2019-11-{i + 1:02d}", body="خبر عن الحسكة."
        )
        for i in range(13)
    }
    root = make_site(tmp_path_factory.mktemp("many"), {**TINY_SITE, **many})
    with serve(build_site(root / "content", root / "site")) as served:
        page, visit = open_page(served.url("search/index.html") + "?q=" + quote("خبر"))
        assert len(results(page)) == 10
        assert page.locator("#search-status").inner_text() == "13 نتيجة."
        page.locator("#search-more").click()
        page.wait_for_function("document.querySelectorAll('#search-results li').length === 13")
        assert page.locator("#search-more").is_hidden()
        assert page.evaluate(
            "document.activeElement === document.querySelectorAll('#search-results a')[10]"
        )


def test_without_javascript_search_says_so_and_offers_other_ways(open_page, search_site):
    page, visit = open_page(search_site.url("search/index.html") + "?q=x", javascript=False)
    notice = page.locator("main .notice").filter(has_text="JavaScript")
    assert notice.is_visible()
    hrefs = [a.evaluate("a => a.href") for a in notice.locator("a").element_handles()]
    assert hrefs == [search_site.url("entities/index.html"), search_site.url("timeline/index.html")]


def test_from_disk_search_explains_it_needs_a_server(open_page, search_site):
    url = (search_site.site_dir / "search" / "index.html").as_uri() + "?q=" + quote("إسبر")
    page, visit = open_page(url)
    notice = page.locator("#search-file-notice")
    notice.wait_for(state="visible")
    assert "خادم" in notice.inner_text()
    assert page.locator("#search-results li").count() == 0
    # Chromium never loads web fonts from file:// (CORS); the page falls back to system fonts.
    # Nothing else may fail.
    assert [e for e in visit.console_errors if ".woff2" not in e] == []


WORDS = [
    "والقامشلي",
    "بالحسكة",
    "للجيش",
    "وللمرة",
    "فالقافلة",
    "لدمشق",
    "وإسبر",
    "إسبـــر",
    "القَامِشْلِيّ",
    "وادي",
    "ولد",
    "كالعادة",
    "RT",
    "Qamishli",
    "الله",
    "و",
    "ال",
    "لل",
    "٦٠٠",
    "ﻻ",
    "سوريا",
    "آسيا",
    "مستشفى",
]


def test_query_rules_match_the_python_rules(open_page, search_site):
    from dossier import arabic

    page, visit = open_page(search_site.url("search/index.html"))
    for text in WORDS + [" ".join(WORDS)]:
        js = page.evaluate("t => [DossierArabic.normalize(t), DossierArabic.words(t)]", text)
        assert js == [arabic.normalize(text), arabic.words(text)], text
        for word in arabic.words(text):
            assert page.evaluate("w => DossierArabic.wordForms(w)", word) == sorted(
                arabic.word_forms(word)
            ), word
