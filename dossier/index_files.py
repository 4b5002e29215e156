"""Pagefind's index made reproducible: the same pages give the same files, names and bytes.

Pagefind writes each filter's values, and the list of filters, in the order of a Rust hash map,
which changes from run to run; the file names are hashes of the contents, so every build renamed
the filter files and the metadata file, and a deploy uploaded them again. Here those lists are
sorted and the files renamed after their new contents. The files are gzip-compressed CBOR after a
"pagefind_dcd" signature; this module reads only the few CBOR types Pagefind writes, and a file it
cannot read back byte for byte is left as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"
FILTER_NAME = re.compile(r"^(?P<language>.+)_[0-9a-f]{7}$")
META_NAME = re.compile(r"^pagefind\.(?P<language>.+)_[0-9a-f]+\.pf_meta$")


class Unreadable(ValueError):
    """A CBOR item this module does not read (or not back to the same bytes)."""


def make_reproducible(index_dir: Path) -> None:
    """Sort what Pagefind left in hash-map order and name the files after their new contents.

    Every file is read and planned before any is written: an index this cannot read stays as it is.
    """
    try:
        entry = json.loads((index_dir / ENTRY_FILE).read_text(encoding="utf-8"))
        plan, renamed = [], {}
        for path in sorted((index_dir / "filter").glob("*.pf_filter")):
            language = _language(FILTER_NAME.match(path.stem))
            data = SIGNATURE + encode(_sorted_filter(read_file(path.read_bytes())))
            renamed[path.stem] = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
            plan.append((path, path.with_name(f"{renamed[path.stem]}.pf_filter"), data))
        metas = {}
        for path in sorted(index_dir.glob("pagefind.*.pf_meta")):
            language = _language(META_NAME.match(path.name))
            data = SIGNATURE + encode(_sorted_meta(read_file(path.read_bytes()), renamed))
            metas[path.name[len("pagefind.") : -len(".pf_meta")]] = new = (
                f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
            )
            plan.append((path, path.with_name(f"pagefind.{new}.pf_meta"), data))
        for language in entry["languages"].values():
            language["hash"] = metas[language["hash"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError):
        return  # as Pagefind wrote it: whole and searchable, only not reproducible
    for old, new, data in plan:
        old.unlink()
        new.write_bytes(gzip.compress(data, mtime=0))
    (index_dir / ENTRY_FILE).write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _language(match: re.Match | None) -> str:
    if match is None:
        raise Unreadable("a file name Pagefind does not write")
    return match["language"]


def read_file(compressed: bytes):
    data = gzip.decompress(compressed)
    if not data.startswith(SIGNATURE):
        raise Unreadable("no signature")
    value, end = decode(data, len(SIGNATURE))
    if end != len(data) or encode(value) != data[len(SIGNATURE) :]:
        raise Unreadable("not read back to the same bytes")
    return value


def _sorted_filter(value: list) -> list:
    """[name, [[value, [page, …]], …]]: the values sorted."""
    name, values = value
    return [name, sorted(values, key=lambda item: item[0])]


def _sorted_meta(value, renamed: dict[str, str]):
    """Every [filter name, filter hash] list renamed and sorted; anything else as it was."""
    if isinstance(value, list):
        if value and all(_is_filter_ref(item, renamed) for item in value):
            return sorted([name, renamed[old]] for name, old in value)
        return [_sorted_meta(item, renamed) for item in value]
    return value


def _is_filter_ref(item, renamed: dict[str, str]) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[0], str)
        and item[1] in renamed
    )


# --- The CBOR Pagefind writes: unsigned and negative integers, byte and text strings, arrays ---


def decode(data: bytes, at: int):
    """Read one item at ``at``; return it and where the next one starts."""
    major, argument, at = _head(data, at)
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        raw = data[at : at + argument]
        if len(raw) != argument:
            raise Unreadable("cut short")
        return (raw if major == 2 else raw.decode("utf-8")), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise Unreadable(f"CBOR major type {major}")


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    first = data[at]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise Unreadable("indefinite length")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def encode(value) -> bytes:
    """Write one item in the shortest form, as Pagefind does."""
    if isinstance(value, bool) or value is None:
        raise Unreadable("simple value")
    if isinstance(value, int):
        return _encode_head(0, value) if value >= 0 else _encode_head(1, -1 - value)
    if isinstance(value, bytes):
        return _encode_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _encode_head(4, len(value)) + b"".join(encode(item) for item in value)
    raise Unreadable(type(value).__name__)


def _encode_head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise Unreadable("integer too large")
