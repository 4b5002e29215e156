"""What Pagefind reads, never published: each built article with its clitic-free word forms added."""
from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

from .arabic import clitic_free_forms

SOURCE_DIR = ".search-source"  # inside the folder being indexed; hidden, so neither published nor served
BODY_MARK = "data-pagefind-body"
ARTICLE_END = "</article>"
TAG = re.compile(r"<[^>]*>")


def with_search_forms(page_html: str) -> str:
    """The page with its indexed text's clitic-free forms added at the end of that text, for the index only.

    Pagefind's stemmer keeps و/ف before an alef and a bare ل: these forms let «مدرعات» find «والمدرعات».
    A reader's page never holds them (text browsers and scrapers printed them as a list of odd words).
    """
    start = page_html.find(BODY_MARK)
    end = page_html.find(ARTICLE_END, start) if start >= 0 else -1
    if end < 0:
        return page_html
    text = html.unescape(TAG.sub(" ", page_html[page_html.find(">", start) + 1:end]))
    forms = " ".join(clitic_free_forms(text))
    if not forms:
        return page_html
    hidden = f'<p hidden data-pagefind-meta="forms" data-pagefind-weight="0.5">{html.escape(forms)}</p>\n'
    return page_html[:end] + hidden + page_html[end:]


def write_search_source(site_dir: Path) -> Path:
    """Copy each article page of a built site, forms added, into a hidden folder of it; return that folder."""
    source = site_dir / SOURCE_DIR
    shutil.rmtree(source, ignore_errors=True)
    articles = site_dir / "articles"
    for entry in os.scandir(articles) if articles.is_dir() else ():
        page = Path(entry.path) / "index.html"
        if page.is_file():
            target = source / "articles" / entry.name / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(with_search_forms(page.read_text(encoding="utf-8")), encoding="utf-8")
    return source
