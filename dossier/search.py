"""The search index: Pagefind indexes the built HTML (Arabic stemming included) into site/pagefind/."""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import ContentError

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"
TIMEOUT_SECONDS = 120  # plus SECONDS_PER_ARTICLE for each article: a hung indexer is stopped
SECONDS_PER_ARTICLE = 0.05


def index_site(site_dir: Path, changed: list[str]) -> list[str]:
    """Rebuild the search index when any HTML page changed; return the index files written."""
    index_dir = site_dir / SEARCH_DIR
    if index_dir.exists() and not any(p.endswith(".html") for p in changed):
        return []
    if index_dir.exists():
        shutil.rmtree(index_dir)  # unlink, never rewrite: these files may be shared with the old site
    if not has_articles(site_dir):
        return []  # nothing to index yet: the search page says search is unavailable
    return run_pagefind(site_dir, index_dir)


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
    run_pagefind(site_dir, fresh)
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site_dir: Path, index_dir: Path) -> list[str]:
    """Index the articles of a built site with Pagefind into index_dir.

    Pagefind is stopped if it outlives a generous timeout (it has been seen to hang when files
    change under it) and when this process exits, so no indexer is ever left running.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path", str(index_dir),
               "--glob", "articles/**/*.html", "--quiet"]
    articles = site_dir / "articles"
    timeout = TIMEOUT_SECONDS + SECONDS_PER_ARTICLE * (sum(1 for _ in os.scandir(articles)) if articles.is_dir() else 0)
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise ContentError(SEARCH_DIR, None, f"the search index could not be built: {error}") from None
    _running.add(process)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ContentError(SEARCH_DIR, None, f"the search index was not built within {timeout:.0f} s; Pagefind was stopped") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        _running.discard(process)
    if process.returncode != 0 or not (index_dir / "pagefind.js").exists():
        detail = " ".join((stderr or stdout).split())[-300:]
        raise ContentError(SEARCH_DIR, None, f"the search index could not be built (is 'pagefind[bin]' installed?): {detail}")
    return sorted(f"{SEARCH_DIR}/{p.relative_to(index_dir).as_posix()}" for p in index_dir.rglob("*") if p.is_file())


def _stop_running_indexers() -> None:
    for process in list(_running):
        process.kill()


_running: set[subprocess.Popen] = set()
atexit.register(_stop_running_indexers)
