"""Dates: partial ISO dates, weekday evidence in Arabic text, and Arabic/Hijri display."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import hijridate
from babel.dates import format_date

from . import arabic

# Python's weekday numbers (Monday = 0) by the normalized Arabic day name.
WEEKDAYS = {
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}
WEEKDAY_NAMES = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISIONS = ("day", "month", "year")
PATTERNS = {"day": "EEEE d MMMM y", "month": "MMMM y", "year": "y"}


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year; ``start`` is its first day."""

    start: dt.date
    precision: str = "day"

    @property
    def iso(self) -> str:
        return {
            "day": self.start.isoformat(),
            "month": self.start.isoformat()[:7],
            "year": self.start.isoformat()[:4],
        }[self.precision]


def parse_partial_date(value: object) -> PartialDate:
    """Read YYYY, YYYY-MM or YYYY-MM-DD (or a date); raise ValueError naming what is impossible."""
    if isinstance(value, dt.datetime):
        return PartialDate(value.date())
    if isinstance(value, dt.date):
        return PartialDate(value)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)")
    if isinstance(value, int) and 1 <= value <= 9999:
        return PartialDate(dt.date(value, 1, 1), "year")
    match = ISO_DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r:.40} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        if day:
            return PartialDate(dt.date(int(year), int(month), int(day)))
        if month:
            return PartialDate(dt.date(int(year), int(month), 1), "month")
        return PartialDate(dt.date(int(year), 1, 1), "year")
    except ValueError:
        raise ValueError(f"{value} is an impossible date (no such day or month)") from None


@dataclass(frozen=True)
class WeekdayEvidence:
    weekday: str  # the day's name as written in the text
    quote: str  # the words that name it, e.g. «اليوم الأربعاء»
    line: int  # the line in the seed
    shift: int = 0  # the article's day from the weekday named: 0 (اليوم), 1 (أمس), -1 (غدًا)
    qualifier: str | None = None  # «الماضي», «المقبل»: the day named is not the article's day


# Whole words only: «الأحداث» (events) holds «الأحد» (Sunday), and a date must never come from it.
WEEKDAY_WORD = re.compile(
    r"(?<!\w)(?:(اليوم|امس|غدا)\s+)?(?:[وف])?(الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد)"
    r"(?!\w)(?:\s+(الماضي|المقبل|القادم|الفائت|السابق))?"
)


def find_weekday(lines: list[tuple[int, str]]) -> WeekdayEvidence | None:
    """Return the first mention of a day of the week in numbered lines of text."""
    for number, text in lines:
        match = WEEKDAY_WORD.search(arabic.normalize(text))
        if match:
            weekday = WEEKDAY_NAMES[WEEKDAYS[match.group(2)]]
            quote = f"{_RELATIVE[match.group(1)]} {weekday}" if match.group(1) else weekday
            qualifier = _QUALIFIERS.get(match.group(3))
            if qualifier:
                quote = f"{quote} {qualifier}"
            return WeekdayEvidence(weekday, quote, number, _SHIFT.get(match.group(1), 0), qualifier)
    return None


_RELATIVE = {"اليوم": "اليوم", "امس": "أمس", "غدا": "غدًا"}
_SHIFT = {"امس": 1, "غدا": -1}
_QUALIFIERS = {
    "الماضي": "الماضي",
    "المقبل": "المقبل",
    "القادم": "القادم",
    "الفائت": "الفائت",
    "السابق": "السابق",
}


def resolve_weekday(weekday: str, around: dt.date) -> dt.date:
    """Return the date nearest to ``around`` that falls on the named weekday."""
    target = WEEKDAYS[arabic.normalize(weekday)]
    ahead = (target - around.weekday()) % 7
    return around + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)


@lru_cache(maxsize=8192)  # dates repeat on cards, listings and the timeline: Babel costs 0.1 ms
def format_arabic(date: PartialDate, locale: str) -> str:
    """Format a date in Arabic words for the locale, e.g. «الأربعاء 13 تشرين الثاني 2019»."""
    return format_date(date.start, PATTERNS[date.precision], locale=locale)


def format_hijri(date: PartialDate) -> str:
    """The Hijri date of a day-precise date, e.g. «16 ربيع الأول 1441 هـ»; empty otherwise."""
    if date.precision != "day":
        return ""
    try:
        hijri = hijridate.Gregorian(date.start.year, date.start.month, date.start.day).to_hijri()
    except (ValueError, OverflowError):
        return ""  # outside the Umm al-Qura tables (1343-1500 AH)
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"
