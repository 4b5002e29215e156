"""The gazetteer: matching entities through spelling variants and clitics, and reading the curator's
file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, SEED

from dossier.errors import ContentError
from dossier.gazetteer import Entity, Gazetteer, load_gazetteer
from dossier.ingest import split_articles

SHIPPED = (
    ROOT / "content" / "_data" / "entities.yaml"
)  # read only: the gazetteer that ships with the dossier


def gazetteer(tmp_path: Path, text: str) -> Gazetteer:
    path = tmp_path / "entities.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_gazetteer(path, "content/_data/entities.yaml")


def load_error(tmp_path: Path, text: str | bytes) -> ContentError:
    path = tmp_path / "entities.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_gazetteer(path, "content/_data/entities.yaml")
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    return load_gazetteer(SHIPPED)


@pytest.fixture(scope="module")
def seed_articles():
    return split_articles(SEED.read_text(encoding="utf-8"))


def article_text(article) -> str:
    return "\n".join([article.title, *(t for _, t in article.lines)])


def test_the_shipped_gazetteer_finds_everything_the_bundled_seed_names(shipped, seed_articles):
    qamishli, pentagon = (shipped.find(article_text(a)) for a in seed_articles)
    for name in [
        "القامشلي",
        "الحسكة",
        "عين العرب",
        "سوريا",
        "العراق",
        "حلب",
        "القحطانية",
        "صرين",
        "قاعدة هيمو",
        "قاعدة قسرك",
        "معبر سيمالكا",
        "إقليم كردستان العراق",
    ]:
        assert name in qamishli["places"], name
    assert qamishli["sources"] == ["RT", "سانا"]
    assert {"الجيش الأمريكي", "الجيش السوري"} <= set(qamishli["organizations"])
    assert qamishli["people"] == []
    for name in ["سوريا", "التنف", "الأردن", "سيول", "آسيا"]:
        assert name in pentagon["places"], name
    assert pentagon["people"] == ["مارك إسبر", "دونالد ترامب"]  # «اسبر» and «إسبر» are one person
    assert pentagon["organizations"] == ["البنتاغون"]
    assert pentagon["sources"] == ["وكالة الصحافة الفرنسية"]  # written «لوكالة الصحافة الفرنسية»


def test_every_shipped_entity_has_a_kind_and_valid_coordinates(shipped):
    assert len(shipped.entities) >= 20
    for entity in shipped.entities:
        assert entity.kind in ("places", "people", "organizations", "sources")
        if entity.coordinates:
            latitude, longitude = entity.coordinates
            assert -90 <= latitude <= 90 and -180 <= longitude <= 180, entity


@pytest.fixture
def small(tmp_path) -> Gazetteer:
    return gazetteer(
        tmp_path,
        """\
        places:
          - name: الحسكة
          - name: الأردن
          - name: عين العرب
            variants: [كوباني]
          - name: مستشفى
          - name: العراق
        people:
          - name: مارك إسبر
            variants: [إسبر]
        sources:
          - name: وكالة الصحافة الفرنسية
            latin: AFP
          - سانا
        """,
    )


@pytest.mark.parametrize(
    "text, kind, name",
    [
        ("بريف الحسكة", "places", "الحسكة"),
        ("لوكالة الصحافة الفرنسية", "sources", "وكالة الصحافة الفرنسية"),
        ("والأردن", "places", "الأردن"),
        ("للأردن", "places", "الأردن"),
        ("فبالحسكة", "places", "الحسكة"),
        ("الحسكه", "places", "الحسكة"),  # ة written ه
        ("الحَسَكَة", "places", "الحسكة"),  # diacritics
        ("الحســكة", "places", "الحسكة"),  # tatweel
        ("الاردن", "places", "الأردن"),  # bare alef
        ("مستشفي", "places", "مستشفى"),  # ى written ي
        ("قال اسبر", "people", "مارك إسبر"),
        ("قال إسبر", "people", "مارك إسبر"),
        ("مدينة كوباني", "places", "عين العرب"),
        ("ونقلت AFP", "sources", "وكالة الصحافة الفرنسية"),
        ("وكالة سانا", "sources", "سانا"),
        ("عين\u200cالعرب ثم عين \u200fالعرب", "places", "عين العرب"),
    ],
)
def test_matching_sees_through_variants_marks_and_clitics(small, text, kind, name):
    assert small.find(text)[kind] == [name]


@pytest.mark.parametrize(
    "text", ["العراقي", "عين الماء", "الحسكاوي", "عراقيون", "وكالة الصحافة", "الفرنسية"]
)
def test_no_match_on_other_words_or_part_of_a_name(small, text):
    assert small.find(text) == {"places": [], "people": [], "organizations": [], "sources": []}


def test_names_come_once_in_order_of_first_mention(small):
    found = small.find("من الأردن إلى الحسكة ثم الأردن والحسكة وكوباني وعين العرب")
    assert found["places"] == ["الأردن", "الحسكة", "عين العرب"]


def test_canonical_maps_any_spelling_to_the_gazetteer_name(small):
    assert small.canonical("people", "اسبر") == "مارك إسبر"
    assert small.canonical("places", "كوبانى") == "عين العرب"  # ى/ي folded
    assert small.canonical("places", "كوباني") == "عين العرب"
    assert small.canonical("places", "مكان مجهول") == "مكان مجهول"
    assert small.canonical("people", "كوباني") == "كوباني"  # another kind: left alone
    assert small.entity("sources", "سانا") == Entity("sources", "سانا")
    assert small.entity("sources", "غير موجود") is None


def test_a_missing_gazetteer_is_empty(tmp_path):
    assert load_gazetteer(tmp_path / "none.yaml").entities == ()


def test_latin_names_and_coordinates_are_read(tmp_path):
    found = gazetteer(
        tmp_path,
        """\
        places:
          - name: القامشلي
            latin: Qamishli
            coordinates: [37.05, 41]
        """,
    )
    assert found.entities == (Entity("places", "القامشلي", (), "Qamishli", (37.05, 41.0)),)
    assert found.find("in Qamishli today")["places"] == ["القامشلي"]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("places:\n  - name: الحسكة\n  - name: [\n", 4, "expected"),
        ("towns:\n  - القامشلي\n", 1, "unknown kind 'towns'"),
        ("places: القامشلي\n", 1, "'places' must be a list"),
        ("places: 5\n", 1, "'places' must be a list"),
        ("places:\n  - latin: Qamishli\n", None, "needs a 'name'"),
        (
            "places:\n  - name: القامشلي\n    variants: قامشلو\n",
            2,
            "'variants' of القامشلي must be a list",
        ),
        (
            "places:\n  - name: القامشلي\n    coordinates: [37]\n",
            2,
            "must be [latitude, longitude]",
        ),
        ("- القامشلي\n", 1, "expected a mapping"),
        ("places:\n  - !!python/object/apply:os.system [echo hacked]\n", 2, "python/object"),
    ],
)
def test_a_broken_gazetteer_is_one_error_with_its_line(tmp_path, text, line, words):
    error = load_error(tmp_path, text)
    assert error.src_path == "content/_data/entities.yaml"
    assert words in error.message
    if line is not None:
        assert error.line == line


def test_yaml_bombs_in_the_gazetteer_are_refused_at_their_line(tmp_path):
    laughs = "places: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{kind}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i, kind in enumerate(["people", "organizations", "sources"])
    )
    error = load_error(tmp_path, laughs)
    assert (error.line, error.message) == (
        1,
        "aliases (*name) are not allowed in the gazetteer; write the entries out",
    )
    # Nine levels of nine in one entry: formatting it whole into a message would need gigabytes.
    levels = ["&a [x,x,x,x,x,x,x,x,x]"] + [
        f"&{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)
    ]
    error = load_error(tmp_path, "places:\n  - [" + ", ".join(levels) + "]\n")
    assert error.line == 2 and "aliases" in error.message
    nested = "places:\n  - name: x\n    variants: " + "[" * 5000 + "]" * 5000 + "\n"
    assert load_error(tmp_path, nested).line == 3


def test_a_wrong_entry_is_shown_short_in_the_message(tmp_path):
    error = load_error(
        tmp_path, "places:\n  - name: x\n  - [" + ", ".join(["قرية طويلة الاسم"] * 500) + "]\n"
    )
    assert (
        error.line == 3
        and len(error.message) < 200
        and error.message.startswith("each places entry needs a 'name'")
    )


def test_a_gazetteer_that_is_not_utf8_or_not_a_file_is_one_error(tmp_path):
    assert (
        "cannot read the gazetteer"
        in load_error(tmp_path, "places:\n  - name: حلب\n".encode("cp1256")).message
    )
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ContentError, match="cannot read the gazetteer"):
        load_gazetteer(folder, "content/_data/entities.yaml")


@pytest.mark.parametrize(
    "text, kind, wrong",
    [
        ("جرفت السيول سيارات في الوادي", "places", "سيول"),  # floods
        ("مرّر كاسيا الكرة إلى زميله", "places", "آسيا"),  # a footballer
        ("روسيا اليوم أقوى مما كانت", "sources", "RT"),  # «Russia today»
        ("تحدث السفير عن المصالح السورية", "places", "سوريا"),  # an adjective
        ("وكالة سانا الصحفية", "places", "سوريا"),
    ],
)
def test_collisions_the_shipped_gazetteer_must_not_make(shipped, text, kind, wrong):
    assert wrong not in shipped.find(text)[kind]


def test_the_channel_is_found_where_the_text_names_it(shipped):
    assert "RT" in shipped.find("قالت قناة روسيا اليوم إن")["sources"]
    assert shipped.find("زار الوزير سيول ثم آسيا الوسطى")["places"] == ["سيول", "آسيا"]
