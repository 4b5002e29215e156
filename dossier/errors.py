"""The one error type: a problem with an input file, named by path and line."""
from __future__ import annotations


class ContentError(Exception):
    """A problem a curator can fix, reported as ``path:line: message``."""

    def __init__(self, src_path: str, line: int | None, message: str):
        super().__init__(src_path, line, message)
        self.src_path = str(src_path)
        self.line = line
        self.message = " ".join(str(message).split())  # always one line

    def __str__(self) -> str:
        if self.line:
            return f"{self.src_path}:{self.line}: {self.message}"
        return f"{self.src_path}: {self.message}"


class ContentErrors(Exception):
    """Every problem found in one run, reported together."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors
