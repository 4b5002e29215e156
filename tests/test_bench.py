"""The benchmark's corpus is deterministic and realistic, and the command prints its whole table."""

from __future__ import annotations

import re

from conftest import run_cli

from dossier.bench import generate
from dossier.builder import Builder, BuildOptions


def corpus(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_synthetic_dossier_is_the_same_every_time_and_builds(tmp_path):
    first, second = generate(tmp_path / "a", 40), generate(tmp_path / "b", 40)
    assert corpus(first) == corpus(second)
    pages = sorted((first / "content").glob("*.md"))
    assert len(pages) == 40
    words = [len(p.read_text(encoding="utf-8").split("---", 2)[2].split()) for p in pages]
    assert min(words) >= 400 and max(words) <= 1100, (min(words), max(words))
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "\n## " in text and "\n> " in text and "places:" in text
    years = {re.search(r"date: '(\d{4})", p.read_text(encoding="utf-8")).group(1) for p in pages}
    assert len(years) >= 3
    result = Builder.for_cli(
        BuildOptions(first / "content", first / "site", search=False), keep_cache=False
    ).build()
    assert not result.errors and result.pages == 40


def test_bench_command_prints_every_measurement(tmp_path):
    result = run_cli(
        "bench", "--articles", "30", "--runs", "1", "--keep", str(tmp_path / "bench"), timeout=600
    )
    assert result.returncode == 0, result.stderr
    for row in (
        "cold build, no search index",
        "cold build",
        "no-op rebuild",
        "one edit, command line",
        "one edit, preview (to disk)",
        "one edit, preview server (HTTP)",
        "cold build phases",
    ):
        assert row in result.stdout, row
    assert re.search(r"no-op rebuild\s+\d+\.\d+s", result.stdout)


def test_bench_refuses_nonsense():
    assert run_cli("bench", "--articles", "0").returncode == 2
