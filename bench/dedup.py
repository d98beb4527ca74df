"""Near-duplicate detection: `newsdesk dedup` against exact Jaccard, and against datasketch.

The corpus is ~9k real articles from ../shared/data (GVC, ECB+, PolNeAR, GVDB,
MUC-3/4) plus planted copies of some of them, edited at several rates
(word deletions, insertions, substitutions; dropped or added paragraphs), so
that many pairs fall near the 0.8 threshold. The truth is every pair whose
exact Jaccard similarity of word 5-gram shingles (the same shingles the
command uses) is at least 0.8, found by an exact all-pairs join (prefix
filtering). Both tools run in the same process run, on the same file:

- the whole `newsdesk dedup CORPUS --threshold 0.8 -o pairs.jsonl` command;
- a program doing datasketch MinHash (128 permutations, xxhash) + MinHashLSH(threshold=0.8) on the
  same file and writing its pairs (the LSH query results, its usual use).

Both run as subprocesses (interpreter start and imports included) and are timed in
wall and CPU seconds; on a shared machine the CPU time is the fair comparison.

    .venv/bin/python -m bench.dedup [--limit N] [--copies N]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import gate
from bench.data import DATA, jsonl

OUT = Path(__file__).parent / "out"
THRESHOLD = 0.8
RATES = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1)


def real_articles(limit: int | None = None) -> list[dict]:
    """Real articles as JSONL records (id, title, text) from every labelled set that has full texts."""
    records = []
    for r in jsonl(DATA / "gvc" / "documents.jsonl"):
        records.append({"id": f"gvc-{r['doc_id']}", "title": r.get("title") or "", "text": r.get("content") or ""})
    for r in jsonl(DATA / "ecbplus" / "documents.jsonl"):
        records.append({"id": f"ecb-{r['doc_id']}", "title": "", "text": r["text"]})
    for i, r in enumerate(jsonl(DATA / "polnear" / "attributions.jsonl")):
        records.append({"id": f"polnear-{i}", "title": r.get("title") or "", "text": r["text"]})
    import csv

    csv.field_size_limit(1 << 30)
    with open(DATA / "gvdb" / "dev.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            records.append({"id": f"gvdb-{row['Article id']}", "title": row["Article title"], "text": row["Full text"]})
    for name in ("dev_docs.json", "train_docs.json"):
        for doc_id, doc in json.loads((DATA / "muc34" / name).read_text(encoding="utf-8")).items():
            records.append({"id": f"muc-{doc_id}", "title": "", "text": doc["text"]})
    records = [r for r in records if r["text"].strip()][:limit]
    seen: dict[str, int] = defaultdict(int)
    for r in records:  # a document listed twice (GVC: under two incidents) keeps one id per line
        seen[r["id"]] += 1
        if seen[r["id"]] > 1:
            r["id"] += f"#{seen[r['id']]}"
    return records


def edited(text: str, rate: float, rng: random.Random, vocabulary: list[str], donor: str) -> str:
    """``text`` with about ``rate`` of its words deleted, inserted or substituted, maybe a paragraph dropped or added."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    out = []
    for paragraph in paragraphs:
        words = []
        for word in paragraph.split():
            roll = rng.random()
            if roll < rate / 3:
                continue
            if roll < 2 * rate / 3:
                words.append(rng.choice(vocabulary))
            elif roll < rate:
                words += [word, rng.choice(vocabulary)]
            else:
                words.append(word)
        out.append(" ".join(words))
    if rate and len(out) > 4 and rng.random() < 0.3:
        out.pop(rng.randrange(len(out)))
    if rate and rng.random() < 0.3:
        out.append(rng.choice([p for p in donor.split("\n\n") if p.strip()] or [donor]))
    return "\n\n".join(out)


def build_corpus(path: Path, limit: int | None, copies: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    records = real_articles(limit)
    vocabulary = sorted({w for r in records[:500] for w in r["text"].split()})
    planted = []
    for n, source in enumerate(rng.sample(records, min(copies, len(records)))):
        rate = RATES[n % len(RATES)]
        donor = rng.choice(records)["text"]
        planted.append(
            {
                "id": f"copy{n}-{source['id']}",
                "title": source["title"],
                "text": edited(source["text"], rate, rng, vocabulary, donor),
            }
        )
    corpus = records + planted
    rng.shuffle(corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in corpus:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(corpus)


def exact_pairs(ids: list[str], sets: list, threshold: float) -> dict[tuple[str, str], float]:
    """Every pair with Jaccard ≥ threshold: an exact all-pairs join by prefix filtering.

    With shingles ordered rarest first, two sets with Jaccard ≥ t share one of the first
    |A| - ceil(t·|A|) + 1 shingles of each, so only pairs sharing a prefix shingle are compared.
    """
    from newsdesk.dedup.minhash import jaccard

    frequency: dict[int, int] = defaultdict(int)
    for s in sets:
        for h in s.tolist():
            frequency[h] += 1
    index: dict[int, list[int]] = defaultdict(list)
    found: dict[tuple[str, str], float] = {}
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    for i in order:
        size = len(sets[i])
        if not size:
            continue
        tokens = sorted(sets[i].tolist(), key=lambda h: (frequency[h], h))
        prefix = tokens[: size - math.ceil(threshold * size) + 1]
        candidates = set()
        for h in prefix:
            candidates.update(index[h])
        for j in candidates:
            if len(sets[j]) < threshold * size:  # sizes only grow along `order`
                continue
            similarity = jaccard(sets[i], sets[j])
            if similarity >= threshold:
                found[tuple(sorted((ids[i], ids[j])))] = similarity
        for h in prefix:
            index[h].append(i)
    return found


def scores(found: set, truth: set) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "pairs": len(found)}


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a whole command (interpreter start and imports included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_newsdesk(corpus: Path, out: Path) -> tuple[float, float, set]:
    seconds, cpu = timed(
        [sys.executable, "-m", "newsdesk.cli", "dedup", str(corpus), "--threshold", str(THRESHOLD), "-o", str(out)]
    )
    return seconds, cpu, {tuple(sorted((r["a"], r["b"]))) for r in jsonl(out)}


def run_datasketch(corpus: Path, out: Path) -> tuple[float, float, set]:
    seconds, cpu = timed([sys.executable, "-m", "bench.dedup", "--datasketch", str(corpus), str(out)])
    return seconds, cpu, {tuple(sorted((r["a"], r["b"]))) for r in jsonl(out)}


def datasketch_pairs(corpus: Path, out: Path) -> None:
    """The peer as a whole program: read the JSONL, MinHash + MinHashLSH, write the LSH pairs."""
    import re

    import xxhash
    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"\w+")
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    signatures = {}
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            words = word.findall(record["text"].lower())
            grams = (
                {" ".join(words[i : i + 5]).encode("utf-8") for i in range(max(1, len(words) - 4))} if words else set()
            )
            m = MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest)
            m.update_batch(list(grams))
            signatures[record["id"]] = m
            lsh.insert(record["id"], m)
    with open(out, "w", encoding="utf-8") as handle:
        for key, m in signatures.items():
            for other in lsh.query(m):
                if other > key:
                    handle.write(json.dumps({"a": key, "b": other}) + "\n")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="real articles to use (default: all, ~9k)")
    parser.add_argument("--copies", type=int, default=1000, help="edited copies to plant")
    parser.add_argument("--datasketch", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.datasketch:  # the peer's program, run as a subprocess by the bench itself
        datasketch_pairs(Path(args.datasketch[0]), Path(args.datasketch[1]))
        return {}

    from newsdesk import ingest
    from newsdesk.dedup.corpus import text_of
    from newsdesk.dedup.minhash import shingles
    from newsdesk.model import Article

    corpus = OUT / "dedup" / "corpus.jsonl"
    size = build_corpus(corpus, args.limit, args.copies)
    articles = [a for a in ingest.read([corpus]) if isinstance(a, Article)]
    truth = set(exact_pairs([a.id for a in articles], [shingles(text_of(a)) for a in articles], THRESHOLD))

    ours_seconds, ours_cpu, ours = run_newsdesk(corpus, OUT / "dedup" / "pairs.jsonl")
    peer_seconds, peer_cpu, peer = run_datasketch(corpus, OUT / "dedup" / "datasketch_pairs.jsonl")
    result = {
        "corpus": size,
        "true_pairs": len(truth),
        "threshold": THRESHOLD,
        "newsdesk": {**scores(ours, truth), "seconds": round(ours_seconds, 2), "cpu_seconds": round(ours_cpu, 2)},
        "datasketch": {**scores(peer, truth), "seconds": round(peer_seconds, 2), "cpu_seconds": round(peer_cpu, 2)},
        # Both are whole programs; CPU time is the fair figure on a shared machine, wall time is reported too.
        "speedup": round(peer_cpu / ours_cpu, 2),
        "speedup_wall": round(peer_seconds / ours_seconds, 2),
    }
    print(f"corpus {size} articles, {len(truth)} pairs with exact Jaccard ≥ {THRESHOLD}")
    for name in ("newsdesk", "datasketch"):
        r = result[name]
        print(
            f"  {name:<10}  P {r['precision']:.3f}  R {r['recall']:.3f}  pairs {r['pairs']:>6}  "
            f"{r['seconds']:.2f} s wall, {r['cpu_seconds']:.2f} s CPU"
        )
    print(
        f"  the whole newsdesk dedup command is {result['speedup']:.1f}× faster than the datasketch program "
        f"in CPU time, {result['speedup_wall']:.1f}× in wall time"
    )
    result["headline"] = {
        "recall": result["newsdesk"]["recall"],
        "precision": result["newsdesk"]["precision"],
        "speedup_cpu": result["speedup"],
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "dedup.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    result = main()
    sys.exit(1 if "headline" in result and gate.check("dedup", result["headline"]) else 0)
