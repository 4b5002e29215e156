"""Writing site/: what a stopped writer leaves behind never blocks or leaks into the next build."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_site, page, run_cli


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
