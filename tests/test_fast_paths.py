"""The build's shortcuts give exactly what the long way gives: Markdown without the inline pass,
cards rendered once for every depth, pages loaded and rendered by forked workers."""

from __future__ import annotations

import pytest
from conftest import TINY_SITE, examples, make_site, page, site_files, time_limit
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossier import parallel
from dossier.builder import Builder, BuildOptions
from dossier.load import MarkdownConverter, make_markdown

# Text with block markup (headings, quotes, lists, rules, numbers) but none of the characters inline
# markup starts with.
PLAIN_TEXT = st.text(
    alphabet=st.sampled_from(
        list("قال إسبر، الحسكة «سانا» 600 جندي. #>-+=1)(:؟!\"'\n\t\u00a0\u200fRT")
    ),
    max_size=400,
)


@settings(max_examples=examples(300))
@given(PLAIN_TEXT)
def test_text_without_inline_markup_converts_the_same_without_the_inline_pass(text):
    converter = MarkdownConverter()
    assume(
        not converter.INLINE_MARKUP.search(text)
    )  # tabs, and two spaces before a line end, are markup
    full = make_markdown()
    assert converter.convert(text) == full.convert(text)


@settings(max_examples=examples(200))
@given(
    st.text(alphabet=st.sampled_from(list("قال *_`[]()<>&\\! #>-\n  http://x.org")), max_size=200)
)
def test_text_with_inline_markup_takes_the_full_pass(text):
    converter, full = MarkdownConverter(), make_markdown()
    assert converter.convert(text) == full.convert(text)


def test_inline_markup_is_still_converted():
    html = MarkdownConverter().convert("قال **إسبر** [هنا](https://example.org) و`رمز` و&amp;")
    assert (
        "<strong>إسبر</strong>" in html
        and '<a href="https://example.org">هنا</a>' in html
        and "<code>" in html
    )


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


def test_workers_writing_into_staging_build_the_same_site(tmp_path, monkeypatch):
    make_site(
        tmp_path, {**TINY_SITE, "content/2019-a.md": page("عنوان", "2019-11-13", body="**نص**")}
    )
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    assert (
        not Builder.for_cli(
            BuildOptions(tmp_path / "content", tmp_path / "held", search=False), keep_cache=False
        )
        .build()
        .errors
    )
    streamed = Builder.for_cli(
        BuildOptions(tmp_path / "content", tmp_path / "site", search=False, workers=2)
    )
    first = streamed.build()
    assert not first.errors and len(first.changed) == len(site_files(tmp_path / "held"))
    assert site_files(tmp_path / "site") == site_files(tmp_path / "held")
    (tmp_path / "content" / "2019-a.md").write_text(
        page("عنوان آخر", "2019-11-13"), encoding="utf-8"
    )
    assert (
        not Builder.for_cli(
            BuildOptions(tmp_path / "content", tmp_path / "held", search=False), keep_cache=False
        )
        .build()
        .errors
    )
    second = Builder.for_cli(
        BuildOptions(tmp_path / "content", tmp_path / "site", search=False, workers=2)
    ).build()
    assert (
        "articles/2019-a/index.html" in second.changed and "static/style.css" not in second.changed
    )
    assert site_files(tmp_path / "site") == site_files(tmp_path / "held")


HANG_SECONDS = 300  # only a hang takes this long; speed is measured by `build.py bench`
MARKUP_HANDED_ON = 20_000  # markup characters Python-Markdown's inline pass may get: ~1 s of work


def texts_given_to_markdown(converter: MarkdownConverter) -> list[str]:
    """Record every text the converter hands to Python-Markdown, into the list returned."""
    seen: list[str] = []
    for markdown in (converter.full, converter.plain):
        markdown.convert = lambda text, convert=markdown.convert: seen.append(text) or convert(text)
    return seen


@pytest.mark.parametrize(
    "body",
    [
        "[" * 200_000,
        ("[" * 150 + "\n\n") * 20_000,
        "*[" * 100_000,
        "**a" * 100_000,
        "\\[" * 100_000,
        "<" * 200_000 + "<script>",
    ],
    ids=["brackets", "many-bracket-paragraphs", "emphasis-brackets", "strong", "escapes", "angles"],
)
def test_paragraphs_markdown_would_take_minutes_over_are_shown_as_written(body):
    """Python-Markdown's inline pass is quadratic in a paragraph's markup: these took minutes
    before. Now the costly paragraphs never reach it: what it gets holds few markup characters."""
    converter = MarkdownConverter()
    handed_on = texts_given_to_markdown(converter)
    with time_limit(HANG_SECONDS):
        html = converter.convert(body)
    assert sum(text.count(c) for text in handed_on for c in "[<*_\\`&") <= MARKUP_HANDED_ON
    assert "<script>" not in html and "DOSSIERASIDE" not in html
    assert html.count("[") + html.count("&lt;") >= body.count("[") // 2 + body.count("<") // 2


def test_ordinary_paragraphs_with_links_are_not_set_aside():
    from dossier.load import set_aside_costly_blocks

    body = "\n\n".join("نص [رابط](https://example.org/x) و*تأكيد* " * 30 for _ in range(50))
    assert set_aside_costly_blocks(body) == (body, {})
    assert MarkdownConverter().convert(body).count("<a href") == 1500
