"""Re-detect entities on pages already in the dossier, keeping every decision the curator made.

Each page records what detection gave it under ``detected:``. A name on the page but not in the
record is the curator's and stays; a recorded name the curator took off stays off (it is kept
in the record); a recorded name the gazetteer no longer finds is dropped; a new find is added.
Only the entity lists and the record are rewritten: every other line of the page is kept as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from . import arabic
from .errors import ContentError
from .gazetteer import GAZETTEER_PATH, KINDS, Gazetteer, gazetteer_for
from .load import display_path, page_paths, parse_front_matter, split_front_matter
from .textio import atomic_write
from .yamltext import set_top_level

log = logging.getLogger(__name__)

DETECTED = "detected"


@dataclass(frozen=True)
class PageChange:
    src_path: str
    added: dict[str, list[str]]
    dropped: dict[str, list[str]]

    def describe(self) -> str:
        parts = [
            f"{kind} "
            + " ".join(
                [
                    *(f"+{n}" for n in self.added.get(kind, ())),
                    *(f"-{n}" for n in self.dropped.get(kind, ())),
                ]
            )
            for kind in KINDS
            if self.added.get(kind) or self.dropped.get(kind)
        ]
        return f"{self.src_path}: {'; '.join(parts) or 'detection record written'}"


@dataclass
class RetagReport:
    changes: list[PageChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ContentError] = field(default_factory=list)


def retag_pages(content_dir: Path) -> RetagReport:
    """Re-detect entities on every page of the dossier with its current gazetteer."""
    report = RetagReport()
    gazetteer_path = content_dir / GAZETTEER_PATH
    try:
        gazetteer = gazetteer_for(content_dir, display_path(gazetteer_path))
    except ContentError as error:
        report.errors.append(error)
        return report
    for page_path in page_paths(content_dir):
        try:
            change = retag_page(Path(page_path), gazetteer)
        except ContentError as error:
            report.errors.append(error)
            continue
        except (OSError, UnicodeDecodeError) as error:
            report.errors.append(
                ContentError(display_path(Path(page_path)), None, f"cannot retag: {error}")
            )
            continue
        if change:
            report.changes.append(change)
        else:
            report.unchanged += 1
    return report


def retag_page(page_path: Path, gazetteer: Gazetteer) -> PageChange | None:
    """Re-detect one page's entities and rewrite its lists if they change; say what changed."""
    src_path = display_path(page_path)
    text = page_path.read_text(encoding="utf-8")
    front, body, body_line = split_front_matter(text, src_path)
    meta, _ = parse_front_matter(front, src_path)
    record = meta.get(DETECTED)
    if record is not None and not _is_record(record):
        raise ContentError(src_path, None, f"'{DETECTED}' must map kinds to lists of names")
    found = gazetteer.find("\n".join([str(meta.get("title") or ""), body]))
    values, added, dropped = {}, {}, {}
    for kind in KINDS:
        current = [n for n in meta.get(kind) or [] if isinstance(n, str)]
        recorded = None if record is None else record.get(kind) or []
        names, kept_record = merge_names(
            current, recorded, found[kind], lambda n, kind=kind: _key(gazetteer, kind, n)
        )
        values[kind], added[kind] = names, [n for n in names if n not in current]
        dropped[kind] = [n for n in current if n not in names]
        found[kind] = kept_record
    new_record = {kind: found[kind] for kind in KINDS if found[kind]}
    if not any(added.values()) and not any(dropped.values()) and new_record == record:
        return None
    changed_keys = [k for k in KINDS if added[k] or dropped[k]] + [DETECTED]
    new_front = front
    for key in changed_keys:
        new_front = set_top_level(new_front, key, new_record if key == DETECTED else values[key])
    _check_only_entities_changed(meta, new_front, src_path)
    lines = text.split("\n")
    closing = body_line - 2  # the line that closes the front matter
    atomic_write(page_path, "\n".join([lines[0], new_front, *lines[closing:]]).encode("utf-8"))
    return PageChange(
        src_path, {k: v for k, v in added.items() if v}, {k: v for k, v in dropped.items() if v}
    )


def merge_names(
    current: list[str], recorded: list[str] | None, detected: list[str], key
) -> tuple[list[str], list[str]]:
    """Return the page's new list and the new record, from its list, its record and a new detection.

    Without a record every listed name counts as the curator's: nothing is dropped.
    """
    current_keys, detected_keys = {key(n) for n in current}, {key(n) for n in detected}
    recorded_keys = {key(n) for n in recorded or ()}
    kept = [n for n in current if key(n) not in recorded_keys or key(n) in detected_keys]
    new = [n for n in detected if key(n) not in recorded_keys and key(n) not in current_keys]
    taken_off = [
        n for n in recorded or () if key(n) not in current_keys and key(n) not in detected_keys
    ]
    return kept + new, detected + taken_off


def _check_only_entities_changed(before: dict, new_front: str, src_path: str) -> None:
    after, _ = parse_front_matter(new_front, src_path)
    untouched = set(before) | set(after)
    untouched -= {*KINDS, DETECTED}
    if any(before.get(k) != after.get(k) for k in untouched):
        raise ContentError(
            src_path,
            None,
            "cannot rewrite the entity lists without touching other keys; "
            "left unchanged (write them as block lists)",
        )


def _is_record(record: object) -> bool:
    return isinstance(record, dict) and all(
        k in KINDS and isinstance(v, list) and all(isinstance(n, str) for n in v)
        for k, v in record.items()
    )


def _key(gazetteer: Gazetteer, kind: str, name: str) -> str:
    return arabic.normalize(gazetteer.canonical(kind, name))
