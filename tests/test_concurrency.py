"""Several writers of one site/ at once, as real processes: they take turns, the site stays whole.

Each case ends by comparing site/ byte for byte with a cold build of the same pages in a folder of
its own (the search index aside: Pagefind's output is not byte-reproducible: it is checked whole).
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, TINY_GAZETTEER, build_command, free_port, make_site, page, wait_for
from test_crash_build import describe_difference, search_index_pages, snapshot

from dossier.search_source import indexed_pages

ARTICLES = 60
PREVIEW_ROUNDS = 10

pytestmark = pytest.mark.slow


def dossier_files(version: int) -> dict[str, str]:
    files = {"content/_data/entities.yaml": TINY_GAZETTEER}
    for number in range(ARTICLES):
        body = f"نص الخبر {number} في النسخة {version}. " * 30
        title, date = f"خبر رقم {number} (نسخة {version})", f"2019-{number % 12 + 1:02d}-01"
        files[f"content/a{number:03d}.md"] = page(title, date, places=["القامشلي"], body=body)
    return files


def start_build(root: Path, *extra: str) -> subprocess.Popen:
    command = build_command(*extra)
    return subprocess.Popen(
        command,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return err


def cold_build(tmp_path: Path, content: Path, *extra: str) -> dict[str, bytes]:
    """Build the same pages in a fresh folder, uninterrupted; return its files."""
    root = tmp_path / "cold"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    shutil.copytree(content, root / "content")
    finish(start_build(root, *extra))
    return snapshot(root / "site")


def assert_same_site(site: Path, expected: dict[str, bytes]) -> None:
    found = snapshot(site)
    assert found == expected, describe_difference(found, expected)


def save_all(root: Path, files: dict[str, str]) -> None:
    """Save each file as an editor does: whole, by renaming a new file over the old (a build may be
    reading)."""
    for relative, text in files.items():
        tmp = root / f"{relative}.new"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, root / relative)


def assert_whole(site: Path) -> None:
    """Every page of the dossier is there, and the home page."""
    assert (site / "index.html").is_file()
    assert sum(1 for _ in (site / "articles").iterdir()) == ARTICLES


def test_three_builds_at_once_wait_for_each_other_and_leave_a_whole_site(tmp_path):
    root = make_site(tmp_path / "dossier", dossier_files(1))
    finish(start_build(root))
    make_site(root, dossier_files(2))
    builds = []
    for _ in range(3):
        builds.append(start_build(root))
        time.sleep(0.3)
    messages = [finish(b) for b in builds]
    assert any("waiting for build (process" in m for m in messages), messages
    assert (root / ".site.staging").is_dir() == (root / ".site.staging.json").is_file()  # kept
    assert_same_site(root / "site", cold_build(tmp_path, root / "content"))
    assert search_index_pages(root / "site") == len(indexed_pages(root / "site"))


def test_a_killed_lock_holder_never_blocks_the_next_build(tmp_path):
    root = make_site(tmp_path / "dossier", dossier_files(1))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, os, sys, time\n"
                "fd = os.open('.site.lock', os.O_RDWR | os.O_CREAT)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\n"
                "os.write(fd, f'{os.getpid()} build'.encode())\n"
                "print('locked', flush=True)\n"
                "time.sleep(600)\n"
            ),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    build = start_build(root, "--no-search")
    said = next((line for line in iter(build.stderr.readline, "") if "waiting for" in line), "")
    assert f"waiting for build (process {holder.pid})" in said, "the build did not wait"
    assert build.poll() is None
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    finish(build)
    assert (root / "site" / "index.html").is_file()


def test_a_lock_file_left_by_a_dead_process_is_ignored(tmp_path):
    root = make_site(tmp_path / "dossier", dossier_files(1))
    (root / ".site.lock").write_text("999999 build\n", encoding="utf-8")
    err = finish(start_build(root, "--no-search"))
    assert "waiting" not in err
    with open(root / ".site.lock") as handle:  # and the lock is free again once the build is over
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_builds_beside_the_preview_wait_for_its_rebuilds_and_leave_a_whole_site(tmp_path):
    root = make_site(tmp_path / "dossier", dossier_files(1))
    (root / "seeds").mkdir()
    port = free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--no-open",
            "--port",
            str(port),
            "--content",
            "content",
            "--seeds",
            "seeds",
            "--out",
            "site",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(serve.stdout), daemon=True).start()
    try:
        wait_for(lambda: any("serving" in line for line in lines), 60, "the preview to start")
        moments = random.Random(14)
        for version in range(2, 2 + PREVIEW_ROUNDS):
            # An edit makes the preview rebuild, then index search in the background; a build
            # lands before, during or after either.
            build = start_build(root)
            time.sleep(moments.uniform(0, 1.5))
            save_all(root, dossier_files(version))
            finish(build)
            assert_whole(root / "site")
        settled = lambda: not (root / "site" / ".pagefind-new").exists()  # noqa: E731
        wait_for(settled, 120, "the preview's index to settle")
        finish(start_build(root))  # no damage left for a no-op build to keep
        assert_same_site(root / "site", cold_build(tmp_path, root / "content"))
    finally:
        serve.terminate()
        serve.wait(20)
    failures = [line for line in lines if "Traceback" in line or "rebuild failed" in line]
    assert not failures, "".join(lines[-20:])
