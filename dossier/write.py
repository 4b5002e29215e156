"""Outputs -> site/: the command line's writer assembles the new site beside the old one and
swaps it in at once; the preview's replaces files one by one, each atomically."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import posixpath
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator
from xml.parsers import expat

from . import kept_site
from .errors import ContentError
from .pages import RESERVED_NAMES, Output
from .textio import TMP_PREFIX, atomic_write

if TYPE_CHECKING:
    from .render import Rendered

log = logging.getLogger(__name__)
Extra = Callable[[Path, list[str]], list[str]]  # adds files to the next site (the search index)
RENAME_EXCHANGE = 2
AT_FDCWD = -100
SITE_MARKER = ".dossier-site"  # in every site folder this tool wrote: no other is ever replaced


def check_output_path(output_path: str) -> None:
    """Refuse any output path that could land outside site/ or is not a portable file name."""
    parts = output_path.split("/")
    if (
        not output_path
        or "\x00" in output_path
        or "\\" in output_path
        or output_path.startswith("/")
        or posixpath.normpath(output_path) != output_path
        or any(p in ("", ".", "..") or p.split(".")[0].lower() in RESERVED_NAMES for p in parts)
    ):
        raise ContentError(
            output_path,
            None,
            "refusing to write an output outside the site folder or with an unsafe name",
        )


def check_xml(output_path: str, data: bytes) -> None:
    """Refuse an XML output a feed reader could not parse: the site is not replaced."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        why = f"{expat.ErrorString(error.code)}, column {error.offset + 1}"
        message = f"this output is not well-formed XML ({why}); check its template"
        raise ContentError(output_path, error.lineno, message) from None


def staging_dir(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.staging"


def live_dir(site_dir: Path) -> Path:
    """The folder the site is published in: site/, or the one it links to (say, a web root)."""
    return Path(os.path.realpath(site_dir)) if site_dir.is_symlink() else site_dir


def can_swap(live: Path) -> bool:
    """Whether a new folder can be renamed in place of this one; if not, it is updated file by file.

    Not for a mount point (a Docker volume: renaming it is EBUSY), nor in a folder we may not
    write, nor in a sticky folder (/tmp) where it is someone else's.
    """
    if os.path.ismount(live) or not os.access(live.parent, os.W_OK | os.X_OK):
        return False
    if not live.exists() or os.geteuid() == 0:
        return True
    parent = live.parent.stat()
    return not parent.st_mode & stat.S_ISVTX or os.geteuid() in (parent.st_uid, live.stat().st_uid)


def check_writable(site_dir: Path, live: Path, every_folder: bool = True) -> None:
    """Refuse, before anything is written, a site folder with any folder in it we may not change.

    Without every_folder, site/ itself only: the kept tree's record vouches that no folder in it
    changed (its permissions included) since this tool wrote them."""
    folders = [live] if live.exists() else [live.parent]
    for dirpath, dirnames, _ in os.walk(live) if every_folder else ():
        folders.extend(Path(dirpath, name) for name in dirnames)
    for folder in folders:
        if not os.access(folder, os.W_OK | os.X_OK):
            shown = site_dir / folder.relative_to(live) if folder != live.parent else folder
            status = folder.stat()
            why = f"owner uid {status.st_uid}, {stat.filemode(status.st_mode)}, or a read-only disk"
            raise ContentError(
                str(shown),
                None,
                f"cannot write in this folder ({why}): fix its "
                f"permissions or build with another --out",
            )


class StagingWriter:
    """The command line's writer: the next site is assembled in a staging folder, then swapped in.

    The render workers put each output there as they render it (``put``), so the site is never
    held in memory; the outputs rendered in this process follow, then the search index. Any
    problem discards the staging folder: site/ stays as it was.
    """

    # The page cache records the site/ it leaves: a build with no edit is a no-op.
    keeps_record = True

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self._staging: Staging | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[StagingWriter]:
        check_site_folder(self.site_dir)
        self._staging = Staging(self.site_dir)
        try:
            yield self
        except BaseException:
            self._staging.discard()
            raise
        finally:
            self._staging = None

    @property
    def put(self) -> Callable[[str, bytes], bool]:
        return self._staging.put

    @property
    def present(self) -> set[str]:
        """The output paths site/ holds now (the staging folder starts as links to them)."""
        return self._staging.existing

    def write(self, rendered: Rendered, index: Extra) -> list[str]:
        """Put the outputs the workers did not, prune, add the index, swap in; return what
        changed."""
        staging, outputs = self._staging, rendered.outputs
        changed = rendered.written + [
            o.output_path
            for o in outputs
            if o.data is not None and staging.put(o.output_path, o.data)
        ]
        return staging.finish({o.output_path for o in outputs}, changed, extra=index)


class InPlaceWriter:
    """The preview's writer: site/ updated file by file, each file replaced atomically.

    A rebuild takes milliseconds: the outputs are compared with what the last build wrote, kept in
    memory. The first build, into no site/, assembles it whole (write_outputs).
    """

    keeps_record = False
    put = None  # rendering returns the outputs: they are compared before anything is written
    present = None

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.written: dict[str, bytes] = {}  # what the last build wrote, in site/ as it was then:
        self.written_site: tuple | None = None  # (site_identity)

    @contextlib.contextmanager
    def session(self) -> Iterator[InPlaceWriter]:
        check_site_folder(self.site_dir)
        forget_kept_site(self.site_dir)  # site/ is about to change under the command line's record
        yield self

    def write(self, rendered: Rendered, index: Extra) -> list[str]:
        outputs = rendered.outputs
        if not self.site_dir.is_dir():
            changed = write_outputs(outputs, self.site_dir, extra=index, previous=self.written)
        else:
            if site_identity(self.site_dir) != self.written_site:
                self.written = {}  # another build swapped in site/: compare with the disk
            changed = write_in_place(outputs, self.site_dir, self.written)
        self.written = {o.output_path: o.data for o in outputs}
        self.written_site = site_identity(self.site_dir)
        return changed


def check_site_folder(site_dir: Path) -> None:
    """Never replace a folder this tool did not build (say, --out pointing at content/)."""
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / SITE_MARKER).exists():
        raise ContentError(
            str(site_dir),
            None,
            f"refusing to replace this folder: it is not empty and was not built by build.py "
            f"(no {SITE_MARKER} file); choose another --out or empty it",
        )


def forget_kept_site(site_dir: Path) -> bool:
    """Remove the record of the site kept beside site/ (none beside a web root site/ links to);
    return whether none is left."""
    return site_dir.is_symlink() or kept_site.forget(site_dir)


def site_stamp(site_dir: Path) -> tuple | None:
    """The identity and last change of the site folder and its marker: a swap or an update in
    place changes it."""
    try:
        status = (site_dir / SITE_MARKER).stat()
        folder = site_dir.stat()
    except OSError:
        return None
    return (folder.st_ino, folder.st_mtime_ns, status.st_ino, status.st_mtime_ns)


def site_identity(site_dir: Path) -> tuple | None:
    """Which site/ folder this is: a swap changes it, an update in place does not."""
    stamp = site_stamp(site_dir)
    return stamp and (stamp[0], stamp[2])


def write_outputs(
    outputs: list[Output], site_dir: Path, *, extra=None, previous: dict[str, bytes] | None = None
) -> list[str]:
    """Make site/ hold exactly these outputs; return the output paths whose bytes changed (see
    Staging)."""
    for output in outputs:
        check_output_path(output.output_path)  # before anything is written, even beside the site
    staging = Staging(site_dir)
    previous = previous or {}
    try:
        changed = [
            o.output_path
            for o in outputs
            if staging.put(o.output_path, o.data, previous.get(o.output_path))
        ]
        return staging.finish({o.output_path for o in outputs}, changed, extra)
    except BaseException:
        staging.discard()
        raise


class Staging:
    """The next site, assembled beside the live one and swapped in whole.

    It starts as hard links to the live site's files; each output replaces its link only when
    its bytes differ. Then one atomic rename exchanges it with site/: a reader, or a build killed
    at any moment, sees the old complete site or the new one, never a mix. Outputs may be put
    from several processes at once (each its own files).
    """

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.live = live_dir(site_dir)
        self.swap = can_swap(self.live)
        self.path = staging_dir(self.live if self.swap else site_dir)
        # The old site is kept beside site/ for the next build, never beside a web root site/
        # links to: the folder holding that may be published.
        self.keeps = self.swap and self.live == site_dir
        record = kept_site.read_record(self.live, self.path) if self.keeps else None
        check_writable(site_dir, self.live, every_folder=record is None)
        if not forget_kept_site(site_dir):
            record = None  # a record that cannot be removed is never acted on
        if record and kept_site.bring_up_to_date(self.live, self.path, record["lacks"]):
            self.existing, self.source_dirs = set(record["files"]), record["live_dirs"]
            self.clean = True
        else:
            self._remove_leftover()
            self.existing, self.source_dirs, self.clean = _link_tree(self.live, self.path)
        self._made_dirs: set[str] = set()

    def _remove_leftover(self) -> None:
        if self.path.exists() or self.path.is_symlink():
            try:
                _remove(self.path)  # left by a build that was killed, or a kept tree not trusted
            except OSError as error:
                why = error.strerror or error
                message = f"left by an earlier build and cannot be removed ({why}): remove it"
                raise ContentError(str(self.path), None, message) from None

    def put(self, output_path: str, data: bytes, previous: bytes | None = None) -> bool:
        """Put one output in the next site; return whether its bytes differ from the live site's."""
        check_output_path(output_path)
        target = self.path / output_path
        try:
            if output_path in self.existing:
                if previous is data or _same_bytes(target, data):
                    return False
                _replace_file(
                    target, data
                )  # the old file is shared with the live site: never write into it
            else:
                _write_new_file(str(target), data, self._made_dirs)
        except OSError as error:
            raise ContentError(
                output_path, None, f"could not be written: {error.strerror or error}"
            ) from None
        return True

    def finish(self, wanted: set[str], changed: list[str], extra=None) -> list[str]:
        """Remove what is no longer produced, let ``extra(staging, changed)`` add files (the
        search index), swap in."""
        for output_path in sorted(p for p in wanted if p.endswith(".xml")):
            check_xml(output_path, (self.path / output_path).read_bytes())
        removed = [p for p in self.existing - wanted if not _is_extra(p)]
        for output_path in removed:
            (self.path / output_path).unlink()
            kept_site.remove_empty_parents(self.path, output_path)
        if extra is not None:
            changed = changed + extra(self.path, changed + removed)
        if not changed and not removed and self.live.is_dir():
            self._keep_unchanged()
            return []
        try:
            if self.swap:
                os.utime(self.path)  # site/'s stamp changes with each swap, kept tree or not
                self._keep(swap_in(self.path, self.live), sorted(set(changed + removed)))
            else:
                update_in_place(self.path, self.live)
                self.discard()
        except OSError as error:
            message = f"could not be updated: {error.strerror or error}"
            raise ContentError(str(self.site_dir), None, message) from None
        return sorted(changed + removed)

    def _keep(self, old: Path | None, lacks: list[str]) -> None:
        """Keep the old site as the next build's staging folder, with the record of what it lacks,
        if it is still what this build started from; else remove it."""
        if old is None:
            return
        try:
            if self.keeps and self.clean and self._unchanged(old):
                if old != self.path:
                    os.rename(old, self.path)
                lacks = sorted(set(lacks) | self._index_changes(old))
                files = self.existing | set(lacks)
                files -= {p for p in lacks if not os.path.isfile(self.live / p)}
                kept_site.write_record(self.live, self.path, lacks, files, self.source_dirs)
                return
            _remove(old)
        except OSError as error:  # the new site is in place; the next build says what is in the way
            log.warning("%s: the old site could not be kept: %s", old, error.strerror or error)

    def _keep_unchanged(self) -> None:
        """Nothing changed: the staging folder holds what site/ holds, so it is the kept tree."""
        try:
            if self.keeps and self.clean and self._unchanged(self.live):
                folders = kept_site.folder_stamps(self.path, self.source_dirs)
                kept_site.write_record(self.live, self.path, [], self.existing, folders)
                return
        except OSError as error:
            log.warning("%s: could not be kept: %s", self.path, error.strerror or error)
        self.discard()

    def _index_changes(self, old: Path) -> set[str]:
        """The search index's files that differ from the old site's, found by their inodes: the
        indexer need not list every file it changed (its records, say)."""
        found = set()
        for folder in EXTRA_DIRS:
            found |= kept_site.changed_files(old, self.live, folder.rstrip("/"))
        return found

    def _unchanged(self, source: Path) -> bool:
        """Whether nobody changed the site this build started from (now at source)."""
        return kept_site.folder_stamps(source, self.source_dirs) == self.source_dirs

    def discard(self) -> None:
        if self.path.exists() or self.path.is_symlink():
            _remove(self.path)


def write_in_place(outputs: list[Output], site_dir: Path, previous: dict[str, bytes]) -> list[str]:
    """Update site/ file by file: each file is replaced atomically, so no reader sees half of one.

    For the preview, where a rebuild must take milliseconds: unlike write_outputs, a crash
    between two files can leave some pages old and some new until the next build.
    ``previous`` is what the last build wrote there (empty: compare with the files on disk).
    """
    wanted = {}
    for output in outputs:
        check_output_path(output.output_path)
        is_new = previous.get(output.output_path) is not output.data
        if output.output_path.endswith(".xml") and is_new:
            check_xml(output.output_path, output.data)
        wanted[output.output_path] = output.data
    existing = set(previous) if previous else _files(site_dir)
    changed = []
    for output_path, data in wanted.items():
        if previous.get(output_path) is data:
            continue  # the very bytes written last time (the render memo reused the output)
        target = site_dir / output_path
        if output_path in existing and _same_bytes(target, data):
            continue
        try:
            _replace_file(target, data)
        except OSError as error:
            raise ContentError(
                output_path, None, f"could not be written: {error.strerror or error}"
            ) from None
        changed.append(output_path)
    removed = [p for p in existing - wanted.keys() if not _is_extra(p)]
    for output_path in removed:
        (site_dir / output_path).unlink(missing_ok=True)
        kept_site.remove_empty_parents(site_dir, output_path)
    return sorted(changed + removed)


def _files(site_dir: Path) -> set[str]:
    """The output files in site/. Hidden folders are skipped: the preview's indexer creates and
    deletes .pagefind-new/.pagefind-old beside a rebuild, and a walk into one that vanished failed
    the rebuild (FileNotFoundError)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.add(path.relative_to(site_dir).as_posix())
    return found


EXTRA_DIRS = ("pagefind/",)


def _is_extra(output_path: str) -> bool:
    return output_path.startswith(EXTRA_DIRS)


def update_in_place(staging: Path, live: Path) -> None:
    """Make live hold exactly the staging folder's files, each replaced atomically, for a site/ that
    cannot be swapped. The marker goes first: a build cut short here has changed the site's stamp,
    so the next build is never taken for a no-op and finishes the job."""
    wanted = _files(staging)
    for output_path in sorted(wanted, key=lambda p: p != SITE_MARKER):
        source, target = staging / output_path, live / output_path
        if output_path != SITE_MARKER and target.exists() and os.path.samefile(source, target):
            continue  # linked from the live site: unchanged
        data = source.read_bytes()
        if output_path == SITE_MARKER or not _same_bytes(target, data):
            _replace_file(target, data)
    for output_path in _files(live) - wanted:
        (live / output_path).unlink()
        kept_site.remove_empty_parents(live, output_path)


def swap_in(staging: Path, site_dir: Path) -> Path | None:
    """Put the staging folder in place of site/ atomically; return where the old site is now."""
    if not site_dir.exists():
        os.rename(staging, site_dir)
        return None
    if _exchange(staging, site_dir):
        return staging
    # No atomic exchange on this system: two renames, with a moment between them.
    old = site_dir.parent / f".{site_dir.name}.old"
    if old.exists():
        _remove(old)
    os.rename(site_dir, old)
    os.rename(staging, site_dir)
    return old


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def _link_tree(source: Path, target: Path) -> tuple[set[str], kept_site.Stamps, bool]:
    """Mirror source into target with hard links (copies where links fail).

    Return the files' output paths, the times of source's folders (each taken before the folder
    is read: a change after it is seen) and whether everything in source was carried over.
    """
    found, stamps, whole = set(), {}, True
    os.makedirs(target, exist_ok=True)
    pending = [kept_site.ROOT]
    while pending:
        folder = pending.pop()
        stamps.update(kept_site.folder_stamps(source, [folder]))
        files, folders, skipped = _folder_entries(source, folder)
        pending += folders
        whole = whole and not skipped and bool(files or folders)  # empty folders are not made
        if files:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
        for output_path in files:
            kept_site.link_or_copy(
                os.path.join(source, output_path), os.path.join(target, output_path)
            )
        found.update(files)
    return found, stamps, whole or not source.is_dir()


def _folder_entries(source: Path, folder: str) -> tuple[list[str], list[str], bool]:
    """A folder's files and folders as output paths, and whether any entry was left out.

    A build makes no hidden folders: those are someone's work in progress (the preview's next
    search index), never carried over; nor links planted in site/, nor a stopped writer's
    temporary files."""
    files, folders, skipped = [], [], False
    prefix = "" if folder == kept_site.ROOT else f"{folder}/"
    if not source.is_dir():
        return files, folders, skipped
    with os.scandir(os.path.join(source, folder)) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                folders.append(prefix + entry.name)
            elif entry.is_file(follow_symlinks=False) and not entry.name.startswith(TMP_PREFIX):
                files.append(prefix + entry.name)
            else:
                skipped = True
    return files, folders, skipped


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _replace_file(path: Path, data: bytes) -> None:
    """Write a new file in place of a (possibly hard-linked) old one without touching the old
    inode."""
    atomic_write(path, data, durable=False)


def _write_new_file(path: str, data: bytes, made_dirs: set[str]) -> None:
    """Write a file that is new in the staging folder; no reader sees the staging folder, so no
    temporary is needed."""
    folder = os.path.dirname(path)
    if folder not in made_dirs:
        os.makedirs(folder, exist_ok=True)
        made_dirs.add(folder)
    with open(path, "wb") as handle:  # new in staging: no live file shares it
        handle.write(data)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
