"""What a reader gets: the feed in any time zone and reader pane, print, and nothing meant for the
index only."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_site, run_cli

CURATOR = "سلمى الحداد"


def build(root: Path, *extra: str):
    return run_cli(
        "build",
        "--content",
        str(root / "content"),
        "--out",
        str(root / "site"),
        "--base-url",
        "https://example.org/dossier/",
        *extra,
        cwd=root,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import TINY_SITE

    root = make_site(
        tmp_path_factory.mktemp("reader"),
        {**TINY_SITE, "dossier.yaml": f"title: ملف تجريبي\ncurator: {CURATOR}\n"},
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def feed(built):
    import feedparser

    parsed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.mark.parametrize("hours", [-12, -8, 0, 3, 11])
def test_feed_days_hold_in_every_time_zone_from_utc_minus_12_to_plus_11(feed, hours):
    zone = dt.timezone(dt.timedelta(hours=hours))
    by_title = {e.title: e for e in feed.entries}
    published = dt.datetime.fromisoformat(by_title["وصول رتل إلى القامشلي"].published)
    assert published.astimezone(zone).date() == dt.date(2019, 11, 13)


def test_feed_states_a_month_only_date_as_such(feed):
    entry = {e.title: e for e in feed.entries}["تقرير شهري عن الحسكة"]
    assert "تشرين الأول 2019 (الشهر فقط، اليوم غير معروف)" in entry.content[0].value
    assert entry.published.startswith("2019-10-01T12:00:00")


def test_feed_content_runs_right_to_left_in_any_reader_pane(feed):
    for entry in feed.entries:
        assert entry.content[0].value.startswith('<div dir="rtl" lang="ar">'), entry.title


def test_feed_author_is_the_curator_not_the_dossier(feed):
    assert feed.feed.author == CURATOR


BARE_FORM = re.compile(r"(?<!\w)مدرعات")  # the clitic-free form alone, not inside «والمدرعات»
CLITIC_BODY = "عبرت فالقافلة والمدرعات الطريق لدمشق وللمرة الأولى."


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    from conftest import TINY_SITE, page

    root = make_site(
        tmp_path_factory.mktemp("indexed"),
        {**TINY_SITE, "content/2019-d.md": page("رحلة القافلة", "2019-11-15", body=CLITIC_BODY)},
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_no_page_a_reader_gets_holds_the_index_only_forms(indexed):
    for path in indexed.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert 'data-pagefind-meta="forms"' not in text and not BARE_FORM.search(text), path
    assert not (indexed / ".search-source").exists()


@pytest.mark.skipif(shutil.which("w3m") is None, reason="w3m not installed: apt-get install w3m")
def test_a_text_browser_prints_no_stray_word_list(indexed):
    article = indexed / "articles/2019-d/index.html"
    shown = subprocess.run(
        ["w3m", "-dump", "-T", "text/html", "-O", "UTF-8", str(article)],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "فالقافلة والمدرعات" in shown
    assert not BARE_FORM.search(shown)


def test_the_index_still_holds_the_forms(indexed):
    import gzip

    fragments = [
        gzip.decompress(p.read_bytes())
        for p in (indexed / "pagefind/fragment").glob("*.pf_fragment")
    ]
    found = [f for f in fragments if "والمدرعات".encode() in f]
    assert found and BARE_FORM.search(found[0].decode("utf-8"))


def w3m_dump(path: Path) -> str:
    if shutil.which("w3m") is None:
        pytest.skip("w3m not installed: apt-get install w3m")
    return subprocess.run(
        ["w3m", "-dump", "-T", "text/html", "-O", "UTF-8", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


@pytest.mark.parametrize(
    "output_path, dead",
    [
        ("search/index.html", "عرض المزيد"),
        ("search/index.html", "لا يعمل عند فتح الملفات"),
        ("timeline/index.html", "اعرض ما يخص"),
    ],
)
def test_a_text_browser_meets_no_control_that_needs_javascript(built, output_path, dead):
    assert dead not in w3m_dump(built / output_path)


def test_the_entity_index_has_one_name_in_the_menu_its_title_and_heading(built):
    name = "الأماكن والأشخاص والمنظمات والمصادر"
    index = (built / "entities/index.html").read_text(encoding="utf-8")
    assert (
        f'aria-current="page">{name}</a>' in index
        and f"<title>{name} · " in index
        and f"<h1>{name}</h1>" in index
    )
    assert f">{name}</a>" in (built / "index.html").read_text(encoding="utf-8")


def test_cards_name_people_and_organizations_too(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    card = home[home.index("إسبر يتحدث عن سوريا") :]
    card = card[: card.index("</article>")]
    assert "<dt>أشخاص</dt>" in card and "مارك إسبر" in card


def test_a_lone_next_link_keeps_its_side_and_both_have_arrows(built):
    first = (built / "articles/2019-c/index.html").read_text(
        encoding="utf-8"
    )  # the oldest dated article
    pager = first[first.index('<nav class="pager"') :]
    assert 'rel="prev"' not in pager[: pager.index("</nav>")]
    assert '<span aria-hidden="true"> ←</span></a>' in pager
    css = (built / "static/style.css").read_text(encoding="utf-8")
    assert '.pager [rel="next"] { margin-inline-start: auto; }' in css and ".pagination a" in css


def test_every_page_has_link_preview_metadata(built):
    article = (built / "articles/2019-a/index.html").read_text(encoding="utf-8")
    for tag in [
        '<meta property="og:title" content="وصول رتل إلى القامشلي">',
        '<meta property="og:type" content="article">',
        '<meta property="og:url" content="https://example.org/dossier/articles/2019-a/">',
        '<meta property="og:description" content="رتل في القامشلي.">',
        '<meta name="twitter:card" content="summary">',
        '<meta property="article:published_time" content="2019-11-13">',
    ]:
        assert tag in article
    for path in built.rglob("*.html"):
        if "pagefind" not in path.parts:
            assert '<meta property="og:url"' in path.read_text(encoding="utf-8"), path


def test_a_name_not_in_the_gazetteer_is_said_with_the_nearest_known(tmp_path):
    from conftest import TINY_SITE, page

    make_site(
        tmp_path,
        {**TINY_SITE, "content/x.md": page("خبر", "2019-11-20", places=["القامشل", "قرية مجهولة"])},
    )
    result = build(tmp_path, "--no-search")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "content/x.md:4: name not in the gazetteer: 'القامشل', nearest: 'القامشلي'" in lines, (
        lines
    )
    assert "content/x.md:4: name not in the gazetteer: 'قرية مجهولة'" in lines
