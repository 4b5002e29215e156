"""Builder: load -> collect -> render -> write -> index, with a page cache for rebuilds."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import (
    PageCache,
    cache_path,
    code_version,
    dependency_versions,
    file_digest,
    file_stamp,
    vouched_stamp,
)
from .collect import collect
from .errors import ContentError, ContentErrors
from .gazetteer import GAZETTEER_PATH, Gazetteer, gazetteer_for
from .kept_site import record_path
from .load import (
    EVENTS_PATH,
    SETTINGS_FILE,
    MarkdownConverter,
    base_url_problem,
    display_path,
    load_events,
    load_page,
    load_settings,
    page_paths,
)
from .pages import Event, Output, Page, Settings, Site
from .parallel import parallel_map
from .project import check_links
from .reference import cache_dir_for
from .render import (
    BUILTIN_LAYOUTS,
    Rendered,
    Renderer,
    Templates,
    compiled_layouts_dir,
    layout_stamps,
    static_files,
)
from .render_keys import KeptOutputs, KeyDigests, page_fingerprint
from .search import drop_index, index_site
from .textio import remove_stale_temporaries
from .write import SITE_MARKER, InPlaceWriter, StagingWriter, site_stamp

log = logging.getLogger(__name__)
MARKER_TEXT = b"Built by build.py; this folder is replaced on every build.\n"


@dataclass(frozen=True)
class BuildOptions:
    """What a build reads and writes, and how the command asked for it."""

    content_dir: Path
    site_dir: Path
    layouts_dir: Path | None = None  # default: the dossier's layouts/
    base_url: str | None = None  # overrides the settings' base_url
    drafts: bool = False
    search: bool = True  # build the search index (else remove one an earlier build left)
    workers: int = 1  # processes for loading and rendering (forked: only before any thread starts)
    root_path: str | None = None  # where 404.html is served from (default: the base URL's path)


@dataclass
class BuildResult:
    errors: list[ContentError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rendered: int = 0  # outputs rendered; the others were in site/ or in memory as they would be
    pages: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


class Timings:
    """Seconds spent in each phase of a build, measured as laps of one clock."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    def move(self, seconds: float, from_phase: str, to_phase: str) -> None:
        """Count part of a phase's time (say, Markdown inside loading) as another phase."""
        self.seconds[from_phase] = self.seconds.get(from_phase, 0.0) - seconds
        self.seconds[to_phase] = self.seconds.get(to_phase, 0.0) + seconds

    def result(self, changed: list[str] | None = None, rendered: int = 0, pages: int = 0):
        elapsed = time.perf_counter() - self.started
        return BuildResult([], changed or [], rendered, pages, elapsed, self.seconds)

    def failed(self, errors: list[ContentError]) -> BuildResult:
        return BuildResult(errors=errors, seconds=time.perf_counter() - self.started)


@dataclass(frozen=True)
class Inputs:
    """Every file a build reads, stamped before any is read (an edit made during the build is
    seen by the next one): as the last build vouched for its stamps, and as this one does."""

    page_paths: list[str]
    known: dict[str, tuple]
    fresh: dict[str, tuple]
    stamped_at: int  # ns


class Builder:
    """Build a dossier's site; keep parsed pages so that a rebuild re-reads only what changed.

    Make one with Builder.for_cli or Builder.for_preview: they choose the page cache and the writer.
    """

    def __init__(self, options: BuildOptions, cache: PageCache, writer):
        self.options = options
        self.cache = cache
        self.writer = writer  # write.StagingWriter or write.InPlaceWriter
        self.content_dir = Path(options.content_dir)
        self.site_dir = Path(options.site_dir)
        self.project_dir = Path(os.path.abspath(self.content_dir)).parent  # content/ may be a link
        curator_layouts = Path(options.layouts_dir or self.project_dir / "layouts")
        self.layouts_dirs = list(dict.fromkeys([curator_layouts.resolve(), BUILTIN_LAYOUTS]))
        self.settings_path = self.project_dir / SETTINGS_FILE
        self.read_roots = [self.content_dir, curator_layouts, self.settings_path]  # no link out
        compiled_dir = compiled_layouts_dir(cache_dir_for(self.content_dir))
        self.templates = Templates(self.layouts_dirs, compiled_dir)
        self._gazetteer: Gazetteer | None = None

    @classmethod
    def for_cli(cls, options: BuildOptions, keep_cache: bool = True) -> Builder:
        """The command line's: outputs go from the render workers into a staging folder swapped in
        whole, then the search index; the page cache is kept beside site/ (unless keep_cache is
        False: then in memory only)."""
        key = {
            "code": code_version(),
            "dependencies": dependency_versions(),
            "content": str(Path(options.content_dir).resolve()),
        }
        cache = PageCache(Path(options.site_dir), key, keep=keep_cache)
        return cls(options, cache, StagingWriter(Path(options.site_dir)))

    @classmethod
    def for_preview(cls, options: BuildOptions) -> Builder:
        """The preview's: everything kept in memory, site/ updated file by file in milliseconds;
        no search index (the preview server indexes in the background)."""
        options = dataclasses.replace(options, search=False)
        cache = PageCache(Path(options.site_dir), {}, keep=False)
        return cls(options, cache, InPlaceWriter(Path(options.site_dir)))

    def build(self) -> BuildResult:
        """Load -> collect -> render -> write -> index; any problem leaves site/ as it was."""
        clock = Timings()
        try:
            self.remove_stale_temporaries()
            inputs = self.stamp_inputs()
            if self.nothing_to_do(inputs):
                return clock.result(pages=self.cache.record.get("pages", 0))
            site = collect(*self.load(inputs, clock), drafts=self.options.drafts)
            clock.lap("collect")
            with self.writer.session() as target:  # the staging folder, or site/ itself
                kept = self.kept_outputs(site, inputs, target)
                rendered = self.render(site, target, kept, clock)
                changed = target.write(rendered, index=self.index(clock))
            self.remember(inputs, site, kept, rendered.parts, changed, clock)
        except ContentErrors as group:
            return clock.failed(group.errors)
        except ContentError as error:
            return clock.failed([error])
        return clock.result(changed, rendered.count, len(site.pages))

    def remove_stale_temporaries(self) -> None:
        """What a build killed while writing its cache or kept-site record left beside site/."""
        if self.writer.keeps_record:
            remove_stale_temporaries([cache_path(self.site_dir), record_path(self.site_dir)])

    def stamp_inputs(self) -> Inputs:
        """Stamp every file the build reads (by path as text: cheaper than Path objects)."""
        stamped_at = time.time_ns()
        pages = self._page_stamps()
        stamps, digests = {**pages, **self._other_stamps()}, {}
        since = self.cache.stamped_at
        known = {path: vouched_stamp(path, s, since, digests) for path, s in stamps.items()}
        fresh = {path: vouched_stamp(path, s, stamped_at, digests) for path, s in stamps.items()}
        return Inputs(list(pages), known, fresh, stamped_at)

    def nothing_to_do(self, inputs: Inputs) -> bool:
        """Nothing was edited since the last build, and site/ is still the folder it wrote."""
        if not self.writer.keeps_record:
            return False
        return self.cache.unchanged(self._digest_inputs(inputs.known), site_stamp(self.site_dir))

    def load(
        self, inputs: Inputs, clock: Timings
    ) -> tuple[list[Page], list[Event], Settings, Gazetteer]:
        """Read the settings, the gazetteer, the pages (those changed since the last build) and
        the curator's events."""
        self.cache.read_pages()
        check_links(self.project_dir, self.read_roots)
        settings = self._settings()
        gazetteer = self._load_gazetteer(inputs)
        pages = self._load_pages(gazetteer, clock, inputs)
        events = load_events(self.content_dir)
        self.cache.stamped_at = inputs.stamped_at
        clock.lap("load")
        return pages, events, settings, gazetteer

    def render(self, site: Site, target, kept: KeptOutputs | None, clock: Timings) -> Rendered:
        """Render every output not already in site/ or in memory as it would be rendered."""
        env, memo = self.templates.for_site(site.settings, self.options.drafts)
        renderer = Renderer(
            env,
            site,
            memo=None if target.put else memo,  # outputs streamed to disk are not held in memory
            workers=self.options.workers,
            root_path=self.options.root_path,
            put=target.put,
            kept=kept,
            fingerprints={src_path: entry[2] for src_path, entry in self.cache.pages.items()},
        )
        rendered = renderer.render_all(static_files(self.layouts_dirs))
        rendered.outputs.append(Output(SITE_MARKER, MARKER_TEXT))
        check_unique(rendered.outputs, self._shown)
        clock.lap("render")
        return rendered

    def index(self, clock: Timings):
        """What to do with the index in the next site: rebuild it, or drop an old one
        (--no-search)."""

        def index(staging: Path, changed: list[str]) -> list[str]:
            clock.lap("write")
            search = self.options.search
            written = index_site(staging, changed) if search else drop_index(staging, changed)
            clock.lap("search")
            return written

        return index

    def remember(
        self,
        inputs: Inputs,
        site: Site,
        kept: KeptOutputs | None,
        parts: dict[str, dict[str, list]],
        changed: list[str],
        clock: Timings,
    ) -> None:
        """Record what this build read and left in site/, for the next one."""
        clock.lap("write")
        if kept is not None:
            self.cache.outputs = {"context": kept.context, "keys": kept.digests, "parts": parts}
        if self.writer.keeps_record:
            inputs_digest = self._digest_inputs(inputs.fresh)
            self.cache.save(inputs_digest, site_stamp(self.site_dir), len(site.pages))
            clock.lap("write")
        elif changed:
            self.cache.forget_file()  # site/ no longer holds what the command line's record says

    def kept_outputs(self, site: Site, inputs: Inputs, target) -> KeptOutputs | None:
        """The outputs site/ holds as this build would render them, by the last build's record
        (when it still describes site/ and was made with the same layouts and settings)."""
        if target.present is None:
            return None
        pages = set(inputs.page_paths)
        others = sorted(path for path in inputs.known if path not in pages)
        files = [(path, file_digest(path)) for path in others]
        context = _digest(repr((site.settings, self.options.drafts, self.options.root_path, files)))
        record = self.cache.outputs
        usable = (
            record.get("context") == context
            and isinstance(record.get("keys"), dict)
            and self.cache.record.get("site") == list(site_stamp(self.site_dir) or [None])
        )
        fingerprints = {src_path: entry[2] for src_path, entry in self.cache.pages.items()}
        keys = KeyDigests(fingerprints, site.pages)
        parts = record.get("parts") if usable and isinstance(record.get("parts"), dict) else {}
        return KeptOutputs(record["keys"] if usable else {}, target.present, keys, context, parts)

    def _shown(self, source: str) -> str:
        """An output's source as messages show it: an article by its file (content/x.md)."""
        return display_path(self.content_dir / source) if source.endswith(".md") else source

    def _settings(self) -> Settings:
        """The dossier's settings, with the command line's --base-url."""
        settings = load_settings(self.settings_path)
        base_url = self.options.base_url
        if base_url and base_url_problem(base_url):
            raise ContentError("--base-url", None, base_url_problem(base_url))
        return dataclasses.replace(settings, base_url=base_url) if base_url else settings

    def _page_stamps(self) -> dict[str, tuple]:
        """Each page file and its stamp."""
        if not self.content_dir.is_dir():
            return {}
        return {path: file_stamp(path) for path in page_paths(self.content_dir)}

    def _other_stamps(self) -> dict[str, tuple]:
        """The stamps of the files a build reads besides pages: settings, gazetteer, events,
        layouts."""
        others = [
            self.settings_path,
            self.content_dir / GAZETTEER_PATH,
            self.content_dir / EVENTS_PATH,
        ]
        found = {str(p): file_stamp(p) for p in others if os.path.exists(p)}
        found.update(layout_stamps(self.layouts_dirs))
        return found

    def _digest_inputs(self, stamps: dict[str, tuple]) -> str:
        """A digest of everything a build reads and how it was asked to build."""
        options = self.options
        described = [
            sorted(stamps.items()),
            options.base_url,
            options.drafts,
            options.search,
            [str(d) for d in self.layouts_dirs],
        ]
        return hashlib.sha256(json.dumps(described).encode()).hexdigest()

    def _load_gazetteer(self, inputs: Inputs) -> Gazetteer:
        path = str(self.content_dir / GAZETTEER_PATH)
        if inputs.known.get(path) != self.cache.gazetteer_stamp:
            self.cache.pages.clear()  # canonical entity names may have changed on every page
            self._gazetteer = None
        self.cache.gazetteer_stamp = inputs.fresh.get(path)
        if self._gazetteer is None:
            self._gazetteer = gazetteer_for(self.content_dir, display_path(Path(path)))
        return self._gazetteer

    def _load_pages(self, gazetteer: Gazetteer, clock: Timings, inputs: Inputs) -> list[Page]:
        """Load every page, re-reading only files whose stamp changed since the last build."""
        if not self.content_dir.is_dir():
            raise ContentError(str(self.content_dir), None, "the content folder does not exist")
        cached, paths = self.cache.pages, inputs.page_paths
        cut = len(os.path.join(str(self.content_dir), ""))  # page paths start with content/
        stale = [path for path in paths if cached.get(path[cut:], (None,))[0] != inputs.known[path]]
        converter = MarkdownConverter()
        load = _page_loader(self.content_dir, gazetteer, converter)
        results = parallel_map(load, stale, self.options.workers)
        errors = []
        for path, (loaded, _, _, fingerprint) in zip(stale, results, strict=True):
            if isinstance(loaded, Page):
                cached[path[cut:]] = (inputs.fresh[path], loaded, fingerprint)
            else:
                errors.extend(loaded)
                cached.pop(path[cut:], None)
        for gone in set(cached) - {path[cut:] for path in paths}:
            del cached[gone]
        total, markdown = sum(r[1] for r in results), sum(r[2] for r in results)
        clock.lap("load")
        clock.move(clock.seconds["load"] * markdown / total if total else 0.0, "load", "markdown")
        if errors:
            raise ContentErrors(errors)
        return [cached[path[cut:]][1] for path in paths]


def _page_loader(content_dir: Path, gazetteer: Gazetteer, converter: MarkdownConverter):
    """Load one page: (the page or its problems, seconds, seconds in Markdown, fingerprint)."""

    def load(path: str) -> tuple[Page | list[ContentError], float, float, str]:
        started, markdown_before = time.perf_counter(), converter.seconds
        try:
            loaded = load_page(content_dir, path, gazetteer, converter)
        except ContentErrors as group:
            loaded = group.errors
        fingerprint = page_fingerprint(loaded) if isinstance(loaded, Page) else ""
        return (
            loaded,
            time.perf_counter() - started,
            converter.seconds - markdown_before,
            fingerprint,
        )

    return load


def check_unique(outputs: list[Output], shown: Callable[[str], str] = str) -> None:
    """Two sources that would write the same file are an error naming both."""
    first: dict[str, Output] = {}
    errors = []
    for output in outputs:
        other = first.setdefault(output.output_path, output)
        if other is not output:
            path, earlier = output.output_path, shown(other.source) or "another output"
            message = f"would write {path}, which {earlier} also writes"
            errors.append(ContentError(shown(output.source) or path, None, message))
    if errors:
        raise ContentErrors(errors)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
