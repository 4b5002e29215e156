"""The map of places (site/map/index.html) and the locator map on place pages, drawn at build
time."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import make_site, page, run_cli

from dossier import worldmap
from dossier.worldmap import country_polygons, locator_map, places_map

GAZETTEER = """\
reference: false
places:
  - name: القامشلي
    coordinates: [37.05, 41.23]
  - name: حلب
    coordinates: [36.20, 37.16]
  - name: قرية بلا إحداثيات
"""
PAGES = {
    "content/_data/entities.yaml": GAZETTEER,
    "content/a.md": page("خبر أول", "2020-01-01", places=["القامشلي", "حلب", "قرية بلا إحداثيات"]),
    "content/b.md": page("خبر ثان", "2020-01-02", places=["القامشلي"]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("map"), PAGES)
    result = run_cli("build", "--content", "content", "--out", "site", "--no-search", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_the_map_page_links_a_marker_and_a_list_item_to_each_place(site):
    html = (site / "map" / "index.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    for name in ("القامشلي", "حلب"):
        href = f'href="../places/{quote(name)}/index.html"'
        assert svg.count(href) == 1 and html.count(href) == 2, (
            name
        )  # a marker, and an entry in the list
    assert "قرية بلا إحداثيات" not in html  # no coordinates: not on the map
    assert len(re.findall(r'<path d="M', svg)) > 5  # country outlines around the places
    radii = [float(r) for r in re.findall(r'<circle class="marker"[^>]* r="([\d.]+)"', svg)]
    assert radii[0] > radii[1]  # two articles draw a bigger marker than one
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host


def test_place_pages_show_a_locator_map(site):
    html = (site / "places" / "حلب" / "index.html").read_text(encoding="utf-8")
    assert html.count('<circle class="marker"') == 1 and 'aria-label="موقع حلب على الخريطة"' in html
    plain = (site / "places" / "قرية-بلا-إحداثيات" / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in plain


def test_a_dossier_without_coordinates_says_so(tmp_path):
    root = make_site(tmp_path, {"content/a.md": page("خبر", "2020-01-01", places=["مكان"])})
    assert (
        run_cli(
            "build", "--content", "content", "--out", "site", "--no-search", cwd=root
        ).returncode
        == 0
    )
    html = (root / "site" / "map" / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in html and "لا أماكن معروفة الإحداثيات بعد" in html


class Place:
    def __init__(self, name: str, coordinates, pages: int = 1):
        self.name, self.coordinates, self.pages, self.output_path = (
            name,
            coordinates,
            [None] * pages,
            "",
        )


def test_markers_fall_where_their_coordinates_are():
    view = places_map(
        [Place("غرب", (35.0, 36.0), 3), Place("شرق", (35.0, 42.0)), Place("شمال", (38.0, 39.0))]
    )
    by_name = {m.term.name: m for m in view.markers}
    assert by_name["غرب"].x < by_name["شرق"].x and by_name["شمال"].y < by_name["غرب"].y
    width, height = map(float, view.view_box.split()[2:])
    assert all(0 <= m.x <= width and 0 <= m.y <= height for m in view.markers)
    assert height >= 0.5 * width  # never a thin strip
    assert places_map([Place("بلا", None)]) is None and locator_map(Place("بلا", None)) is None


def test_the_outlines_are_natural_earth_countries():
    assert len(country_polygons()) > 150


def test_a_places_locator_map_is_drawn_once_for_all_its_listing_parts(monkeypatch):
    clipped = []
    clip = worldmap._clip
    monkeypatch.setattr(worldmap, "_clip", lambda *args: clipped.append(1) or clip(*args))
    worldmap._outlines.cache_clear()
    place = Place("دير الزور", (35.33, 40.14))
    first = locator_map(place)
    drawn = len(clipped)
    assert drawn > 0
    assert locator_map(place) == first and len(clipped) == drawn
