"""`build.py ingest --retag`: new gazetteer entries reach pages already ingested; curation stays."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from dossier.load import parse_front_matter, split_front_matter
from dossier.retag import merge_names
from dossier.yamltext import set_top_level

SEED = """\
اجتماع في حلب لبحث الطريق إلى منبج

قال المحافظ سامر يوسف إن الطريق بين حلب ومنبج سيفتح الأسبوع المقبل.
وأضاف الناطق هادي نور أن الجسر أصلح بعد أشهر من العمل.
"""
GAZETTEER = """\
reference: false
places:
  - name: حلب
people:
  - name: سامر يوسف
  - name: هادي نور
"""


def run(root: Path, *args: str):
    result = run_cli(
        "ingest", "--seeds", "seeds", "--content", "content", *args, cwd=root, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return parse_front_matter(split_front_matter(text, path.name)[0], path.name)[0]


@pytest.fixture
def ingested(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "seed.txt").write_text(SEED, encoding="utf-8")
    (tmp_path / "content" / "_data").mkdir(parents=True)
    (tmp_path / "content" / "_data" / "entities.yaml").write_text(GAZETTEER, encoding="utf-8")
    assert run(tmp_path).returncode == 0
    [page] = (tmp_path / "content").glob("*.md")
    meta = front(page)
    assert meta["places"] == ["حلب"] and meta["people"] == ["سامر يوسف", "هادي نور"]
    assert meta["detected"] == {"places": ["حلب"], "people": ["سامر يوسف", "هادي نور"]}
    return page


def curate(page: Path) -> str:
    """What a curator does: a new title and status, a place added and a person taken off by hand, a
    body edit."""
    text = page.read_text(encoding="utf-8")
    text = text.replace("title: اجتماع في حلب لبحث الطريق إلى منبج", "title: 'عنوان المحرر: جديد'")
    text = text.replace("status: new", "status: reviewed  # checked")
    text = text.replace("places:\n- حلب\n", "places:\n- حلب\n- قرية يدوية\n")
    text = text.replace("people:\n- سامر يوسف\n- هادي نور\n", "people:\n- سامر يوسف\n")
    text += "\nفقرة أضافها المحرر.\n"
    page.write_text(text, encoding="utf-8")
    return text


def test_retag_adds_new_finds_drops_withdrawn_ones_and_keeps_curation(ingested):
    root = ingested.parent.parent
    curated = curate(ingested)
    (root / "content" / "_data" / "entities.yaml").write_text(
        GAZETTEER.replace("  - name: حلب\n", "  - name: حلب\n    disabled: true\n  - name: منبج\n"),
        encoding="utf-8",
    )
    result = run(root, "--retag")
    assert result.returncode == 0, result.stderr
    assert f"{ingested.relative_to(root)}: places +منبج -حلب" in result.stdout
    meta = front(ingested)
    assert meta["places"] == ["قرية يدوية", "منبج"]  # the curator's place stays, Aleppo is dropped
    assert meta["people"] == ["سامر يوسف"]  # still detected, but the curator took هادي نور off
    assert meta["detected"]["people"] == [
        "سامر يوسف",
        "هادي نور",
    ]  # kept in the record, so it stays off
    assert meta["title"] == "عنوان المحرر: جديد" and meta["status"] == "reviewed"
    after = ingested.read_text(encoding="utf-8")
    untouched = [
        line
        for line in curated.split("\n")
        if not line.startswith(("- ", "places", "detected", "  "))
    ]
    assert [
        line for line in after.split("\n") if line in untouched
    ] == untouched  # every other line as it was
    assert after.endswith("\nفقرة أضافها المحرر.\n") and "status: reviewed  # checked" in after
    again = run(root, "--retag")
    assert again.stdout == "" and "0 page(s) changed" in again.stderr
    assert ingested.read_text(encoding="utf-8") == after


def test_a_page_without_a_record_only_gains_names(tmp_path):
    content = tmp_path / "content"
    (content / "_data").mkdir(parents=True)
    (content / "_data" / "entities.yaml").write_text(GAZETTEER, encoding="utf-8")
    page = content / "old.md"
    page.write_text(
        "---\ntitle: خبر قديم\nplaces: [مكان كتبه المحرر]\n---\n\nزيارة إلى حلب.\n",
        encoding="utf-8",
    )
    result = run_cli("ingest", "--retag", "--content", "content", cwd=tmp_path)
    assert result.returncode == 0 and "content/old.md: places +حلب" in result.stdout
    meta = front(page)
    assert meta["places"] == ["مكان كتبه المحرر", "حلب"] and meta["detected"] == {"places": ["حلب"]}


def test_a_broken_page_is_one_error_and_the_others_are_retagged(tmp_path):
    content = tmp_path / "content"
    (content / "_data").mkdir(parents=True)
    (content / "_data" / "entities.yaml").write_text(GAZETTEER, encoding="utf-8")
    (content / "bad.md").write_text("---\ntitle: [\n---\n\nحلب\n", encoding="utf-8")
    (content / "good.md").write_text("---\ntitle: خبر\n---\n\nفي حلب.\n", encoding="utf-8")
    result = run_cli("ingest", "--retag", "--content", "content", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("content/bad.md:")]
    assert front(content / "good.md")["places"] == ["حلب"]


def test_merge_names_tells_the_curators_names_from_detected_ones():
    same = str
    assert merge_names(["أ", "ب"], ["أ"], [], same) == (["ب"], [])  # أ withdrawn, ب the curator's
    assert merge_names(["ب"], ["أ"], ["أ"], same) == (["ب"], ["أ"])  # أ taken off by hand stays off
    assert merge_names(["أ"], None, ["ج"], same) == (
        ["أ", "ج"],
        ["ج"],
    )  # no record: nothing dropped


def test_set_top_level_replaces_one_key_and_keeps_the_rest():
    text = textwrap.dedent("""\
        title: عنوان  # a comment
        places:
        - حلب

        people: [سامر]
        summary: ملخص""")
    changed = set_top_level(text, "places", ["منبج"])
    assert changed == text.replace("- حلب", "- منبج")
    assert set_top_level(text, "people", []).endswith("people: []\nsummary: ملخص")
    assert set_top_level(text, "detected", {"places": ["منبج"]}).endswith(
        "ملخص\ndetected:\n  places:\n  - منبج"
    )
