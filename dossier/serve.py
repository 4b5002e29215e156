"""Live preview: serve site/ with livereload, rebuild once per burst of saves, show errors in
the page."""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import socket
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import quote, unquote

from .builder import Builder, BuildResult
from .errors import ContentError
from .ingest import IngestReport, ingest_seeds
from .lock import SiteLock
from .plural import count_words
from .search import SEARCH_DIR, reindex_in_place

log = logging.getLogger(__name__)

POLL_MS = 100
QUIET_SECONDS = 0.05  # a burst of saves is over when nothing changed for this long
MAX_SETTLE_SECONDS = 2.0
PORT_TRIES = 20
BANNER_ID = "dossier-build-errors"
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("application/atom+xml", ".xml")
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/javascript", ".mjs")


def scan(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Stamp every file under the watched paths: (mtime_ns, size) by path."""
    stamps = {}
    for root in paths:
        if root.is_file():
            status = root.stat()
            stamps[str(root)] = (status.st_mtime_ns, status.st_size)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "_backup"]
            for name in filenames:
                if name.startswith((".tmp-", ".#")) or name.endswith(("~", ".swp")):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    status = os.stat(path)
                except OSError:
                    continue  # removed while scanning
                stamps[path] = (status.st_mtime_ns, status.st_size)
    return stamps


class Preview:
    """The preview's state: what is watched, the last scan, and the errors of the last build."""

    def __init__(self, builder: Builder, seeds_dir: Path, watched: list[Path]):
        self.builder = builder
        self.seeds_dir = seeds_dir
        self.watched = watched
        self.errors: list[str] = []
        self.stamps = scan(watched)
        self.rebuilds = 0
        self.lock = SiteLock(builder.site_dir, "serve")  # builds of this site/ take turns with us
        self.search = SearchIndexer(builder.site_dir, self.lock)
        self.reload_wanted = threading.Event()
        self.seed_stamps: dict | None = None
        self.ingest_report = IngestReport()

    def build(self) -> bool:
        """Ingest new seeds and build; keep the last good site and record errors.

        Return True if anything changed."""
        started = time.perf_counter()
        report = self.ingest()
        with self.lock.hold():
            result = self.builder.build()
        errors = [str(e) for e in report.errors + result.errors]
        self.rebuilds += 1
        self.say(result, errors, (time.perf_counter() - started) * 1000)
        site_dir = self.builder.site_dir
        if any(p.endswith(".html") for p in result.changed) or not (site_dir / SEARCH_DIR).exists():
            self.search.request()
        changed = bool(result.changed) or errors != self.errors
        self.errors = errors
        return changed

    def ingest(self) -> IngestReport:
        """Ingest the seeds, if they changed: ingest reads every page to find known articles."""
        seed_stamps = scan([self.seeds_dir])
        if seed_stamps != self.seed_stamps:
            self.ingest_report = ingest_seeds(self.seeds_dir, self.builder.content_dir)
            self.seed_stamps = seed_stamps
        else:
            self.ingest_report = IngestReport(errors=self.ingest_report.errors)
        if self.ingest_report.written:
            # The pages ingest wrote are part of this build. Stamped before the build reads
            # anything, so a save that lands during the build is seen by the next poll, never lost.
            self.stamps = scan(self.watched)
        return self.ingest_report

    def say(self, result: BuildResult, errors: list[str], milliseconds: float) -> None:
        for error in errors:
            log.error("%s", error)
        if result.errors:
            problems = len(result.errors)
            log.info("build failed: %d problem(s); still serving the last good site", problems)
        else:
            changed = len(result.changed)
            message = "rebuilt %d page(s) in %.0f ms (%d file(s) changed)"
            log.info(message, result.pages, milliseconds, changed)

    def poll(self) -> bool:
        """Rebuild once if anything watched changed, after the burst of saves is over."""
        stamps = scan(self.watched)
        if stamps == self.stamps:
            return False
        deadline = time.monotonic() + MAX_SETTLE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(QUIET_SECONDS)
            settled = scan(self.watched)
            if settled == stamps:
                break
            stamps = settled
        self.stamps = stamps
        return self.build()

    def watch(self) -> None:
        """Poll and rebuild in this thread, for ever; the server's loop only serves and reloads
        browsers.

        Waiting for a burst of saves to end and building take seconds at times: done in the
        server's own loop, they would hold every request for that long.
        """
        while True:
            time.sleep(POLL_MS / 1000)
            try:
                changed = self.poll()
            except Exception as error:
                # the preview outlives a failed rebuild: the banner shows it, the next save retries
                self.errors = [f"the rebuild failed: {type(error).__name__}: {error}"]
                log.error("%s", self.errors[0], exc_info=log.isEnabledFor(logging.DEBUG))
                changed = True
            if changed:
                self.reload_wanted.set()


class SearchIndexer:
    """Rebuild the search index in the background: pages appear at once, search catches up
    seconds later."""

    def __init__(self, site_dir: Path, site_lock: SiteLock):
        self.site_dir = site_dir
        self.site_lock = site_lock
        self.lock = threading.Lock()
        self.wanted = threading.Event()
        self.thread: threading.Thread | None = None

    def request(self) -> None:
        self.wanted.set()
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while self.wanted.is_set():
            self.wanted.clear()
            started = time.perf_counter()
            try:
                with self.site_lock.hold():
                    reindex_in_place(self.site_dir)
            except ContentError as error:
                log.error("%s", error)
                continue
            log.info("search index updated in %.1f s", time.perf_counter() - started)


def safe_parts(raw_path: str) -> list[str] | None:
    """Split a URL path into file name parts, or None when it tries to leave site/ or name a
    hidden file."""
    path = unquote(raw_path.split("?", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    return parts


def resolve_request(site_dir: Path, raw_path: str) -> Path | None:
    """Map a URL path to a file inside site/, or None: never a file outside it, whatever the
    encoding or links."""
    parts = safe_parts(raw_path)
    if parts is None:
        return None
    root = site_dir.resolve()
    target = root.joinpath(*parts)
    if is_folder(target):
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file() or root not in real.parents:
        return None
    return real


def is_folder(path: Path) -> bool:
    """Whether a path is a folder; a name the system refuses (over 255 bytes) is simply not one."""
    try:
        return path.is_dir()
    except OSError:
        return False


def make_app(site_dir: Path, preview: Preview):
    """A WSGI app serving site/ safely, with a banner listing build errors on every HTML page."""

    def app(environ, start_response):
        raw = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start_response(
                "405 Method Not Allowed",
                [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, HEAD")],
            )
            return [b"method not allowed\n"]
        parts = safe_parts(raw)
        if parts and not raw.endswith("/") and is_folder(site_dir.resolve().joinpath(*parts)):
            start_response("301 Moved Permanently", folder_redirect(parts))
            return [b""]
        target = resolve_request(site_dir, raw)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            target = resolve_request(site_dir, "/404.html")
            if target is None:
                start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
                return [b"not found\n"]
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = with_banner(body, preview.errors)
        if content_type.startswith("text/") or content_type.endswith(("javascript", "xml", "json")):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")])
        # A HEAD answer has no body: livereload would write one, and tornado drop the connection.
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    return app


def folder_redirect(parts: list[str]) -> list[tuple[str, str]]:
    """The headers sending a folder's address without its final slash to the address with it.

    Rebuilt from the checked parts, percent-encoded: a header holds ASCII only, and "//name"
    would send the browser to another host."""
    location = "/" + "/".join(quote(part, safe="") for part in parts) + "/"
    return [("Location", location), ("Content-Type", "text/plain; charset=utf-8")]


def with_banner(page: bytes, errors: list[str]) -> bytes:
    """Put the build's errors at the top of the page, escaped, in a banner nobody can miss."""
    if not errors:
        return page
    items = "".join(
        f'<li><code dir="ltr" style="font:14px/1.5 monospace">{html.escape(e)}</code></li>'
        for e in errors[:50]
    )
    banner = (
        f'<div id="{BANNER_ID}" role="alert" lang="ar" dir="rtl" '
        'style="position:sticky;top:0;z-index:1000;'
        "background:#8b0000;color:#fff;padding:.8rem 1rem;"
        'font:16px/1.6 sans-serif;text-align:right">'
        f"<strong>تعذّر بناء الموقع: {count_words(len(errors), 'problem')}. "
        "تعرض الصفحة آخر نسخة سليمة "
        f"حتى تُصلَح. كل سطر يذكر الملف ورقم السطر فيه:</strong>"
        f'<ul style="margin:.3rem 0 0;padding-right:1.2rem">{items}</ul></div>'
    ).encode("utf-8")
    marker = page.find(b"<body")
    if marker < 0:
        return banner + page
    end = page.find(b">", marker) + 1
    return page[:end] + banner + page[end:]


def free_port(host: str, port: int) -> int:
    """Return the first port from ``port`` on that can be bound; say so when it is not the one
    asked for."""
    for candidate in range(port, port + PORT_TRIES):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                log.info("port %d on %s is in use; trying %d", candidate, host, candidate + 1)
                continue
            return candidate
    raise OSError(
        f"no free port between {port} and {port + PORT_TRIES - 1} on {host}; choose one with --port"
    )


def serve(
    builder: Builder,
    seeds_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    settings_path: Path | None = None,
) -> None:
    """Build, then serve with live reload until Ctrl-C."""
    import livereload
    from livereload.handlers import LiveReloadHandler

    roots = (builder.content_dir, *builder.layouts_dirs[:1], seeds_dir, settings_path)
    preview = Preview(builder, seeds_dir, [p for p in roots if p is not None])
    preview.build()
    port = free_port(host, port)
    # livereload ignores a reload within 3 s of the last one (and of the start): that would lose
    # the reload of a quick second edit. Rebuilds already come one per burst of saves.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = livereload.Server(make_app(builder.site_dir, preview), watcher=watcher_for(preview))
    server.watch(str(builder.content_dir))  # our watcher polls all; livereload must not watch cwd
    for name in ("livereload", "tornado"):
        logging.getLogger(name).propagate = False
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    log.info("serving %s at %s (Ctrl-C to stop)", builder.site_dir, url)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    server.serve(port=port, host=host, debug=False, restart_delay=0)


def watcher_for(preview: Preview):
    """One livereload watcher for everything: one browser reload per rebuild, which
    Preview.watch does in its own thread."""
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher

    class PreviewWatcher(Watcher):
        def start(self, callback):
            from tornado import ioloop

            ioloop.PeriodicCallback(callback, POLL_MS).start()
            threading.Thread(target=preview.watch, name="rebuild", daemon=True).start()
            return True

        def examine(self):
            # livereload drops a reload when no browser is connected (a page that is itself
            # reloading): keep it wanted until one is, so an open page shows the last build.
            wanted = preview.reload_wanted.is_set() and bool(LiveReloadHandler.waiters)
            if wanted:
                preview.reload_wanted.clear()
            self.filepath = "*" if wanted else None
            return self.filepath, None

    return PreviewWatcher()
