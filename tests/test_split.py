"""Splitting a seed into articles: headlines, bylines, datelines, section heads, paragraphs.

Every text here is written for these tests in the shapes real pastes take (blank-line layouts,
compact
pastes, single-newline paragraphs, hard-wrapped text); none is copied from a corpus.
"""

from __future__ import annotations

import pytest
from conftest import SEED, calls_made, time_limit

from dossier.split import (
    content_words,
    is_byline,
    is_subhead,
    is_title_shaped,
    seed_lines,
    split_articles,
)

SEED_TEXT = SEED.read_text(encoding="utf-8")
QAMISHLI = "قوات أمريكية تمر من نقطة للجيش السوري لتنتشر في القامشلي"
PENTAGON = "البنتاغون يؤكد إبقاء 600 جندي أمريكي في سوريا"
LEAD_A = "أعلنت وزارة الصحة اليوم الثلاثاء عن افتتاح مستشفى جديد في مدينة حمص بطاقة مئتي سرير."
BODY_A = "وقال الوزير في مؤتمر صحفي إن المستشفى سيخدم أكثر من نصف مليون نسمة في المحافظة."
HEAD_B = "ارتفاع أسعار الخبز في الأسواق الشعبية بدمشق"
LEAD_B = "شهدت الأسواق الشعبية في دمشق ارتفاعا جديدا في أسعار الخبز للمرة الثالثة هذا العام."
BODY_B = "وعزا التجار الارتفاع إلى نقص الطحين وغلاء الوقود وأجور النقل بين المحافظات."
HEAD_A = "افتتاح مستشفى جديد في حمص بطاقة مئتي سرير"
PLACES_AND_GOODS = [
    ("حلب", "قمح"),
    ("حماة", "أدوية"),
    ("إدلب", "وقود"),
    ("اللاذقية", "خيام"),
    ("درعا", "طحين"),
]


def one(text: str):
    articles = split_articles(text)
    assert len(articles) == 1, articles
    return articles[0]


def texts(article) -> list[str]:
    return [" ".join(t for _, t in paragraph) for paragraph in article.paragraphs]


def test_blank_lines_may_hold_spaces_nbsp_or_invisible_marks():
    text = "عنوان الخبر هنا\n \u00a0 \nسطر أول.\n  سطر ثان.  \n\t\n\u200f\u200e\n\u00a0\nفقرة."
    assert [(line.number, line.text, line.gap) for line in seed_lines(text)] == [
        (1, "عنوان الخبر هنا", 1),
        (3, "سطر أول.", 1),
        (4, "سطر ثان.", 0),
        (8, "فقرة.", 3),
    ]


def test_the_bundled_seed_holds_two_articles():
    qamishli, pentagon = split_articles(SEED_TEXT)
    assert (qamishli.title, qamishli.media, qamishli.first_line, qamishli.last_line) == (
        QAMISHLI,
        "video",
        1,
        11,
    )
    assert (pentagon.title, pentagon.media, pentagon.first_line, pentagon.last_line) == (
        PENTAGON,
        None,
        13,
        27,
    )
    assert len(qamishli.paragraphs) == 5 and len(pentagon.paragraphs) == 6
    assert qamishli.paragraphs[0][0][1].startswith("توجهت مدرعات أمريكية")
    assert pentagon.paragraphs[-1][0][1].endswith("مستمر.")


def test_nothing_of_the_text_is_lost_in_splitting():
    articles = split_articles(SEED_TEXT)
    kept = [a.title for a in articles] + [t for a in articles for _, t in (*a.dateline, *a.lines)]
    original = [line.strip() for line in SEED_TEXT.split("\n") if line.strip()]
    assert sorted(kept) == sorted(line.replace(" ..فيديو", "") for line in original)


# Layouts


def test_blank_line_layout_splits_at_each_headline():
    heads = [f"{place} تستقبل أول قافلة {goods} هذا الأسبوع" for place, goods in PLACES_AND_GOODS]
    text = "\n\n".join(
        f"{head}\n\nفقرة أولى من الخبر {n}.\n\nفقرة ثانية من الخبر {n}."
        for n, head in enumerate(heads, 1)
    )
    articles = split_articles(text)
    assert [a.title for a in articles] == heads
    assert all(len(a.paragraphs) == 2 for a in articles)
    assert [(a.first_line, a.last_line) for a in articles] == [
        (1 + 6 * n, 5 + 6 * n) for n in range(5)
    ]


def test_compact_paste_headline_then_paragraphs_on_single_lines():
    text = f"{HEAD_A}\n{LEAD_A}\n{BODY_A}\n\n{HEAD_B}\n{LEAD_B}\n{BODY_B}\n"
    first, second = split_articles(text)
    assert (first.title, texts(first), first.first_line, first.last_line) == (
        HEAD_A,
        [LEAD_A, BODY_A],
        1,
        3,
    )
    assert (second.title, texts(second), second.first_line, second.last_line) == (
        HEAD_B,
        [LEAD_B, BODY_B],
        5,
        7,
    )


def test_single_newline_paragraphs_are_paragraphs_each():
    article = one(f"{HEAD_A}\n\n{LEAD_A}\n{BODY_A}\nوأضاف أن العمل سيبدأ الشهر المقبل.\n")
    assert texts(article) == [LEAD_A, BODY_A, "وأضاف أن العمل سيبدأ الشهر المقبل."]


def test_hard_wrapped_lines_are_joined_again():
    wrapped = [
        "أعلنت وزارة الصحة اليوم الثلاثاء عن افتتاح مستشفى",
        "جديد في مدينة حمص بطاقة مئتي سرير، وقال الوزير",
        "إن المستشفى سيخدم نصف مليون نسمة في المحافظة.",
        "وأضاف أن العمل سيبدأ الشهر المقبل في المبنى",
        "الجديد.",
    ]
    article = one(HEAD_A + "\n\n" + "\n".join(wrapped))
    assert texts(article) == [" ".join(wrapped[:3]), " ".join(wrapped[3:])]
    assert [n for n, _ in article.paragraphs[0]] == [3, 4, 5]  # every line keeps its number


def test_two_articles_with_questions_exclamations_and_quotes_in_their_headlines():
    heads = [
        "هل ترتفع أسعار الخبز مرة أخرى في دمشق؟",
        "الطقس يفاجئ المزارعين في حمص!",
        'وزير الصحة: "لن نغلق أي مستشفى"',
        "افتتاح مدرسة جديدة في حماة (صور)",
    ]
    leads = [
        LEAD_B,
        "شارك أكثر من مئة مزارع في اجتماع طارئ لمناقشة أضرار الصقيع على المحاصيل.",
        "قال الوزير إن المستشفيات العامة ستبقى مفتوحة رغم نقص الأدوية والكوادر.",
        "احتفل أهالي الحي بافتتاح المدرسة التي تتسع لخمسمئة تلميذ وتلميذة.",
    ]
    text = "\n\n".join(
        f"{head}\n{lead}\nوأضاف المصدر أن التفاصيل ستعلن لاحقا."
        for head, lead in zip(heads, leads, strict=True)
    )
    articles = split_articles(text)
    assert [a.title for a in articles] == heads[:3] + ["افتتاح مدرسة جديدة في حماة"]
    assert articles[3].media == "photos"
    assert all(len(a.paragraphs) == 2 for a in articles)


# Bylines, datelines, kickers


@pytest.mark.parametrize(
    "line, byline",
    [
        ("القاهرة - رويترز", True),
        ("القاهرة (رويترز)", True),
        ("سامر خليل – دمشق", True),
        ("بقلم: سامر خليل", True),
        ("جدة: أحمد الزهراني", True),
        ("تونس : إضراب عام في 3 ولايات", False),
        ("وكالة الأنباء | 2019-11-14 16:04", True),
        ("دمشق - 14/11/2019", True),
        (HEAD_A, False),
        ("المنتخب الوطني - نظيره الأردني: تعادل سلبي في الشوط الأول", False),
        ("وصل الوزير إلى القاهرة - رويترز.", False),  # a sentence
    ],
)
def test_what_makes_a_byline_or_dateline(line, byline):
    assert is_byline(line) is byline


@pytest.mark.parametrize(
    "under",
    [
        "القاهرة - رويترز",
        "سامر خليل – دمشق",
        "دمشق (سانا)",
        "جدة: أحمد الزهراني",
        "الأربعاء 16 شعبان 1436 هـ - 3 يونيو 2015 م",
    ],
)
@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_byline_under_the_headline_stays_with_its_article_and_is_never_a_title(under, gap):
    text = (
        f"{HEAD_A}{gap}{under}\n\n{LEAD_A}\n\n{BODY_A}\n\n"
        f"{HEAD_B}{gap}{under}\n\n{LEAD_B}\n\n{BODY_B}"
    )
    first, second = split_articles(text)
    assert (first.title, second.title) == (HEAD_A, HEAD_B)
    assert [t for _, t in first.dateline] == [under] == [t for _, t in second.dateline]
    assert texts(first) == [LEAD_A, BODY_A] and texts(second) == [LEAD_B, BODY_B]


def test_a_kicker_or_dateline_above_the_first_headline_is_no_article_of_its_own():
    article = one(f"عاجل\n\nالخميس 14 نوفمبر 2019\n\n{PENTAGON}\n\nكشف وزير الدفاع. وأضاف.\n")
    assert article.title == PENTAGON
    assert [t for _, t in article.dateline] == ["عاجل", "الخميس 14 نوفمبر 2019"]
    assert texts(article) == ["كشف وزير الدفاع. وأضاف."]
    assert (article.first_line, article.last_line) == (1, 7)


def test_a_short_line_followed_by_a_headline_stays_in_its_article():
    text = f"{QAMISHLI}\n\nفقرة أولى.\n\nالمصدر: سانا\n\n{PENTAGON}\n\nفقرة ثانية."
    first, second = split_articles(text)
    assert [t for _, t in first.lines] == ["فقرة أولى.", "المصدر: سانا"]
    assert second.title == PENTAGON


# Section heads and other short lines inside a body


def test_section_heads_inside_a_body_do_not_start_articles():
    text = (
        f"{HEAD_A}\n\n{LEAD_A}\n\nردود الفعل\n\n{BODY_A}\n\nمستشفى حمص الجديد والمحافظة\n\n"
        "وتعمل في المستشفى الجديد فرق طبية من المحافظة."
    )
    article = one(text)
    assert texts(article)[1] == "ردود الفعل" and len(article.paragraphs) == 5


@pytest.mark.parametrize(
    "line, subhead",
    [
        ("النتائج", True),  # a word or three
        ("ردود الفعل الأولى", True),
        ("مستشفى حمص الجديد في المحافظة", True),  # the article's own words
        (HEAD_B, False),  # new words: a new story
    ],
)
def test_a_headline_shaped_line_inside_an_article_is_a_section_head_when_it_is_its_own(
    line, subhead
):
    assert is_subhead(line, content_words(HEAD_A + " " + LEAD_A + " " + BODY_A)) is subhead


def test_a_list_announced_by_a_colon_stays_in_its_article():
    text = (
        f"{HEAD_A}\n\n{LEAD_A}\n\nوفي ما يلي أسماء الأطباء المعينين في المستشفى الجديد:\n\n"
        "الطبيب خالد العمر من مدينة حماة (الجراحة)\n\nالطبيب سمير الأحمد من دمشق (الأطفال)\n\n"
        "وتبدأ العيادات عملها صباح الأحد."
    )
    assert len(one(text).paragraphs) == 5


def test_a_verse_or_quotation_line_inside_a_body_stays_there():
    text = f'{HEAD_A}\n\n{LEAD_A}\n\nوقال الوزير: "نحن في خدمة الناس"\n\n{BODY_A}'
    assert len(one(text).paragraphs) == 3


def test_a_date_line_is_never_a_headline():
    assert not is_title_shaped("الأربعاء 15 فيفري 2017")
    assert not is_title_shaped("14 تشرين الثاني 2019")


# A curator's word


def test_a_separator_line_forces_a_split_and_is_then_the_only_split():
    text = f"{HEAD_A}\n\n{LEAD_A}\n\n{HEAD_B}\n\n{LEAD_B}\n\n---\n\nعنوان ثالث عن الطقس\n\n{BODY_B}"
    first, second = split_articles(text)
    assert first.title == HEAD_A and texts(first) == [LEAD_A, HEAD_B, LEAD_B]
    assert second.title == "عنوان ثالث عن الطقس" and texts(second) == [BODY_B]


@pytest.mark.parametrize("separator", ["***", "* * *", "___", "-----"])
def test_every_separator_spelling_splits(separator):
    assert len(split_articles(f"{HEAD_A}\n{LEAD_A}\n{separator}\n{HEAD_B}\n{LEAD_B}")) == 2


def test_a_first_line_says_the_seed_is_one_article():
    text = f"مقال واحد\n{HEAD_A}\n\n{LEAD_A}\n\n{HEAD_B}\n\n{LEAD_B}"
    article = one(text)
    assert article.title == HEAD_A and texts(article) == [LEAD_A, HEAD_B, LEAD_B]


# Hostile seeds


def test_a_headline_only_seed_or_a_seed_of_only_bylines_is_no_article():
    assert split_articles(HEAD_A) == []
    assert split_articles("القاهرة - رويترز\n\nدمشق (سانا)\n") == []


def test_text_without_a_headline_is_one_article_titled_by_its_first_words():
    words = (
        "توجهت مدرعات أمريكية اليوم إلى قاعدة هيمو غرب مدينة القامشلي لتعيد انتشارها في المنطقة."
    )
    article = one(words + "\n\nفقرة ثانية.")
    assert article.title == " ".join(words.split()[:12]) + "…"
    assert article.media is None
    assert [t for _, t in article.lines] == [words, "فقرة ثانية."]


def test_ten_thousand_one_line_articles_split_in_linear_time():
    def seed(count: int) -> str:
        return "\n\n".join(
            f"عنوان{n} عن سوق{n} وأسعار{n} خبز{n}\n{LEAD_B} فقرة{n} تروي ما جرى{n} في سوق{n}"
            f" {BODY_B}"
            for n in range(count)
        )

    with time_limit(120):  # a hang guard: it takes seconds
        small_work, small = calls_made(split_articles, seed(1_000))
        large_work, large = calls_made(split_articles, seed(10_000))
    assert len(small) == 1_000 and len(large) == 10_000
    assert large_work < 30 * small_work  # ten times the work, not a hundred


def test_huge_lines_are_no_headline():
    line = "قوات" + " " * 200_000 + "..فيديو"
    assert not is_title_shaped(line)
    assert len(split_articles(line + "\n\n" + "ب" * 1_000_000)) == 1


# Media markers


@pytest.mark.parametrize(
    "headline, title, media",
    [
        ("قوات في القامشلي ..فيديو", "قوات في القامشلي", "video"),
        ("قوات في القامشلي..فيديو", "قوات في القامشلي", "video"),
        ("قوات في القامشلي … بالفيديو", "قوات في القامشلي", "video"),
        ("قوات في القامشلي - صور", "قوات في القامشلي", "photos"),
        ("قوات في القامشلي (صور)", "قوات في القامشلي", "photos"),
        ("قوات في القامشلي [فيديو]", "قوات في القامشلي", "video"),
        ("قوات في القامشلي | شاهد", "قوات في القامشلي", "video"),
        ("قوات في القامشلي ..صورة", "قوات في القامشلي", "photos"),
        ("انتشار القوات: خريطة", "انتشار القوات", "map"),
        ("بالفيديو.. قوات في القامشلي", "قوات في القامشلي", "video"),
        ("بالصور: قوات في القامشلي", "قوات في القامشلي", "photos"),
        ("قوات وصور في القامشلي", "قوات وصور في القامشلي", None),  # a word, not a marker
        ("صور الأقمار الصناعية", "صور الأقمار الصناعية", None),
    ],
)
def test_media_markers_are_a_kind_not_part_of_the_title(headline, title, media):
    article = one(f"{headline}\n\nنص الخبر.")
    assert (article.title, article.media) == (title, media)
