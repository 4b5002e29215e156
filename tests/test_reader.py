"""What a reader gets: the feed in any time zone and reader pane, print, and nothing meant for the index only."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_site, run_cli

CURATOR = "سلمى الحداد"


def build(root: Path, *extra: str):
    return run_cli("build", "--content", str(root / "content"), "--out", str(root / "site"),
                   "--base-url", "https://example.org/dossier/", *extra, cwd=root)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import TINY_SITE

    root = make_site(tmp_path_factory.mktemp("reader"), {**TINY_SITE, "dossier.yaml": f"title: ملف تجريبي\ncurator: {CURATOR}\n"})
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
