"""The search index: Pagefind indexes the built pages (Arabic stemming included), shard by shard,
into site/pagefind/."""

from __future__ import annotations

import atexit
import gzip
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from .errors import ContentError
from .index_files import ENTRY_FILE, make_reproducible
from .search_source import SOURCE_DIR, indexed_pages, write_search_source
from .shards import (
    DELTA,
    MANIFEST,
    RECORDS,
    Delta,
    in_shard_zero,
    is_shard_folder,
    page_digest,
    plan_delta,
    plan_shards,
    read_records,
    records_key,
    shard_count,
    shard_folder,
    shard_of,
    write_manifest,
    write_records,
)

log = logging.getLogger(__name__)

SEARCH_DIR = "pagefind"
TIMEOUT_SECONDS = 120  # plus SECONDS_PER_ARTICLE for each article: a hung indexer is stopped
SECONDS_PER_ARTICLE = 0.05
PAGEFIND = [sys.executable, "-m", "pagefind"]
INDEX_OPTIONS = ["--glob", "**/*.html", "--quiet"]
UNUSED = re.compile(r"^pagefind-(component-|modular-)?ui\.(js|css)$|^pagefind-highlight\.js$")
MERGED_UNUSED = re.compile(r"^pagefind(-worker)?\.js$|^wasm\..*\.pagefind$")
COMPRESSED_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")


def index_site(site_dir: Path, changed: list[str]) -> list[str]:
    """Index again the shards whose pages changed; return the index files written or removed."""
    index_dir = site_dir / SEARCH_DIR
    if index_dir.exists() and not any(p.endswith(".html") for p in changed):
        return []
    if not has_articles(site_dir):
        return drop_index(site_dir, changed)  # the search page says search is unavailable
    return update_index(site_dir, index_dir)


def drop_index(site_dir: Path, changed: list[str]) -> list[str]:
    """Remove the index an earlier build left (--no-search publishes none); return its files."""
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


def shard_files(folder: Path, index_dir: Path) -> list[str]:
    """A shard's files as output paths (shard 0's: those outside the other shards' folders)."""
    return sorted(
        f"{SEARCH_DIR}/{p.relative_to(index_dir).as_posix()}" for p in _shard_files(folder)
    )


def has_articles(site_dir: Path) -> bool:
    articles = site_dir / "articles"
    return articles.is_dir() and any(articles.iterdir())


def update_index(site_dir: Path, index_dir: Path) -> list[str]:
    """Make index_dir the index of site_dir's pages: a few changed pages go to the delta, more
    index their shards again; unchanged shards are kept as they are.

    index_dir may hold the last build's index (hard links shared with the live site): a shard
    indexed again is unlinked first, never written into.
    """
    paths = indexed_pages(site_dir)
    members = plan_shards(paths)
    count = shard_count(len(paths))
    key = records_key(pagefind_version(), count)
    digests = {path: page_digest(site_dir, path) for path in paths}
    records = read_records(index_dir, key) if index_dir.is_dir() else {}
    written = _remove_other_shards(index_dir, set(members))
    whole = all((shard_folder(index_dir, shard) / ENTRY_FILE).is_file() for shard in members)
    delta = plan_delta(digests, records, members) if whole else None
    if delta is not None:
        written += index_delta(site_dir, index_dir, delta, (count, records))
        delta = delta if delta.uncount is not None else None  # a fragment shared: no delta
    if delta is None:
        written += _clear_delta(index_dir)
        written += index_shards(site_dir, index_dir, members, digests, (key, records))
    if written or not (index_dir / MANIFEST).is_file():
        write_manifest(index_dir, list(members), delta)
        written.append(f"{SEARCH_DIR}/{MANIFEST}")
    return sorted(set(written))


def index_shards(
    site_dir: Path,
    index_dir: Path,
    members: dict[int, list[str]],
    digests: dict[str, str],
    recorded: tuple[str, dict[str, list[str]]],
) -> list[str]:
    """Index again each shard whose pages are not those its records hold; update the records."""
    key, records = recorded
    count, written, kept = shard_count(len(digests)), [], {}
    for shard, paths in members.items():
        held = {path: r for path, r in records.items() if shard_of(path, count) == shard}
        folder = shard_folder(index_dir, shard)
        if {p: r[0] for p, r in held.items()} == {p: digests[p] for p in paths} and (
            folder / ENTRY_FILE
        ).is_file():
            kept.update(held)
            continue
        written += _clear_shard(index_dir, shard)
        written += run_pagefind(site_dir, [site_dir / path for path in paths], folder, index_dir)
        fragments = fragment_ids(folder)
        kept.update({path: [digests[path], fragments[path]] for path in paths})
    if kept != records or not (index_dir / RECORDS).is_file():
        write_records(index_dir, key, kept)
        written.append(f"{SEARCH_DIR}/{RECORDS}")
    return written


def index_delta(
    site_dir: Path, index_dir: Path, delta: Delta, recorded: tuple[int, dict]
) -> list[str]:
    """Index the delta's pages into pagefind/delta/; set what the search page drops and uncounts.

    A page whose fragment is the same in the delta (the sample; a page whose change Pagefind does
    not index) keeps it, and the search page shows it once; the others' shard copies are dropped.
    A fragment to drop must be no other page's, and each replaced page's fragment must be readable
    in its shard: else delta.uncount stays None, and the shards are indexed again instead.
    """
    shards, records = recorded
    folder = index_dir / DELTA
    written = _clear_delta(index_dir)
    written += run_pagefind(site_dir, [site_dir / p for p in delta.pages], folder, index_dir)
    fresh = fragment_ids(folder)
    delta.hidden = sorted(f for path, f in delta.replaced.items() if fresh.get(path) != f)
    uses = Counter([record[1] for record in records.values()] + list(fresh.values()))
    if all(uses[fragment] == 1 for fragment in delta.hidden):
        try:
            delta.uncount = filter_counts(index_dir, delta.replaced, shards)
        except (OSError, ValueError, KeyError, EOFError, zlib.error):
            pass  # a shard's fragment is missing or damaged: its shard is indexed again
    return written


def fragment_ids(folder: Path) -> dict[str, str]:
    """Each page's fragment in an index folder (the id its search results carry), by output path."""
    found = {}
    for path in (folder / "fragment").glob("*.pf_fragment"):
        url = _fragment(path)["url"]
        found[unquote(url.lstrip("/")) + ("index.html" if url.endswith("/") else "")] = path.stem
    return found


def filter_counts(index_dir: Path, replaced: dict[str, str], shards: int) -> dict:
    """How many times each filter value is counted by the shards' copies of these pages."""
    counts: dict[str, dict[str, int]] = {}
    for path, fragment in sorted(replaced.items()):
        folder = shard_folder(index_dir, shard_of(path, shards))
        for kind, values in _fragment(folder / "fragment" / f"{fragment}.pf_fragment")[
            "filters"
        ].items():
            for value in values:
                counts.setdefault(kind, {})[value] = counts.get(kind, {}).get(value, 0) + 1
    return counts


def _fragment(path: Path) -> dict:
    data = gzip.decompress(path.read_bytes())
    return json.loads(data[data.index(b"{") :])


def _clear_delta(index_dir: Path) -> list[str]:
    folder = index_dir / DELTA
    if not folder.is_dir():
        return []
    removed = shard_files(folder, index_dir)
    shutil.rmtree(folder)
    return removed


def _remove_other_shards(index_dir: Path, shards: set[int]) -> list[str]:
    """Remove the folders of shards no longer made (the number of shards changed)."""
    removed = []
    for entry in sorted(index_dir.iterdir()) if index_dir.is_dir() else ():
        if is_shard_folder(entry.name) and int(entry.name) not in shards:
            removed += shard_files(entry, index_dir)
            shutil.rmtree(entry)
    return removed


def _clear_shard(index_dir: Path, shard: int) -> list[str]:
    """Unlink a shard's files (shard 0's: those in pagefind/ outside the other shards' folders)."""
    folder = shard_folder(index_dir, shard)
    if not folder.is_dir():
        return []
    removed = shard_files(folder, index_dir)
    for entry in list(folder.iterdir()):
        if not in_shard_zero(entry.name):
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return removed


def _shard_files(folder: Path) -> list[Path]:
    """A shard's files: those under its folder, the other shards' folders left out."""
    found = []
    for entry in folder.iterdir():
        if not in_shard_zero(entry.name):
            continue
        found += [p for p in entry.rglob("*") if p.is_file()] if entry.is_dir() else [entry]
    return found


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def reindex_in_place(site_dir: Path) -> None:
    """Update the index beside the live one, then put it in place: a reader never finds it missing.

    The next index starts as hard links to the live one, so unchanged shards are carried over."""
    fresh, old, live = site_dir / ".pagefind-new", site_dir / ".pagefind-old", site_dir / SEARCH_DIR
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    if not has_articles(site_dir):
        shutil.rmtree(live, ignore_errors=True)
        return
    try:
        if live.is_dir():
            shutil.copytree(live, fresh, copy_function=os.link)
        update_index(site_dir, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)  # the live index stays as it was
        raise
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def run_pagefind(site_dir: Path, pages: list[Path], folder: Path, index_dir: Path) -> list[str]:
    """Index these pages of a built site with Pagefind into folder (a shard of index_dir).

    Pagefind is stopped if it outlives a generous timeout (it has been seen to hang when files
    change under it) and when this process exits, so no indexer is ever left running.
    """
    source = write_search_source(site_dir, pages)  # articles with their clitic-free forms
    command = [*PAGEFIND, "--site", str(source), "--output-path", str(folder)]
    timeout = TIMEOUT_SECONDS + SECONDS_PER_ARTICLE * len(pages)
    try:
        stdout, stderr, returncode = _run_indexer(command + INDEX_OPTIONS, timeout, index_dir)
    finally:
        shutil.rmtree(source, ignore_errors=True)
    if returncode != 0 or not (folder / "pagefind.js").exists():
        detail = " ".join((stderr or stdout).split())[-300:]
        message = f"the search index could not be built (is 'pagefind[bin]' installed?): {detail}"
        raise ContentError(SEARCH_DIR, None, message)
    _drop_unused(folder, primary=folder == index_dir)
    make_reproducible(folder)
    problem = index_problem(folder, len(pages))
    if problem:
        message = f"the search index was written incomplete ({problem}); "
        raise ContentError(
            SEARCH_DIR, None, message + "is the disk full? The published index was kept"
        )
    return shard_files(folder, index_dir)


def _run_indexer(command: list[str], timeout: float, index_dir: Path) -> tuple[str, str, int]:
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as error:
        message = f"the search index could not be built: {error}"
        raise ContentError(SEARCH_DIR, None, message) from None
    _running[process] = index_dir
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        message = f"the search index was not built within {timeout:.0f} s; Pagefind was stopped"
        raise ContentError(SEARCH_DIR, None, message) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        _running.pop(process, None)
    return stdout, stderr, process.returncode


def _drop_unused(folder: Path, primary: bool) -> None:
    """Remove what no page loads: Pagefind's own UI, and in a merged shard its script and
    WebAssembly (the search page runs the primary index's, which searches the merged ones)."""
    for path in folder.iterdir():
        if UNUSED.match(path.name) or (not primary and MERGED_UNUSED.match(path.name)):
            path.unlink()


def index_problem(index_dir: Path, pages: int) -> str | None:
    """What is wrong with a freshly written index, or None when it is whole.

    Pagefind exits 0 even when its files could not be written in full (a full disk): each file
    must be non-empty, each compressed file must decompress to its end, and the index must count
    every page given.
    """
    try:
        entry = json.loads((index_dir / ENTRY_FILE).read_text(encoding="utf-8"))
        counted = sum(language["page_count"] for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return f"{ENTRY_FILE} is unreadable: {error}"
    if counted != pages:
        return f"{counted} of {pages} pages indexed"
    for path in sorted(_shard_files(index_dir)):
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
