"""The data to download: the files parse, match the site, and are described on «عن البيانات»."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import TINY_SITE, build_site, make_site

BASE = "https://example.org/dossier/"
EVENTS = """\
- date: 2019-11-20
  text: اجتماع طارئ في الحسكة.
  places: [الحسكة]
  people: [اسبر]
"""
GAZETTEER = TINY_SITE["content/_data/entities.yaml"].replace(
    "    latin: Qamishli\n", "    latin: Qamishli\n    coordinates: [37.05, 41.22]\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_site(
        tmp_path_factory.mktemp("data"),
        {
            **TINY_SITE,
            "content/_data/events.yaml": EVENTS,
            "content/_data/entities.yaml": GAZETTEER,
        },
    )
    result = build_site(root, "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    return root / "site"


def load(site: Path, name: str):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def local(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return site / unquote(url[len(BASE) :]) / "index.html"


def test_articles_json_lists_every_article_as_the_site_shows_it(site):
    articles = {a["title"]: a for a in load(site, "articles.json")}
    assert len(articles) == 4
    for article in articles.values():
        assert article["title"] in local(site, article["url"]).read_text(encoding="utf-8")
    monthly = articles["تقرير شهري عن الحسكة"]
    assert (monthly["date"], monthly["precision"]) == ("2019-10", "month")
    assert (
        articles["مقال بلا تاريخ"]["date"] is None
        and articles["مقال بلا تاريخ"]["precision"] is None
    )
    assert articles["إسبر يتحدث عن سوريا"]["people"] == [
        "مارك إسبر"
    ]  # the gazetteer's name, not «اسبر»
    assert articles["إسبر يتحدث عن سوريا"]["sources"] == ["سانا", "RT"]


def test_articles_csv_holds_the_same_articles(site):
    raw = (site / "data/articles.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_title = {a["title"]: a for a in load(site, "articles.json")}
    assert {r["title"] for r in rows} == set(by_title)
    for row in rows:
        article = by_title[row["title"]]
        assert row["url"] == article["url"] and row["date"] == (article["date"] or "")
        assert row["places"].split(" | ") == article["places"] or (
            not row["places"] and not article["places"]
        )


def test_events_json_holds_the_curator_s_events(site):
    events = load(site, "events.json")
    assert events == [
        {
            "date": "2019-11-20",
            "precision": "day",
            "end": None,
            "text": "اجتماع طارئ في الحسكة.",
            "places": ["الحسكة"],
            "people": ["اسبر"],
            "article": None,
        }
    ]


def test_entities_json_holds_variants_coordinates_and_pages(site):
    entities = {(e["kind"], e["name"]): e for e in load(site, "entities.json")}
    qamishli = entities["places", "القامشلي"]
    assert qamishli["coordinates"] == [37.05, 41.22] and qamishli["latin"] == "Qamishli"
    assert qamishli["articles"] == 2
    esper = entities["people", "مارك إسبر"]
    assert {"إسبر", "اسبر"} <= set(esper["variants"]) and esper["events"] == 1
    for entity in entities.values():
        assert local(site, entity["url"]).is_file(), entity


def test_the_data_page_describes_each_file_and_the_footer_links_it(site):
    page = (site / "data/index.html").read_text(encoding="utf-8")
    assert "<h1>عن البيانات</h1>" in page
    for name in ("articles.json", "articles.csv", "events.json", "entities.json"):
        assert f'href="{name}"' in page
    assert "4 مقالات" in page and "حدث واحد" in page
    assert 'href="data/index.html">البيانات للتنزيل</a>' in (site / "index.html").read_text(
        encoding="utf-8"
    )
