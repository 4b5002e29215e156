"""A crawl from the home page, served from a sub-path: every internal link, asset and #fragment
resolves."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from .conftest import SUB_PATH

pytestmark = pytest.mark.browser


class Page(HTMLParser):
    """The links, assets and element ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "link" and attrs.get("rel") == "canonical":
            return  # the one deliberately absolute URL, on the public host
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.links.append(attrs[name])
        if tag == "script" and attrs.get("data-pagefind"):
            self.links.append(attrs["data-pagefind"])


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def crawl(start: str) -> tuple[dict[str, int], list[str], int]:
    """Follow every same-host link from start; return the status of each URL, broken #fragments,
    pages read."""
    root = urljoin(start, SUB_PATH)
    statuses: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []  # (page, target, fragment)
    queue, pages = deque([start]), 0
    while queue:
        url = queue.popleft()
        if url in statuses:
            continue
        status, content_type, body = fetch(url)
        statuses[url] = status
        if status != 200 or content_type != "text/html":
            continue
        pages += 1
        page = Page()
        page.feed(body.decode("utf-8"))
        ids[url] = page.ids
        for link in page.links:
            target, fragment = urldefrag(urljoin(url, link))
            if (
                urlsplit(target).scheme not in ("http", "https")
                or urlsplit(target).netloc != urlsplit(root).netloc
            ):
                # other hosts are never fetched by the site: test_pages checks the browser's
                # requests
                continue
            if fragment:
                fragments.append((url, target, fragment))
            queue.append(target)
    broken_fragments = [
        f"{page} -> {target}#{fragment}"
        for page, target, fragment in fragments
        if target in ids and fragment not in ids[target]
    ]
    return statuses, broken_fragments, pages


@pytest.mark.parametrize("site", ["dossier", "tiny"])
def test_crawl_from_home_finds_no_broken_link(request, site):
    served = request.getfixturevalue(site)
    statuses, broken_fragments, pages = crawl(served.url())
    assert {url: status for url, status in statuses.items() if status != 200} == {}
    assert broken_fragments == []
    assert all(urlsplit(url).path.startswith(SUB_PATH) for url in statuses), (
        "no link escapes the sub-path"
    )
    html_outputs = [
        p
        for p in served.site_dir.rglob("*.html")
        if "pagefind" not in p.parts and p.name != "404.html"
    ]
    assert pages >= len(html_outputs), "every page but 404 is reachable from home"


def test_404_page_served_for_a_missing_address_at_any_depth(open_page, dossier):
    """Static hosts answer a miss with 404.html at the address asked for, so its links must not be
    relative to it."""
    page, visit = open_page(dossier.url("articles/no-such-article/"))
    assert page.locator("h1").inner_text() == "الصفحة غير موجودة"
    stylesheet_loaded = page.evaluate("getComputedStyle(document.body).maxWidth !== 'none'")
    home = page.locator("main a").first.evaluate("a => a.href")
    assert stylesheet_loaded and home == dossier.url("index.html")
