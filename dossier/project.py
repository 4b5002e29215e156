"""What a build may read: files inside the project folder, never through a link that leaves it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from .errors import ContentError, ContentErrors


def check_links(project_dir: Path, roots: list[Path]) -> None:
    """Raise ContentErrors naming each symbolic link under these roots (or a root itself) that leads
    out of the project: a link to /etc/passwd in layouts/static/ would publish it."""
    inside = os.path.realpath(project_dir)
    errors = []
    for link in (found for root in roots for found in links_under(root)):
        target = os.path.realpath(link)
        if os.path.commonpath([inside, target]) != inside:
            errors.append(
                ContentError(
                    _shown(link),
                    None,
                    f"a link out of the project (to {target}); a build "
                    f"reads only files inside it: copy the file in",
                )
            )
    if errors:
        raise ContentErrors(errors)


def links_under(root: Path) -> Iterator[str]:
    """The root if it is a link, else every link below it (links to folders are not entered)."""
    if os.path.islink(root):
        yield str(root)
        return
    try:
        entries = list(os.scandir(root))
    except OSError:  # missing, not a folder, or unreadable (the loader names that one)
        return
    for entry in entries:
        if entry.is_symlink():
            yield entry.path
        elif entry.is_dir(follow_symlinks=False):
            yield from links_under(Path(entry.path))


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
