"""A search over an index in shards, or with a delta of edited pages, finds what one index finds:
every spelling, every filter, each page once."""

from __future__ import annotations

import json

import pytest
from conftest import TINY_SITE, make_site

from .conftest import CLITICS_ARTICLE, new_page, serve
from .test_search import ARTICLE_VARIANTS, QUERY_VARIANTS, results, search

pytestmark = pytest.mark.browser
BASE_URL = "https://example.org/dossier/"  # served from a sub-path, as every fixture site


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The search tests' dossier, its index cut into shards of at most two pages."""
    from dossier import shards
    from dossier.builder import Builder, BuildOptions

    root = make_site(
        tmp_path_factory.mktemp("sharded"), {**TINY_SITE, "content/2019-d.md": CLITICS_ARTICLE}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SHARD_PAGES", 2)
        options = BuildOptions(root / "content", root / "site", base_url=BASE_URL)
        result = Builder.for_cli(options, keep_cache=False).build()
    assert not result.errors, result.errors
    manifest = json.loads((root / "site/pagefind/shards.json").read_text(encoding="utf-8"))
    assert len(manifest["merge"]) >= 3, manifest  # several shards, each merged by the search page
    with serve(root / "site") as served:
        yield served


@pytest.fixture(scope="module")
def sharded_page(browser, sharded_site):
    context, page, _ = new_page(browser, sharded_site.url("search/index.html"))
    yield page
    context.close()


@pytest.mark.parametrize("index", ["sharded_page", "delta_page"])
@pytest.mark.parametrize(
    "query,titles,case",
    QUERY_VARIANTS + ARTICLE_VARIANTS,
    ids=[v[2] for v in QUERY_VARIANTS + ARTICLE_VARIANTS],
)
def test_every_spelling_finds_its_articles_in_shards_and_delta(request, index, query, titles, case):
    assert set(search(request.getfixturevalue(index), query)) == titles, case


def test_filters_count_the_pages_of_every_shard(sharded_page):
    sharded_page.wait_for_selector("#filter-places", state="attached")
    options = sharded_page.locator("#filter-places option").all_inner_texts()
    assert "القامشلي (2)" in options and "سوريا (3)" in options, options
    sharded_page.fill("#search-query", "")
    sharded_page.select_option("#filter-places", "سوريا")
    assert len(results(sharded_page)) == 3


def test_a_query_downloads_one_script_and_one_webassembly(browser, sharded_site):
    context, page, visit = new_page(browser, sharded_site.url("search/index.html") + "?q=سوريا")
    try:
        page.wait_for_selector("#search-results[aria-busy='false'] li", state="attached")
        page.wait_for_load_state("networkidle")
        fetched = [r.url.split("/pagefind/")[1] for r in visit.responses if "/pagefind/" in r.url]
    finally:
        context.close()
    assert sorted(name for name in fetched if name.endswith(".js")) == [
        "pagefind-worker.js",
        "pagefind.js",
    ], fetched
    assert [name for name in fetched if name.startswith("wasm.")] == ["wasm.ar.pagefind"], fetched
    assert any(name.startswith("1/") for name in fetched), fetched  # a merged shard was searched


A_TITLE = "وصول رتل إلى القامشلي"


@pytest.fixture(scope="module")
def delta_site(tmp_path_factory):
    """The search tests' dossier after two articles were edited: their new text is in the delta."""
    from dossier import shards
    from dossier.builder import Builder, BuildOptions

    root = make_site(
        tmp_path_factory.mktemp("delta"), {**TINY_SITE, "content/2019-d.md": CLITICS_ARTICLE}
    )
    options = BuildOptions(root / "content", root / "site", base_url=BASE_URL)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SAMPLE_PAGES", 1)
        assert not Builder.for_cli(options).build().errors
        edited = root / "content/2019-a.md"
        text = edited.read_text(encoding="utf-8").replace(
            "دخل رتل إلى القامشلي اليوم.",
            "دخل رتل إلى القامشلي مساء الأحد. ووصلت تعزيزات إلى الرقة.",
        )
        edited.write_text(text, encoding="utf-8")
        clitics = root / "content/2019-d.md"
        clitics.write_text(clitics.read_text(encoding="utf-8") + "\nوتابعت سيرها.\n", "utf-8")
        assert not Builder.for_cli(options).build().errors
    manifest = json.loads((root / "site/pagefind/shards.json").read_text(encoding="utf-8"))
    assert manifest["merge"] == ["delta/"] and len(manifest["hidden"]) == 2, manifest
    with serve(root / "site") as served:
        yield served


@pytest.fixture(scope="module")
def delta_page(browser, delta_site):
    context, page, visit = new_page(browser, delta_site.url("search/index.html"))
    yield page
    context.close()
    assert visit.console_errors == []


def test_an_edited_article_is_found_by_its_new_words_once_and_not_by_its_old(delta_page):
    assert search(delta_page, "الرقة") == [A_TITLE]
    assert search(delta_page, "القامشلي").count(A_TITLE) == 1
    assert A_TITLE not in search(delta_page, "اليوم")


def test_filters_count_an_edited_article_once(delta_page):
    delta_page.wait_for_selector("#filter-places", state="attached")
    options = delta_page.locator("#filter-places option").all_inner_texts()
    assert "القامشلي (2)" in options and "سوريا (3)" in options, options
