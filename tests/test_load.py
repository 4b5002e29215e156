"""Loading a page: Markdown without the inline pass where it cannot matter, paragraphs Markdown
would take minutes over shown as written, and front-matter keys that are a curator's typo."""

from __future__ import annotations

import pytest
from conftest import examples, time_limit
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossier.load import KNOWN_KEYS, MarkdownConverter, edit_distance, make_markdown, near_miss

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


@pytest.mark.parametrize(
    "typo, meant",
    [
        ("peopel", "people"),
        ("plases", "places"),
        ("titel", "title"),
        ("sumary", "summary"),
        ("dat", "date"),
        ("organisations", "organizations"),
    ],
)
def test_a_near_miss_names_the_key_meant(typo, meant):
    assert near_miss(typo, KNOWN_KEYS) == meant


@pytest.mark.parametrize("own_key", ["notes", "ملاحظات", "reviewer", "id", "tags"])
def test_a_curator_s_own_key_is_no_typo(own_key):
    assert near_miss(own_key, KNOWN_KEYS) is None


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("peopel", "people") == 1
    assert edit_distance("", "abc") == 3 and edit_distance("kitten", "sitting") == 3
