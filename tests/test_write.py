"""Writing site/: what a stopped writer leaves behind never blocks or leaks into the next build."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import TINY_GAZETTEER, TINY_SITE, make_site, page, run_cli

from dossier import write
from dossier.builder import Builder, BuildOptions
from dossier.pages import Output
from dossier.write import write_outputs


def build(root: Path, *extra: str):
    return run_cli(
        "build", "--content", "content", "--out", "site", "--no-search", *extra, cwd=root
    )


def edit_title(root: Path, title: str) -> None:
    make_site(root, {"content/2019-a.md": page(title, "2019-11-13", places=["القامشلي"])})


def test_a_stray_temporary_file_never_blocks_a_build(tiny_site):
    assert build(tiny_site).returncode == 0
    for folder in ("", "articles/2019-a/"):  # as a preview stopped mid-write leaves them
        (tiny_site / "site" / folder / ".tmp-index.html").write_text("نصف صفحة", encoding="utf-8")
    edit_title(tiny_site, "عنوان جديد للمقال")
    result = build(tiny_site)
    assert result.returncode == 0, result.stderr
    article = tiny_site / "site" / "articles" / "2019-a" / "index.html"
    assert "عنوان جديد للمقال" in article.read_text("utf-8")
    assert not list((tiny_site / "site").rglob(".tmp-*"))
    assert not (tiny_site / ".site.staging").exists()


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_site_as_a_link_updates_the_folder_it_points_at(tiny_site):
    web_root = tiny_site / "www" / "html"
    web_root.mkdir(parents=True)
    (tiny_site / "site").symlink_to(web_root)
    assert build(tiny_site).returncode == 0
    edit_title(tiny_site, "عنوان بعد النشر")
    result = build(tiny_site)
    assert result.returncode == 0, result.stderr
    assert (tiny_site / "site").is_symlink() and (tiny_site / "site").resolve() == web_root
    assert "عنوان بعد النشر" in (web_root / "articles" / "2019-a" / "index.html").read_text("utf-8")
    assert [p.name for p in (tiny_site / "www").iterdir()] == ["html"]  # no staging left beside it


@contextlib.contextmanager
def mounted(folder: Path, *options: str):
    """Mount a fresh tmpfs there, or bind the folder onto itself with these options; root only."""
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    folder.mkdir(exist_ok=True)
    fresh = ["mount", "-t", "tmpfs", "tmpfs", folder]
    command = ["mount", "--bind", folder, folder] if options else fresh
    if subprocess.run(command, capture_output=True).returncode != 0:
        pytest.skip("this machine cannot mount")
    try:
        if options:
            remount = ",".join(("remount", "bind", *options))
            subprocess.run(["mount", "-o", remount, folder], check=True)
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)


def test_site_as_a_mount_point_is_updated_in_place(tiny_site, tmp_path_factory):
    with mounted(tiny_site / "site") as site:
        assert build(tiny_site).returncode == 0
        edit_title(tiny_site, "عنوان في مجلد مركب")
        result = build(tiny_site)
        assert result.returncode == 0, result.stderr
        found = files_of(site)
    cold = tmp_path_factory.mktemp("cold")
    shutil.copytree(tiny_site / "content", cold / "content")
    assert build(cold).returncode == 0
    assert found == files_of(cold / "site")


@contextlib.contextmanager
def unwritable(folder: Path):
    """Make a folder nobody may change: immutable for root (chattr), read-only for anyone else."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr is not available here")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        yield folder
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("how", ["a folder in it is not ours", "it is mounted read-only"])
def test_a_site_that_cannot_be_written_is_refused_before_anything_is_touched(tiny_site, how):
    assert build(tiny_site).returncode == 0
    site = tiny_site / "site"
    before = files_of(site)
    edit_title(tiny_site, "عنوان لن يُنشر")
    guard = unwritable(site / "articles") if how.startswith("a folder") else mounted(site, "ro")
    with guard:
        result = build(tiny_site)
        assert result.returncode == 1
        assert result.stderr.count("\n") <= 2 and "Traceback" not in result.stderr, result.stderr
        assert "site" in result.stderr and "cannot" in result.stderr, result.stderr
        assert files_of(site) == before
        assert not (tiny_site / ".site.staging").exists()
    result = build(tiny_site)  # once it can be written, the next build goes through
    assert result.returncode == 0, result.stderr
    assert "عنوان لن يُنشر" in (site / "articles" / "2019-a" / "index.html").read_text("utf-8")


# The kept tree: the site before the last build, kept beside site/ as the next staging folder.

KEPT, RECORD = ".site.staging", ".site.staging.json"


def many_articles(count: int, version: int = 1) -> dict[str, str]:
    """A dossier of ``count`` articles over a few places; ``version`` changes one title."""
    files = {"content/_data/entities.yaml": TINY_GAZETTEER}
    places = ["القامشلي", "الحسكة", "سوريا"]
    for number in range(count):
        title = f"خبر رقم {number}" + (f" (تعديل {version})" if number == 7 else "")
        date = f"{2015 + number % 5}-{number % 12 + 1:02d}-{number % 27 + 1:02d}"
        body = f"نص الخبر {number} في {places[number % 3]}."
        files[f"content/a{number:03d}.md"] = page(
            title, date, places=[places[number % 3]], body=body
        )
    return files


def build_here(root: Path):
    """A command-line build in this process (so that its calls can be counted)."""
    options = BuildOptions(root / "content", root / "site", search=False)
    result = Builder.for_cli(options).build()
    assert not result.errors, result.errors
    return result


def cold_files(tmp_path_factory, content: Path) -> dict[str, bytes]:
    cold = tmp_path_factory.mktemp("cold")
    shutil.copytree(content, cold / "content")
    assert build(cold).returncode == 0
    return files_of(cold / "site")


def test_builds_from_the_kept_tree_give_the_cold_build_byte_for_byte(tiny_site, tmp_path_factory):
    steps = [
        {"content/2019-a.md": page("عنوان أول", "2019-11-13", places=["الحسكة"])},
        {"content/2020-new.md": page("مقال جديد", "2020-01-02", places=["دمشق"])},
        {"content/2019-a.md": page("عنوان ثان", "2019-11-13", places=["القامشلي"])},
    ]
    assert build(tiny_site).returncode == 0
    for files in steps + [None]:
        if files:
            make_site(tiny_site, files)
        else:  # an article deleted: its page and a place only it was on go, with their folders
            (tiny_site / "content" / "2020-new.md").unlink()
        result = build(tiny_site)
        assert result.returncode == 0, result.stderr
        assert (tiny_site / RECORD).is_file() and (tiny_site / KEPT).is_dir()
        assert files_of(tiny_site / "site") == cold_files(tmp_path_factory, tiny_site / "content")
        assert_kept_lacks_only_the_record(tiny_site)
    assert not (tiny_site / "site" / "articles" / "2020-new").exists()


def assert_kept_lacks_only_the_record(root: Path) -> None:
    """The kept tree holds what site/ holds, but at the output paths its record names."""
    lacks = set(json.loads((root / RECORD).read_bytes())["lacks"])
    kept, live = files_of(root / KEPT), files_of(root / "site")
    assert {p: b for p, b in kept.items() if p not in lacks} == {
        p: b for p, b in live.items() if p not in lacks
    }


def counting(monkeypatch, *names: str) -> dict[str, int]:
    """Count the calls to these os functions from now on."""
    counts = dict.fromkeys(names, 0)
    for name in names:
        original = getattr(os, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(os, name, counted)
    return counts


def test_one_edit_links_what_changed_not_the_whole_site(tmp_path, monkeypatch):
    root = make_site(tmp_path, many_articles(150))
    build_here(root)
    make_site(root, many_articles(150, version=2))
    build_here(root)  # the first build that keeps the old site
    site_size = len(files_of(root / "site"))
    lacks = json.loads((root / RECORD).read_bytes())["lacks"]
    make_site(root, many_articles(150, version=3))
    counts = counting(monkeypatch, "link", "makedirs")
    build_here(root)
    assert 0 < len(lacks) < 30 < site_size, (lacks, site_size)
    assert counts["link"] <= len(lacks) and counts["makedirs"] <= len(lacks), counts
    (root / RECORD).unlink()  # without the record: every file is linked again
    make_site(root, many_articles(150, version=4))
    counts.update(link=0, makedirs=0)
    build_here(root)
    assert counts["link"] >= site_size - 1, counts


# The last edit changes the undated article alone; the one before, 2019-a's title, changed more.
UNTOUCHED = "sources/rt/index.html"  # changed by neither edit
CHANGED_BEFORE = "articles/2019-c/index.html"  # changed by the edit before only


def replace_by_hand(site: Path) -> None:
    """An editor saving over a page of site/ (a new file renamed over the old)."""
    page_file = site / UNTOUCHED
    fresh = page_file.with_name("index.html.new")
    fresh.write_bytes(page_file.read_bytes().replace("الحسكة".encode(), "مكان آخر".encode()))
    os.replace(fresh, page_file)


def build_in_preview(root: Path) -> None:
    make_site(root, {"content/2019-b.md": page("عنوان كتبته المعاينة", "2019-11-14")})
    options = BuildOptions(root / "content", root / "site", search=False)
    assert not Builder.for_preview(options).build().errors


def stop_during_sync(root: Path, monkeypatch) -> None:
    """A build stopped while it brings the kept tree up to date (after one file)."""
    from dossier import kept_site

    made = []

    def link_then_stop(source, target):
        if made:
            raise KeyboardInterrupt
        made.append(target)
        os.link(source, target)

    make_site(root, {"content/2019-b.md": page("عنوان لم يكتمل", "2019-11-14")})
    with monkeypatch.context() as patch:
        patch.setattr(kept_site, "link_or_copy", link_then_stop)
        with pytest.raises(KeyboardInterrupt):
            build_here(root)
    assert made and not (root / RECORD).exists()


DISTRUST = {
    "no record": lambda root, _: (root / RECORD).unlink(),
    "record damaged": lambda root, _: (root / RECORD).write_bytes(b'{"format": 1, "lacks": ['),
    "record of a list": lambda root, _: (root / RECORD).write_text("[]", encoding="utf-8"),
    "a page replaced by hand": lambda root, _: replace_by_hand(root / "site"),
    "a page deleted by hand": lambda root, _: (root / "site" / CHANGED_BEFORE).unlink(),
    "the preview wrote into site/": lambda root, _: build_in_preview(root),
    "a build stopped while syncing": stop_during_sync,
    "the kept tree changed": lambda root, _: (root / KEPT / UNTOUCHED).unlink(),
}


@pytest.mark.parametrize("case", DISTRUST)
def test_a_kept_tree_that_cannot_be_trusted_is_not_used(
    tiny_site, tmp_path_factory, monkeypatch, case
):
    """After the disturbance the next build links the whole site afresh, and gives the cold build.

    Each disturbance touches a file the last edit leaves alone, so that a kept tree used when it
    should not be would show in site/."""
    build_here(tiny_site)
    edit_title(tiny_site, "عنوان قبل الإزعاج")
    build_here(tiny_site)
    assert (tiny_site / RECORD).is_file()
    DISTRUST[case](tiny_site, monkeypatch)
    undated = page("مقال بلا تاريخ", None, places=["القامشلي"], body="نص آخر.")
    make_site(tiny_site, {"content/undated.md": undated})
    counts = counting(monkeypatch, "link")
    build_here(tiny_site)
    found = files_of(tiny_site / "site")
    assert counts["link"] >= len(found) - 1, counts
    expected = cold_files(tmp_path_factory, tiny_site / "content")
    if case == "a page replaced by hand":  # kept by its render key, as site/ holds it
        assert "مكان آخر" in found.pop(UNTOUCHED).decode()
        expected.pop(UNTOUCHED)
    assert found == expected


def test_without_an_atomic_exchange_the_old_site_is_kept_all_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)  # two renames instead
    site = tmp_path / "site"
    for number in range(4):
        outputs = [
            Output("index.html", f"الإصدار {number}".encode()),
            Output(f"articles/a{number % 2}/index.html", f"مقال {number}".encode()),
        ]
        write_outputs(outputs, site)
        assert files_of(site) == {o.output_path: o.data for o in outputs}
    assert (tmp_path / RECORD).is_file() and not (tmp_path / ".site.old").exists()
    assert_kept_lacks_only_the_record(tmp_path)


def test_an_index_file_the_indexer_did_not_list_is_brought_up_to_date_all_the_same(tmp_path):
    """The kept site's record names every index file that changed, listed by the indexer or not."""
    site = tmp_path / "site"

    def indexer(number: int):
        def write_index(staging: Path, changed: list[str]) -> list[str]:
            shard = staging / "pagefind" / "shard.pf"
            if number in (0, 2):  # the index changes every other build, listed by no one
                shard.parent.mkdir(exist_ok=True)
                shard.unlink(missing_ok=True)  # never written into: it is shared with site/
                shard.write_bytes(f"فهرس {number}".encode())
            return []

        return write_index

    for number in range(5):
        outputs = [Output("index.html", f"الإصدار {number}".encode())]
        write_outputs(outputs, site, extra=indexer(number))
        last = 0 if number < 2 else 2
        assert (site / "pagefind" / "shard.pf").read_bytes() == f"فهرس {last}".encode()
    assert_kept_lacks_only_the_record(tmp_path)


def test_a_write_that_changes_nothing_keeps_its_staging_folder_for_the_next(tmp_path):
    site = tmp_path / "site"
    outputs = [Output("index.html", "نص".encode()), Output("feed.xml", b"<feed/>")]
    write_outputs(outputs, site)
    assert write_outputs(outputs, site) == []
    assert (tmp_path / RECORD).is_file() and json.loads((tmp_path / RECORD).read_bytes())[
        "lacks"
    ] == []
    assert_kept_lacks_only_the_record(tmp_path)
    assert write_outputs([Output("index.html", "نص آخر".encode())], site) == [
        "feed.xml",
        "index.html",
    ]
    assert files_of(site) == {"index.html": "نص آخر".encode()}


def test_a_temporary_file_a_killed_build_left_beside_site_is_removed_by_the_next(tmp_path):
    """A build killed while writing its cache or its kept-site record leaves the temporary file;
    the next build (even one with nothing to do) removes it, and nobody else's."""
    from dossier.builder import Builder, BuildOptions

    root = make_site(tmp_path, TINY_SITE)
    options = BuildOptions(root / "content", root / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    stale = [root / ".tmp-.site.cache.json-k1ll3d", root / ".tmp-.site.staging.json-k1ll3d"]
    someone_elses = root / ".tmp-dossier.yaml-x"
    for path in [*stale, someone_elses]:
        path.write_bytes(b"{")

    assert not Builder.for_cli(options).build().errors

    assert not any(path.exists() for path in stale) and someone_elses.exists()
