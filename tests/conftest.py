"""Shared fixtures: tiny dossiers written into tmp_path, and a way to run build.py as a user would.

Also the one set of hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "ci" (the default) or
"nightly" (twenty times the examples). A test that needs another example count says so relative
to the profile, with examples().
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The deadline is off: a hang is caught by a time limit that does not flake on a busy machine.
QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.function_scoped_fixture,
]
CI_EXAMPLES = 150
PROFILES = {"ci": CI_EXAMPLES, "nightly": 20 * CI_EXAMPLES}
for _name, _examples in PROFILES.items():
    settings.register_profile(
        _name, max_examples=_examples, deadline=None, print_blob=True, suppress_health_check=QUIET
    )
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise pytest.UsageError(
        f"HYPOTHESIS_PROFILE={PROFILE!r} is not a profile; use one of {', '.join(PROFILES)}"
    )
settings.load_profile(PROFILE)


def examples(ci: int) -> int:
    """Scale a test's example count with the profile: ``ci`` in CI, twenty times that at night."""
    return ci * PROFILES[PROFILE] // CI_EXAMPLES


ROOT = Path(__file__).resolve().parent.parent
CLI_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # build.py as a user runs it, from this checkout
SEED = ROOT / "seeds" / "000_9fdb9262263929b5.txt"

TINY_GAZETTEER = """\
places:
  - name: القامشلي
    latin: Qamishli
  - name: الحسكة
  - name: سوريا
people:
  - name: مارك إسبر
    variants: [إسبر, اسبر]
sources:
  - name: سانا
  - name: RT
"""


def page(title: str, date: str | None = None, **fields) -> str:
    """Write a page's text: front matter from keyword arguments, then a body."""
    import yaml

    body = fields.pop("body", "نص المقال.")
    meta = {"title": title, "date": date, **fields}
    return (
        "---\n"
        + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        + "---\n\n"
        + body
        + "\n"
    )


TINY_SITE = {
    "content/2019-a.md": page(
        "وصول رتل إلى القامشلي",
        "2019-11-13",
        places=["القامشلي", "سوريا"],
        people=["مارك إسبر"],
        sources=["سانا"],
        summary="رتل في القامشلي.",
        body="دخل رتل إلى القامشلي اليوم.",
    ),
    "content/2019-b.md": page(
        "إسبر يتحدث عن سوريا",
        "2019-11-14",
        places=["سوريا"],
        people=["اسبر"],
        sources=["سانا", "RT"],
        summary="تصريح إسبر.",
        body="قال إسبر إن 600 جندي سيبقون.",
    ),
    "content/2019-c.md": page(
        "تقرير شهري عن الحسكة",
        "2019-10",
        places=["الحسكة", "سوريا"],
        sources=["RT"],
        body="ملخص شهر تشرين الأول.",
    ),
    "content/undated.md": page(
        "مقال بلا تاريخ", None, places=["القامشلي"], body="لا تاريخ لهذا المقال."
    ),
    "content/_data/entities.yaml": TINY_GAZETTEER,
}


def make_site(root: Path, files: dict[str, str]) -> Path:
    """Write files (paths relative to root) from dedented strings; return root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            textwrap.dedent(text) if not text.startswith("---") else text, encoding="utf-8"
        )
    return root


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """Three dated Arabic articles sharing a place, person and source, plus one undated article."""
    return make_site(tmp_path, TINY_SITE)


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run build.py in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=timeout,
    )


def build_site(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """`build.py build --no-search` of the dossier at ``root`` (its content/ into site/)."""
    content, site = str(root / "content"), str(root / "site")
    return run_cli("build", "--no-search", "--content", content, "--out", site, *extra, cwd=root)


def build_command(*extra: str) -> list[str]:
    """`build.py build` of the dossier in the working folder (its content/ into site/)."""
    return [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content",
        "content",
        "--out",
        "site",
        *extra,
    ]


def serve_command(root: Path, port: int) -> list[str]:
    """`build.py serve` on the dossier at ``root`` (its content/, seeds/ and site/), on
    127.0.0.1:``port``, opening no browser; run it with CLI_ENV."""
    folders = [("--content", "content"), ("--seeds", "seeds"), ("--out", "site")]
    return [
        *(sys.executable, str(ROOT / "build.py"), "serve", "--no-open", "--port", str(port)),
        *(part for option, name in folders for part in (option, str(root / name))),
    ]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for a preview server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0, what: str = "a condition"):
    """Poll ``predicate`` until it returns something true (an OSError is a no); return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def site_files(site: Path, leave_out: str = "pagefind") -> dict[str, bytes]:
    """Every file under ``site`` by its path there, with its bytes; none under a folder named
    ``leave_out`` (the search index: two runs of Pagefind name their files differently)."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and leave_out not in p.relative_to(site).parts
    }


class Shown(HTMLParser):
    """The tags and the visible text of some HTML, in document order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def calls_made(function, *args) -> tuple[int, object]:
    """Call ``function(*args)``; return how many Python and C function calls it made, and its
    result.

    The count is its work, the same on any machine: tests bound the work done, and speed is measured
    by `build.py bench`."""
    count = 0

    def counter(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(counter)
    try:
        result = function(*args)
    finally:
        sys.setprofile(None)
    return count, result


@contextlib.contextmanager
def time_limit(seconds: float, error=None):
    """Interrupt the block after ``seconds`` with ``error(seconds)`` (default: TimeoutError);
    SIGALRM, main thread only."""

    def expire(signum, frame):
        raise error(seconds) if error else TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
