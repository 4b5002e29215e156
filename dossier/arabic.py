"""Arabic text rules: spelling normalization, clitics, slugs and sort keys. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
# Zero-width and bidi control characters: invisible, never part of a word.
INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
LETTER_VARIANTS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"}
)
# The same folds as (old, new) pairs: str.replace is ten times faster than str.translate here.
LETTER_FOLDS = tuple((chr(old), new) for old, new in LETTER_VARIANTS.items())
WORD = re.compile(r"\w+")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# Proclitics that attach to a word: a conjunction, then a preposition, then the article.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
MIN_STEM = 2
SLUG_UNSAFE = re.compile(r"[^\w-]+")


def normalize(text: str) -> str:
    """Fold the spelling variants that must not split an entity or defeat a search."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    for variant, letter in LETTER_FOLDS:
        if variant in text:
            text = text.replace(variant, letter)
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    """Split text into normalized words."""
    return WORD.findall(normalize(text))


@lru_cache(maxsize=1 << 17)
def word_forms(word: str) -> frozenset[str]:
    """A normalized word and the forms left without its clitics (cached: words repeat)."""
    forms = {word}
    bases = {word}
    if word[:1] in CONJUNCTIONS and len(word) - 1 >= MIN_STEM:
        bases.add(word[1:])
    for base in list(bases):
        if base[:1] in PREPOSITIONS and len(base) - 1 >= MIN_STEM:
            bases.add(base[1:])
            if base.startswith("لل") and len(base) - 2 >= MIN_STEM:
                bases.add(base[2:])  # لل = ل + ال with the alef dropped
    for base in bases:
        forms.add(base)
        if base.startswith("ال") and len(base) - 2 >= MIN_STEM:
            forms.add(base[2:])
    return frozenset(forms)


@lru_cache(maxsize=1 << 17)
def word_parses(word: str) -> tuple[tuple[str, str], ...]:
    """Split a normalized word every way its proclitics allow, as (proclitics, rest).

    The rest keeps its article: «وبالحسكه» -> ("", "وبالحسكه"), ("و", "بالحسكه"), ("وب", "الحسكه");
    «للاردن» (ل + ال, the alef dropped) -> ("ل", "الاردن") besides ("ل", "لاردن").
    """
    parses = [("", word)]
    if word[:1] in CONJUNCTIONS and len(word) - 1 >= MIN_STEM:
        parses.append((word[0], word[1:]))
    for prefix, rest in list(parses):
        if rest[:1] in PREPOSITIONS and len(rest) - 1 >= MIN_STEM:
            parses.append((prefix + rest[0], rest[1:]))
            if rest.startswith("لل") and len(rest) - 2 >= MIN_STEM:
                parses.append((prefix + "ل", "ا" + rest[1:]))
    return tuple(parses)


def term_slug(name: str) -> str:
    """A URL slug that keeps the Arabic letters: NFKC, no tashkeel or tatweel, spaces to '-'."""
    text = unicodedata.normalize("NFKC", name)
    text = INVISIBLE.sub("", text)
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    text = SLUG_UNSAFE.sub("-", text.casefold()).strip("-_")
    return re.sub("-{2,}", "-", text)


def sort_key(name: str) -> tuple:
    """Order names alphabetically in Arabic; the definite article does not decide the order."""
    folded = normalize(name)
    bare = " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in folded.split())
    is_arabic = bool(ARABIC_LETTER.match(bare))
    return (0 if is_arabic else 1, bare, folded, name)


def clitic_free_forms(text: str) -> list[str]:
    """The forms of the text's words without their clitics, each once, in order of appearance.

    A static search engine stems words but keeps و/ف before an alef and a bare ل; indexing these
    forms beside the text lets a bare query («مدرعات») find the word as written («والمدرعات»).
    """
    seen: dict[str, None] = {}
    for token in dict.fromkeys(text.split()):
        for form in _bare_forms(token):
            seen.setdefault(form, None)
    return list(seen)


@lru_cache(maxsize=1 << 17)
def _bare_forms(token: str) -> tuple[str, ...]:
    """The clitic-free forms of the words in one space-free token (cached: tokens repeat)."""
    return tuple(
        form for word in words(token) for form in sorted(word_forms(word) - {word}, key=len)
    )
