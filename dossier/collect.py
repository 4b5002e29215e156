"""Pages -> Site: entity terms, timeline order and grouping, previous/next. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from . import arabic
from .dates import PRECISIONS
from .gazetteer import KINDS, Gazetteer
from .pages import Event, Page, Settings, Site, Term, term_key


@dataclass(frozen=True)
class MonthGroup:
    month: int | None  # None: entries known only to the year
    entries: tuple[Event, ...]


@dataclass(frozen=True)
class YearGroup:
    year: int
    months: tuple[MonthGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(group.entries) for group in self.months)


def newest_first(page: Page) -> tuple:
    return (page.date is None, -(page.date.start.toordinal()) if page.date else 0, page.src_path)


def timeline_order(event: Event) -> tuple:
    return (
        event.date.start,
        -PRECISIONS.index(event.date.precision),
        not event.is_article,
        event.text,
        event.src_path,
    )


def article_event(page: Page) -> Event:
    """Put a dated article on the timeline as an entry of its own."""
    return Event(
        page.date,
        page.title,
        page.src_path,
        None,
        None,
        page.places,
        page.people,
        page.slug,
        is_article=True,
    )


def collect(
    pages: list[Page],
    events: list[Event],
    settings: Settings,
    gazetteer: Gazetteer,
    *,
    drafts: bool = False,
) -> Site:
    """Gather the site's whole structure from its pages; nothing here reads or writes a file."""
    published = sorted((p for p in pages if drafts or not p.is_draft), key=newest_first)
    chronological = sorted(
        published, key=lambda p: (p.date is None, p.date.start if p.date else None, p.src_path)
    )
    previous = {b.slug: a for a, b in zip(chronological, chronological[1:], strict=False)}
    following = {a.slug: b for a, b in zip(chronological, chronological[1:], strict=False)}
    slugs = {p.slug for p in published}
    timeline = sorted(
        [article_event(p) for p in published if p.date]
        + [e for e in events if not e.article or e.article in slugs]
        + [e for p in published for e in p.events],
        key=timeline_order,
    )
    return Site(
        settings,
        tuple(published),
        MappingProxyType(collect_terms(published, timeline, gazetteer)),
        tuple(timeline),
        MappingProxyType(previous),
        MappingProxyType(following),
    )


def collect_terms(
    pages: list[Page], timeline: list[Event], gazetteer: Gazetteer
) -> dict[str, tuple[Term, ...]]:
    """Invert pages into one term per entity and kind, spelling variants folded together."""
    terms = {}
    for kind in KINDS:
        names: dict[str, str] = {}
        term_pages: dict[str, list[Page]] = {}
        term_events: dict[str, list[Event]] = {}
        for page in pages:
            for name in page.terms(kind):
                key = term_key(name)
                names.setdefault(key, name)
                term_pages.setdefault(key, []).append(page)
        for event in timeline:
            if not event.is_article:
                for name in getattr(event, kind, ()):
                    key = term_key(gazetteer.canonical(kind, name))
                    names.setdefault(key, gazetteer.canonical(kind, name))
                    term_events.setdefault(key, []).append(event)
        kind_terms = []
        for key, name in names.items():
            entity = gazetteer.entity(kind, name)
            # The address must not move when a new article spells a name another way (احمد,
            # أحمد): the gazetteer's own name, or else the folded form every spelling shares.
            slug = arabic.term_slug(entity.name if entity else key)
            kind_terms.append(
                Term(
                    kind,
                    name,
                    slug,
                    tuple(term_pages.get(key, ())),
                    tuple(term_events.get(key, ())),
                    entity.latin if entity else None,
                    entity.spellings[1:] if entity else (),
                    entity.coordinates if entity else None,
                )
            )
        terms[kind] = tuple(sorted(kind_terms, key=lambda t: arabic.sort_key(t.name)))
    return terms


@dataclass(frozen=True)
class StoryItem:
    """One line of the timeline's story: an event with the articles that covered it, or an
    article alone."""

    entry: Event
    coverage: tuple[
        Event, ...
    ] = ()  # articles of the event's day that name one of its places or people


def story(entries: tuple[Event, ...]) -> tuple[StoryItem, ...]:
    """Put each article under the first event of its day that shares a place or a person with it."""
    events = [e for e in entries if not e.is_article]
    covered: dict[int, list[Event]] = {id(e): [] for e in events}
    alone = []
    for entry in entries:
        if not entry.is_article:
            continue
        names = _names(entry)
        event = next((e for e in events if e.date == entry.date and names & _names(e)), None)
        if event is None:
            alone.append(entry)
        else:
            covered[id(event)].append(entry)
    kept = {id(e) for e in alone} | {id(e) for e in events}
    return tuple(StoryItem(e, tuple(covered.get(id(e), ()))) for e in entries if id(e) in kept)


def _names(entry: Event) -> set[str]:
    return {term_key(name) for name in (*entry.places, *entry.people)}


def group_timeline(entries: tuple[Event, ...]) -> tuple[YearGroup, ...]:
    """Group timeline entries by year, then month; entries known only to the year come first in
    their year."""
    years: dict[int, dict[int | None, list[Event]]] = {}
    for entry in entries:
        month = None if entry.date.precision == "year" else entry.date.start.month
        years.setdefault(entry.date.start.year, {}).setdefault(month, []).append(entry)
    return tuple(
        YearGroup(
            year,
            tuple(
                MonthGroup(m, tuple(e)) for m, e in sorted(months.items(), key=lambda i: i[0] or 0)
            ),
        )
        for year, months in sorted(years.items())
    )
