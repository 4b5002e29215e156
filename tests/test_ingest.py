"""Ingest, unit by unit: splitting, headlines, media markers, escaping, slugs, front matter and
dedupe."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEED, Shown
from hypothesis import given
from hypothesis import strategies as st

from dossier import ingest
from dossier.gazetteer import Gazetteer, load_gazetteer
from dossier.ingest import (
    escape_markdown,
    ingest_seeds,
    known_fingerprints,
    page_meta,
    render_page,
    summarize,
)
from dossier.load import make_markdown, parse_front_matter, split_front_matter
from dossier.split import SeedArticle, split_articles

SEED_TEXT = SEED.read_text(encoding="utf-8")
QAMISHLI = "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي"
PENTAGON = "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا"
GAZETTEER = load_gazetteer(ROOT / "content" / "_data" / "entities.yaml")  # read only


def one(text: str) -> SeedArticle:
    articles = split_articles(text)
    assert len(articles) == 1, articles
    return articles[0]


def meta_of(
    article: SeedArticle, around: dt.date | None = None, gazetteer: Gazetteer = GAZETTEER
) -> dict:
    return page_meta(article, "seed.txt", "ab" * 32, gazetteer, around)


def page_files(content: Path) -> list[Path]:
    return sorted(p for p in content.glob("*.md"))


# Plain text, not Markdown


CONVERTER = make_markdown()


def shown(lines: list[str]) -> Shown:
    CONVERTER.reset()
    return Shown(CONVERTER.convert("\n".join(escape_markdown(line) for line in lines)))


def same_words(a: str, b: str) -> bool:
    return a.split() == b.split()  # HTML shows any run of spaces as one


@pytest.mark.parametrize(
    "line",
    [
        "# ليس عنواناً",
        "## ولا هذا",
        "* ليس بنداً",
        "- ولا هذا",
        "+ ولا هذا",
        "1. ليس قائمة مرقمة",
        "2019. سنة",
        "3) كذلك",
        "> ليس اقتباساً",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "<b>غامق</b>",
        "<!-- تعليق -->",
        "انظر <http://example.com> هنا",
        "راسلنا <a@example.com>",
        "[رابط](javascript:alert(1))",
        "![صورة](x.png)",
        "*مائل* و**غامق** و_تحته_ و`شيفرة`",
        "AT&T و &copy; و &#60; و &amp;",
        "---",
        "===",
        "***",
        "___",
        "| a | b |",
        "\\ شرطة مائلة",
        "[ref]: http://example.com",
        "    مسافة بادئة",
        "~~~",
        "```",
        "...",
    ],
)
def test_a_seed_line_shows_exactly_as_written(line):
    result = shown([line])
    assert result.tags == ["p"], result.tags
    assert same_words("".join(result.text), line)


@pytest.mark.parametrize(
    "second", ["===", "---", "# عنوان", "> اقتباس", "1. أول", "- بند", "    شيفرة"]
)
def test_a_marker_line_inside_a_paragraph_does_not_turn_it_into_something_else(second):
    result = shown(["سطر أول", second, "سطر أخير"])
    assert result.tags == ["p"]
    assert same_words("".join(result.text), f"سطر أول {second} سطر أخير")


MARKDOWN_BITS = st.sampled_from(
    list("#*1.>-+=|_`[]()!<>&;\\/:~ هa")
    + ["&amp;", "<script>", "http://x.y", "a@b.c", "&#60;", "\t", "\u200f", "\u00a0"]
)
LINE = st.lists(MARKDOWN_BITS, min_size=1, max_size=10).map("".join).map(str.strip).filter(bool)


@given(st.lists(LINE, min_size=1, max_size=4))
def test_any_paragraph_of_markdown_syntax_shows_as_written(lines):
    result = shown(lines)
    assert result.tags == ["p"]
    assert same_words("".join(result.text), " ".join(lines))


def test_paragraphs_stay_paragraphs_on_the_page():
    article = one(f"{QAMISHLI}\n\n# أولى\nتتمة الأولى.\n\n> ثانية\n\n1. ثالثة")
    _, body, _ = split_front_matter(render_page(meta_of(article), article), "x.md")
    CONVERTER.reset()
    result = Shown(CONVERTER.convert(body))
    assert result.tags == ["p", "p", "p"]


# Summary and front matter


@pytest.mark.parametrize(
    "text, summary",
    [
        ("الجملة الأولى. والثانية.", "الجملة الأولى."),
        ("هل ينسحبون؟ نعم.", "هل ينسحبون؟"),
        ("نص بلا نهاية", "نص بلا نهاية"),
        ("رقم 3.5 في الجملة. ثم أخرى.", "رقم 3.5 في الجملة."),
    ],
)
def test_summary_is_the_first_sentence(text, summary):
    assert summarize(text) == summary


def test_a_long_first_sentence_is_cut_on_a_word():
    summary = summarize(" ".join(["كلمة"] * 200) + ".")
    assert summary.endswith("…") and len(summary) <= ingest.MAX_SUMMARY_CHARS + 1
    assert summary[:-1].split() == ["كلمة"] * len(summary[:-1].split())


def test_a_hard_wrapped_first_paragraph_gives_a_whole_sentence():
    wrapped = (
        "توجهت مدرعات أمريكية اليوم نحو قاعدة\nهيمو غرب مدينة القامشلي. ثم عادت إلى\n"
        "مواقعها في المساء بعد ساعات قليلة.\n"
    )
    article = one(f"{QAMISHLI}\n\n{wrapped}")
    assert (
        meta_of(article)["summary"]
        == "توجهت مدرعات أمريكية اليوم نحو قاعدة هيمو غرب مدينة القامشلي."
    )


def test_page_meta_holds_every_required_key():
    qamishli, pentagon = split_articles(SEED_TEXT)
    meta = meta_of(qamishli)
    for key in (
        "title",
        "slug",
        "date",
        "lang",
        "dir",
        "sources",
        "places",
        "people",
        "organizations",
        "provenance",
        "summary",
        "media",
        "status",
    ):
        assert key in meta, key
    assert (meta["title"], meta["lang"], meta["dir"], meta["status"], meta["media"]) == (
        QAMISHLI,
        "ar",
        "rtl",
        "new",
        "video",
    )
    assert meta["date"] is None  # never invented
    assert meta["date_evidence"] == {"weekday": "الأربعاء", "quote": "اليوم الأربعاء", "line": 3}
    assert (
        meta["summary"]
        == "توجهت مدرعات أمريكية، اليوم الأربعاء، إلى قاعدة “هيمو” غرب مدينة القامشلي، "
        "لتعيد انتشارها في المنطقة."
    )
    assert meta["provenance"] == {
        "seed": "seed.txt",
        "sha256": "ab" * 32,
        "lines": [1, 11],
        "fingerprint": qamishli.fingerprint,
        "sketch": ingest.article_sketch(qamishli),
    }
    assert "القامشلي" in meta["places"] and meta["sources"] == ["RT", "سانا"]
    assert meta_of(pentagon)["people"] == ["مارك إسبر", "دونالد ترامب"]


def test_around_resolves_the_weekday_and_marks_it_inferred():
    qamishli, pentagon = split_articles(SEED_TEXT)
    meta = meta_of(qamishli, dt.date(2019, 11, 14))
    assert meta["date"] == dt.date(2019, 11, 13)
    assert meta["date_evidence"]["inferred"] is True
    assert "2019-11-14" in meta["date_evidence"]["method"]
    assert meta_of(pentagon, dt.date(2019, 11, 14))["date"] == dt.date(2019, 11, 14)


def test_an_article_without_a_weekday_has_no_date_even_with_around():
    meta = meta_of(one("عنوان\n\nالأحداث على الأرض تتغير."), dt.date(2019, 11, 14))
    assert meta["date"] is None and "date_evidence" not in meta


def test_the_page_round_trips_through_yaml_with_colons_and_hashes():
    article = one("الفصل: الأول تحديث #2 - 'اقتباس' \"مزدوج\" أخير\n\nنص: فيه # علامات.")
    meta = meta_of(article, dt.date(2019, 11, 14))
    text = render_page(meta, article)
    front, body, _ = split_front_matter(text, "x.md")
    loaded, _ = parse_front_matter(front, "x.md")
    assert loaded["title"] == "الفصل: الأول تحديث #2 - 'اقتباس' \"مزدوج\" أخير"
    assert loaded == yaml.safe_load(
        yaml.safe_dump(meta, allow_unicode=True)
    )  # every value intact (dates as text)
    assert body.strip() == "نص: فيه # علامات."


# Slugs and fingerprints


def test_the_slug_is_ascii_and_the_same_whatever_the_spacing_or_invisible_marks():
    variants = [
        f"{QAMISHLI}\n\nنص الخبر هنا.",
        f"  {QAMISHLI}  \n\u00a0\n نص  الخبر\u00a0هنا. ",
        f"\ufeff{QAMISHLI}\n\nنص الخبر\u200c هنا.\u200f",
        f"{QAMISHLI}\n\n\n\nنص الخبر هنا.",
        f"\u200f{QAMISHLI}\u200e\n\u200f\n\u2066نص الخبر هنا.\u2069",
    ]
    articles = [one(text) for text in variants]
    assert {a.title for a in articles} == {
        QAMISHLI
    }  # invisible marks at a title's edges are dropped
    slugs = {meta_of(a)["slug"] for a in articles}
    assert len(slugs) == 1
    slug = slugs.pop()
    assert (
        len(slug) == ingest.SLUG_LENGTH
        and slug.isascii()
        and slug.isalnum()
        and slug == slug.lower()
    )


def test_the_bundled_articles_keep_the_slugs_they_were_published_with():
    assert [meta_of(a)["slug"] for a in split_articles(SEED_TEXT)] == [
        "3972d56c471d",
        "c2b3c7eb976f",
    ]
    assert (ROOT / "content" / "3972d56c471d.md").exists() and (
        ROOT / "content" / "c2b3c7eb976f.md"
    ).exists()


def first_fingerprint(article: SeedArticle) -> str:
    """The fingerprint as first defined: the whole text at once (pages in dossiers carry it)."""
    import hashlib
    import unicodedata

    text = "\n".join([article.title, *(t for _, t in article.lines)])
    text = ingest.arabic.INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
        min_size=1,
        max_size=8,
    )
)
def test_the_fingerprint_never_changes_definition(lines):
    article = SeedArticle(lines[0], None, (tuple(enumerate(lines[1:], 2)),), 1, len(lines))
    assert article.fingerprint == first_fingerprint(article)


def test_the_slug_does_not_depend_on_the_seed_name_or_the_lines():
    article = one(f"{QAMISHLI}\n\nنص الخبر هنا.")
    moved = one(f"\n\n\n{QAMISHLI}\n\nنص الخبر هنا.")
    assert (
        page_meta(article, "a.txt", "0" * 64, Gazetteer(()), None)["slug"]
        == page_meta(moved, "b.txt", "1" * 64, GAZETTEER, dt.date(2020, 1, 1))["slug"]
    )


def test_different_articles_have_different_slugs():
    slugs = {meta_of(one(f"{QAMISHLI}\n\nنص الخبر رقم {n}."))["slug"] for n in range(200)}
    assert len(slugs) == 200


def test_the_slug_survives_a_curator_retitling_the_page(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds)
    content = tmp_path / "content"
    ingest_seeds(seeds, content)
    page_path = content / f"{meta_of(split_articles(SEED_TEXT)[0])['slug']}.md"
    page_path.write_text(
        page_path.read_text(encoding="utf-8").replace(f"title: {QAMISHLI}", "title: عنوان جديد"),
        encoding="utf-8",
    )
    edited = page_path.read_bytes()
    report = ingest_seeds(seeds, content)
    assert (report.written, report.skipped) == ([], 2)
    assert page_path.read_bytes() == edited
    assert len(page_files(content)) == 2


# Dedupe


def write_seed(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_same_article_in_two_seeds_or_twice_in_one_is_one_page(tmp_path):
    seeds = tmp_path / "seeds"
    write_seed(seeds, "a.txt", SEED_TEXT)
    write_seed(seeds, "b.txt", SEED_TEXT.replace("\n", "\r\n"), "cp1256")
    write_seed(seeds, "c.txt", SEED_TEXT + "\n\n" + SEED_TEXT)
    report = ingest_seeds(seeds, tmp_path / "content")
    assert (len(report.written), report.skipped, report.errors) == (2, 6, [])
    assert len(page_files(tmp_path / "content")) == 2
    pages = [p.read_text(encoding="utf-8") for p in page_files(tmp_path / "content")]
    assert all(
        "seed: a.txt" in p for p in pages
    )  # the first seed to bring an article is its provenance


def test_known_fingerprints_read_the_front_matter_only(tmp_path):
    fingerprint = "a" * 64
    make = {
        "page.md": f"---\ntitle: x\nprovenance:\n  fingerprint: '{fingerprint}'\n---\nbody\n",
        "quoted.md": f'---\ntitle: y\nprovenance:\n  fingerprint: "{"b" * 64}"\n---\n',
        "in-body.md": f"---\ntitle: z\n---\nfingerprint: {'c' * 64}\n",
        "no-front-matter.md": f"fingerprint: {'d' * 64}\n",
        "_draft.md": f"---\nfingerprint: {'e' * 64}\n---\n",
        "_backup/page.1.md": f"---\nfingerprint: {'f' * 64}\n---\n",
        ".hidden/page.md": f"---\nfingerprint: {'0' * 64}\n---\n",
        "2019/moved.md": f"---\nprovenance:\n  fingerprint: {'1' * 64}\n---\n",
        "notes.txt": f"---\nfingerprint: {'2' * 64}\n---\n",
    }
    for relative, text in make.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"---\n\xff\xfe\x00" * 100)
    assert known_fingerprints(tmp_path) == {
        "a" * 64: tmp_path / "page.md",
        "b" * 64: tmp_path / "quoted.md",
        "1" * 64: tmp_path / "2019" / "moved.md",
    }


def test_force_rewrites_a_renamed_page_where_it_is_and_adds_no_second_page(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "a.txt", SEED_TEXT)
    ingest_seeds(seeds, content)
    first = page_files(content)[0]
    renamed = content / "2019" / "qamishli.md"
    renamed.parent.mkdir()
    curated = (
        first.read_text(encoding="utf-8").replace("status: new", "status: reviewed")
        + "\nفقرة المحرر.\n"
    )
    renamed.write_text(curated, encoding="utf-8")
    first.unlink()
    assert ingest_seeds(seeds, content).written == []  # without --force: known, left alone
    report = ingest_seeds(seeds, content, force=True)
    assert renamed in report.written
    assert not first.exists()  # no second page for the same article
    regenerated = renamed.read_text(encoding="utf-8")
    assert (
        "status: reviewed" in regenerated and "فقرة المحرر" not in regenerated
    )  # status stays, body is the seed's
    backups = list((content / "_backup").iterdir())
    assert [b.read_text(encoding="utf-8") for b in backups] == [curated]


def test_force_regenerates_each_article_once_even_if_two_seeds_hold_it(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "a.txt", SEED_TEXT)
    ingest_seeds(seeds, content)
    write_seed(seeds, "b.txt", SEED_TEXT, "utf-16")
    before = {p: p.read_bytes() for p in page_files(content)}
    report = ingest_seeds(seeds, content, force=True)
    assert (
        report.written == [] and report.skipped == 4
    )  # same bytes from a.txt; b.txt's copies are not rewritten
    assert {p: p.read_bytes() for p in page_files(content)} == before
    assert not (content / "_backup").exists()


def test_backups_of_the_same_page_in_the_same_second_never_overwrite_each_other(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(ingest.time, "strftime", lambda fmt: "20191114T000000")
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "a.txt", SEED_TEXT)
    ingest_seeds(seeds, content)
    page_path = page_files(content)[0]
    edits = []
    for n in range(3):
        edits.append(page_path.read_text(encoding="utf-8") + f"\nتعديل رقم {n}\n")
        page_path.write_text(edits[-1], encoding="utf-8")
        ingest_seeds(seeds, content, force=True)
    kept = sorted(b.read_text(encoding="utf-8") for b in (content / "_backup").iterdir())
    assert kept == sorted(edits)


def test_a_missing_seed_folder_is_one_error_and_writes_nothing(tmp_path):
    report = ingest_seeds(tmp_path / "nope", tmp_path / "content")
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'nope'}: the seeds folder does not exist"
    ]
    assert not (tmp_path / "content").exists()


def test_a_broken_gazetteer_is_reported_and_the_seeds_still_ingested(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "a.txt", SEED_TEXT)
    (content / "_data").mkdir(parents=True)
    (content / "_data" / "entities.yaml").write_text("places: [\n", encoding="utf-8")
    report = ingest_seeds(seeds, content)
    assert len(report.written) == 2
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(
        str(content / "_data" / "entities.yaml")
    )


# Limits and leftovers


def test_an_article_too_big_for_the_build_is_reported_with_its_lines_and_the_rest_ingested(
    tmp_path, monkeypatch
):
    from dossier import load

    assert ingest.MAX_PAGE_BYTES <= load.MAX_PAGE_BYTES  # never write a page the build refuses
    monkeypatch.setattr(ingest, "MAX_PAGE_BYTES", 20_000)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "a.txt", SEED_TEXT + f"\n\nعنوان خبر طويل جدا\n\n{'جملة طويلة. ' * 3000}\n")
    report = ingest_seeds(seeds, content)
    assert len(report.written) == 2
    assert [str(e) for e in report.errors] == [
        f"{seeds / 'a.txt'}:29: the article on lines 29-31 would make a page of 0.1 MB, "
        "more than the 0 MB the build "
        "accepts; split it in the seed (a headline, a blank line, then its paragraphs)"
    ]


def test_a_seed_too_big_to_hold_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_SEED_BYTES", 1000)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    write_seed(seeds, "big.txt", SEED_TEXT)
    write_seed(seeds, "small.txt", f"{QAMISHLI}\n\nنص قصير.")
    report = ingest_seeds(seeds, content)
    assert len(report.written) == 1
    assert [e.message for e in report.errors] == [
        "the file is 0 MB, more than the 0 MB a seed may hold; split it into smaller files"
    ]


def test_a_file_name_with_a_newline_is_shown_on_one_line(tmp_path):
    seeds = tmp_path / "seeds"
    write_seed(seeds, "bad\nname\t.txt", "")
    report = ingest_seeds(seeds, tmp_path / "content")
    assert [str(e) for e in report.errors] == [
        f"{seeds}/bad\\nname\\t.txt: the file is empty; skipped"
    ]
    assert ingest.shown_path(Path("seeds/خبر عاجل.txt")) == "seeds/خبر عاجل.txt"


def test_temporary_files_left_by_a_killed_ingest_are_removed_once_stale(tmp_path):
    import os

    content = tmp_path / "content"
    stale = [
        content / ".tmp-abc.md",
        content / "_backup" / ".tmp-def.md",
        content / "2019" / ".tmp-ghi.md",
    ]
    fresh = content / ".tmp-jkl.md"
    kept = [content / "page.md", content / ".notes.md", content / "_backup" / "page.1.md"]
    for path in stale + [fresh] + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half a pa", encoding="utf-8")
    for path in stale + kept:
        os.utime(path, (0, 0))
    assert ingest.remove_stale_temporaries(content) == 3
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and all(p.exists() for p in kept)
