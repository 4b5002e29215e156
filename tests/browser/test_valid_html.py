"""Valid HTML and CSS by the W3C Nu checker, on every page of the bundled dossier and of the tiny
fixture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser


def nu_check(command: list[str], files: list[Path]) -> dict[Path, list[str]]:
    """Run the Nu checker once over many files (HTML, and CSS by extension); return the errors of
    each file."""
    result = subprocess.run(
        [*command, "--also-check-css", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors: dict[Path, list[str]] = {}
    for message in json.loads(result.stderr or "{}").get("messages", []):
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        errors.setdefault(path, []).append(
            f"line {message.get('lastLine', '?')}: {message.get('message')}"
        )
    assert errors or result.returncode == 0, result.stdout + result.stderr
    return errors


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


@pytest.fixture(scope="session")
def nu_errors(vnu, dossier_built, tiny_built) -> dict[Path, list[str]]:
    """One run of the checker (Java starts once) over both builds and the stylesheet."""
    files = (
        html_pages(dossier_built) + html_pages(tiny_built) + [tiny_built / "static" / "style.css"]
    )
    return nu_check(vnu, files)


@pytest.mark.parametrize("build", ["dossier_built", "tiny_built"])
def test_every_page_passes_the_nu_html_checker(nu_errors, request, build):
    site: Path = request.getfixturevalue(build)
    pages = html_pages(site)
    assert len(pages) > 10
    assert {str(p.relative_to(site)): nu_errors[p] for p in pages if p in nu_errors} == {}


def test_the_stylesheet_passes_the_nu_css_checker(nu_errors, tiny_built):
    assert nu_errors.get(tiny_built / "static" / "style.css", []) == []


def test_search_results_rendered_in_the_browser_are_valid(vnu, open_page, dossier, tmp_path):
    """The markup search.js builds (filters, results, excerpts) is checked too, as the browser
    serialized it."""
    page, visit = open_page(dossier.url("search/index.html") + "?q=" + quote("سوريا"))
    page.wait_for_selector("#search-results[aria-busy='false'] li", state="attached")
    rendered = tmp_path / "search-results.html"
    rendered.write_text(
        "<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"), encoding="utf-8"
    )
    assert nu_check(vnu, [rendered]) == {}
