"""Arabic counted nouns: the CLDR plural form picks the words («مقالان»، «3 مقالات»، «11 مقالًا»)."""

from __future__ import annotations

import babel

# For each noun, its words by CLDR plural category: zero, one and two stand alone; few (3-10),
# many (11-99) and other (100, 101, 102, …) follow the number.
NOUNS = {
    "article": {
        "zero": "لا مقالات",
        "one": "مقال واحد",
        "two": "مقالان",
        "few": "مقالات",
        "many": "مقالًا",
        "other": "مقال",
    },
    "event": {
        "zero": "لا أحداث",
        "one": "حدث واحد",
        "two": "حدثان",
        "few": "أحداث",
        "many": "حدثًا",
        "other": "حدث",
    },
    "result": {
        "zero": "لا نتائج",
        "one": "نتيجة واحدة",
        "two": "نتيجتان",
        "few": "نتائج",
        "many": "نتيجة",
        "other": "نتيجة",
    },
    "entry": {
        "zero": "لا مداخل",
        "one": "مدخل واحد",
        "two": "مدخلان",
        "few": "مداخل",
        "many": "مدخلًا",
        "other": "مدخل",
    },
    "entity": {
        "zero": "لا كيانات",
        "one": "كيان واحد",
        "two": "كيانان",
        "few": "كيانات",
        "many": "كيانًا",
        "other": "كيان",
    },
    "problem": {
        "zero": "لا مشكلات",
        "one": "مشكلة واحدة",
        "two": "مشكلتان",
        "few": "مشكلات",
        "many": "مشكلة",
        "other": "مشكلة",
    },
}
STANDALONE = ("zero", "one", "two")
ARABIC = babel.Locale("ar")


def count_words(number: int, noun: str) -> str:
    """How many of a noun, as Arabic says it: «لا مقالات»، «مقال واحد»، «3 مقالات»، «100 مقال»."""
    category = ARABIC.plural_form(number)
    words = NOUNS[noun][category]
    return words if category in STANDALONE else f"{number} {words}"
