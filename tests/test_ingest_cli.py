"""End to end: `build.py ingest` on fixture seeds in a temporary folder, as a curator runs it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEED, Shown, run_cli

from dossier.load import parse_front_matter, split_front_matter

SEED_TEXT = SEED.read_text(encoding="utf-8")
QAMISHLI = "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي"
PENTAGON = "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا"


def dossier(tmp_path: Path, seeds: dict[str, bytes], gazetteer: bool = True) -> Path:
    """Write seeds into tmp_path/seeds and the shipped gazetteer into tmp_path/content; return
    tmp_path."""
    (tmp_path / "seeds").mkdir(exist_ok=True)
    for name, data in seeds.items():
        (tmp_path / "seeds" / name).write_bytes(data)
    if gazetteer:
        (tmp_path / "content" / "_data").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / "_data" / "entities.yaml", tmp_path / "content" / "_data")
    return tmp_path


def ingest(root: Path, *extra: str):
    result = run_cli(
        "ingest", "--seeds", "seeds", "--content", "content", *extra, cwd=root, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def pages(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content").glob("*.md"))}


def meta(data: bytes) -> dict:
    front, _, _ = split_front_matter(data.decode("utf-8"), "x.md")
    return parse_front_matter(front, "x.md")[0]


def body(data: bytes) -> str:
    return split_front_matter(data.decode("utf-8"), "x.md")[1]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The pages the bundled seed gives as plain UTF-8 with LF line ends."""
    root = dossier(tmp_path_factory.mktemp("reference"), {SEED.name: SEED.read_bytes()})
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    return pages(root)


VARIANTS = {
    "utf8-bom.txt": SEED_TEXT.encode("utf-8-sig"),
    "utf16.txt": SEED_TEXT.encode("utf-16"),
    "utf16-be-crlf.txt": b"\xfe\xff" + SEED_TEXT.replace("\n", "\r\n").encode("utf-16-be"),
    "cp1256.txt": SEED_TEXT.encode("cp1256"),
    "cp1256-crlf.txt": SEED_TEXT.replace("\n", "\r\n").encode("cp1256"),
    "crlf.txt": SEED_TEXT.replace("\n", "\r\n").encode("utf-8"),
    "nbsp-blank-lines.txt": re.sub(r"\n[ \u00a0]*\n", "\n \u00a0 \n", SEED_TEXT).encode("utf-8"),
}


def test_the_reference_pages_are_the_two_articles(reference):
    assert len(reference) == 2
    titles = sorted(meta(data)["title"] for data in reference.values())
    assert titles == sorted([QAMISHLI, PENTAGON])
    for name, data in reference.items():
        front = meta(data)
        assert name == f"{front['slug']}.md"
        assert front["lang"] == "ar" and front["dir"] == "rtl" and front["date"] is None
        assert front["provenance"]["seed"] == SEED.name


@pytest.mark.parametrize("name", VARIANTS)
def test_each_encoding_gives_the_same_pages(tmp_path, reference, name):
    root = dossier(tmp_path, {name: VARIANTS[name]})
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    found = pages(root)
    assert sorted(found) == sorted(reference)  # same slugs
    for page_name, data in found.items():
        assert body(data) == body(reference[page_name])
        expected = meta(reference[page_name])
        got = meta(data)
        assert got["provenance"]["seed"] == name
        del got["provenance"], expected["provenance"]
        assert got == expected


def test_the_same_seed_in_every_encoding_at_once_gives_no_duplicate(tmp_path, reference):
    root = dossier(tmp_path, {SEED.name: SEED.read_bytes(), **VARIANTS})
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    assert sorted(pages(root)) == sorted(reference)
    assert "2 new page(s), 14 article(s) already in the dossier, 0 problem(s)" in result.stderr
    again = ingest(root)
    assert (
        again.returncode == 0
        and "0 new page(s), 16 article(s) already in the dossier" in again.stderr
    )


def test_a_binary_and_an_empty_file_are_reported_by_name_and_the_rest_ingested(tmp_path, reference):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    root = dossier(
        tmp_path,
        {
            "a-photo.dat": png,
            "b-empty.txt": b"",
            "c-blank.txt": b" \r\n\xc2\xa0\n",
            SEED.name: SEED.read_bytes(),
        },
    )
    result = ingest(root)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if not line.startswith("ingest:")]
    assert problems == [
        "seeds/a-photo.dat: this is not a text file (binary data or an unknown encoding); skipped",
        "seeds/b-empty.txt: the file is empty; skipped",
        "seeds/c-blank.txt: the file is empty; skipped",
    ]
    assert "3 problem(s)" in result.stderr
    assert pages(root) == reference  # the good seed went through


def test_a_missing_seed_folder_is_one_line_and_status_1(tmp_path):
    result = run_cli("ingest", "--seeds", "no-such-folder", "--content", "content", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "no-such-folder: the seeds folder does not exist"
    assert "Traceback" not in result.stderr


def test_usage_errors_are_status_2_and_help_is_0(tmp_path):
    bad = run_cli("ingest", "--around", "14/11/2019", cwd=tmp_path)
    assert bad.returncode == 2 and "is not a date in the form YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in bad.stderr
    helped = run_cli("ingest", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--force" in helped.stdout and "--around" in helped.stdout


def test_a_seed_with_several_articles_gives_one_page_each(tmp_path):
    subjects = [
        "انقطاع الكهرباء",
        "ارتفاع أسعار الخبز",
        "افتتاح مدرسة",
        "إصلاح طريق",
        "وصول قافلة إغاثة",
        "حريق في سوق",
        "مباراة كرة قدم",
    ]
    articles = [
        (f"{subject} في الحسكة", f"قال مصدر لوكالة سانا إن الخبر رقم {n} وقع اليوم الخميس.")
        for n, subject in enumerate(subjects, 1)
    ]
    text = "\n\n".join(
        f"{title}\n\n{paragraph}\n\nفقرة ثانية من الخبر {n}."
        for n, (title, paragraph) in enumerate(articles)
    )
    root = dossier(tmp_path, {"many.txt": text.encode("utf-8")})
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    found = [meta(data) for data in pages(root).values()]
    assert sorted(m["title"] for m in found) == sorted(t for t, _ in articles)
    for front in found:
        assert front["places"] == ["الحسكة"] and front["sources"] == ["سانا"]
        assert front["date_evidence"]["weekday"] == "الخميس"
    lines = sorted(tuple(m["provenance"]["lines"]) for m in found)
    assert lines == [(1 + 6 * n, 5 + 6 * n) for n in range(7)]


def curate(page_path: Path) -> bytes:
    """Edit a page as a curator would: retitle it, review it, date it and add a paragraph."""
    text = page_path.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", "title: 'عنوان حرره المحرر: #1'", text, count=1, flags=re.M)
    text = text.replace("status: new", "status: reviewed").replace("date: null", "date: 2019-11-13")
    page_path.write_text(text + "\nفقرة أضافها المحرر.\n", encoding="utf-8")
    return page_path.read_bytes()


def test_a_rerun_leaves_a_curated_page_byte_identical(tmp_path, reference):
    root = dossier(tmp_path, {SEED.name: SEED.read_bytes()})
    assert ingest(root).returncode == 0
    edited_name = sorted(reference)[0]
    edited = curate(root / "content" / edited_name)
    # The same articles arrive again in another encoding and with other line ends.
    (root / "seeds" / "again-cp1256.txt").write_bytes(
        SEED_TEXT.replace("\n", "\r\n").encode("cp1256")
    )
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    assert "0 new page(s), 4 article(s) already in the dossier" in result.stderr
    after = pages(root)
    assert after[edited_name] == edited
    assert sorted(after) == sorted(reference)
    assert not (root / "content" / "_backup").exists()


def test_a_rerun_after_the_curator_deleted_the_fingerprint_still_adds_no_page(tmp_path, reference):
    root = dossier(tmp_path, {SEED.name: SEED.read_bytes()})
    assert ingest(root).returncode == 0
    name = sorted(reference)[0]
    page_path = root / "content" / name
    stripped = re.sub(
        r"^provenance:(\n  .*)+\n", "", page_path.read_text(encoding="utf-8"), flags=re.M
    )
    assert "fingerprint" not in stripped
    page_path.write_text(stripped, encoding="utf-8")
    assert ingest(root).returncode == 0
    assert page_path.read_text(encoding="utf-8") == stripped
    assert sorted(pages(root)) == sorted(reference)


def test_force_regenerates_and_keeps_a_backup_of_each_replaced_page(tmp_path, reference):
    root = dossier(tmp_path, {SEED.name: SEED.read_bytes()})
    assert ingest(root).returncode == 0
    edited_name = sorted(reference)[0]
    edited = curate(root / "content" / edited_name)
    result = ingest(root, "--force")
    assert result.returncode == 0, result.stderr
    after = pages(root)
    assert {k: v for k, v in after.items() if k != edited_name} == {
        k: v for k, v in reference.items() if k != edited_name
    }  # regenerated from the seed
    kept, fresh = meta(after[edited_name]), meta(reference[edited_name])
    # The curator's title, status and date stay; the rest is the seed's again (their paragraph is in
    # the backup).
    assert (kept["title"], kept["status"], str(kept["date"])) == (
        "عنوان حرره المحرر: #1",
        "reviewed",
        "2019-11-13",
    )
    assert body(after[edited_name]) == body(reference[edited_name])
    assert {
        k: v for k, v in kept.items() if k not in ("title", "status", "date", "date_evidence")
    } == {k: v for k, v in fresh.items() if k not in ("title", "status", "date", "date_evidence")}
    backups = sorted((root / "content" / "_backup").iterdir())
    assert [b.read_bytes() for b in backups] == [edited]  # the untouched page needed no backup
    assert backups[0].name.startswith(Path(edited_name).stem + ".")
    assert "replaced; the previous page is kept in" in result.stderr
    again = ingest(root, "--force")
    assert (
        again.returncode == 0 and len(list((root / "content" / "_backup").iterdir())) == 1
    )  # same bytes: no churn


def test_around_marks_inferred_dates(tmp_path):
    root = dossier(tmp_path, {SEED.name: SEED.read_bytes()})
    result = ingest(root, "--around", "2019-11-14")
    assert result.returncode == 0, result.stderr
    by_title = {m["title"]: m for m in map(meta, pages(root).values())}
    qamishli, pentagon = by_title[QAMISHLI], by_title[PENTAGON]
    assert qamishli["date"] == "2019-11-13"
    assert qamishli["date_evidence"]["quote"] == "اليوم الأربعاء"
    assert qamishli["date_evidence"]["inferred"] is True
    assert "--around" in qamishli["date_evidence"]["method"]
    assert pentagon["date"] == "2019-11-14" and pentagon["date_evidence"]["inferred"] is True


HOSTILE = [
    "# ليس عنواناً",
    "* ليس بنداً",
    "1. ليس قائمة",
    "> ليس اقتباساً",
    "<script>alert('seed')</script>",
    "<img src=x onerror=alert(1)>",
    "[اضغط](javascript:alert(1))",
]


def test_seed_lines_that_look_like_markdown_or_html_are_text_on_the_built_page(tmp_path):
    title = '"><img src=x onerror=alert(1)> خبر'
    # Each hostile line is followed by a line of its own, so none of them is taken for a headline.
    text = (
        f"{title}\n\nفقرة أولى عادية.\n\n"
        + "\n\n".join(f"{line}\nسطر عادي." for line in HOSTILE)
        + "\n"
    )
    root = dossier(tmp_path, {"hostile.txt": text.encode("utf-8")})
    assert ingest(root).returncode == 0
    (page_name,) = pages(root)
    built = run_cli("build", "--content", "content", "--out", "site", cwd=root)
    assert built.returncode == 0, built.stderr
    html = (root / "site" / "articles" / Path(page_name).stem / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert" not in html and "<img src=x" not in html
    assert not re.search(r"(href|src)=[\"']?javascript", html)
    parser = Shown(html)
    visible = "".join(parser.text)
    for line in HOSTILE:
        assert line in visible, line
    assert title in visible
    assert "h1" in parser.tags  # the page's own title, not one made from «# ليس عنواناً»
    text_html = html[html.index("<p>فقرة أولى عادية.") : html.rindex("سطر عادي.")]
    assert re.findall(r"<(\w+)", text_html) == ["p"] * (
        2 * len(HOSTILE) + 1
    )  # paragraphs, nothing else


def test_stray_control_characters_in_a_seed_never_reach_the_site(tmp_path):
    import xml.etree.ElementTree as ET

    text = SEED_TEXT.replace("قوات أمريكية تمر", "قوات\x02 أمريكية تمر", 1).replace(
        "البنتاغون يؤكد", "البنتاغون يؤكد\x9b", 1
    )
    root = dossier(tmp_path, {"noisy.txt": text.encode("utf-8")})
    assert ingest(root).returncode == 0
    assert all(
        not re.search(b"[\x00-\x08\x0b\x0e-\x1f\x7f]|\xc2[\x80-\x9f]", data)
        for data in pages(root).values()
    )
    built = run_cli(
        "build",
        "--content",
        "content",
        "--out",
        "site",
        "--base-url",
        "https://example.org/",
        cwd=root,
    )
    assert built.returncode == 0, built.stderr
    entries = (
        ET.parse(root / "site" / "feed.xml").getroot().findall("{http://www.w3.org/2005/Atom}entry")
    )
    assert sorted(e.findtext("{http://www.w3.org/2005/Atom}title") for e in entries) == sorted(
        [QAMISHLI, PENTAGON]
    )


# Real seeds: folders, files that are not text, changed copies, dates, scripts

LEAD = (
    "أعلنت وزارة الصحة اليوم الثلاثاء افتتاح مستشفى جديد في مدينة حمص بطاقة مئتي سرير "
    "وقالت إنه سيخدم المحافظة كلها."
)
BODY = (
    "وقال الوزير في مؤتمر صحفي إن العمل في المستشفى سيبدأ مطلع الشهر المقبل "
    "بكادر من 120 طبيبا وممرضا."
)


def test_seeds_in_sub_folders_are_ingested_with_their_path_in_the_provenance(tmp_path):
    root = dossier(tmp_path, {})
    (root / "seeds" / "2019" / "نوفمبر").mkdir(parents=True)
    (root / "seeds" / "2019" / "نوفمبر" / "a.txt").write_text(
        f"افتتاح مستشفى جديد في حمص\n\n{LEAD}\n", "utf-8"
    )
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    (page,) = pages(root).values()
    assert meta(page)["provenance"]["seed"] == "2019/نوفمبر/a.txt"


def test_files_that_are_not_seeds_are_refused_by_name_and_the_rest_goes_on(tmp_path, reference):
    root = dossier(
        tmp_path,
        {
            "export.json": b'{"title": "x"}',
            "notes.txt": '[{"a": 1}]'.encode(),
            "scan.pdf": b"%PDF-1.4 \x00\x01",
            SEED.name: SEED.read_bytes(),
        },
    )
    result = ingest(root)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if not line.startswith("ingest:")]
    assert sorted(problems) == [
        "seeds/export.json: a JSON file is not a seed; skipped"
        " (paste the articles' text into a .txt file)",
        "seeds/notes.txt:1: this is JSON data, not a seed's text; skipped",
        "seeds/scan.pdf: a PDF file is not a seed; skipped"
        " (paste the articles' text into a .txt file)",
    ]
    assert pages(root) == reference


def test_a_headline_alone_is_one_line_naming_the_seed(tmp_path):
    root = dossier(tmp_path, {"alone.txt": "افتتاح مستشفى جديد في حمص\n".encode()})
    result = ingest(root)
    assert result.returncode == 1
    assert (
        "seeds/alone.txt:1: no article here: an article is a headline with a paragraph under it"
        in result.stderr
    )
    assert pages(root) == {}


def test_a_seed_name_that_is_not_utf8_is_named_on_one_line(tmp_path):
    root = dossier(tmp_path, {})
    (root / "seeds").mkdir(exist_ok=True)
    name = "خبر".encode("cp1256") + b".txt"
    (root / "seeds").joinpath(name.decode("utf-8", "surrogateescape")).write_bytes(
        f"افتتاح مستشفى جديد في حمص\n\n{LEAD}\n".encode()
    )
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    (page,) = pages(root).values()
    assert meta(page)["provenance"]["seed"] == r"\xce\xc8\xd1.txt"


def test_pages_are_readable_by_others(tmp_path):
    import os
    import stat

    root = dossier(tmp_path, {SEED.name: SEED.read_bytes()})
    old = os.umask(0o022)
    try:
        assert ingest(root).returncode == 0
    finally:
        os.umask(old)
    for page in (root / "content").glob("*.md"):
        assert stat.S_IMODE(page.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("مئتي سرير", "مئتين وخمسين سريرا", 1),  # one edited word
        lambda t: t.replace("120", "١٢٠"),  # other digits
        lambda t: t.replace("حمص", "«حمص»", 1).replace("صحفي", '"صحفي"'),  # other quote marks
    ],
)
def test_a_seed_that_comes_back_changed_is_not_published_twice(tmp_path, change):
    text = f"افتتاح مستشفى جديد في حمص\n\n{LEAD}\n\n{BODY}\n"
    root = dossier(tmp_path, {"a.txt": text.encode()})
    assert ingest(root).returncode == 0
    (name,) = pages(root)
    curated = curate(root / "content" / name)
    (root / "seeds" / "a.txt").write_text(change(text), "utf-8")
    result = ingest(root)
    assert result.returncode == 0, result.stderr
    assert pages(root) == {name: curated}
    assert re.search(
        rf"seeds/a\.txt:\d+: a changed copy of the article in content/{name}", result.stderr
    )


def test_a_different_article_on_the_same_subject_is_a_page_of_its_own(tmp_path):
    first = f"افتتاح مستشفى جديد في حمص\n\n{LEAD}\n\n{BODY}\n"
    second = (
        "إغلاق مستشفى قديم في حماة\n\n"
        "أعلنت مديرية الصحة في حماة اليوم إغلاق المستشفى الوطني القديم "
        "لأعمال الترميم ونقل مرضاه إلى مستشفيات المدينة الأخرى.\n"
    )
    root = dossier(tmp_path, {"a.txt": first.encode(), "b.txt": second.encode()})
    assert ingest(root).returncode == 0
    assert len(pages(root)) == 2


@pytest.mark.parametrize(
    "seed, date, quote",
    [
        (
            "افتتاح مستشفى جديد في حمص\nحمص - سانا | 2019-11-14\n\n{lead}\n",
            "2019-11-14",
            "2019-11-14",
        ),
        (
            "افتتاح مستشفى جديد في حمص\n\n"
            "جدة 3 رمضان 1440 هـ الموافق 8 مايو 2019 م (واس) - {lead}\n",
            "2019-05-08",
            "8 مايو 2019 م",
        ),
        (
            "افتتاح مستشفى جديد في حمص\n\n"
            "أعلنت الوزارة اليوم الخميس ١٤ تشرين الثاني ٢٠١٩ افتتاح المستشفى.\n",
            "2019-11-14",
            "اليوم الخميس ١٤ تشرين الثاني ٢٠١٩",
        ),
        (
            "افتتاح مستشفى جديد في حمص\n\n"
            "أعلنت الوزارة أمس الأربعاء 13 نوفمبر 2019 افتتاح المستشفى.\n",
            "2019-11-14",
            "أمس الأربعاء 13 نوفمبر 2019",
        ),
    ],
)
def test_a_date_written_in_the_dateline_or_lead_dates_the_article_with_its_evidence(
    tmp_path, seed, date, quote
):
    root = dossier(tmp_path, {"a.txt": seed.format(lead=LEAD).encode()})
    assert ingest(root).returncode == 0
    (page,) = pages(root).values()
    front = meta(page)
    assert str(front["date"]) == date
    assert front["date_evidence"]["quote"] == quote
    assert front["date_evidence"]["line"] in (2, 3)


def test_a_date_later_in_the_body_about_another_event_does_not_date_the_article(tmp_path):
    seed = (
        f"افتتاح مستشفى جديد في حمص\n\n{LEAD}\n\n"
        "وكان المستشفى القديم قد أغلق في 16 أبريل 1998 بعد حريق.\n"
    )
    root = dossier(tmp_path, {"a.txt": seed.encode()})
    assert ingest(root).returncode == 0
    assert meta(next(iter(pages(root).values())))["date"] is None


def test_conflicting_dates_leave_the_article_undated_and_say_why(tmp_path):
    seed = (
        "افتتاح مستشفى جديد في حمص\nحمص - 14/11/2019\n\n"
        "أعلنت الوزارة اليوم الجمعة 15 نوفمبر 2019 افتتاح المستشفى.\n"
    )
    root = dossier(tmp_path, {"a.txt": seed.encode()})
    assert ingest(root).returncode == 0
    front = meta(next(iter(pages(root).values())))
    assert front["date"] is None and "different dates" in front["date_evidence"]["conflict"]


@pytest.mark.parametrize(
    "name, first_line, lead, date",
    [
        (
            "2019-11-15-akhbar.txt",
            "",
            "أعلنت الوزارة اليوم الأربعاء افتتاح المستشفى.",
            "2019-11-13",
        ),
        (
            "akhbar.txt",
            "التاريخ: 2019-11-15\n",
            "أعلنت الوزارة أمس الخميس افتتاح المستشفى.",
            "2019-11-15",
        ),
        ("akhbar.txt", "التاريخ: 2019-11-15\n", "أعلنت الوزارة افتتاح المستشفى.", "2019-11-15"),
        (
            "akhbar.txt",
            "التاريخ: 2019-11-15\n",
            "أعلنت الوزارة الثلاثاء الماضي افتتاح المستشفى.",
            "2019-11-15",
        ),
    ],
)
def test_a_seed_may_state_its_own_date_and_weekdays_resolve_against_it(
    tmp_path, name, first_line, lead, date
):
    root = dossier(tmp_path, {name: f"{first_line}افتتاح مستشفى جديد في حمص\n\n{lead}\n".encode()})
    assert ingest(root).returncode == 0
    (page,) = pages(root).values()
    front = meta(page)
    assert str(front["date"]) == date and front["date_evidence"]["inferred"] is True
    assert "التاريخ" not in body(page)  # the seed's date line is no paragraph
    assert front["provenance"]["lines"][0] == (2 if first_line else 1)


def test_bylines_and_datelines_go_to_the_front_matter_never_to_the_title(tmp_path):
    seed = (
        f"عاجل\nافتتاح مستشفى جديد في حمص\nسامر خليل – حمص\n\n{LEAD}\n\n"
        "إغلاق مستشفى قديم في حماة\nحماة (سانا)\n\n"
        "أعلنت مديرية الصحة إغلاق المستشفى القديم للترميم.\n"
    )
    root = dossier(tmp_path, {"a.txt": seed.encode()})
    assert ingest(root).returncode == 0
    found = {meta(p)["title"]: meta(p) for p in pages(root).values()}
    assert found["افتتاح مستشفى جديد في حمص"]["byline"] == "سامر خليل – حمص"
    assert found["افتتاح مستشفى جديد في حمص"]["kicker"] == "عاجل"
    assert found["إغلاق مستشفى قديم في حماة"]["dateline"] == "حماة (سانا)"
    built = run_cli("build", "--content", "content", "--out", "site", "--no-search", cwd=root)
    assert built.returncode == 0, built.stderr
    slug = found["افتتاح مستشفى جديد في حمص"]["slug"]
    parser = Shown((root / "site" / "articles" / slug / "index.html").read_text(encoding="utf-8"))
    visible = "".join(parser.text)
    assert "عاجل" in visible and "سامر خليل – حمص" in visible
    assert visible.count("افتتاح مستشفى جديد في حمص") >= 1 and LEAD in visible


def test_an_english_article_is_marked_english_and_left_to_right(tmp_path):
    seed = (
        "Hospital opens in Homs\n\nThe health ministry opened a new hospital in Homs on Tuesday, "
        "and the minister said that it will serve the whole province.\n"
    )
    root = dossier(tmp_path, {"a.txt": seed.encode()})
    assert ingest(root).returncode == 0
    front = meta(next(iter(pages(root).values())))
    assert (front["lang"], front["dir"]) == ("en", "ltr")
