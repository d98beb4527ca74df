"""Story clustering on GVC (gold story = incident) and ECB+ (gold = sub-topic), through the real desk.

Articles go through the light pipeline (normalize, roles and glue when present,
dedup, reuse, stories; add `--entities` for parse + entities) in a shuffled
arrival order; the stories are scored with B-cubed precision/recall/F1,
pairwise F1 and ARI. Each dataset runs in 3 orders: the spread of F1 and the
ARI between the orders' clusterings measure arrival-order sensitivity. Inputs
that ingest skips (records with neither title nor text) count as singletons. Last, the per-add
latency: one article added to a desk already holding 5,000. Beside each set, the issue's
yardstick (TF-IDF + average linkage, threshold tuned on the set) tells how hard it is.

    .venv/bin/python -m bench.stories [--limit N] [--orders 3] [--entities] [--parts 5]
    .venv/bin/python -m bench.stories --replay 12 --set stories.threshold=0.24   # fast tuning
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench import gate
from bench.data import ecbplus_documents, gvc_documents

OUT = Path(__file__).parent / "out"
# Held-out-sized parts: the issue checks GVC on about 800 held-out incidents; ECB+ holds 43 topics, 33 of them here.
PART_SIZE = {"gvc": 800, "ecbplus": 10}
# The yardstick on its held-out sets: TF-IDF with average linkage, threshold tuned on them.
HELD_OUT_BASELINE = {"gvc": 0.909, "ecbplus": 0.870}


def steps(entities: bool) -> list[str]:
    from newsdesk.pipeline import REGISTRY, load_builtins

    load_builtins()
    wanted = (
        ["normalize", "roles", "glue"] + (["parse", "entities"] if entities else []) + ["dedup", "reuse", "stories"]
    )
    return [name for name in wanted if name in REGISTRY]


def bcubed(predicted: list, gold: list) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(predicted, gold):
        shared = len(by_pred[p] & by_gold[g])
        precision += shared / len(by_pred[p])
        recall += shared / len(by_gold[g])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def _pairs(n: int) -> float:
    return n * (n - 1) / 2


def pair_counts(a: list, b: list) -> tuple[float, float, float, float]:
    """(pairs together in both, in a, in b, all pairs)."""
    joint = Counter(zip(a, b))
    return (
        sum(_pairs(n) for n in joint.values()),
        sum(_pairs(n) for n in Counter(a).values()),
        sum(_pairs(n) for n in Counter(b).values()),
        _pairs(len(a)),
    )


def pairwise_f1(predicted: list, gold: list) -> float:
    both, in_pred, in_gold, _ = pair_counts(predicted, gold)
    return 2 * both / (in_pred + in_gold) if in_pred + in_gold else 1.0


def ari(a: list, b: list) -> float:
    both, in_a, in_b, total = pair_counts(a, b)
    expected = in_a * in_b / total if total else 0.0
    best = (in_a + in_b) / 2
    return (both - expected) / (best - expected) if best != expected else 1.0


def cluster(records: list[dict], pipeline: list[str], seed: int) -> tuple[list, float]:
    """Predicted story per record (skipped records are singletons) and seconds, for one arrival order."""
    from newsdesk import Desk
    from newsdesk.ingest import Options
    from newsdesk.ingest.jsonl import from_record

    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    start = time.perf_counter()
    with Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(pipeline)}"]) as desk:
        desk.add_many(from_record(records[i], f"record {i}", Options()) for i in order)
        story_of = {row["id"]: row["story"] for row in desk.store.article_rows()}
    seconds = time.perf_counter() - start
    return [story_of.get(r["id"]) or f"skipped:{i}" for i, r in enumerate(records)], seconds


def evaluate(name: str, records: list[dict], pipeline: list[str], orders: int) -> dict:
    gold = [r["gold"] for r in records]
    runs = []
    for seed in range(1, orders + 1):
        predicted, seconds = cluster(records, pipeline, seed)
        p, r, f = bcubed(predicted, gold)
        runs.append(
            {
                "seed": seed,
                "bcubed_precision": round(p, 4),
                "bcubed_recall": round(r, 4),
                "bcubed_f1": round(f, 4),
                "pairwise_f1": round(pairwise_f1(predicted, gold), 4),
                "ari": round(ari(predicted, gold), 4),
                "seconds": round(seconds, 1),
                "stories": len(set(predicted)),
                "_predicted": predicted,
            }
        )
        print(
            f"  {name} order {seed}: B3 P {p:.3f} R {r:.3f} F1 {f:.3f}  pairwise F1 {runs[-1]['pairwise_f1']:.3f}  "
            f"ARI {runs[-1]['ari']:.3f}  {seconds:.0f} s",
            flush=True,
        )
    agreement = [ari(a["_predicted"], b["_predicted"]) for i, a in enumerate(runs) for b in runs[i + 1 :]]
    f1s = [run["bcubed_f1"] for run in runs]
    for run in runs:
        del run["_predicted"]
    summary = {
        "articles": len(records),
        "gold_stories": len(set(gold)),
        "steps": pipeline,
        "orders": runs,
        "bcubed_f1": round(statistics.mean(f1s), 4),
        "bcubed_f1_spread": round(max(f1s) - min(f1s), 4),
        "pairwise_f1": round(statistics.mean(r["pairwise_f1"] for r in runs), 4),
        "ari": round(statistics.mean(r["ari"] for r in runs), 4),
        "order_agreement_ari": round(min(agreement), 4) if agreement else 1.0,
    }
    print(
        f"{name}: B-cubed F1 {summary['bcubed_f1']:.3f} (spread over orders {summary['bcubed_f1_spread']:.3f}), "
        f"pairwise F1 {summary['pairwise_f1']:.3f}, ARI {summary['ari']:.3f}, "
        f"agreement between orders (ARI) ≥ {summary['order_agreement_ari']:.3f}",
        flush=True,
    )
    return summary


def replay(name: str, records: list[dict], pipeline: list[str], orders: int, overrides: list[str]) -> dict:
    """B-cubed over ``orders`` arrival orders, replayed from the story terms one desk pass stored: a bare
    StoryIndex re-assigns them (a third of a full order's time, no pipeline; the terms do not depend on the order).
    For tuning the [stories] settings with --set; the figures of record come from the full run."""
    from newsdesk import Desk
    from newsdesk.ingest import Options
    from newsdesk.ingest.jsonl import from_record
    from newsdesk.stories.index import Entry, Settings, StoryIndex

    with Desk(":memory:", overrides=[f"pipeline.steps={json.dumps(pipeline)}", *overrides]) as desk:
        desk.add_many(from_record(r, f"record {i}", Options()) for i, r in enumerate(records))
        stored = {
            a: (day, json.loads(data))
            for a, day, data in desk.store.db.execute("SELECT article_id, day, data FROM story_terms")
        }
        settings = Settings.from_config(desk.config.get("stories"))
    gold = [r["gold"] for r in records]
    scores = []
    for seed in range(1, orders + 1):
        order = list(range(len(records)))
        random.Random(seed).shuffle(order)
        index = StoryIndex(settings)
        for i in order:
            article_id = records[i]["id"]
            if article_id in stored and article_id not in index.entries:
                day, data = stored[article_id]
                index.assign(
                    article_id,
                    Entry(data["terms"], day, "", data["title"], tuple(data["links"]), data.get("duplicate_of")),
                )
        scores.append(
            bcubed(
                [
                    index.entries[r["id"]].story if r["id"] in index.entries else f"skipped:{i}"
                    for i, r in enumerate(records)
                ],
                gold,
            )
        )
    p, r, f = (round(statistics.mean(s[k] for s in scores), 4) for k in range(3))
    result = {
        "orders": orders,
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "lowest_f1": round(min(s[2] for s in scores), 4),
    }
    print(
        f"{name} replay over {orders} orders: B3 P {p:.3f} R {r:.3f} F1 {f:.3f} (lowest {result['lowest_f1']:.3f})",
        flush=True,
    )
    return result


def parts(records: list[dict], group, size: int, seed: int) -> list[dict]:
    """The records of ``size`` random groups (GVC incidents, ECB+ topics): a part as large as a held-out one."""
    groups = sorted({group(r) for r in records})
    chosen = set(random.Random(seed).sample(groups, min(size, len(groups))))
    return [r for r in records if group(r) in chosen]


def tfidf_baseline(records: list[dict]) -> float:
    """B-cubed F1 of the issue's yardstick: TF-IDF vectors (English stop words, sublinear counts, terms in at most
    a fifth of the set) clustered by average linkage at the cosine-distance threshold that is best on this very
    set. The issue gives its figures on the held-out sets (GVC 0.909, ECB+ 0.870): comparing it here tells how
    hard a dev set or part is next to them."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    texts = [f"{r['title'] or ''}\n{r['text']}" for r in records]
    distances = cosine_distances(
        TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.2).fit_transform(texts)
    )
    np.fill_diagonal(distances, 0)
    tree = linkage(squareform(distances, checks=False), "average")
    gold = [r["gold"] for r in records]
    return round(max(bcubed(list(fcluster(tree, t, "distance")), gold)[2] for t in np.arange(0.5, 1.0, 0.01)), 4)


def topic(record: dict) -> str:
    """ECB+ topic of a record: the number its sub-topic starts with ("12ecbplus" -> "12")."""
    return re.match(r"\d*", record["gold"])[0]


def add_latency(pipeline: list[str], size: int = 5000, samples: int = 20) -> dict:
    """Seconds to add one article to a desk already holding ``size`` (median and max over ``samples``)."""
    import tempfile

    from newsdesk import Desk
    from newsdesk.ingest import Options
    from newsdesk.ingest.jsonl import from_record

    records = list({r["id"]: r for r in gvc_documents() + ecbplus_documents() if r["text"].strip()}.values())
    random.Random(11).shuffle(records)
    base, extra = records[:size], records[size : size + samples]
    with tempfile.TemporaryDirectory() as folder:
        with Desk(Path(folder) / "bench.db", overrides=[f"pipeline.steps={json.dumps(pipeline)}"]) as desk:
            desk.add_many(from_record(r, "base", Options()) for r in base)
            held = desk.store.count()
            times = []
            for record in extra:
                article = from_record(record, "extra", Options())
                start = time.perf_counter()
                desk.add_many([article])
                times.append(time.perf_counter() - start)
    result = {
        "desk_articles": held,
        "median_seconds": round(statistics.median(times), 4),
        "max_seconds": round(max(times), 4),
        "samples": len(times),
    }
    print(
        f"add one article to a desk of {held}: median {result['median_seconds'] * 1000:.0f} ms, "
        f"max {result['max_seconds'] * 1000:.0f} ms over {len(times)} adds",
        flush=True,
    )
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="articles per dataset (default: all)")
    parser.add_argument("--orders", type=int, default=3, help="shuffled arrival orders per dataset")
    parser.add_argument("--entities", action="store_true", help="also run parse + entities (slow: spaCy)")
    parser.add_argument("--no-latency", action="store_true", help="skip the per-add latency at 5,000 articles")
    parser.add_argument(
        "--parts",
        type=int,
        default=0,
        metavar="N",
        help=f"instead, score N random parts the size of the held-out sets "
        f"(GVC: {PART_SIZE['gvc']} incidents, ECB+: {PART_SIZE['ecbplus']} topics)",
    )
    parser.add_argument(
        "--replay",
        type=int,
        default=0,
        metavar="N",
        help="instead, replay the stored story terms in N orders (fast; for tuning with --set)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a config override for --replay, e.g. stories.threshold=0.24 (repeatable)",
    )
    args = parser.parse_args(argv)
    pipeline = steps(args.entities)
    print("steps:", ", ".join(pipeline))
    if args.replay:
        result = {
            name: replay(name, records, pipeline, args.replay, args.set)
            for name, records in [("gvc", gvc_documents(args.limit)), ("ecbplus", ecbplus_documents(args.limit))]
        }
        OUT.mkdir(exist_ok=True)
        (OUT / "stories_replay.json").write_text(json.dumps({"set": args.set, **result}, indent=1) + "\n")
        return result
    if args.parts:
        result = {}
        for name, records, group in [
            ("gvc", gvc_documents(args.limit), lambda r: r["gold"]),
            ("ecbplus", ecbplus_documents(args.limit), topic),
        ]:
            chosen = [parts(records, group, PART_SIZE[name], seed) for seed in range(1, args.parts + 1)]
            scores = [
                evaluate(f"{name} part {seed}", part, pipeline, args.orders)["bcubed_f1"]
                for seed, part in enumerate(chosen, 1)
            ]
            yardstick = [tfidf_baseline(part) for part in chosen]
            result[name] = {
                "part_size": PART_SIZE[name],
                "bcubed_f1": scores,
                "mean": round(statistics.mean(scores), 4),
                "lowest": min(scores),
                "tfidf_baseline_mean": round(statistics.mean(yardstick), 4),
            }
            print(
                f"{name} parts of {PART_SIZE[name]}: B-cubed F1 mean {result[name]['mean']:.3f}, "
                f"lowest {result[name]['lowest']:.3f} ({' / '.join(f'{f:.3f}' for f in scores)}); "
                f"tuned TF-IDF baseline mean {result[name]['tfidf_baseline_mean']:.3f}",
                flush=True,
            )
        OUT.mkdir(exist_ok=True)
        (OUT / "stories_parts.json").write_text(json.dumps(result, indent=1) + "\n")
        return result
    result = {}
    for name, records in [("gvc", gvc_documents(args.limit)), ("ecbplus", ecbplus_documents(args.limit))]:
        result[name] = evaluate(name, records, pipeline, args.orders)
        result[name]["tfidf_baseline"] = tfidf_baseline(records)
        print(
            f"{name}: tuned TF-IDF baseline B-cubed F1 {result[name]['tfidf_baseline']:.3f} "
            f"(on the held-out set, per the issue: {HELD_OUT_BASELINE[name]:.3f})",
            flush=True,
        )
    if not args.no_latency:
        result["latency"] = add_latency(pipeline)
    result["headline"] = {
        "gvc_bcubed_f1": result["gvc"]["bcubed_f1"],
        "ecbplus_bcubed_f1": result["ecbplus"]["bcubed_f1"],
        "gvc_f1_spread_over_orders": result["gvc"]["bcubed_f1_spread"],
        "ecbplus_f1_spread_over_orders": result["ecbplus"]["bcubed_f1_spread"],
        **({"add_seconds_at_5000": result["latency"]["median_seconds"]} if "latency" in result else {}),
    }
    OUT.mkdir(exist_ok=True)
    name = "stories_entities.json" if args.entities else "stories.json"
    (OUT / name).write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    result = main()
    sys.exit(1 if "headline" in result and gate.check("stories", result["headline"]) else 0)
