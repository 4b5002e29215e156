"""Crash safety: kill build.py with SIGKILL at random moments; site/ is always the whole old site or
the whole new one.

Two versions of a 300-article dossier, A and B, are built once each into reference folders. Then one
working dossier is switched A, B, A, … and each build is killed after a random delay: after every
kill site/ must be byte for byte the reference of the version it held before, or of the one being
built. The search index (pagefind/) is not byte-reproducible, so it is checked for being whole and
of the same version as the pages. DOSSIER_CRASH_KILLS sets how many builds are killed;
DOSSIER_CRASH_SEED replays a run.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TINY_GAZETTEER, make_site, page

from dossier.search_source import SOURCE_DIR, indexed_pages

ARTICLES = 300
KILLS = int(os.environ.get("DOSSIER_CRASH_KILLS", "30"))
SEARCH_DIR = "pagefind"
PLACES = ["القامشلي", "الحسكة", "سوريا", "دمشق", "حلب", "إدلب", "الرقة"]
KEPT, RECORD = ".site.staging", ".site.staging.json"  # the old site kept for the next build
LEFTOVERS_ALLOWED = {"content", "site", ".site.cache.json", ".site.lock", KEPT, RECORD}
MOMENTS = ("anywhere", "late", "while syncing", "while indexing", "just after the swap")

pytestmark = pytest.mark.slow


def version_files(name: str) -> dict[str, str]:
    """Version A, or B: half the titles changed, a tenth of the articles deleted, twenty new ones,
    places moved."""
    files = {"content/_data/entities.yaml": TINY_GAZETTEER}
    for number in range(ARTICLES):
        if name == "B" and number % 10 == 3:
            continue
        title = f"خبر رقم {number}" + (" (مُحدَّث)" if name == "B" and number % 2 == 0 else "")
        places = [PLACES[(number + (1 if name == "B" and number % 5 == 0 else 0)) % len(PLACES)]]
        body = f"نص الخبر {number} في {places[0]}. " * 40 + (
            "\n\nفقرة أضيفت في النسخة الثانية." if name == "B" else ""
        )
        files[f"content/a{number:03d}.md"] = page(
            title,
            f"{2015 + number % 6}-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
            places=places,
            people=["مارك إسبر"] if number % 7 == 0 else [],
            summary=f"ملخص {number}.",
            body=body,
        )
    if name == "B":
        for number in range(20):
            files[f"content/b{number:03d}.md"] = page(
                f"خبر جديد {number}",
                f"2021-01-{number + 1:02d}",
                places=["منبج"],
                body="خبر لم يكن في النسخة الأولى.",
            )
    return files


def build(root: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        **popen,
    )


def build_to_end(root: Path) -> float:
    """Build without interruption; return the seconds it took."""
    started = time.perf_counter()
    process = build(root)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return time.perf_counter() - started


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index, by output path, with its bytes."""
    files = {}
    for dirpath, _dirnames, filenames in os.walk(site):
        relative = Path(dirpath).relative_to(site)
        if relative.parts[:1] == (SEARCH_DIR,):
            continue
        for name in filenames:
            path = Path(dirpath) / name
            assert not path.is_symlink(), path
            files[(relative / name).as_posix()] = path.read_bytes()
    return files


def search_index_pages(site: Path) -> int:
    """Check the search index is whole (entry, meta of each language, one fragment per page); return
    its page count."""
    index = site / SEARCH_DIR
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    total = 0
    for details in entry["languages"].values():
        meta = index / f"pagefind.{details['hash']}.pf_meta"
        assert meta.is_file() and gzip.decompress(meta.read_bytes()), f"{meta.name} missing or cut"
        total += details["page_count"]
    fragments = list((index / "fragment").iterdir())
    assert len(fragments) == total, (
        f"{len(fragments)} fragments for {total} pages: a mix of two indexes"
    )
    for fragment in fragments:
        gzip.decompress(fragment.read_bytes())  # whole, not cut short
    return total


def describe_difference(found: dict[str, bytes], expected: dict[str, bytes]) -> str:
    missing, extra = expected.keys() - found.keys(), found.keys() - expected.keys()
    changed = [p for p in expected.keys() & found.keys() if expected[p] != found[p]]
    return (
        f"{len(missing)} missing {sorted(missing)[:3]}, {len(extra)} extra {sorted(extra)[:3]}, "
        f"{len(changed)} different {sorted(changed)[:3]}"
    )


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict:
    """Each version built once, uninterrupted, in a folder of its own."""
    found = {}
    for name in ("A", "B"):
        root = make_site(tmp_path_factory.mktemp(f"reference-{name}"), version_files(name))
        seconds = build_to_end(root)
        pages = len(indexed_pages(root / "site"))  # the articles, entity pages and timeline
        assert pages > sum(1 for p in (root / "content").glob("*.md"))
        assert search_index_pages(root / "site") == pages
        found[name] = {
            "content": root / "content",
            "files": snapshot(root / "site"),
            "pages": pages,
            "seconds": seconds,
        }
    assert found["A"]["files"] != found["B"]["files"]
    return found


def install(content: Path, root: Path) -> None:
    """Put a version's pages in the working dossier, each file with a fresh modification time."""
    shutil.rmtree(root / "content", ignore_errors=True)
    shutil.copytree(content, root / "content", copy_function=shutil.copyfile)


def which_version(site: Path, references: dict) -> str:
    files = snapshot(site)
    for name, reference in references.items():
        if files == reference["files"]:
            assert search_index_pages(site) == reference["pages"], (
                f"search index of another version than the pages ({name})"
            )
            return name
    raise AssertionError(
        "site/ is neither version: "
        + "; ".join(
            f"against {name}: {describe_difference(files, r['files'])}"
            for name, r in references.items()
        )
    )


def site_inode(site: Path) -> int | None:
    try:
        return site.stat().st_ino
    except FileNotFoundError:
        return None


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


class Killer:
    """Build the other version again and again, killing each build at a random moment; check site/
    after each."""

    def __init__(self, root: Path, references: dict, seed: int):
        self.root, self.references, self.seed = root, references, seed
        self.rng = random.Random(seed)
        self.groups: list[int] = []
        self.found = {
            "killed": 0,
            "finished first": 0,
            "old site": 0,
            "new site": 0,
            "staging left": 0,
            "helpers left running": 0,
        }
        install(references["A"]["content"], root)
        build_to_end(root)
        install(references["B"]["content"], root)
        self.seconds = build_to_end(
            root
        )  # how long switching versions takes here: the kills are spread over it
        self.current = which_version(root / "site", references)
        assert self.current == "B"
        assert (root / RECORD).is_file()  # the old site is kept: the indexer listed its changes

    def run(self, kills: int, kill) -> None:
        """Kill ``kills`` builds with ``kill(process)``, then check that one more build recovers."""
        for _attempt in range(kills * 3):
            if self.found["killed"] >= kills:
                break
            self.once(kill)
        assert self.found["killed"] == kills, (
            f"only {self.found['killed']} builds were still running when killed"
        )
        final = "B" if self.current == "A" else "A"
        install(self.references[final]["content"], self.root)
        build_to_end(self.root)
        assert which_version(self.root / "site", self.references) == final
        assert {p.name for p in self.root.iterdir()} <= LEFTOVERS_ALLOWED, sorted(
            p.name for p in self.root.iterdir()
        )

    def once(self, kill) -> None:
        target = "B" if self.current == "A" else "A"
        install(self.references[target]["content"], self.root)
        site = self.root / "site"
        before = site_inode(site)
        process = build(
            self.root, start_new_session=True
        )  # its own process group: workers and Pagefind with it
        self.groups.append(process.pid)
        moment = self.rng.choice(MOMENTS)
        if moment == "anywhere":
            delay = self.rng.uniform(0.02, self.seconds)
        elif moment == "late":
            delay = self.rng.uniform(0.8 * self.seconds, 1.1 * self.seconds)
        elif moment == "while syncing":  # the kept tree being brought up to date (record gone)
            self.wait_until(process, lambda: not (self.root / RECORD).exists())
            delay = self.rng.uniform(0, 0.05)
        elif moment == "while indexing":  # Pagefind reading its pages from the staging folder
            self.wait_until(process, lambda: (self.root / KEPT / SOURCE_DIR).exists())
            delay = self.rng.uniform(0, 0.3 * self.seconds)
        else:  # just after the swap: the old site being kept, the page cache written
            self.wait_until(process, lambda: site_inode(site) != before)
            delay = self.rng.uniform(0, 0.03)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        if process.poll() is None:
            kill(process)
            process.wait()
            self.found["killed"] += 1
            state = which_version(site, self.references)
            assert state in (self.current, target), f"seed {self.seed}"
            self.found["new site" if state == target else "old site"] += 1
            self.found["staging left"] += (self.root / ".site.staging").exists()
            self.found["helpers left running"] += group_alive(process.pid)
        else:
            self.found["finished first"] += 1
            state = which_version(site, self.references)
            assert state == target, f"seed {self.seed}: a build that finished left version {state}"
        process.communicate()
        self.current = state

    @staticmethod
    def wait_until(process: subprocess.Popen, condition) -> None:
        while process.poll() is None and not condition():
            time.sleep(0.001)

    def stop_all(self) -> None:
        """Whatever a killed build left running (Pagefind, workers) is stopped: it is ours."""
        for group in self.groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def report(self) -> str:
        return f"seed {self.seed}: a build took {self.seconds:.2f} s; " + ", ".join(
            f"{n} {what}" for what, n in self.found.items()
        )


@pytest.fixture
def killer(tmp_path, references):
    seed = int(os.environ.get("DOSSIER_CRASH_SEED", time.time_ns() % 1_000_000))
    root = tmp_path / "dossier"
    root.mkdir()
    killer = Killer(root, references, seed)
    yield killer
    killer.stop_all()
    print(killer.report())


def test_killed_builds_leave_the_old_or_the_new_site_never_a_mix(killer):
    """The whole build is killed at once (its process group), as a power cut or the OOM killer's
    group kill would."""
    killer.run(KILLS, lambda process: os.killpg(process.pid, signal.SIGKILL))


def test_a_build_killed_alone_leaves_no_helper_that_spoils_the_next(killer):
    """Only build.py is killed; its Pagefind and workers may run on while the next build starts at
    once."""
    killer.run(max(1, KILLS // 3), lambda process: os.kill(process.pid, signal.SIGKILL))
