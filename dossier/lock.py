"""One writer at a time per site folder: an exclusive lock on a file beside it, naming its holder.

The lock is an flock(2) on ``.site.lock``: the kernel drops it when its holder exits, however it
exits, so a killed build never leaves a lock that blocks the next one (the file itself stays; what
it says is read only while someone holds it).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Iterator

from .errors import ContentError

log = logging.getLogger(__name__)


def lock_path(site_dir: Path) -> Path:
    """The lock of a site folder lives beside it: site/ -> .site.lock."""
    return site_dir.parent / f".{site_dir.name}.lock"


class SiteLock:
    """Exclusive between processes; shared by the threads of one (preview rebuilds, indexing)."""

    def __init__(self, site_dir: Path, purpose: str):
        self.path = lock_path(Path(site_dir))
        self.purpose = purpose
        self._guard = threading.Lock()
        self._holders = 0
        self._fd: int | None = None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock for the block, waiting for another process's build to finish first."""
        with self._guard:
            if self._holders == 0:
                self._fd = self._acquire()
            self._holders += 1
        try:
            yield
        finally:
            with self._guard:
                self._holders -= 1
                if self._holders == 0 and self._fd is not None:
                    os.close(self._fd)  # closing the file releases the lock
                    self._fd = None

    def _acquire(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            message = f"could not create the build lock: {error.strerror or error}"
            raise ContentError(str(self.path), None, message) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for %s to finish (it holds %s)", holder(fd), self.path.name)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.purpose}\n".encode(), 0)
        return fd


def holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it: 'build (process 1234)'."""
    try:
        pid, purpose = os.pread(fd, 200, 0).decode("ascii").split(maxsplit=1)
        return f"{purpose.strip()} (process {int(pid)})"
    except (OSError, ValueError, UnicodeDecodeError):
        return "another build"
