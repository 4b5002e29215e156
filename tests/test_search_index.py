"""The search index: in shards indexed only when changed, verified before it is published,
removed with --no-search, never left behind by SIGTERM."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TINY_SITE, build_command, make_site, page

SEARCH_DIR = "pagefind"
# A stand-in for `python -m pagefind` that runs the real one, then damages what it wrote and still
# exits 0, as Pagefind does on a full disk: pf_meta emptied, every fragment cut in half.
FULL_DISK_PAGEFIND = """\
import os, subprocess, sys
from pathlib import Path
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.environ.get("PYTHONPATH", "").split(os.pathsep)
path = [p for p in path if p and os.path.abspath(p) != here]
env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
subprocess.run([sys.executable, "-m", "pagefind", *sys.argv[1:]], env=env, check=True)
output = Path(sys.argv[sys.argv.index("--output-path") + 1])
for meta in output.glob("*.pf_meta"):
    meta.write_bytes(b"")
for fragment in (output / "fragment").iterdir():
    fragment.write_bytes(fragment.read_bytes()[: fragment.stat().st_size // 2])
"""


def index_bytes(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted((site / SEARCH_DIR).rglob("*"))
        if p.is_file()
    }


def build(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = build_command(*extra)
    return subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def many_articles(count: int) -> dict[str, str]:
    return {
        f"content/n{n:04d}.md": page(
            f"خبر رقم {n} من القامشلي",
            f"2019-{n % 12 + 1:02d}-{n % 27 + 1:02d}",
            places=["القامشلي"],
            body=f"نص طويل عن الخبر {n} في الحسكة. " * 200,
        )
        for n in range(count)
    }


def test_no_search_build_removes_the_index_an_earlier_build_published(tiny_site):
    assert build(tiny_site).returncode == 0
    assert (tiny_site / "site" / SEARCH_DIR / "pagefind.js").is_file()
    result = build(tiny_site, "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (
        tiny_site / "site" / SEARCH_DIR
    ).exists()  # a deleted article's text must not stay searchable


def test_an_index_written_incomplete_is_an_error_and_the_published_one_stays(tiny_site, tmp_path):
    assert build(tiny_site).returncode == 0
    published = index_bytes(tiny_site / "site")
    fake = tmp_path / "full-disk" / "pagefind"
    make_site(fake, {"__init__.py": "", "__main__.py": FULL_DISK_PAGEFIND})
    article = tiny_site / "content" / "2019-a.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("دخل رتل", "دخل رتل طويل"), encoding="utf-8"
    )

    result = build(tiny_site, env={"PYTHONPATH": os.pathsep.join([str(fake.parent), str(ROOT)])})

    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert any(
        line.startswith(f"{SEARCH_DIR}: the search index was written incomplete") for line in lines
    ), lines
    assert "Traceback" not in result.stderr
    assert index_bytes(tiny_site / "site") == published
    assert "دخل رتل طويل" not in (tiny_site / "site/articles/2019-a/index.html").read_text(
        encoding="utf-8"
    )
    repaired = build(
        tiny_site
    )  # the failed build was not recorded as done: the next one does the work
    assert repaired.returncode == 0, repaired.stderr
    assert "دخل رتل طويل" in (tiny_site / "site/articles/2019-a/index.html").read_text(
        encoding="utf-8"
    )


def children(pid: int) -> set[int]:
    """Every descendant of a process, from /proc."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += list(kids - found)
            found |= kids
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def pagefind_children(pid: int) -> set[int]:
    return {c for c in children(pid) if b"pagefind" in _cmdline(c)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="reads processes from /proc (Linux)"
)
def test_sigterm_during_indexing_stops_pagefind_and_leaves_the_old_site(tmp_path):
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **many_articles(300)})
    assert build(root, "--no-search").returncode == 0
    before = {
        p.relative_to(root / "site").as_posix(): p.read_bytes()
        for p in (root / "site").rglob("*")
        if p.is_file()
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    indexers: set[int] = set()
    assert wait_until(
        lambda: bool(indexers.update(pagefind_children(process.pid)) or indexers), 120
    ), "no indexer seen"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert wait_until(lambda: not any(alive(pid) for pid in indexers), 10), (
        "Pagefind outlived the build"
    )
    after = {
        p.relative_to(root / "site").as_posix(): p.read_bytes()
        for p in (root / "site").rglob("*")
        if p.is_file()
    }
    assert after == before
    leftovers = sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))
    assert set(leftovers) <= {
        ".site.cache.json",
        ".site.lock",
    }  # the lock file stays; the kernel dropped the lock


@pytest.mark.slow
@pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="reads processes from /proc (Linux)"
)
def test_sigterm_to_the_preview_while_it_indexes_leaves_no_indexer_and_no_partial_index(tmp_path):
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **many_articles(300)})
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "serve",
        "--no-open",
        "--port",
        "0",
        "--content",
        "content",
        "--seeds",
        "no-seeds",
        "--out",
        "site",
    ]
    process = subprocess.Popen(
        command,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        indexers: set[int] = set()
        seen = wait_until(
            lambda: (
                bool(indexers.update(pagefind_children(process.pid)) or indexers)
                and (root / "site" / ".pagefind-new").exists()
            ),
            120,
        )
        assert seen, "no indexer seen"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert wait_until(lambda: not any(alive(pid) for pid in indexers), 10), (
        "Pagefind outlived the preview"
    )
    assert not (root / "site" / ".pagefind-new").exists()
    assert not (root / "site" / ".pagefind-old").exists()


def test_verifying_an_index_names_what_is_missing(tmp_path):
    from dossier.search import index_problem

    language = {"hash": "ar_1", "wasm": "ar", "page_count": 2}
    entry = json.dumps({"version": "1.5.2", "languages": {"ar": language}})
    index_dir = make_site(tmp_path / SEARCH_DIR, {"pagefind-entry.json": entry})
    assert index_problem(index_dir, 3) == "2 of 3 pages indexed"
    (index_dir / "pagefind.js").write_bytes(b"")
    assert index_problem(index_dir, 2) == "pagefind.js is empty"
    (index_dir / "pagefind.js").write_bytes(b"export {}")
    (index_dir / "pagefind.ar_1.pf_meta").write_bytes(b"\x1f\x8b\x08\x00trunc")
    assert index_problem(index_dir, 2).startswith("pagefind.ar_1.pf_meta is damaged")


def site_bytes(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def filters(site: Path) -> dict[str, dict[str, list[int]]]:
    from dossier.index_files import read_file

    found = {}
    for path in (site / SEARCH_DIR / "filter").iterdir():
        name, values = read_file(path.read_bytes())
        found[name] = {value: pages for value, pages in values}
    return found


def test_two_cold_builds_give_the_same_bytes_search_index_included(tmp_path):
    """Pagefind writes filters in hash-map order, a new one each run; the build sorts them and
    renames the files."""
    articles = {
        f"content/f{n:02d}.md": page(
            f"خبر {n}",
            f"2019-01-{n + 1:02d}",
            places=["القامشلي", "الحسكة", "سوريا"][: n % 3 + 1],
            people=["مارك إسبر"] if n % 2 else [],
            sources=["سانا", "RT"][: n % 2 + 1],
        )
        for n in range(12)
    }
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **articles})
    for out in ("one", "two"):
        assert build(root, "--out", out).returncode == 0
    one, two = site_bytes(root / "one"), site_bytes(root / "two")
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []
    assert any(path.startswith(f"{SEARCH_DIR}/filter/") for path in one)


def test_sorting_the_index_keeps_every_filter_value_and_page(tiny_site, monkeypatch):
    from dossier import search
    from dossier.builder import Builder, BuildOptions
    from dossier.index_files import read_file

    monkeypatch.setattr(search, "make_reproducible", lambda index_dir: None)
    assert (
        not Builder.for_cli(
            BuildOptions(tiny_site / "content", tiny_site / "as-written"), keep_cache=False
        )
        .build()
        .errors
    )
    monkeypatch.undo()
    assert (
        not Builder.for_cli(
            BuildOptions(tiny_site / "content", tiny_site / "sorted"), keep_cache=False
        )
        .build()
        .errors
    )
    assert filters(tiny_site / "sorted") == filters(tiny_site / "as-written")
    assert set(filters(tiny_site / "sorted")["places"]) == {"القامشلي", "الحسكة", "سوريا"}
    for path in (tiny_site / "sorted" / SEARCH_DIR / "filter").iterdir():
        values = [value for value, _ in read_file(path.read_bytes())[1]]
        assert values == sorted(values, key=lambda v: v.encode("utf-8")), path.name


def test_cbor_items_are_read_and_written_back_to_the_same_bytes():
    from dossier.index_files import Unreadable, decode, encode

    value = ["الأماكن", [[b"\x00\x01", 23, 24, 255, 256, 65536, 2**32, -1, -25]], []]
    data = encode(value)
    assert decode(data, 0) == (value, len(data))
    with pytest.raises(Unreadable):
        decode(b"\xa1\x01\x02", 0)  # a map: Pagefind writes none where the index is sorted


def cli_build(content: Path, site: Path):
    """A command-line build in this process (so a test can set the shard size)."""
    from dossier.builder import Builder, BuildOptions

    return Builder.for_cli(BuildOptions(content, site), keep_cache=False).build()


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def shard_named(path: str) -> str:
    """Which shard an index file belongs to ("manifest", "records", "delta" for the others)."""
    from dossier import shards

    first = path.split("/")[0]
    names = {shards.MANIFEST: "manifest", shards.RECORDS: "records", shards.DELTA: "delta"}
    return first if shards.is_shard_folder(first) else names.get(first, "0")


def test_an_edit_indexes_again_only_the_shard_that_holds_the_edited_article(tmp_path, monkeypatch):
    """The neighbours' pages change too (their links), not what they give the index: kept."""
    from dossier import shards
    from dossier.search_source import indexed_pages

    monkeypatch.setattr(shards, "SHARD_PAGES", 8)
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **many_articles(40)})
    assert not cli_build(root / "content", root / "site").errors
    index = root / "site" / SEARCH_DIR
    count = shards.shard_count(len(indexed_pages(root / "site")))
    assert count >= 4
    before = inodes(index)
    edited = root / "content" / "n0017.md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nفقرة أضافها المحرر عن الرقة.\n", encoding="utf-8"
    )

    result = cli_build(root / "content", root / "site")

    assert not result.errors
    after = inodes(index)
    renewed = {shard_named(path) for path in after if before.get(path) != after[path]}
    assert (
        f"{SEARCH_DIR}/{shards.RECORDS}" in result.changed
    )  # the next build's staging relies on it
    shard = str(shards.shard_of("articles/n0017/index.html", count))
    assert renewed == {shard, "manifest", "records"}
    assert (
        len(json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))["merge"]) == count - 1
    )
    assert not cli_build(root / "content", root / "cold").errors
    assert index_bytes(root / "site") == index_bytes(root / "cold")  # the same as a cold build's


def test_the_preview_reindexes_only_the_changed_shard_and_swaps_it_in(tmp_path, monkeypatch):
    from dossier import shards
    from dossier.search import reindex_in_place

    monkeypatch.setattr(shards, "SHARD_PAGES", 8)
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **many_articles(40)})
    assert not cli_build(root / "content", root / "site").errors
    site, index = root / "site", root / "site" / SEARCH_DIR
    before = inodes(index)
    article = site / "articles/n0003/index.html"
    text = article.read_text(encoding="utf-8").replace("في الحسكة", "في الرقة", 1)
    article.unlink()  # as the preview writes: a new file in place of the old
    article.write_text(text, encoding="utf-8")

    reindex_in_place(site)

    after = inodes(index)
    renewed = {shard_named(path) for path in after if before.get(path) != after[path]}
    count = len(json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))["merge"]) + 1
    shard = str(shards.shard_of("articles/n0003/index.html", count))
    assert renewed == {shard, "manifest", "records"}
    assert not (site / ".pagefind-new").exists() and not (site / ".pagefind-old").exists()


def test_shards_double_as_the_dossier_grows_and_stay_put_between():
    from dossier.shards import shard_count, shard_of

    counts = {pages: shard_count(pages) for pages in (1, 1023, 1024, 5120, 5121, 20_000, 64_100)}
    assert counts == {1: 1, 1023: 1, 1024: 2, 5120: 2, 5121: 4, 20_000: 8, 64_100: 32}
    paths = [f"articles/a{n:06d}/index.html" for n in range(400)]
    for path in paths:  # doubling the shards splits each in two: a page moves only within its half
        assert shard_of(path, 8) % 4 == shard_of(path, 4)
    assert len({shard_of(path, 4) for path in paths}) == 4


def edit(content: Path, name: str, paragraph: str) -> None:
    article = content / name
    article.write_text(article.read_text(encoding="utf-8") + f"\n{paragraph}\n", encoding="utf-8")


@pytest.fixture
def small_delta(monkeypatch):
    """A delta of at most 3 changed pages and a sample of 4: a 40-article dossier uses one."""
    from dossier import shards

    monkeypatch.setattr(shards, "DELTA_PAGES", 3)
    monkeypatch.setattr(shards, "SAMPLE_PAGES", 4)
    return shards


@pytest.fixture
def forty(tmp_path, small_delta):
    """A 40-article dossier built with its index: (its folder, the index, the index's records)."""
    root = make_site(tmp_path / "dossier", {**TINY_SITE, **many_articles(40)})
    assert not cli_build(root / "content", root / "site").errors
    index = root / "site" / SEARCH_DIR
    records = json.loads((index / small_delta.RECORDS).read_text(encoding="utf-8"))["pages"]
    return root, index, records


def test_an_edit_goes_to_the_delta_and_leaves_every_shard_as_it_was(forty, small_delta):
    shards, (root, index, old) = small_delta, forty
    before = inodes(index)
    edit(root / "content", "n0017.md", "فقرة أضافها المحرر عن الرقة.")

    result = cli_build(root / "content", root / "site")

    assert not result.errors
    after = inodes(index)
    renewed = {p for p in after if before.get(p) != after[p]}
    assert {shard_named(p) for p in renewed} == {"delta", "manifest"}
    assert {f"{SEARCH_DIR}/{p}" for p in renewed} <= set(result.changed)  # all said, for the next
    manifest = json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["merge"][-1] == "delta/"
    assert manifest["hidden"] == [old["articles/n0017/index.html"][1]]  # its shard's old copy
    entry = json.loads((index / "delta" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["ar"]["page_count"] == 1 + 4  # the edited page and the sample
    # The edited page is counted once under its place: its shard's copy is taken off, and so are
    # the sample's, counted in their shard and in the delta.
    sample_places = sum(
        "القامشلي" in filters_of(index, path) for path in sample_paths(old, index, "n0017")
    )
    assert manifest["uncount"]["places"]["القامشلي"] == 1 + sample_places


def filters_of(index: Path, path: str) -> list[str]:
    from dossier.search import fragment_ids

    for folder in [index, *[p for p in index.iterdir() if p.name.isdigit()]]:
        found = fragment_ids(folder)
        if path in found:
            data = gzip.decompress(
                (folder / "fragment" / f"{found[path]}.pf_fragment").read_bytes()
            )
            return json.loads(data[data.index(b"{") :])["filters"].get("places", [])
    raise AssertionError(path)


def sample_paths(records: dict, index: Path, edited: str) -> list[str]:
    from dossier.search import fragment_ids

    return [p for p in fragment_ids(index / "delta") if edited not in p and p in records]


def test_more_edits_than_the_delta_holds_index_their_shards_as_a_cold_build(forty):
    root = forty[0]
    for name in ("n0003.md", "n0011.md"):
        edit(root / "content", name, "فقرة أضافها المحرر عن الرقة.")
        assert not cli_build(root / "content", root / "site").errors
    assert (root / "site" / SEARCH_DIR / "delta").is_dir()  # two edits: still the delta's
    for name in ("n0020.md", "n0031.md"):
        edit(root / "content", name, "وأضاف المحرر سطرًا عن دير الزور.")

    assert not cli_build(root / "content", root / "site").errors

    assert not (root / "site" / SEARCH_DIR / "delta").exists()
    assert not cli_build(root / "content", root / "cold").errors
    assert index_bytes(root / "site") == index_bytes(root / "cold")


def test_a_removed_article_is_hidden_from_search_until_its_shard_is_indexed(forty, small_delta):
    shards, (root, index, old) = small_delta, forty
    (root / "content" / "n0005.md").unlink()

    assert not cli_build(root / "content", root / "site").errors

    manifest = json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))
    assert old["articles/n0005/index.html"][1] in manifest["hidden"]
    assert "articles/n0005/index.html" not in shards_pages(index / "delta")


def shards_pages(folder: Path) -> set[str]:
    from dossier.search import fragment_ids

    return set(fragment_ids(folder))


def test_plan_delta_takes_few_changes_and_leaves_many_to_the_shards(small_delta):
    shards = small_delta
    paths = [f"articles/a{n:03d}/index.html" for n in range(40)]
    digests = {path: "d" for path in paths}
    records = {path: ["d", f"ar_{n:07x}"] for n, path in enumerate(paths)}
    members = shards.plan_shards(paths)
    assert shards.plan_delta(digests, records, members) is None  # nothing changed
    assert shards.plan_delta(digests, {}, members) is None  # no records: index the shards
    one = shards.plan_delta({**digests, paths[7]: "e"}, records, members)
    assert one.replaced[paths[7]] == records[paths[7]][1] and len(one.doubled) == 4
    assert paths[7] in one.pages and paths[7] not in one.doubled and len(one.pages) == 5
    many = {**digests, **{path: "e" for path in paths[:4]}}
    assert shards.plan_delta(many, records, members) is None  # more than DELTA_PAGES
    few_pages = {path: "d" for path in paths[:12]}
    small = shards.plan_delta({**few_pages, paths[0]: "e"}, records, shards.plan_shards(paths[:12]))
    assert small is None  # the shard is hardly larger than the delta would be


def test_a_fragment_the_delta_would_hide_shared_by_another_page_indexes_the_shards(
    forty, small_delta, monkeypatch
):
    """Results are dropped by fragment: if the edited page's old one were also another page's
    (Pagefind's ids are unique within one index only), that page would vanish from search."""
    from dossier import search

    shards, (root, index, old) = small_delta, forty
    clashing = old["articles/n0017/index.html"][1]
    real = search.fragment_ids

    def clash(folder: Path) -> dict[str, str]:
        found = real(folder)
        if folder.name == shards.DELTA:  # a sample page's new fragment has the same id
            found[next(p for p in found if "n0017" not in p)] = clashing
        return found

    monkeypatch.setattr(search, "fragment_ids", clash)
    edit(root / "content", "n0017.md", "فقرة أضافها المحرر عن الرقة.")

    assert not cli_build(root / "content", root / "site").errors

    assert not (index / shards.DELTA).exists()
    assert "hidden" not in json.loads((index / shards.MANIFEST).read_text(encoding="utf-8"))
    monkeypatch.setattr(search, "fragment_ids", real)
    assert not cli_build(root / "content", root / "cold").errors
    assert index_bytes(root / "site") == index_bytes(root / "cold")


@pytest.mark.parametrize("damage", ["shard entry removed", "fragments removed"])
def test_an_edit_over_a_damaged_shard_indexes_it_again(forty, small_delta, damage):
    root, index, _ = forty
    if damage == "shard entry removed":
        (index / "pagefind-entry.json").unlink()
    else:
        for fragment in (index / "fragment").iterdir():
            fragment.unlink()
    edit(root / "content", "n0017.md", "فقرة أضافها المحرر عن الرقة.")

    assert not cli_build(root / "content", root / "site").errors

    assert not (index / small_delta.DELTA).exists()
    assert not cli_build(root / "content", root / "cold").errors
    assert index_bytes(root / "site") == index_bytes(root / "cold")
