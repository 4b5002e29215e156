"""Arabic counted nouns follow CLDR's plural categories."""

from __future__ import annotations

import pytest

from dossier.plural import NOUNS, count_words


@pytest.mark.parametrize(
    "number, expected",
    [
        (0, "لا مقالات"),
        (1, "مقال واحد"),
        (2, "مقالان"),
        (3, "3 مقالات"),
        (10, "10 مقالات"),
        (11, "11 مقالًا"),
        (99, "99 مقالًا"),
        (100, "100 مقال"),
        (101, "101 مقال"),
        (102, "102 مقال"),
        (103, "103 مقالات"),
        (111, "111 مقالًا"),
    ],
)
def test_articles_are_counted_as_arabic_says_it(number, expected):
    assert count_words(number, "article") == expected


@pytest.mark.parametrize(
    "noun, number, expected",
    [
        ("event", 1, "حدث واحد"),
        ("event", 2, "حدثان"),
        ("event", 5, "5 أحداث"),
        ("event", 12, "12 حدثًا"),
        ("result", 0, "لا نتائج"),
        ("result", 2, "نتيجتان"),
        ("problem", 1, "مشكلة واحدة"),
        ("problem", 4, "4 مشكلات"),
    ],
)
def test_other_nouns_take_their_own_forms(noun, number, expected):
    assert count_words(number, noun) == expected


def test_every_noun_has_every_category():
    assert all(
        set(forms) == {"zero", "one", "two", "few", "many", "other"} for forms in NOUNS.values()
    )
