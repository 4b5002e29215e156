"""Digests of what each output is rendered from, kept between command-line builds.

An output's render key (see render.Renderer.page) holds pages, neighbours, list items and terms.
Its digest replaces each page by the page's fingerprint (a digest of the parsed page, computed when
the page is read), so a build can tell, without rendering, which files in site/ still hold exactly
what it would write.
"""

from __future__ import annotations

import dataclasses
import hashlib

from .pages import Page


def page_fingerprint(page: Page) -> str:
    """A digest of everything parsed from a page file."""
    return hashlib.sha256(repr(page).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def key_digest(key: tuple, fingerprints: dict[str, str]) -> str:
    """A digest of a render key, with each page taken by its fingerprint (by src_path)."""
    digest = hashlib.sha256()
    _feed(digest, key, fingerprints)
    return digest.hexdigest()[:20]


def _feed(digest, value, fingerprints: dict[str, str]) -> None:
    if isinstance(value, Page):
        digest.update(b"\x01" + fingerprints[value.src_path].encode())
    elif isinstance(value, (tuple, list)):
        digest.update(b"\x02%d" % len(value))
        for item in value:
            _feed(digest, item, fingerprints)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(b"\x03" + type(value).__name__.encode())
        for field in _fields(type(value)):
            _feed(digest, getattr(value, field), fingerprints)
    else:
        digest.update(b"\x04" + repr(value).encode("utf-8", "surrogatepass"))


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return _FIELDS[kind]


class KeptOutputs:
    """The outputs site/ holds with the digests of the keys they were rendered from (by the last
    build's record), and the digests of this build's keys."""

    def __init__(
        self,
        previous: dict[str, str],
        present: set[str],
        fingerprints: dict[str, str],
        context: str,
    ):
        self.previous = previous  # by output path, from the last build's record
        self.present = present  # output paths in site/ now
        self.fingerprints = fingerprints  # of each page, by src_path
        self.context = context  # a digest of the settings and data files every output depends on
        self.digests: dict[str, str] = {}  # this build's, by output path

    def holds(self, output_path: str, key: tuple) -> bool:
        digest = self.digests[output_path] = key_digest(key, self.fingerprints)
        return self.previous.get(output_path) == digest and output_path in self.present
