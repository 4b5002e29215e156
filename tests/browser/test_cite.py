"""Cite this page: every article and entity page says how to cite it, in Arabic and as BibTeX and
CSL-JSON, with the reader's date of access filled in."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytestmark = pytest.mark.browser


def test_an_article_s_citation_has_title_dossier_date_address_and_access_date(open_page, tiny):
    page, visit = open_page(tiny.url("articles/2019-c/index.html"))
    text = page.locator(".cite-text").inner_text()
    assert "«تقرير شهري عن الحسكة»" in text and "تشرين الأول 2019" in text
    assert "https://example.org/dossier/articles/2019-c/" in text and "اكتب تاريخ" not in text
    csl = json.loads(page.locator(".cite-csl").text_content())
    today = dt.date.today()
    assert csl["title"] == "تقرير شهري عن الحسكة" and csl["issued"] == {"date-parts": [[2019, 10]]}
    assert csl["URL"] == "https://example.org/dossier/articles/2019-c/"
    assert csl["accessed"]["date-parts"][0][0] in (today.year, today.year - 1, today.year + 1)
    bibtex = page.locator(".cite-bibtex").text_content()
    assert (
        bibtex.startswith("@misc{dossier-2019-c,")
        and "urldate = {" in bibtex
        and "date = {2019-10}" in bibtex
    )
    assert visit.console_errors == []


def test_an_entity_page_can_be_cited_too(open_page, tiny):
    page, visit = open_page(tiny.url("people/مارك-إسبر/index.html"))
    assert json.loads(page.locator(".cite-csl").text_content())["title"] == "مارك إسبر"
    assert page.locator(".cite-bibtex").text_content().startswith("@misc{dossier-people-")


def test_without_javascript_the_reader_is_asked_for_the_date(open_page, tiny):
    page, visit = open_page(tiny.url("articles/2019-a/index.html"), javascript=False)
    assert "تاريخ الاطلاع: اكتب تاريخ اطلاعك" in page.locator(".cite-text").inner_text()
    assert "urldate" not in page.locator(".cite-bibtex").text_content()
