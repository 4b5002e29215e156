"""Dates written in Arabic text: month-name systems, Hijri, digits, anchors, the article's date."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import time_limit

from dossier.textdates import date_article, find_dates, seed_date_in_name, seed_date_line

D = dt.date


@pytest.mark.parametrize(
    "text, date, precision",
    [
        ("وصل الوفد في 14 نوفمبر 2019 إلى دمشق", D(2019, 11, 14), "day"),  # Egypt and the Gulf
        ("وصل الوفد في 14 تشرين الثاني 2019 إلى دمشق", D(2019, 11, 14), "day"),  # the Levant
        ("وصل الوفد في 14 نونبر 2019 إلى الرباط", D(2019, 11, 14), "day"),  # Morocco
        ("انطلقت الدورة يوم 7 جوان 2017 بتونس", D(2017, 6, 7), "day"),  # the Maghreb
        ("في 3 فيفري2017", D(2017, 2, 3), "day"),  # glued to its year
        ("١٥مارس٢٠١٧", D(2017, 3, 15), "day"),  # Arabic-Indic digits, glued
        ("منذ أيلول / سبتمبر 2012", D(2012, 9, 1), "month"),  # two names for one month
        ("في الأول من سبتمبر (أيلول) عام 1977", None, None),  # an ordinal day is not read
        ("في أغسطس (آب) عام 2012", D(2012, 8, 1), "month"),
        ("بتاريخ 01/05/2017", D(2017, 5, 1), "day"),
        ("Jawhara FM | 2017-03-10 16:04", D(2017, 3, 10), "day"),
        ("25 شوال 1436 هـ", D(2015, 8, 10), "day"),  # Hijri, Umm al-Qura
        ("20 / 10 / 1436هـ", D(2015, 8, 5), "day"),
        ("3 رَمَضَان 1440 هـ", D(2019, 5, 8), "day"),  # vocalised
    ],
)
def test_dates_are_read_in_every_month_system(text, date, precision):
    found = find_dates(1, text)
    if date is None:
        assert all(m.precision != "day" for m in found)
        return
    assert (found[0].date, found[0].precision) == (date, precision)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2019",  # no such day
        "في 30 فبراير 2019",
        "رقم الهاتف 12/34/5678",
        "صفر 2019",  # «صفر» is zero here, and 2019 no Hijri year
        "الأب 2012 كتب",  # «آب» only as a month after a day number or in a date
    ],
)
def test_impossible_or_unreal_dates_are_no_dates(text):
    assert [m for m in find_dates(1, text) if m.precision == "day"] == []


def test_a_weekday_that_does_not_agree_with_its_date_is_a_problem():
    (mention,) = find_dates(1, "الأربعاء 14 تشرين الثاني 2019")
    assert mention.problem and "الخميس" in mention.problem


@pytest.mark.parametrize(
    "lead, date, quote",
    [
        (
            "أفادت الوزارة في بلاغ لها اليوم الاثنين 28 ديسمبر 2015 أن",
            D(2015, 12, 28),
            "اليوم الاثنين 28 ديسمبر 2015",
        ),
        (
            "تعطلت صباح اليوم الخميس 13 أكتوبر 2016 الدروس",
            D(2016, 10, 13),
            "صباح اليوم الخميس 13 أكتوبر 2016",
        ),
        (
            "ستنطلق الامتحانات يوم غد الأربعاء 7 جوان 2017",
            D(2017, 6, 6),
            "يوم غد الأربعاء 7 جوان 2017",
        ),
        ("أجلت يوم أمس الإثنين 9 مارس 2015 مقابلة", D(2015, 3, 10), "يوم أمس الإثنين 9 مارس 2015"),
        (
            "الرياض 3 رمضان 1440 هـ الموافق 8 مايو 2019 م (واس) - أعلن",
            D(2019, 5, 8),
            "8 مايو 2019 م",
        ),
        ("القاهرة في 14 نوفمبر 2019 - قال", D(2019, 11, 14), "14 نوفمبر 2019"),
    ],
)
def test_the_lead_dates_the_article_when_it_anchors_a_full_date(lead, date, quote):
    found = date_article([], [(3, lead)])
    assert found.date == date and found.evidence["quote"] == quote and found.evidence["line"] == 3


@pytest.mark.parametrize(
    "lead",
    [
        "سيقام الحفل في 16 فبراير 2014 في دار الأوبرا",  # a bare date: another event's
        "يوم أمس الخميس 3 مايو بدأت الفعاليات",  # no year: no date
        "ولد الفنان في 16 أبريل 1948 في المنيا وعاش في القاهرة",
    ],
)
def test_other_dates_in_the_lead_date_nothing(lead):
    assert date_article([], [(3, lead)]).date is None


def test_every_line_of_a_hard_wrapped_lead_is_read():
    lead = [
        (3, "قال وزير الصحة في مؤتمر صحفي عقده في العاصمة"),
        (4, "اليوم الثلاثاء 12 مارس 2019 إن العمل سيبدأ."),
    ]
    found = date_article([], lead)
    assert found.date == D(2019, 3, 12) and found.evidence["line"] == 4


def test_the_dateline_dates_the_article_and_a_disagreeing_lead_makes_a_conflict():
    assert date_article([(2, "وكالة الأنباء | 2019-11-14")], [(4, "قال")]).date == D(2019, 11, 14)
    conflict = date_article(
        [(2, "دمشق - 14/11/2019")], [(4, "أعلنت اليوم الجمعة 15 نوفمبر 2019 أن")]
    )
    assert conflict.date is None and "different dates" in conflict.evidence["conflict"]


def test_a_dateline_of_hijri_and_gregorian_dates_dates_the_article():
    found = date_article(
        [(2, "الأربعاء 16 شعبان 1436 هـ - 3 يونيو 2015 م")], [(4, "أعلنت الوزارة")]
    )
    assert found.date == D(2015, 6, 3)


def test_a_hijri_date_a_day_off_its_gregorian_is_no_conflict():
    found = date_article([], [(3, "مكة 2 رمضان 1440 هـ الموافق 8 مايو 2019 م - أعلن")])
    assert found.date == D(2019, 5, 8)  # the Gregorian wins; the month's start depends on the moon


@pytest.mark.parametrize(
    "lead, expected",
    [
        (
            "أعلنت الوزارة اليوم الأربعاء",
            D(2019, 11, 13),
        ),  # the Wednesday on or before Friday the 15th
        (
            "أعلنت الوزارة أمس الخميس",
            D(2019, 11, 15),
        ),  # Thursday was yesterday: the article is Friday's
        (
            "اجتمعت الحكومة الثلاثاء الماضي",
            D(2019, 11, 15),
        ),  # not the article's day: the seed's date
        ("أعلنت الوزارة افتتاح المستشفى", D(2019, 11, 15)),
    ],
)
def test_weekdays_resolve_against_the_seeds_own_date(lead, expected):
    found = date_article([], [(3, lead)], (D(2019, 11, 15), "akhbar-2019-11-15.txt"))
    assert found.date == expected and found.evidence["inferred"] is True


def test_a_seed_states_its_date_in_its_name_or_first_line():
    assert seed_date_in_name("2015-08-10-akhbar.txt") == (D(2015, 8, 10), "2015-08-10-akhbar.txt")
    assert seed_date_in_name("akhbar-2015-02-30.txt") is None
    assert seed_date_line("التاريخ: 2015-08-10") == D(2015, 8, 10)
    assert seed_date_line("date: 2015-08-10") == D(2015, 8, 10)
    assert seed_date_line("التاريخ: أمس") is None


def test_a_huge_line_costs_no_time():
    with time_limit(60):  # a hang guard: both take about a second
        mentions = find_dates(1, "14 نوفمبر " * 100_000 + "2019")
        found = date_article([], [(1, "اليوم " * 200_000)])
    assert [(m.quote, m.date) for m in mentions] == [("14 نوفمبر 2019", D(2019, 11, 14))]
    assert found.date is None
