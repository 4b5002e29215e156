"""Pages loaded and rendered by forked workers give exactly the site one process gives, and a
worker's error leaves the site as it was. (Markdown's own shortcuts: test_load.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TINY_SITE, make_site, page, site_files

from dossier import parallel
from dossier.builder import Builder, BuildOptions


def test_workers_build_the_same_site_as_one_process(tmp_path, monkeypatch):
    files = dict(TINY_SITE)
    for number in range(60):  # enough pages for paginated listings at every depth
        files[f"content/extra-{number:02d}.md"] = page(
            f"مقال رقم {number} عن القامشلي",
            f"2018-{number % 12 + 1:02d}-10",
            places=["القامشلي", "الحسكة"],
            sources=["RT"],
            body=f"فقرة **أولى** رقم {number}.\n\n## عنوان\n\n> اقتباس",
        )
    make_site(tmp_path, files)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    serial = Builder.for_cli(
        BuildOptions(tmp_path / "content", tmp_path / "one", search=False, workers=1),
        keep_cache=False,
    )
    forked = Builder.for_cli(
        BuildOptions(tmp_path / "content", tmp_path / "two", search=False, workers=2),
        keep_cache=False,
    )
    assert not serial.build().errors and not forked.build().errors
    one, two = site_files(tmp_path / "one"), site_files(tmp_path / "two")
    assert len(one) > 80 and one == two
    assert b"\xee\x80\x80" not in b"".join(
        one.values()
    )  # no card placeholder (U+E000) left in any output


@pytest.mark.parametrize(
    "persist", [False, True], ids=["outputs held in memory", "outputs written by the workers"]
)
def test_a_template_error_found_by_a_worker_leaves_the_site_as_it_was(
    tmp_path, monkeypatch, persist
):
    make_site(tmp_path, TINY_SITE)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    assert (
        not Builder.for_cli(
            BuildOptions(tmp_path / "content", tmp_path / "site", search=False), keep_cache=False
        )
        .build()
        .errors
    )
    before = site_files(tmp_path / "site")
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ page.nothing.here }}{% endblock %}',
        encoding="utf-8",
    )
    options = BuildOptions(tmp_path / "content", tmp_path / "site", search=False, workers=2)
    builder = Builder.for_cli(options) if persist else Builder.for_preview(options)
    result = builder.build()
    assert [str(e).split(":")[0] for e in result.errors] == ["layouts/article.html"]
    assert site_files(tmp_path / "site") == before
    assert not (tmp_path / ".site.staging").exists()


def build_held(root: Path) -> None:
    """One process and no cache: the reference."""
    options = BuildOptions(root / "content", root / "held", search=False)
    assert not Builder.for_cli(options, keep_cache=False).build().errors


def build_streamed(root: Path):
    """Two workers putting their outputs into the staging folder, with the cache."""
    options = BuildOptions(root / "content", root / "site", search=False, workers=2)
    return Builder.for_cli(options).build()


def test_workers_writing_into_staging_build_the_same_site(tmp_path, monkeypatch):
    make_site(
        tmp_path, {**TINY_SITE, "content/2019-a.md": page("عنوان", "2019-11-13", body="**نص**")}
    )
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build_held(tmp_path)
    first = build_streamed(tmp_path)
    assert not first.errors and len(first.changed) == len(site_files(tmp_path / "held"))
    assert site_files(tmp_path / "site") == site_files(tmp_path / "held")
    (tmp_path / "content" / "2019-a.md").write_text(
        page("عنوان آخر", "2019-11-13"), encoding="utf-8"
    )
    build_held(tmp_path)
    second = build_streamed(tmp_path)
    assert (
        "articles/2019-a/index.html" in second.changed and "static/style.css" not in second.changed
    )
    assert site_files(tmp_path / "site") == site_files(tmp_path / "held")
