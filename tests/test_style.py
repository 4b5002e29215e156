"""The style gates of issue 17: ruff (lint and format) clean, and no function over 40 lines.

They run with the rest of the suite, so the README's test command and CI enforce them."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 40
# The code that ships or runs the project; tests may hold longer scenario functions.
SOURCE_GLOBS = ("dossier/**/*.py", "benchmarks/**/*.py", "build.py")


def ruff(*args: str) -> subprocess.CompletedProcess:
    """Run the ruff of the test extra (pyproject's [project.optional-dependencies] test)."""
    if importlib.util.find_spec("ruff") is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(name, first line, length) of each function over ``limit`` lines, docstring included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return found


def test_ruff_finds_nothing():
    result = ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_as_ruff_formats_it():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_is_longer_than_forty_lines():
    too_long = [
        f"{path.relative_to(ROOT)}:{line}: {name} has {length} lines"
        for pattern in SOURCE_GLOBS
        for path in sorted(ROOT.glob(pattern))
        for name, line, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not too_long, "\n".join(too_long)


def test_long_functions_counts_every_line_of_a_function_and_nothing_else():
    body = "\n".join(f"    x{i} = {i}" for i in range(40))
    source = f"def short():\n{body[: body.rindex(chr(10))]}\n\n\ndef long():\n{body}\n"
    assert long_functions(source) == [("long", 43, 41)]
