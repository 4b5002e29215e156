"""The page cache: parsed pages kept between builds (PageCache), and between runs of the command
line as JSON beside the site folder.

JSON, not pickle: a cache file is data, safe to read whatever wrote it; orjson reads and writes
it several times faster than the standard library. It is keyed by the code
that made it and the versions of Python and of the libraries that shape the output, so an upgrade
never reuses pages or outputs made by the old versions; anything unreadable is ignored and the
pages are parsed again. Files are known by their stamp (times, size, inode), and by their bytes
too when a stamp cannot vouch for them (see vouched_stamp).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import logging
import os
import platform
from pathlib import Path
from types import MappingProxyType

import orjson

from .dates import PartialDate
from .pages import Event, Page
from .textio import atomic_write

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
PAGE_FIELDS = (
    "src_path",
    "slug",
    "title",
    "summary",
    "html",
    "places",
    "people",
    "organizations",
    "sources",
    "media",
    "status",
)
EVENT_FIELDS = ("text", "src_path", "line", "places", "people", "article", "is_article")
# The libraries whose upgrade can change a page's HTML, the site's outputs or the search index.
DEPENDENCIES = (
    "markdown",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "babel",
    "hijridate",
    "charset-normalizer",
    "pagefind",
    "pagefind-bin",
)
# A file changed this close to the moment it was stamped may change again with the same stamp (times
# kept to the second, or a clock that lags): its bytes are compared as well.
RACY_NS = 2_000_000_000
CachedPage = tuple[tuple, Page, str]  # the stamp of the page's file, the page, its fingerprint


def cache_path(site_dir: Path) -> Path:
    """The cache of a site folder lives beside it: site/ -> .site.cache.json."""
    return site_dir.parent / f".{site_dir.name}.cache.json"


def code_version() -> str:
    """A digest of this package's source: pages cached by other code are never reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def dependency_versions() -> dict[str, str | None]:
    """Python's version and each dependency's, None for one that is not installed."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def file_stamp(path: Path | str) -> tuple:
    """What the file system says of a file: modification and change times, size, inode.

    The change time cannot be set back (touch -r, cp -p and rsync -t keep the modification time,
    not it), and a new inode shows a file replaced by another.
    """
    status = os.stat(path)
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)


def vouched_stamp(path: str, stamp: tuple, since_ns: int | None, digests: dict[str, str]) -> tuple:
    """The stamp, with a digest of the file's bytes if it changed around or after ``since_ns``
    (the moment its stamp was, or will be, recorded); ``digests`` keeps each file's, read once."""
    if since_ns is None or max(stamp[0], stamp[1]) < since_ns - RACY_NS:
        return stamp
    if path not in digests:
        digests[path] = file_digest(path)
    return (*stamp, digests[path])


def file_digest(path: str) -> str:
    """The SHA-256 of a file's bytes ("" if it cannot be read: it will be read again, and fail,
    in the build)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def read_cache(path: Path, key: dict) -> dict:
    """Return the last build's record ({"inputs", "site", …}) if the cache was written under the
    same key, else {}.

    The file's first line holds only that record, so a build with nothing to do never reads the
    pages.
    """
    try:
        with open(path, "rb") as handle:
            header = orjson.loads(handle.readline())
    except (OSError, ValueError):  # orjson's decode errors are ValueErrors
        return {}
    if (
        not isinstance(header, dict)
        or header.get("key") != key
        or not isinstance(header.get("build"), dict)
    ):
        return {}
    return header["build"]


def read_cached_pages(path: Path, key: dict) -> tuple[dict[str, CachedPage], dict, dict]:
    """The pages in the cache, by path, each with the stamp of its file and its fingerprint; the
    record of the outputs the last build left in site/ ({"context", "keys", "parts"}); and each
    page's entry as read (see write_cache); empty if unusable."""
    try:
        with open(path, "rb") as handle:
            header = orjson.loads(handle.readline())
            if not isinstance(header, dict) or header.get("key") != key:
                return {}, {}, {}
            data = orjson.loads(handle.read())
    except (OSError, ValueError):
        return {}, {}, {}
    if not isinstance(data, dict):
        return {}, {}, {}
    outputs = data.get("outputs")
    pages, entries = cached_pages(data)
    return pages, outputs if isinstance(outputs, dict) else {}, entries


def write_cache(
    path: Path,
    key: dict,
    pages: dict[str, CachedPage],
    build: dict,
    outputs: dict,
    read: dict[str, tuple[CachedPage, dict]] | None = None,
) -> None:
    """Write the cache atomically: a line with the build's record, then the pages and the
    outputs' record. A page still as it was read from the cache (``read``, by path: the page and
    its entry) is written back from its entry; a page whose front matter JSON cannot hold
    exactly is left out."""
    entries = {}
    for page_path, cached in pages.items():
        kept = (read or {}).get(page_path)
        if kept is not None and kept[0] is cached:
            entries[page_path] = kept[1]
            continue
        stamp, page, fingerprint = cached
        encoded = encode_page(page)
        if encoded is not None:
            entries[page_path] = {"stamp": list(stamp), "page": encoded, "fingerprint": fingerprint}
    try:
        header = orjson.dumps({"key": key, "build": build}) + b"\n"
        body = orjson.dumps({"pages": entries, "outputs": outputs})
        atomic_write(path, (header, body), durable=False, named=True)
    except (OSError, TypeError, ValueError) as error:  # unwritable, or text not UTF-8
        log.debug("could not write the page cache %s: %s", path, error)


def cached_pages(data: dict) -> tuple[dict[str, CachedPage], dict[str, tuple[CachedPage, dict]]]:
    """The pages of a cache file's data, and each with the entry it was read from."""
    found, entries = {}, {}
    for page_path, entry in (data.get("pages") or {}).items():
        try:
            found[page_path] = (
                tuple(entry["stamp"]),
                decode_page(entry["page"]),
                str(entry["fingerprint"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
        entries[page_path] = (found[page_path], entry)
    return found, entries


def encode_page(page: Page) -> dict | None:
    meta = dict(page.meta)
    try:
        if orjson.loads(orjson.dumps(meta)) != meta:
            return None  # e.g. a YAML date or tuple: parse that page again next time
    except (TypeError, ValueError):  # e.g. a YAML set or a number key
        return None
    return {
        **{name: getattr(page, name) for name in PAGE_FIELDS},
        "date": _encode_date(page.date),
        "events": [_encode_event(e) for e in page.events],
        "meta": meta,
    }


def decode_page(data: dict) -> Page:
    fields = {
        name: tuple(data[name]) if isinstance(data[name], list) else data[name]
        for name in PAGE_FIELDS
    }
    return Page(
        **fields,
        date=_decode_date(data["date"]),
        events=tuple(_decode_event(e) for e in data["events"]),
        meta=MappingProxyType(data["meta"]),
    )


def _encode_event(event: Event) -> dict:
    return {
        **{name: getattr(event, name) for name in EVENT_FIELDS},
        "date": _encode_date(event.date),
        "end": _encode_date(event.end),
    }


def _decode_event(data: dict) -> Event:
    fields = {
        name: tuple(data[name]) if isinstance(data[name], list) else data[name]
        for name in EVENT_FIELDS
    }
    return Event(**fields, date=_decode_date(data["date"]), end=_decode_date(data["end"]))


def _encode_date(date: PartialDate | None) -> list | None:
    return None if date is None else [date.start.isoformat(), date.precision]


def _decode_date(data: list | None) -> PartialDate | None:
    return None if data is None else PartialDate(dt.date.fromisoformat(data[0]), data[1])


class PageCache:
    """The pages parsed by earlier builds, each with its file's stamp and fingerprint, and the
    last build's record (its inputs, the site/ it left, the outputs it rendered there).

    Kept in memory between the builds of one Builder; with ``keep``, also in a JSON file beside
    site/ between runs (the command line), whose pages are read only when a build has work to do.
    """

    def __init__(self, site_dir: Path, key: dict, keep: bool):
        self.path = cache_path(site_dir)
        self.key = key
        self.keep = keep
        self.record: dict = read_cache(self.path, key) if keep else {}
        self.pages: dict[str, CachedPage] = {}  # by page path
        self.outputs: dict = {}  # the outputs the last build left in site/: {"context", "keys"}
        self.read: dict[str, tuple[CachedPage, dict]] = {}  # each page as read from the file
        self.stamped_at: int | None = self.record.get("stamped_at")  # see vouched_stamp
        self.gazetteer_stamp: tuple | None = _tuple(self.record.get("gazetteer"))
        self._unread = keep

    def read_pages(self) -> None:
        """Read the cached pages from the file, the first time a build needs them."""
        if self._unread:
            self.pages, self.outputs, self.read = read_cached_pages(self.path, self.key)
            self._unread = False

    def unchanged(self, inputs: str, site_stamp: tuple | None) -> bool:
        """Whether the last build read the same inputs and site/ is still the folder it left."""
        return (
            self.record.get("inputs") == inputs
            and site_stamp is not None
            and self.record.get("site") == list(site_stamp)
        )

    def save(self, inputs: str, site_stamp: tuple | None, page_count: int) -> None:
        """Record this build; write the file if the cache is kept between runs."""
        self.record = {
            "inputs": inputs,
            "site": list(site_stamp or ()),
            "pages": page_count,
            "gazetteer": list(self.gazetteer_stamp) if self.gazetteer_stamp else None,
            "stamped_at": self.stamped_at,
        }
        if self.keep:
            write_cache(self.path, self.key, self.pages, self.record, self.outputs, self.read)

    def forget_file(self) -> None:
        """Remove the file: a build that keeps no file changed site/ (the file's record is void)."""
        self.path.unlink(missing_ok=True)


def _tuple(value: list | None) -> tuple | None:
    return tuple(value) if value else None
