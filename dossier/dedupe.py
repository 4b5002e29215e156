"""Near-duplicate articles: a seed that comes back with a word edited, other digits or other quotes.

An article's sketch is the SKETCH_SIZE smallest CRC-32 values of its word pairs, after folding the
spelling variants, digits (٠١٢ = 012) and punctuation (quotes of any kind) away: a bottom-k sketch,
whose overlap estimates how many word pairs two articles share (Broder's resemblance). Pure, except
for the index, which only holds what it is given.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from pathlib import Path

from . import arabic
from .textdates import FOLD

SKETCH_SIZE = 16
SIMILAR = 0.7  # the share of word pairs two versions of one article have in common, at least
MIN_SHARED_VALUES = 3  # an index lookup only compares sketches that share this many values
SKETCH_TEXT = re.compile(r"^[0-9a-f]{8}(?:[0-9a-f]{8})*$")


def folded_words(text: str) -> list[str]:
    """The text's words with spelling variants, digits and punctuation folded away."""
    return arabic.words(text.translate(FOLD))


def sketch(lines: list[str]) -> str:
    """The sketch of an article's lines as hex text: SKETCH_SIZE values of eight hex digits."""
    values: set[int] = set()
    previous = ""
    for line in lines:
        for word in folded_words(line):
            values.add(zlib.crc32(f"{previous} {word}".encode("utf-8")))
            previous = word
    return "".join(f"{value:08x}" for value in sorted(values)[:SKETCH_SIZE])


def values_of(text: str) -> tuple[int, ...]:
    return (
        tuple(int(text[i : i + 8], 16) for i in range(0, len(text), 8))
        if SKETCH_TEXT.match(text)
        else ()
    )


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimate the share of word pairs two sketched articles have in common (0 to 1)."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[: max(len(a), len(b))]
    both = set(a) & set(b)
    return sum(value in both for value in union) / len(union)


class NearIndex:
    """Sketches of the dossier's articles, looked up by the values they share."""

    def __init__(self) -> None:
        self.sketches: dict[Path, tuple[int, ...]] = {}
        self.by_value: dict[int, list[Path]] = defaultdict(list)

    def add(self, page_path: Path, sketch_text: str) -> None:
        values = values_of(sketch_text)
        if values and page_path not in self.sketches:
            self.sketches[page_path] = values
            for value in values:
                self.by_value[value].append(page_path)

    def find(self, sketch_text: str) -> Path | None:
        """The page most like the sketched article, if it is a version of the same article."""
        values = values_of(sketch_text)
        shared: dict[Path, int] = defaultdict(int)
        for value in values:
            for page_path in self.by_value.get(value, ()):
                shared[page_path] += 1
        need = min(MIN_SHARED_VALUES, len(values))
        scored = [
            (similarity(values, self.sketches[p]), str(p), p)
            for p, n in shared.items()
            if n >= need
        ]
        best = max(scored, default=None)
        return best[2] if best and best[0] >= SIMILAR else None


def first_differing_line(lines: list[tuple[int, str]], page_text: str) -> int | None:
    """The first numbered line whose words the page does not hold as a run, or None."""
    page_words = " ".join(folded_words(page_text))
    for number, text in lines:
        words = " ".join(folded_words(text))
        if words and words not in page_words:
            return number
    return None
