"""content/*.md -> Page: split front matter, check it against the schema, convert Markdown once."""

from __future__ import annotations

import dataclasses
import html
import logging
import os
import re
import secrets
import time
import urllib.parse
from pathlib import Path
from types import MappingProxyType
from typing import Iterator

import babel
import markdown
import yaml
from markdown.treeprocessors import Treeprocessor

from .arabic import term_slug
from .dates import PRECISIONS, PartialDate, parse_partial_date
from .errors import ContentError, ContentErrors
from .gazetteer import GAZETTEER_PATH, KINDS, Gazetteer, gazetteer_for
from .pages import Event, Page, Settings, usable_slug
from .safe_text import fit_text
from .yamltext import SafeLoader, repeated_node

log = logging.getLogger(__name__)

EVENTS_PATH = Path("_data") / "events.yaml"
SETTINGS_FILE = "dossier.yaml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
STATUSES = ("new", "reviewed", "draft")
DIRECTIONS = ("rtl", "ltr", "auto")
KNOWN_KEYS = {
    "title",
    "slug",
    "date",
    "lang",
    "dir",
    "status",
    "draft",
    "summary",
    "media",
    "provenance",
    "date_evidence",
    "events",
    "updated",
    "detected",
    "byline",
    "dateline",
    "kicker",
    *KINDS,
}
EVENT_KEYS = ("date", "precision", "end", "text", "places", "people", "article")
# a key this many edits from a known one is taken for a typo of it (1 for keys of 4 letters or less)
NEAR_MISS = 2
SAFE_SCHEMES = {"", "http", "https", "mailto"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
CONTROLS_AND_SPACES = re.compile(r"[\x00-\x20\x7f]+")
MAX_PAGE_BYTES = 5 * 1024 * 1024
INLINE_CHARS = re.compile(r"[\\`*_\[<&!]")
# markup characters times paragraph length, summed over a page (see set_aside_costly_blocks)
INLINE_WORK_LIMIT = 20_000_000
BRACKET_COST = 20  # a character scanned for a ']' costs a Python step, not a copy in C
BRACKETS = re.compile(r"[\[\]]")
ASIDE_TOKEN = re.compile(r"DOSSIERASIDE[0-9a-f]{16}Z")
QUOTE_RUN = re.compile(r"^(?: {0,3}>)+", re.MULTILINE)
BACKSLASH_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=|~])")
BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[a-zA-Z][a-zA-Z0-9]*;)")
UNDERLINE_OR_RULE = re.compile(r"^ {0,3}(?:=+|-+|(?:[-*_] *){3,})[ \t]*$", re.MULTILINE)


CHECKED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "binary")}


def _check_nodes(node: yaml.Node, loader: yaml.BaseLoader) -> None:
    """Refuse a node used twice (an alias, *name: no "billion laughs" expansion), and a tagged value
    its tag cannot hold (``!!int abc``), each at its own line, before anything is built."""
    repeated = repeated_node(node)
    if repeated is not None:
        message = "aliases (*name) are not allowed here"
        raise yaml.composer.ComposerError(None, None, message, repeated.start_mark)
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode) and current.tag in CHECKED_TAGS:
            _check_tag(current, loader)
        if isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _check_tag(node: yaml.ScalarNode, loader: yaml.BaseLoader) -> None:
    try:
        loader.yaml_constructors[node.tag](loader, node)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        message = f"{node.value!r:.40} is not a valid {node.tag.rsplit(':', 1)[-1]}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


class _SafeLinks(Treeprocessor):
    """Drop links and images whose URL would run code (javascript:, data:, …), however it is
    spelled."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                url = element.get(attribute)
                if url is not None and url_scheme(url) not in SAFE_SCHEMES:
                    element.set(attribute, "#")


def url_scheme(url: str) -> str:
    """The scheme a browser would see: after decoding character references and dropping the controls
    and
    spaces it ignores («&#106;avascript:», «java&#09;script:» are javascript:). Never raises."""
    seen = CONTROLS_AND_SPACES.sub("", html.unescape(url))
    match = SCHEME.match(seen)
    return match.group(1).lower() if match else ""


def make_markdown(inline: bool = True) -> markdown.Markdown:
    """Return a Markdown converter with raw HTML off: text from seeds and curators is never live
    HTML."""
    converter = markdown.Markdown(output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_SafeLinks(converter), "safe_links", 0)
    if not inline:
        converter.treeprocessors.deregister("inline")
    return converter


def set_aside_costly_blocks(text: str) -> tuple[str, dict[str, str]]:
    """Take out the paragraphs Python-Markdown would take minutes over, leaving a token in their
    place.

    Its inline pass is quadratic in the markup characters of a paragraph (each match rebuilds the
    text; each '[' is scanned to the paragraph's end): 2,000 '[' took 1.6 s, 200,000 took minutes;
    its block pass, in the setext underlines and rules of one (4,000 'a/=' lines: 2.3 s).
    A paragraph past these bounds is shown as written, escaped, without Markdown.
    """
    blocks = text.split("\n\n")
    costs = [
        (
            (
                _bracket_scan(block) * BRACKET_COST
                + len(INLINE_CHARS.findall(block))
                + len(UNDERLINE_OR_RULE.findall(block))
                + _quote_depth(block)
            )
            * len(block),
            n,
        )
        for n, block in enumerate(blocks)
    ]
    if sum(cost for cost, _ in costs) <= INLINE_WORK_LIMIT:
        return text, {}
    aside: dict[str, str] = {}
    total = sum(cost for cost, _ in costs)
    for cost, number in sorted(costs, reverse=True):
        if total <= INLINE_WORK_LIMIT:
            break
        token = f"DOSSIERASIDE{secrets.token_hex(8)}Z"
        aside[token], blocks[number] = blocks[number], token
        total -= cost
    return "\n\n".join(blocks), aside


def _bracket_scan(block: str) -> int:
    """How far Python-Markdown reads looking for the ']' of each '[', in paragraph lengths (to its
    match, or
    to the paragraph's end)."""
    if "[" not in block:
        return 0
    scanned, opened = 0, []
    for bracket in BRACKETS.finditer(block):
        if bracket.group() == "[":
            opened.append(bracket.start())
        elif opened:
            scanned += bracket.start() - opened.pop()
    return (scanned + sum(len(block) - start for start in opened)) // max(len(block), 1)


def _quote_depth(block: str) -> int:
    """How many '>' quote levels a line of the block opens: Python-Markdown copies the block
    once per level."""
    if ">" not in block:
        return 0
    return max((run.group().count(">") for run in QUOTE_RUN.finditer(block)), default=0)


def put_back_costly_blocks(html_text: str, aside: dict[str, str]) -> str:
    """Put each block set aside back as the text it says: backslash escapes undone, character
    references kept."""
    if not aside:
        return html_text

    def as_text(match: re.Match) -> str:
        block = aside.get(match.group())
        if block is None:
            return match.group()
        text = BACKSLASH_ESCAPE.sub(r"\1", block.strip("\n"))
        return BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")

    return ASIDE_TOKEN.sub(as_text, html_text)


class MarkdownConverter:
    """Convert page bodies; a body with no inline markup at all skips the inline pass.

    The inline pass (emphasis, links, code, entities, line breaks, autolinks) is half of
    Python-Markdown's time, and it cannot change a text holding none of the characters its
    patterns start with, as most ingested news text is: the output is the same, byte for byte.
    """

    INLINE_MARKUP = re.compile(r"[\\`*_\[<&\t]|  \n")  # a tab may expand into a line break

    def __init__(self) -> None:
        self.full, self.plain = make_markdown(), make_markdown(inline=False)
        self.seconds = 0.0  # spent converting, for the build's timings

    def convert(self, text: str) -> str:
        started = time.perf_counter()
        text, aside = set_aside_costly_blocks(text)
        converter = self.full if self.INLINE_MARKUP.search(text) else self.plain
        converter.reset()
        try:
            return put_back_costly_blocks(converter.convert(text), aside)
        finally:
            self.seconds += time.perf_counter() - started


def split_front_matter(text: str, src_path: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number of the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            src_path, 1, "the page must start with a '---' line opening its front matter"
        )
    for number in range(1, len(lines)):
        if lines[number].strip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 2
    raise ContentError(
        src_path, 1, "the front matter opened by '---' is never closed by another '---' line"
    )


def parse_yaml(text: str, src_path: str, first_line: int = 2) -> tuple[object, yaml.Node | None]:
    """Parse YAML safely; ``first_line`` is the file line the text starts on, for messages."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_nodes(node, loader)
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and (
            mark.line >= len(text.splitlines()) or "flow" in (error.context or "")
        ):
            mark = (
                error.context_mark
            )  # the input ran out, or a bracket was left open: point at what was opened
        line = mark.line + first_line if mark else first_line
        hint = (
            " (quote values containing ': ' or ' #')"
            if "mapping values" in str(error.problem)
            else ""
        )
        raise ContentError(src_path, line, f"{error.problem or error.context}{hint}") from None
    except (
        yaml.YAMLError,
        RecursionError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
    ) as error:
        raise ContentError(
            src_path, first_line, f"not valid YAML: {' '.join(str(error).split())[:200]}"
        ) from None
    finally:
        loader.dispose()


def parse_front_matter(
    front: str, src_path: str, first_line: int = 2
) -> tuple[dict, dict[str, int]]:
    """Parse front matter; return the values and the file line of each top-level key, and of each
    event
    and its keys ('events.0', 'events.0.text')."""
    data, node = parse_yaml(front, src_path, first_line)
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ContentError(
            src_path, first_line, f"expected 'key: value' lines, got {type(data).__name__}"
        )
    lines = key_lines(node, first_line)
    for key, value in node.value:
        if key.value == "events" and isinstance(value, yaml.SequenceNode):
            for number, item in enumerate(value.value):
                lines[f"events.{number}"] = item.start_mark.line + first_line
                if isinstance(item, yaml.MappingNode):
                    lines.update(
                        {f"events.{number}.{k}": n for k, n in key_lines(item, first_line).items()}
                    )
    return data, lines


def key_lines(node: yaml.MappingNode, first_line: int) -> dict[str, int]:
    """The file line of each key of a mapping."""
    return {str(k.value): k.start_mark.line + first_line for k, _ in node.value}


def near_miss(key: object, known: tuple[str, ...] | set[str]) -> str | None:
    """The known key an unknown one is a typo of («peopel» → «people»), if any."""
    if not isinstance(key, str) or key in known:
        return None
    for candidate in sorted(known):
        allowed = NEAR_MISS if len(candidate) > 4 else 1
        if abs(len(candidate) - len(key)) <= allowed and edit_distance(key, candidate) <= allowed:
            return candidate
    return None


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn a into b."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def unknown_keys(
    data: dict,
    known: tuple[str, ...] | set[str],
    lines: dict[str, int],
    src_path: str,
    prefix: str = "",
) -> list[ContentError]:
    """A near-miss key is an error saying what was meant; any other unknown key is the curator's
    own (a warning)."""
    errors = []
    for key in data:
        if key in known:
            continue
        line = lines.get(prefix + str(key))
        meant = near_miss(key, known)
        if meant:
            errors.append(
                ContentError(src_path, line, f"unknown key {key!r:.40}: did you mean {meant!r}?")
            )
        else:
            log.warning("%s", ContentError(src_path, line, f"unknown key {key!r:.40} is ignored"))
    return errors


def check_meta(meta: dict, lines: dict[str, int], shown: str) -> list[ContentError]:
    """Check front matter against the schema; return every problem (warnings are logged)."""
    errors = unknown_keys(meta, KNOWN_KEYS, lines, shown)
    problems = [*_field_problems(meta), *_name_problems(meta), *_record_problems(meta)]
    return errors + [ContentError(shown, lines.get(key, 2), message) for key, message in problems]


def _field_problems(meta: dict) -> Iterator[tuple[str, str]]:
    """(key, message) for each one-value key that does not hold what it must."""
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        yield (
            "title",
            (
                "a 'title' is required"
                if title is None
                else f"'title' must be text, got {title!r:.40}"
            ),
        )
    slug = meta.get("slug")
    if slug is not None and not (isinstance(slug, str) and SLUG.match(slug) and usable_slug(slug)):
        yield (
            "slug",
            (
                "'slug' must be lowercase ASCII letters, digits and '-', and not a reserved name, "
                f"got {slug!r:.40}"
            ),
        )
    if meta.get("date") is not None:
        try:
            parse_partial_date(meta["date"])
        except ValueError as problem:
            yield "date", str(problem)
    status = meta.get("status", "new")
    if status not in STATUSES:
        yield "status", f"'status' must be one of {', '.join(STATUSES)}, got {status!r:.40}"
    if "draft" in meta and not isinstance(meta["draft"], bool):
        yield "draft", f"'draft' must be true or false, got {meta['draft']!r:.40}"
    if meta.get("dir", "rtl") not in DIRECTIONS:
        yield "dir", f"'dir' must be one of {', '.join(DIRECTIONS)}, got {meta['dir']!r:.40}"
    for key in ("summary", "media", "lang", "byline", "dateline", "kicker"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            yield key, f"'{key}' must be text, got {meta[key]!r:.40}"


def _name_problems(meta: dict) -> Iterator[tuple[str, str]]:
    """(key, message) for each list of entity names that is not one, or names no address."""
    for key in KINDS:
        value = meta.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        ):
            yield key, f"'{key}' must be a list of names, got {value!r:.40}"
            continue
        for name in value or ():
            if not usable_slug(term_slug(name)):
                yield (
                    key,
                    (
                        f"the name {name!r:.40} cannot make a page address (it needs letters or "
                        "digits, and not a reserved name such as CON)"
                    ),
                )


def _record_problems(meta: dict) -> Iterator[tuple[str, str]]:
    """(key, message) for the records ingest writes (provenance, date evidence) and events."""
    for key in ("provenance", "date_evidence"):
        if meta.get(key) is not None and not isinstance(meta[key], dict):
            yield key, f"'{key}' must be a mapping, got {meta[key]!r:.40}"
    provenance = meta.get("provenance")
    if isinstance(provenance, dict):
        text = (provenance.get("seed", ""), provenance.get("sha256", ""))
        if not all(isinstance(value, str) for value in text):
            yield "provenance", "'provenance' seed and sha256 must be text"
        numbers = provenance.get("lines")
        if numbers is not None and not (
            isinstance(numbers, list)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
        ):
            yield (
                "provenance",
                f"'provenance' lines must be a list of line numbers, got {numbers!r:.40}",
            )
    evidence = meta.get("date_evidence")
    if isinstance(evidence, dict) and not isinstance(evidence.get("quote", ""), str):
        yield "date_evidence", f"'date_evidence' quote must be text, got {evidence['quote']!r:.40}"
    if meta.get("events") is not None and not isinstance(meta["events"], list):
        yield "events", f"'events' must be a list of events, got {meta['events']!r:.40}"


def parse_event(item: object, shown: str, lines: dict[str, int], article: str | None) -> Event:
    """Read one timeline event: date, precision, optional end, text, places, people.

    ``lines`` holds the file line of the event ('') and of each of its keys."""
    line = lines.get("")
    if not isinstance(item, dict):
        message = f"an event must be a mapping with 'date' and 'text', got {item!r:.40}"
        raise ContentError(shown, line, message)
    typos = unknown_keys(item, EVENT_KEYS, lines, shown)
    if typos:
        raise typos[0]
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        raise ContentError(shown, line, "an event needs a 'text'")
    date, end = _event_dates(item, shown, lines)
    names = {
        key: _event_names(item, key, shown, lines.get(key, line)) for key in ("places", "people")
    }
    text, article = item["text"].strip(), item.get("article") or article
    return Event(date, text, shown, line, end, names["places"], names["people"], article)


def _event_dates(
    item: dict, shown: str, lines: dict[str, int]
) -> tuple[PartialDate, PartialDate | None]:
    """An event's date, made as coarse as its 'precision' says, and its end."""
    line = lines.get("")
    try:
        date = parse_partial_date(item.get("date"))
        end = parse_partial_date(item["end"]) if item.get("end") is not None else None
    except ValueError as problem:
        raise ContentError(shown, lines.get("date", line), f"event date: {problem}") from None
    precision = item.get("precision", date.precision)
    if precision not in PRECISIONS:
        message = f"'precision' must be one of {', '.join(PRECISIONS)}, got {precision!r:.40}"
        raise ContentError(shown, lines.get("precision", line), message)
    date = _coarsen(date, precision)
    if end is not None and end.start < date.start:
        message = f"the event ends ({end.iso}) before it starts ({date.iso})"
        raise ContentError(shown, lines.get("end", line), message)
    return date, end


def _event_names(item: dict, key: str, shown: str, line: int | None) -> tuple[str, ...]:
    """An event's places or people: a list of names that can each make an address."""
    value = item.get(key) or []
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ContentError(shown, line, f"event '{key}' must be a list of names, got {value!r:.40}")
    for name in value:
        if not usable_slug(term_slug(name)):
            message = f"event '{key}': the name {name!r:.40} cannot make a page address"
            raise ContentError(shown, line, message)
    return tuple(value)


def event_lines(lines: dict[str, int], prefix: str) -> dict[str, int]:
    """The lines of one event of a page ('' for the event itself), from the page's key lines."""
    found = {
        key[len(prefix) + 1 :]: line for key, line in lines.items() if key.startswith(prefix + ".")
    }
    return {"": lines[prefix], **found} if prefix in lines else found


def _coarsen(date: PartialDate, precision: str) -> PartialDate:
    start = date.start
    if precision == "month":
        start = start.replace(day=1)
    elif precision == "year":
        start = start.replace(month=1, day=1)
    if PRECISIONS.index(precision) < PRECISIONS.index(date.precision):
        return date  # never claim more precision than the date has
    return PartialDate(start, precision)


def load_page(
    content_dir: Path, page_path: Path | str, gazetteer: Gazetteer, converter: MarkdownConverter
) -> Page:
    """Read one page; raise ContentErrors with every problem in it."""
    page_path = Path(page_path)
    shown = display_path(page_path)
    try:
        front, body, _ = split_front_matter(read_page_text(page_path, shown), shown)
        meta, lines = parse_front_matter(front, shown)
    except ContentError as error:
        raise ContentErrors([error]) from None
    slug = meta.get("slug") or page_path.stem
    events = check_page(meta, lines, shown, slug, page_path.stem)
    warn_unknown_names(gazetteer, meta, lines, shown)
    src_path = content_path(content_dir, page_path)
    return Page(
        src_path=src_path,
        slug=slug,
        title=meta["title"].strip(),
        date=parse_partial_date(meta["date"]) if meta.get("date") is not None else None,
        summary=(meta.get("summary") or "").strip(),
        html=convert_body(body, converter, shown),
        media=meta.get("media"),
        status="draft" if meta.get("draft") is True else meta.get("status", "new"),
        events=tuple(dataclasses.replace(event, src_path=src_path) for event in events),
        meta=MappingProxyType(meta),
        **{kind: _canonical_names(gazetteer, kind, meta.get(kind)) for kind in KINDS},
    )


def content_path(content_dir: Path, path: Path | str) -> str:
    """A file's src_path: relative to content/, with POSIX separators."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(content_dir))).as_posix()


def read_page_text(page_path: Path, shown: str) -> str:
    """A page file's text, with LF line ends; ContentErrors if it cannot be a page."""
    if not utf8_name(shown):
        name = os.fsencode(shown).decode("utf-8", "backslashreplace")
        message = "the file name is not UTF-8 (a Windows zip?): rename the file"
        raise ContentErrors([ContentError(name, None, message)])
    try:
        data = page_path.read_bytes()
    except OSError as error:
        message = f"cannot be read ({error.strerror})"
        raise ContentErrors([ContentError(shown, None, message)]) from None
    if len(data) > MAX_PAGE_BYTES:
        message = f"the page is larger than {MAX_PAGE_BYTES // 2**20} MB"
        raise ContentErrors([ContentError(shown, None, message)])
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        message = "the page is not UTF-8 text; save it as UTF-8"
        raise ContentErrors([ContentError(shown, line, message)]) from None


def check_page(meta: dict, lines: dict[str, int], shown: str, slug: str, stem: str) -> list[Event]:
    """Check a page's front matter and read its events; ContentErrors with every problem."""
    errors = check_meta(meta, lines, shown)
    events = []
    for number, item in enumerate(meta["events"] if isinstance(meta.get("events"), list) else ()):
        try:
            events.append(parse_event(item, shown, event_lines(lines, f"events.{number}"), slug))
        except ContentError as error:
            errors.append(error)
    if not errors and not (SLUG.match(slug) and usable_slug(slug)):
        message = f"the file name {stem!r} cannot be a slug; add a 'slug' (lowercase ASCII)"
        errors.append(ContentError(shown, 1, message))
    if errors:
        raise ContentErrors(errors)
    return events


def convert_body(body: str, converter: MarkdownConverter, shown: str) -> str:
    """The page's HTML, converted here once: templates print it unchecked."""
    try:
        return fit_text(converter.convert(body))
    except RecursionError:
        message = "the Markdown is nested too deeply to convert"
        raise ContentErrors([ContentError(shown, None, message)]) from None


def warn_unknown_names(
    gazetteer: Gazetteer, meta: dict, lines: dict[str, int], src_path: str
) -> None:
    """Say which names the gazetteer does not know (each gets a page of its own), with the
    nearest it knows."""
    for kind in KINDS:
        for name in meta.get(kind) or ():
            if gazetteer.entity(kind, name) is None:
                nearest = gazetteer.nearest(kind, name)
                log.warning(
                    "%s",
                    ContentError(
                        src_path,
                        lines.get(kind),
                        f"name not in the gazetteer: {name!r:.40}"
                        + (f", nearest: {nearest!r:.40}" if nearest else ""),
                    ),
                )


def _canonical_names(gazetteer: Gazetteer, kind: str, names: list[str] | None) -> tuple[str, ...]:
    result: list[str] = []
    for name in names or ():
        canonical = gazetteer.canonical(kind, name.strip())
        if canonical not in result:
            result.append(canonical)
    return tuple(result)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def utf8_name(path: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python holds those as lone surrogates)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def walk_pages(content_dir: Path, onerror=None) -> Iterator[str]:
    """The page files under content/, folder by folder, in name order: the one discovery walk.

    Folders and files starting with '_' or '.' hold no pages (_data, _backup, .git).
    """
    for dirpath, dirnames, filenames in os.walk(content_dir, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith(("_", ".")):
                yield os.path.join(dirpath, name)


def page_paths(content_dir: Path) -> list[str]:
    """List the pages under content/, sorted by path (see walk_pages).

    A folder that cannot be read is an error naming it: its pages would be left out unseen.
    """
    unreadable: list[OSError] = []
    found = sorted(walk_pages(content_dir, onerror=unreadable.append))
    if unreadable:
        why = "its pages would be left out"
        raise ContentErrors(
            [
                ContentError(
                    display_path(Path(e.filename)),
                    None,
                    f"this folder cannot be read ({e.strerror}): {why}",
                )
                for e in unreadable
            ]
        )
    return found


def load_events(content_dir: Path) -> list[Event]:
    """Read the curator's timeline events from content/_data/events.yaml, if there is one."""
    path = content_dir / EVENTS_PATH
    if not path.exists():
        return []
    src_path = display_path(path)  # as shown in messages
    try:
        data, node = parse_yaml(path.read_text(encoding="utf-8"), src_path, first_line=1)
    except ContentError as error:
        raise ContentErrors([error]) from None
    except UnicodeDecodeError:
        raise ContentErrors([ContentError(src_path, None, "the file is not UTF-8 text")]) from None
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise ContentErrors(
            [ContentError(src_path, 1, "expected a list of events ('- date: …' items)")]
        )
    events, errors = [], []
    for item, item_node in zip(data, node.value, strict=True):
        lines = {"": item_node.start_mark.line + 1}
        if isinstance(item_node, yaml.MappingNode):
            lines.update(key_lines(item_node, 1))
        try:
            events.append(parse_event(item, src_path, lines, None))
        except ContentError as error:
            errors.append(error)
    if errors:
        raise ContentErrors(errors)
    return [dataclasses.replace(e, src_path=EVENTS_PATH.as_posix()) for e in events]


def load_settings(path: Path) -> Settings:
    """Read the dossier's settings file (title, base_url, locale, ...); missing means defaults."""
    if not path.exists():
        return Settings()
    shown = display_path(path)
    try:
        data, lines = parse_front_matter(path.read_text(encoding="utf-8"), shown, first_line=1)
    except ContentError as error:
        raise ContentErrors([error]) from None
    except UnicodeDecodeError:
        message = "the settings file is not UTF-8 text; save it as UTF-8"
        raise ContentErrors([ContentError(shown, None, message)]) from None
    problems = [*_unknown_settings(data), *_setting_problems(data)]
    if problems:
        raise ContentErrors([ContentError(shown, lines.get(k), m) for k, m in problems])
    return Settings(**data)


def _unknown_settings(data: dict) -> Iterator[tuple[str, str]]:
    known = Settings.__dataclass_fields__
    for key in data:
        if key not in known:
            meant = near_miss(key, known)
            hint = f"did you mean {meant!r}?" if meant else f"known: {', '.join(known)}"
            yield key, f"unknown setting {key!r:.40}; {hint}"


def _setting_problems(data: dict) -> Iterator[tuple[str, str]]:
    """(key, message) for each known setting of the wrong type or value."""
    defaults = Settings()
    for key, value in data.items():
        expected = type(getattr(defaults, key)) if key in Settings.__dataclass_fields__ else None
        if expected and (
            not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool)
        ):
            yield key, f"setting {key!r} has the wrong type: {value!r:.40}"
    if type(data.get("per_page")) is int and data["per_page"] < 1:
        yield "per_page", f"'per_page' must be 1 or more, got {data['per_page']}"
    if isinstance(data.get("base_url"), str) and base_url_problem(data["base_url"]):
        yield "base_url", base_url_problem(data["base_url"])
    if isinstance(data.get("locale"), str) and not known_locale(data["locale"]):
        yield "locale", f"unknown locale {data['locale']!r:.40} (try ar_SY or ar_EG)"


def base_url_problem(url: str) -> str | None:
    """What is wrong with a public address for the feed and sitemap, if anything ('' means none)."""
    if not url:
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed address ("http://[::1")
        parts, host = None, None
    if not host or parts.scheme not in ("http", "https") or CONTROLS_AND_SPACES.search(url):
        return (
            f"'base_url' must be an absolute http(s) address such as "
            f"https://example.org/dossier/, got {url!r:.60}"
        )
    if parts.query or parts.fragment:
        return f"'base_url' must not have a query or fragment, got {url!r:.60}"
    return None


def known_locale(name: str) -> bool:
    try:
        babel.Locale.parse(name)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return False
    return True


def load_pages(content_dir: Path) -> tuple[list[Page], list[Event]]:
    """Load every page and the curator's events; raise ContentErrors holding all problems in all
    files."""
    errors: list[ContentError] = []
    gazetteer = Gazetteer(())
    try:
        gazetteer = gazetteer_for(content_dir, display_path(content_dir / GAZETTEER_PATH))
    except ContentError as error:
        errors.append(error)
    converter = MarkdownConverter()
    pages = []
    for page_path in page_paths(content_dir):
        try:
            pages.append(load_page(content_dir, page_path, gazetteer, converter))
        except ContentErrors as group:
            errors.extend(group.errors)
    events = []
    try:
        events = load_events(content_dir)
    except ContentErrors as group:
        errors.extend(group.errors)
    if errors:
        raise ContentErrors(errors)
    return pages, events
