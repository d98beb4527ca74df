"""The pages: overview, stories, story, article, entity, events. Server-rendered; every fact links to its span.

A span is addressed as ``/articles/ID#pP:START-END`` (paragraph ``-1`` is the title); static/app.js
scrolls to it and highlights it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import date
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException

from ..model import TITLE
from ..watch.state import sources_health
from . import basemap
from .api import (
    EVENT_FILTERS,
    ID,
    STORY_FILTERS,
    EventFilters,
    StoryFilters,
    find_events,
    find_stories,
    page,
    story_detail,
    view,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE = 50
TABLE_ROWS = 500  # events listed under the map (the map and the chart show them all)


DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(jinja2.Environment):
    """Jinja2 for the desk's records (dicts): ``record.field`` is the dict's key, as with the default lookup for any
    name that is not a dict method, but without raising and catching an AttributeError on every access."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def templates(directory: Path) -> Jinja2Templates:
    """The Jinja2 templates with the link helpers (autoescaping is on: article text is always text). They ship with
    the package: not checked for changes on every render (``auto_reload``)."""
    env = Environment(
        loader=jinja2.FileSystemLoader(directory), autoescape=jinja2.select_autoescape(), auto_reload=False
    )
    engine = Jinja2Templates(env=env)
    env.globals.update(
        article_url=article_url,
        story_url=lambda i: "/stories/" + quote(i, safe=""),
        entity_url=lambda i: "/entities/" + quote(i, safe=""),
        span_url=span_url,
    )
    env.filters["fatalities"] = fatalities
    return engine


def article_url(article_id: str, paragraph: int | None = None) -> str:
    return "/articles/" + quote(article_id, safe="") + ("" if paragraph is None else f"#p{paragraph}")


def span_url(item: dict) -> str:
    """The link to a claim's or a mention's span: ``/articles/ID#pP:START-END``."""
    return article_url(item["article"]) + f"#p{item['paragraph']}:{item['start']}-{item['end']}"


def fatalities(figure: dict | None) -> str:
    if not figure or figure.get("min") is None and figure.get("max") is None:
        return "–"
    low, high = figure.get("min"), figure.get("max")
    if high is None:
        return f"≥{low:g}" if low is not None else "–"
    return f"{low:g}" if low == high else f"{(low or 0):g}–{high:g}"


def render(request: Request, name: str, **context) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context)


@router.get("/")
async def overview(request: Request):
    desk = view(request)
    latest = sorted(desk.stories.values(), key=lambda s: (s["last_published"] or "", s["id"]), reverse=True)[:10]
    counts = {
        "articles": len(desk.articles),
        "stories": len(desk.stories),
        "entities": len(desk.entities),
        "claims": len(desk.claim_list),
        "events": len(desk.events),
        "contradictions": len(desk.contradictions),
    }
    with request.app.state.reader.read() as store:
        sources = sources_health(store)  # `newsdesk watch` sources, as `newsdesk sources` shows them
    return render(
        request,
        "overview.html",
        counts=counts,
        latest=latest,
        skips=desk.skips.most_common(),
        languages=desk.languages.most_common(),
        facets=desk.facets,
        sources=sources,
    )


@router.get("/stories")
async def stories(
    request: Request,
    filters: StoryFilters = STORY_FILTERS,
    cursor: str | None = Query(None, max_length=512),
):
    desk = view(request)
    with request.app.state.reader.read() as store:
        found = find_stories(desk, store, filters)
    shown, token = page(found, range(len(found)), cursor, PAGE)
    given = {k: v for k, v in asdict(filters).items() if v}
    return render(
        request,
        "stories.html",
        stories=shown,
        total=len(found),
        filters=filters,
        types=desk.event_types,
        facets=desk.facets,
        next_url=f"/stories?{urlencode(given | {'cursor': token})}" if token else None,
    )


@router.get("/stories/{story_id}")
async def story(request: Request, story_id: str = PathParam(pattern=ID)):
    desk = view(request)
    detail = story_detail(desk, story_id)
    with request.app.state.reader.read() as store:
        state = store.story_state(story_id)
    rows = [desk.articles[a] for a in detail["story"]["articles"] if a in desk.articles]
    timeline = sorted(rows, key=lambda a: (a["published"] or "9999", desk.seq.get(a["id"], 0)))
    reused: dict[str, list[dict]] = defaultdict(list)
    for link in detail["reuse"]:
        first = desk.origin(link["a"]["article"], link["a"]["paragraph"])
        reused[link["b"]["article"]].append(
            {
                **link,
                "first": {"article": first[0], "paragraph": first[1]},
                "snippet": desk.snippets.get((link["b"]["article"], link["b"]["paragraph"])),
            }
        )
    speakers: dict[str, list[dict]] = defaultdict(list)
    for claim in detail["claims"]:
        speakers[claim["speaker"] or "text:" + (claim["speaker_text"] or "unattributed")].append(claim)
    groups = sorted(speakers.items(), key=lambda item: -len(item[1]))
    events = detail["events"]
    return render(
        request,
        "story.html",
        story=detail["story"],
        timeline=timeline,
        reused=reused,
        novelty=state.get("novelty", {}),
        groups=groups,
        claims=desk.claims,
        claim_text=desk.claim_text,
        entities=desk.entities,
        contradictions=detail["contradictions"],
        events=events,
        map=event_map(events, desk, link=False),
    )


@router.get("/articles/{article_id}")
async def article(request: Request, article_id: str = PathParam(pattern=ID)):
    desk = view(request)
    with request.app.state.reader.read() as store:
        found = store.article(article_id)
        links = store.reuse(article_id)
    marks: dict[int, list[tuple[int, int, str, dict]]] = defaultdict(list)
    for paragraph, start, end, entity_id in desk.mentions.get(article_id, ()):
        entity = desk.entities.get(entity_id, {})
        marks[paragraph].append(
            (
                start,
                end,
                "mention",
                {"id": entity_id, "type": entity.get("type", "OTHER"), "name": entity.get("name", "")},
            )
        )
    for repair in found.repairs:
        marks[repair.paragraph].append((repair.start, repair.end, "repair", {"before": repair.before}))
    claims = desk.claims_by_article.get(article_id, [])
    for claim in claims:
        marks[claim["paragraph"]].append((claim["start"], claim["end"], "claim", {"id": claim["id"]}))
    paragraphs = [
        {"index": p.index, "role": p.role, "line": p.line, "html": marked(p.text, marks.get(p.index, []))}
        for p in found.paragraphs
    ]
    reuse = [
        {
            "mine": link.b["paragraph"] if link.b["article"] == article_id else link.a["paragraph"],
            "other": link.a if link.b["article"] == article_id else link.b,
            "kind": link.kind,
            "earlier": link.b["article"] == article_id,
        }
        for link in links
    ]
    return render(
        request,
        "article.html",
        article=found,
        title_html=marked(found.title, marks.get(TITLE, [])),
        paragraphs=paragraphs,
        claims=claims,
        entities=desk.entities,
        reuse=reuse,
        story=desk.stories.get(found.story or ""),
        roles=Counter(p.role for p in found.paragraphs),
    )


def marked(text: str, marks: list[tuple[int, int, str, dict]]) -> Markup:
    """``text`` escaped, with entity mentions as links, repaired words and claims marked (marks may overlap)."""
    bounds = sorted({0, len(text)} | {max(0, min(len(text), b)) for s, e, *_ in marks for b in (s, e)})
    out = []
    for start, end in pairwise(bounds):
        piece = escape(text[start:end])
        for s, e, kind, data in sorted(marks, key=lambda m: (m[1] - m[0], m[2])):  # innermost first
            if not (s <= start and end <= e):
                continue
            if kind == "mention":
                piece = Markup('<a class="ent ent-{}" href="{}" title="{}">{}</a>').format(
                    data["type"].lower(), "/entities/" + quote(data["id"], safe=""), data["name"], piece
                )
            elif kind == "repair":
                piece = Markup('<span class="repair" title="repaired from “{}”">{}</span>').format(
                    data["before"], piece
                )
            else:
                piece = Markup('<span class="claim" data-claim="{}">{}</span>').format(data["id"], piece)
        out.append(piece)
    return Markup("").join(out)


@router.get("/entities/{entity_id}")
async def entity(request: Request, entity_id: str = PathParam(pattern=ID)):
    desk = view(request)
    record = desk.entities.get(entity_id)
    if record is None:
        raise HTTPException(404, f"no entity with id {entity_id!r} in this desk")
    place = desk.places.get(entity_id)
    by_article: dict[str, list[dict]] = defaultdict(list)
    for mention in record["mentions"]:
        by_article[mention["article"]].append(mention)
    points = [(place["lon"], place["lat"], place["name"], None, None)] if place and place.get("lat") is not None else []
    return render(
        request,
        "entity.html",
        entity=record,
        place=place,
        by_article=by_article,
        articles=desk.articles,
        claims=desk.claims_by_speaker.get(entity_id, []),
        claim_text=desk.claim_text,
        map=point_map(points) if points else None,
    )


@router.get("/events")
async def events(request: Request, filters: EventFilters = EVENT_FILTERS):
    desk = view(request)
    found = find_events(desk, filters)
    found = sorted(found, key=lambda e: (e["date"] or "", e["id"]), reverse=True)
    return render(
        request,
        "events.html",
        events=found[:TABLE_ROWS],
        total=len(found),
        stories=desk.stories,
        map=event_map(found, desk),
        chart=day_chart(found),
        types=desk.event_types,
        filters=asdict(filters),
    )


@router.get("/map/world.svg", response_class=Response)
async def world(request: Request):
    """The basemap under every map (cached by the browser for a day)."""
    return Response(basemap.world_svg(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


def event_map(events: list[dict], desk, link: bool = True) -> Markup:
    points = []
    for event in events:
        where = event.get("location") or {}
        if where.get("lat") is None or where.get("lon") is None:
            continue
        story = desk.stories.get(event["story"], {})
        label = f"{event['type']} — {where.get('name')}, {event['date'] or 'date unknown'}: {story.get('title', '')}"
        points.append(
            (
                where["lon"],
                where["lat"],
                label,
                (event["fatalities"] or {}).get("min"),
                "/stories/" + quote(event["story"], safe="") if link else None,
            )
        )
    return point_map(points)


def point_map(points: list[tuple[float, float, str, float | None, str | None]]) -> Markup:
    """An SVG map of (lon, lat, label, fatalities, link) points over the world basemap."""
    x, y, width, height = basemap.frame([(lon, lat) for lon, lat, *_ in points])
    wx, wy, ww, wh = basemap.WORLD
    dots = []
    for lon, lat, label, dead, href in points:
        dot = Markup(
            '<circle class="event-point" cx="{:.4f}" cy="{:.4f}" r="{:.4f}"><title>{}</title></circle>'
        ).format(lon, -lat, basemap.radius(dead, width), label)
        dots.append(Markup('<a href="{}">{}</a>').format(href, dot) if href else dot)
    return Markup(
        '<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="{:g} {:g} {:g} {:g}" '
        'role="img" aria-label="map of {} points"><image href="/map/world.svg" x="{:g}" y="{:g}" '
        'width="{:g}" height="{:g}" preserveAspectRatio="none"/>{}</svg>'
    ).format(x, y, width, height, len(points), wx, wy, ww, wh, Markup("").join(dots))


def day_chart(events: list[dict], width: int = 960, height: int = 140) -> Markup | None:
    """Events per day as bars on a time axis, and the day's fatalities (lower bounds summed) as a line."""
    days: dict[date, list[float]] = {}
    for event in events:
        try:
            day = date.fromisoformat(event["date"] or "")
        except ValueError:
            continue  # no date, or a week / month / year
        count = days.setdefault(day, [0, 0])
        count[0] += 1
        count[1] += (event["fatalities"] or {}).get("min") or 0
    if not days:
        return None
    order = sorted(days)
    first, last = order[len(order) // 100], order[-1]  # a stray old date (a misread year) does not squash the axis
    left_out = sum(days.pop(day)[0] for day in order if day < first)
    span = (last - first).days + 1
    bar = min(24.0, max(2.0, width / span))
    most_events = max(c[0] for c in days.values())
    most_dead = max(c[1] for c in days.values()) or 1
    top, bottom = 18, height - 16
    bars, line = [], []
    for day in sorted(days):
        count, dead = days[day]
        x = (day - first).days / max(span - 1, 1) * (width - bar)
        h = (bottom - top) * count / most_events
        bars.append(
            Markup(
                '<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">'
                "<title>{}: {} events, {:g} killed</title></rect>"
            ).format(x, bottom - h, max(bar - 1, 1), h, day, count, dead)
        )
        line.append(f"{x + bar / 2:.1f},{bottom - (bottom - top) * dead / most_dead:.1f}")
    return Markup(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="events and fatalities per day">'
        '{}<polyline class="dead" points="{}"/>'
        '<text x="0" y="11">bars: events per day (max {}) · line: killed (max {:g}){}</text>'
        '<text x="0" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text></svg>'
    ).format(
        width,
        height,
        Markup("").join(bars),
        " ".join(line),
        most_events,
        most_dead,
        f" · {left_out} events before {first} not shown" if left_out else "",
        height - 2,
        first,
        width,
        height - 2,
        last,
    )
