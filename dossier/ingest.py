"""Seed documents -> curated Markdown pages under content/. Never overwrites a curator's page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import arabic
from .dates import find_weekday, resolve_weekday
from .dedupe import NearIndex, first_differing_line, sketch
from .errors import ContentError
from .gazetteer import GAZETTEER_PATH, KINDS, Gazetteer, gazetteer_for
from .load import parse_front_matter, split_front_matter, walk_pages
from .split import (
    AGENCY,
    BYLINE_START,
    NUMERIC_DATE_OR_TIME,
    PLACE_AND_AGENCY,
    SeedArticle,
    is_kicker,
    split_articles,
)
from .textdates import date_article, find_dates, seed_date_in_name, seed_date_line
from .textio import atomic_write, decode_text

log = logging.getLogger(__name__)

SENTENCE = re.compile(r"(.+?[.!?؟…])(?=\s|$)", re.S)
MAX_SUMMARY_CHARS = 300
FINGERPRINT_LINE = re.compile(r"^\s*fingerprint:\s*['\"]?([0-9a-f]{64})")
SKETCH_LINE = re.compile(r"^\s*sketch:\s*['\"]?([0-9a-f]{8,})")
SLUG_LENGTH = 12
BACKUP_DIR = "_backup"
# libyaml's safe emitter when present: yaml.safe_dump's YAML, five times faster on big seeds.
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Big inputs report progress: a line when a large seed starts, then one every PROGRESS_SECONDS.
BIG_SEED_BYTES = 1024 * 1024
PROGRESS_SECONDS = 2.0
# Ingest holds a seed in memory (five times its size at the peak): a bigger one must be split.
MAX_SEED_BYTES = 64 * 1024 * 1024
# The build refuses a page larger than this (load.MAX_PAGE_BYTES): ingest never writes one.
MAX_PAGE_BYTES = 5 * 1024 * 1024
# Temporary files a killed ingest left (textio.atomic_write's ".tmp-*"), removed once abandoned.
STALE_TEMPORARY_SECONDS = 3600
UNPRINTABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class IngestReport:
    written: list[Path] = field(default_factory=list)
    skipped: int = 0
    errors: list[ContentError] = field(default_factory=list)


def summarize(text: str) -> str:
    """Return the first sentence of a text, shortened on a word boundary if long."""
    match = SENTENCE.match(text)
    sentence = match.group(1) if match else text
    if len(sentence) > MAX_SUMMARY_CHARS:
        sentence = sentence[:MAX_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    return sentence.strip()


# str.translate, not re.sub: a line of a million marks would cost a list of a million pieces.
MARKDOWN_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]"} | {"<": "&lt;"})
HAS_INLINE = re.compile(
    r"[\\`*_\[\]<]"
)  # most lines have none: a quick scan spares them the slow translate
MARKDOWN_LINE_START = re.compile(r"^([#>+\-])")
# '=' (setext underline) and '|' (table row) have no backslash escape in Markdown: use entities.
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


def page_meta(
    article: SeedArticle,
    seed_name: str,
    seed_sha256: str,
    gazetteer: Gazetteer,
    around: dt.date | None,
    seed_date: tuple[dt.date, str] | None = None,
) -> dict:
    """Build an article's front matter: what the seed says, and the evidence for what it implies."""
    fingerprint = article.fingerprint
    text = "\n".join([article.title, *(t for _, t in article.lines)])
    entities = gazetteer.find(text)
    lang, direction = detect_language(text)
    meta: dict = {
        "title": article.title,
        "slug": fingerprint[:SLUG_LENGTH],
        "date": None,
        "lang": lang,
        "dir": direction,
        "status": "new",
        "summary": summarize(" ".join(t for _, t in article.paragraphs[0])),
        "media": article.media,
        **around_headline(article.dateline),
    }
    meta.update(date_meta(article, around, seed_date))
    for kind in KINDS:
        meta[kind] = entities[kind]
    # What detection gave, for --retag (copies: a list held twice would be written as an alias).
    meta["detected"] = {kind: list(entities[kind]) for kind in KINDS if entities[kind]}
    meta["provenance"] = {
        "seed": seed_name,
        "sha256": seed_sha256,
        "lines": [article.first_line, article.last_line],
        "fingerprint": fingerprint,
        "sketch": article_sketch(article),
    }
    return meta


def article_sketch(article: SeedArticle) -> str:
    return sketch(
        [article.title, *(t for _, t in article.dateline), *(t for _, t in article.lines)]
    )


def around_headline(lines: tuple[tuple[int, str], ...]) -> dict[str, str]:
    """The kicker, dateline and byline lines around a headline, by kind, as written."""
    found: dict[str, list[str]] = {}
    for _, text in lines:
        found.setdefault(line_kind(text), []).append(text)
    return {kind: " · ".join(texts) for kind, texts in found.items()}


def line_kind(text: str) -> str:
    """«عاجل» is a kicker; «بقلم …», «سامر خليل – دمشق» a byline; place, agency, date a dateline."""
    if is_kicker(text):
        return "kicker"
    folded = arabic.normalize(text)
    if BYLINE_START.match(text) or not (
        NUMERIC_DATE_OR_TIME.search(text)
        or AGENCY.search(folded)
        or PLACE_AND_AGENCY.match(text)
        or find_dates(0, text)
    ):
        return "byline"
    return "dateline"


def date_meta(
    article: SeedArticle, around: dt.date | None, seed_date: tuple[dt.date, str] | None
) -> dict:
    """The article's date and its evidence: from the text, else a weekday near --around."""
    found = date_article(list(article.dateline), list(article.paragraphs[0]), seed_date)
    if found.date:
        evidence = {k: v for k, v in found.evidence.items() if v is not None}
        date = found.date if found.precision == "day" else found.date.isoformat()[:7]
        return {"date": date, "date_evidence": evidence}
    if found.evidence:
        return {"date_evidence": found.evidence}  # the text disagrees with itself: undated, and why
    weekday = find_weekday(article.lines)
    if not weekday:
        return {}
    evidence: dict = {"weekday": weekday.weekday, "quote": weekday.quote, "line": weekday.line}
    if not around or weekday.qualifier:
        return {"date_evidence": evidence}
    evidence.update(
        inferred=True, method=f"the {weekday.weekday} nearest to {around.isoformat()} (--around)"
    )
    date = resolve_weekday(weekday.weekday, around) + dt.timedelta(days=weekday.shift)
    return {"date": date, "date_evidence": evidence}


LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
FRENCH_WORDS = {"le", "la", "les", "des", "est", "et", "une", "du", "dans", "pour", "sur", "au"}
ENGLISH_WORDS = {"the", "and", "of", "is", "to", "in", "that", "for", "on", "with", "was", "by"}


def detect_language(text: str) -> tuple[str, str]:
    """An article's language and direction by its script: Arabic unless Latin letters are most."""
    sample = text[:20000]
    if len(LATIN_LETTER.findall(sample)) <= len(arabic.ARABIC_LETTER.findall(sample)):
        return "ar", "rtl"
    words = re.findall(r"[a-zà-ÿ]+", sample.lower())
    french = sum(word in FRENCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return ("fr" if french > english else "en"), "ltr"


def render_page(meta: dict, article: SeedArticle) -> str:
    """Write a page: YAML front matter, then the article's paragraphs as escaped Markdown."""
    front = yaml.dump(meta, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    body = "\n\n".join(
        "\n".join(escape_markdown(t) for _, t in paragraph) for paragraph in article.paragraphs
    )
    return f"---\n{front}---\n\n{body}\n"


def known_fingerprints(content_dir: Path, near: NearIndex | None = None) -> dict[str, Path]:
    """Map the fingerprint of every article already in the dossier, edited or not, to its page.

    With ``near``, also index each page's sketch, to recognise an article that came back changed.
    """
    found: dict[str, Path] = {}
    for page_path in map(Path, walk_pages(content_dir)):
        fingerprint, sketch_text = _page_identity(page_path)
        if fingerprint:
            found.setdefault(fingerprint, page_path)
        if near is not None and sketch_text:
            near.add(page_path, sketch_text)
    return found


def _page_identity(page_path: Path) -> tuple[str | None, str | None]:
    """Read a page's front matter only, and return the fingerprint and sketch in its provenance."""
    fingerprint = sketch_text = None
    try:
        with page_path.open("rb") as handle:
            if handle.readline(1024).strip() != b"---":
                return None, None
            for raw in handle:
                line = raw.decode("utf-8", "replace")
                if line.strip() in ("---", "..."):
                    break
                if match := FINGERPRINT_LINE.match(line):
                    fingerprint = match.group(1)
                elif match := SKETCH_LINE.match(line):
                    sketch_text = match.group(1)
    except OSError:
        pass  # an unreadable page is the build's to report
    return fingerprint, sketch_text


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
            log.info(
                "ingest: seed %d of %d (%s): article %d of %d; %d new page(s) so far",
                number,
                self.seeds,
                shown_path(Path(seed_path.name)),
                self.articles,
                self.of_articles,
                len(report.written),
            )


def shown_path(path: Path) -> str:
    """Show a path on one line, whatever its name holds (a newline in it must not split a message).

    A name that is not UTF-8 (cp1256 names from a Windows zip) shows its odd bytes as \\xNN escapes.
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return (
        UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
        if UNPRINTABLE.search(text)
        else text
    )


def shown_name(name: str) -> str:
    """A seed's name as text any page can hold: bytes that are not UTF-8 as \\xNN escapes."""
    return shown_path(Path(name))


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


@dataclass
class _Run:
    """What one ingest run knows and has done so far."""

    content_dir: Path
    gazetteer: Gazetteer
    known: dict[str, Path]  # fingerprint -> page, for every article in the dossier
    near: NearIndex  # sketches of the same pages, for articles that came back changed
    report: IngestReport
    progress: _Progress
    force: bool
    around: dt.date | None
    done: set[str] = field(
        default_factory=set
    )  # articles handled in this run: a second copy never rewrites the first


def ingest_seeds(
    seed_dir: Path, content_dir: Path, *, force: bool = False, around: dt.date | None = None
) -> IngestReport:
    """Turn every seed into pages; skip articles already in the dossier unless ``force``."""
    report = IngestReport()
    if content_dir.is_dir() and remove_stale_temporaries(content_dir):
        log.info("ingest: removed temporary files an interrupted ingest left in %s", content_dir)
    try:
        gazetteer = gazetteer_for(content_dir, str(content_dir / GAZETTEER_PATH))
    except ContentError as error:
        report.errors.append(error)
        gazetteer = Gazetteer(())
    near = NearIndex()
    known = known_fingerprints(content_dir, near) if content_dir.is_dir() else {}
    if not seed_dir.is_dir():
        report.errors.append(ContentError(str(seed_dir), None, "the seeds folder does not exist"))
        return report
    seeds = find_seeds(seed_dir, report)
    run = _Run(content_dir, gazetteer, known, near, report, _Progress(len(seeds)), force, around)
    for number, seed_path in enumerate(seeds, 1):
        try:
            _ingest_seed(run, seed_path, seed_path.relative_to(seed_dir).as_posix(), number)
        except ContentError as error:
            report.errors.append(error)
        except OSError as error:
            report.errors.append(
                ContentError(
                    shown_path(seed_path), None, f"cannot read or write: {error.strerror or error}"
                )
            )
        run.progress.tick(number, seed_path, report)
    return report


# Files that are never a seed's text, whatever they hold: refused by name, the rest goes on.
NOT_SEEDS = {
    ".json",
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".xls",
    ".xlsx",
    ".ods",
    ".ppt",
    ".pptx",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".zip",
    ".gz",
    ".tar",
    ".7z",
    ".rar",
    ".mp3",
    ".mp4",
    ".wav",
    ".epub",
    ".exe",
}


def find_seeds(seed_dir: Path, report: IngestReport) -> list[Path]:
    """Every seed file under the folder and its sub-folders, in name order; others reported."""
    root = seed_dir.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(seed_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith("."):
                continue
            if not path.resolve().is_relative_to(root):
                report.errors.append(
                    ContentError(
                        shown_path(path), None, "a link to a file outside the seeds folder; skipped"
                    )
                )
            elif path.suffix.lower() in NOT_SEEDS:
                report.errors.append(
                    ContentError(
                        shown_path(path),
                        None,
                        (
                            f"a {path.suffix.lower()[1:].upper()} file is not a seed; skipped "
                            "(paste the articles' text into a .txt file)"
                        ),
                    )
                )
            elif path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(seed_dir).as_posix())


def _ingest_seed(run: _Run, seed_path: Path, seed_name: str, number: int) -> None:
    src_path = shown_path(seed_path)
    size = seed_path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise ContentError(
            src_path,
            None,
            f"the file is {size / 2**20:.0f} MB, more than the {MAX_SEED_BYTES // 2**20} MB "
            "a seed may hold; split it into smaller files",
        )
    if size >= BIG_SEED_BYTES:
        log.info(
            "ingest: seed %d of %d (%s): %.1f MB, reading it",
            number,
            run.progress.seeds,
            shown_name(seed_name),
            size / 2**20,
        )
    data = seed_path.read_bytes()
    text = decode_text(data, src_path)
    if looks_like_json(text):
        raise ContentError(src_path, 1, "this is JSON data, not a seed's text; skipped")
    seed_sha256 = hashlib.sha256(data).hexdigest()
    del data
    text, seed_date = seed_date_of(shown_name(seed_path.name), text)
    articles = split_articles(text)
    del text
    if not articles:
        raise ContentError(
            src_path, 1, "no article here: an article is a headline with a paragraph under it"
        )
    run.progress.articles, run.progress.of_articles = 0, len(articles)
    for article in articles:
        run.progress.articles += 1
        run.progress.tick(number, seed_path, run.report)
        _ingest_article(run, article, src_path, shown_name(seed_name), seed_sha256, seed_date)


def _ingest_article(
    run: _Run,
    article: SeedArticle,
    src_path: str,
    seed_name: str,
    seed_sha256: str,
    seed_date: tuple[dt.date, str] | None,
) -> None:
    fingerprint = article.fingerprint
    if fingerprint in run.done or (fingerprint in run.known and not run.force):
        run.report.skipped += 1
        return
    run.done.add(fingerprint)
    meta = page_meta(article, seed_name, seed_sha256, run.gazetteer, run.around, seed_date)
    if not run.force and (same := run.near.find(meta["provenance"]["sketch"])):
        _say_changed_copy(article, src_path, same)
        run.report.skipped += 1
        return
    # Under --force the article's page is rewritten where it is, even if the curator moved it.
    page_path = run.known.get(fingerprint) or run.content_dir / f"{meta['slug']}.md"
    previous = page_path.read_bytes() if run.force and page_path.exists() else None
    if previous is not None:
        meta = keep_curation(meta, previous, page_path)
    page = render_page(meta, article).encode("utf-8")
    if len(page) > MAX_PAGE_BYTES:
        run.report.errors.append(_too_big(article, src_path, len(page)))
        return
    if previous is not None:
        if previous == page:
            run.report.skipped += 1
            return
        backup = _backup(run.content_dir, page_path, previous)
        log.info("%s: replaced; the previous page is kept in %s", page_path, backup)
    if atomic_write(page_path, page, overwrite=run.force):
        run.report.written.append(page_path)
    else:
        run.report.skipped += 1  # a page with this slug exists: the curator's copy wins
    run.known.setdefault(fingerprint, page_path)
    run.near.add(page_path, meta["provenance"]["sketch"])


def _too_big(article: SeedArticle, src_path: str, size: int) -> ContentError:
    return ContentError(
        src_path,
        article.first_line,
        f"the article on lines {article.first_line}-{article.last_line} would make a page of "
        f"{size / 2**20:.1f} MB, more than the {MAX_PAGE_BYTES // 2**20} MB the build accepts; "
        "split it in the seed (a headline, a blank line, then its paragraphs)",
    )


# What a curator decides about a page; --force regenerates the rest from the seed.
CURATED_KEYS = ("title", "status", "draft", "events", "updated")


def keep_curation(meta: dict, previous: bytes, page_path: Path) -> dict:
    """Keep what the curator wrote when --force regenerates a page: title, status, a date they
    set, their events and any key of their own. A page that no longer loads keeps nothing (its
    backup holds it whole)."""
    try:
        front, _, _ = split_front_matter(previous.decode("utf-8"), str(page_path))
        curated, _ = parse_front_matter(front, str(page_path))
    except (UnicodeDecodeError, ContentError):
        return meta
    kept = {key: curated[key] for key in CURATED_KEYS if key in curated}
    if curated.get("date") is not None:
        kept.update(date=curated["date"], date_evidence=curated.get("date_evidence"))
    own = {key: value for key, value in curated.items() if key not in meta and key not in kept}
    return {**meta, **kept, **own}


def _say_changed_copy(article: SeedArticle, src_path: str, page_path: Path) -> None:
    """Tell the curator that an article came back changed, and where: their page stays as it is."""
    try:
        page_text = page_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        page_text = ""
    line = (
        first_differing_line([*article.dateline, *article.lines], page_text) or article.first_line
    )
    log.info(
        "%s:%d: a changed copy of the article in %s (this line differs); the page is kept as it is",
        src_path,
        line,
        shown_path(page_path),
    )


def looks_like_json(text: str) -> bool:
    """Say whether a file's text is JSON data (an export, a config) rather than articles."""
    stripped = text.strip()
    if stripped[:1] not in "{[" or stripped[-1:] not in "}]":
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def seed_date_of(name: str, text: str) -> tuple[str, tuple[dt.date, str] | None]:
    """A seed's date: a first line «التاريخ: 2015-08-10» (then blanked), or its file name's."""
    first, newline, rest = text.lstrip("\n").partition("\n")
    date = seed_date_line(first)
    if date:
        blank_lines = len(text) - len(text.lstrip("\n"))
        return "\n" * (blank_lines + 1) + rest, (date, first.strip())
    return text, seed_date_in_name(name)


def _backup(content_dir: Path, page_path: Path, data: bytes) -> Path:
    """Keep a copy of a page about to be replaced, under a name no other backup has."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1000):
        backup = content_dir / BACKUP_DIR / f"{page_path.stem}.{stamp}.{attempt}.md"
        if atomic_write(backup, data, overwrite=False):
            return backup
    raise ContentError(
        str(page_path),
        None,
        f"cannot keep a backup in {content_dir / BACKUP_DIR}; the page was not replaced",
    )
