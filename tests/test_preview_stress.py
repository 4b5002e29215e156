"""The real preview server under stress: a burst of 500 saves, 50 clients at once, requests aimed
outside site/."""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CLI_ENV, TINY_SITE, free_port, make_site, page, serve_command, wait_for

SAVES = 500
BURST_SECONDS = 3.0
MAX_REBUILDS = 50
CLIENTS = 50
CLIENT_SECONDS = 10.0
SECRET = "a secret outside site/ 5f0c2b"
ARTICLE = "content/2019-a.md"
PADDING = (
    "فقرة طويلة تجعل الصفحة كبيرة بما يكفي لتُقرأ على دفعات. " * 200
)  # ~20 kB: a torn page would show


def article_text(version: int) -> str:
    return page(
        "وصول رتل إلى القامشلي",
        "2019-11-13",
        places=["القامشلي", "سوريا"],
        people=["مارك إسبر"],
        sources=["سانا"],
        summary="رتل في القامشلي.",
        body=f"النسخة رقم {version} من المقال.\n\n{PADDING}",
    )


@dataclass
class Server:
    root: Path
    port: int
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    def count(self, pattern: str) -> int:
        return sum(1 for line in list(self.lines) if re.search(pattern, line))

    def get(self, path: str, timeout: float = 15) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def raw(self, target: bytes, timeout: float = 10) -> bytes:
        """Send a request line exactly as given (no client-side normalising); return the whole
        response."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(
                b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`build.py serve` on a free port over the tiny dossier, its output read line by line as it
    comes."""
    root = make_site(tmp_path_factory.mktemp("preview"), {**TINY_SITE, ARTICLE: article_text(0)})
    (root / "seeds").mkdir()
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        serve_command(root, port),
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=CLI_ENV,
    )
    running = Server(root, port, process)

    def read():
        for line in process.stdout:
            running.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: running.get("/")[0] == 200, 60, "the server to answer")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(5)
        print("\n".join(running.lines[-15:]))


def complete_html(body: bytes) -> bool:
    text = body.decode("utf-8")
    return (
        text.lstrip().startswith("<!DOCTYPE html>")
        and text.rstrip().endswith("</html>")
        and text.count("</html>") == 1
    )


class Pollers:
    """Threads fetching pages in a loop; every answer must be a whole page."""

    def __init__(self, server: Server, paths: list[str], threads: int):
        self.server, self.paths = server, paths
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.served = 0
        self.slowest = 0.0
        self.problems: list[str] = []
        self.threads = [
            threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(threads)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def run(self, number: int) -> None:
        rng = random.Random(number)
        while not self.stop.is_set():
            path = rng.choice(self.paths)
            started = time.monotonic()
            try:
                status, body = self.server.get(path)
                problem = (
                    None
                    if status == 200 and complete_html(body)
                    else f"{path}: {status}, {len(body)} bytes, ends {body[-40:]!r}"
                )
            except Exception as error:  # any failure to get a page is what this test counts
                problem = f"{path}: {type(error).__name__}: {error}"
            with self.lock:
                self.served += 1
                self.slowest = max(self.slowest, time.monotonic() - started)
                if problem:
                    self.problems.append(problem)


@pytest.mark.slow
def test_a_burst_of_500_saves_rebuilds_a_handful_of_times_and_never_serves_half_a_page(server):
    article = server.root / ARTICLE
    rebuilds_before = server.count(r"rebuilt \d+ page|build failed")
    started = time.monotonic()
    with Pollers(
        server,
        ["/articles/2019-a/", "/", "/timeline/", "/places/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7/"],
        4,
    ) as pollers:
        for version in range(1, SAVES + 1):
            text = article_text(version)
            if version % 2:
                article.write_text(
                    text, encoding="utf-8"
                )  # in place, as many editors save: a reader may see it cut
            else:
                temporary = article.with_name(".#2019-a.md")
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, article)  # atomically, as others do
            time.sleep(max(0.0, started + BURST_SECONDS * version / SAVES - time.monotonic()))
        burst = time.monotonic() - started
        final = f"النسخة رقم {SAVES} من المقال.".encode()
        wait_for(
            lambda: (
                lambda r: r[0] == 200 and final in r[1] and b"dossier-build-errors" not in r[1]
            )(server.get("/articles/2019-a/")),
            30,
            "the final version to be served",
        )
        time.sleep(1.0)  # any rebuild still due would show now
    rebuilds = server.count(r"rebuilt \d+ page|build failed") - rebuilds_before
    print(
        f"{SAVES} saves in {burst:.1f} s: {rebuilds} rebuilds; "
        f"{pollers.served} pages fetched meanwhile, "
        f"slowest {pollers.slowest:.2f} s"
    )
    assert server.process.poll() is None, "the server died"
    assert 1 <= rebuilds <= MAX_REBUILDS
    assert pollers.served > 0 and not pollers.problems, pollers.problems[:5]
    home = server.get("/")[1]
    assert (
        final not in home and b"dossier-build-errors" not in home
    )  # the home page shows summaries, not bodies
    status, body = server.get("/articles/2019-a/")
    assert status == 200 and body.count(final) == 1 and complete_html(body)


@pytest.mark.slow
def test_50_clients_for_10_seconds_get_no_error(server):
    paths = [
        "/",
        "/articles/2019-a/",
        "/articles/2019-b/",
        "/timeline/",
        "/entities/",
        "/search/",
        "/places/" + quote("القامشلي") + "/",
        "/people/" + quote("مارك-إسبر") + "/",
    ]
    assets = [
        "/static/style.css",
        "/feed.xml",
        "/sitemap.xml",
        "/static/fonts/noto-naskh-arabic-arabic-400-normal.woff2",
    ]
    for path in paths + assets:
        assert server.get(path)[0] == 200, path
    stop = threading.Event()
    lock = threading.Lock()
    served, problems = [0], []

    def client(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        while not stop.is_set():
            path = rng.choice(paths + assets + ["/missing/"])
            try:
                if (
                    rng.random() < 0.3
                ):  # some clients open a connection per request, others keep theirs
                    connection.close()
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                expected = 404 if path == "/missing/" else 200
                ok = (
                    response.status == expected
                    and (not path.endswith("/") or complete_html(body))
                    and body
                )
                problem = None if ok else f"{path}: {response.status}, {len(body)} bytes"
            except Exception as error:  # any failure to get an answer is what this test counts
                problem = f"{path}: {type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
            with lock:
                served[0] += 1
                if problem:
                    problems.append(problem)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(CLIENT_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(30)
    print(
        f"{CLIENTS} clients for {CLIENT_SECONDS:.0f} s: {served[0]} requests served, "
        f"{len(problems)} errors"
    )
    assert served[0] >= CLIENTS and not problems, (served[0], problems[:5])
    assert server.process.poll() is None


ATTACKS = [
    b"/../secret.txt",
    b"/%2e%2e/secret.txt",
    b"/%2E%2E/secret.txt",
    b"/..%2fsecret.txt",
    b"/..%2Fsecret.txt",
    b"/%2e%2e%2fsecret.txt",
    b"/articles/../../secret.txt",
    b"/articles/%2e%2e/%2e%2e/secret.txt",
    b"/..\\secret.txt",
    b"/..%5csecret.txt",
    b"/%252e%252e/secret.txt",
    b"/%c0%ae%c0%ae/secret.txt",
    b"/.%2e/secret.txt",
    b"/./../secret.txt",
    b"/secret.txt%00.html",
    b"/%00",
    b"/%00/../secret.txt",
    b"//secret.txt",
    b"/leak.txt",
    b"/leakdir/secret.txt",
    b"/leakdir/",
    b"/leakdir",
    b"/leakdir/../secret.txt",
    b"/../../../../../../etc/passwd",
    b"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"/.dossier-site",
    b"/static/../../secret.txt",
    b"/%2fetc%2fpasswd",
    b"//etc/passwd",
    b"/articles/..%00/secret.txt",
]


@pytest.mark.parametrize("target", ATTACKS, ids=lambda t: t.decode("latin-1"))
def test_requests_aimed_outside_site_never_get_a_file_from_there(server, target):
    site = server.root / "site"
    if not (site / "leak.txt").is_symlink():
        (site / "leak.txt").symlink_to(
            server.root / "secret.txt"
        )  # links planted inside site/, pointing out
        (site / "leakdir").symlink_to(server.root, target_is_directory=True)
    for request in (
        target,
        f"http://127.0.0.1:{server.port}".encode() + target,
    ):  # origin form and absolute form
        response = server.raw(request)
        status = int(response.split(b" ", 2)[1])
        assert SECRET.encode() not in response and b"root:x:0:0" not in response, (
            request,
            response[:300],
        )
        assert status in (301, 400, 403, 404), (request, response[:300])
        if status == 301:
            location = re.search(rb"\r\nLocation: ([^\r]*)", response).group(1)
            assert location.startswith(b"/") and not location.startswith(b"//"), location
    assert server.process.poll() is None


@pytest.mark.parametrize(
    "target",
    [
        "/articles/2019-a",
        "/places/" + quote("القامشلي"),
        "/places/" + quote("القامشلي") + "?q=1",
        "/articles//2019-a",
        "//timeline",
    ],
)
def test_a_folder_without_its_slash_redirects_to_a_local_address(server, target):
    response = server.raw(target.encode("utf-8"))
    status = int(response.split(b" ", 2)[1])
    assert status == 301, response[:300]
    location = re.search(rb"\r\nLocation: ([^\r]*)", response).group(1).decode("ascii")
    assert location.startswith("/") and not location.startswith("//") and location.endswith("/"), (
        location
    )
    status, body = server.get(location)
    assert status == 200 and complete_html(body), (location, status)
