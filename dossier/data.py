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


def json_list(items: list[str]) -> bytes:
    """What as_json gives for a list, from its items as json_item gives them."""
    return ("[\n " + ",\n ".join(items) + "\n]\n").encode("utf-8") if items else as_json([])


def json_item(value: object) -> str:
    """A value as as_json writes it as an item of a list: one level deeper (a string holds no
    line break: JSON escapes it)."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")


def csv_row(record: dict) -> str:
    """An article's row of the CSV, lists joined by LIST_SEPARATOR."""
    provenance = record["provenance"] or {}
    row = {
        **record,
        **{kind: LIST_SEPARATOR.join(record[kind]) for kind in KINDS},
        "provenance_seed": provenance.get("seed"),
        "provenance_sha256": provenance.get("sha256"),
        "provenance_lines": "-".join(map(str, provenance.get("lines") or [])),
    }
    return csv_line(["" if row[field] is None else row[field] for field in ARTICLE_FIELDS])


def csv_line(cells: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def articles_csv(rows: list[str]) -> bytes:
    """The articles as CSV, a row each (csv_row); a BOM for spreadsheets."""
    text = csv_line(list(ARTICLE_FIELDS)) + "".join(rows)
    return "\ufeff".encode("utf-8") + text.encode("utf-8")


def article_lines(page: Page, base_url: str) -> tuple[str, str]:
    """An article's item in articles.json and its row in articles.csv."""
    record = article_record(page, base_url)
    return json_item(record), csv_row(record)


def data_files(
    site: Site, base_url: str, lines: list[tuple[str, str]] | None = None
) -> dict[str, bytes]:
    """Every data file by its output path; ``lines`` are each article's (article_lines), in the
    site's order, when they were kept from an earlier build."""
    if lines is None:
        lines = [article_lines(page, base_url) for page in site.pages]
    events = [event_record(event, base_url) for event in site.timeline if not event.is_article]
    return dict(
        zip(
            DATA_FILES,
            (
                json_list([item for item, _ in lines]),
                articles_csv([row for _, row in lines]),
                as_json(events),
                as_json(entity_records(site, base_url)),
            ),
            strict=True,
        )
    )
