"""``/api/v1``: the desk as JSON. List items have the ``newsdesk/1`` export's shapes (docs/export.md).

Lists answer ``{"items": [...], "next": CURSOR | null, "count": N}``; pass ``cursor=CURSOR`` for the next page.
Every answer carries an ETag (a hash of its body); a matching ``If-None-Match`` gets ``304``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import tempfile
import threading
from bisect import bisect_right
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import orjson
import xxhash
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..store.export import article_record
from ..store.sqlite import fts_query
from .data import DeskView

router = APIRouter(prefix="/api/v1", tags=["desk"])
# Ids are file stems or record ids: any printable text without a slash or a backslash, bounded.
ID = r"^[^\x00-\x1f\x7f/\\]{1,256}$"
LIMIT = Query(20, ge=1, le=500, description="Items per page.")
CURSOR = Query(None, max_length=512, description="The `next` of the previous page.")
DAY = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def respond(request: Request, data: Any) -> Response:
    """JSON with an ETag; 304 when the client already has this body."""
    body = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    tag = '"' + xxhash.xxh3_128_hexdigest(body) + '"'  # not a secret, just a version: a fast hash
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def page(items: list, keys, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Items after the cursor's key (``keys`` ascending, one per item), and the cursor of the next page."""
    start = bisect_right(keys, after(cursor)) if cursor else 0
    more = start + limit < len(items)
    return items[start : start + limit], next_cursor(keys[start + limit - 1]) if more else None


def after(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode() + b"==="))
    except (ValueError, binascii.Error):
        raise HTTPException(400, "cursor is not one this server gave; start again without it") from None


def next_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(str(key).encode()).decode().rstrip("=")


def listing(request: Request, desk: DeskView, items: list, cursor: str | None, limit: int) -> Response:
    """A page of a desk-wide list; its cursor is a position (the view changes only when the desk does)."""
    chunk, token = page(items, range(len(items)), cursor, limit)
    return respond(request, {"items": desk.encoded(chunk), "next": token, "count": len(items)})


def view(request: Request) -> DeskView:
    return request.app.state.reader.view()


def in_range(day: str | None, since: str | None, until: str | None) -> bool:
    """A date inside [since, until] (prefix comparison: 2024 and 2024-05 work); no date passes no bound."""
    if since is None and until is None:
        return True
    if day is None:
        return False
    return (since is None or day[: len(since)] >= since) and (until is None or day[: len(until)] <= until)


# articles ---------------------------------------------------------------------
ARTICLE_FILTERS = {
    "story": "story = :story",
    "source": "lower(source) = lower(:source)",
    "since": "substr(published, 1, length(:since)) >= :since",
    "until": "substr(published, 1, length(:until)) <= :until",
    "match": "seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match)",
}


@router.get("/articles", summary="Articles in arrival order")
async def articles(
    request: Request,
    story: str | None = Query(None, pattern=ID),
    source: str | None = Query(None, max_length=200),
    since: str | None = Query(None, pattern=DAY),
    until: str | None = Query(None, pattern=DAY),
    q: str | None = Query(None, max_length=500, description="Words that title or text must contain."),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    given = {"story": story, "source": source, "since": since, "until": until, "match": fts_query(q) if q else None}
    if q and given["match"] is None:  # no searchable word in q: nothing matches
        return respond(request, {"items": [], "next": None, "count": 0})
    where = " AND ".join(["1", *(ARTICLE_FILTERS[name] for name, value in given.items() if value is not None)])
    start = after(cursor) if cursor else 0
    with request.app.state.reader.read() as store:
        count = store.db.execute(f"SELECT COUNT(*) FROM articles WHERE {where}", given).fetchone()[0]
        rows = store.db.execute(
            f"SELECT id, seq FROM articles WHERE {where} AND seq > :after ORDER BY seq LIMIT :n",
            {**given, "after": start, "n": limit + 1},
        ).fetchall()
        items = request.app.state.reader.article_records(store, [r[0] for r in rows[:limit]])
    token = next_cursor(rows[limit - 1][1]) if len(rows) > limit else None
    return respond(request, {"items": request.app.state.reader.encoded(items), "next": token, "count": count})


@router.get("/articles/{article_id}", summary="One article with its paragraphs, repairs and claims")
async def article(request: Request, article_id: str = PathParam(pattern=ID)):
    with request.app.state.reader.read() as store:
        record = article_record(store.article(article_id))
    return respond(request, {"article": record, "claims": view(request).claims_by_article.get(article_id, [])})


# stories ----------------------------------------------------------------------
SORTS = {
    "updated": lambda s, f: (s["last_published"] or "", s["id"]),
    "size": lambda s, f: (f["size"], s["id"]),
    "sources": lambda s, f: (s["independent_sources"], s["id"]),
}


@dataclass(frozen=True)
class StoryFilters:
    """The filters of the stories list, the same on the page and in the API (see :func:`story_filters`)."""

    q: str | None = None
    since: str | None = None
    until: str | None = None
    country: str | None = None
    place: str | None = None
    entity: str | None = None
    type: str | None = None
    sort: str = "updated"


async def story_filters(
    q: str | None = Query(None, max_length=500, description="Words the story's articles must contain."),
    since: str | None = Query(None, pattern=DAY),
    until: str | None = Query(None, pattern=DAY),
    country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code."),
    place: str | None = Query(None, max_length=200),
    entity: str | None = Query(None, max_length=200),
    type: str | None = Query(None, max_length=100, description="ACLED event type, e.g. Battles."),
    sort: str = Query("updated", pattern="^(updated|size|sources)$"),
) -> StoryFilters:
    """The stories filters as one FastAPI dependency (``/api/v1/stories`` and the ``/stories`` page); a coroutine:
    FastAPI would run a plain function in its thread pool, a thread hop per request."""
    return StoryFilters(q, since, until, country, place, entity, type, sort)


STORY_FILTERS = Depends(story_filters)


def find_stories(desk: DeskView, store, filters: StoryFilters) -> list[dict]:
    """Stories matching the filters, in ``sort`` order, largest / latest first (shared with the stories page).
    Filtering keeps the view's order for that sort (made once per view), so no request sorts."""
    q, since, until, country, place, entity, type, sort = astuple(filters)
    tests = []
    if q:
        matched = {desk.articles[i]["story"] for i in store.matches(q) if i in desk.articles}
        tests.append(lambda story, facets: story["id"] in matched)
    if since:
        tests.append(lambda story, facets: (story["last_published"] or "")[: len(since)] >= since)
    if until:
        tests.append(lambda story, facets: (story["first_published"] or "9999")[: len(until)] <= until)
    if country:
        tests.append(lambda story, facets: country.upper() in facets["countries"])
    if place:
        tests.append(lambda story, facets: any(place.lower() in name for name in facets["places"]))
    if entity:
        entities = {entity} if entity in desk.entities else desk.entity_named(entity)
        tests.append(lambda story, facets: bool(entities & facets["entities"]))
    if type:
        tests.append(lambda story, facets: type in facets["types"])
    ordered = desk.stories_in_order(sort, SORTS[sort])
    if not tests:
        return ordered
    return [s for s in ordered if all(test(s, desk.facets[s["id"]]) for test in tests)]


@router.get("/stories", summary="Stories, filtered and sorted as on the stories page")
async def stories(
    request: Request,
    filters: StoryFilters = STORY_FILTERS,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    desk = view(request)
    with request.app.state.reader.read() as store:
        found = find_stories(desk, store, filters)
    return listing(request, desk, found, cursor, limit)


def story_detail(desk: DeskView, story_id: str) -> dict[str, Any]:
    story = desk.stories.get(story_id)
    if story is None:
        raise HTTPException(404, f"no story with id {story_id!r}; /api/v1/stories lists them")
    members = set(story["articles"])
    return {
        "story": story,
        "reuse": [desk.reuse[i] for i in sorted(i for a in members for i in desk.reuse_at.get(a, ()))],
        "claims": [c for a in story["articles"] for c in desk.claims_by_article.get(a, [])],
        "events": desk.events_by_story.get(story_id, []),
        "contradictions": desk.contradictions_by_story.get(story_id, []),
    }


@router.get("/stories/{story_id}", summary="One story with its re-use links, claims, events and contradictions")
async def story(request: Request, story_id: str = PathParam(pattern=ID)):
    return respond(request, story_detail(view(request), story_id))


# claims, events, entities, contradictions --------------------------------------
@router.get("/claims", summary="Attributed statements")
async def claims(
    request: Request,
    story: str | None = Query(None, pattern=ID),
    article: str | None = Query(None, pattern=ID),
    speaker: str | None = Query(None, max_length=200, description="Part of the speaker's text or name."),
    polarity: str | None = Query(None, pattern="^(assert|deny)$"),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    desk = view(request)
    items = desk.claim_list
    if story:
        members = set(desk.stories.get(story, {}).get("articles", []))
        items = [c for c in items if c["article"] in members]
    if article:
        items = [c for c in items if c["article"] == article]
    if speaker:
        ids = desk.entity_named(speaker)
        items = [c for c in items if c["speaker"] in ids or speaker.lower() in (c["speaker_text"] or "").lower()]
    if polarity:
        items = [c for c in items if c["polarity"] == polarity]
    return listing(request, desk, items, cursor, limit)


@dataclass(frozen=True)
class EventFilters:
    """The filters of the events list, the same on the page and in the API (see :func:`event_filters`)."""

    story: str | None = None
    type: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None


async def event_filters(
    story: str | None = Query(None, pattern=ID),
    type: str | None = Query(None, max_length=100),
    country: str | None = Query(None, pattern=r"^[A-Za-z]{2}$"),
    since: str | None = Query(None, pattern=DAY),
    until: str | None = Query(None, pattern=DAY),
) -> EventFilters:
    """The events filters as one FastAPI dependency (``/api/v1/events`` and the ``/events`` page)."""
    return EventFilters(story, type, country, since, until)


EVENT_FILTERS = Depends(event_filters)


@router.get("/events", summary="ACLED-like events")
async def events(
    request: Request, filters: EventFilters = EVENT_FILTERS, cursor: str | None = CURSOR, limit: int = LIMIT
):
    desk = view(request)
    return listing(request, desk, find_events(desk, filters), cursor, limit)


def find_events(desk: DeskView, filters: EventFilters) -> list[dict]:
    if filters == EventFilters():
        return desk.events  # no filter: the view's list itself, not a copy made per request
    story, type, country, since, until = astuple(filters)
    return [
        e
        for e in desk.events
        if (story is None or e["story"] == story)
        and (type is None or e["type"] == type)
        and (country is None or ((e.get("location") or {}).get("country") or "") == country.upper())
        and in_range(e["date"], since, until)
    ]


@router.get("/entities", summary="Entities merged across the desk")
async def entities(
    request: Request,
    type: str | None = Query(None, pattern="^(PERSON|ORG|GPE|LOC|NORP|OTHER)$"),
    q: str | None = Query(None, max_length=200, description="Part of a name or alias."),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    desk = view(request)
    items = desk.entity_list  # no filter: the view's list itself, not a copy made per request
    if type is not None or q:
        named = desk.entity_named(q) if q else None
        items = [e for e in items if (type is None or e["type"] == type) and (named is None or e["id"] in named)]
    return listing(request, desk, items, cursor, limit)


@router.get("/entities/{entity_id}", summary="One entity, its place and the claims it made")
async def entity(request: Request, entity_id: str = PathParam(pattern=ID)):
    desk = view(request)
    record = desk.entities.get(entity_id)
    if record is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}; /api/v1/entities lists them")
    return respond(
        request,
        {"entity": record, "place": desk.places.get(entity_id), "claims": desk.claims_by_speaker.get(entity_id, [])},
    )


@router.get("/contradictions", summary="Where sources disagree")
async def contradictions(
    request: Request,
    story: str | None = Query(None, pattern=ID),
    kind: str | None = Query(None, pattern="^(numeric|denial|status|other)$"),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    desk = view(request)
    items = [
        c for c in desk.contradictions if (story is None or c["story"] == story) and (kind is None or c["kind"] == kind)
    ]
    return listing(request, desk, items, cursor, limit)


@router.get("/search", summary="Full-text search: matching articles by relevance, and their stories")
async def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=500),
    cursor: str | None = CURSOR,
    limit: int = Query(20, ge=1, le=100),
):
    desk = view(request)
    start = after(cursor) + 1 if cursor else 0
    with request.app.state.reader.read() as store:
        items = request.app.state.reader.article_records(store, store.search(q, limit, start))
        count = store.search_count(q)
    token = next_cursor(start + limit - 1) if start + limit < count else None
    story_ids = dict.fromkeys(a["story"] for a in items if a["story"] in desk.stories)
    return respond(
        request,
        {
            "items": request.app.state.reader.encoded(items),
            "next": token,
            "count": count,
            "stories": desk.encoded([desk.stories[s] for s in story_ids]),
        },
    )


# adding -----------------------------------------------------------------------
_write_lock = threading.Lock()
UPLOAD = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
                "example": {"id": "a1", "title": "…", "text": "…", "published": "2024-05-01"},
            },
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
        }
    }
}


@router.post(
    "/articles",
    status_code=201,
    openapi_extra=UPLOAD,
    summary="Add articles (JSON records, or a file in any format `newsdesk add` reads); needs --token",
)
async def add(request: Request):
    state = request.app.state
    if not state.token:
        raise HTTPException(403, "adding articles is disabled; start the server with --token TOKEN to enable it")
    given = request.headers.get("authorization", "")
    if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), state.token.encode())):
        raise HTTPException(
            401, "send the server's token as 'Authorization: Bearer TOKEN'", headers={"WWW-Authenticate": "Bearer"}
        )
    if int(request.headers.get("content-length") or 0) > state.max_upload:
        raise HTTPException(413, f"the upload is larger than {state.max_upload} bytes")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
        if kind == "application/json":
            path = Path(folder) / "records.jsonl"
            path.write_bytes(_records(await _body(request, state.max_upload)))
        elif kind == "multipart/form-data":
            form = await request.form(max_files=1, max_fields=0, max_part_size=state.max_upload)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise HTTPException(422, "send the file in a form field named 'file'")
            name = re.sub(r"[^\w.\-]", "_", Path(upload.filename or "upload").name).lstrip(".") or "upload"
            path = Path(folder) / name[:120]
            path.write_bytes(await upload.read())
        else:
            raise HTTPException(415, "send application/json records or a multipart/form-data file")
        summary = await run_in_threadpool(_add, request.app, path)
    await run_in_threadpool(request.app.state.reader.view, True)  # answer once lists show what was added
    return {
        "added": summary.added,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": [s.to_dict() for s in summary.skipped],
        "summary": str(summary),
    }


async def _body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the upload is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _records(body: bytes) -> bytes:
    """JSON records (one object or a list) as JSONL, the input `newsdesk add` reads."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, f"the body is not JSON ({exc})") from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise HTTPException(422, "send a JSON object {id, title, text, published, url, source} or a list of them")
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _add(app, path: Path):
    from ..desk import Desk

    with _write_lock:  # one writer; the pipeline loads once, on the first upload
        if getattr(app.state, "desk", None) is None:
            app.state.desk = Desk(app.state.reader.path)
        return app.state.desk.add(path)
