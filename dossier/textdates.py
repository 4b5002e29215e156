"""Dates written in Arabic text: find them, read them, and say which one dates an article.

Pure functions. Three Gregorian month-name systems (يناير…، كانون الثاني…، جانفي…), Hijri months
(converted with the Umm al-Qura tables, the Hijri kept as evidence), numeric dates, Arabic-Indic
digits, a weekday before the date (which must agree with it) and the word that anchors the date to
the article's own day: «اليوم» (that day), «أمس» (the day before), «غدًا» (the day after).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import hijridate

from . import arabic
from .dates import WEEKDAY_NAMES, WEEKDAYS, find_weekday

# Folds that keep each character in place (one for one): a match points back at the text as written.
FOLD = {
    **arabic.LETTER_VARIANTS,
    **str.maketrans({chr(0x660 + d): str(d) for d in range(10)}),
    **str.maketrans({chr(0x6F0 + d): str(d) for d in range(10)}),
}
MONTHS = {
    # Egypt and the Gulf
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # the Maghreb
    "جانفي": 1,
    "فيفري": 2,
    "افريل": 4,
    "ماي": 5,
    "جوان": 6,
    "جويليه": 7,
    "اوت": 8,
    # Morocco
    "يوليوز": 7,
    "غشت": 8,
    "شتنبر": 9,
    "نونبر": 11,
    "دجنبر": 12,
    # the Levant and Iraq
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
}
HIJRI_MONTHS = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع الاخر": 4,
    "ربيع الثاني": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الاخره": 6,
    "جمادي الثانيه": 6,
    "جمادي الاخر": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
}
HIJRI_YEARS = range(
    1343, 1501
)  # the Umm al-Qura tables; a Gregorian year is never in this range here
GREGORIAN_YEARS = range(1800, 2200)


def _alternation(names) -> str:
    return "|".join(sorted((n.replace(" ", r"\s+") for n in names), key=len, reverse=True))


MONTH = _alternation(MONTHS)
HIJRI_MONTH = _alternation(HIJRI_MONTHS)
WEEKDAY = _alternation(WEEKDAYS)
# «الخميس 14 نوفمبر 2019», «14 تشرين الثاني 2019», «سبتمبر (أيلول) 2012», «15مارس2017»,
# «3 رمضان 1440 هـ»
NAMED = re.compile(
    rf"(?<![\w])(?:(?P<day>\d{{1,2}})\s*(?:من\s+)?)?(?:شهر\s+)?"
    rf"(?:(?P<month>{MONTH})|(?P<hmonth>{HIJRI_MONTH}))"
    rf"(?:\s*[/(]\s*(?:{MONTH})\s*\)?)?\s*[،,]?\s*(?:من\s+)?(?:ل?عام\s+|سنه\s+)?"
    rf"(?P<year>\d{{4}})(?!\d)(?:\s*(?P<era>ه(?!\w)|م(?!\w)))?"
)
# «01/05/2017», «2015-12-28», «20 / 10 / 1436هـ»
NUMERIC = re.compile(
    r"(?<![\w/.-])(?:(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})\s*(?P=sep)"
    r"\s*(?P<year>\d{4})"
    r"|(?P<iyear>\d{4})-(?P<imonth>\d{2})-(?P<iday>\d{2}))(?![\d/]|\.\d)(?:\s*(?P<era>ه(?!\w)))?"
)
TIME_OF_DAY = "(?:صباح|مساء|عشيه|ليله|ظهر|فجر)"
# What stands just before a date: an anchor word, a time of day, a weekday.
BEFORE = re.compile(
    rf"(?<!\w)(?:{TIME_OF_DAY}\s+)?(?:(?P<anchor>اليوم|يوم\s+امس|امس|يوم\s+غد|غدا|غد|بعد\s+غد)\s+)?"
    rf"(?:{TIME_OF_DAY}\s+)?(?:يوم\s+)?(?:[وف]?(?P<weekday>{WEEKDAY})\s*[،,]?\s*)?$"
)
ANCHOR_DAYS = {"اليوم": 0, "امس": 1, "يوم امس": 1, "غد": -1, "غدا": -1, "يوم غد": -1, "بعد غد": -2}
ANCHOR_AFTER = re.compile(r"^\s*[،,]?\s*(?:من\s+)?(?:هذا\s+)?(?:اليوم|الشهر)?")
LOOKBEHIND_CHARS = 40


@dataclass(frozen=True)
class DateMention:
    """A date as written in a line: what it says, and the words around it that matter."""

    line: int
    quote: str  # the words as written, anchor and weekday included
    date: dt.date  # the first day it names (Gregorian)
    precision: str  # day | month
    start: int  # where the quote starts in its line
    end: int  # where the date ends in its line
    anchor_days: int | None = (
        None  # article date = date + anchor_days, when anchored by اليوم/أمس/غدًا
    )
    hijri: str | None = None  # the Hijri date as written, when the text gives one
    problem: str | None = None  # why this mention cannot be trusted (a weekday that does not agree)


SILENT = re.compile(f"{arabic.DIACRITICS.pattern}|{arabic.TATWEEL}")


def fold(text: str) -> tuple[str, str]:
    """Fold spelling variants and digits, and drop diacritics and tatweel.

    Returns the folded text and the text as written with the same marks dropped, so that an offset
    in the one points at the same word in the other (quotes keep the writer's hamzas and digits).
    """
    plain = SILENT.sub("", text) if SILENT.search(text) else text
    return plain.translate(FOLD), plain


def find_dates(number: int, text: str) -> list[DateMention]:
    """Every date written in one line of text, in order."""
    folded, text = fold(text)
    found = [_named(number, text, folded, m) for m in NAMED.finditer(folded)]
    found += [_numeric(number, text, folded, m) for m in NUMERIC.finditer(folded)]
    return sorted((m for m in found if m), key=lambda m: m.start)


def _named(number: int, text: str, folded: str, match: re.Match) -> DateMention | None:
    year = int(match["year"])
    day = int(match["day"]) if match["day"] else None
    hijri = match["hmonth"] is not None
    if hijri:
        if year not in HIJRI_YEARS or day is None:
            return None
        month = HIJRI_MONTHS[" ".join(match["hmonth"].split())]
        return _mention(
            number, text, folded, match, _from_hijri(year, month, day), "day", hijri=True
        )
    if year not in GREGORIAN_YEARS:
        return None
    month = MONTHS[" ".join(match["month"].split())]
    if day is None:
        return _mention(number, text, folded, match, _safe_date(year, month, 1), "month")
    return _mention(number, text, folded, match, _safe_date(year, month, day), "day")


def _numeric(number: int, text: str, folded: str, match: re.Match) -> DateMention | None:
    if match["iyear"]:
        year, month, day = int(match["iyear"]), int(match["imonth"]), int(match["iday"])
    else:
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["era"] and year in HIJRI_YEARS:
        return _mention(
            number, text, folded, match, _from_hijri(year, month, day), "day", hijri=True
        )
    if year not in GREGORIAN_YEARS:
        return None
    return _mention(number, text, folded, match, _safe_date(year, month, day), "day")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None  # «31/02/2019» is no date at all


def _from_hijri(year: int, month: int, day: int) -> dt.date | None:
    try:
        gregorian = hijridate.Hijri(year, month, day).to_gregorian()
        return dt.date(gregorian.year, gregorian.month, gregorian.day)
    except (ValueError, OverflowError):
        return None


def _mention(
    number: int,
    text: str,
    folded: str,
    match: re.Match,
    date: dt.date | None,
    precision: str,
    hijri: bool = False,
) -> DateMention | None:
    if date is None:
        return None
    start = match.start()
    window_start = max(0, start - LOOKBEHIND_CHARS)
    before = BEFORE.search(folded[window_start:start])
    anchor = weekday = None
    if before and before.group(0).strip():
        start = window_start + before.start()
        anchor = " ".join(before["anchor"].split()) if before["anchor"] else None
        weekday = before["weekday"]
    quote = text[start : match.end()].strip(" ،,")
    problem = None
    # A Hijri month's first day depends on the moon's sighting: its weekday is not checked.
    if weekday and precision == "day" and not hijri and WEEKDAYS[weekday] != date.weekday():
        problem = (
            f"«{quote}»: {date.isoformat()} is a {WEEKDAY_NAMES[date.weekday()]}, "
            f"not a {WEEKDAY_NAMES[WEEKDAYS[weekday]]}"
        )
    return DateMention(
        number,
        quote,
        date,
        precision,
        start,
        match.end(),
        ANCHOR_DAYS[anchor] if anchor else None,
        text[match.start() : match.end()].strip() if hijri else None,
        problem,
    )


@dataclass(frozen=True)
class ArticleDate:
    """The date an article carries, with the evidence for it; or none, and why."""

    date: dt.date | None
    precision: str = "day"
    evidence: dict | None = None


def date_article(
    dateline: list[tuple[int, str]],
    lead: list[tuple[int, str]],
    seed_date: tuple[dt.date, str] | None = None,
) -> ArticleDate:
    """Date an article from its dateline, the anchored dates of its lead, or its seed's own date.

    A date in the dateline (a byline line under the headline, or the place-and-date opening of the
    lead, with the Gregorian date «الموافق» its Hijri one) dates the article. In the lead, only a
    full date anchored to the article's day counts («اليوم الاثنين 28 ديسمبر 2015»; «أمس» and «غدًا»
    shift it by a day): a bare date there is more often another event's. When two pieces of evidence
    disagree the article stays undated, and says why.
    """
    candidates: list[tuple[dt.date, dict]] = []
    problems: list[str] = []
    for number, text in dateline:
        for mention in find_dates(number, text):
            _consider(mention, "dateline", 0, candidates, problems)
    for index, (number, text) in enumerate(
        lead
    ):  # the lead paragraph's lines (more when hard-wrapped)
        folded = fold(text)[0]
        opening = _opening_end(folded) if index == 0 else -1
        for mention in find_dates(number, text):
            if mention.precision != "day":
                continue
            if mention.anchor_days is not None:
                _consider(mention, "lead, anchored", mention.anchor_days, candidates, problems)
            elif mention.start <= opening and DATELINE_END.match(folded, mention.end):
                _consider(mention, "dateline", 0, candidates, problems)
                opening = _equivalent_end(folded, mention)
    if seed_date and not candidates and not problems:
        candidates.append(_from_seed_date(seed_date, [*dateline, *lead]))
    return _decide(candidates, problems)


def _opening_end(folded: str, words: int = 3) -> int:
    """Where the lead's opening ends: a dateline names a place in a word or three first."""
    match = re.match(r"^(?:\S+\s+){0,%d}" % words, folded)
    return match.end() if match else 0


# A dateline's date is followed by the agency, a dash or a slash, or «الموافق» and the same day.
DATELINE_END = re.compile(r"\s*(?:م\.?|ه)?\s*(?:[-–—(/:،,]|الموافق|$)")
EQUIVALENT = re.compile(r"\s*(?:هـ|ه|م)?\s*[،,(]?\s*(?:الموافق|الموافق\s+ل|ل)\s*")


def _equivalent_end(folded: str, mention: DateMention) -> int:
    """Where a date given «الموافق» the one just read may start (the Gregorian of a Hijri date)."""
    rest = folded[mention.start :]
    match = re.search(r"(?:هـ|ه|\d{4})", rest)
    if not match:
        return -1
    tail = EQUIVALENT.match(rest, match.end())
    return mention.start + tail.end() if tail else -1


def _from_seed_date(
    seed_date: tuple[dt.date, str], lines: list[tuple[int, str]]
) -> tuple[dt.date, dict]:
    """The seed's own date, or the weekday the article names on or before it («اليوم الأربعاء»)."""
    day, source = seed_date
    evidence = {"quote": source, "line": None, "method": "the seed's own date", "inferred": True}
    mention = find_weekday(lines)
    if mention is None:
        return day, evidence
    if mention.qualifier:  # «الثلاثاء الماضي» is not the article's day
        evidence["method"] += f"; «{mention.quote}» names another day"
        return day, evidence
    target = (WEEKDAYS[arabic.normalize(mention.weekday)] + mention.shift) % 7
    article_day = day - dt.timedelta(days=(day.weekday() - target) % 7)
    return article_day, {
        "quote": mention.quote,
        "line": mention.line,
        "inferred": True,
        "method": f"the {WEEKDAY_NAMES[target]} on or before the seed's date "
        f"{day.isoformat()} ({source})",
    }


def _consider(
    mention: DateMention, method: str, shift: int, candidates: list, problems: list[str]
) -> None:
    if mention.problem:
        problems.append(mention.problem)
        return
    date = mention.date + dt.timedelta(days=shift)
    evidence = {"quote": mention.quote, "line": mention.line, "method": method}
    if shift:
        evidence["method"] = f"{method}: the article's day is {shift:+d} from the date quoted"
    if mention.hijri:
        evidence["hijri"] = mention.hijri
    if mention.precision != "day":
        evidence["precision"] = mention.precision
    candidates.append((date, evidence))


def _decide(candidates: list[tuple[dt.date, dict]], problems: list[str]) -> ArticleDate:
    days = sorted({date for date, _ in candidates})
    if len(days) > 1 and not _hijri_within_a_day(candidates):
        quotes = "; ".join(f"«{e['quote']}» (line {e['line']})" for _, e in candidates)
        return ArticleDate(None, evidence={"conflict": f"the text gives different dates: {quotes}"})
    if not candidates:
        return ArticleDate(None, evidence={"conflict": "; ".join(problems)} if problems else None)
    # A Gregorian date beats a Hijri one a day off (a month's start depends on the moon's sighting).
    date, evidence = min(candidates, key=lambda c: ("hijri" in c[1], c[1].get("line") or 0))
    return ArticleDate(date, evidence.get("precision", "day"), evidence)


def _hijri_within_a_day(candidates: list[tuple[dt.date, dict]]) -> bool:
    gregorian = {date for date, e in candidates if "hijri" not in e}
    hijri = {date for date, e in candidates if "hijri" in e}
    return len(gregorian) <= 1 and all(abs((h - g).days) <= 1 for h in hijri for g in gregorian)


SEED_DATE_LINE = re.compile(r"^\s*(?:التاريخ|تاريخ|date)\s*[:：]\s*(\d{4}-\d{2}-\d{2})\s*$", re.I)
FILE_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def seed_date_in_name(name: str) -> tuple[dt.date, str] | None:
    """A date written in a seed's file name, «2015-08-10-…txt», with the name as the quote."""
    match = FILE_NAME_DATE.search(name)
    if match and (date := _safe_date(*map(int, match.groups()))):
        return date, name
    return None


def seed_date_line(line: str) -> dt.date | None:
    """A seed's first line may state its date: «التاريخ: 2015-08-10» (or «date: 2015-08-10»)."""
    match = SEED_DATE_LINE.match(line)
    return (
        dt.date.fromisoformat(match.group(1))
        if match and _safe_date(*map(int, match.group(1).split("-")))
        else None
    )
