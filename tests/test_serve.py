"""Preview: rebuild logic tested directly, then the real server over HTTP, then a real browser
reloading."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CLI_ENV, ROOT, free_port, make_site, page, serve_command, wait_for

from dossier.builder import Builder, BuildOptions
from dossier.serve import Preview, resolve_request, with_banner


def preview_for(root: Path) -> Preview:
    builder = Builder.for_preview(
        BuildOptions(root / "content", root / "site")
    )  # as build.py serve makes it
    preview = Preview(builder, root / "seeds", [root / "content", root / "layouts", root / "seeds"])
    (root / "seeds").mkdir(exist_ok=True)
    preview.build()
    return preview


def rebuild(preview: Preview) -> list[str]:
    result = preview.builder.build()
    preview.errors = [str(e) for e in result.errors]
    return result.changed


def bump(path: Path) -> None:
    """Make sure a rewrite is seen even on file systems with coarse timestamps."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_edited_article_changes_its_page_listings_and_terms(tiny_site):
    preview = preview_for(tiny_site)
    article = tiny_site / "content/2019-a.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("دخل رتل", "دخل رتل كبير"), encoding="utf-8"
    )
    bump(article)
    changed = rebuild(preview)
    assert "articles/2019-a/index.html" in changed
    assert "feed.xml" in changed
    assert "articles/2019-b/index.html" not in changed  # a neighbour's page does not show the body
    assert rebuild(preview) == []  # a second build writes nothing


def test_new_and_deleted_articles(tiny_site):
    preview = preview_for(tiny_site)
    make_site(
        tiny_site, {"content/new.md": page("خبر جديد من الحسكة", "2019-12-01", places=["الحسكة"])}
    )
    changed = rebuild(preview)
    assert {
        "articles/new/index.html",
        "index.html",
        "timeline/index.html",
        "places/الحسكة/index.html",
    } <= set(changed)
    (tiny_site / "content/new.md").unlink()
    changed = rebuild(preview)
    assert "articles/new/index.html" in changed
    assert not (tiny_site / "site/articles/new").exists()


def test_layout_edit_rebuilds_every_page_using_it(tiny_site):
    preview = preview_for(tiny_site)
    make_site(
        tiny_site,
        {
            "layouts/404.html": '{% extends "base.html" %}'
            "{% block main %}<h1>ضائع</h1>{% endblock %}"
        },
    )
    assert rebuild(preview) == ["404.html"]


def test_broken_page_keeps_last_good_site_and_banner_until_fixed(tiny_site):
    preview = preview_for(tiny_site)
    site_before = (tiny_site / "site/index.html").read_bytes()
    article = tiny_site / "content/2019-a.md"
    good = article.read_text(encoding="utf-8")
    article.write_text("---\ntitle: الفصل: الأول\n---\nنص\n", encoding="utf-8")
    bump(article)
    assert rebuild(preview) == []
    assert preview.errors and re.search(r"2019-a\.md:2: mapping values", preview.errors[0])
    assert (tiny_site / "site/index.html").read_bytes() == site_before
    article.write_text(good.replace("دخل رتل", "دخل رتل ثانٍ"), encoding="utf-8")
    bump(article)
    assert "articles/2019-a/index.html" in rebuild(preview)
    assert preview.errors == []


def test_poll_rebuilds_once_for_a_burst_of_saves(tiny_site):
    preview = preview_for(tiny_site)
    before = preview.rebuilds
    for number in range(5):
        make_site(
            tiny_site,
            {f"content/burst-{number}.md": page(f"خبر {number}", "2019-12-0%d" % (number + 1))},
        )
    assert preview.poll() is True
    assert preview.rebuilds == before + 1
    assert preview.poll() is False
    assert preview.rebuilds == before + 1


def test_new_seed_is_ingested_by_the_preview(tiny_site):
    preview = preview_for(tiny_site)
    shutil.copy(ROOT / "seeds/000_9fdb9262263929b5.txt", tiny_site / "seeds/")
    assert preview.poll() is True
    home = (tiny_site / "site/index.html").read_text(encoding="utf-8")
    assert "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا" in home


def test_requests_never_leave_the_site(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text("<html><body>ok</body></html>")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    (site / "dirlink").symlink_to(tmp_path)
    assert resolve_request(site, "/a/") == (site / "a/index.html").resolve()
    for attack in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/a/../../secret.txt",
        "/link.txt",
        "/dirlink/secret.txt",
        "/..%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/a/%00",
        "/..\\secret.txt",
        "/.hidden",
    ]:
        assert resolve_request(site, attack) is None, attack


def test_banner_is_escaped_and_placed_at_the_top():
    page_bytes = "<html><body><p>نص</p></body></html>".encode()
    shown = with_banner(page_bytes, ["content/x.md:2: <script>alert(1)</script>"]).decode()
    assert shown.index("dossier-build-errors") < shown.index("<p>نص</p>")
    assert "&lt;script&gt;" in shown and "<script>alert" not in shown
    assert with_banner(page_bytes, []) == page_bytes


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


@pytest.fixture
def server(tiny_site):
    port = free_port()
    (tiny_site / "seeds").mkdir(exist_ok=True)
    process = subprocess.Popen(
        serve_command(tiny_site, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=CLI_ENV,
    )
    base = f"http://127.0.0.1:{port}/"

    def up():
        try:
            return fetch(base)
        except OSError:
            return None

    try:
        wait_for(up, 60)
        yield tiny_site, base, process
    finally:
        process.terminate()
        process.wait(10)


def test_server_serves_edits_and_shows_then_clears_the_error_banner(server):
    root, base, process = server
    article = root / "content/2019-a.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(
        good.replace("دخل رتل إلى القامشلي اليوم.", "نص جديد تماما من المحرر."), encoding="utf-8"
    )
    wait_for(lambda: "نص جديد تماما من المحرر." in fetch(base + "articles/2019-a/"))
    article.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    wait_for(lambda: "dossier-build-errors" in fetch(base))
    banner_page = fetch(base + "articles/2019-a/")
    assert (
        "2019-a.md:2:" in banner_page and "نص جديد تماما من المحرر." in banner_page
    )  # last good site, plus banner
    article.write_text(good, encoding="utf-8")
    wait_for(lambda: "dossier-build-errors" not in fetch(base))
    assert fetch(base + "..%2f..%2fetc/passwd").find("root:") < 0


def test_server_listens_on_loopback_only_by_default(server):
    root, base, process = server
    port = int(base.rsplit(":", 1)[1].strip("/"))
    for family, address in ((socket.AF_INET, "127.0.0.2"),):
        with socket.socket(family) as probe:
            probe.settimeout(1)
            assert probe.connect_ex((address, port)) != 0  # 127.0.0.1 only, not every address


def test_server_prints_rebuild_time(server):
    root, base, process = server
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert re.search(r"rebuilt \d+ page\(s\) in \d+ ms", output), output
    assert "serving" in output and base in output


def test_head_requests_are_answered_without_a_body(server):
    root, base, process = server
    connection = http.client.HTTPConnection(base.split("//")[1].rstrip("/"), timeout=10)
    for path in ("/", "/articles/2019-a/", "/no-such-page/"):
        connection.request("HEAD", path)
        response = connection.getresponse()
        assert response.status == (404 if "no-such" in path else 200), path
        assert response.read() == b""
        assert response.getheader("Content-Type", "").startswith("text/html")


def test_a_name_too_long_for_the_system_is_not_found(server, tmp_path):
    root, base, process = server
    long_name = "أ" * 200  # 400 bytes: over the 255 a file name may have
    for path in (f"/{long_name}", f"/{long_name}/", f"/places/{long_name}/"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(base.rstrip("/") + quote(path), timeout=10)
        assert answer.value.code == 404, path
    assert resolve_request(tmp_path, "/" + "a" * 300) is None
