"""Dates: weekday evidence in Arabic text, resolving it near a date, partial dates and Arabic
display."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.dates import (
    PartialDate,
    WeekdayEvidence,
    find_weekday,
    format_arabic,
    format_hijri,
    parse_partial_date,
    resolve_weekday,
)


@pytest.mark.parametrize(
    "text, weekday, quote",
    [
        ("توجهت مدرعات أمريكية، اليوم الأربعاء، إلى قاعدة", "الأربعاء", "اليوم الأربعاء"),
        ("كشف وزير الدفاع الأميركي مارك اسبر الخميس أن بلاده", "الخميس", "الخميس"),
        ("وقال أمس الاثنين إن", "الاثنين", "أمس الاثنين"),
        ("يصل غداً الجمعة", "الجمعة", "غدًا الجمعة"),
        ("في اجتماع عقد والسبت", "السبت", "السبت"),
        ("اليوم الاربعاء", "الأربعاء", "اليوم الأربعاء"),  # bare alef
        ("يوم الجمعه", "الجمعة", "الجمعة"),  # ة written ه
        ("الثُّلَاثَاء", "الثلاثاء", "الثلاثاء"),  # diacritics
        ("الأحـــد", "الأحد", "الأحد"),  # tatweel
    ],
)
def test_weekday_evidence_is_found_with_its_quote(text, weekday, quote):
    found = find_weekday([(7, text)])
    assert (found.weekday, found.quote, found.line) == (weekday, quote, 7)


@pytest.mark.parametrize(
    "text",
    [
        "الأمور تتغير، الأحداث على الأرض تتغير",  # «الأحداث» (events) holds «الأحد»
        "أحدث الأخبار الأحدث",
        "الجمعية العامة للأمم المتحدة",
        "السبتية والخميسي",
        "لا يوم في هذا النص",
    ],
)
def test_no_weekday_is_read_inside_another_word(text):
    assert find_weekday([(1, text)]) is None


def test_the_first_mention_wins_and_carries_its_line():
    lines = [(3, "لا شيء هنا"), (5, "وصل الخميس"), (6, "وغادر الجمعة")]
    assert find_weekday(lines) == WeekdayEvidence("الخميس", "الخميس", 5)


@pytest.mark.parametrize(
    "weekday, around, expected",
    [
        (
            "الأربعاء",
            "2019-11-14",
            "2019-11-13",
        ),  # the Qamishli item, reported around the Esper remarks
        ("الخميس", "2019-11-14", "2019-11-14"),
        ("الخميس", "2019-11-10", "2019-11-07"),  # Sunday: Thursday 3 days back, not 4 ahead
        ("الاربعاء", "2019-11-10", "2019-11-13"),  # Sunday: Wednesday 3 days ahead
        ("الجمعه", "2019-12-31", "2020-01-03"),
        ("الأحد", "2020-03-01", "2020-03-01"),
    ],
)
def test_resolve_weekday_picks_the_nearest_such_day(weekday, around, expected):
    assert resolve_weekday(weekday, dt.date.fromisoformat(around)) == dt.date.fromisoformat(
        expected
    )


def test_resolve_weekday_is_never_more_than_three_days_away():
    start = dt.date(2024, 2, 26)
    for offset in range(14):
        around = start + dt.timedelta(days=offset)
        for name in ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"):
            found = resolve_weekday(name, around)
            assert abs((found - around).days) <= 3
            assert find_weekday([(1, name)]).weekday == name


@pytest.mark.parametrize(
    "value, iso, precision",
    [
        ("2019-11-13", "2019-11-13", "day"),
        ("2019-11", "2019-11", "month"),
        ("2019", "2019", "year"),
        (2019, "2019", "year"),
        (dt.date(2019, 11, 14), "2019-11-14", "day"),
        (dt.datetime(2019, 11, 14, 8, 30), "2019-11-14", "day"),
    ],
)
def test_partial_dates_keep_their_precision(value, iso, precision):
    date = parse_partial_date(value)
    assert (date.iso, date.precision) == (iso, precision)


@pytest.mark.parametrize(
    "value, words",
    [
        ("2019-02-30", "impossible"),
        ("2019-13", "impossible"),
        ("13/11/2019", "not a date"),
        ("", "not a date"),
        ("tomorrow", "not a date"),
        (None, "not a date"),
        (0, "not a date"),
        (["2019"], "not a date"),
    ],
)
def test_bad_dates_are_value_errors_naming_the_problem(value, words):
    with pytest.raises(ValueError, match=words):
        parse_partial_date(value)


def test_partial_dates_sort_by_their_first_day():
    dates = [parse_partial_date(v) for v in ("2019-11-14", "2019", "2019-11", "2018-12-31")]
    assert [d.iso for d in sorted(dates)] == ["2018-12-31", "2019", "2019-11", "2019-11-14"]


def test_arabic_and_hijri_display():
    wednesday = PartialDate(dt.date(2019, 11, 13))
    assert format_arabic(wednesday, "ar_SY") == "الأربعاء 13 تشرين الثاني 2019"
    assert format_arabic(PartialDate(dt.date(2019, 11, 1), "month"), "ar_SY") == "تشرين الثاني 2019"
    assert format_arabic(PartialDate(dt.date(2019, 1, 1), "year"), "ar_SY") == "2019"
    assert format_hijri(wednesday) == "16 ربيع الأول 1441 هـ"
    assert format_hijri(PartialDate(dt.date(2019, 11, 1), "month")) == ""
    assert format_hijri(PartialDate(dt.date(1800, 1, 1))) == ""  # outside the Umm al-Qura tables
