"""The reference gazetteer under the dossier's own, and the precision guards, on new sentences."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from dossier.errors import ContentError
from dossier.gazetteer import gazetteer_for
from dossier.reference import reference_entities


def dossier(tmp_path: Path, entities: str = "") -> Path:
    content = tmp_path / "content"
    (content / "_data").mkdir(parents=True)
    (content / "_data" / "entities.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return gazetteer_for(dossier(tmp_path_factory.mktemp("reference")))


def places(gazetteer, text: str) -> list[str]:
    return gazetteer.find(text)["places"]


@pytest.mark.parametrize(
    "text, place",
    [
        ("وصل الوفد إلى القاهرة مساء أمس", "القاهرة"),
        ("عاد الوزير من دمشق وبغداد", "دمشق"),
        ("اجتماع في سيول بين الوفدين الكوريين", "سيول"),
        ("زار الرئيس المغرب والجزائر", "الجزائر"),
        ("قالت الحكومة في سورية إن الطريق مفتوح", "سوريا"),  # a variant the press uses
        ("تراجع التضخم في الولايات المتحدة الأمريكية", "الولايات المتحدة"),
        ("رحلة للعراق ثم كالعراق في الحر", "العراق"),
        ("عادت من عمّان إلى الأردن", "عمان"),  # Amman, in a text naming Jordan
        ("زار سلطنة عمان الأسبوع الماضي", "عُمان"),
        ("a report from Cairo", "القاهرة"),
        ("مظاهرة في حلب وأخرى في الرقة السورية", "الرقة"),  # a town, in a text naming its country
    ],
)
def test_the_reference_finds_countries_and_cities(reference, text, place):
    assert place in places(reference, text)


@pytest.mark.parametrize(
    "text, wrong",
    [
        ("جرفت السيول الطرقات في القرية", "سيول"),  # floods, not Seoul
        ("سجّل اللاعب كاسيا هدفين", "آسيا"),  # a footballer, not Asia
        ("نقلت قناة روسيا اليوم الخبر", "روسيا"),  # the channel, not the country
        ("وصل الجيش إلى الحدود السورية", "سوريا"),  # an adjective is not the place
        ("أصدرت الوزارة بيانا جديدا عن الخبر", "بيان"),  # town names that are common words
        ("وقد أكد الوزير أن الاتفاق قائم", "وان"),
        ("ارتفعت البورصة وتراجعت بورصة الذهب", "بورصة"),
        ("قال إنه عاش في عمان سنوات", "عمان"),  # Oman or Amman: nothing tells, so neither
        ("قال إنه عاش في عمان سنوات", "عُمان"),
        ("أعلن حزب نداء تونس مرشحه", "تونس"),  # a party's name
        ("دعم مالي للبلديات", "مالي"),  # financial, not Mali
        ("وحدثت الطبقة الوسطى عن الجديد", "الطبقة"),
    ],
)
def test_collisions_are_not_places(reference, text, wrong):
    assert wrong not in places(reference, text)


def test_a_longer_name_wins_over_the_name_inside_it(reference):
    assert places(reference, "احتفل جنوب السودان بالاستقلال") == ["جنوب السودان"]


def test_entries_have_coordinates_latin_names_and_credit_their_source(reference):
    cairo = reference.entity("places", "القاهرة")
    assert cairo.latin == "Cairo"
    assert 29 < cairo.coordinates[0] < 31 and 30 < cairo.coordinates[1] < 32
    assert reference.entity("places", "سوريا").coordinates is not None  # a country at its capital
    assert "GeoNames" in (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_dossier_renames_merges_adds_and_switches_off(tmp_path):
    gazetteer = gazetteer_for(
        dossier(
            tmp_path,
            """\
        places:
          - name: مصر المحروسة
            variants: [مصر, القاهرة]
          - name: بلدة صغيرة
            coordinates: [35.1, 38.2]
          - name: سيول
            disabled: true
        """,
        )
    )
    merged = gazetteer.entity("places", "مصر المحروسة")
    assert places(gazetteer, "من القاهرة إلى مصر") == ["مصر المحروسة"]  # renamed, two merged
    assert merged.latin in ("Egypt", "Cairo") and merged.coordinates is not None  # the reference's
    assert {"Egypt", "Cairo"} <= set(merged.spellings)  # Latin names stay findable
    assert places(gazetteer, "وصلنا إلى بلدة صغيرة") == ["بلدة صغيرة"]
    assert places(gazetteer, "مؤتمر في سيول") == []  # switched off, the reference's Seoul with it
    assert gazetteer.entity("places", "القاهرة").name == "مصر المحروسة"


def test_a_dossier_can_go_without_the_reference(tmp_path):
    gazetteer = gazetteer_for(dossier(tmp_path, "reference: false\nplaces:\n  - name: حلب\n"))
    assert [e.name for e in gazetteer.entities] == ["حلب"]
    assert places(gazetteer, "من القاهرة إلى حلب") == ["حلب"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("reference: maybe\n", "'reference' must be true or false"),
        ("places:\n  - name: حلب\n    exact: 1\n", "'exact' of حلب must be true or false"),
        ("places:\n  - name: حلب\n    context: كلمة\n", "'context' of حلب must be a list"),
        ("places:\n  - name: حلب\n    coordinates: [95, 10]\n", "must be [latitude, longitude]"),
    ],
)
def test_a_wrong_guard_is_one_error_with_its_line(tmp_path, text, words):
    with pytest.raises(ContentError) as caught:
        gazetteer_for(dossier(tmp_path, text), "content/_data/entities.yaml")
    assert words in caught.value.message and caught.value.line is not None


def test_guards_the_curator_writes(tmp_path):
    gazetteer = gazetteer_for(
        dossier(
            tmp_path,
            """\
        reference: false
        places:
          - name: صور
            exact: true
            context: [لبنان, اللبناني, الجنوب]
          - name: الميناء
            unless: [وزير الميناء]
        """,
        )
    )
    assert places(gazetteer, "قصف قرب صور في جنوب لبنان") == ["صور"]
    assert places(gazetteer, "نشرت الوكالة صور الحادث") == []  # photos: no Lebanon in the text
    assert places(gazetteer, "وصور من لبنان") == []  # exact: not with an attached و
    assert places(gazetteer, "قال وزير الميناء إن الميناء مغلق") == ["الميناء"]
    assert places(gazetteer, "قال وزير الميناء كلاما") == []


def test_the_reference_is_cached_by_version_and_read_back(tmp_path):
    cache_dir = tmp_path / ".cache"
    cache_dir.mkdir()
    (cache_dir / "reference-0000000000000000.json").write_text(
        "[]", encoding="utf-8"
    )  # another version's
    first = reference_entities(cache_dir)
    [cached] = cache_dir.glob("reference-*.json")  # the other version's is gone
    assert cached.name != "reference-0000000000000000.json"
    assert json.loads(cached.read_text(encoding="utf-8")) == list(first)
    assert reference_entities(cache_dir) == first
    assert len(first) > 2000 and all(e["kind"] == "places" for e in first)
