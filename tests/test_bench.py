"""The benchmark's corpus is deterministic and realistic, and the command prints its whole table."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli

from benchmarks.bench import generate
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


@pytest.mark.slow
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


def test_bench_without_a_checkout_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    """An installed package has no benchmarks/ (the wheel ships dossier/ only)."""
    from dossier import cli

    monkeypatch.setattr(cli, "CHECKOUT", tmp_path)
    monkeypatch.setattr(cli, "BENCHMARKS", tmp_path / "benchmarks")
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)  # leave pytest's handlers

    assert cli.main(["bench", "--articles", "5"], root=tmp_path) == 2

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "needs a checkout" in lines[0], lines


def test_the_wheel_ships_no_benchmark():
    import tomllib

    from conftest import ROOT

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = settings["tool"]["setuptools"]["packages"]
    assert not any(name.split(".")[0] == "benchmarks" for name in packages), packages
    assert (ROOT / "benchmarks" / "bench.py").is_file() and not (
        ROOT / "dossier" / "bench.py"
    ).exists()
