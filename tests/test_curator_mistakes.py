"""A curator's typos are errors at their own line, saying what was meant; their own extra keys stay
allowed."""

from __future__ import annotations

from conftest import build_site, make_site
from test_serve import bump, preview_for, rebuild

from dossier.serve import with_banner

build = build_site


def test_near_miss_top_level_key_fails_the_build_at_its_line(tiny_site):
    make_site(
        tiny_site,
        {"content/x.md": "---\ntitle: عنوان\ndate: 2019-01-02\npeopel: [مارك إسبر]\n---\nنص\n"},
    )
    result = build(tiny_site)
    assert result.returncode == 1
    assert (
        "content/x.md:4: unknown key 'peopel': did you mean 'people'?" in result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr


def test_own_key_is_a_warning_and_the_build_goes_on(tiny_site):
    make_site(tiny_site, {"content/x.md": "---\ntitle: عنوان\nملاحظات: للمراجعة\n---\nنص\n"})
    result = build(tiny_site)
    assert result.returncode == 0, result.stderr
    assert "content/x.md:3: unknown key 'ملاحظات' is ignored" in result.stderr


EVENTS_PAGE = """---
title: عنوان
events:
  - date: 2019-11-13
    text: وصل الرتل.
  - date: 2019-11-14
    text: غادر الرتل.
    plases: [القامشلي]
  - date: 2019-11-15
    text: حدث ثالث.
    precision: week
---
نص
"""


def test_event_typos_and_errors_are_reported_at_the_event_s_own_lines(tiny_site):
    make_site(tiny_site, {"content/x.md": EVENTS_PAGE})
    result = build(tiny_site)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "content/x.md:8: unknown key 'plases': did you mean 'places'?" in lines
    assert any(line.startswith("content/x.md:11: 'precision' must be one of") for line in lines), (
        lines
    )


def test_events_file_typo_is_reported_at_its_line(tiny_site):
    make_site(
        tiny_site,
        {"content/_data/events.yaml": "- date: 2019-11-01\n  text: حدث.\n  peple: [مارك إسبر]\n"},
    )
    result = build(tiny_site)
    assert result.returncode == 1
    assert (
        "content/_data/events.yaml:3: unknown key 'peple': did you mean 'people'?"
        in result.stderr.splitlines()
    )


def test_unclosed_flow_list_is_reported_where_its_bracket_opened(tiny_site):
    make_site(
        tiny_site,
        {
            "content/x.md": "---\ntitle: عنوان\nplaces: [القامشلي, الحسكة\npeople: [اسبر]\n"
            "date: 2019-01-01\n---\nنص\n"
        },
    )
    result = build(tiny_site)
    assert result.returncode == 1
    assert any(line.startswith("content/x.md:3: ") for line in result.stderr.splitlines()), (
        result.stderr
    )


def test_settings_typo_says_what_was_meant(tiny_site):
    make_site(tiny_site, {"dossier.yaml": "title: ملف\nlocal: ar_SY\n"})
    result = build(tiny_site)
    assert result.returncode == 1
    assert "dossier.yaml:2: unknown setting 'local'; did you mean 'locale'?" in result.stderr


def test_preview_banner_shows_the_typo_in_arabic(tiny_site):
    preview = preview_for(tiny_site)
    article = tiny_site / "content/2019-a.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("people:", "peopel:"), encoding="utf-8"
    )
    bump(article)
    assert rebuild(preview) == []
    assert any("did you mean 'people'?" in error for error in preview.errors)
    shown = with_banner(b"<html><body><p>x</p></body></html>", preview.errors).decode()
    assert 'lang="ar" dir="rtl"' in shown and "تعذّر بناء الموقع: مشكلة واحدة." in shown
    assert "did you mean &#x27;people&#x27;?" in shown
