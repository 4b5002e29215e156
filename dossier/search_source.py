"""What Pagefind reads, never published: each built article with its clitic-free word forms
added, and the first page of each entity (its names and its events)."""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

from .arabic import clitic_free_forms
from .gazetteer import KINDS

SOURCE_DIR = (
    ".search-source"  # inside the folder being indexed; hidden, so neither published nor served
)
BODY_MARK = "data-pagefind-body"
ARTICLE_END = "</article>"
HIDDEN_FORMS = 'hidden data-pagefind-meta="forms" data-pagefind-weight="0.5"'
TAG = re.compile(r"<[^>]*>")


def with_search_forms(page_html: str) -> str:
    """The page with its indexed text's clitic-free forms added at the end of that text, for the
    index only.

    Pagefind's stemmer keeps و/ف before an alef and a bare ل: these forms let «مدرعات» find
    «والمدرعات». A reader's page never holds them (text browsers and scrapers printed them as a
    list of odd words).
    """
    start = page_html.find(BODY_MARK)
    end = page_html.find(ARTICLE_END, start) if start >= 0 else -1
    if end < 0:
        return page_html
    text = html.unescape(TAG.sub(" ", page_html[page_html.find(">", start) + 1 : end]))
    forms = " ".join(clitic_free_forms(text))
    if not forms:
        return page_html
    hidden = f"<p {HIDDEN_FORMS}>{html.escape(forms)}</p>\n"
    return page_html[:end] + hidden + page_html[end:]


def write_search_source(site_dir: Path, pages: list[Path]) -> Path:
    """Copy the pages to index (articles with their forms added, the others as they are) into a
    hidden folder of the built site; return that folder."""
    source = site_dir / SOURCE_DIR
    shutil.rmtree(source, ignore_errors=True)
    for page in pages:
        relative = page.relative_to(site_dir)
        text = page.read_text(encoding="utf-8")
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        (source / relative).write_text(
            with_search_forms(text) if relative.parts[0] == "articles" else text, encoding="utf-8"
        )
    return source


def indexed_record(page_html: str, article: bool) -> str:
    """The part of a page its index entry is made from: an article's indexed element (not the
    links to its neighbours around it, which change when they are edited), any other page whole."""
    start = page_html.find(BODY_MARK) if article else -1
    end = page_html.find(ARTICLE_END, start) if start >= 0 else -1
    return page_html[start:end] if end >= 0 else page_html


def indexed_pages(site_dir: Path) -> list[str]:
    """The pages search finds, as output paths: each article, each entity's first page (its names
    and events) and the timeline."""
    timeline = sorted(site_dir.glob("timeline/*/**/index.html"))
    found = ["timeline/index.html", *(p.relative_to(site_dir).as_posix() for p in timeline)]
    for folder in ("articles", *KINDS):
        root = os.path.join(site_dir, folder)
        if os.path.isdir(root):
            found += [f"{folder}/{entry.name}/index.html" for entry in os.scandir(root)]
    return [path for path in found if os.path.isfile(os.path.join(site_dir, path))]
