"""Writing site/: what a stopped writer leaves behind never blocks or leaks into the next build."""
from __future__ import annotations

from pathlib import Path

from conftest import make_site, page, run_cli


def build(root: Path, *extra: str):
    return run_cli("build", "--content", "content", "--out", "site", "--no-search", *extra,
                   cwd=root)


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

