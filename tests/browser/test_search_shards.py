"""A search over an index in shards finds what one index finds: every spelling, every filter."""

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


@pytest.mark.parametrize(
    "query,titles,case",
    QUERY_VARIANTS + ARTICLE_VARIANTS,
    ids=[v[2] for v in QUERY_VARIANTS + ARTICLE_VARIANTS],
)
def test_every_spelling_finds_its_articles_across_shards(sharded_page, query, titles, case):
    assert set(search(sharded_page, query)) == titles, case


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
