"""The site before the last build, kept beside site/ as the next build's staging folder.

After a swap the old site is kept, one build behind, with a record of what it lacks: the output
paths the last build changed or removed. The next build brings it up to date by those alone instead
of linking the whole site again. The record is trusted only while nothing else has changed either
folder: both are the folders it names, and every folder in them has the modification and change
times it recorded (adding, removing, renaming or replacing a file changes its folder's; so do
chmod and chattr). It is removed before the kept tree is touched, so a build stopped anywhere
leaves no record, and the next build links the whole site afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
import stat
from pathlib import Path
from typing import Iterable

from .textio import atomic_write

RECORD_FORMAT = 1
ROOT = "."
Stamps = dict[str, list]  # a folder's output path (ROOT for the site's) -> its times


def record_path(live: Path) -> Path:
    """The record of a site folder's kept tree lives beside it: site/ -> .site.staging.json."""
    return live.parent / f".{live.name}.staging.json"


def folder_stamps(root: Path, folders: Iterable[str]) -> Stamps:
    """The modification and change times of each of these folders under root (None: not a folder).

    The root's change time is left out: a swap renames the root, which changes it."""
    base, found = str(root), {}
    for folder in folders:
        try:
            status = os.lstat(base if folder == ROOT else f"{base}/{folder}")
        except OSError:  # not there, or a file where a folder was
            found[folder] = None
            continue
        changed = 0 if folder == ROOT else status.st_ctime_ns
        found[folder] = [status.st_mtime_ns, changed] if stat.S_ISDIR(status.st_mode) else None
    return found


def folders_of(output_paths: Iterable[str]) -> set[str]:
    """The folders holding these output paths, and the folders above them."""
    found = set()
    for output_path in output_paths:
        folder = posixpath.dirname(output_path)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found


def read_record(live: Path, kept: Path) -> dict | None:
    """The kept tree's record, when both folders are still exactly as it says; else None."""
    try:
        record = json.loads(record_path(live).read_bytes())
    except (OSError, ValueError):
        return None
    if not _well_formed(record, live):
        return None
    if _folder_id(live) != record["live_id"] or _folder_id(kept) != record["kept_id"]:
        return None
    for root, stamps in ((live, record["live_dirs"]), (kept, record["kept_dirs"])):
        if folder_stamps(root, stamps) != stamps:
            return None
    return record


def write_record(live: Path, kept: Path, lacks: list[str], files: set[str], kept_dirs: Stamps):
    """Record that kept holds site/'s files but for lacks, and the times of both trees' folders."""
    live_folders = folders_of([*files, *lacks]) | {ROOT}  # and those lacks' removal emptied
    record = {
        "format": RECORD_FORMAT,
        "live": os.path.abspath(live),
        "live_id": _folder_id(live),
        "kept_id": _folder_id(kept),
        "lacks": lacks,
        "files": sorted(files),
        "live_dirs": folder_stamps(live, sorted(live_folders)),
        "kept_dirs": kept_dirs,
    }
    atomic_write(record_path(live), json.dumps(record).encode(), durable=False, named=True)


def forget(live: Path) -> bool:
    """Remove the record: site/ or its kept tree is about to change. Whether none is left."""
    try:
        record_path(live).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def bring_up_to_date(live: Path, kept: Path, lacks: list[str]) -> bool:
    """Make the kept tree hold, at each of these output paths, what site/ holds (a hard link to
    the same file, or nothing); False if that could not be done."""
    try:
        for output_path in sorted(lacks):  # a folder's old file goes before the files in it
            _bring_one(live, kept, output_path)
    except OSError:
        return False
    return True


def _bring_one(live: Path, kept: Path, output_path: str) -> None:
    source, target = f"{live}/{output_path}", f"{kept}/{output_path}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)  # never written into: it may be shared with an older site
    try:
        is_file = stat.S_ISREG(os.lstat(source).st_mode)
    except FileNotFoundError:
        is_file = False
    if not is_file:
        remove_empty_parents(kept, output_path)
        return
    try:
        link_or_copy(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        link_or_copy(source, target)


def link_or_copy(source: str, target: str) -> None:
    """Hard-link source at target; copy it where a link cannot be made."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def remove_empty_parents(root: Path, output_path: str) -> None:
    """Remove the folders above this output path that are left empty, up to root."""
    folder = (root / output_path).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def changed_files(old: Path, live: Path, folder: str) -> set[str]:
    """The output paths under this folder that are another file in the two sites (by inode), or
    are in one only."""
    before, after = _inodes(old, folder), _inodes(live, folder)
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _inodes(root: Path, folder: str) -> dict[str, int]:
    """The inode of each file under a folder, by output path (read from the folder listings)."""
    found, pending = {}, [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(f"{root}/{current}"))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            output_path = f"{current}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append(output_path)
            else:
                found[output_path] = entry.inode()
    return found


def _folder_id(path: Path) -> list | None:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return [status.st_dev, status.st_ino] if stat.S_ISDIR(status.st_mode) else None


def _well_formed(record, live: Path) -> bool:
    """Whether a record read back has every field, of its type, for this site folder."""
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return False
    paths = [record.get("lacks"), record.get("files")]
    folders = [record.get("live_dirs"), record.get("kept_dirs")]
    return (
        record.get("live") == os.path.abspath(live)
        and all(isinstance(p, list) and all(map(_is_output_path, p)) for p in paths)
        and all(isinstance(f, dict) and all(map(_is_folder, f)) for f in folders)
    )


def _is_output_path(path) -> bool:
    """A relative path that stays inside its tree."""
    return (
        isinstance(path, str)
        and path not in ("", ROOT)
        and "\x00" not in path
        and not path.startswith("/")
        and posixpath.normpath(path) == path
        and ".." not in path.split("/")
    )


def _is_folder(folder) -> bool:
    return folder == ROOT or _is_output_path(folder)
