"""What the server reads: one read transaction per request, and a desk-wide view rebuilt when the desk changes.

Pages and API answers that need one article or one story read it from SQLite inside a read transaction
(WAL: ``newsdesk add`` may write meanwhile, the reader sees one consistent snapshot). Desk-wide lists —
entities merged across articles, claims, events, contradictions, story facets for filtering — come from
a :class:`DeskView` built with the export's own functions (``store.export.build``), so API items have the
export's shapes exactly. The view is rebuilt in the background when ``PRAGMA data_version`` says another
connection committed (at most every other build-time while writes go on); until then requests keep the
previous view.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import xxhash

from ..model import Article
from ..store import Store
from ..store.export import article_record, build

SNIPPET = 240  # characters of a re-used paragraph shown on a story page
# the stored article without the fields the export lists apart (most of its size): SQLite drops them, in C
WITHOUT_DERIVED = "json_remove(data, '$.entities', '$.dates', '$.quantities', '$.claims')"
RECORDS_CACHED = 20_000  # article records kept (~10 KB each); past that the cache starts again


class Encoded:
    """Items as JSON, each encoded once (orjson fragments), for items never changed once made: a view's, the records
    cache's. An entry holds its item, so the id it is found by is not reused while it is cached."""

    LIMIT = 64 * 1024 * 1024  # bytes of JSON kept; past that the cache starts again

    def __init__(self):
        self.json: dict[int, tuple[dict, orjson.Fragment]] = {}
        self.size = 0

    def __call__(self, items: list[dict]) -> list[orjson.Fragment]:
        out = []
        for item in items:
            hit = self.json.get(id(item))
            if hit is None or hit[0] is not item:
                if self.size >= self.LIMIT:
                    self.json.clear()
                    self.size = 0
                encoded = orjson.dumps(item, option=orjson.OPT_NON_STR_KEYS)
                hit = self.json[id(item)] = (item, orjson.Fragment(encoded))
                self.size += len(encoded)
            out.append(hit[1])
        return out


class Reader:
    def __init__(self, path: Path):
        self.path = path
        Store(path).close()  # migrate once: an older desk gets its search index here
        self._local = threading.local()
        self._watch = Store.reader(path)
        self._watch_lock = threading.Lock()
        self._data_version: int | None = None
        self.generation = 0
        self._view: DeskView | None = None
        self._build_lock = threading.Lock()
        self._quiet_until = 0.0
        self._serials = itertools.count(1)
        # article id -> (hash of its stored data, export record, the snapshot it was last checked in)
        self._records: dict[str, tuple[int, dict, tuple[int, int]]] = {}
        self.encoded = Encoded()  # the records' JSON

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read-only store on this thread's connection inside one read transaction: every read of the block sees
        the desk as one snapshot, whatever an add commits meanwhile (as an export does). A request reads in one
        such block, which never awaits: the requests on the event loop's thread share its connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store.reader(self.path)
            store.serial = next(self._serials)
        with store.snapshot():
            yield store

    @staticmethod
    def snapshot_id(store: Store) -> tuple[int, int]:
        """Which state of the desk a :meth:`read` block sees: (its connection, ``PRAGMA data_version``). The pragma
        pins the block's snapshot if nothing did yet; on one connection the same pair means nothing was committed
        in between."""
        return store.serial, store.db.execute("PRAGMA data_version").fetchone()[0]

    def article_records(self, store: Store, ids: list[str]) -> list[dict]:
        """Export records of these articles, in this order (ids not in the desk left out). A record is made once
        per stored version of the article (parsing it is most of a list's cost), and what it leaves out is not even
        parsed; one already checked in the same state of the desk is not read again."""
        now = self.snapshot_id(store)
        found, unchecked = {}, []
        for article_id in ids:
            cached = self._records.get(article_id)
            if cached is not None and cached[2] == now:
                found[article_id] = cached[1]
            else:
                unchecked.append(article_id)
        marks = ",".join("?" * len(unchecked))
        rows = store.db.execute(f"SELECT id, {WITHOUT_DERIVED} FROM articles WHERE id IN ({marks})", unchecked)
        for article_id, data in rows:
            digest = xxhash.xxh3_64_intdigest(data.encode("utf-8"))
            cached = self._records.get(article_id)
            if cached is None or cached[0] != digest:
                record = article_record(Article.from_dict(orjson.loads(data)))
                if len(self._records) >= RECORDS_CACHED:
                    self._records.clear()
            else:
                record = cached[1]
            self._records[article_id] = (digest, record, now)
            found[article_id] = record
        return [found[i] for i in ids if i in found]

    def current_generation(self) -> int:
        """A number that grows whenever another connection has committed to the desk."""
        with self._watch_lock:
            version = self._watch.db.execute("PRAGMA data_version").fetchone()[0]
            if version != self._data_version:
                self._data_version = version
                self.generation += 1
            return self.generation

    def view(self, wait: bool = False) -> DeskView:
        """The desk-wide view; a stale one while a newer one is built, unless ``wait`` or there is none yet."""
        generation = self.current_generation()
        view = self._view
        if view is not None and view.generation == generation:
            return view
        if view is None or wait:
            with self._build_lock:
                if self._view is None or self._view.generation != generation:
                    self._view = self._build(generation)
                return self._view
        if time.monotonic() < self._quiet_until:
            return view
        if self._build_lock.acquire(blocking=False):  # one rebuild at a time, off the request's path

            def rebuild():
                try:
                    self._view = self._build(generation)
                finally:
                    self._build_lock.release()

            threading.Thread(target=rebuild, daemon=True).start()
        return view

    def _build(self, generation: int) -> DeskView:
        started = time.monotonic()
        store = Store.reader(self.path)
        try:
            with store.snapshot():
                doc = build(SimpleNamespace(store=store))
                rows = store.article_rows()
                skips = Counter(r[0] for r in store.db.execute("SELECT reason FROM skips"))
        finally:
            store.close()
        view = DeskView(doc, generation, rows, skips)
        # while `newsdesk add` keeps writing, rebuild at most every other build-time: reads keep their share of CPU
        self._quiet_until = time.monotonic() + (time.monotonic() - started)
        return view


class DeskView:
    """The desk as the export document, indexed for the pages and the API (article texts dropped)."""

    def __init__(self, doc: dict[str, Any], generation: int, rows, skips: Counter):
        self.generation = generation
        self.skips = skips
        self.seq = {r["id"]: r["seq"] for r in rows}
        self.languages = Counter(a.get("language") or "unknown" for a in doc["articles"])
        texts = {a["id"]: {p["index"]: p["text"] for p in a["paragraphs"]} | {-1: a["title"]} for a in doc["articles"]}
        self.articles = {
            a["id"]: {k: v for k, v in a.items() if k not in ("paragraphs", "repairs", "metadata")}
            for a in doc["articles"]
        }
        self.stories = {s["id"]: s for s in doc["stories"]}
        self.entities = {e["id"]: e for e in doc["entities"]}
        self.entity_list = sorted(doc["entities"], key=lambda e: (-len(e["mentions"]), e["id"]))  # most mentioned first
        self.places = {p["entity"]: p for p in doc["places"]}
        self.claim_list = doc["claims"]  # as exported (an id may repeat: the API lists what the export lists)
        self.claims = {c["id"]: c for c in doc["claims"]}
        self.events = doc["events"]
        self.contradictions = doc["contradictions"]
        self.reuse = doc["reuse"]
        self.reuse_at: dict[str, list[int]] = defaultdict(list)  # article -> positions of its links in reuse (as b)
        for position, link in enumerate(self.reuse):
            self.reuse_at[link["b"]["article"]].append(position)
        self._earlier = {
            (link["b"]["article"], link["b"]["paragraph"]): (link["a"]["article"], link["a"]["paragraph"])
            for link in self.reuse
        }
        # span texts a page shows without loading the article: claims, re-used paragraphs
        self.claim_text = {
            c["id"]: _span(texts, c["article"], c["paragraph"], c["start"], c["end"]) for c in doc["claims"]
        }
        self.snippets = {}
        for link in doc["reuse"]:
            for side in (link["a"], link["b"]):
                text = texts.get(side["article"], {}).get(side["paragraph"], "")
                self.snippets[(side["article"], side["paragraph"])] = text[:SNIPPET] + (
                    "…" if len(text) > SNIPPET else ""
                )
        self.mentions: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
        for entity in doc["entities"]:
            for m in entity["mentions"]:
                self.mentions[m["article"]].append((m["paragraph"], m["start"], m["end"], entity["id"]))
        self.claims_by_article: dict[str, list[dict]] = defaultdict(list)
        self.claims_by_speaker: dict[str, list[dict]] = defaultdict(list)
        for claim in doc["claims"]:
            self.claims_by_article[claim["article"]].append(claim)
            if claim["speaker"]:
                self.claims_by_speaker[claim["speaker"]].append(claim)
        self.events_by_story: dict[str, list[dict]] = defaultdict(list)
        for event in self.events:
            self.events_by_story[event["story"]].append(event)
        self.contradictions_by_story: dict[str, list[dict]] = defaultdict(list)
        for item in self.contradictions:
            self.contradictions_by_story[item["story"]].append(item)
        self.facets = {story_id: self._facets(story) for story_id, story in self.stories.items()}
        self.event_types = sorted({e["type"] for e in self.events})
        self.encoded = Encoded()  # this view's list items as JSON, kept as long as the view
        self._orders: dict[str, list[dict]] = {}

    def stories_in_order(self, name: str, key) -> list[dict]:
        """Every story by ``key(story, facets)``, largest first; sorted once per view and order name."""
        found = self._orders.get(name)
        if found is None:
            found = self._orders[name] = sorted(
                self.stories.values(), key=lambda s: key(s, self.facets[s["id"]]), reverse=True
            )
        return found

    def _facets(self, story: dict) -> dict[str, Any]:
        """What the stories page filters on: countries, place names, entity ids, event types."""
        members = set(story["articles"])
        entities = {eid for a in members for *_, eid in self.mentions.get(a, ())}
        places = [self.places[e] for e in entities if e in self.places]
        places += [ev["location"] for ev in self.events_by_story.get(story["id"], ()) if ev.get("location")]
        types = {ev["type"] for ev in self.events_by_story.get(story["id"], ())}
        return {
            "countries": {p["country"] for p in places if p.get("country")},
            "places": {p["name"].lower() for p in places},
            "entities": entities,
            "types": types,
            "types_shown": ", ".join(sorted(types, key=str.lower)),  # as the stories page lists them
            "size": sum(1 for a in story["articles"] if not (self.articles.get(a) or {}).get("duplicate_of")),
        }

    def entity_named(self, text: str) -> set[str]:
        """Ids of the entities whose name or an alias contains ``text`` (any case)."""
        wanted = text.lower()
        return {
            e["id"]
            for e in self.entities.values()
            if any(wanted in name.lower() for name in [e["name"], *e["aliases"]])
        }

    def origin(self, article_id: str, paragraph: int) -> tuple[str, int]:
        """Where a re-used paragraph first appeared: follow its re-use links back to the earliest article."""
        earlier = self._earlier
        seen = {(article_id, paragraph)}
        key = (article_id, paragraph)
        while key in earlier and earlier[key] not in seen:
            key = earlier[key]
            seen.add(key)
        return key


def _span(texts: dict, article: str, paragraph: int, start: int, end: int) -> str:
    return texts.get(article, {}).get(paragraph, "")[start:end]
