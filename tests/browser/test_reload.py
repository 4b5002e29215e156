"""Live reload in a real browser: an open page follows edits by itself, shows the error banner, and
drops it after the fix."""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest
from conftest import (  # tests/conftest.py
    CLI_ENV,
    TINY_SITE,
    free_port,
    make_site,
    page,
    serve_command,
)

pytestmark = pytest.mark.browser

ARTICLE = "content/2019-a.md"
WAIT_MS = 30_000
CONNECTED = (
    "() => !!(window.LiveReload && window.LiveReload.connector"
    " && window.LiveReload.connector.socket"
    " && window.LiveReload.connector.socket.readyState === 1)"
)


def article_text(body: str) -> str:
    return page(
        "وصول رتل إلى القامشلي",
        "2019-11-13",
        places=["القامشلي", "سوريا"],
        summary="رتل في القامشلي.",
        body=body,
    )


@pytest.fixture
def preview(tmp_path):
    """`build.py serve` on the tiny dossier; yields (root, base URL)."""
    root = make_site(tmp_path, {**TINY_SITE, ARTICLE: article_text("النص الأول للمقال.")})
    (root / "seeds").mkdir()
    port = free_port()
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        serve_command(root, port),
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=CLI_ENV,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, (
                    "the preview server did not start"
                )
                time.sleep(0.2)
        yield root, base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print(
            (tmp_path / "serve.log").read_text(encoding="utf-8")[-3000:]
        )  # shown when a test fails


def save_and_wait(browser_page, root, text: str, condition: str) -> None:
    """Mark the open page, save the article, and wait until a page without the mark (so the browser
    reloaded it by itself) meets the condition; it may take more than one reload, a save being seen
    half-written first."""
    browser_page.wait_for_function(CONNECTED, timeout=WAIT_MS)
    browser_page.evaluate(
        "window.__stillTheSamePage = true"
    )  # before the save, or a quick reload would be missed
    (root / ARTICLE).write_text(text, encoding="utf-8")  # in place, as many editors save
    browser_page.wait_for_function(
        f"() => window.__stillTheSamePage === undefined && ({condition})", timeout=WAIT_MS
    )


def main_shows(text: str) -> str:
    return f"document.querySelector('main').innerText.includes({text!r})"


BANNER = "document.getElementById('dossier-build-errors')"


def test_an_open_page_reloads_by_itself_after_an_edit(open_page, preview):
    root, base = preview
    browser_page, visit = open_page(base + "articles/2019-a/")
    assert "النص الأول للمقال." in browser_page.inner_text("main")
    save_and_wait(
        browser_page,
        root,
        article_text("نص جديد كتبه المحرر للتو."),
        f"!{BANNER} && {main_shows('نص جديد كتبه المحرر للتو.')}",
    )
    assert "النص الأول للمقال." not in browser_page.inner_text("main")
    assert visit.console_errors == []


def test_broken_front_matter_shows_the_banner_in_the_open_page_and_the_fix_removes_it(
    open_page, preview
):
    root, base = preview
    browser_page, visit = open_page(base + "articles/2019-a/")
    save_and_wait(
        browser_page,
        root,
        "---\ntitle: الفصل: الأول\n---\nنص.\n",
        f"!!{BANNER} && {BANNER}.innerText.includes('2019-a.md:2:')",
    )
    banner = browser_page.locator("#dossier-build-errors")
    assert banner.is_visible() and "mapping values" in banner.inner_text()
    assert "النص الأول للمقال." in browser_page.inner_text(
        "main"
    )  # the last good site, under the banner
    assert browser_page.evaluate(f"{BANNER}.getBoundingClientRect().top") <= 1
    save_and_wait(
        browser_page,
        root,
        article_text("نص مصحح بعد الخطأ."),
        f"!{BANNER} && {main_shows('نص مصحح بعد الخطأ.')}",
    )
    assert visit.console_errors == []


def test_a_second_edit_right_after_the_first_reloads_the_page_again(open_page, preview):
    """livereload on its own ignores a reload within 3 s of the last: a quick second save would stay
    unseen."""
    root, base = preview
    browser_page, visit = open_page(base + "articles/2019-a/")
    save_and_wait(browser_page, root, article_text("التعديل الأول."), main_shows("التعديل الأول."))
    save_and_wait(
        browser_page,
        root,
        article_text("التعديل الثاني بعد لحظة."),
        main_shows("التعديل الثاني بعد لحظة."),
    )
    assert visit.console_errors == []
