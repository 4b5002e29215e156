"""The central data: Page, Event, Term, Site, Settings and Output, with URL rules. No I/O.

One word per concept, here and in every module:

- page: an article, one file under content/ (a Page). Nothing else is called a page: what a
  build writes is an output; one part of a long list of articles is a listing part.
- src_path: where a file is, relative to content/, with '/' ("sub/x.md", "_data/events.yaml").
  Messages name files as the curator's editor opens them (content/sub/x.md:3: ...), relative
  to the working folder: that is the shown path, made from src_path where it is needed.
- output_path: where an output is written, relative to site/ ("articles/x/index.html").
- url: an output's public address: absolute_url(base_url, output_path), directories with a
  trailing slash. Inside the site every link is relative (render.Renderer.context's link).
- The article address rule is article_path(slug), used by Page.output_path and by the layouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping
from urllib.parse import quote

from .arabic import normalize
from .dates import PartialDate
from .gazetteer import KINDS

ARTICLES = "articles"


@dataclass(frozen=True)
class Settings:
    title: str = "ملف"
    description: str = ""
    curator: str = "القيّم على الملف"  # the feed's author: who chose and edited the articles
    base_url: str = ""
    locale: str = "ar_SY"
    hijri: bool = True
    per_page: int = 50


@dataclass(frozen=True)
class Event:
    """A dated happening on the timeline, from an article or a curator's data file."""

    date: PartialDate
    text: str
    src_path: str  # relative to content/: its page's, or _data/events.yaml
    line: int | None = None
    end: PartialDate | None = None
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    article: str | None = None  # the slug of the article it comes from
    is_article: bool = False  # the entry is the article itself, not an event it reports


@dataclass(frozen=True)
class Page:
    src_path: str  # relative to content/ ("sub/x.md")
    slug: str
    title: str
    date: PartialDate | None
    summary: str
    html: str
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    media: str | None = None
    status: str = "new"
    events: tuple[Event, ...] = ()
    meta: Mapping = field(default_factory=lambda: MappingProxyType({}))

    @property
    def output_path(self) -> str:
        return article_path(self.slug)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft" or self.meta.get("draft") is True

    def terms(self, kind: str) -> tuple[str, ...]:
        return getattr(self, kind)

    @property
    def lang(self) -> str:
        """The language of the article's own text (front matter 'lang'); the site is Arabic."""
        return str(self.meta.get("lang") or "ar")

    @property
    def dir(self) -> str:
        """Its direction: front matter 'dir', else the usual one of its language."""
        language = self.lang.split("-")[0].lower()
        return self.meta.get("dir") or ("rtl" if language in RTL_LANGUAGES else "ltr")

    def __reduce__(self):
        """Pickle (to and from a build's worker processes) with the read-only meta as a plain
        dict."""
        return _page_from_fields, ({**self.__dict__, "meta": dict(self.meta)},)


def _page_from_fields(fields: dict) -> Page:
    return Page(**{**fields, "meta": MappingProxyType(fields["meta"])})


@dataclass(frozen=True)
class Term:
    """One place, person, organization or source, with the articles and events that name it."""

    kind: str
    name: str
    slug: str
    pages: tuple[Page, ...]
    events: tuple[Event, ...] = ()
    latin: str | None = None
    spellings: tuple[str, ...] = ()  # the gazetteer's other spellings of the name, Latin ones too
    coordinates: tuple[float, float] | None = None  # latitude, longitude, for the maps

    @property
    def output_path(self) -> str:
        return f"{self.kind}/{self.slug}/index.html"


@dataclass(frozen=True)
class Site:
    settings: Settings
    pages: tuple[Page, ...]  # newest first, undated last
    terms: Mapping[str, tuple[Term, ...]]  # by kind, in Arabic alphabetical order
    timeline: tuple[Event, ...]  # oldest first
    previous: Mapping[str, Page]  # by slug: the article before it in time
    next: Mapping[str, Page]

    def term(self, kind: str, name: str) -> Term | None:
        """Find the term a page names, whatever the spelling variant it uses."""
        index = self.__dict__.get("_index")
        if index is None:
            index = {
                (t.kind, term_key(t.name)): t for kind in KINDS for t in self.terms.get(kind, ())
            }
            object.__setattr__(self, "_index", index)
        return index.get((kind, term_key(name)))


RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}


@lru_cache(maxsize=65536)
def term_key(name: str) -> str:
    """Identify an entity by its name with spelling variants folded."""
    return normalize(name)


# File names Windows reserves: a site holding them cannot be copied there.
RESERVED_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def usable_slug(slug: str) -> bool:
    """Whether a slug can be one part of an output path: not empty, not '.' or '..', not a
    reserved name."""
    return slug not in ("", ".", "..") and slug.split(".")[0].lower() not in RESERVED_NAMES


@dataclass(frozen=True)
class Output:
    """One file of the site, as rendering returns it to the writer."""

    output_path: str  # relative to site/, POSIX separators
    data: bytes | None  # None: the writer has it already (taken from a render worker, or kept)
    source: str = ""  # what it was made from, for messages (an article by its src_path)


def article_path(slug: str) -> str:
    """The output path of an article: the one rule for article addresses (layouts use it too)."""
    return f"{ARTICLES}/{slug}/index.html"


def absolute_url(base_url: str, output_path: str) -> str:
    """Return the public URL of an output, percent-encoded, with pretty directory URLs."""
    if output_path.endswith("index.html"):
        output_path = output_path[: -len("index.html")]
    return base_url.rstrip("/") + "/" + quote(output_path, safe="/-._~")
