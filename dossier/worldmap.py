"""Maps drawn at build time: country outlines and place markers as SVG geometry. Pure, but for
reading the outlines once (Natural Earth's 1:110m countries, as the countryinfo package ships them).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

WIDTH = 1000  # viewBox units across; the page scales the map to its column
MARGIN_DEGREES = 3.0
MIN_SPAN_DEGREES = 16.0  # a dossier about one town still shows its region
LOCATOR_SPAN_DEGREES = (24.0, 16.0)  # longitude, latitude around a place on its own page
MIN_RADIUS, MAX_RADIUS = 6.0, 28.0
MIN_ASPECT = 0.55


@dataclass(frozen=True)
class Marker:
    term: object  # the place's Term
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class MapView:
    view_box: str
    outlines: tuple[str, ...]  # one SVG path per country
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class _Frame:
    """An equirectangular projection of a box of the globe, longitudes scaled at mid-latitude."""

    west: float
    south: float
    east: float
    north: float

    @property
    def scale(self) -> float:
        return WIDTH / (
            (self.east - self.west) * math.cos(math.radians((self.north + self.south) / 2))
        )

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        stretch = math.cos(math.radians((self.north + self.south) / 2))
        return (
            (longitude - self.west) * stretch * self.scale,
            (self.north - latitude) * self.scale,
        )

    def meets(self, box: tuple[float, float, float, float]) -> bool:
        west, south, east, north = box
        return (
            west <= self.east and east >= self.west and south <= self.north and north >= self.south
        )


def places_map(terms) -> MapView | None:
    """The map of every place with coordinates and articles, sized by articles; None if none."""
    placed = [t for t in terms if t.coordinates and t.pages]
    if not placed:
        return None
    latitudes = [t.coordinates[0] for t in placed]
    longitudes = [t.coordinates[1] for t in placed]
    frame = _frame(min(longitudes), min(latitudes), max(longitudes), max(latitudes), MARGIN_DEGREES)
    most = max(len(t.pages) for t in placed)
    markers = [
        _marker(frame, t, MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(len(t.pages) / most))
        for t in sorted(placed, key=lambda t: -len(t.pages))
    ]  # small markers drawn last, on top
    return MapView(_view_box(frame), _outlines(frame), tuple(markers))


def locator_map(term) -> MapView | None:
    """A small map of the region around one place, with its marker."""
    if not term.coordinates:
        return None
    latitude, longitude = term.coordinates
    half_lon, half_lat = LOCATOR_SPAN_DEGREES[0] / 2, LOCATOR_SPAN_DEGREES[1] / 2
    frame = _Frame(
        longitude - half_lon,
        max(-90.0, latitude - half_lat),
        longitude + half_lon,
        min(90.0, latitude + half_lat),
    )
    return MapView(_view_box(frame), _outlines(frame), (_marker(frame, term, 3 * MIN_RADIUS),))


def _frame(west: float, south: float, east: float, north: float, margin: float) -> _Frame:
    """A box around the points, at least MIN_SPAN_DEGREES wide and high, on the globe."""
    middle_lon, middle_lat = (west + east) / 2, (south + north) / 2
    half_lon = max(east - west + 2 * margin, MIN_SPAN_DEGREES) / 2
    stretch = math.cos(math.radians(middle_lat))
    # Never a strip: the map is at least MIN_ASPECT as high as it is wide, and as wide as high.
    half_lat = max(north - south + 2 * margin, 2 * half_lon * stretch * MIN_ASPECT) / 2
    half_lon = max(half_lon, half_lat / stretch)
    return _Frame(
        max(-180.0, middle_lon - half_lon),
        max(-85.0, middle_lat - half_lat),
        min(180.0, middle_lon + half_lon),
        min(85.0, middle_lat + half_lat),
    )


def _marker(frame: _Frame, term, radius: float) -> Marker:
    x, y = frame.point(term.coordinates[1], term.coordinates[0])
    return Marker(term, round(x, 1), round(y, 1), round(radius, 1))


def _view_box(frame: _Frame) -> str:
    return f"0 0 {WIDTH} {round(frame.height)}"


@lru_cache(maxsize=1024)
def _outlines(frame: _Frame) -> tuple[str, ...]:
    """The outline of each country in the frame as SVG path data, a point every 2 units at most.

    Kept by frame: a place's locator map is drawn on each part of its listing."""
    paths = []
    for box, polygons in country_polygons():
        if not frame.meets(box):
            continue
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points = _thin(
                    _clip([frame.point(lon, lat) for lon, lat in ring], WIDTH, frame.height)
                )
                if len(points) >= 3:
                    rings.append("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in points) + "Z")
        if rings:
            paths.append("".join(rings))
    return tuple(paths)


def _clip(
    points: list[tuple[float, float]], width: float, height: float
) -> list[tuple[float, float]]:
    """Cut a ring to the map's rectangle (Sutherland-Hodgman): nothing drawn, or sent, outside."""
    edges = [
        (0, 0.0, True),
        (0, width, False),
        (1, 0.0, True),
        (1, height, False),
    ]  # axis, bound, is minimum
    for axis, bound, is_min in edges:

        def inside(p, axis=axis, bound=bound, is_min=is_min):
            return p[axis] >= bound if is_min else p[axis] <= bound

        clipped = []
        for current, previous in zip(points, points[-1:] + points[:-1], strict=True):
            if inside(current) != inside(previous):
                share = (bound - previous[axis]) / (current[axis] - previous[axis])
                clipped.append(
                    tuple(previous[i] + share * (current[i] - previous[i]) for i in (0, 1))
                )
            if inside(current):
                clipped.append(current)
        points = clipped
        if not points:
            break
    return points


def _thin(points: list[tuple[float, float]], step: float = 2.0) -> list[tuple[float, float]]:
    """Drop points closer than ``step`` to the last one kept: the same drawing, fewer bytes."""
    kept = points[:1]
    for x, y in points[1:]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= step:
            kept.append((x, y))
    return kept


@lru_cache(maxsize=1)
def country_polygons() -> tuple[tuple[tuple[float, float, float, float], list], ...]:
    """Each country's bounding box and polygons (rings of (longitude, latitude)), read once."""
    try:
        import countryinfo
    except ImportError:
        log.warning("countryinfo is not installed: maps show places without country outlines")
        return ()
    countries = []
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for feature in (data.get("geoJSON") or {}).get("features", ()):
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            points = [p for polygon in polygons for ring in polygon for p in ring]
            if points:
                box = (
                    min(p[0] for p in points),
                    min(p[1] for p in points),
                    max(p[0] for p in points),
                    max(p[1] for p in points),
                )
                countries.append((box, polygons))
    return tuple(countries)
