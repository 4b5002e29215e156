"""The print edition and the articles' data files are assembled from a part per article, kept
while the article is unchanged: one edit makes one part again, from the command line's cache or
the preview's memory, and the files stay byte for byte a cold build's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import TINY_SITE, make_site, page, site_files
from hypothesis import given
from hypothesis import strategies as st

from dossier import cache, data
from dossier.builder import Builder, BuildOptions
from dossier.render import Renderer

ARTICLES = {
    f"content/meeting-{n:02d}.md": page(
        f"اجتماع رقم {n} في الحسكة",
        f"2020-{n % 12 + 1:02d}-{n % 27 + 1:02d}",
        places=["الحسكة"],
        people=["اسبر"] if n % 2 else [],
        body=f"نص الاجتماع {n} بالتفصيل.",
    )
    for n in range(30)
}


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    return make_site(tmp_path / "dossier", {**TINY_SITE, **ARTICLES})


@pytest.fixture
def parts_rendered(monkeypatch) -> list[str]:
    """The pages whose print part was rendered (print_parts.html's article macro), in order."""
    rendered: list[str] = []
    make_module = jinja2.Template.make_module

    def counting_module(template, *args, **kwargs):
        module = make_module(template, *args, **kwargs)
        if template.name != "print_parts.html":
            return module
        article = module.article

        def counted(page):
            rendered.append(page.src_path)
            return article(page)

        module.article = counted
        return module

    monkeypatch.setattr(jinja2.Template, "make_module", counting_module)
    return rendered


def cold_build(root: Path) -> dict[str, bytes]:
    out = root.parent / "cold"
    shutil.rmtree(out, ignore_errors=True)
    options = BuildOptions(root / "content", out, search=False)
    assert not Builder.for_cli(options, keep_cache=False).build().errors
    return site_files(out)


def cold_print(root: Path) -> bytes:
    return cold_build(root)["print/index.html"]


def edit_one(root: Path) -> None:
    path = root / "content" / "meeting-07.md"
    path.write_text(path.read_text(encoding="utf-8").replace("بالتفصيل", "باختصار"), "utf-8")


def test_the_command_line_renders_again_only_the_edited_articles_part(dossier, parts_rendered):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    assert len(parts_rendered) == len(ARTICLES) + 4  # every article once, the tiny site's too
    parts_rendered.clear()
    edit_one(dossier)
    assert not Builder.for_cli(options).build().errors  # a new run: the parts come from the cache
    assert parts_rendered == ["meeting-07.md"]
    printed = site_files(dossier / "site")["print/index.html"]
    assert "نص الاجتماع 7 باختصار" in printed.decode()
    assert printed == cold_print(dossier)


def test_the_preview_keeps_the_parts_in_memory(dossier, parts_rendered):
    builder = Builder.for_preview(BuildOptions(dossier / "content", dossier / "site"))
    assert not builder.build().errors
    parts_rendered.clear()
    edit_one(dossier)
    assert not builder.build().errors
    assert parts_rendered == ["meeting-07.md"]
    assert site_files(dossier / "site")["print/index.html"] == cold_print(dossier)


def test_a_changed_layout_renders_every_part_again(dossier, parts_rendered):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    parts_rendered.clear()
    layouts = dossier / "layouts"
    layouts.mkdir()
    builtin = Path(__file__).resolve().parent.parent / "layouts" / "print_parts.html"
    text = builtin.read_text(encoding="utf-8").replace("<h2 id=", '<h2 class="طباعة" id=')
    (layouts / "print_parts.html").write_text(text, encoding="utf-8")
    assert not Builder.for_cli(options).build().errors
    assert len(parts_rendered) == len(ARTICLES) + 4
    printed = site_files(dossier / "site")["print/index.html"].decode()
    assert printed.count('<h2 class="طباعة"') == len(ARTICLES) + 4


def pages_given_to(monkeypatch, owner: object, name: str) -> list[str]:
    """Count the calls of owner.name from now on: the src_path of the page each was given."""
    given: list[str] = []
    function = getattr(owner, name)

    def counted(*args):
        given.append(next(arg.src_path for arg in args if hasattr(arg, "src_path")))
        return function(*args)

    monkeypatch.setattr(owner, name, counted)
    return given


@pytest.fixture
def records_made(monkeypatch) -> list[str]:
    """The pages whose data record was made (data.article_record), in order."""
    return pages_given_to(monkeypatch, data, "article_record")


def test_an_edit_makes_again_only_the_edited_articles_data_lines(dossier, records_made):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    assert len(records_made) == len(ARTICLES) + 4
    records_made.clear()
    path = dossier / "content" / "meeting-07.md"
    path.write_text(path.read_text("utf-8").replace("في الحسكة", "في القامشلي"), "utf-8")
    assert not Builder.for_cli(options).build().errors
    assert records_made == ["meeting-07.md"]
    built, cold = site_files(dossier / "site"), cold_build(dossier)
    assert "اجتماع رقم 7 في القامشلي" in built["data/articles.json"].decode()
    assert {path: built[path] for path in data.DATA_FILES} == {
        path: cold[path] for path in data.DATA_FILES
    }


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@given(st.lists(JSON_VALUES, max_size=4))
def test_a_json_list_joined_from_its_items_is_the_list_written_whole(values):
    assert data.json_list([data.json_item(v) for v in values]) == data.as_json(values)


def test_an_edit_encodes_only_the_edited_page_into_the_cache(dossier, monkeypatch):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    encoded = pages_given_to(monkeypatch, cache, "encode_page")
    edit_one(dossier)
    assert not Builder.for_cli(options).build().errors
    assert encoded == ["meeting-07.md"]
    before = cache.cache_path(dossier / "site").read_bytes()
    (dossier / "content" / "meeting-09.md").unlink()
    assert not Builder.for_cli(options).build().errors
    assert encoded == ["meeting-07.md"]  # nothing else to encode: the rest is written back
    after = cache.cache_path(dossier / "site").read_bytes()
    assert b"meeting-09.md" in before and b"meeting-09.md" not in after
    path = dossier / "content" / "meeting-11.md"  # and the cache written back reads back
    path.write_text(path.read_text("utf-8").replace("بالتفصيل", "باختصار"), "utf-8")
    assert Builder.for_cli(options).build().rendered < 20
    assert site_files(dossier / "site") == cold_build(dossier)


def test_parts_damaged_in_the_cache_file_are_made_again(dossier):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    path = cache.cache_path(dossier / "site")
    header, body = path.read_bytes().split(b"\n", 1)
    data = json.loads(body)
    data["outputs"]["parts"] = {"print": ["نص"], "data": {"meeting-03.md": "نص", "x.md": [1]}}
    path.write_bytes(header + b"\n" + json.dumps(data).encode())
    edit_one(dossier)
    assert not Builder.for_cli(options).build().errors
    assert site_files(dossier / "site") == cold_build(dossier)


def test_listings_an_edit_renders_again_take_the_other_cards_from_the_cache(dossier, monkeypatch):
    options = BuildOptions(dossier / "content", dossier / "site", search=False)
    assert not Builder.for_cli(options).build().errors
    made = pages_given_to(monkeypatch, Renderer, "render_card")
    edit_one(dossier)
    result = Builder.for_cli(options).build()
    assert result.rendered > 3  # its listings were rendered again, 30 cards each
    assert made == ["meeting-07.md"]
    assert site_files(dossier / "site") == cold_build(dossier)
