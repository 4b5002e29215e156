"""The search index: Pagefind indexes the built HTML (Arabic stemming included) into site/pagefind/."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import ContentError

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"
TIMEOUT_SECONDS = 600


def index_site(site_dir: Path, changed: list[str]) -> list[str]:
    """Rebuild the search index when any HTML page changed; return the index files written."""
    index_dir = site_dir / SEARCH_DIR
    if index_dir.exists() and not any(p.endswith(".html") for p in changed):
        return []
    if index_dir.exists():
        shutil.rmtree(index_dir)  # unlink, never rewrite: these files may be shared with the old site
    return run_pagefind(site_dir, index_dir)


def reindex_in_place(site_dir: Path) -> None:
    """Rebuild the index beside the live one, then put it in place: a reader never finds it missing."""
    fresh, old, live = site_dir / ".pagefind-new", site_dir / ".pagefind-old", site_dir / SEARCH_DIR
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    run_pagefind(site_dir, fresh)
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site_dir: Path, index_dir: Path) -> list[str]:
    """Index the articles of a built site with Pagefind into index_dir."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path", str(index_dir),
               "--glob", "articles/**/*.html", "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ContentError(SEARCH_DIR, None, f"the search index could not be built: {error}") from None
    if result.returncode != 0 or not (index_dir / "pagefind.js").exists():
        detail = " ".join((result.stderr or result.stdout).split())[-300:]
        raise ContentError(SEARCH_DIR, None, f"the search index could not be built (is 'pagefind[bin]' installed?): {detail}")
    return sorted(f"{SEARCH_DIR}/{p.relative_to(index_dir).as_posix()}" for p in index_dir.rglob("*") if p.is_file())
