"""The one error type: a problem with an input file, named by path and line."""

from __future__ import annotations

import re

CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


class ContentError(Exception):
    """A problem a curator can fix, reported as ``path:line: message``."""

    def __init__(self, src_path: str, line: int | None, message: str):
        super().__init__(src_path, line, message)
        self.src_path = CONTROLS.sub(
            lambda m: repr(m.group())[1:-1], str(src_path)
        )  # a newline in a file name stays one line
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
