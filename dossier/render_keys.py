"""Digests of what each output is rendered from, kept between command-line builds.

An output's render key (see render.Renderer.page) holds pages, neighbours, list items and terms.
Its digest replaces each page by the page's fingerprint (a digest of the parsed page, computed when
the page is read), so a build can tell, without rendering, which files in site/ still hold exactly
what it would write.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Iterable

from .pages import Event, Page


def page_fingerprint(page: Page) -> str:
    """A digest of everything parsed from a page file."""
    return hashlib.sha256(repr(page).encode("utf-8", "surrogatepass")).hexdigest()[:20]


class KeyDigests:
    """Digests of render keys, each made of the tokens of what the key holds: a page is its
    fingerprint, an event of a page is that page's fingerprint and its place among the page's
    events, and anything else is encoded once per build, however many keys hold it."""

    def __init__(self, fingerprints: dict[str, str], pages: Iterable[Page] = ()):
        self.fingerprints = fingerprints  # of each page, by src_path
        self.pages = pages  # whose events a key may hold
        self.tokens: dict[int, tuple[object, bytes]] = {}  # by id, with the object kept alive
        self.events_learnt = False
        self.encoded = 0  # dataclass objects encoded field by field: the work, for tests

    def digest(self, key: tuple) -> str:
        return hashlib.sha256(self.token(key)).hexdigest()[:20]

    def token(self, value: object) -> bytes:
        kind = type(value)
        if kind is Page:
            return b"\x01" + self.fingerprints[value.src_path].encode()
        if kind is tuple or kind is list:
            return b"\x02%d\x00" % len(value) + b"\x00".join(map(self.token, value))
        remembered = self.tokens.get(id(value))
        if remembered is not None:
            return remembered[1]
        if kind is Event:
            if value.is_article:  # made from its page alone (collect.article_event)
                return b"\x06" + self.fingerprints[value.src_path].encode()
            if not self.events_learnt:
                self._learn_events()
                return self.token(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            self.encoded += 1
            fields = (getattr(value, name) for name in _fields(kind))
            token = b"\x03" + kind.__name__.encode() + self.token(tuple(fields))
        else:
            token = b"\x04" + repr(value).encode("utf-8", "surrogatepass")
        if kind is not str:  # a string is cheap to encode again and may be a short-lived one
            self.tokens[id(value)] = (value, token)
        return token

    def _learn_events(self) -> None:
        """Token every page's events by the page's fingerprint: its fingerprint covers them."""
        self.events_learnt = True
        for page in self.pages:
            fingerprint = self.fingerprints[page.src_path]
            for number, event in enumerate(page.events):
                self.tokens[id(event)] = (event, b"\x05%s:%d" % (fingerprint.encode(), number))


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
        keys: KeyDigests,
        context: str,
        parts: dict[str, dict[str, list]] | None = None,
    ):
        self.previous = previous  # by output path, from the last build's record
        self.present = present  # output paths in site/ now
        self.keys = keys  # digests of render keys
        self.context = context  # a digest of the settings and data files every output depends on
        self.digests: dict[str, str] = {}  # this build's, by output path
        self.parts = parts or {}  # per page, the last build's (render.RenderMemo.parts)

    def holds(self, output_path: str, key: tuple) -> bool:
        digest = self.digests[output_path] = self.keys.digest(key)
        return self.previous.get(output_path) == digest and output_path in self.present
