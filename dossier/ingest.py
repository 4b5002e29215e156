"""Seed documents -> curated Markdown pages under content/. Never overwrites a curator's page."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import arabic
from .dates import WeekdayEvidence, find_weekday, resolve_weekday
from .errors import ContentError
from .gazetteer import KINDS, GAZETTEER_PATH, Gazetteer, gazetteer_for
from .textio import atomic_write, decode_text

log = logging.getLogger(__name__)

MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_CHARS = 160
SENTENCE_END = ".!?؟…:;،,\"”»)"
# «..فيديو», «- صور», «(فيديو)» at the end of a headline: the kind of media, not the title.
MEDIA_MARKER = re.compile(r"\s*(?:\.{2,}|…|[-–—|:(\[])\s*(بالفيديو|فيديو|بالصور|صور|صورة|شاهد|إنفوغراف|انفوغراف|خريطة)\s*[)\]]?\s*$")
MEDIA_PREFIX = re.compile(r"^(بالفيديو|فيديو|بالصور|صور|شاهد|إنفوغراف|انفوغراف)\s*(?:\.{2,}|…|[-–—|:])\s*")
MEDIA_KINDS = {"فيديو": "video", "بالفيديو": "video", "شاهد": "video", "صور": "photos", "بالصور": "photos",
               "صورة": "photos", "إنفوغراف": "infographic", "انفوغراف": "infographic", "خريطة": "map"}
TITLE_EDGES = re.compile(rf"^(?:{arabic.INVISIBLE.pattern}|\s)+|(?:{arabic.INVISIBLE.pattern}|\s)+$")
SENTENCE = re.compile(r"(.+?[.!?؟…])(?=\s|$)", re.S)
MAX_SUMMARY_CHARS = 300
FINGERPRINT_LINE = re.compile(r"^\s*fingerprint:\s*['\"]?([0-9a-f]{64})")
SLUG_LENGTH = 12
BACKUP_DIR = "_backup"
# libyaml's safe emitter when present: the same safe YAML as yaml.safe_dump, five times faster on big seeds.
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Big inputs report progress: a line when a large seed starts, then at most one every PROGRESS_SECONDS.
BIG_SEED_BYTES = 1024 * 1024
PROGRESS_SECONDS = 2.0
# Ingest holds a seed in memory (about five times its size at the peak): a bigger file must be split first.
MAX_SEED_BYTES = 64 * 1024 * 1024
# The build refuses a page larger than this (load.MAX_PAGE_BYTES): ingest never writes one it would refuse.
MAX_PAGE_BYTES = 5 * 1024 * 1024
# Temporary files a killed ingest left behind (textio.atomic_write's ".tmp-*"), removed once surely abandoned.
STALE_TEMPORARY_SECONDS = 3600
UNPRINTABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\u2028\u2029]")


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
        """Identify the article by its text alone, whatever the encoding, line ends or spacing.

        The SHA-256 of its words joined by single spaces, fed line by line so a huge article is never copied whole.
        """
        digest = hashlib.sha256()
        separator = b""
        for line in (self.title, *(t for _, t in self.lines)):
            words = arabic.INVISIBLE.sub("", unicodedata.normalize("NFKC", line)).split()
            if words:
                digest.update(separator + " ".join(words).encode("utf-8"))
                separator = b" "
        return digest.hexdigest()


@dataclass
class IngestReport:
    written: list[Path] = field(default_factory=list)
    skipped: int = 0
    errors: list[ContentError] = field(default_factory=list)


def split_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Split text into blocks of numbered, stripped lines; lines of only spaces, U+00A0 or invisible marks are blank."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped and (stripped.isprintable() or arabic.INVISIBLE.sub("", stripped).strip()):
            current.append((number, stripped))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_headline(block: list[tuple[int, str]]) -> bool:
    """Say whether a block is a headline: one short line that does not end a sentence."""
    if len(block) != 1 or len(block[0][1]) > 2 * MAX_HEADLINE_CHARS:
        return False  # too long to be a headline; also keeps the marker pattern off huge lines
    # A bidi mark after the full stop («…هنا.\u200f») still ends a sentence.
    line = MEDIA_MARKER.sub("", arabic.INVISIBLE.sub("", block[0][1])).strip()
    return bool(line) and len(line) <= MAX_HEADLINE_CHARS and len(line.split()) <= MAX_HEADLINE_WORDS and line[-1] not in SENTENCE_END


def split_articles(text: str) -> list[SeedArticle]:
    """Split a seed's text into articles, each starting at a headline followed by paragraphs.

    Short lines before the first headline (a dateline, a kicker such as «عاجل») are not an
    article of their own: they stay at the head of the article that follows.
    """
    blocks = split_blocks(text)
    headlines = [is_headline(block) for block in blocks]
    articles: list[SeedArticle] = []
    title_block: list[tuple[int, str]] | None = None
    body: list[list[tuple[int, str]]] = []
    body_has_paragraph = False
    for index, block in enumerate(blocks):
        if headlines[index] and index + 1 < len(blocks) and not headlines[index + 1]:
            if title_block or body_has_paragraph:
                articles.append(_article(title_block, body))
                body = []
            title_block, body_has_paragraph = block, False
        else:
            body.append(block)
            body_has_paragraph = body_has_paragraph or not headlines[index]
    if title_block or body:
        articles.append(_article(title_block, body))
    return [a for a in articles if a.paragraphs]


def _article(title_block: list[tuple[int, str]] | None, body: list[list[tuple[int, str]]]) -> SeedArticle:
    media = None
    if title_block:
        title, media = split_media(title_block[0][1])
    else:
        first = body[0][0][1]
        title = " ".join(first.split()[:12]) + ("…" if len(first.split()) > 12 else "")
    title = TITLE_EDGES.sub("", title) or title
    numbers = [number for block in ([title_block] if title_block else []) + body for number, _ in block]
    return SeedArticle(title, media, tuple(tuple(b) for b in body), min(numbers), max(numbers))


def split_media(headline: str) -> tuple[str, str | None]:
    """Take a media marker («..فيديو» at the end, «بالصور..» at the start) off a headline; return (title, kind)."""
    for pattern in (MEDIA_MARKER, MEDIA_PREFIX):
        marker = pattern.search(headline)
        if marker and (title := (headline[: marker.start()] + headline[marker.end():]).strip()):
            return title, MEDIA_KINDS[marker.group(1)]
    return headline, None


def summarize(text: str) -> str:
    """Return the first sentence of a text, shortened on a word boundary if long."""
    match = SENTENCE.match(text)
    sentence = match.group(1) if match else text
    if len(sentence) > MAX_SUMMARY_CHARS:
        sentence = sentence[:MAX_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    return sentence.strip()


# str.translate, not re.sub: a line of a million marks would otherwise cost a list of a million pieces.
MARKDOWN_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]"} | {"<": "&lt;"})
HAS_INLINE = re.compile(r"[\\`*_\[\]<]")  # most lines have none: a quick scan spares them the slow translate
MARKDOWN_LINE_START = re.compile(r"^([#>+\-])")
# '=' (a setext underline) and '|' (a table row) have no backslash escape in Markdown: write them as entities.
MARKDOWN_LINE_START_ENTITY = {"=": "&#61;", "|": "&#124;"}
MARKDOWN_ORDERED = re.compile(r"^(\d+)([.)])")
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def escape_markdown(line: str) -> str:
    """Escape a line of plain text so Markdown shows it exactly as written.

    Markdown's own syntax is escaped (emphasis, code, links, autolinks, entities, and block
    markers at the start of a line); raw HTML is also turned off when pages are converted.
    """
    if "&" in line:
        line = ENTITY_LIKE.sub("&amp;", line)
    # '<' as &lt;: else <http://…> and <a@b.org> become links and lose their brackets.
    line = line.strip()
    if HAS_INLINE.search(line):
        line = line.translate(MARKDOWN_INLINE)
    if line[:1] in MARKDOWN_LINE_START_ENTITY:
        line = MARKDOWN_LINE_START_ENTITY[line[0]] + line[1:]
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
        "summary": summarize(" ".join(t for _, t in _lead(article))),
        "media": article.media,
    }
    if evidence:
        meta["date_evidence"] = _evidence(evidence, around)
        if around:
            meta["date"] = resolve_weekday(evidence.weekday, around)
    for kind in KINDS:
        meta[kind] = entities[kind]
    # What detection gave, for --retag (copies: a list the YAML holds twice would be written as an alias).
    meta["detected"] = {kind: list(entities[kind]) for kind in KINDS if entities[kind]}
    meta["provenance"] = {"seed": seed_name, "sha256": seed_sha256,
                          "lines": [article.first_line, article.last_line], "fingerprint": fingerprint}
    return meta


def _lead(article: SeedArticle) -> tuple[tuple[int, str], ...]:
    """Return the article's first real paragraph: not a dateline or kicker line kept above it."""
    return next((p for p in article.paragraphs if not is_headline(list(p))), article.paragraphs[0])


def _evidence(evidence: WeekdayEvidence, around: dt.date | None) -> dict:
    found: dict = {"weekday": evidence.weekday, "quote": evidence.quote, "line": evidence.line}
    if around:
        found.update(inferred=True, method=f"the {evidence.weekday} nearest to {around.isoformat()} (--around)")
    return found


def render_page(meta: dict, article: SeedArticle) -> str:
    """Write a page: YAML front matter, then the article's paragraphs as escaped Markdown."""
    front = yaml.dump(meta, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join("\n".join(escape_markdown(t) for _, t in paragraph) for paragraph in article.paragraphs)
    return f"---\n{front}---\n\n{body}\n"


def known_fingerprints(content_dir: Path) -> dict[str, Path]:
    """Map the fingerprint of every article already in the dossier, edited or not, to its page."""
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith(("_", ".")):
                page_path = Path(dirpath) / name
                fingerprint = _page_fingerprint(page_path)
                if fingerprint:
                    found.setdefault(fingerprint, page_path)
    return found


def _page_fingerprint(page_path: Path) -> str | None:
    """Read a page's front matter only, and return the fingerprint recorded in its provenance."""
    try:
        with page_path.open("rb") as handle:
            if handle.readline(1024).strip() != b"---":
                return None
            for raw in handle:
                line = raw.decode("utf-8", "replace")
                if line.strip() in ("---", "..."):
                    return None
                match = FINGERPRINT_LINE.match(line)
                if match:
                    return match.group(1)
    except OSError:
        return None  # an unreadable page is the build's to report
    return None


@dataclass
class _Progress:
    """Say how far a long ingest has got, at most once every PROGRESS_SECONDS."""

    seeds: int
    last: float = field(default_factory=time.monotonic)
    articles: int = 0  # read so far in the current seed
    of_articles: int = 0  # in the current seed

    def tick(self, number: int, seed_path: Path, report: IngestReport) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            log.info("ingest: seed %d of %d (%s): article %d of %d; %d new page(s) so far", number, self.seeds,
                     seed_path.name, self.articles, self.of_articles, len(report.written))


def shown_path(path: Path) -> str:
    """Show a path on one line, whatever its name holds (a newline in a file name must not split a message)."""
    text = str(path)
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text) if UNPRINTABLE.search(text) else text


def remove_stale_temporaries(content_dir: Path, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
    """Remove the temporary files an interrupted ingest left in content/; return how many."""
    removed = 0
    now = time.time()
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            try:
                if name.startswith(".tmp-") and now - path.lstat().st_mtime > older_than:
                    path.unlink()
                    removed += 1
            except OSError:
                pass  # gone already, or not ours to remove: it is hidden from the build either way
    return removed


def ingest_seeds(seed_dir: Path, content_dir: Path, *, force: bool = False, around: dt.date | None = None) -> IngestReport:
    """Turn every seed into pages; skip articles already in the dossier unless ``force``."""
    report = IngestReport()
    if content_dir.is_dir() and remove_stale_temporaries(content_dir):
        log.info("ingest: removed temporary files an interrupted ingest left in %s", content_dir)
    try:
        gazetteer = gazetteer_for(content_dir, str(content_dir / GAZETTEER_PATH))
    except ContentError as error:
        report.errors.append(error)
        gazetteer = Gazetteer(())
    known = known_fingerprints(content_dir) if content_dir.is_dir() else {}
    if not seed_dir.is_dir():
        report.errors.append(ContentError(str(seed_dir), None, "the seeds folder does not exist"))
        return report
    seeds = sorted(p for p in seed_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    progress = _Progress(len(seeds))
    done: set[str] = set()  # articles handled in this run: a second copy never rewrites the first
    for number, seed_path in enumerate(seeds, 1):
        try:
            _ingest_seed(seed_path, content_dir, gazetteer, known, done, report, progress, number,
                         force=force, around=around)
        except ContentError as error:
            report.errors.append(error)
        except OSError as error:
            report.errors.append(ContentError(shown_path(seed_path), None, f"cannot read or write: {error.strerror or error}"))
        progress.tick(number, seed_path, report)
    return report


def _ingest_seed(seed_path: Path, content_dir: Path, gazetteer: Gazetteer, known: dict[str, Path], done: set[str],
                 report: IngestReport, progress: _Progress, number: int, *, force: bool, around: dt.date | None) -> None:
    src_path = shown_path(seed_path)
    size = seed_path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise ContentError(src_path, None, f"the file is {size / 2**20:.0f} MB, more than the {MAX_SEED_BYTES // 2**20} MB "
                                           "a seed may hold; split it into smaller files")
    if size >= BIG_SEED_BYTES:
        log.info("ingest: seed %d of %d (%s): %.1f MB, reading it", number, progress.seeds, seed_path.name, size / 2**20)
    data = seed_path.read_bytes()
    text = decode_text(data, src_path)
    seed_sha256 = hashlib.sha256(data).hexdigest()
    del data
    articles = split_articles(text)
    del text
    progress.articles, progress.of_articles = 0, len(articles)
    for article in articles:
        progress.articles += 1
        progress.tick(number, seed_path, report)
        fingerprint = article.fingerprint
        if fingerprint in done or (fingerprint in known and not force):
            report.skipped += 1
            continue
        done.add(fingerprint)
        meta = page_meta(article, seed_path.name, seed_sha256, gazetteer, around)
        # Under --force the article's page is rewritten where it is, even if the curator renamed or moved it.
        page_path = known.get(fingerprint) or content_dir / f"{meta['slug']}.md"
        page = render_page(meta, article).encode("utf-8")
        if len(page) > MAX_PAGE_BYTES:
            report.errors.append(ContentError(src_path, article.first_line, (
                f"the article on lines {article.first_line}-{article.last_line} would make a page of "
                f"{len(page) / 2**20:.1f} MB, more than the {MAX_PAGE_BYTES // 2**20} MB the build accepts; "
                "split it in the seed (a headline, a blank line, then its paragraphs)")))
            continue
        if force and page_path.exists():
            previous = page_path.read_bytes()
            if previous == page:
                report.skipped += 1
                continue
            backup = _backup(content_dir, page_path, previous)
            log.info("%s: replaced; the previous page is kept in %s", page_path, backup)
        if atomic_write(page_path, page, overwrite=force):
            report.written.append(page_path)
        else:
            report.skipped += 1  # a page with this slug exists: the curator's copy wins
        known.setdefault(fingerprint, page_path)


def _backup(content_dir: Path, page_path: Path, data: bytes) -> Path:
    """Keep a copy of a page about to be replaced, under a name no other backup has."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1000):
        backup = content_dir / BACKUP_DIR / f"{page_path.stem}.{stamp}.{attempt}.md"
        if atomic_write(backup, data, overwrite=False):
            return backup
    raise ContentError(str(page_path), None, f"cannot keep a backup in {content_dir / BACKUP_DIR}; the page was not replaced")
