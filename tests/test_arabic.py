"""Arabic text rules: normalization, clitics, slugs and sort order."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier import arabic


@pytest.mark.parametrize(
    "written, folded",
    [
        ("أحمد", "احمد"),
        ("إسبر", "اسبر"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("سورية", "سوريه"),
        ("سُورِيَّا", "سوريا"),  # tashkeel
        ("ســـوريا", "سوريا"),  # tatweel
        ("سو\u200cريا", "سوريا"),
        ("\u200fسوريا\u200e", "سوريا"),
        ("\u202bسوريا\u202c", "سوريا"),
        ("\ufeffسوريا", "سوريا"),
        ("ﻻ", "لا"),  # presentation form, folded by NFKC
        ("RT  Syria", "rt syria"),
        ("  a\u00a0 b ", "a b"),
    ],
)
def test_normalize_folds_variants_marks_and_invisible_characters(written, folded):
    assert arabic.normalize(written) == folded


def test_words_split_on_punctuation_and_keep_latin():
    assert arabic.words("قال إسبر: «نقوم»، وفقاً لـRT.") == ["قال", "اسبر", "نقوم", "وفقا", "لrt"]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("بريف", "ريف"),
        ("لوكاله", "وكاله"),
        ("والاردن", "الاردن"),
        ("والاردن", "اردن"),
        ("للجيش", "جيش"),
        ("فالقامشلي", "قامشلي"),
        ("وبالحسكه", "حسكه"),
        ("كالعاده", "عاده"),
    ],
)
def test_word_forms_see_through_attached_clitics(word, expected):
    assert expected in arabic.word_forms(word)
    assert word in arabic.word_forms(word)


@pytest.mark.parametrize("word", ["ول", "بل", "ال", "لل", "و"])
def test_word_forms_never_strip_a_word_down_below_two_letters(word):
    assert all(len(form) >= min(len(word), arabic.MIN_STEM) for form in arabic.word_forms(word))


def test_word_parses_split_proclitics_and_keep_the_article():
    assert arabic.word_parses("وبالحسكه") == (("", "وبالحسكه"), ("و", "بالحسكه"), ("وب", "الحسكه"))
    assert ("ل", "الاردن") in arabic.word_parses("للاردن")  # ل + ال with the alef dropped
    assert ("ل", "لبنان") in arabic.word_parses("للبنان")
    assert arabic.word_parses("بل") == (("", "بل"),)  # never below two letters


@pytest.mark.parametrize(
    "name, slug",
    [
        ("عين العرب", "عين-العرب"),
        ("مارك إسبر", "مارك-إسبر"),
        ("سُورِيَّا", "سوريا"),
        ("ســـوريا", "سوريا"),
        ("RT", "rt"),
        ("  ../../etc/passwd ", "etc-passwd"),
        ("a / b \\ c", "a-b-c"),
        ("x\u200fy", "xy"),
        ("؟!", ""),
    ],
)
def test_term_slug_keeps_arabic_letters_and_nothing_that_walks_paths(name, slug):
    assert arabic.term_slug(name) == slug


def test_sort_key_orders_arabic_first_and_ignores_the_article():
    names = ["RT", "الحسكة", "دونالد ترامب", "القامشلي", "أربيل", "سانا"]
    assert sorted(names, key=arabic.sort_key) == [
        "أربيل",
        "الحسكة",
        "دونالد ترامب",
        "سانا",
        "القامشلي",
        "RT",
    ]


def test_clitic_free_forms_list_each_bare_form_once_in_order():
    forms = arabic.clitic_free_forms("والمدرعات الأمريكية والمدرعات")
    assert "مدرعات" in forms and "امريكيه" in forms
    assert len(forms) == len(set(forms))
    assert forms.index("مدرعات") < forms.index("امريكيه")


@given(st.text(st.sampled_from("أإآٱىةیکاويهكـًٌٍَُِّْ \u200f\u00a0ABCabc")), st.text())
def test_normalize_folds_exactly_as_the_translation_table_says(arabic_text, any_text):
    for text in (arabic_text, any_text):
        expected = arabic.DIACRITICS.sub(
            "", arabic.INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
        )
        expected = " ".join(
            expected.replace(arabic.TATWEEL, "")
            .translate(arabic.LETTER_VARIANTS)
            .casefold()
            .split()
        )
        assert arabic.normalize(text) == expected
