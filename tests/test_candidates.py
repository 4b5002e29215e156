"""`build.py entities`: names the gazetteer does not know, with counts and examples, and --write."""

from __future__ import annotations

import pytest
from conftest import make_site, page, run_cli

from dossier.candidates import names_in
from dossier.gazetteer import load_gazetteer

GAZETTEER = """\
# The dossier's own entries; a comment the curator wrote.
reference: false
places:
  - name: حلب
people:
  - name: هادي نور
"""
PAGES = {
    "content/_data/entities.yaml": GAZETTEER,
    "content/a.md": page(
        "زيارة إلى حلب",
        "2020-01-01",
        body=(
            "قال الرئيس السابق سامر الحلبي إن مدينة تل الورد تنتظر الطريق.\n\n"
            "ونقلت صحيفة الصباح عن حزب الغد أن هادي نور وصل، "
            "وقال خالد بن سعيد إن Blue River تدعم المشروع."
        ),
    ),
    "content/b.md": page(
        "خبر ثان",
        "2020-01-02",
        body=("وأكد الرئيس سامر الحلبي أن مدينة تل الورد آمنة، بحسب صحيفة الصباح وحزب الغد."),
    ),
    "content/c.md": page(
        "خبر ثالث", "2020-01-03", body="التقى أبو يوسف الرئيس سامر الحلبي في حلب."
    ),
}


def test_unknown_names_are_listed_by_articles_with_an_example(tmp_path):
    root = make_site(tmp_path, PAGES)
    result = run_cli("entities", "--content", "content", cwd=root)
    assert result.returncode == 0, result.stderr
    rows = [line.split("  | ")[0].split(None, 3) for line in result.stdout.splitlines()]
    assert rows[0] == ["3", "3", "people", "سامر الحلبي"]
    assert ["2", "2", "places", "تل الورد"] in rows
    assert ["2", "2", "sources", "الصباح"] in rows
    assert ["2", "2", "organizations", "حزب الغد"] in rows
    assert not any(row[3] in ("حلب", "هادي نور") for row in rows)  # known: never listed
    assert "content/a.md: قال الرئيس السابق سامر الحلبي" in result.stdout
    once = run_cli("entities", "--content", "content", "--min", "1", cwd=root).stdout
    assert "خالد بن سعيد" in once and "Blue River" in once and "أبو يوسف" in once


def test_write_appends_the_listed_names_for_review_and_keeps_the_file(tmp_path):
    root = make_site(tmp_path, PAGES)
    result = run_cli("entities", "--content", "content", "--write", cwd=root)
    assert result.returncode == 0 and "added to" in result.stderr
    path = root / "content" / "_data" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    kept = [line for line in lines if line in GAZETTEER.split("\n")]
    assert (
        kept[: len(GAZETTEER.split("\n")) - 1] == GAZETTEER.split("\n")[:-1]
    )  # in order, comment too
    assert (
        lines[lines.index("  - name: حلب") + 1] == "  - name: تل الورد"
    )  # under places, same indent
    gazetteer = load_gazetteer(path)
    added = {e.name: e for e in gazetteer.entities if e.review}
    assert {"سامر الحلبي", "تل الورد", "الصباح", "حزب الغد"} <= set(added)
    assert added["تل الورد"].kind == "places" and added["الصباح"].kind == "sources"
    assert run_cli("entities", "--content", "content", cwd=root).stdout == ""  # all known now
    assert (
        run_cli(
            "build", "--content", "content", "--out", "site", "--no-search", cwd=root
        ).returncode
        == 0
    )


@pytest.mark.parametrize(
    "line, expected",
    [
        ("قال الرئيس الفرنسي السابق جان دوبوا", ("people", "جان دوبوا")),
        ("وصل والرئيس سامر", ("people", "سامر")),
        ("في مدينة سيدي بوزيد", ("places", "سيدي بوزيد")),
        ("بحسب وكالة الأنباء", ("sources", "الأنباء")),
    ],
)
def test_names_after_cue_words(line, expected):
    assert expected in names_in(line)


def test_no_name_from_function_words():
    assert names_in("قال الرئيس إن الوضع في مدينة من المدن") == []


def test_append_items_turns_a_one_line_list_into_a_block_list():
    from dossier.yamltext import append_items

    text = "places: [حلب]  \npeople:\n- name: هادي\n"
    assert (
        append_items(text, "places", ["منبج"]) == "places:\n- حلب\n- منبج\npeople:\n- name: هادي\n"
    )
    assert append_items(text, "sources", [{"name": "الصباح", "review": True}]).endswith(
        "sources:\n- name: الصباح\n  review: true\n"
    )
