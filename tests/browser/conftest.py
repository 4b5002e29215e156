"""Browser fixtures: fixture sites built once per session, served on 127.0.0.1, and one headless
Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, TINY_SITE, make_site, page, run_cli  # tests/conftest.py

CHROMIUM = Path(
    os.environ.get("DOSSIER_CHROMIUM", "/usr/bin/chromium")
)  # Debian's; Playwright cannot download one here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
NPM_INSTALL = "npm install --no-save --no-audit --no-fund --prefix . vnu-jar axe-core"
ARTIFACTS = ROOT / "test-artifacts"
# every fixture site is served from a sub-path, as on a project page of a static host
SUB_PATH = "/dossier/"
REQUIRE_ENV = "DOSSIER_REQUIRE_BROWSER"


def require(available: bool, reason: str) -> None:
    """Skip with a plain reason when a tool is missing; fail instead when CI demands the browser
    checks."""
    if available:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: browser checks must run here)", pytrace=False)
    pytest.skip(reason)


# Tools --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    require(CHROMIUM.exists(), f"chromium not installed: apt-get install chromium (no {CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    """The command that runs the W3C Nu HTML checker."""
    java = shutil.which("java")
    require(java is not None, "java not installed: apt-get install default-jre-headless")
    require(VNU_JAR.exists(), f"vnu-jar not installed: {NPM_INSTALL}")
    return [java, "-jar", str(VNU_JAR), "--errors-only"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE_JS.exists(), f"axe-core not installed: {NPM_INSTALL}")
    return AXE_JS.read_text(encoding="utf-8")


# Sites --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """A built site and where it is served: `url(path)` is the address of an output path."""

    site_dir: Path
    root_url: str  # ends with SUB_PATH

    @property
    def host(self) -> str:
        return urlsplit(self.root_url).netloc

    def url(self, output_path: str = "") -> str:
        return self.root_url + output_path


def build_site(content_dir: Path, out_dir: Path) -> Path:
    result = run_cli(
        "build",
        "--content",
        str(content_dir),
        "--out",
        str(out_dir),
        "--base-url",
        "https://example.org/dossier/",
        cwd=out_dir.parent,
    )
    assert result.returncode == 0, result.stderr
    return out_dir


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve one built folder under SUB_PATH only, answering misses with its 404 page, as static
    hosts do."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".xml": "application/xml",
    }

    def translate_path(self, path: str) -> str:
        request_path = urlsplit(path).path
        if not request_path.startswith(SUB_PATH):
            return str(Path(self.directory) / ".outside-the-sub-path")
        return super().translate_path("/" + request_path[len(SUB_PATH) :])

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.exists():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@contextlib.contextmanager
def serve(site_dir: Path):
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site_dir, f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory) -> Path:
    """The tiny fixture dossier of tests/conftest.py, built once."""
    root = make_site(tmp_path_factory.mktemp("tiny"), TINY_SITE)
    return build_site(root / "content", root / "site")


@pytest.fixture(scope="session")
def dossier_built(tmp_path_factory) -> Path:
    """The bundled dossier (content/), built into a temporary folder: the repository's own site/ is
    never touched."""
    return build_site(ROOT / "content", tmp_path_factory.mktemp("dossier") / "site")


# Words with clitics attached in the article itself, which a bare query must find.
CLITICS_ARTICLE = page(
    "رحلة عبر الشمال",
    "2019-11-15",
    summary="قافلة في طريقها.",
    body="عبرت فالقافلة والمدرعات الطريق لدمشق وللمرة الأولى، ثم توقفت قوة عند وادي الفرات وإدلب.",
)


@pytest.fixture(scope="session")
def search_built(tmp_path_factory) -> Path:
    """The tiny dossier plus one article whose words carry clitics."""
    root = make_site(
        tmp_path_factory.mktemp("search"), {**TINY_SITE, "content/2019-d.md": CLITICS_ARTICLE}
    )
    return build_site(root / "content", root / "site")


@pytest.fixture(scope="session")
def search_site(search_built):
    with serve(search_built) as served:
        yield served


@pytest.fixture(scope="session")
def tiny(tiny_built):
    with serve(tiny_built) as served:
        yield served


@pytest.fixture(scope="session")
def dossier(dossier_built):
    with serve(dossier_built) as served:
        yield served


# Visits -------------------------------------------------------------------------------------------


@dataclass
class Visit:
    """What one page load did: every request, every response, and what the console said."""

    requests: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def record(self, page) -> None:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.responses.append(response))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def bytes_by_type(self) -> dict[str, int]:
        """Bytes received per resource type (document, stylesheet, script, font, fetch…)."""
        sizes: dict[str, int] = {}
        for response in self.responses:
            kind = response.request.resource_type
            sizes[kind] = sizes.get(kind, 0) + len(response.body())
        return sizes


def new_page(browser, url: str, width: int = 1280, javascript: bool = True):
    """Open a URL in a fresh browser context, recording what the page does; returns (context, page,
    visit)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript, locale="ar"
    )
    page = context.new_page()
    visit = Visit()
    visit.record(page)
    page.goto(url)
    return context, page, visit


@pytest.fixture
def open_page(browser):
    """Open URLs in fresh browser contexts: open_page(url, width=1280, javascript=True) -> (page,
    visit)."""
    contexts = []

    def open_(url: str, width: int = 1280, javascript: bool = True):
        context, page, visit = new_page(browser, url, width, javascript)
        contexts.append(context)
        return page, visit

    yield open_
    for context in contexts:
        context.close()


def screenshot_widths(browser, url: str, name: str) -> None:
    """Screenshot a page at a phone's and a desktop's width into test-artifacts/, checking nothing
    is wider."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ar")
        try:
            page = context.new_page()
            page.goto(url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: {overflow} px wider than the screen at {width}"
            page.screenshot(
                path=str(ARTIFACTS / "screenshots" / f"{name}-{width}.png"), full_page=True
            )
        finally:
            context.close()
