"""The page cache kept between runs of build.py: parsed pages as JSON, beside the site folder.

JSON, not pickle: a cache file is data, safe to read whatever wrote it, and it stays valid across
Python versions. It is keyed by the code that made it, so a new version of the project never
reads an old cache; anything unreadable is ignored and the pages are parsed again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from types import MappingProxyType

from .dates import PartialDate
from .pages import Event, Page

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
PAGE_FIELDS = ("src_path", "slug", "title", "summary", "html", "places", "people", "organizations", "sources",
               "media", "status")
EVENT_FIELDS = ("text", "src_path", "line", "places", "people", "article", "is_article")


def cache_path(site_dir: Path) -> Path:
    """The cache of a site folder lives beside it: site/ -> .site.cache.json."""
    return site_dir.parent / f".{site_dir.name}.cache.json"


def code_version() -> str:
    """A digest of this package's source: pages cached by other code are never reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def read_cache(path: Path, key: dict) -> dict:
    """Return the last build's record ({"inputs", "site", …}) if the cache was written under the same key, else {}.

    The file's first line holds only that record, so a build with nothing to do never reads the pages.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            header = json.loads(handle.readline())
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(header, dict) or header.get("key") != key or not isinstance(header.get("build"), dict):
        return {}
    return header["build"]


def read_cached_pages(path: Path, key: dict) -> dict[str, tuple[tuple, Page]]:
    """The pages in the cache, by path, with the stamp of the file each was read from; {} if unusable."""
    try:
        with open(path, encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            if not isinstance(header, dict) or header.get("key") != key:
                return {}
            data = json.loads(handle.read())
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return cached_pages(data) if isinstance(data, dict) else {}


def write_cache(path: Path, key: dict, pages: dict[str, tuple[tuple, Page]], build: dict) -> None:
    """Write the cache atomically: a line with the build's record, then the pages; a page whose front matter
    JSON cannot hold exactly is left out."""
    entries = {}
    for page_path, (stamp, page) in pages.items():
        encoded = encode_page(page)
        if encoded is not None:
            entries[page_path] = {"stamp": list(stamp), "page": encoded}
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "build": build}, ensure_ascii=False) + "\n")
            json.dump({"pages": entries}, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as error:  # a cache that cannot be written only makes the next build slower
        log.debug("could not write the page cache %s: %s", path, error)


def cached_pages(data: dict) -> dict[str, tuple[tuple, Page]]:
    found = {}
    for page_path, entry in (data.get("pages") or {}).items():
        try:
            found[page_path] = (tuple(entry["stamp"]), decode_page(entry["page"]))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def encode_page(page: Page) -> dict | None:
    meta = dict(page.meta)
    try:
        if json.loads(json.dumps(meta)) != meta:
            return None  # e.g. a YAML set or a number key: parse that page again next time
    except (TypeError, ValueError):
        return None
    return {**{name: getattr(page, name) for name in PAGE_FIELDS}, "date": _encode_date(page.date),
            "events": [_encode_event(e) for e in page.events], "meta": meta}


def decode_page(data: dict) -> Page:
    fields = {name: tuple(data[name]) if isinstance(data[name], list) else data[name] for name in PAGE_FIELDS}
    return Page(**fields, date=_decode_date(data["date"]), events=tuple(_decode_event(e) for e in data["events"]),
                meta=MappingProxyType(data["meta"]))


def _encode_event(event: Event) -> dict:
    return {**{name: getattr(event, name) for name in EVENT_FIELDS}, "date": _encode_date(event.date),
            "end": _encode_date(event.end)}


def _decode_event(data: dict) -> Event:
    fields = {name: tuple(data[name]) if isinstance(data[name], list) else data[name] for name in EVENT_FIELDS}
    return Event(**fields, date=_decode_date(data["date"]), end=_decode_date(data["end"]))


def _encode_date(date: PartialDate | None) -> list | None:
    return None if date is None else [date.start.isoformat(), date.precision]


def _decode_date(data: list | None) -> PartialDate | None:
    return None if data is None else PartialDate(dt.date.fromisoformat(data[0]), data[1])
