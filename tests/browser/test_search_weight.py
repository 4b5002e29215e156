"""What search costs a reader: the bytes one query downloads, and the index size, up to thousands of
articles."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, make_site, page

from .conftest import ARTIFACTS, build_site, new_page, serve

pytestmark = pytest.mark.browser

# bytes from pagefind/ for one query on a fresh page, index chunks and 10 results included
QUERY_BUDGET = 300_000
LARGE_QUERY_BUDGET = 500_000  # the same at thousands of articles
INDEX_BYTES_PER_ARTICLE = 5_000
LARGE_DOSSIER = 2_000
UNUSED_UI = re.compile(
    r"^pagefind-(component-|modular-)?ui\.(js|css)$"
)  # Pagefind writes them; no page loads them


def query_bytes(browser, served, query: str) -> dict[str, int]:
    """Search on a fresh page; return the bytes received from pagefind/, by kind of file."""
    context, search_page, visit = new_page(
        browser, served.url("search/index.html") + "?q=" + quote(query)
    )
    try:
        search_page.wait_for_selector("#search-results[aria-busy='false'] li", state="attached")
        search_page.wait_for_load_state("networkidle")
        sizes: dict[str, int] = {}
        for response in visit.responses:
            if "/pagefind/" in response.url:
                folder, name = response.url.split("?")[0].split("/")[-2:]
                kind = (
                    folder
                    if folder in ("index", "fragment", "filter")
                    else "meta"
                    if name.endswith(".pf_meta")
                    else "wasm"
                    if name.startswith("wasm.")
                    else name
                )
                sizes[kind] = sizes.get(kind, 0) + len(response.body())
        return sizes
    finally:
        context.close()


def index_bytes(site: Path) -> int:
    return sum(
        p.stat().st_size
        for p in (site / "pagefind").rglob("*")
        if p.is_file() and not UNUSED_UI.match(p.name)
    )


def note(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "search-weight.json"
    noted = json.loads(path.read_text()) if path.exists() else {}
    noted[name] = figures
    path.write_text(json.dumps(noted, indent=2, ensure_ascii=False, sort_keys=True))


def test_one_query_downloads_little(browser, dossier):
    sizes = query_bytes(browser, dossier, "والقامشلي")
    note(
        "bundled dossier",
        {
            "articles": 2,
            "index_bytes": index_bytes(dossier.site_dir),
            "query": "والقامشلي",
            "query_bytes": sum(sizes.values()),
            "by_kind": sizes,
        },
    )
    assert sizes.get("fragment", 0) > 0, "the results' fragments were downloaded and counted"
    assert sum(sizes.values()) <= QUERY_BUDGET, sizes


def large_dossier(root: Path, count: int) -> dict[str, str]:
    """Articles made of the seed's words and a growing vocabulary of made-up ones, as a news archive
    grows."""
    rng = random.Random(5)
    seed_words = sorted(
        set(
            re.findall(
                r"[\u0621-\u064a]{2,}",
                (ROOT / "seeds").joinpath("000_9fdb9262263929b5.txt").read_text(encoding="utf-8"),
            )
        )
    )
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    rare = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 8))) for _ in range(30_000)]
    places = ["القامشلي", "الحسكة", "سوريا", "حلب", "دمشق", "العراق", "الأردن", "التنف"]
    files = {
        "content/_data/entities.yaml": "places:\n"
        + "".join(f"  - name: {p}\n" for p in places)
        + "sources:\n  - name: RT\n  - name: سانا\n"
    }
    for i in range(count):
        words = [
            rng.choice(seed_words) if rng.random() < 0.7 else rng.choice(rare)
            for _ in range(rng.randint(150, 400))
        ]
        body = "\n\n".join(" ".join(words[j : j + 40]) + "." for j in range(0, len(words), 40))
        named = rng.sample(places, 2)
        files[f"content/a{i:05d}.md"] = page(
            " ".join(rng.sample(seed_words, 6)),
            f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            places=named,
            sources=[rng.choice(["RT", "سانا"])],
            status="reviewed",
            body=body + " " + " ".join(named),
        )
    return make_site(root, files)


@pytest.mark.slow
def test_search_stays_small_at_thousands_of_articles(browser, tmp_path_factory):
    root = large_dossier(tmp_path_factory.mktemp("large"), LARGE_DOSSIER)
    site = build_site(root / "content", root / "site")
    total = index_bytes(site)
    figures = {"articles": LARGE_DOSSIER, "index_bytes": total, "queries": {}}
    with serve(site) as served:
        for query in ("القامشلي", "والقامشلي", "الرئيس الأمريكي", "RT"):
            sizes = query_bytes(browser, served, query)
            figures["queries"][query] = {"bytes": sum(sizes.values()), "by_kind": sizes}
    note("large dossier", figures)
    assert total / LARGE_DOSSIER <= INDEX_BYTES_PER_ARTICLE, figures
    assert max(q["bytes"] for q in figures["queries"].values()) <= LARGE_QUERY_BUDGET, figures
