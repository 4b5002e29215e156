"""Text fit for every output: characters XML forbids dropped, bidi controls closed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from dossier.safe_text import (
    BIDI,
    EMBEDDINGS,
    ILLEGAL,
    ISOLATES,
    PDF,
    PDI,
    UNFIT,
    balance_bidi,
    fit_for_output,
)

RLO, RLI, LRE = "\u202e", "\u2067", "\u202a"


def balanced(text: str) -> bool:
    """True when every closer closes something and nothing is left open."""
    opened: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            opened.append(char)
        elif char == PDF:
            if not opened or opened[-1] not in EMBEDDINGS:
                return False
            opened.pop()
        elif char == PDI:
            if not opened or opened[-1] not in ISOLATES:
                return False
            opened.pop()
    return not opened


def test_an_unclosed_override_in_a_title_is_closed_at_its_end():
    assert balance_bidi(f"خبر {RLO}عاجل") == f"خبر {RLO}عاجل{PDF}"


def test_closers_that_close_nothing_are_dropped():
    assert balance_bidi(f"{PDF}نص{PDI}") == "نص"


def test_an_isolate_closes_the_embeddings_opened_inside_it():
    assert balance_bidi(f"{RLI}أ{LRE}ب{PDI}ج") == f"{RLI}أ{LRE}ب{PDF}{PDI}ج"


def test_controls_xml_forbids_are_dropped_from_text_values():
    assert fit_for_output("نص\x0b من\x01 وورد\ufffe") == "نص من وورد"
    assert fit_for_output(3) == 3


def test_markup_is_the_templates_own_and_passes_unchanged():
    body = Markup("<p>\u202eنص</p>")
    assert fit_for_output(body) is body


@given(
    st.text(
        alphabet=st.sampled_from(["أ", " ", "\x0b", "\ufffe", *EMBEDDINGS, *ISOLATES, PDF, PDI])
    )
)
def test_any_text_comes_out_balanced_keeping_its_letters(text):
    cleaned = fit_for_output(text)
    assert balanced(cleaned)
    assert BIDI.sub("", cleaned) == BIDI.sub("", text).replace("\x0b", "").replace("\ufffe", "")
    assert fit_for_output(cleaned) == cleaned


def test_the_one_class_searched_for_is_the_illegal_characters_and_the_bidi_controls():
    for code in range(0x10000):
        character = chr(code)
        expected = bool(ILLEGAL.search(character) or BIDI.search(character))
        assert bool(UNFIT.search(character)) == expected, hex(code)
