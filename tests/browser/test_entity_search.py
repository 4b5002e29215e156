"""Search across an entity's spellings and scripts, in Chromium: a variant or Latin name finds the
articles tagged with the entity; a name that only shares a stem with another finds nothing of it."""

from __future__ import annotations

import pytest
from conftest import make_site, page

from .conftest import build_site, new_page, serve
from .test_search import search

pytestmark = pytest.mark.browser

GAZETTEER = """\
places:
  - name: عين العرب
    latin: Kobani
    variants: [كوباني]
  - name: القامشلي
    latin: Qamishli
people:
  - name: دونالد ترامب
    latin: Donald Trump
    variants: [ترامب, ترمب]
  - name: رجب طيب أردوغان
    variants: [أردوغان]
"""
TRUMP, KOBANI, QAMISHLI = "إعلان سحب القوات", "معارك عند الحدود", "سوق جديد في الشمال"
CAIRO, JORDAN, ERDOGAN = "وفد في العاصمة المصرية", "زيارة إلى الأردن", "خطاب عن الحدود"
PAGES = {
    "content/_data/entities.yaml": GAZETTEER,
    "content/a.md": page(
        TRUMP, "2020-01-01", people=["دونالد ترامب"], body="قال ترامب إن القوات ستعود."
    ),
    "content/b.md": page(
        KOBANI, "2020-01-02", places=["عين العرب"], body="اشتدت المعارك في عين العرب."
    ),
    "content/c.md": page(
        QAMISHLI, "2020-01-03", places=["القامشلي"], body="افتتح سوق جديد في القامشلي."
    ),
    "content/d.md": page(CAIRO, "2020-01-04", places=["القاهرة"], body="وصل وفد إلى القاهرة أمس."),
    "content/e.md": page(JORDAN, "2020-01-05", places=["الأردن"], body="زار الوزير الأردن أمس."),
    "content/f.md": page(
        ERDOGAN, "2020-01-06", people=["رجب طيب أردوغان"], body="تحدث أردوغان عن الحدود."
    ),
}


@pytest.fixture(scope="module")
def search_page(browser, tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("entity-search"), PAGES)
    with serve(build_site(root / "content", root / "site")) as served:
        context, tab, visit = new_page(browser, served.url("search/index.html"))
        yield tab
        context.close()
        assert visit.console_errors == []


@pytest.mark.parametrize(
    "query, title",
    [
        ("ترمب", TRUMP),  # a variant the article does not use
        ("Donald Trump", TRUMP),
        ("كوباني", KOBANI),
        ("Kobani", KOBANI),
        ("Qamishli", QAMISHLI),
        ("qamishli", QAMISHLI),
        ("Cairo", CAIRO),  # the reference gazetteer's Latin name
        ("بكوباني", KOBANI),  # with a clitic
    ],
)
def test_a_spelling_or_latin_name_finds_the_entity_articles(search_page, query, title):
    assert search(search_page, query)[:1] == [title]


def test_a_name_sharing_a_stem_with_another_does_not_find_it(search_page):
    assert search(search_page, "أردوغان") == [ERDOGAN]
    # Pagefind's stemmed prefix match still brings «أردوغان» for «الأردن», after the entity's own
    # articles.
    assert search(search_page, "الأردن")[:1] == [JORDAN]
