"""Unit tests of dossier/render.py: the compiled layouts kept between builds."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from dossier.render import compiled_layouts_dir, make_env

LAYOUT = "<p>{{ title }}</p>{% for name in names %}<span>{{ name }}</span>{% endfor %}\n"
CONTEXT = {"title": "مقال عن القامشلي", "names": ["الحسكة", "دير الزور"]}
EXPECTED = "<p>مقال عن القامشلي</p><span>الحسكة</span><span>دير الزور</span>"  # trim_blocks


@pytest.fixture
def layouts(tmp_path: Path) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "article.html").write_text(LAYOUT, encoding="utf-8")
    return folder


def render(layouts: Path, compiled: Path | None) -> str:
    return make_env([layouts], compiled).get_template("article.html").render(CONTEXT)


def test_a_layout_compiled_once_is_not_compiled_again(layouts, tmp_path, monkeypatch):
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    assert render(layouts, compiled) == EXPECTED
    assert list(compiled.iterdir()), "nothing was kept"

    def no_compiling(*args, **kwargs):
        raise AssertionError("the layout was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert render(layouts, compiled) == EXPECTED


def test_an_edited_layout_is_compiled_again(layouts, tmp_path):
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    render(layouts, compiled)
    (layouts / "article.html").write_text("<h1>{{ title }}</h1>\n", encoding="utf-8")
    assert render(layouts, compiled) == "<h1>مقال عن القامشلي</h1>\n"


def test_a_damaged_compiled_layout_is_compiled_again(layouts, tmp_path):
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    render(layouts, compiled)
    for kept in compiled.iterdir():
        kept.write_bytes(kept.read_bytes()[:20] + b"\x00junk")
    assert render(layouts, compiled) == EXPECTED


def test_a_cache_that_cannot_be_written_is_no_cache(layouts, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    assert compiled_layouts_dir(not_a_folder) is None
    assert render(layouts, not_a_folder) == EXPECTED  # writing into it fails: still renders


def test_compiled_layouts_go_to_a_folder_named_after_the_code(tmp_path):
    folder = compiled_layouts_dir(tmp_path / ".cache")
    assert folder.is_dir() and folder.parent == tmp_path / ".cache"
    assert (
        folder.name.startswith("layouts-") and compiled_layouts_dir(tmp_path / ".cache") == folder
    )
