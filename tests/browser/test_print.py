"""Printing: an article printed to PDF in Chromium keeps its link addresses, its own address, the
date of printing and its provenance in words (read back with pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import TINY_SITE, make_site, page

from .conftest import build_site, require, screenshot_widths, serve

pytestmark = pytest.mark.browser

LINKED = page(
    "رتل يعبر الجسر",
    "2019-11-13",
    status="reviewed",
    places=["القامشلي"],
    provenance={"seed": "000_demo.txt", "sha256": "49c2b216aae87b16" + "0" * 48, "lines": [3, 20]},
    body="عبر الرتل الجسر صباحًا، كما ذكرت [وكالة الأنباء](https://news.example.net/item/42).",
)


@pytest.fixture(scope="module")
def print_site(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("print"), {**TINY_SITE, "content/2019-e.md": LINKED})
    with serve(build_site(root / "content", root / "site")) as served:
        yield served


def pdf_text(browser, url: str, pdf: Path) -> str:
    """Print a page to an A4 PDF in Chromium; return its text with spaces and direction marks taken
    out (pdftotext breaks Arabic words at each joining form)."""
    require(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed: apt-get install poppler-utils",
    )
    context = browser.new_context(locale="ar")
    try:
        browser_page = context.new_page()
        browser_page.goto(url)
        browser_page.pdf(path=str(pdf), format="A4")
    finally:
        context.close()
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return re.sub(
        r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", text)
    )


def test_printed_article_keeps_link_addresses_its_address_and_date_of_printing(
    browser, print_site, tmp_path
):
    text = pdf_text(browser, print_site.url("articles/2019-e/index.html"), tmp_path / "article.pdf")
    assert "https://news.example.net/item/42" in text
    assert "https://example.org/dossier/articles/2019-e/" in text
    assert "تاريخالطباعة" in text and re.search(r"\d{4}", text)


def test_printed_article_says_in_words_where_its_text_came_from(browser, print_site, tmp_path):
    text = pdf_text(browser, print_site.url("articles/2019-e/index.html"), tmp_path / "article.pdf")
    assert "أصلالنص" in text and "000_demo.txt" in text and "3–20" in text
    assert "راجعهالقيمعلىالملف" in text.replace("ّ", "")
    assert "المصدرالأصلي" not in text


def test_print_leaves_out_navigation_and_search(browser, print_site, tmp_path):
    text = pdf_text(browser, print_site.url("articles/2019-e/index.html"), tmp_path / "article.pdf")
    assert "انتقلإلىالمحتوى" not in text and "ابحث" not in text and "موجزAtom" not in text


def test_the_print_edition_is_the_whole_dossier_in_date_order_on_a4_pages(
    browser, print_site, tmp_path
):
    pdf = tmp_path / "edition.pdf"
    text = pdf_text(browser, print_site.url("print/index.html"), pdf)
    assert (
        "النسخةالمطبوعة" in text and "المحتويات" in text and "https://example.org/dossier/" in text
    )
    titles = [
        "تقريرشهريعنالحسكة",
        "وصولرتلإلىالقامشلي",
        "رتليعبرالجسر",
        "إسبريتحدثعنسوريا",
        "مقالبلاتاريخ",
    ]
    body = text[text.index("المحتويات") + 1 :]
    body = body[body.index(titles[-1]) + 1 :]  # past the table of contents
    assert [body.index(t) for t in titles] == sorted(
        body.index(t) for t in titles
    )  # oldest first, undated last
    assert "أصلالنص" in body and "https://news.example.net/item/42" in body
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2 + len(titles), (
        info
    )  # a title page, the contents, then each article on a page of its own


def test_screenshots_of_the_print_edition(browser, print_site):
    screenshot_widths(browser, print_site.url("print/index.html"), "print")
