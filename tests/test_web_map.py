"""The basemap and the map window: simplification, framing, the day chart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsdesk[web]'")
from newsdesk.web import basemap
from newsdesk.web.pages import day_chart, marked

points = st.lists(st.tuples(st.floats(-179, 179), st.floats(-89, 89)), min_size=1, max_size=20)


@given(points)
def test_the_window_holds_every_point_at_two_to_one(found):
    x, y, width, height = basemap.frame(found)
    assert width == pytest.approx(2 * height)
    for lon, lat in found:
        assert x <= lon <= x + width and y <= -lat <= y + height


def test_simplify_snaps_to_the_grid_and_drops_repeats_and_straight_runs():
    ring = [(0.0, 0.0), (0.001, 0.001), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 0.0)]
    assert basemap.simplify(ring) == [(0.0, 0.0), (2.0, 0.0), (2.0, -1.0), (0.0, 0.0)]


def test_the_world_basemap_is_built_once_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    basemap.world_svg.cache_clear()
    svg = basemap.world_svg()
    assert svg.startswith("<svg") and svg.count("<path") > 200  # Natural Earth has ~250 countries
    assert (tmp_path / "newsdesk" / f"basemap-v{basemap.VERSION}.svg").read_text(encoding="utf-8") == svg
    basemap.world_svg.cache_clear()


def test_the_chart_puts_days_on_a_time_axis():
    events = [
        {"date": "2025-01-01", "fatalities": {"min": 2}},
        {"date": "2025-01-11", "fatalities": {"min": None}},
        {"date": "2025-01", "fatalities": {}},
        {"date": None, "fatalities": {}},
    ]
    chart = str(day_chart(events))
    assert chart.count('class="bar"') == 2 and "2025-01-01" in chart and "2025-01-11" in chart
    assert day_chart([{"date": None, "fatalities": {}}]) is None


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45)), max_size=6))
def test_marked_text_keeps_the_text_and_escapes_it(text, spans):
    import html
    import re

    marks = [(min(a, b), max(a, b), "claim", {"id": "c<1>"}) for a, b in spans]
    shown = str(marked(text, marks))
    assert all(
        re.fullmatch(r'<span class="claim" data-claim="c&lt;1&gt;">|</span>', tag)
        for tag in re.findall(r"<[^>]*>", shown)
    )  # only our tags: the text's own markup is escaped
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == text
