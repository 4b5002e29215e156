"""Seed documents -> curated Markdown pages under content/. Never overwrites a curator's page."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import arabic
from .dates import WeekdayEvidence, find_weekday, resolve_weekday
from .errors import ContentError
from .gazetteer import KINDS, GAZETTEER_PATH, Gazetteer, load_gazetteer
from .textio import atomic_write, decode_text

log = logging.getLogger(__name__)

MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_CHARS = 160
SENTENCE_END = ".!?؟…:;،,\"”»)"
# «..فيديو», «- صور», «(فيديو)» at the end of a headline: the kind of media, not the title.
MEDIA_MARKER = re.compile(r"\s*(?:\.{2,}|…|[-–—|:(\[])\s*(بالفيديو|فيديو|بالصور|صور|صورة|شاهد|إنفوغراف|انفوغراف|خريطة)\s*[)\]]?\s*$")
MEDIA_KINDS = {"فيديو": "video", "بالفيديو": "video", "شاهد": "video", "صور": "photos", "بالصور": "photos",
               "صورة": "photos", "إنفوغراف": "infographic", "انفوغراف": "infographic", "خريطة": "map"}
SENTENCE = re.compile(r"(.+?[.!?؟…])(?=\s|$)", re.S)
MAX_SUMMARY_CHARS = 300
FINGERPRINT_LINE = re.compile(r"^\s*fingerprint:\s*'?([0-9a-f]{64})", re.M)
SLUG_LENGTH = 12
BACKUP_DIR = "_backup"


@dataclass(frozen=True)
class SeedArticle:
    """One article as found in a seed: its headline, media kind and numbered paragraph lines."""

    title: str
    media: str | None
    paragraphs: tuple[tuple[tuple[int, str], ...], ...]
    first_line: int
    last_line: int

    @property
    def lines(self) -> list[tuple[int, str]]:
        return [line for paragraph in self.paragraphs for line in paragraph]

    @property
    def fingerprint(self) -> str:
        """Identify the article by its text alone, whatever the encoding, line ends or spacing."""
        text = "\n".join([self.title, *(t for _, t in self.lines)])
        text = arabic.INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
        return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class IngestReport:
    written: list[Path] = field(default_factory=list)
    skipped: int = 0
    errors: list[ContentError] = field(default_factory=list)


def split_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Split text into blocks of numbered, stripped lines; lines of only spaces (or U+00A0) are blank."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped:
            current.append((number, stripped))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_headline(block: list[tuple[int, str]]) -> bool:
    """Say whether a block is a headline: one short line that does not end a sentence."""
    if len(block) != 1:
        return False
    line = MEDIA_MARKER.sub("", block[0][1])
    return bool(line) and len(line) <= MAX_HEADLINE_CHARS and len(line.split()) <= MAX_HEADLINE_WORDS and line[-1] not in SENTENCE_END


def split_articles(text: str) -> list[SeedArticle]:
    """Split a seed's text into articles, each starting at a headline followed by paragraphs."""
    blocks = split_blocks(text)
    articles: list[SeedArticle] = []
    title_block: list[tuple[int, str]] | None = None
    body: list[list[tuple[int, str]]] = []
    for index, block in enumerate(blocks):
        next_block = blocks[index + 1] if index + 1 < len(blocks) else None
        if is_headline(block) and next_block is not None and not is_headline(next_block):
            if title_block or body:
                articles.append(_article(title_block, body))
            title_block, body = block, []
        else:
            body.append(block)
    if title_block or body:
        articles.append(_article(title_block, body))
    return [a for a in articles if a.paragraphs]


def _article(title_block: list[tuple[int, str]] | None, body: list[list[tuple[int, str]]]) -> SeedArticle:
    media = None
    if title_block:
        headline = title_block[0][1]
        marker = MEDIA_MARKER.search(headline)
        if marker:
            media = MEDIA_KINDS[marker.group(1)]
            headline = headline[: marker.start()].strip()
        title = headline
    else:
        first = body[0][0][1]
        title = " ".join(first.split()[:12]) + ("…" if len(first.split()) > 12 else "")
    lines = [line for block in ([title_block] if title_block else []) + body for line in block]
    return SeedArticle(title, media, tuple(tuple(b) for b in body), lines[0][0], lines[-1][0])


def summarize(text: str) -> str:
    """Return the first sentence of a text, shortened on a word boundary if long."""
    match = SENTENCE.match(text)
    sentence = match.group(1) if match else text
    if len(sentence) > MAX_SUMMARY_CHARS:
        sentence = sentence[:MAX_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    return sentence.strip()


MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")
MARKDOWN_LINE_START = re.compile(r"^([#>+\-=|])")
MARKDOWN_ORDERED = re.compile(r"^(\d+)([.)])")
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def escape_markdown(line: str) -> str:
    """Escape a line of plain text so Markdown shows it exactly as written.

    Raw HTML is turned off when pages are converted, so only Markdown's own syntax needs
    escaping here: emphasis, code, links, and block markers at the start of a line.
    """
    line = MARKDOWN_INLINE.sub(r"\\\1", line.strip())
    line = ENTITY_LIKE.sub("&amp;", line)
    line = MARKDOWN_LINE_START.sub(r"\\\1", line)
    return MARKDOWN_ORDERED.sub(r"\1\\\2", line)


def page_meta(article: SeedArticle, seed_name: str, seed_sha256: str, gazetteer: Gazetteer,
              around: dt.date | None) -> dict:
    """Build an article's front matter: what the seed says, and the evidence for what it implies."""
    fingerprint = article.fingerprint
    text = "\n".join([article.title, *(t for _, t in article.lines)])
    entities = gazetteer.find(text)
    evidence = find_weekday(article.lines)
    meta: dict = {
        "title": article.title,
        "slug": fingerprint[:SLUG_LENGTH],
        "date": None,
        "lang": "ar",
        "dir": "rtl",
        "status": "new",
        "summary": summarize(article.paragraphs[0][0][1]),
        "media": article.media,
    }
    if evidence:
        meta["date_evidence"] = _evidence(evidence, around)
        if around:
            meta["date"] = resolve_weekday(evidence.weekday, around)
    for kind in KINDS:
        meta[kind] = entities[kind]
    meta["provenance"] = {"seed": seed_name, "sha256": seed_sha256,
                          "lines": [article.first_line, article.last_line], "fingerprint": fingerprint}
    return meta


def _evidence(evidence: WeekdayEvidence, around: dt.date | None) -> dict:
    found: dict = {"weekday": evidence.weekday, "quote": evidence.quote, "line": evidence.line}
    if around:
        found.update(inferred=True, method=f"the {evidence.weekday} nearest to {around.isoformat()} (--around)")
    return found


def render_page(meta: dict, article: SeedArticle) -> str:
    """Write a page: YAML front matter, then the article's paragraphs as escaped Markdown."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join("\n".join(escape_markdown(t) for _, t in paragraph) for paragraph in article.paragraphs)
    return f"---\n{front}---\n\n{body}\n"


def known_fingerprints(content_dir: Path) -> set[str]:
    """Return the fingerprints of every article already in the dossier, edited or not."""
    found = set()
    for page_path in content_dir.rglob("*.md"):
        if not any(part.startswith(("_", ".")) for part in page_path.relative_to(content_dir).parts):
            head = page_path.read_bytes()[:16384].decode("utf-8", "replace")
            found.update(FINGERPRINT_LINE.findall(head))
    return found


def ingest_seeds(seed_dir: Path, content_dir: Path, *, force: bool = False, around: dt.date | None = None) -> IngestReport:
    """Turn every seed into pages; skip articles already in the dossier unless ``force``."""
    report = IngestReport()
    try:
        gazetteer = load_gazetteer(content_dir / GAZETTEER_PATH, str(content_dir / GAZETTEER_PATH))
    except ContentError as error:
        report.errors.append(error)
        gazetteer = Gazetteer(())
    known = known_fingerprints(content_dir) if content_dir.exists() else set()
    seeds = sorted(p for p in seed_dir.iterdir() if p.is_file() and not p.name.startswith(".")) if seed_dir.is_dir() else []
    if not seed_dir.is_dir():
        report.errors.append(ContentError(str(seed_dir), None, "the seeds folder does not exist"))
    started = time.monotonic()
    for number, seed_path in enumerate(seeds, 1):
        try:
            _ingest_seed(seed_path, content_dir, gazetteer, known, report, force=force, around=around)
        except ContentError as error:
            report.errors.append(error)
        except OSError as error:
            report.errors.append(ContentError(str(seed_path), None, f"cannot read: {error.strerror or error}"))
        if time.monotonic() - started > 2 and number % 100 == 0:
            log.info("ingest: %d of %d seeds", number, len(seeds))
    return report


def _ingest_seed(seed_path: Path, content_dir: Path, gazetteer: Gazetteer, known: set[str], report: IngestReport,
                 *, force: bool, around: dt.date | None) -> None:
    data = seed_path.read_bytes()
    text = decode_text(data, str(seed_path))
    seed_sha256 = hashlib.sha256(data).hexdigest()
    for article in split_articles(text):
        fingerprint = article.fingerprint
        if fingerprint in known and not force:
            report.skipped += 1
            continue
        meta = page_meta(article, seed_path.name, seed_sha256, gazetteer, around)
        page_path = content_dir / f"{meta['slug']}.md"
        page = render_page(meta, article).encode("utf-8")
        if force and page_path.exists():
            if page_path.read_bytes() == page:
                report.skipped += 1
                continue
            backup = content_dir / BACKUP_DIR / f"{page_path.stem}.{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9}.md"
            atomic_write(backup, page_path.read_bytes(), overwrite=False)
            log.info("%s: replaced; the previous page is kept in %s", page_path, backup)
        if atomic_write(page_path, page, overwrite=force):
            report.written.append(page_path)
        else:
            report.skipped += 1  # a page with this slug exists: the curator's copy wins
        known.add(fingerprint)
