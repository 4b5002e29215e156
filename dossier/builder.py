"""Builder: load -> collect -> render -> write, with a cache of parsed pages for rebuilds."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import (
    CachedPage,
    cache_path,
    code_version,
    dependency_versions,
    file_digest,
    file_stamp,
    read_cache,
    read_cached_pages,
    vouched_stamp,
    write_cache,
)
from .collect import collect
from .errors import ContentError, ContentErrors
from .gazetteer import GAZETTEER_PATH, Gazetteer, gazetteer_for
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
from .pages import Output, Page
from .parallel import parallel_map
from .project import check_links
from .render import (
    BUILTIN_LAYOUTS,
    KeptOutputs,
    Renderer,
    RenderMemo,
    make_env,
    register_filters,
    static_files,
)
from .render_keys import page_fingerprint
from .search import drop_index, index_site
from .write import SITE_MARKER, Staging, write_in_place, write_outputs

log = logging.getLogger(__name__)
MARKER_TEXT = b"Built by build.py; this folder is replaced on every build.\n"


@dataclass
class BuildResult:
    errors: list[ContentError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rendered: int = (
        0  # outputs rendered; the others were already in site/ or in memory as they would be
    )
    pages: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase


class Timings:
    """Seconds spent in each phase of a build, measured as laps of one clock."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now

    def move(self, seconds: float, from_phase: str, to_phase: str) -> None:
        """Count part of a phase's time (say, Markdown inside loading) as another phase."""
        self.seconds[from_phase] = self.seconds.get(from_phase, 0.0) - seconds
        self.seconds[to_phase] = self.seconds.get(to_phase, 0.0) + seconds


class Builder:
    """Build a dossier's site; keep parsed pages between builds so a rebuild re-reads only what changed."""

    def __init__(
        self,
        content_dir: Path,
        site_dir: Path,
        *,
        layouts_dir: Path | None = None,
        base_url: str | None = None,
        drafts: bool = False,
        search: bool = True,
        swap: bool = True,
        workers: int = 1,
        persist: bool = False,
        root_path: str | None = None,
    ):
        self.content_dir = Path(content_dir)
        self.site_dir = Path(site_dir)
        self.project_dir = Path(os.path.abspath(self.content_dir)).parent  # content/ may be a link
        curator_layouts = Path(layouts_dir or self.project_dir / "layouts")
        self.layouts_dirs = list(dict.fromkeys([curator_layouts.resolve(), BUILTIN_LAYOUTS]))
        self.settings_path = self.project_dir / SETTINGS_FILE
        self.read_roots = [self.content_dir, curator_layouts, self.settings_path]  # no link out
        self.base_url = base_url
        self.drafts = drafts
        self.search = search
        self.swap = (
            swap  # True: the whole new site replaces the old at once; False: file by file (preview)
        )
        self.root_path = (
            root_path  # where the site is served from, for 404.html (default: the base URL's path)
        )
        self.workers = (
            workers  # processes for loading and rendering (forked: only before any thread starts)
        )
        self._cache: dict[
            str, CachedPage
        ] = {}  # by page path: (stamp of the file, its page, its fingerprint)
        self._outputs_record: dict = {}  # what the last command-line build left in site/ (see _kept_outputs)
        self._stamped_at: int | None = (
            None  # when the stamps kept were taken (ns): see cache.vouched_stamp
        )
        self._gazetteer_stamp: tuple | None = None
        self._gazetteer: Gazetteer | None = None
        self._memo = RenderMemo()
        self._memo_key: tuple | None = None
        self._written: dict[str, bytes] = {}  # what the last build wrote, in site/ as it was then:
        self._written_site: tuple | None = None
        self.persist = (
            persist  # keep parsed pages in a JSON file between runs (the command line does)
        )
        self._cache_path = cache_path(self.site_dir)
        # Pages name their files relative to the working folder: a cache made from another folder is not reused.
        self._cache_key = (
            {
                "code": code_version(),
                "dependencies": dependency_versions(),
                "content": str(self.content_dir.resolve()),
                "cwd": os.getcwd(),
            }
            if persist
            else {}
        )
        self._previous_build: dict = {}
        self._pages_to_read = persist  # the cached pages are read only when a build has work to do
        if persist:
            self._previous_build = read_cache(self._cache_path, self._cache_key)
            self._gazetteer_stamp = _json_stamp(self._previous_build.get("gazetteer"))
            self._stamped_at = self._previous_build.get("stamped_at")

    def build(self) -> BuildResult:
        """Render everything in memory first; write only if all of it succeeded."""
        started, stamped_at = time.perf_counter(), time.time_ns()
        timings = Timings()
        try:
            page_stamps = self._page_stamps()
        except ContentErrors as group:
            return BuildResult(errors=group.errors, seconds=time.perf_counter() - started)
        stamps, digests = {**page_stamps, **self._other_stamps()}, {}
        # Each file's stamp as the last build recorded stamps, and as this one records them (taken before
        # any page is read, so an edit made during the build is seen by the next one).
        known = {
            path: vouched_stamp(path, stamp, self._stamped_at, digests)
            for path, stamp in stamps.items()
        }
        if self.persist and self._unchanged_since_last_build(self._inputs(known)):
            timings.lap("load")
            return BuildResult(
                pages=self._previous_build.get("pages", 0),
                seconds=time.perf_counter() - started,
                timings=timings.seconds,
            )
        fresh = {
            path: vouched_stamp(path, stamp, stamped_at, digests) for path, stamp in stamps.items()
        }
        if self._pages_to_read:
            (self._cache, self._outputs_record), self._pages_to_read = (
                read_cached_pages(self._cache_path, self._cache_key),
                False,
            )
        try:
            check_links(self.project_dir, self.read_roots)
            settings = load_settings(self.settings_path)
            if self.base_url and base_url_problem(self.base_url):
                raise ContentError("--base-url", None, base_url_problem(self.base_url))
            if self.base_url:
                settings = type(settings)(**{**settings.__dict__, "base_url": self.base_url})
            gazetteer = self._load_gazetteer(known, fresh)
            pages, events = (
                self._load_pages(gazetteer, timings, list(page_stamps), known, fresh),
                load_events(self.content_dir),
            )
            self._stamped_at = stamped_at
            timings.lap("load")
            site = collect(pages, events, settings, gazetteer, drafts=self.drafts)
            timings.lap("collect")
            memo_key = (settings, self.drafts, layout_stamps(self.layouts_dirs))
            if (
                memo_key != self._memo_key
            ):  # a layout or setting changed: compile the layouts, render everything
                self._env = make_env(self.layouts_dirs)
                register_filters(self._env, settings.locale, settings.hijri)
                self._memo, self._memo_key = RenderMemo(), memo_key
            self._check_site_dir()
            if self.persist and self.swap:
                others = sorted(path for path in stamps if path not in page_stamps)
                context = _digest(
                    repr(
                        (
                            settings,
                            self.drafts,
                            self.root_path,
                            [(p, file_digest(p)) for p in others],
                        )
                    )
                )
                changed, rendered = self._render_into_staging(site, timings, context)
            else:
                renderer = self._renderer(site)
                outputs, rendered = (
                    renderer.render_all(static_files(self.layouts_dirs)),
                    renderer.rendered,
                )
                outputs.append(Output(SITE_MARKER, MARKER_TEXT))
                check_unique(outputs)
                timings.lap("render")
                if self.swap or not self.site_dir.is_dir():
                    changed = write_outputs(
                        outputs,
                        self.site_dir,
                        extra=self._search_index(timings),
                        previous=self._written,
                    )
                else:
                    if self._site_identity() != self._written_site:
                        self._written = {}  # another build swapped in site/: compare with the disk
                    changed = write_in_place(outputs, self.site_dir, self._written)
                timings.lap("write")
                self._written = {o.output_path: o.data for o in outputs}
                self._written_site = self._site_identity()
                if changed and not self.persist:
                    self._cache_path.unlink(
                        missing_ok=True
                    )  # site/ no longer holds what its record says
            if self.persist:
                self._save_cache(self._inputs(fresh), len(site.pages))
                timings.lap("write")
        except ContentErrors as group:
            return BuildResult(errors=group.errors, seconds=time.perf_counter() - started)
        except ContentError as error:
            return BuildResult(errors=[error], seconds=time.perf_counter() - started)
        return BuildResult(
            changed=changed,
            rendered=rendered,
            pages=len(site.pages),
            seconds=time.perf_counter() - started,
            timings=timings.seconds,
        )

    def _renderer(self, site, sink=None, kept=None) -> Renderer:
        return Renderer(
            self._env,
            site,
            memo=self._memo,
            workers=self.workers,
            root_path=self.root_path,
            sink=sink,
            kept=kept,
        )

    def _render_into_staging(self, site, timings: Timings, context: str) -> tuple[list[str], int]:
        """The command line's one-shot build: workers write each output into the staging folder as they render it,
        so the site is never held in memory; a problem discards the staging folder and site/ stays as it was.

        Outputs that site/ holds from the same render key (by the last build's record) are not rendered
        again: the staging folder starts as links to them."""
        staging = Staging(self.site_dir)
        try:
            kept = self._kept_outputs(context, staging.existing)
            renderer = self._renderer(site, sink=staging.put, kept=kept)
            outputs = renderer.render_all(static_files(self.layouts_dirs))
            outputs.append(Output(SITE_MARKER, MARKER_TEXT))
            check_unique(outputs)
            timings.lap("render")
            changed = renderer.sunk_changes + [
                o.output_path
                for o in outputs
                if o.data is not None and staging.put(o.output_path, o.data)
            ]
            changed = staging.finish(
                {o.output_path for o in outputs}, changed, extra=self._search_index(timings)
            )
        except BaseException:
            staging.discard()
            raise
        timings.lap("write")
        self._written, self._memo = (
            {},
            RenderMemo(),
        )  # nothing kept in memory: the record says what site/ holds
        self._memo_key = None
        self._outputs_record = {"context": context, "keys": kept.digests}
        return changed, renderer.rendered

    def _kept_outputs(self, context: str, present: set[str]) -> KeptOutputs:
        """The last build's record of site/, if it still describes site/ and the same layouts and settings."""
        record = self._outputs_record
        usable = (
            record.get("context") == context
            and isinstance(record.get("keys"), dict)
            and self._site_stamp() is not None
            and self._previous_build.get("site") == list(self._site_stamp())
        )
        fingerprints = {entry[1].src_path: entry[2] for entry in self._cache.values()}
        return KeptOutputs(record["keys"] if usable else {}, present, fingerprints)

    def _search_index(self, timings: Timings):
        """What to do with the index in the next site: rebuild it, or drop an old one (--no-search)."""

        def index(staging: Path, changed: list[str]) -> list[str]:
            timings.lap("write")
            written = index_site(staging, changed) if self.search else drop_index(staging, changed)
            timings.lap("search")
            return written

        return index

    def _page_stamps(self) -> dict[str, tuple]:
        """Each page file (by path as text: cheaper than Path objects) and its stamp."""
        if not self.content_dir.is_dir():
            return {}
        return {path: file_stamp(path) for path in page_paths(self.content_dir)}

    def _other_stamps(self) -> dict[str, tuple]:
        """The stamps of the files a build reads besides pages: settings, gazetteer, events, layouts."""
        others = [
            self.settings_path,
            self.content_dir / GAZETTEER_PATH,
            self.content_dir / EVENTS_PATH,
        ]
        found = {str(p): file_stamp(p) for p in others if os.path.exists(p)}
        found.update(layout_stamps(self.layouts_dirs))
        return found

    def _inputs(self, stamps: dict[str, tuple]) -> str:
        """A digest of everything a build reads and how it was asked to build."""
        described = [
            sorted(stamps.items()),
            self.base_url,
            self.drafts,
            self.search,
            [str(d) for d in self.layouts_dirs],
        ]
        return hashlib.sha256(json.dumps(described).encode()).hexdigest()

    def _unchanged_since_last_build(self, inputs: str) -> bool:
        """True when nothing was edited since the last build and site/ is still the folder it wrote."""
        return (
            self._previous_build.get("inputs") == inputs
            and self._site_stamp() is not None
            and self._previous_build.get("site") == list(self._site_stamp())
        )

    def _site_stamp(self) -> tuple | None:
        try:
            status = (self.site_dir / SITE_MARKER).stat()
            folder = self.site_dir.stat()
        except OSError:
            return None
        return (folder.st_ino, folder.st_mtime_ns, status.st_ino, status.st_mtime_ns)

    def _site_identity(self) -> tuple | None:
        """Which site/ folder this is: a swap changes it, an update in place does not."""
        stamp = self._site_stamp()
        return stamp and (stamp[0], stamp[2])

    def _save_cache(self, inputs: str, page_count: int) -> None:
        self._previous_build = {
            "inputs": inputs,
            "site": list(self._site_stamp() or ()),
            "pages": page_count,
            "gazetteer": list(self._gazetteer_stamp) if self._gazetteer_stamp else None,
            "stamped_at": self._stamped_at,
        }
        write_cache(
            self._cache_path,
            self._cache_key,
            {str(p): entry for p, entry in self._cache.items()},
            self._previous_build,
            self._outputs_record,
        )

    def _load_gazetteer(self, known: dict[str, tuple], fresh: dict[str, tuple]) -> Gazetteer:
        path = self.content_dir / GAZETTEER_PATH
        if known.get(str(path)) != self._gazetteer_stamp:
            self._cache.clear()  # canonical entity names may have changed on every page
            self._gazetteer = None
        self._gazetteer_stamp = fresh.get(str(path))
        if self._gazetteer is None:
            self._gazetteer = gazetteer_for(self.content_dir, display_path(path))
        return self._gazetteer

    def _load_pages(
        self,
        gazetteer: Gazetteer,
        timings: Timings,
        paths: list[str],
        known: dict[str, tuple],
        fresh: dict[str, tuple],
    ) -> list[Page]:
        """Load every page, re-reading only files whose stamp changed since the last build."""
        if not self.content_dir.is_dir():
            raise ContentError(str(self.content_dir), None, "the content folder does not exist")
        stale = [path for path in paths if self._cache.get(path, (None,))[0] != known[path]]
        converter = MarkdownConverter()

        def load(path: Path) -> tuple[Page | list[ContentError], float, float, str]:
            started, markdown_before = time.perf_counter(), converter.seconds
            try:
                loaded = load_page(self.content_dir, path, gazetteer, converter)
            except ContentErrors as group:
                loaded = group.errors
            fingerprint = page_fingerprint(loaded) if isinstance(loaded, Page) else ""
            return (
                loaded,
                time.perf_counter() - started,
                converter.seconds - markdown_before,
                fingerprint,
            )

        results = parallel_map(load, stale, self.workers)
        errors = []
        for path, (loaded, _, _, fingerprint) in zip(stale, results):
            if isinstance(loaded, Page):
                self._cache[path] = (fresh[path], loaded, fingerprint)
            else:
                errors.extend(loaded)
                self._cache.pop(path, None)
        for gone in set(self._cache) - set(paths):
            del self._cache[gone]
        total, markdown = sum(r[1] for r in results), sum(r[2] for r in results)
        timings.lap("load")
        timings.move(
            timings.seconds["load"] * markdown / total if total else 0.0, "load", "markdown"
        )
        if errors:
            raise ContentErrors(errors)
        return [self._cache[path][1] for path in paths]

    def _check_site_dir(self) -> None:
        """Never replace a folder this tool did not build (say, --out pointing at content/)."""
        if (
            self.site_dir.is_dir()
            and any(self.site_dir.iterdir())
            and not (self.site_dir / SITE_MARKER).exists()
        ):
            raise ContentError(
                str(self.site_dir),
                None,
                f"refusing to replace this folder: it is not empty and was not built by build.py "
                f"(no {SITE_MARKER} file); choose another --out or empty it",
            )


def check_unique(outputs: list[Output]) -> None:
    """Two sources that would write the same file are an error naming both."""
    first: dict[str, Output] = {}
    errors = []
    for output in outputs:
        other = first.setdefault(output.output_path, output)
        if other is not output:
            errors.append(
                ContentError(
                    output.source or output.output_path,
                    None,
                    f"would write {output.output_path}, which {other.source or 'another page'} also writes",
                )
            )
    if errors:
        raise ContentErrors(errors)


def layout_stamps(layouts_dirs: list[Path]) -> tuple:
    """Stamp every template and static file, so a layout edit is noticed."""
    return tuple(
        sorted(
            (str(p), file_stamp(p))
            for d in layouts_dirs
            if d.is_dir()
            for p in d.rglob("*")
            if p.is_file()
        )
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _json_stamp(value: list | None) -> tuple | None:
    return tuple(value) if value else None
