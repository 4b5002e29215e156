"""The dossier as data to download: articles (JSON, CSV), events, entities. No I/O."""

from __future__ import annotations

import csv
import io
import json

from .gazetteer import KINDS
from .pages import Event, Page, Site, absolute_url, article_path

DATA_DIR = "data"
LIST_SEPARATOR = " | "  # between the names of one cell of the CSV: no name holds it
DATA_FILES = tuple(
    f"{DATA_DIR}/{name}"
    for name in ("articles.json", "articles.csv", "events.json", "entities.json")
)
ARTICLE_FIELDS = (
    "title",
    "date",
    "precision",
    "url",
    *KINDS,
    "summary",
    "status",
    "provenance_seed",
    "provenance_sha256",
    "provenance_lines",
)


def article_record(page: Page, base_url: str) -> dict:
    """One article as data: what the site shows of it, and where its text came from."""
    provenance = page.meta.get("provenance") or {}
    return {
        "title": page.title,
        "date": page.date.iso if page.date else None,
        "precision": page.date.precision if page.date else None,
        "url": absolute_url(base_url, page.output_path),
        **{kind: list(page.terms(kind)) for kind in KINDS},
        "summary": page.summary,
        "status": page.status,
        "provenance": {
            "seed": provenance.get("seed"),
            "sha256": provenance.get("sha256"),
            "lines": list(provenance.get("lines") or []),
        }
        if provenance
        else None,
    }


def event_record(event: Event, base_url: str) -> dict:
    return {
        "date": event.date.iso,
        "precision": event.date.precision,
        "end": event.end.iso if event.end else None,
        "text": event.text,
        "places": list(event.places),
        "people": list(event.people),
        "article": absolute_url(base_url, article_path(event.article)) if event.article else None,
    }


def entity_records(site: Site, base_url: str) -> list[dict]:
    return [
        {
            "kind": term.kind,
            "name": term.name,
            "variants": list(term.spellings),
            "latin": term.latin,
            "coordinates": list(term.coordinates) if term.coordinates else None,
            "url": absolute_url(base_url, term.output_path),
            "articles": len(term.pages),
            "events": len(term.events),
        }
        for kind in KINDS
        for term in site.terms[kind]
    ]


def as_json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def articles_csv(records: list[dict]) -> bytes:
    """The articles as CSV, a row each, lists joined by LIST_SEPARATOR; a BOM for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ARTICLE_FIELDS)
    for record in records:
        provenance = record["provenance"] or {}
        row = {
            **record,
            **{kind: LIST_SEPARATOR.join(record[kind]) for kind in KINDS},
            "provenance_seed": provenance.get("seed"),
            "provenance_sha256": provenance.get("sha256"),
            "provenance_lines": "-".join(map(str, provenance.get("lines") or [])),
        }
        writer.writerow(["" if row[field] is None else row[field] for field in ARTICLE_FIELDS])
    return "\ufeff".encode("utf-8") + out.getvalue().encode("utf-8")


def data_files(site: Site, base_url: str) -> dict[str, bytes]:
    """Every data file by its output path."""
    articles = [article_record(page, base_url) for page in site.pages]
    events = [event_record(event, base_url) for event in site.timeline if not event.is_article]
    return dict(
        zip(
            DATA_FILES,
            (
                as_json(articles),
                articles_csv(articles),
                as_json(events),
                as_json(entity_records(site, base_url)),
            ),
            strict=True,
        )
    )
