"""Incremental builds give, byte for byte, what a cold build of the same content gives.

Two incremental paths: the preview's builder kept in memory (outputs and cards reused, files written
one by one) and the command line's page cache kept on disk between runs. After every kind of edit,
each must leave exactly the files a fresh build writes.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import TINY_SITE, build_site, make_site, page, run_cli, site_files

from dossier.builder import Builder, BuildOptions

CONTENT_EXTRA = {
    f"content/more-{n:02d}.md": page(
        f"خبر رقم {n} من الحسكة",
        f"2019-{n % 12 + 1:02d}-{n % 27 + 1:02d}",
        places=["الحسكة", "سوريا"] if n % 2 else ["القامشلي"],
        sources=["RT"],
        people=["اسبر"] if n % 3 == 0 else [],
        summary=f"ملخص {n}.",
        body=f"فقرة أولى من الخبر {n}.\n\n## عنوان فرعي\n\n> اقتباس من **سانا**",
    )
    for n in range(60)  # past the 50 a listing page holds, so pagination is exercised too
}


def cold_build(root: Path) -> dict[str, bytes]:
    out = root.parent / f"{root.name}-cold"
    shutil.rmtree(out, ignore_errors=True)
    result = Builder.for_cli(
        BuildOptions(root / "content", out, search=False), keep_cache=False
    ).build()
    assert not result.errors, result.errors
    return site_files(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edits(root: Path) -> list[tuple[str, callable]]:
    content = root / "content"
    return [
        ("edit a body", lambda: edit(content / "more-05.md", "فقرة أولى", "فقرة معدلة")),
        ("edit a title", lambda: edit(content / "2019-a.md", "وصول رتل", "دخول رتل")),
        (
            "move an article in time",
            lambda: edit(content / "more-07.md", "2019-08-08", "2017-01-02"),
        ),
        (
            "change an article's places",
            lambda: edit(content / "more-03.md", "- الحسكة", "- عين العرب"),
        ),
        (
            "add an article",
            lambda: (content / "new.md").write_text(
                page("مقال جديد عن القامشلي", "2020-01-01", places=["القامشلي"], sources=["سانا"]),
                encoding="utf-8",
            ),
        ),
        ("delete an article", lambda: (content / "more-10.md").unlink()),
        (
            "rename an article's file",
            lambda: (content / "more-11.md").rename(content / "renamed-11.md"),
        ),
        (
            "make an article a draft",
            lambda: edit(content / "more-12.md", "title:", "status: draft\ntitle:"),
        ),
        ("delete the last article of a place", lambda: (content / "2019-c.md").unlink()),
        (
            "add a gazetteer variant",
            lambda: edit(
                content / "_data" / "entities.yaml",
                "- name: سوريا",
                "- name: سوريا\n    variants: [سورية]",
            ),
        ),
        (
            "add a timeline event",
            lambda: (content / "_data" / "events.yaml").write_text(
                "- date: 2019-10\n  text: حدث في الحسكة\n  places: [الحسكة]\n", encoding="utf-8"
            ),
        ),
        (
            "change a setting",
            lambda: (root / "dossier.yaml").write_text(
                "title: ملف معدل\nper_page: 20\n", encoding="utf-8"
            ),
        ),
        (
            "override a layout",
            lambda: _write(
                root / "layouts" / "404.html",
                '{% extends "base.html" %}{% block main %}<p>غير موجودة</p>{% endblock %}',
            ),
        ),
    ]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    root = tmp_path / "dossier"
    make_site(root, {**TINY_SITE, **CONTENT_EXTRA})
    return root


@pytest.mark.parametrize("swap", [False, True], ids=["preview, file by file", "whole site swapped"])
def test_builder_kept_in_memory_matches_a_cold_build_after_every_edit(dossier, swap):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    builder = Builder.for_cli(options, keep_cache=False) if swap else Builder.for_preview(options)
    assert not builder.build().errors
    for name, change in edits(dossier):
        change()
        result = builder.build()
        assert not result.errors, (name, result.errors)
        assert site_files(dossier / "site") == cold_build(dossier), name


def test_an_edit_rewrites_only_the_outputs_it_affects(dossier):
    builder = Builder.for_preview(BuildOptions(dossier / "content", dossier / "site"))
    builder.build()
    edit(dossier / "content" / "more-05.md", "فقرة أولى", "فقرة معدلة")
    changed = builder.build().changed
    assert "articles/more-05/index.html" in changed
    assert len(changed) <= 3, changed  # the article; its card shows no body, so no listing changes
    edit(dossier / "content" / "more-05.md", "ملخص 5.", "ملخص جديد.")
    changed = set(builder.build().changed)
    assert {"index.html", "articles/more-05/index.html", "places/الحسكة/index.html"} <= changed
    assert "articles/more-06/index.html" not in changed


@pytest.mark.slow
def test_random_edits_with_the_command_line_cache_match_a_cold_build(dossier):
    """The command line keeps parsed pages on disk: whatever is edited between runs, the result is a
    cold build's."""
    rng = random.Random(7)
    steps = edits(dossier)
    rng.shuffle(steps)
    for name, change in steps[:8] + [("nothing", lambda: None)]:
        change()
        result = run_cli(
            "build",
            "--no-search",
            "--content",
            str(dossier / "content"),
            "--out",
            str(dossier / "site"),
            cwd=dossier,
        )
        assert result.returncode == 0, (name, result.stderr)
        assert site_files(dossier / "site") == cold_build(dossier), name
    assert "0 file(s) changed" in result.stderr  # the last run had nothing to do


def rendered(result) -> int:
    return int(re.search(r"(\d+) output\(s\) rendered", result.stderr)[1])


def test_the_command_line_renders_only_the_outputs_an_edit_affects(dossier):
    """The record beside site/ says from what each output was rendered: one edit renders only its
    outputs."""
    first = cli_build(dossier)
    assert rendered(first) > 64  # every article page, and the listings
    edit(dossier / "content" / "more-05.md", "فقرة أولى", "فقرة معدلة")
    body_edit = cli_build(dossier)
    # its page, and the listings, term pages, timeline and feed that list it: 8 of 79
    assert rendered(body_edit) < 15, body_edit.stderr
    assert "فقرة معدلة" in article_text(dossier, "more-05")
    edit(dossier / "content" / "more-05.md", "ملخص 5.", "ملخص جديد.")
    summary_edit = cli_build(dossier)
    assert rendered(summary_edit) < 15, summary_edit.stderr
    assert site_files(dossier / "site") == cold_build(dossier)
    (
        dossier / "site" / "articles" / "more-07" / "index.html"
    ).unlink()  # site/ is not what the record says
    edit(dossier / "content" / "more-05.md", "فقرة معدلة", "فقرة أخرى")
    assert rendered(cli_build(dossier)) < 15  # and the missing page, whose record is void
    assert site_files(dossier / "site") == cold_build(dossier)


def test_a_preview_build_into_the_same_site_voids_the_command_lines_record(dossier):
    cli_build(dossier)
    edit(dossier / "content" / "more-05.md", "فقرة أولى", "فقرة معدلة")
    assert Builder.for_preview(BuildOptions(dossier / "content", dossier / "site")).build().changed
    edit(dossier / "content" / "more-05.md", "فقرة معدلة", "فقرة أولى")
    cli_build(dossier)
    assert site_files(dossier / "site") == cold_build(dossier)


def test_a_stale_or_corrupt_cache_is_ignored(dossier):
    out = dossier / "site"
    cli_build(dossier)
    cache = dossier / ".site.cache.json"
    assert cache.exists()
    cache.write_text('{"key": {"code": "old"}, "pages": {"x": 1}}', encoding="utf-8")
    shutil.rmtree(out)
    cli_build(dossier)
    assert site_files(out) == cold_build(dossier)
    cache.write_bytes(b"\x00\xff not json")
    edit(dossier / "content" / "more-05.md", "فقرة أولى", "فقرة معدلة")
    cli_build(dossier)
    assert site_files(out) == cold_build(dossier)


def test_no_op_build_is_skipped_but_a_removed_site_is_rebuilt(dossier):
    cli_build(dossier)
    assert "0 file(s) changed" in cli_build(dossier).stderr
    shutil.rmtree(dossier / "site")
    cli_build(dossier)
    assert site_files(dossier / "site") == cold_build(dossier)


def test_a_large_timeline_splits_by_year_then_month_and_loses_no_entry(tmp_path, monkeypatch):
    from dossier import render

    monkeypatch.setattr(render, "TIMELINE_PAGE_ENTRIES", 20)
    files = {
        f"content/t-{n:02d}.md": page(f"حدث رقم {n}", f"2019-{n % 6 + 1:02d}-{n % 27 + 1:02d}")
        for n in range(30)
    }
    files.update(
        {
            "content/old.md": page("حدث قديم", "2018-05-01"),
            "content/year-only.md": page("حدث في سنة", "2019"),
        }
    )
    make_site(tmp_path, files)
    assert (
        not Builder.for_cli(
            BuildOptions(tmp_path / "content", tmp_path / "site", search=False), keep_cache=False
        )
        .build()
        .errors
    )
    timeline = tmp_path / "site" / "timeline"
    index = (timeline / "index.html").read_text(encoding="utf-8")
    assert (
        'href="../timeline/2018/index.html"' in index
        and 'href="../timeline/2019/index.html"' in index
        and "(31 مدخلًا)" in index
    )
    year = (timeline / "2019" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../timeline/2019/1/index.html"' in year and "الشهر غير معروف" in year
    entry_pages = sorted(timeline.rglob("index.html"))
    shown = [
        re.findall(r'<time datetime="([^"]+)"', p.read_text(encoding="utf-8")) for p in entry_pages
    ]
    dated = [d for dates in shown for d in dates]
    assert len(dated) == 32  # each article once: 2018, 2019 and the 30 of 2019 by month
    assert "كانون الثاني 2019" in (timeline / "2019" / "1" / "index.html").read_text(
        encoding="utf-8"
    )


def cli_build(root: Path):
    result = build_site(root)
    assert result.returncode == 0, result.stderr
    return result


def article_text(root: Path, slug: str) -> str:
    return (root / "site" / "articles" / slug / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["touch -r", "cp -p"])
def test_an_edit_that_keeps_size_and_modification_time_is_picked_up(dossier, how):
    """touch -r, cp -p and rsync -t set a file's modification time back; its size may not change
    either."""
    cli_build(dossier)
    article = dossier / "content" / "more-05.md"
    status = article.stat()
    edited = article.read_text(encoding="utf-8").replace("فقرة أولى", "فقرة أخرى")  # as many bytes
    if how == "touch -r":
        article.write_text(edited, encoding="utf-8")
        os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns))
    else:
        copy = dossier / "elsewhere.md"
        copy.write_text(edited, encoding="utf-8")
        os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
        shutil.copy2(copy, article)
    assert (article.stat().st_mtime_ns, article.stat().st_size) == (
        status.st_mtime_ns,
        status.st_size,
    )
    cli_build(dossier)
    assert "فقرة أخرى" in article_text(dossier, "more-05")
    assert site_files(dossier / "site") == cold_build(dossier)


def test_a_file_changed_again_within_its_stamps_resolution_is_compared_by_content(
    dossier, monkeypatch
):
    """On a file system keeping times to the second, two saves in one second leave the same stamp:
    a file changed that close to a build is known by its bytes too."""
    from dossier import builder as builder_module

    moment = time.time_ns()
    monkeypatch.setattr(
        builder_module, "file_stamp", lambda path: (moment, moment, os.stat(path).st_size, 1)
    )
    Builder.for_cli(BuildOptions(dossier / "content", dossier / "site", search=False)).build()
    article = dossier / "content" / "more-05.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("فقرة أولى", "فقرة ثانية"), encoding="utf-8"
    )
    result = Builder.for_cli(
        BuildOptions(dossier / "content", dossier / "site", search=False)
    ).build()
    assert "articles/more-05/index.html" in result.changed
    assert "فقرة ثانية" in article_text(dossier, "more-05")
    again = Builder.for_cli(
        BuildOptions(dossier / "content", dossier / "site", search=False)
    ).build()
    assert (
        again.changed == [] and again.pages == result.pages
    )  # and an unchanged file stays a no-op


def test_a_library_upgrade_is_not_a_no_op(dossier, monkeypatch):
    """The cache is keyed on the versions of the libraries that make the HTML (here, Markdown)."""
    from dossier import builder as builder_module
    from dossier import load

    assert (
        not Builder.for_cli(BuildOptions(dossier / "content", dossier / "site", search=False))
        .build()
        .errors
    )
    versions = getattr(builder_module, "dependency_versions", dict)()
    monkeypatch.setattr(
        builder_module,
        "dependency_versions",
        lambda: {**versions, "markdown": "99.0"},
        raising=False,
    )
    convert = load.MarkdownConverter.convert
    monkeypatch.setattr(
        load.MarkdownConverter, "convert", lambda self, text: convert(self, text) + "<hr>"
    )
    result = Builder.for_cli(
        BuildOptions(dossier / "content", dossier / "site", search=False)
    ).build()
    assert not result.errors
    assert article_text(dossier, "more-05").count("<hr>") == 1
