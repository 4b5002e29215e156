"""The Builder: its two constructors, its page cache, what its errors name."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import TINY_SITE, make_site, page, run_cli, site_files

from dossier.builder import Builder, BuildOptions


def test_two_articles_with_one_slug_are_an_error_naming_both_files(tmp_path, monkeypatch):
    make_site(
        tmp_path,
        {
            **TINY_SITE,
            "content/first.md": page("المقال الأول", "2019-11-13", slug="same"),
            "content/second.md": page("المقال الثاني", "2019-11-14", slug="same"),
        },
    )
    monkeypatch.chdir(tmp_path)
    options = BuildOptions(Path("content"), Path("site"), search=False)
    result = Builder.for_cli(options, keep_cache=False).build()
    assert [str(e) for e in result.errors] == [
        "content/first.md: would write articles/same/index.html,"
        " which content/second.md also writes"
    ]
    assert not (tmp_path / "site").exists()


def test_pages_are_known_by_their_path_in_content_whatever_the_working_folder(tmp_path):
    make_site(tmp_path, {**TINY_SITE, "content/sub/deep.md": page("مقال في مجلد", "2019-10-01")})
    builder = Builder.for_preview(BuildOptions(tmp_path / "content", tmp_path / "site"))
    assert not builder.build().errors
    assert "sub/deep.md" in builder.cache.pages
    assert {entry[1].src_path for entry in builder.cache.pages.values()} == set(builder.cache.pages)
    args = ["build", "--no-search", "--content", str(tmp_path / "content")]
    args += ["--out", str(tmp_path / "site")]
    first = run_cli(*args, cwd=tmp_path)
    elsewhere = tmp_path / "content" / "sub"
    second = run_cli(*args, cwd=elsewhere)  # the cache holds nothing that depends on the folder
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert re.search(r"\b0 output\(s\) rendered", second.stderr), second.stderr


def test_the_command_line_and_the_preview_build_the_same_site(tmp_path):
    make_site(tmp_path, TINY_SITE)
    cli = Builder.for_cli(BuildOptions(tmp_path / "content", tmp_path / "cli", search=False))
    preview = Builder.for_preview(BuildOptions(tmp_path / "content", tmp_path / "preview"))
    assert not cli.build().errors and not preview.build().errors
    assert (tmp_path / ".cli.cache.json").is_file()  # the command line's cache, beside its site
    assert not (tmp_path / ".preview.cache.json").exists()  # the preview's is in memory
    assert site_files(tmp_path / "cli") == site_files(tmp_path / "preview")
    again = cli.build()
    assert again.changed == [] and again.rendered == 0  # nothing edited: nothing done
