"""Render-key digests: a page counts by its fingerprint, its events by their page's, and whatever
else a key holds is encoded once per build, however many outputs' keys hold it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dossier.collect import YearGroup, article_event, group_timeline
from dossier.dates import PartialDate
from dossier.pages import Event, Page
from dossier.render_keys import KeyDigests, page_fingerprint


def make_page(number: int) -> Page:
    day = PartialDate(dt.date(2020, 1 + number % 12, 1 + number % 28), "day")
    event = Event(day, f"اجتماع رقم {number} في حلب", f"خبر-{number}.md", 3, places=("حلب",))
    return Page(
        f"خبر-{number}.md",
        f"خبر-{number}",
        f"خبر رقم {number}",
        day,
        "ملخص قصير.",
        "<p>نص الخبر.</p>",
        places=("حلب",),
        events=(event,),
    )


def digests_of(pages: list[Page]) -> tuple[KeyDigests, list[str]]:
    """Digest keys shaped like a build's: each article, one listing of all, the timeline."""
    keys = KeyDigests({page.src_path: page_fingerprint(page) for page in pages}, pages)
    timeline = tuple(
        [article_event(page) for page in pages] + [e for page in pages for e in page.events]
    )
    years = group_timeline(timeline)
    made = [keys.digest(("article.html", page)) for page in pages]
    made.append(keys.digest(("home.html", tuple(pages))))
    made += [keys.digest(("timeline.html", year, "x")) for year in years]
    made.append(keys.digest(("timeline.html", years)))
    return keys, made


def test_pages_and_their_events_are_never_encoded_by_their_contents():
    keys, _ = digests_of([make_page(n) for n in range(400)])
    assert keys.encoded == 1 + 12  # the year's group and its months', each once: no event


def changed(before: list[str], after: list[str]) -> list[int]:
    return [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]


def test_a_digest_changes_with_a_page_or_its_events_and_only_then():
    pages = [make_page(n) for n in range(30)]
    _, before = digests_of(pages)
    assert digests_of([make_page(n) for n in range(30)])[1] == before
    retitled = list(pages)
    retitled[4] = dataclasses.replace(pages[4], title="عنوان معدل")
    # its article, the listing, its year and the list of years
    assert changed(before, digests_of(retitled)[1]) == [4, 30, 31, 32]
    moved = list(pages)
    event = dataclasses.replace(pages[7].events[0], text="اجتماع آخر")
    moved[7] = dataclasses.replace(pages[7], events=(event,))
    assert changed(before, digests_of(moved)[1]) == [7, 30, 31, 32]


def test_nested_keys_of_the_same_items_in_other_shapes_differ():
    pages = [make_page(n) for n in range(3)]
    keys = KeyDigests({page.src_path: page_fingerprint(page) for page in pages}, pages)
    shapes = [
        ((pages[0], pages[1]), pages[2]),
        (pages[0], (pages[1], pages[2])),
        (pages[0], pages[1], pages[2]),
        (YearGroup(2020, ()),),
        ((2020, ()),),
        ("a", "b"),
        ("ab",),
    ]
    assert len({keys.digest(shape) for shape in shapes}) == len(shapes)
