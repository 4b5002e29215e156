"""Site -> outputs: every article, listing, feed and sitemap is a Jinja2 template.

Rendering returns the outputs. The one exception is the command line's writer: handed to the
renderer as ``put``, it takes each output from the worker that rendered it, so that thousands of
rendered pages never travel back to one process or wait there in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import posixpath
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from . import arabic, dates
from .cache import code_version, file_stamp
from .collect import YearGroup, group_timeline, story
from .data import DATA_DIR, DATA_FILES, article_lines, data_files
from .errors import ContentError
from .gazetteer import KIND_NAMES, KINDS
from .pages import Event, Output, Page, Settings, Site, absolute_url, article_path
from .parallel import MIN_ITEMS, parallel_map
from .plural import count_words
from .render_keys import KeptOutputs
from .safe_text import fit_for_output, fit_text
from .worldmap import locator_map, places_map

log = logging.getLogger(__name__)

# The layouts every dossier starts from: shipped inside the package when installed, the checkout's
# layouts/ when run from it. A dossier's own layouts/ overrides them file by file.
PACKAGED_LAYOUTS = Path(__file__).resolve().parent / "layouts"
BUILTIN_LAYOUTS = (
    PACKAGED_LAYOUTS
    if PACKAGED_LAYOUTS.is_dir()
    else Path(__file__).resolve().parent.parent / "layouts"
)
STATIC_DIR = "static"
FEED_ENTRIES = 50
CARD_TERMS = 8  # names of each kind on an article's card; the article's own output lists them all
NOT_FOUND = "404.html"
# Past this, the timeline is split: an output per year (and for a large year, one per month).
TIMELINE_PAGE_ENTRIES = 500
URL_SAFE = "/#?=&-._~"
MEDIA_NAMES = {"video": "فيديو", "photos": "صور", "infographic": "إنفوغرافيك", "map": "خريطة"}
STATUS_NAMES = {"new": "لم تُراجع بعد", "reviewed": "مُراجَعة", "draft": "مسودة"}
# Placeholders for the root-relative prefix of links in a card, replaced for each listing depth.
CARD_ROOT, CARD_ROOT_OR_DOT = "\ue000root\ue000", "\ue000root-or-dot\ue000"
CARD_HEADING = "\ue000heading\ue000"  # and for its heading's level, so one render serves all
PART_KINDS = ("card", "print", "data")  # the parts kept per page (RenderMemo.parts)


class TemplateProblem(ContentError):
    """A template error, named by the template file and line."""


def make_env(layouts_dirs: list[Path], compiled_dir: Path | None = None) -> jinja2.Environment:
    """Jinja over the curator's layouts first, then the built-in ones; autoescape HTML and XML;
    strict. Compiled layouts are kept in ``compiled_dir`` when given (see TemplateCache)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in layouts_dirs if d.is_dir()]),
        bytecode_cache=TemplateCache(compiled_dir) if compiled_dir else None,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=fit_for_output,
    )
    env.globals.update(
        KINDS=KINDS,
        KIND_NAMES=KIND_NAMES,
        MEDIA_NAMES=MEDIA_NAMES,
        STATUS_NAMES=STATUS_NAMES,
        locator_map=locator_map,
        CARD_TERMS=CARD_TERMS,
        article_path=article_path,
    )
    return env


def static_files(layouts_dirs: list[Path]) -> dict[str, Path]:
    """Map each static asset's output path to its source; the curator's layouts win."""
    found: dict[str, Path] = {}
    for layouts_dir in reversed(layouts_dirs):
        root = layouts_dir / STATIC_DIR
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[f"{STATIC_DIR}/{path.relative_to(root).as_posix()}"] = path
    return found


class RenderMemo:
    """The previous build's outputs and cards, reused when everything they were made from is
    unchanged.

    Each output is stored with a key holding what it was rendered from (pages, neighbours,
    list items); pages that were not re-read are the same objects, so comparing keys is cheap.
    The builder drops the memo when a layout or a setting changes.
    """

    def __init__(self) -> None:
        self.outputs: dict[str, tuple[tuple, Output]] = {}
        # by kind, then page (src_path): each page's card ("card"), part of the print edition
        # ("print"), lines of the data files ("data"), each a list that starts with the
        # fingerprint of the page it was made from (see Renderer.kept_part)
        self.parts: dict[str, dict[str, list]] = {}


def search_spellings(site: Site) -> dict[str, list[list[str]]]:
    """Every spelling of each entity with articles, folded, to the entity's kind and name: the
    search
    page looks a query up here, so «ترمب», «كوباني» or «Cairo» find the articles tagged with the
    entity."""
    spellings: dict[str, list[list[str]]] = {}
    for kind in KINDS:
        for term in site.terms[kind]:
            if term.pages:
                for spelling in (term.name, *term.spellings):
                    entry = spellings.setdefault(arabic.normalize(spelling), [])
                    if [kind, term.name] not in entry:
                        entry.append([kind, term.name])
    return spellings


class Renderer:
    """Render the site's outputs with one Jinja environment and the site's settings."""

    def __init__(
        self,
        env: jinja2.Environment,
        site: Site,
        memo: RenderMemo | None = None,
        workers: int = 1,
        root_path: str | None = None,
        put: Callable[[str, bytes], bool] | None = None,
        kept: KeptOutputs | None = None,
        fingerprints: dict[str, str] | None = None,
    ):
        self.env = env
        self.put = put  # the writer's: takes each output in the worker, says if its bytes changed
        self.kept = (
            kept  # outputs site/ holds from the same render keys (the command line's record)
        )
        self.site = site
        self.settings = site.settings
        self.updated = _latest(site)
        self.memo = memo or RenderMemo()
        self.workers = workers
        self.root_path = root_path if root_path is not None else _url_path(site.settings.base_url)
        self._contexts: dict[str, dict] = {}
        self._term_paths: dict[tuple[str, str], str | None] = {}
        self.fingerprints = fingerprints or {}  # of each page, by src_path
        # per-page parts (see RenderMemo.parts): as the last build left them, made in this process,
        # and made by the job being rendered (to go back from a worker with its result)
        kept_parts = kept.parts if kept is not None else self.memo.parts
        self.kept_parts = {kind: _mapping(kept_parts.get(kind)) for kind in PART_KINDS}
        self.made_parts: dict[str, dict[str, list]] = {kind: {} for kind in PART_KINDS}
        self.job_parts: dict[str, dict[str, list]] = {kind: {} for kind in PART_KINDS}
        self._part_macros: dict[str, object] = {}  # print_parts.html's, by root

    def render_all(self, static: dict[str, Path]) -> Rendered:
        """Render every output of the site, in a stable order: plan, then render on every core."""
        planned = self.plan(static)
        jobs = [item for item in planned if isinstance(item, Job)]
        if self.workers > 1 and len(jobs) >= MIN_ITEMS:
            self.compile_layouts()  # once here, not in each worker (a few jobs run here)
        results = parallel_map(self.run_job, jobs, self.workers)
        problems = [r for r in results if isinstance(r, ContentError)]
        if problems:
            raise problems[0]
        rendered = Rendered([], len(jobs), [])
        results_in_order = iter(results)
        for item in planned:
            if isinstance(item, Job):
                result = next(results_in_order)
                if isinstance(result, WithParts):
                    for kind, parts in result.parts.items():
                        self.made_parts[kind].update(parts)
                    result = result.result
                item = self.finished(item, result, rendered.written)
            rendered.outputs.append(item)
        rendered.parts = self.memo.parts = self.current_parts()
        return rendered

    def current_parts(self) -> dict[str, dict[str, list]]:
        """Each page's parts as they stand after this render (see RenderMemo.parts)."""
        current: dict[str, dict[str, list]] = {kind: {} for kind in PART_KINDS}
        for page in self.site.pages:
            fingerprint = self.fingerprints.get(page.src_path)
            for kind, parts in current.items():
                part = self.made_parts[kind].get(page.src_path)
                part = part or self.kept_parts[kind].get(page.src_path)
                if isinstance(part, list) and part and part[0] == fingerprint:
                    parts[page.src_path] = part
        return current

    def kept_part(self, kind: str, page: Page, made_from: list, size: int, make) -> list:
        """A page's part of a kind: [its fingerprint, *made_from, *what make() returns], kept
        while the page and made_from (say, a depth) are the same; else made again."""
        fingerprint = self.fingerprints.get(page.src_path)
        part = self.made_parts[kind].get(page.src_path) or self.kept_parts[kind].get(page.src_path)
        if fingerprint is None or not _part_of(part, [fingerprint, *made_from], size):
            part = [fingerprint, *made_from, *make()]
            self.made_parts[kind][page.src_path] = self.job_parts[kind][page.src_path] = part
        return part

    def finished(self, job: Job, result: bytes | bool, written: list[str]) -> Output:
        """A job's output with its bytes; or, when the writer took them (put), without them."""
        if self.put is not None:
            if result:  # whether the bytes the writer took differ from site/'s
                written.append(job.output_path)
            return Output(job.output_path, None, job.source)
        output = Output(job.output_path, result, job.source)
        if job.key is not None:
            self.memo.outputs[job.output_path] = (job.key, output)
        return output

    def compile_layouts(self) -> None:
        """Compile every template now; one with an error is reported when it is used."""
        for name in self.env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml"))):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass

    def run_job(self, job: Job) -> bytes | bool | WithParts | ContentError:
        """Render one job; with ``put``, hand its bytes to the writer at once (in the worker) and
        return whether they changed; with the per-page parts it made, if any."""
        self.job_parts = {kind: {} for kind in PART_KINDS}
        try:
            data = self.render(job.output_path, job.template_name, job.context)
            result = self.put(job.output_path, data) if self.put is not None else data
        except ContentError as problem:  # returned, not raised: it may travel back from a worker
            return problem
        made = {kind: parts for kind, parts in self.job_parts.items() if parts}
        return WithParts(result, made) if made else result

    def plan(self, static: dict[str, Path]) -> list[Output | Job]:
        """Every output of the site: those the memo holds as they are, the rest as jobs to render.

        In a stable order: the sitemap lists the HTML outputs in it."""
        site = self.site
        outputs = self.listing("index.html", "home.html", site.pages, key=(len(site.pages),))
        outputs += [self.article(page) for page in site.pages]
        outputs += self.timeline()
        outputs += self.entities()
        outputs += self.search()
        outputs.append(self.output(NOT_FOUND, "404.html", key=()))
        entries = site.pages[:FEED_ENTRIES]
        feed_key = (entries, self.updated)
        outputs.append(self.output("feed.xml", "feed.xml", entries=entries, key=feed_key))
        outputs += self.data()
        outputs.append(self.print_edition())
        outputs.append(self.sitemap(outputs))
        outputs += [self.static(output_path, source) for output_path, source in static.items()]
        produced = {o.output_path for o in outputs}
        for gone in set(self.memo.outputs) - produced:
            del self.memo.outputs[gone]
        return outputs

    def entities(self) -> list[Output | Job]:
        """The index of entities, each entity's listing, and the map of places."""
        terms = [term for kind in KINDS for term in self.site.terms[kind]]
        counts = tuple((t.kind, t.name, len(t.pages), len(t.events)) for t in terms)
        outputs = [self.output("entities/index.html", "entities.html", key=counts)]
        for term in terms:
            key = (term.kind, term.name, term.latin, term.coordinates, len(term.pages), term.events)
            source = f"{term.kind} «{term.name}»"
            outputs += self.listing(
                term.output_path, "term.html", term.pages, term=term, source=source, key=key
            )
        places = self.site.terms["places"]
        key = tuple((t.name, t.coordinates, len(t.pages), len(t.events)) for t in places)
        outputs.append(self.output("map/index.html", "map.html", map=places_map(places), key=key))
        return outputs

    def search(self) -> list[Output | Job]:
        """The search page, and the spellings of entities it looks queries up in."""
        spellings = search_spellings(self.site)
        key = tuple(sorted((k, tuple(map(tuple, v))) for k, v in spellings.items()))
        return [
            self.output("search/index.html", "search.html", key=()),
            self.output("search/spellings.json", "spellings.json", spellings=spellings, key=key),
        ]

    def static(self, output_path: str, source: Path) -> Output:
        """Copy a static asset; its bytes are read again only when the file changed."""
        status = source.stat()
        key = ("static", str(source), status.st_mtime_ns, status.st_size)
        remembered = self.memo.outputs.get(output_path)
        if remembered is not None and remembered[0] == key:
            return remembered[1]
        output = Output(output_path, source.read_bytes(), str(source))
        self.memo.outputs[output_path] = (key, output)
        return output

    def listing(
        self,
        first_path: str,
        template_name: str,
        pages: tuple[Page, ...],
        source: str = "",
        key: tuple = (),
        **context,
    ) -> list[Output]:
        """A list of articles, in as many numbered listing parts as it needs."""
        parts = listing_parts(first_path, pages, self.settings.per_page)
        return [
            self.output(p.path, template_name, pager=p, key=(p, *key), source=source, **context)
            for p in parts
        ]

    def timeline(self) -> list[Output | Job]:
        """One timeline output; past TIMELINE_PAGE_ENTRIES, one per year, and one per month for a
        year that large."""
        undated = tuple(p for p in self.site.pages if p.date is None)
        years = group_timeline(self.site.timeline)
        first = "timeline/index.html"
        if len(self.site.timeline) <= TIMELINE_PAGE_ENTRIES:
            key = (years, undated)
            return [self.timeline_part(first, years=years, undated=undated, parts=(), key=key)]
        parts = tuple(
            TimelinePart(f"timeline/{y.year}/index.html", y.year, None, y.count, "year")
            for y in years
        )
        key = (parts, undated)
        outputs = [self.timeline_part(first, years=(), undated=undated, parts=parts, key=key)]
        for year in years:
            outputs += self.timeline_year(year)
        return outputs

    def timeline_year(self, year: YearGroup) -> list[Output | Job]:
        """A year of a split timeline: one output, or one and another per month."""
        path = f"timeline/{year.year}/index.html"
        if year.count <= TIMELINE_PAGE_ENTRIES:
            return [self.timeline_part(path, years=(year,), undated=(), parts=(), key=(year,))]
        months = tuple(
            TimelinePart(
                f"timeline/{year.year}/{group.month or 'any'}/index.html",
                year.year,
                group.month,
                len(group.entries),
                "month",
            )
            for group in year.months
        )
        outputs = [self.timeline_part(path, years=(), undated=(), parts=months, key=(months,))]
        for group, part in zip(year.months, months, strict=True):
            years = (YearGroup(year.year, (group,)),)
            key = (group,)
            outputs.append(
                self.timeline_part(part.path, years=years, undated=(), parts=(), key=key)
            )
        return outputs

    def timeline_part(self, output_path: str, key: tuple, **context) -> Output | Job:
        return self.output(output_path, "timeline.html", key=key, **context)

    def data(self) -> list[Output | Job]:
        """The data files to download, and the page that describes them; made again only when
        the site changed."""
        terms = tuple(self.site.terms[kind] for kind in KINDS)
        key = ("data", self.site.pages, self.site.timeline, terms, self.base_url)
        remembered = self.memo.outputs.get(f"{DATA_DIR}/articles.json")
        if remembered is not None and remembered[0] == key:
            files = {path: self.memo.outputs[path][1] for path in DATA_FILES}
        else:
            lines = self.article_lines()
            files = {
                path: Output(path, data, "data")
                for path, data in data_files(self.site, self.base_url, lines).items()
            }
            self.memo.outputs.update({path: (key, output) for path, output in files.items()})
        sizes = {path.rsplit("/", 1)[1]: len(output.data or b"") for path, output in files.items()}
        events = sum(1 for event in self.site.timeline if not event.is_article)
        entities = sum(len(kind_terms) for kind_terms in terms)
        about = self.output(
            f"{DATA_DIR}/index.html",
            "data.html",
            sizes=sizes,
            events=events,
            entities=entities,
            key=(tuple(sorted(sizes.items())), len(self.site.pages), events, entities),
        )
        return [*files.values(), about]

    def article_lines(self) -> list[tuple[str, str]]:
        """Each article's lines in the data files, made again only for the pages that changed."""
        parts = (
            self.kept_part("data", page, [], 3, lambda p=page: article_lines(p, self.base_url))
            for page in self.site.pages
        )
        return [(part[1], part[2]) for part in parts]

    def print_edition(self) -> Output | Job:
        """The whole dossier as one document to print: its articles oldest first (undated last),
        and its events."""
        pages = tuple(
            sorted(
                self.site.pages,
                key=lambda p: (p.date is None, p.date.start if p.date else None, p.src_path),
            )
        )
        events = tuple(entry for entry in self.site.timeline if not entry.is_article)
        dated = [p.date for p in pages if p.date]
        return self.output(
            "print/index.html",
            "print.html",
            pages=pages,
            events=events,
            first=dated[0] if dated else None,
            last=dated[-1] if dated else None,
            key=(self.site.pages, events),
        )

    def article(self, page: Page) -> Output:
        previous, following = self.site.previous.get(page.slug), self.site.next.get(page.slug)
        return self.output(
            page.output_path,
            "article.html",
            page=page,
            previous=previous,
            next=following,
            key=(page, previous, following),
            source=page.src_path,
        )

    def sitemap(self, outputs: list[Output | Job]) -> Output | Job:
        html_paths = tuple(
            o.output_path
            for o in outputs
            if o.output_path.endswith(".html") and o.output_path != "404.html"
        )
        remembered = self.memo.outputs.get("sitemap.xml")
        if remembered is not None and remembered[0] == ("sitemap.xml", *html_paths):
            return remembered[1]  # the same pages: no need to make thousands of URLs again
        return self.output(
            "sitemap.xml",
            "sitemap.xml",
            urls=[absolute_url(self.base_url, p) for p in html_paths],
            key=html_paths,
        )

    @property
    def base_url(self) -> str:
        return self.settings.base_url or "http://localhost/"

    def output(
        self,
        output_path: str,
        template_name: str,
        key: tuple | None = None,
        source: str = "",
        **context,
    ) -> Output | Job:
        """The memo's output when it was made from the same key; else a job to render the
        template."""
        if key is not None:
            key = (template_name, *key)
            remembered = self.memo.outputs.get(output_path)
            if remembered is not None and remembered[0] == key:
                return remembered[1]
            if self.kept is not None and self.kept.holds(output_path, key):
                return Output(
                    output_path, None, source
                )  # site/ has it already, as this key would render it
        return Job(output_path, template_name, context, key, source)

    def render(self, output_path: str, template_name: str, context: dict) -> bytes:
        """Render one template, with links relative to where its output will be written."""
        root = "../" * output_path.count("/")
        if output_path == NOT_FOUND and self.root_path:
            root = (
                self.root_path
            )  # a host serves it at any missed address: links must not depend on where
        try:
            template = self.env.get_template(template_name)
            text = template.render(self.context(root), output_path=output_path, **context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateProblem(
                f"layouts/{error.name or template_name}", error.lineno, error.message
            ) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateProblem(
                f"layouts/{template_name}", None, f"template {error.name!r} not found"
            ) from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, LookupError) as error:
            raise TemplateProblem(
                *_template_location(error, template_name), f"while rendering {output_path}: {error}"
            ) from None
        return text.encode("utf-8")

    def context(self, root: str) -> dict:
        """What every template sees; links depend only on how deep the output is, so cards can
        be reused."""
        cached = self._contexts.get(root)
        if cached is not None:
            return cached

        def link(target: str) -> str:
            return root + url_quote(target)

        def term_link(kind: str, name: str) -> str | None:
            target = self.term_path(kind, name)
            return link(target) if target else None

        def card(page: Page, heading: str = "h2") -> Markup:
            return Markup(
                self.card(page)
                .replace(CARD_ROOT, root)
                .replace(CARD_ROOT_OR_DOT, root or "./")
                .replace(CARD_HEADING, escape(heading))
            )

        context = dict(
            site=self.site,
            settings=self.settings,
            link=link,
            term_link=term_link,
            card=card,
            root=root or "./",
            article_of=self.article_of,
            sources_of=self.sources_of,
            absolute=lambda target: absolute_url(self.base_url, target),
            updated=self.updated,
            print_part=lambda page: self.print_part(page, root),
        )
        self._contexts[root] = context
        return context

    def card(self, page: Page) -> str:
        """Render an article's card once, with placeholders where its links say how deep the
        listing is and where its heading's level goes."""
        return self.kept_part("card", page, [], 2, lambda: [self.render_card(page)])[1]

    def render_card(self, page: Page) -> str:
        context = {**self.context(CARD_ROOT), "root": CARD_ROOT_OR_DOT}
        return self.env.get_template("card.html").render(context, page=page, heading=CARD_HEADING)

    def print_part(self, page: Page, root: str) -> PrintPart:
        """An article's lines in the print edition (print_parts.html), rendered again only when
        its page changed: kept between builds with its page's fingerprint, and without the
        article's body, which the page holds already: [fingerprint, root, contents line, the
        article before its body, after it] (None after it: no body in it)."""
        part = self.kept_part("print", page, [root], 5, lambda: self.render_print_part(page, root))
        article = part[3] if part[4] is None else part[3] + page.html + part[4]
        return PrintPart(Markup(part[2]), Markup(article))

    def render_print_part(self, page: Page, root: str) -> list[str | None]:
        if root not in self._part_macros:
            template = self.env.get_template("print_parts.html")
            self._part_macros[root] = template.make_module(self.context(root))
        macros = self._part_macros[root]
        article = str(macros.article(page))
        before, body, after = article.partition(page.html) if page.html else (article, "", "")
        return [str(macros.contents(page)), *([before, after] if body else [article, None])]

    def article_of(self, slug: str | None) -> Page | None:
        """The article a timeline entry comes from."""
        return self.pages_by_slug.get(slug)

    @cached_property
    def pages_by_slug(self) -> dict[str, Page]:
        return {page.slug: page for page in self.site.pages}

    def sources_of(self, entries: list[Event]) -> list[str]:
        """The sources of the articles among timeline entries, for the timeline's filter."""
        pages = [self.article_of(entry.article) for entry in entries if entry.is_article]
        return [source for page in pages if page for source in page.sources]

    def term_path(self, kind: str, name: str) -> str | None:
        key = (kind, name)
        if key not in self._term_paths:
            term = self.site.term(kind, name)
            self._term_paths[key] = term.output_path if term else None
        return self._term_paths[key]


@dataclass
class Rendered:
    """What a render produced: every output (without its bytes when the writer took them), how
    many were rendered (the others were in memory or in site/ already), and the output paths the
    writer took whose bytes changed."""

    outputs: list[Output]
    count: int
    written: list[str]
    parts: dict[str, dict[str, list]] = field(default_factory=dict)  # see RenderMemo.parts


@dataclass(frozen=True)
class WithParts:
    """A job's result, with the print edition's parts it rendered (by src_path)."""

    result: bytes | bool
    parts: dict[str, list[str]]


@dataclass(frozen=True)
class PrintPart:
    """An article's lines in the print edition: its line in the contents, and the article."""

    contents: Markup
    article: Markup


def _mapping(value: object) -> dict:
    """A kept dict of parts, or none if what was kept (say, a cache file edited by hand) is not
    one."""
    return value if isinstance(value, dict) else {}


def _part_of(part: object, made_from: list[str], size: int) -> bool:
    """Whether a kept part (a list of texts and Nones) was made from this (a page's fingerprint,
    and a depth for a print part)."""
    return (
        isinstance(part, list)
        and len(part) == size
        and part[: len(made_from)] == made_from
        and all(isinstance(text, (str, type(None))) for text in part)
    )


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled layouts kept between builds: compiling them was 0.4 s of a 0.6 s small build.

    Jinja finds a template's code by its name and file and uses it only if the source's checksum
    matches; the folder is named after this package's code and Jinja's and Python's versions, which
    decide what the code compiles to. Best effort: a cache that cannot be written is no cache.
    """

    def __init__(self, directory: Path):
        super().__init__(str(directory))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as error:  # a damaged entry: compile again
            log.debug("compiled layout not read: %s", error)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:  # a read-only or full disk still builds
            log.debug("compiled layout not kept: %s", error)


def compiled_layouts_dir(cache_dir: Path) -> Path | None:
    """The folder for this code's compiled layouts in a cache folder, made if need be; None if it
    cannot be made."""
    version = f"{code_version()}\0{jinja2.__version__}\0{sys.version_info[:2]}"
    folder = cache_dir / f"layouts-{hashlib.sha256(version.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.debug("compiled layouts not kept: %s", error)
        return None
    return folder


class Templates:
    """The Jinja environment and the render memo, made again when a layout or a setting changes."""

    def __init__(self, layouts_dirs: list[Path], compiled_dir: Path | None = None):
        self.layouts_dirs = layouts_dirs
        self.compiled_dir = compiled_dir
        self.key: tuple | None = None
        self.env: jinja2.Environment | None = None
        self.memo = RenderMemo()

    def for_site(self, settings: Settings, drafts: bool) -> tuple[jinja2.Environment, RenderMemo]:
        key = (settings, drafts, layout_stamps(self.layouts_dirs))
        if key != self.key:  # compile the layouts again, render everything
            self.env = make_env(self.layouts_dirs, self.compiled_dir)
            register_filters(self.env, settings.locale, settings.hijri)
            self.key, self.memo = key, RenderMemo()
        return self.env, self.memo


def layout_stamps(layouts_dirs: list[Path]) -> tuple:
    """Stamp every template and static file, so a layout edit is noticed."""
    files = (p for d in layouts_dirs if d.is_dir() for p in d.rglob("*") if p.is_file())
    return tuple(sorted((str(p), file_stamp(p)) for p in files))


@dataclass(frozen=True)
class Job:
    """One output still to render: its template and what the template is given."""

    output_path: str
    template_name: str
    context: dict
    key: tuple | None
    source: str


@dataclass(frozen=True)
class TimelinePart:
    """A link from a split timeline to one of its pages: a year, or a month of a large year."""

    path: str
    year: int
    month: int | None  # None with kind "month": the entries known only to the year
    count: int
    kind: str  # "year" or "month"


@dataclass(frozen=True)
class ListingPart:
    """One part of a long list of articles (a home, an entity), with links to the others."""

    path: str
    items: tuple[Page, ...]
    number: int
    total: int
    previous_path: str | None
    next_path: str | None


def part_path(first_path: str, number: int) -> str:
    """index.html, page/2/index.html, … beside the first part."""
    if number == 1:
        return first_path
    folder = posixpath.dirname(first_path)
    return f"{folder}/page/{number}/index.html" if folder else f"page/{number}/index.html"


def listing_parts(first_path: str, pages: tuple[Page, ...], per_page: int) -> list[ListingPart]:
    total = max(1, -(-len(pages) // per_page))
    return [
        ListingPart(
            part_path(first_path, n),
            pages[(n - 1) * per_page : n * per_page],
            n,
            total,
            part_path(first_path, n - 1) if n > 1 else None,
            part_path(first_path, n + 1) if n < total else None,
        )
        for n in range(1, total + 1)
    ]


@lru_cache(maxsize=65536)
def url_quote(target: str) -> str:
    """A link's target percent-encoded; kept, since the same targets are linked from many pages."""
    return quote(target, safe=URL_SAFE)


def _template_location(error: Exception, template_name: str) -> tuple[str, int | None]:
    """Find the template file and line a rendering error happened on, from the traceback."""
    traceback = error.__traceback__
    location = (f"layouts/{template_name}", None)
    while traceback is not None:
        frame = traceback.tb_frame
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            location = (f"layouts/{Path(filename).name}", traceback.tb_lineno)
        traceback = traceback.tb_next
    return location


def _url_path(base_url: str) -> str:
    """The path part of the site's public URL ('/dossier/'), or '' when there is none."""
    if not base_url:
        return ""
    path = urlsplit(base_url).path or "/"
    return quote(path if path.endswith("/") else path + "/", safe=URL_SAFE)


def _latest(site: Site) -> dt.datetime:
    """Stamp the feed with its newest article's date, so a rebuild of the same content is
    byte-identical."""
    dated = [p.date.start for p in site.pages if p.date]
    return day_stamp(max(dated) if dated else dt.date(2000, 1, 1))


def day_stamp(day: dt.date) -> dt.datetime:
    """A time for a day that a feed reader shows as that same day from UTC-12 to UTC+11: noon UTC.

    Midnight UTC showed every article a day early west of Greenwich."""
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc)


def register_filters(env: jinja2.Environment, locale: str, hijri: bool) -> None:
    """Date and text filters the layouts use."""
    env.filters["arabic_date"] = lambda d: dates.format_arabic(d, locale) if d else ""
    env.filters["hijri_date"] = lambda d: dates.format_hijri(d) if d and hijri else ""
    env.filters["month_name"] = lambda m: dates.format_arabic(
        dates.PartialDate(dt.date(2000, m, 1), "month"), locale
    ).rsplit(" ", 1)[0]
    env.filters["rfc3339"] = lambda d: day_stamp(d.start).isoformat()
    env.filters["html"] = Markup
    env.filters["story"] = story
    env.filters["count_words"] = count_words
    env.filters["fit"] = (
        fit_text  # each name of a joined list balanced on its own, not the list as one
    )
    env.filters["json_text"] = lambda value: json.dumps(
        value, ensure_ascii=False, indent=1
    )  # readable Arabic
    env.filters["short_digest"] = lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()[
        :8
    ]  # ASCII keys
