"""The search index's shards: which pages each holds, a digest of their records, and the manifest.

A page's shard is a hash of its output path, so it stays in the same shard while the dossier grows
(until the number of shards doubles). Shard 0 is the primary index, in pagefind/ itself, where a
one-shard index (every small dossier) has always been; shard k is in pagefind/k/ and the search
page merges it into the primary one (Pagefind's mergeIndex). The manifest, pagefind/shards.json,
lists those folders and the digest of each shard's records: a shard whose digest is unchanged is
carried over as it is, never indexed again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .search_source import indexed_record

MANIFEST = "shards.json"
SHARD_PAGES = 2560  # at most this many pages per shard; see shard_count
SPLIT_PAGES = 1024  # from this many pages on, at least two shards: an edit indexes half of them
RECIPE = "1"  # raise when what a record becomes in the index changes: every shard is indexed again


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


def plan_shards(site_dir: Path, pages: list[Path]) -> dict[int, list[Path]]:
    """Each shard and its pages, in output-path order."""
    count = shard_count(len(pages))
    members: dict[int, list[Path]] = {}
    for page in sorted(pages, key=lambda p: p.relative_to(site_dir).as_posix()):
        members.setdefault(shard_of(page.relative_to(site_dir).as_posix(), count), []).append(page)
    return dict(sorted(members.items()))


def shard_digest(site_dir: Path, pages: list[Path], pagefind_version: str) -> str:
    """A digest of what the index of these pages is made from: each page's path and record."""
    digest = hashlib.sha256(f"{RECIPE}\0{pagefind_version}\0".encode())
    for page in pages:
        relative = page.relative_to(site_dir).as_posix()
        record = indexed_record(page.read_text(encoding="utf-8"), relative.startswith("articles/"))
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(record.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()


def read_manifest(index_dir: Path) -> dict[str, str]:
    """Each shard's recorded digest (by shard number as text); empty when there is none to trust."""
    try:
        digests = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))["digests"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return digests if isinstance(digests, dict) else {}


def write_manifest(index_dir: Path, digests: dict[int, str]) -> None:
    """The folders the search page merges and each shard's digest (same site, same bytes)."""
    manifest = {
        "merge": [f"{shard}/" for shard in sorted(digests) if shard],
        "digests": {str(shard): digests[shard] for shard in sorted(digests)},
    }
    path = index_dir / MANIFEST
    path.unlink(missing_ok=True)  # never write into a file the live site may share
    path.write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
