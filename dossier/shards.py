"""The search index's shards: which pages each holds, what each page gave the index, the delta.

A page's shard is a hash of its output path, so it stays in the same shard while the dossier grows
(until the number of shards doubles). Shard 0 is the primary index, in pagefind/ itself, where a
one-shard index (every small dossier) has always been; shard k is in pagefind/k/ and the search
page merges it into the primary one (Pagefind's mergeIndex).

The records (pagefind/.records.json, never fetched) hold, for each page in a shard, a digest of its
record and its fragment (the id Pagefind gives its results). A few pages edited since their shard
was indexed go to a small delta index instead (pagefind/delta/), with a fixed sample of unchanged
pages that keeps its word statistics those of the whole (Pagefind ranks by them); the manifest,
pagefind/shards.json, lists the shards to merge, the fragments the delta replaces (the search page
drops those results) and the filter values counted twice. One edit indexes about a hundred pages,
not a shard of thousands; when the delta would be too large, the shards it touches are indexed
again and it is emptied.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .search_source import indexed_record

MANIFEST = "shards.json"
RECORDS = ".records.json"  # hidden: read by the next build, never by the search page
DELTA = "delta"
SHARD_PAGES = 2560  # at most this many pages per shard; see shard_count
SPLIT_PAGES = 1024  # from this many pages on, at least two shards: an edit indexes half of them
DELTA_PAGES = 64  # at most this many edited, new or removed pages go to the delta
SAMPLE_PAGES = 64  # unchanged pages indexed in the delta too: ~5 ms of Pagefind each
RECIPE = "2"  # raise when what a record becomes in the index changes: every shard is indexed again


def shard_count(pages: int) -> int:
    """How many shards hold this many pages: a power of two, so doubling splits each shard in two.

    Small shards make an edit cheaper to index and bound the indexer's memory (Pagefind held
    about 640 MB for 2,050 of the benchmark's pages, 1.27 GB for 4,100); but each shard costs a
    query one more index chunk per word and its own filter lists: at 4,100 pages a query
    downloaded up to +35% with 2 shards, +122% with 4, +227% with 8. At most 2,560 pages a shard
    keeps queries within +50% at 4,000 articles and the indexer within about 800 MB at any size;
    two shards cost at most +35% (measured at 2,000 and 4,000 articles), so a dossier of 1,024
    pages or more has two.
    """
    count = 2 if pages >= SPLIT_PAGES else 1
    while pages > count * SHARD_PAGES:
        count *= 2
    return count


def shard_of(output_path: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(output_path.encode("utf-8")).digest()[:4], "big") % count


def shard_folder(index_dir: Path, shard: int) -> Path:
    return index_dir if shard == 0 else index_dir / str(shard)


def is_shard_folder(name: str) -> bool:
    """Whether an entry of pagefind/ is another shard's folder (shard 0's files are beside them)."""
    return name.isdigit() and name != "0"


def in_shard_zero(name: str) -> bool:
    """Whether an entry of pagefind/ belongs to shard 0 (not another shard, the delta or a list)."""
    return not is_shard_folder(name) and name not in (DELTA, MANIFEST, RECORDS)


def plan_shards(paths: list[str]) -> dict[int, list[str]]:
    """Each shard that holds pages, with its pages (output paths, in order)."""
    count = shard_count(len(paths))
    members: dict[int, list[str]] = {}
    for path in sorted(paths):
        members.setdefault(shard_of(path, count), []).append(path)
    return dict(sorted(members.items()))


def page_digest(site_dir: Path, path: str) -> str:
    """A digest of what a page gives the index (its record)."""
    with open(os.path.join(site_dir, path), encoding="utf-8") as page:
        record = indexed_record(page.read(), path.startswith("articles/"))
    return hashlib.sha256(record.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def records_key(pagefind_version: str, count: int) -> str:
    """What records must have been made with to be trusted: another recipe, Pagefind or number of
    shards indexes every shard again."""
    return f"{RECIPE}/{pagefind_version}/{count}"


def read_records(index_dir: Path, key: str) -> dict[str, list[str]]:
    """Each page in a shard: [record digest, fragment]; empty when there are none to trust."""
    try:
        records = json.loads((index_dir / RECORDS).read_text(encoding="utf-8"))
        pages = records["pages"] if records["key"] == key else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    well_formed = isinstance(pages, dict) and all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
        for v in pages.values()
    )
    return pages if well_formed else {}


def write_records(index_dir: Path, key: str, pages: dict[str, list[str]]) -> None:
    replace_text(
        index_dir / RECORDS, json.dumps({"key": key, "pages": dict(sorted(pages.items()))})
    )


def read_manifest(index_dir: Path) -> dict:
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def write_manifest(index_dir: Path, shards: list[int], delta: Delta | None) -> None:
    """What the search page merges, the fragments the delta replaces and the filter values it
    counts twice (same site, same bytes)."""
    manifest: dict = {"merge": [f"{shard}/" for shard in sorted(shards) if shard]}
    if delta is not None:
        manifest["merge"].append(f"{DELTA}/")
        manifest["hidden"] = sorted(delta.hidden)
        manifest["uncount"] = delta.uncount
    replace_text(index_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, sort_keys=True))


def replace_text(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)  # never write into a file the live site may share
    path.write_text(text, encoding="utf-8")


@dataclass
class Delta:
    """The small index of the pages that changed since their shard was indexed."""

    pages: list[str]  # output paths indexed in the delta: the changed ones and the sample
    replaced: dict[str, str]  # output path -> its shard's fragment the delta hides or doubles
    doubled: list[str]  # output paths in a shard and in the delta alike (the sample)
    hidden: list[str] = field(default_factory=list)  # fragments the search page drops
    uncount: dict[str, dict[str, int]] | None = None  # filter values counted twice, once indexed


def stale_pages(digests: dict[str, str], records: dict[str, list[str]]) -> list[str]:
    """Pages whose record is not the one their shard holds: edited, new or removed."""
    changed = [path for path, digest in digests.items() if records.get(path, [""])[0] != digest]
    return sorted(changed + [path for path in records if path not in digests])


def plan_delta(
    digests: dict[str, str], records: dict[str, list[str]], members: dict[int, list[str]]
) -> Delta | None:
    """The delta for these pages, or None when their shards had better be indexed again (no
    records, too many changes, or shards hardly larger than the delta)."""
    stale = stale_pages(digests, records)
    count = shard_count(len(digests))
    touched = sum(len(members.get(shard, ())) for shard in {shard_of(p, count) for p in stale})
    if not records or not stale or len(stale) > DELTA_PAGES:
        return None
    if (len(stale) + SAMPLE_PAGES) * 4 > touched:
        return None
    unchanged = set(digests) - set(stale)
    sample = sorted(sorted(unchanged, key=_sample_order)[:SAMPLE_PAGES])
    indexed = [path for path in stale if path in digests]
    replaced = {path: records[path][1] for path in stale + sample if path in records}
    return Delta(sorted(indexed + sample), replaced, sample)


def _sample_order(path: str) -> bytes:
    return hashlib.sha256(b"sample\0" + path.encode("utf-8")).digest()
