"""A seed's text -> articles: headlines, bylines and datelines, paragraphs. Pure functions.

Real pastes come in several layouts, and one rule serves them all: an article starts at a
headline, a short line that does not end a sentence, standing at the start of a block (after a
blank line, or the file's start) and followed, past any byline or dateline, by a real paragraph.
Inside an article a line of that shape is a section head, not a new article, when it is very short
or when its words are the article's own (TextTiling's idea: a new story brings new words). A
block's lines are paragraphs of their own unless the text is hard-wrapped (full lines cut
mid-sentence), which is joined again. A curator can always say where articles split: a line of
`---`, `***` or `___` alone (then the seed splits there and only there), or a first line
«مقال واحد» (the whole seed is one article).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import arabic
from .textdates import find_dates

MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_CHARS = 160
MIN_HEADLINE_WORDS = 2
# Inside an article a headline-shaped line is a section head when it is this short...
MAX_SUBHEAD_WORDS = 3
# ...or when it is not much longer and this share of its words are already the article's.
SHORT_SUBHEAD_WORDS = 5
SHORT_SUBHEAD_SHARED = 0.5
SENTENCE_END = ".!?؟…:;،,"
HEADLINE_END_NOT = ".…:;،,"  # a headline may end in ؟ or !, never in these
ELLIPSIS_END = re.compile(r"(?:\.{2,}|…)$")
CLOSING = "\"'”’»)]›"
# «..فيديو», «- صور», «(فيديو)» at the end of a headline: the kind of media, not the title.
MEDIA_WORDS = "بالفيديو|فيديو|بالصور|صور|صورة|شاهد|إنفوغراف|انفوغراف|خريطة"
MEDIA_MARKER = re.compile(rf"\s*(?:\.{{2,}}|…|[-–—|:(\[])\s*({MEDIA_WORDS})\s*[)\]]?\s*$")
MEDIA_PREFIX = re.compile(
    r"^(بالفيديو|فيديو|بالصور|صور|شاهد|إنفوغراف|انفوغراف)\s*(?:\.{2,}|…|[-–—|:])\s*"
)
MEDIA_KINDS = {
    "فيديو": "video",
    "بالفيديو": "video",
    "شاهد": "video",
    "صور": "photos",
    "بالصور": "photos",
    "صورة": "photos",
    "إنفوغراف": "infographic",
    "انفوغراف": "infographic",
    "خريطة": "map",
}
TITLE_EDGES = re.compile(
    rf"^(?:{arabic.INVISIBLE.pattern}|\s)+|(?:{arabic.INVISIBLE.pattern}|\s)+$"
)
SEPARATOR = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
ONE_ARTICLE = re.compile(r"^(?:مقال واحد|one article)$", re.I)
# A list item or a quoted continuation is body text, whatever its length.
LIST_ITEM = re.compile(r"^(?:[*•·▪◾●\-–—]|\d{1,2}\s*[-.)]\s)")
CONTINUATION = re.compile(
    r"^[وف](?:قال|قالت|أضاف|أضافت|أكد|أكدت|تابع|تابعت|أوضح|أوضحت|أشار|أشارت"
    r"|كان|كانت|جاء|في|من|لم|لا|قد|هو|هي"
    r"|ذلك|هذا|هذه|يقول|تقول|يذكر)(?!\w)"
)
KICKERS = {
    "عاجل",
    "خاص",
    "حصري",
    "حصريا",
    "تحديث",
    "متابعه",
    "مباشر",
    "هام",
    "تنبيه",
    "انفراد",
    "فيديو",
    "بالفيديو",
    "بالصور",
    "صور",
    "شاهد",
    "تقرير",
    "اخبار",
    "خبر",
    "اخر الاخبار",
    "تحليل",
    "راي",
}
AGENCY = re.compile(
    r"(?<!\w)(?:رويترز|ا\s?ف\s?ب|فرانس\s?برس|واس|سانا|الاناضول|د\s?ب\s?ا|ا\s?ش\s?ا"
    r"|وام|قنا|كونا|بترا|وكالات"
    r"|الوكالات|AFP|Reuters|AP|DPA|UPI)(?!\w)",
    re.I,
)
BYLINE_START = re.compile(
    r"^(?:بقلم|كتب|كتبت|اعداد|إعداد|تقرير|حوار|مراسل|من\s+مراسل|متابعة|المصدر)(?!\w)"
)
NUMERIC_DATE_OR_TIME = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}:\d{2}")
PLACE_AND_AGENCY = re.compile(r"^[^()]{2,40}\(\s*[^()]{2,30}\s*\)$")
TWO_PARTS = re.compile(r"^([^-–—|:]+)\s[-–—|]\s([^-–—|:]+)$")
# «جدة: أحمد الزهراني»: a place, a colon, a name of two or three words (no digits).
PLACE_COLON_NAME = re.compile(r"^[^\W\d]+(?:\s[^\W\d]+)?\s?:\s?[^\W\d]+(?:\s[^\W\d]+){1,2}$")
MAX_BYLINE_WORDS = 8
MAX_BYLINE_CHARS = 80
MAX_BYLINE_PART_WORDS = 3
# Hard-wrapped text: lines filled to a width of at most this many characters, cut mid-sentence.
MAX_WRAP_WIDTH = 120
FULL_LINE = 0.75
MIN_CONTENT_WORD = 3
MAX_LIST_ITEMS = 30
MIN_WRAPPED_LINES = 2
WRAPPED_SHARE = 0.6


@dataclass(frozen=True)
class Line:
    number: int  # in the seed, 1-based
    text: str  # stripped
    gap: int  # blank lines before it (0: the same block as the line before)
    block: int = (
        0  # where its block starts: the index of the block's first line among the seed's lines
    )


Numbered = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class SeedArticle:
    """One article as found in a seed: headline, media kind, lines about it, numbered paragraphs."""

    title: str
    media: str | None
    paragraphs: tuple[Numbered, ...]
    first_line: int
    last_line: int
    dateline: Numbered = ()  # bylines, datelines and kickers around the headline, as written
    headline_line: int | None = None

    @property
    def lines(self) -> list[tuple[int, str]]:
        return [line for paragraph in self.paragraphs for line in paragraph]

    @property
    def fingerprint(self) -> str:
        """Identify the article by its text alone, whatever the encoding, line ends or spacing.

        The SHA-256 of its words joined by single spaces, fed line by line so a huge article is
        never copied whole: the title, then the lines around the headline, then the paragraphs.
        """
        digest = hashlib.sha256()
        separator = b""
        for line in (self.title, *(t for _, t in self.dateline), *(t for _, t in self.lines)):
            words = arabic.INVISIBLE.sub("", unicodedata.normalize("NFKC", line)).split()
            if words:
                digest.update(separator + " ".join(words).encode("utf-8"))
                separator = b" "
        return digest.hexdigest()


def seed_lines(text: str) -> list[Line]:
    """The text's lines that hold something, numbered, stripped, with the blank lines before each.

    Lines of only spaces, U+00A0 or invisible marks are blank.
    """
    found: list[Line] = []
    gap = 0
    block = 0
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped and (stripped.isprintable() or arabic.INVISIBLE.sub("", stripped).strip()):
            if gap or not found:
                block = len(found)
            found.append(Line(number, stripped, gap if found else 1, block))
            gap = 0
        else:
            gap += 1
    return found


def split_articles(text: str) -> list[SeedArticle]:
    """Split a seed's text into articles (see the module's docstring for the rules)."""
    lines = seed_lines(text)
    width = wrap_width(lines)
    if lines and ONE_ARTICLE.match(_bare(lines[0].text)):
        return [a for a in [_one_article(lines[1:], width)] if a]
    if any(SEPARATOR.match(line.text) for line in lines):
        return [a for part in _split_at_separators(lines) if (a := _one_article(part, width))]
    return _split_by_headlines(lines, width)


def wrap_width(lines: list[Line]) -> int | None:
    """The width a hard-wrapped seed was cut at, or None when its lines are whole paragraphs.

    Wrapping is a property of the whole paste: most lines that run on into the next line of their
    block are close to one width (at most MAX_WRAP_WIDTH) and stop mid-sentence.
    """
    running_on = [
        line
        for line, below in zip(lines, lines[1:], strict=False)
        if below.gap == 0 and not any(is_byline(x.text) or is_kicker(x.text) for x in (line, below))
    ]
    if len(running_on) < MIN_WRAPPED_LINES or any(
        len(line.text) > MAX_WRAP_WIDTH for line in lines
    ):
        return None  # a line longer than any wrapping width: the lines are whole paragraphs
    in_blocks = {
        line.number for line, below in zip(lines, lines[1:], strict=False) if below.gap == 0
    }
    width = max(
        len(line.text) for line in lines if line.number in in_blocks or line.number - 1 in in_blocks
    )
    full = [
        line
        for line in running_on
        if len(line.text) >= FULL_LINE * width and not ends_sentence(line.text)
    ]
    return width if len(full) >= WRAPPED_SHARE * len(running_on) else None


def _split_at_separators(lines: list[Line]) -> list[list[Line]]:
    parts: list[list[Line]] = [[]]
    for line in lines:
        if SEPARATOR.match(line.text):
            parts.append([])
        else:
            parts[-1].append(line)
    return [part for part in parts if part]


def _one_article(lines: list[Line], width: int | None) -> SeedArticle | None:
    """The lines as one article: its first headline-shaped line (past kickers) is the title."""
    around = [i for i, line in enumerate(lines[:3]) if is_kicker(line.text) or is_byline(line.text)]
    first = next((i for i in range(len(lines)) if i not in around), None)
    if first is None:
        return None
    if not is_title_shaped(lines[first].text):
        return _article(None, lines, width)
    end = first + 1
    while end < len(lines) and end - first <= 2 and is_byline(lines[end].text):
        end += 1
    return _article(
        lines[first], lines[end:], width, [lines[i] for i in around] + lines[first + 1 : end]
    )


def _split_by_headlines(lines: list[Line], width: int | None) -> list[SeedArticle]:
    starts = headline_indexes(lines, width)
    articles: list[SeedArticle] = []
    cuts = [_article_start(lines, index) for index in starts]
    if not starts or cuts[0] > 0:
        head = lines[: cuts[0] if starts else len(lines)]
        if starts and all(is_kicker(line.text) or is_byline(line.text) for line in head):
            cuts[0] = 0  # a kicker or a dateline above the first headline belongs to its article
        elif head and (article := _article(None, head, width)):
            articles.append(article)
    for number, index in enumerate(starts):
        end = cuts[number + 1] if number + 1 < len(starts) else len(lines)
        before = lines[cuts[number] : index]
        after = index + 1
        while after < end and after - index <= 2 and is_byline(lines[after].text):
            after += 1
        articles.append(
            _article(lines[index], lines[after:end], width, before + lines[index + 1 : after])
        )
    return [a for a in articles if a]


def _article_start(lines: list[Line], index: int) -> int:
    """Where the article of the headline at ``index`` starts: at a kicker or byline above it."""
    start = index
    while start > 0 and index - start < 2:
        above = lines[start - 1]
        attached = is_kicker(above.text) or (is_byline(above.text) and lines[start].gap == 0)
        if not attached:
            break
        start -= 1
    return start


def headline_indexes(lines: list[Line], width: int | None = None) -> list[int]:
    """Which lines start an article."""
    starts: list[int] = []
    words: set[str] = set()  # the current article's words, bare forms
    has_body = False
    opening = True  # no line yet but kickers and bylines
    for index, line in enumerate(lines):
        if _could_start_article(lines, index, width, opening) and (has_body or not starts):
            if not (has_body and is_subhead(line.text, words)):
                starts.append(index)
                words, has_body = set(), False
                words |= content_words(line.text)
                continue
        words |= content_words(line.text)
        has_body = has_body or bool(starts)
        opening = opening and (is_kicker(line.text) or is_byline(line.text))
    return starts


def _could_start_article(
    lines: list[Line], index: int, width: int | None, first: bool = False
) -> bool:
    """Say whether a line could start an article (``first``: only kickers and bylines above it)."""
    line = lines[index]
    if (
        not is_title_shaped(line.text, trailing_ellipsis=first)
        or is_byline(line.text)
        or is_kicker(line.text)
    ):
        return False
    if index - line.block > 2:
        return False
    above = lines[line.block : index]
    if not all(is_kicker(x.text) or is_byline(x.text) for x in above):
        return False  # a headline opens its block (past a kicker or a dateline)
    if width and _is_wrapped_line(lines, index, width):
        return False
    if _in_a_list(lines, index):
        return False
    lead = index + 1
    while lead < len(lines) and lead - index <= 2 and is_byline(lines[lead].text):
        lead += 1
    return lead < len(lines) and is_paragraph(_first_paragraph(lines, lead, width))


def _first_paragraph(lines: list[Line], index: int, width: int | None) -> str:
    """The text of the paragraph starting at a line: hard-wrapped lines joined."""
    block = [line for line in _block_of(lines, index) if line.number >= lines[index].number]
    return " ".join(text for _, text in _block_paragraphs(block, width)[0])


def _in_a_list(lines: list[Line], index: int) -> bool:
    """Say whether a line is one of the short items a sentence ending in a colon announced.

    The item right after the colon is one; a later one must look like an item before it (the same
    first word, or a word in common). A label of a word or three («الترتيب :») may head a table the
    paste lost: it announces nothing.
    """
    items: list[str] = []
    for above in reversed(lines[max(0, index - MAX_LIST_ITEMS) : index]):
        if _bare(above.text).endswith(":"):
            if len(above.text.split()) <= MAX_SUBHEAD_WORDS + 1:
                return False
            return not items or _alike(lines[index].text, items)
        if not is_title_shaped(above.text):
            return False
        items.append(above.text)
    return False


def _alike(text: str, items: list[str]) -> bool:
    first = text.split()[0]
    words = content_words(text)
    return any(item.split()[0] == first or words & content_words(item) for item in items)


def _is_wrapped_line(lines: list[Line], index: int, width: int) -> bool:
    """In a hard-wrapped seed, say whether a line runs on into the next: a paragraph's line."""
    block = [x for x in _block_of(lines, index) if x.number >= lines[index].number]
    return len(_block_paragraphs(block, width)[0]) > 1


def _block_of(lines: list[Line], index: int, most: int = MAX_LIST_ITEMS) -> list[Line]:
    """The line's block from its start to at most ``most`` lines past the line (enough to judge)."""
    end = index + 1
    while end < len(lines) and lines[end].gap == 0 and end - index < most:
        end += 1
    return lines[lines[index].block : end]


def _article(
    headline: Line | None, body: list[Line], width: int | None, around: list[Line] = ()
) -> SeedArticle | None:
    paragraphs = tuple(paragraphs_of(body, width))
    if not paragraphs or (headline is None and not any(is_paragraph(line.text) for line in body)):
        return None  # a headline with nothing under it, or only bylines: no article
    media = None
    if headline:
        title, media = split_media(headline.text)
    else:
        first = paragraphs[0][0][1].split()
        title = " ".join(first[:12]) + ("…" if len(first) > 12 else "")
    title = TITLE_EDGES.sub("", title) or title
    numbers = [line.number for line in (*([headline] if headline else []), *around, *body)]
    return SeedArticle(
        title,
        media,
        paragraphs,
        min(numbers),
        max(numbers),
        tuple((line.number, line.text) for line in around),
        headline.number if headline else None,
    )


def paragraphs_of(body: list[Line], width: int | None = None) -> list[Numbered]:
    """Group body lines into paragraphs: one per line, except hard-wrapped lines joined again."""
    paragraphs: list[list[tuple[int, str]]] = []
    block: list[Line] = []
    for line in [*body, None]:
        if block and (line is None or line.gap):
            paragraphs.extend(_block_paragraphs(block, width))
            block = []
        if line is not None:
            block.append(line)
    return [tuple(p) for p in paragraphs if p]


def _block_paragraphs(block: list[Line], width: int | None) -> list[list[tuple[int, str]]]:
    """A block's paragraphs: a line each, but a full line cut mid-sentence runs on into the next."""
    paragraphs: list[list[tuple[int, str]]] = []
    for index, line in enumerate(block):
        previous = block[index - 1].text if index else ""
        if (
            width
            and previous
            and len(previous) >= FULL_LINE * width
            and not ends_sentence(previous)
        ):
            paragraphs[-1].append((line.number, line.text))
        else:
            paragraphs.append([(line.number, line.text)])
    return paragraphs


def _bare(text: str) -> str:
    """The text without invisible marks, closing quotes and brackets at its end."""
    return arabic.INVISIBLE.sub("", text).strip().rstrip(CLOSING + " ").strip()


def ends_sentence(text: str) -> bool:
    bare = _bare(text)
    return bool(bare) and bare[-1] in SENTENCE_END


def is_title_shaped(text: str, trailing_ellipsis: bool = False) -> bool:
    """A headline's shape: a few words, no full stop, colon or comma at its end; no list, no date.

    A seed's first line may end in «..» or «…» («مشروع فيلم مُنع من الإنجاز..»): inside an article
    such a    line is more often a section head.
    """
    if len(text) > 2 * MAX_HEADLINE_CHARS:
        return False  # too long to be a headline; also keeps the patterns off huge lines
    line = MEDIA_MARKER.sub("", arabic.INVISIBLE.sub("", text)).strip()
    if trailing_ellipsis:
        line = ELLIPSIS_END.sub("", line)
    bare = _bare(line)
    if (
        not bare
        or len(line) > MAX_HEADLINE_CHARS
        or not MIN_HEADLINE_WORDS <= len(line.split()) <= MAX_HEADLINE_WORDS
    ):
        return False
    if bare[-1] in HEADLINE_END_NOT or LIST_ITEM.match(line) or CONTINUATION.match(line):
        return False
    if line[-1] in CLOSING and len(line) > 1 and line[-2] in SENTENCE_END:
        return False  # a quoted sentence
    return not is_date_line(line)


def is_date_line(text: str) -> bool:
    """A line that only gives a date, «الأربعاء 15 فيفري 2017»: a dateline or a list's head."""
    mentions = find_dates(0, text)
    return bool(mentions) and len(text) - sum(len(m.quote) for m in mentions) <= len(text) // 4


def is_paragraph(text: str) -> bool:
    """Body text: longer than a headline, or ending a sentence."""
    return not is_title_shaped(text) and not is_kicker(text) and not is_byline(text)


def is_kicker(text: str) -> bool:
    """A word or two over a headline that says what kind of news it is: «عاجل», «خاص», «فيديو»."""
    return len(text) <= 30 and arabic.normalize(text).strip(" :-–|.") in KICKERS


@lru_cache(maxsize=1 << 16)  # asked of each line several times while splitting
def is_byline(text: str) -> bool:
    """A line naming who wrote or sent the article, from where and when, not a sentence.

    «القاهرة (رويترز)», «سامر خليل – دمشق», «Jawhara FM | 2017-03-10 16:04», «بقلم: سامر خليل».
    """
    words = text.split()
    if not words or len(text) > MAX_BYLINE_CHARS or ends_sentence(text):
        return False
    if is_date_line(text):
        return True  # «الأربعاء 16 شعبان 1436 هـ - 3 يونيو 2015 م»
    if len(words) > MAX_BYLINE_WORDS:
        return False
    if MEDIA_MARKER.search(text) or MEDIA_PREFIX.match(text):
        return False  # «قوات في القامشلي - صور» is a headline with its media kind
    if NUMERIC_DATE_OR_TIME.search(text) or BYLINE_START.match(text):
        return True
    folded = arabic.normalize(text)
    if AGENCY.search(folded) and len(words) <= 5:
        return True
    place = PLACE_AND_AGENCY.match(text)
    if place and len(text.split("(")[0].split()) <= MAX_BYLINE_PART_WORDS:
        return True
    if PLACE_COLON_NAME.match(text):
        return True
    parts = TWO_PARTS.match(text)
    return bool(parts) and all(len(p.split()) <= MAX_BYLINE_PART_WORDS for p in parts.groups())


def is_subhead(text: str, article_words: set[str]) -> bool:
    """Say whether a headline-shaped line inside an article is one of its section heads.

    A word or three always is; a line of four or five words is when half its words are already the
    article's. A longer line is a new article's headline even when it shares the story's words, as
    the next article of a dossier on one story does: a merged article is a lost one, while a
    section head taken for a headline shows as a short article the curator sees at once.
    """
    words = len(text.split())
    if words <= MAX_SUBHEAD_WORDS:
        return True
    own = content_words(text)
    if not own:
        return True
    return (
        words <= SHORT_SUBHEAD_WORDS and len(own & article_words) / len(own) >= SHORT_SUBHEAD_SHARED
    )


def content_words(text: str) -> set[str]:
    """The bare forms of a text's words of three letters or more (clitics off, folded)."""
    return {
        form
        for word in arabic.words(text)
        if len(word) >= MIN_CONTENT_WORD and not word.isdigit()
        for form in (_bare_form(word),)
    }


@lru_cache(maxsize=1 << 16)
def _bare_form(word: str) -> str:
    return min(arabic.word_forms(word), key=lambda form: (len(form), form))


def split_media(headline: str) -> tuple[str, str | None]:
    """Take a media marker («..فيديو» at the end, «بالصور..» at the start) off a headline.

    Returns (title, kind).
    """
    for pattern in (MEDIA_MARKER, MEDIA_PREFIX):
        marker = pattern.search(headline)
        if marker and (title := (headline[: marker.start()] + headline[marker.end() :]).strip()):
            return title, MEDIA_KINDS[marker.group(1)]
    return headline, None
