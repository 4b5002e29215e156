"""End to end: build.py build on small fixture dossiers, checked on the parsed output."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from conftest import make_site, page, run_cli

from dossier.builder import Builder, BuildOptions

ATOM = "{http://www.w3.org/2005/Atom}"


def build(root: Path, *extra: str):
    return run_cli(
        "build", "--content", str(root / "content"), "--out", str(root / "site"), *extra, cwd=root
    )


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link" and ("rel", "canonical") in attrs:
            return  # the one deliberately absolute URL
        for name, value in attrs:
            if (
                name in ("href", "src")
                and value
                and not value.startswith(("#", "data:", "mailto:"))
            ):
                self.links.append(value)


@pytest.fixture
def built(tiny_site: Path) -> Path:
    result = build(tiny_site, "--base-url", "https://example.org/dossier/")
    assert result.returncode == 0, result.stderr
    return tiny_site / "site"


def test_every_page_is_arabic_rtl(built):
    pages = html_files(built)
    assert len(pages) > 10
    for path in pages:
        assert '<html lang="ar" dir="rtl">' in path.read_text(encoding="utf-8"), path


def test_home_lists_articles_newest_first_with_dates_and_places(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    titles = [
        "إسبر يتحدث عن سوريا",
        "وصول رتل إلى القامشلي",
        "تقرير شهري عن الحسكة",
        "مقال بلا تاريخ",
    ]
    positions = [home.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "الخميس 14 تشرين الثاني 2019" in home
    assert "رتل في القامشلي." in home


def test_article_page_has_arabic_and_hijri_dates_entities_and_neighbours(built):
    article = (built / "articles/2019-a/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2019-11-13"' in article
    assert "الأربعاء 13 تشرين الثاني 2019" in article
    assert "16 ربيع الأول 1441 هـ" in article
    assert (
        'href="../../places/%D8%A7%D9%84%D9%82%D8%A7%D9%85%D8%B4%D9%84%D9%8A/index.html"' in article
    )
    assert 'rel="prev" href="../../articles/2019-c/index.html"' in article
    assert 'rel="next" href="../../articles/2019-b/index.html"' in article


def test_timeline_orders_groups_and_shows_precision_and_undated(built):
    timeline = (built / "timeline/index.html").read_text(encoding="utf-8")
    datetimes = re.findall(r'<time datetime="([\d-]+)"', timeline)
    assert datetimes == ["2019-10", "2019-11-13", "2019-11-14"]
    assert timeline.index("تشرين الأول 2019") < timeline.index("تشرين الثاني 2019")
    assert "(الشهر فقط)" in timeline  # the month-only report says so
    undated = timeline[timeline.index('id="undated"') :]
    assert "مقال بلا تاريخ" in undated


def test_spelling_variants_share_one_entity_page(built):
    people = sorted(p.parent.name for p in (built / "people").glob("*/index.html"))
    assert people == ["مارك-إسبر"]
    esper = (built / "people/مارك-إسبر/index.html").read_text(encoding="utf-8")
    assert "إسبر يتحدث عن سوريا" in esper and "وصول رتل إلى القامشلي" in esper
    assert "مقالان" in esper and "مقالًا" not in esper


def test_entity_pages_count_their_articles(built):
    syria = (built / "places/سوريا/index.html").read_text(encoding="utf-8")
    assert syria.count('class="card"') == 3
    index = (built / "entities/index.html").read_text(encoding="utf-8")
    places = re.findall(r"<bdi>([^<]+)</bdi></a> <span class=\"count\">", index)
    # Arabic order, ignoring the article: حسكة < سوريا < قامشلي
    assert places[:3] == ["الحسكة", "سوريا", "القامشلي"]
    assert '<bdi>سوريا</bdi></a> <span class="count">(3 مقالات)</span>' in index
    assert '<bdi>الحسكة</bdi></a> <span class="count">(مقال واحد)</span>' in index
    assert "4 مقالات، الأحدث أولًا." in (built / "index.html").read_text(encoding="utf-8")


def test_feed_and_sitemap_parse_and_use_the_base_url(built):
    import feedparser

    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries][:2] == ["إسبر يتحدث عن سوريا", "وصول رتل إلى القامشلي"]
    assert len(feed.entries) == 4
    assert feed.entries[0].link == "https://example.org/dossier/articles/2019-b/"
    sitemap = ET.parse(built / "sitemap.xml").getroot()
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "https://example.org/dossier/" in locations
    assert "https://example.org/dossier/timeline/" in locations
    assert len(locations) == len(html_files(built)) - 1  # every page but 404


def test_every_internal_link_resolves_from_disk_and_any_sub_path(built):
    for path in html_files(built):
        if path.name == "404.html":
            # served at whatever address was missed: its links start from the base URL's path
            # (below)
            continue
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        for link in parser.links:
            assert not re.match(r"^[a-z]+://", link) and not link.startswith("//"), (
                f"{path}: absolute link {link}"
            )
            target = unquote(
                urljoin(path.relative_to(built).as_posix(), link).split("?")[0].split("#")[0]
            )
            if target.startswith("pagefind/"):
                continue
            assert (built / target).is_file(), f"{path}: broken link {link}"


def test_404_page_links_from_the_base_url_path_so_it_works_at_any_depth(built, tiny_site):
    parser = Links()
    parser.feed((built / "404.html").read_text(encoding="utf-8"))
    assert parser.links and all(link.startswith("/dossier/") for link in parser.links), parser.links
    for link in parser.links:
        target = unquote(link[len("/dossier/") :].split("?")[0].split("#")[0])
        assert (built / target).is_file() or target.startswith("pagefind/"), link
    assert (
        build(tiny_site).returncode == 0
    )  # no base URL anywhere: links relative to the site's root folder
    parser = Links()
    parser.feed((tiny_site / "site" / "404.html").read_text(encoding="utf-8"))
    assert all(
        (tiny_site / "site" / unquote(link.split("#")[0])).is_file() for link in parser.links
    ), parser.links


def test_drafts_are_left_out_unless_asked(tiny_site):
    make_site(tiny_site, {"content/draft.md": page("مسودة سرية", "2019-12-01", status="draft")})
    assert build(tiny_site).returncode == 0
    assert not (tiny_site / "site/articles/draft").exists()
    assert "مسودة سرية" not in (tiny_site / "site/index.html").read_text(encoding="utf-8")
    assert build(tiny_site, "--drafts").returncode == 0
    assert (tiny_site / "site/articles/draft/index.html").exists()


def test_curator_events_appear_on_timeline_and_entity_pages(tiny_site):
    make_site(
        tiny_site,
        {
            "content/_data/events.yaml": """\
        - date: 2019-11-20
          text: انسحاب من قاعدة قرب الحسكة
          places: [الحسكة]
        - date: 2018
          text: حدث معروف بالسنة فقط
    """
        },
    )
    assert build(tiny_site).returncode == 0
    timeline = (tiny_site / "site/timeline/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2019-11-20"' in timeline and '<time datetime="2018"' in timeline
    assert "(السنة فقط)" in timeline
    assert "انسحاب من قاعدة قرب الحسكة" in (tiny_site / "site/places/الحسكة/index.html").read_text(
        encoding="utf-8"
    )


def test_errors_name_file_and_line_and_all_are_reported(tiny_site):
    make_site(
        tiny_site,
        {
            "content/colon.md": "---\ntitle: الفصل: الأول\n---\nنص\n",
            "content/baddate.md": "---\ntitle: عنوان\nlang: ar\ndate: 2019-02-30\n---\nنص\n",
            "content/notitle.md": "---\ndate: 2019-01-01\n---\nنص\n",
            "content/wrongtype.md": "---\ntitle: عنوان\nplaces: القامشلي\n---\nنص\n",
        },
    )
    result = build(tiny_site)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(
        re.search(r"content/colon\.md:2: mapping values are not allowed", line) for line in lines
    ), lines
    assert any(
        re.search(r"content/baddate\.md:4: 2019-02-30 is an impossible date", line)
        for line in lines
    ), lines
    assert any(
        re.search(r"content/notitle\.md:\d+: a 'title' is required", line) for line in lines
    ), lines
    assert any(
        re.search(r"content/wrongtype\.md:3: 'places' must be a list", line) for line in lines
    ), lines
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_previous_site_byte_for_byte(tiny_site):
    assert build(tiny_site).returncode == 0
    site = tiny_site / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (tiny_site / "content/2019-a.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    result = build(tiny_site)
    assert result.returncode == 1
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_unknown_key_is_a_warning_not_an_error(tiny_site):
    make_site(tiny_site, {"content/x.md": "---\ntitle: عنوان\nreviewer: سلمى\n---\nنص\n"})
    result = build(tiny_site)
    assert result.returncode == 0
    assert re.search(r"content/x\.md:3: unknown key 'reviewer'", result.stderr)


def test_two_pages_with_one_slug_is_an_error_naming_both(tiny_site):
    make_site(tiny_site, {"content/sub/2019-a.md": page("نسخة أخرى", "2019-01-01")})
    result = build(tiny_site)
    assert result.returncode == 1
    assert "content/sub/2019-a.md" in result.stderr and "content/2019-a.md" in result.stderr


def test_template_error_names_template_and_line(tiny_site):
    make_site(
        tiny_site,
        {
            "layouts/home.html": '{% extends "base.html" %}\n{% block main %}\n'
            "{{ no_such_thing }}\n{% endblock %}\n"
        },
    )
    result = build(tiny_site)
    assert result.returncode == 1
    assert re.search(r"layouts/home\.html:3: .*'no_such_thing' is undefined", result.stderr), (
        result.stderr
    )


def test_curator_layout_overrides_one_template(tiny_site):
    make_site(
        tiny_site,
        {
            "layouts/404.html": '{% extends "base.html" %}'
            "{% block main %}<h1>ضائع</h1>{% endblock %}"
        },
    )
    assert build(tiny_site).returncode == 0
    assert "<h1>ضائع</h1>" in (tiny_site / "site/404.html").read_text(encoding="utf-8")
    assert "الخط الزمني" in (tiny_site / "site/index.html").read_text(encoding="utf-8")


def test_outputs_no_longer_produced_are_removed(tiny_site):
    assert build(tiny_site).returncode == 0
    (tiny_site / "content/undated.md").unlink()
    assert build(tiny_site).returncode == 0
    assert not (tiny_site / "site/articles/undated").exists()


class Loads(HTMLParser):
    """What a browser fetches: scripts, images, styles, preloads, icons."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("rel") in (
            "stylesheet",
            "preload",
            "icon",
            "modulepreload",
        ):
            self.urls.append(attributes["href"])


def test_site_loads_nothing_from_other_hosts(built):
    for path in html_files(built):
        parser = Loads()
        parser.feed(path.read_text(encoding="utf-8"))
        for url in parser.urls:
            assert not re.match(r"^([a-z]+:)?//", url), f"{path}: {url}"
    for path in (built / "static").rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", path.read_text(encoding="utf-8")):
            assert not re.match(r"^[\"']?([a-z]+:)?//", url), f"{path}: {url}"


def test_font_and_licence_are_served_from_the_site(built):
    assert list((built / "static/fonts").glob("*.woff2"))
    assert "SIL Open Font License" in (built / "static/fonts/OFL.txt").read_text(encoding="utf-8")


def test_bundled_dossier_builds(tmp_path):
    from conftest import ROOT

    result = run_cli("build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي" in home
    assert "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا" in home


LINKS_OUT = {  # where a link is planted -> what it points at, outside the project
    "layouts/static/leak.txt": "secret.txt",
    "layouts/static/etc": ".",
    "layouts/page.html": "secret.txt",
    "content/leak.md": "page.md",
    "content/_data/entities.yaml": "secret.txt",
    "dossier.yaml": "secret.txt",
}


@pytest.mark.parametrize("link", sorted(LINKS_OUT))
def test_a_link_out_of_the_project_is_an_error_naming_it(tiny_site, tmp_path_factory, link):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("places: []\nsecret: كلمة السر\n", encoding="utf-8")
    (outside / "page.md").write_text(page("صفحة من خارج المشروع", "2020-01-01"), encoding="utf-8")
    planted = tiny_site / link
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.unlink(missing_ok=True)
    planted.symlink_to(outside / LINKS_OUT[link])
    result = build(tiny_site)
    assert result.returncode == 1
    assert f"{link}: a link out of the project (to {outside}" in result.stderr, result.stderr
    assert not (tiny_site / "site").exists()


def test_the_content_folder_as_a_link_out_of_the_project_is_an_error(tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    make_site(elsewhere, {"content/a.md": page("مقال", "2020-01-01")})
    root = tmp_path_factory.mktemp("project")
    (root / "content").symlink_to(elsewhere / "content")
    result = run_cli("build", "--content", "content", "--out", "site", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "content: a link out of the project" in result.stderr


def test_links_that_stay_inside_the_project_are_followed(tiny_site):
    (tiny_site / "shared").mkdir()
    (tiny_site / "shared" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tiny_site / "layouts" / "static").mkdir(parents=True)
    (tiny_site / "layouts" / "static" / "logo.svg").symlink_to(tiny_site / "shared" / "logo.svg")
    result = build(tiny_site)
    assert result.returncode == 0, result.stderr
    assert (tiny_site / "site" / "static" / "logo.svg").read_text(encoding="utf-8") == "<svg/>"


def test_controls_and_open_bidi_overrides_never_reach_an_output(tiny_site):
    make_site(
        tiny_site,
        {
            "content/2019-a.md": '---\ntitle: "خبر \\x01 منسوخ من وورد \\uFFFE"\ndate: 2019-11-13\n'
            'summary: "ملخص \\u202e معكوس"\n---\n\nنص \x0b فيه حرف تحكم.\n',
            "content/2019-b.md": page(
                "عنوان \u202e فيه تجاوز لم يُغلق", "2019-11-14", places=["\u2067سوريا"]
            ),
        },
    )
    result = build(tiny_site, "--base-url", "https://example.org/")
    assert result.returncode == 0, result.stderr
    for path in (tiny_site / "site").rglob("*"):
        if path.suffix in (".xml", ".html") and "pagefind" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]", text), path
            assert text.count("\u202e") == text.count("\u202c"), path  # each override closed
            assert text.count("\u2067") == text.count("\u2069"), path
            if path.suffix == ".xml":
                ET.parse(path)
    article = (tiny_site / "site/articles/2019-b/index.html").read_text("utf-8")
    title = re.search("<title>(.*?)</title>", article)
    assert "\u202e فيه تجاوز لم يُغلق\u202c" in title.group(1)


def test_a_template_making_malformed_xml_fails_the_build_and_keeps_the_site(tiny_site):
    assert build(tiny_site).returncode == 0
    before = (tiny_site / "site" / "feed.xml").read_bytes()
    make_site(tiny_site, {"layouts/feed.xml": "<feed><entry>{{ site.settings.title }}</feed>\n"})
    result = build(tiny_site)
    assert result.returncode == 1
    assert "feed.xml:1: this output is not well-formed XML (mismatched tag" in result.stderr
    assert (tiny_site / "site" / "feed.xml").read_bytes() == before


def test_a_page_whose_file_name_is_not_utf8_is_one_clear_error(tiny_site):
    windows_name = os.fsdecode("خبر".encode("cp1256") + b".md")  # as a zip made on Windows names it
    text = page("خبر", "2020-01-01", slug="win")
    (tiny_site / "content" / windows_name).write_text(text, encoding="utf-8")
    for _ in range(2):  # and again: nothing left behind makes the next run fail otherwise
        result = build(tiny_site)
        assert result.returncode == 1
        message = (
            r"content/\xce\xc8\xd1.md: the file name is not UTF-8 (a Windows zip?): rename the file"
        )
        assert message in result.stderr.splitlines(), result.stderr
        assert not list(tiny_site.glob(".site.cache.json*")), result.stderr


def test_an_entity_page_keeps_its_address_whatever_spelling_the_newest_article_uses(tiny_site):
    older = page("خبر قديم", "2019-01-01", people=["احمد الخطيب"])
    make_site(tiny_site, {"content/older.md": older})
    assert build(tiny_site).returncode == 0
    address = [p.parent.name for p in (tiny_site / "site" / "people").glob("*الخطيب*/index.html")]
    assert len(address) == 1
    newer = page("خبر أحدث", "2020-01-01", people=["أحمد الخطيب"])
    make_site(tiny_site, {"content/newer.md": newer})
    assert build(tiny_site).returncode == 0
    person = tiny_site / "site" / "people" / address[0] / "index.html"
    assert person.is_file(), sorted(p.name for p in (tiny_site / "site" / "people").iterdir())
    assert "خبر قديم" in person.read_text("utf-8") and "خبر أحدث" in person.read_text("utf-8")


def test_a_gazetteer_entity_keeps_its_own_spelling_in_its_address(built):
    assert (built / "places" / "الحسكة" / "index.html").is_file()


def test_cards_show_a_bounded_number_of_names_so_entity_pages_stay_small(tiny_site):
    places = [f"بلدة رقم {n}" for n in range(200)]
    many = page("خبر يسمي مئتي بلدة", "2020-01-01", places=places)
    make_site(tiny_site, {"content/many.md": many})
    assert build(tiny_site).returncode == 0
    place_pages = [
        p for p in (tiny_site / "site/places").glob("*/index.html") if "رقم" in p.parent.name
    ]
    assert len(place_pages) == 200
    for place_page in place_pages[:5]:  # each repeats the card: never all 200 names
        text = place_page.read_text("utf-8")
        assert text.count("بلدة رقم") < 20, place_page
        assert "وغيرها (192)" in text
    article = (tiny_site / "site" / "articles" / "many" / "index.html").read_text("utf-8")
    assert all(f">{name}<" in article for name in places)  # its own page names them all
    total = sum(p.stat().st_size for p in (tiny_site / "site").rglob("*") if p.is_file())
    assert total < 200 * 40_000, total


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//",
        "example.org/dossier/",
        "//example.org/",
        "ftp://example.org/",
        "http://[::1",
        "https://example.org/?a=1",
    ],
)
def test_a_base_url_that_is_not_an_http_address_is_an_error(tiny_site, url):
    make_site(tiny_site, {"dossier.yaml": f"title: ملف\nbase_url: {url!r}\n"})
    result = build(tiny_site)
    assert result.returncode == 1
    assert "dossier.yaml:2: 'base_url' must" in result.stderr, result.stderr
    make_site(tiny_site, {"dossier.yaml": "title: ملف\n"})
    result = build(tiny_site, "--base-url", url)
    assert result.returncode == 1 and "--base-url: 'base_url' must" in result.stderr, result.stderr
    assert not (tiny_site / "site").exists()


def test_an_unreadable_folder_in_content_is_an_error_naming_it(tiny_site, monkeypatch):
    folder = tiny_site / "content" / "2020"
    make_site(tiny_site, {"content/2020/hidden.md": page("مقال في مجلد لا يُقرأ", "2020-01-01")})
    if os.geteuid() == 0:  # root reads every folder: refuse this one as the system refuses a user
        scandir = os.scandir

        def refusing(path="."):
            if os.fspath(path) == str(folder):
                raise PermissionError(13, "Permission denied", str(folder))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", refusing)
    else:
        folder.chmod(0)
    try:
        result = Builder.for_cli(
            BuildOptions(tiny_site / "content", tiny_site / "site", search=False), keep_cache=False
        ).build()
    finally:
        folder.chmod(0o755)
    assert [str(e) for e in result.errors] == [
        f"{folder}: this folder cannot be read (Permission denied): its pages would be left out"
    ]
    assert not (tiny_site / "site").exists()


def test_an_article_in_another_language_carries_its_lang_and_dir(tiny_site):
    make_site(
        tiny_site,
        {
            "content/english.md": page(
                "Convoy reaches Qamishli",
                "2020-01-01",
                lang="en",
                places=["القامشلي"],
                summary="A short English summary.",
                body="The convoy arrived today.",
            ),
            "content/farsi.md": page("کاروان به قامشلی رسید", "2020-01-02", lang="fa", body="متن."),
            "content/mixed.md": page("عنوان بلغتين", "2020-01-03", dir="auto", body="نص."),
        },
    )
    assert build(tiny_site).returncode == 0
    article = (tiny_site / "site/articles/english/index.html").read_text("utf-8")
    assert '<bdi lang="en" dir="ltr">Convoy reaches Qamishli</bdi>' in article
    assert '<div class="body" lang="en" dir="ltr">' in article and '"inLanguage": "en"' in article
    farsi = tiny_site / "site/articles/farsi/index.html"
    mixed = tiny_site / "site/articles/mixed/index.html"
    assert '<div class="body" lang="fa" dir="rtl">' in farsi.read_text("utf-8")
    assert '<div class="body" lang="ar" dir="auto">' in mixed.read_text("utf-8")
    for listing in ("index.html", "places/القامشلي/index.html"):  # its card, wherever it appears
        text = (tiny_site / "site" / listing).read_text("utf-8")
        assert '<bdi lang="en" dir="ltr">Convoy reaches Qamishli</bdi>' in text, listing
        summary = '<p class="summary" lang="en" dir="ltr">A short English summary.</p>'
        assert summary in text, listing
    arabic = (tiny_site / "site/articles/2019-a/index.html").read_text("utf-8")
    assert '<div class="body">' in arabic and '<h1 data-pagefind-meta="title"><bdi>' in arabic
