"""Events: the main event of each story against the Gun Violence Archive (GVC) and the MUC-3/4 answer keys.

    .venv/bin/python -m bench.events [--limit N] [--muc-limit N] [--refresh] [--skip-muc]

- GVC, per incident: the main event of its story (the event most articles speak
  of) against the incident record: date within a day, city, killed exact,
  injured exact. Two ways to form stories: grouped by the gold incident
  (oracle stories: isolates reconciliation) and by the desk's own steps
  (dedup, reuse, stories; the incident's story is the one most of its
  articles joined). Baselines in the same run: the earliest article's
  publication date, always 0 killed, the most common injured count.
- MUC-3/4 (dev), per document with an incident template: date within a day,
  location, deaths — counted right when they match any of the document's
  templates. The text is upper case; the bench runs it as is, lower-cased and
  truecased (lower case, then capitals at sentence starts and for words that
  are not common English words) and reports each.
- Speed: articles/s of the reconcile step alone (extraction is cached).

Extraction (the article steps up to claims) is slow, so its results are
cached per article under bench/out/events_cache/; the cache is rebuilt when
the list of available steps changes or with --refresh.
"""

from __future__ import annotations

import argparse
import sys
import hashlib
import json
import re
import unicodedata
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from newsdesk import config as config_module
from newsdesk.ingest import Options
from newsdesk.ingest.jsonl import from_record
from newsdesk.extract import gazetteer
from newsdesk.model import Article, Skip
from newsdesk.pipeline import REGISTRY, Pipeline, load_builtins
from newsdesk.reconcile.story import entity_map, reconcile

from . import data, gate

OUT = Path(__file__).parent / "out"
CACHE = OUT / "events_cache"
DESK_STEPS = ("dedup", "reuse", "stories", "reconcile")


def available_steps() -> list[str]:
    """The article steps of the default pipeline that exist here and whose requirements are met."""
    load_builtins()
    names = config_module.load(None, [])["pipeline"]["steps"]
    assigned: set[str] = set()
    steps = []
    for name in names:
        info = REGISTRY.get(name)
        if info is None or info.scope != "article" or any(r not in assigned for r in info.requires):
            continue
        steps.append(name)
        assigned.update(info.assigns)
    return steps


def extracted(name: str, records: list[dict], refresh: bool = False) -> dict[str, Article]:
    """Articles after the article steps, by id, from the cache where it holds them."""
    steps = available_steps()
    path = CACHE / f"{name}.jsonl"
    cached: dict[str, Article] = {}
    if path.exists() and not refresh:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if row["steps"] == steps:
                    cached[row["id"]] = Article.from_dict(row["article"])
    todo = [r for r in records if r["id"] not in cached]
    if todo:
        config = config_module.load(None, [])
        config["pipeline"]["steps"] = steps
        pipeline = Pipeline(config)
        CACHE.mkdir(parents=True, exist_ok=True)
        mode = "a" if cached else "w"
        with open(path, mode, encoding="utf-8") as handle:
            for start in range(0, len(todo), 64):
                batch = [
                    a
                    for a in (from_record(r, r["id"], Options()) for r in todo[start : start + 64])
                    if not isinstance(a, Skip)
                ]
                pipeline.process(batch)
                pipeline.close(batch)
                for article in batch:
                    cached[article.id] = article
                    handle.write(
                        json.dumps({"id": article.id, "steps": steps, "article": article.to_dict()}, ensure_ascii=False)
                        + "\n"
                    )
                print(f"  extracted {min(start + 64, len(todo))}/{len(todo)} {name} articles", flush=True)
    return cached


def _sample_key(value: str) -> str:
    return hashlib.blake2b(value.encode()).hexdigest()


# GVC --------------------------------------------------------------------


def gvc_records(limit: int | None) -> tuple[list[dict], dict[str, dict]]:
    """Documents of the first ``limit`` incidents in a hash order (a sample across the corpus), and the incidents."""
    records = data.gvc_documents()
    incidents = data.gvc_incidents()
    chosen = sorted({r["gold"] for r in records if r["gold"] in incidents}, key=_sample_key)[:limit]
    keep = set(chosen)
    return [r for r in records if r["gold"] in keep], {i: incidents[i] for i in chosen}


def norm_place(name: str | None) -> str:
    name = unicodedata.normalize("NFKD", name or "")
    name = "".join(c for c in name if not unicodedata.combining(c)).lower()  # GVA writes "Pahoa" for "Pāhoa"
    name = re.sub(r"\(.*?\)|\bcounty\b|\bparish\b|\bcity of\b|\bcity\b|\btownship\b|\btwp\b|^the\b|[^a-z ]", " ", name)
    # GVA writes "Bay Saint Louis", reports and GeoNames "Bay St. Louis": the same name; "La Salle", "LaSalle" too
    return "".join(SAINTS.get(word, word) for word in name.split())


SAINTS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def gold_places(city_or_county: str) -> set[str]:
    """GVA writes "Rochester (Rochester Hills)" and "Park (county)": either name is the place."""
    names = {norm_place(city_or_county)}
    names.update(norm_place(inner) for inner in re.findall(r"\((.*?)\)", city_or_county) if inner != "county")
    return names - {""}


def within_a_day(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    try:
        return abs((date.fromisoformat(predicted[:10]) - date.fromisoformat(gold[:10])).days) <= 1
    except ValueError:
        return False


def main_event_facts(state: dict, articles: list[Article]) -> dict:
    """date, city (name of the event's first place, else of its location), killed and injured (ACLED's figure: min, 0 if none).

    The city's names are the gazetteer's and the text's (``city_names``): a name the gazetteer resolved to
    another place ("Townville" to a namesake) still names the place the desk chose."""
    events = state.get("events") or []
    if not events:
        return {"date": None, "city": None, "city_names": [], "killed": 0, "injured": 0}
    event = events[0]
    entity_of = entity_map(articles)
    names: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for entity in article.entities:
            key = entity_of.get(entity.id, entity.id)
            for name in ((entity.place.name,) if entity.place else ()) + (entity.name,):
                if name not in names[key]:
                    names[key].append(name)
    city = names.get(event["places"][0], []) if event["places"] else []
    if not city and event.get("location"):  # no place in the text: the outlet's town
        city = [event["location"]["name"]]
    return {
        "date": event["date"],
        "city": city[0] if city else None,
        "city_names": city,
        "killed": event["fatalities"].get("min") or 0,
        "injured": (event["injured"] or {}).get("min") or 0,
    }


def city_right(found: dict, gold_names: set[str]) -> bool:
    return any(norm_place(name) in gold_names for name in found.get("city_names") or [found.get("city")] if name)


def score(predictions: dict[str, dict], incidents: dict[str, dict]) -> dict:
    n = len(incidents) or 1
    hits = Counter()
    for incident_id, gold in incidents.items():
        found = predictions.get(incident_id) or {}
        hits["date"] += within_a_day(found.get("date"), gold["date_iso"])
        hits["city"] += city_right(found, gold_places(gold["city_or_county"]))
        hits["killed"] += found.get("killed", 0) == gold["num_killed"]
        hits["injured"] += found.get("injured", 0) == gold["num_injured"]
    return {k: round(hits[k] / n, 4) for k in ("date", "city", "killed", "injured")}


def baselines(articles_of: dict[str, list[Article]], incidents: dict[str, dict]) -> dict:
    common_injured = Counter(i["num_injured"] for i in incidents.values()).most_common(1)[0][0]
    predictions = {}
    for incident_id in incidents:
        published = sorted(a.published for a in articles_of.get(incident_id, []) if a.published)
        predictions[incident_id] = {"date": published[0] if published else None, "killed": 0, "injured": common_injured}
    found = score(predictions, incidents)
    return {
        "date_earliest_published": found["date"],
        "killed_always_0": found["killed"],
        "injured_most_common": found["injured"],
    }


def bench_gvc(limit: int | None, refresh: bool) -> dict:
    records, incidents = gvc_records(limit)
    gold_of = {r["id"]: r["gold"] for r in records}
    articles = extracted("gvc", records, refresh)
    articles_of: dict[str, list[Article]] = defaultdict(list)
    for record in records:
        if record["id"] in articles:
            articles_of[gold_of[record["id"]]].append(articles[record["id"]])
    # oracle stories: one story per gold incident
    gazetteer.load()  # loaded once per process: time a warm reconcile
    start = time.perf_counter()
    oracle = {}
    for incident_id, members in articles_of.items():
        state = reconcile(f"gold-{incident_id}", members, [])
        oracle[incident_id] = main_event_facts(state, members)
    seconds = time.perf_counter() - start
    result = {
        "incidents": len(incidents),
        "articles": len(articles),
        "oracle_stories": score(oracle, incidents),
        "reconcile_articles_per_s": round(len(articles) / seconds, 1) if seconds else None,
        "baselines": baselines(articles_of, incidents),
    }
    predicted = predicted_stories(records, articles, gold_of)
    if predicted is not None:
        result["predicted_stories"] = score(predicted, incidents)
    result["errors"] = examples(oracle, incidents, articles_of)
    return result


def predicted_stories(records: list[dict], articles: dict[str, Article], gold_of: dict[str, str]) -> dict | None:
    """Main-event facts per incident with the desk's own stories (None when the story step is absent)."""
    load_builtins()
    if "stories" not in REGISTRY:
        return None
    from newsdesk.desk import Desk

    steps = available_steps() + [s for s in DESK_STEPS if s in REGISTRY]
    with Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(steps)}"]) as desk:
        ordered = sorted(
            (articles[r["id"]] for r in records if r["id"] in articles), key=lambda a: (a.published or "", a.id)
        )
        for article in ordered:
            with desk.store.transaction():
                desk.pipeline.update(article)
                desk.store.save_article(article)
        story_of = defaultdict(Counter)
        for row in desk.store.article_rows():
            story_of[gold_of[row["id"]]][row["story"]] += 1
        found = {}
        for incident_id, counts in story_of.items():
            story_id = counts.most_common(1)[0][0]
            if story_id is None:
                continue
            members = list(desk.store.articles(desk.store.story(story_id).articles))
            found[incident_id] = main_event_facts(desk.store.story_state(story_id), members)
        return found


def examples(predictions: dict, incidents: dict, articles_of: dict, n: int = 8) -> list[dict]:
    """A few wrong incidents, for error analysis."""
    wrong = []
    for incident_id, gold in incidents.items():
        found = predictions.get(incident_id) or {}
        if (
            found.get("killed", 0) != gold["num_killed"]
            or not within_a_day(found.get("date"), gold["date_iso"])
            or not city_right(found, gold_places(gold["city_or_county"]))
        ):
            wrong.append(
                {
                    "incident": incident_id,
                    "predicted": found,
                    "gold": {k: gold[k] for k in ("date_iso", "city_or_county", "num_killed", "num_injured")},
                    "articles": [a.id for a in articles_of.get(incident_id, [])],
                }
            )
    return wrong[:n]


# MUC-3/4 ----------------------------------------------------------------

DATELINE_DATE = re.compile(r"(\d{1,2}) ([A-Z]{3}) (\d{2})")
MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([a-z])")


def muc_date(text: str) -> str | None:
    """ISO date of a MUC date string such as "02 FEB 90" (the first date of a range)."""
    match = DATELINE_DATE.search(text or "")
    if not match or match.group(2) not in MONTHS:
        return None
    day, month, year = int(match.group(1)), MONTHS[match.group(2)], 1900 + int(match.group(3))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def common_words() -> set[str]:
    """Frequent English words (wordsegment's unigram counts): the words truecasing leaves lower case."""
    import wordsegment

    wordsegment.load()
    ranked = sorted(wordsegment.UNIGRAMS.items(), key=lambda item: -item[1])
    return {word for word, _ in ranked[:20000]}


def truecase(text: str, common: set[str]) -> str:
    """Lower case, then a capital at each sentence start and for words outside the common vocabulary."""
    lowered = text.lower()
    lowered = re.sub(
        r"[a-z][a-z'-]*", lambda m: m.group(0) if m.group(0) in common else m.group(0).capitalize(), lowered
    )
    return SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)


def muc_gold(templates: list[dict]) -> list[dict]:
    """Per template: date, location strings, deaths (targets whose effect is DEATH, by their stated numbers)."""
    gold = []
    for template in templates:
        if template.get("incident_type") in (None, "*"):
            continue
        dates = [s for slot in template.get("incident_date") or [] for s in slot.get("strings", [])]
        places = []
        for slot in template.get("incident_location") or []:
            places += slot.get("strings", []) + slot.get("strings_lhs", []) + slot.get("strings_rhs", [])
        gold.append(
            {
                "date": muc_date(dates[0]) if dates else None,
                "places": {norm_place(p) for p in places},
                "deaths": muc_deaths(template),
            }
        )
    return gold


def muc_deaths(template: dict) -> int:
    """Deaths of a template: human targets whose effect is DEATH, counted by their stated numbers (1 if none)."""
    dead = set()
    for slot in template.get("hum_tgt_effect_of_incident") or []:
        if "DEATH" in slot.get("strings_lhs", []) + slot.get("strings", []):
            dead.update(slot.get("strings_rhs", []))
    numbers = {}
    for slot in template.get("hum_tgt_number") or []:
        for target in slot.get("strings_rhs", []):
            value = slot.get("strings_lhs", ["1"])[0]
            numbers[target] = int(value) if value.isdigit() else 1
    for slot in template.get("hum_tgt_total_number") or []:
        for value in slot.get("strings", []):
            if value.isdigit() and dead:
                return int(value) if len(dead) > 1 else max(int(value), 1)
    return sum(numbers.get(target, 1) for target in dead)


def muc_records(limit: int | None, casing: str, common: set[str] | None) -> list[dict]:
    docs = json.load(open(data.DATA / "muc34" / "dev_docs.json", encoding="utf-8"))
    records = []
    for doc_id in sorted(docs, key=_sample_key)[:limit]:
        doc = docs[doc_id]
        text = doc["text"]
        if casing == "lower":
            text = text.lower()
        elif casing == "truecase":
            text = truecase(text, common)
        dateline = doc.get("dateline") or ""
        records.append(
            {"id": f"{doc_id}-{casing}", "title": "", "text": text, "published": muc_date(dateline), "doc": doc_id}
        )
    return records


def bench_muc(limit: int | None, refresh: bool) -> dict:
    keys = json.load(open(data.DATA / "muc34" / "dev_keys.json", encoding="utf-8"))
    common = common_words()
    result = {}
    for casing in ("upper", "lower", "truecase"):
        records = muc_records(limit, casing, common)
        articles = extracted(f"muc34-{casing}", records, refresh)
        hits, n = Counter(), 0
        for record in records:
            gold = muc_gold(keys.get(record["doc"], []))
            article = articles.get(record["id"])
            if not gold or article is None:
                continue
            n += 1
            facts = main_event_facts(reconcile(record["id"], [article], []), [article])
            hits["date"] += any(g["date"] and within_a_day(facts["date"], g["date"]) for g in gold)
            hits["location"] += any(city_right(facts, g["places"]) for g in gold)
            hits["deaths"] += any(facts["killed"] == g["deaths"] for g in gold)
            hits["baseline_date_published"] += any(
                g["date"] and within_a_day(record["published"], g["date"]) for g in gold
            )
            hits["baseline_deaths_0"] += any(g["deaths"] == 0 for g in gold)
        result[casing] = {"documents": n, **{k: round(v / (n or 1), 4) for k, v in sorted(hits.items())}}
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="GVC incidents (default: all)")
    parser.add_argument("--muc-limit", type=int, default=None, help="MUC-3/4 dev documents (default: all)")
    parser.add_argument("--refresh", action="store_true", help="recompute the cached extraction")
    parser.add_argument("--skip-muc", action="store_true", help="GVC only")
    args = parser.parse_args(argv)
    results = {"steps": available_steps(), "gvc": bench_gvc(args.limit, args.refresh)}
    if not args.skip_muc:
        results["muc34"] = bench_muc(args.muc_limit, args.refresh)
    results["headline"] = {
        f"gvc_{kind}_{field}": results["gvc"][f"{kind}_stories"][field]
        for kind in ("oracle", "predicted")
        for field in ("date", "city", "killed", "injured")
    }
    if "muc34" in results:
        results["headline"].update(
            muc34_lower_date=results["muc34"]["lower"]["date"],
            muc34_lower_deaths=results["muc34"]["lower"]["deaths"],
            muc34_truecase_location=results["muc34"]["truecase"]["location"],
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "events.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    printable = {k: v for k, v in results.items()}
    printable["gvc"] = {k: v for k, v in results["gvc"].items() if k != "errors"}
    print(json.dumps(printable, indent=1))
    return results


if __name__ == "__main__":
    sys.exit(1 if gate.check("events", main()["headline"]) else 0)
