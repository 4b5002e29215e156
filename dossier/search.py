"""The search index: Pagefind indexes the built HTML (Arabic stemming included) into site/pagefind/."""

from __future__ import annotations

import atexit
import gzip
import json
import logging
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

from .errors import ContentError
from .index_files import ENTRY_FILE, make_reproducible
from .search_source import SOURCE_DIR, write_search_source

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"
TIMEOUT_SECONDS = 120  # plus SECONDS_PER_ARTICLE for each article: a hung indexer is stopped
SECONDS_PER_ARTICLE = 0.05
PAGEFIND = [sys.executable, "-m", "pagefind"]
COMPRESSED_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")


def index_site(site_dir: Path, changed: list[str]) -> list[str]:
    """Rebuild the search index when any HTML page changed; return the index files written."""
    index_dir = site_dir / SEARCH_DIR
    if index_dir.exists() and not any(p.endswith(".html") for p in changed):
        return []
    if index_dir.exists():
        shutil.rmtree(
            index_dir
        )  # unlink, never rewrite: these files may be shared with the old site
    if not has_articles(site_dir):
        return []  # nothing to index yet: the search page says search is unavailable
    return run_pagefind(site_dir, index_dir)


def drop_index(site_dir: Path, changed: list[str]) -> list[str]:
    """Remove the search index an earlier build left (--no-search publishes none); return its files."""
    index_dir = site_dir / SEARCH_DIR
    if not index_dir.is_dir():
        return []
    removed = index_files(index_dir)
    shutil.rmtree(index_dir)
    return removed


def index_files(index_dir: Path) -> list[str]:
    return sorted(
        f"{SEARCH_DIR}/{p.relative_to(index_dir).as_posix()}"
        for p in index_dir.rglob("*")
        if p.is_file()
    )


def has_articles(site_dir: Path) -> bool:
    articles = site_dir / "articles"
    return articles.is_dir() and any(articles.iterdir())


def reindex_in_place(site_dir: Path) -> None:
    """Rebuild the index beside the live one, then put it in place: a reader never finds it missing."""
    fresh, old, live = site_dir / ".pagefind-new", site_dir / ".pagefind-old", site_dir / SEARCH_DIR
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    if not has_articles(site_dir):
        shutil.rmtree(live, ignore_errors=True)
        return
    try:
        run_pagefind(site_dir, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)  # the live index stays as it was
        raise
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site_dir: Path, index_dir: Path) -> list[str]:
    """Index the articles and entity pages of a built site with Pagefind into index_dir.

    Pagefind is stopped if it outlives a generous timeout (it has been seen to hang when files
    change under it) and when this process exits, so no indexer is ever left running.
    """
    source, pages = write_search_source(
        site_dir
    )  # articles with their clitic-free forms, entity pages
    command = [
        *PAGEFIND,
        "--site",
        str(source),
        "--output-path",
        str(index_dir),
        "--glob",
        "**/*.html",
        "--quiet",
    ]
    timeout = TIMEOUT_SECONDS + SECONDS_PER_ARTICLE * pages
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as error:
        shutil.rmtree(source, ignore_errors=True)
        raise ContentError(
            SEARCH_DIR, None, f"the search index could not be built: {error}"
        ) from None
    _running[process] = index_dir
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ContentError(
            SEARCH_DIR,
            None,
            f"the search index was not built within {timeout:.0f} s; Pagefind was stopped",
        ) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        _running.pop(process, None)
        shutil.rmtree(source, ignore_errors=True)
    if process.returncode != 0 or not (index_dir / "pagefind.js").exists():
        detail = " ".join((stderr or stdout).split())[-300:]
        raise ContentError(
            SEARCH_DIR,
            None,
            f"the search index could not be built (is 'pagefind[bin]' installed?): {detail}",
        )
    make_reproducible(index_dir)
    problem = index_problem(index_dir, pages)
    if problem:
        raise ContentError(
            SEARCH_DIR,
            None,
            f"the search index was written incomplete ({problem}); "
            "is the disk full? The published index was kept",
        )
    return index_files(index_dir)


def index_problem(index_dir: Path, pages: int) -> str | None:
    """What is wrong with a freshly written index, or None when it is whole.

    Pagefind exits 0 even when its files could not be written in full (a full disk): each file must
    be non-empty, each compressed file must decompress to its end, and the index must count every page given.
    """
    try:
        entry = json.loads((index_dir / ENTRY_FILE).read_text(encoding="utf-8"))
        counted = sum(language["page_count"] for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return f"{ENTRY_FILE} is unreadable: {error}"
    if counted != pages:
        return f"{counted} of {pages} pages indexed"
    for path in sorted(index_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(index_dir).as_posix()
        try:
            data = path.read_bytes()
            if not data:
                return f"{name} is empty"
            if path.name.endswith(COMPRESSED_SUFFIXES):
                gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            return f"{name} is damaged: {error}"
    return None


def _stop_running_indexers() -> None:
    """Stop any indexer still running and remove what it had written (this process is ending)."""
    for process, index_dir in list(_running.items()):
        process.kill()
        process.wait()
        shutil.rmtree(index_dir, ignore_errors=True)
        shutil.rmtree(index_dir.parent / SOURCE_DIR, ignore_errors=True)


_running: dict[subprocess.Popen, Path] = {}  # each indexer running, with the folder it writes
atexit.register(_stop_running_indexers)
