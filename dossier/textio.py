"""Bytes to text: decode a seed whatever its encoding, and write files atomically."""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

import charset_normalizer

from .errors import ContentError

TMP_PREFIX = ".tmp-"  # a file being written: the preview's watcher and builds skip these
# Control characters that never appear in real text; many of them mean a binary file.
CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.001
NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0c]")
# Control characters left in a text file are invisible noise that HTML forbids and that makes XML
# (the feed) malformed: dropped once the file is known to be text. C1 controls come from
# mis-encoded files; U+FFFE/U+FFFF are not characters at all.
STRAY = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# A lone surrogate is not a character: some decoders (UTF-7, for one) yield them from junk, and no
# page can hold one.
SURROGATE = re.compile("[\ud800-\udfff]")


def decode_text(data: bytes, src_path: str) -> str:
    """Decode bytes as the text they really are, with LF line ends and no control characters; refuse
    empty and binary files.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM are recognised directly; anything else
    goes to charset-normalizer, which tells cp1256 Arabic from other single-byte encodings.
    """
    if not data.strip(b" \t\r\n\x00\xa0") or data in (
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE,
    ):
        raise ContentError(src_path, None, "the file is empty; skipped")
    text = _decode(data)
    if (
        text is None
        or SURROGATE.search(text)
        or len(CONTROL.findall(text)) > max(0, len(text) * MAX_CONTROL_SHARE)
    ):
        raise ContentError(
            src_path, None, "this is not a text file (binary data or an unknown encoding); skipped"
        )
    text = NEWLINES.sub("\n", text)
    if STRAY.search(text):
        text = STRAY.sub("", text)
    if not text.strip():
        raise ContentError(src_path, None, "the file is empty; skipped")
    return text


def _decode(data: bytes) -> str | None:
    """Return the text of the bytes, or None when they are not text in any known encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return _try(data[3:], "utf-8")
    if data.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):  # before UTF-16: FF FE 00 00 starts both
        return _try(data, "utf-32") or _try(data, "utf-16")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _try(data, "utf-16")
    if b"\x00" not in data:
        text = _try(data, "utf-8")
        if text is not None:
            return text
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    return _try(data, best.encoding)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


def atomic_write(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    overwrite: bool = True,
    durable: bool = True,
    named: bool = False,
) -> bool:
    """Write bytes (or chunks of them) so that readers see the old file or the new one, never half.

    The temporary file beside it is always created new (never an existing file, nor a link a
    stray one may be) under a short name: any name that fits, fits it too. With
    ``overwrite=False`` an existing file is left alone and False is returned. ``durable`` puts the
    bytes on disk before the rename, for files only the curator has (pages); a site's outputs
    and caches skip it: a build can make them again. ``named``: see remove_stale_temporaries.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = temporary_prefix(path) if named else TMP_PREFIX
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        os.fchmod(
            fd, FILE_MODE
        )  # mkstemp makes 0600: a page is readable by others, as the umask says
        with os.fdopen(fd, "wb") as handle:
            for chunk in [data] if isinstance(data, bytes) else data:
                handle.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: never clobbers a curator's page
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def temporary_prefix(path: Path) -> str:
    return f"{TMP_PREFIX}{path.name}-"


def remove_stale_temporaries(paths: list[Path]) -> None:
    """Remove the temporary files a killed writer left for these files (written ``named``, each
    temporary is named after its file); call it only where no other writer of them can run (a
    build holds the site's lock)."""
    for path in paths:
        for stale in path.parent.glob(f"{temporary_prefix(path)}*"):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)
