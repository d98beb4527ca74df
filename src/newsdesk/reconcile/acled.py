"""``newsdesk export --format acled``: the desk's events as a CSV with ACLED's column names.

One row per event. ACLED's columns where they apply (``event_date``,
``event_type``, ``sub_event_type``, ``actor1``, ``actor2``, ``country``,
``admin1``, ``location``, ``latitude``, ``longitude``, ``geo_precision``,
``fatalities``, ``notes``, ``source``) and newsdesk's own after them: the
fatality range and whether it is disputed, the injured range, and the claim
ids behind each figure, so every number can be traced to its sentence.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Callable

from ..errors import NewsdeskError
from ..model import Event, Place
from ..outlets import outlet_label
from .story import entity_map

COLUMNS = [
    "event_id",
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "notes",
    "source",
    "story",
    "fatalities_max",
    "fatalities_disputed",
    "injured_min",
    "injured_max",
    "fatality_claims",
    "injured_claims",
    "claims",
]


def acled_rows(desk, progress: Callable[[int], None] | None = None) -> list[dict]:
    """One dict per event of the desk, keyed by :data:`COLUMNS`; ``progress(1)`` after each story."""
    store = desk.store
    rows = []
    for story in store.stories():
        if progress:
            progress(1)
        state = store.story_state(story.id)
        if not state.get("events"):
            continue
        articles = list(store.articles(story.articles))
        entity_of = entity_map(articles)
        names, places = {}, {}
        for article in articles:
            for entity in article.entities:
                key = entity_of.get(entity.id, entity.id)
                names.setdefault(key, entity.name)
                if entity.place is not None and (key not in places or entity.place.precision < places[key].precision):
                    places[key] = entity.place
        for data in state["events"]:
            event = Event.from_dict(data)
            rows.append(acled_row(event, names, places, event_sources(event, articles)))
    return rows


def event_sources(event: Event, articles: list) -> list[str]:
    """ACLED's ``source``: the outlets of the articles whose claims the event holds (all the story's when it holds
    none), then the wires they credit; an article of no known outlet is "unknown", never its id."""
    held = set(event.claims)
    backing = [a for a in articles if any(c.id in held for c in a.claims)] or articles
    found = [outlet_label(a.source, a.url) for a in backing] + [c for a in backing for c in a.credits]
    return list(dict.fromkeys(found))


def acled_row(event: Event, names: dict[str, str], places: dict[str, Place], sources: list[str]) -> dict:
    located = next((p for p in event.places if p in places), None)
    place = event.location or (places.get(located) if located else None)
    actor1, actor2 = _sides(event)
    location = place.name if place else (names.get(event.places[0], "") if event.places else "")
    return {
        "event_id": event.id,
        "event_date": event.date or "",
        "year": (event.date or "")[:4],
        "event_type": event.type,
        "sub_event_type": event.sub_type,
        "actor1": names.get(actor1, actor1 or ""),
        "actor2": names.get(actor2, actor2 or ""),
        "country": place.country or "" if place else "",
        "admin1": place.admin1 or "" if place else "",
        "location": location,
        "latitude": place.lat if place and place.lat is not None else "",
        "longitude": place.lon if place and place.lon is not None else "",
        "geo_precision": place.precision if place else 3,
        # ACLED codes the lowest credible figure, 0 when none is reported
        "fatalities": event.fatalities.get("min") or 0,
        "notes": event.notes,
        "source": "; ".join(sources),
        "story": event.story,
        "fatalities_max": _blank(event.fatalities.get("max")),
        "fatalities_disputed": bool(event.fatalities.get("disputed")),
        "injured_min": _blank(event.injured.get("min")),
        "injured_max": _blank(event.injured.get("max")),
        "fatality_claims": " ".join(event.fatalities.get("claims", [])),
        "injured_claims": " ".join(event.injured.get("claims", [])),
        "claims": " ".join(event.claims),
    }


def _sides(event: Event) -> tuple[str | None, str | None]:
    """ACLED's actor1 (the side that acted) and actor2 (the side acted against), each the first of its side;
    without sides (an older record), the first two actors."""
    first = next((a for a in event.actors if event.sides.get(a, 1) == 1), None)
    second = next((a for a in event.actors if event.sides.get(a) == 2), None)
    rest = [a for a in event.actors if a != first]
    if first is None and second is None:
        return (event.actors[0] if event.actors else None), (rest[0] if rest else None)
    return first, second if second is not None else next((a for a in rest if event.sides.get(a) != 2), None)


def _blank(value):
    return "" if value is None else value


def write_acled(desk, path: str | Path | None, progress: Callable[[int], None] | None = None) -> str | None:
    """Write the ACLED-style CSV to ``path`` (``-`` for stdout); without a path, return it as text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(acled_rows(desk, progress))
    text = buffer.getvalue()
    if path is None:
        return text
    if str(path) == "-":
        sys.stdout.write(text)
        return None
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise NewsdeskError(f"cannot write {path}: {exc}; choose another -o path") from None
    return None
