"""The command line as a package: `pip install .` gives a `dossier` command building the same bytes
as `python build.py`, and `dossier init` starts a dossier that builds with the packaged layouts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel of this checkout installed into a folder of its own; returns its `dossier` command.

    Built without isolation and installed without dependencies (the test run's own are used), so
    that what runs is the wheel's code and packaged layouts, never the checkout's.
    """
    where = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(where / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = (where / "dist").glob("dossier-*.whl")
    target = where / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert not (target / "build.py").exists() and not list(
        target.glob("build-*")
    )  # no module named build
    assert (target / "dossier" / "layouts" / "base.html").is_file()
    assert (target / "dossier" / "layouts" / "static" / "fonts" / "OFL.txt").is_file()
    return target


def dossier(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        [str(installed / "bin" / "dossier"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_installed_command_builds_this_project_to_the_same_bytes(installed, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "node_modules",
            "site",
            ".site*",
            "test-artifacts",
            "__pycache__",
            "*.egg-info",
        ),
    )
    made = dossier(installed, "build", "--out", str(tmp_path / "by-dossier"), cwd=project)
    assert made.returncode == 0, made.stderr
    reference = run_cli(
        "build",
        "--content",
        str(project / "content"),
        "--out",
        str(tmp_path / "by-build-py"),
        cwd=project,
    )
    assert reference.returncode == 0, reference.stderr
    assert tree(tmp_path / "by-dossier") == tree(tmp_path / "by-build-py")


def test_init_starts_a_dossier_that_ingests_and_builds_with_the_packaged_layouts(
    installed, tmp_path
):
    started = dossier(installed, "init", "fresh", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    fresh = tmp_path / "fresh"
    assert sorted(p.name for p in fresh.iterdir()) == [
        ".gitignore",
        "content",
        "dossier.yaml",
        "layouts",
        "seeds",
    ]
    assert list((fresh / "layouts").iterdir()) == []  # nothing copied: the packaged layouts serve
    shutil.copy(SEED, fresh / "seeds")
    assert dossier(installed, "ingest", cwd=fresh).returncode == 0
    built = dossier(installed, "build", "--no-search", cwd=fresh)
    assert built.returncode == 0, built.stderr
    home = (fresh / "site" / "index.html").read_text(encoding="utf-8")
    assert 'lang="ar" dir="rtl"' in home and "ملف جديد" in home
    assert (fresh / "site" / "static" / "fonts" / "OFL.txt").is_file()
    assert len(list((fresh / "site" / "articles").iterdir())) == 2


def test_init_refuses_a_folder_that_holds_something(installed, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("x", encoding="utf-8")
    refused = dossier(installed, "init", "taken", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "taken: not an empty folder; a new dossier needs one"
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
