"""Faults: kill -9 during an add, concurrent writers, exports during an add; nothing lost, doubled or broken.

GVC articles (../shared/data/gvc) are added to a fresh desk once, sequentially: the reference. Then:

- kill: ``newsdesk add`` killed with SIGKILL at random moments, ``--kills`` times, each time started again
  on the same database, then run to the end;
- writers: the corpus split in 2 (and 4) parts added by as many processes at once;
- export: exports taken every half second while an add runs.

After each: ``PRAGMA integrity_check``, the articles against the reference (lost, doubled), the story
membership (articles whose story-mates differ from the reference run's), glue's corpus vocabulary (words whose
count differs from the reference run's: a killed and resumed add must count each article once), and each
export's consistency (every story's articles, every re-use link's and claim's article in the export).

    .venv/bin/python -m bench.faults [--articles 400] [--kills 20] [--pipeline light|full] [--workers N] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .data import gvc_documents

LIGHT = '["normalize", "roles", "glue", "dedup", "reuse", "stories"]'


WORKERS: list[str] = []  # --workers N given to every add (none: the CLI's default, the machine's cores)


def newsdesk(*args: str, pipeline: str) -> list[str]:
    steps = ["--set", f"pipeline.steps={LIGHT}"] if pipeline == "light" and args[0] == "add" else []
    workers = WORKERS if args[0] == "add" else []
    return [sys.executable, "-c", "from newsdesk.cli import main; main()", *args, *steps, *workers]


def write_corpus(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps({k: r[k] for k in ("id", "title", "text", "published", "url")}) + "\n")


def add(db: Path, corpus: Path, pipeline: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        newsdesk("add", str(corpus), "--db", str(db), "--no-progress", pipeline=pipeline),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def state(db: Path) -> dict:
    """Integrity, article ids (with repeats) and story membership of a desk."""
    con = sqlite3.connect(db)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    rows = con.execute("SELECT id, story FROM articles").fetchall()
    vocabulary = dict(con.execute("SELECT token, count FROM vocabulary").fetchall())
    con.close()
    stories: dict = {}
    for article_id, story in rows:
        stories.setdefault(story, set()).add(article_id)
    return {
        "integrity": integrity,
        "ids": [r[0] for r in rows],
        "mates": {a: frozenset(stories[s]) for a, s in rows},
        "vocabulary": vocabulary,
    }


def compare(found: dict, reference: dict) -> dict:
    expected = set(reference["ids"])
    ids = found["ids"]
    return {
        "integrity errors": int(found["integrity"] != "ok"),
        "lost": len(expected - set(ids)),
        "doubled": len(ids) - len(set(ids)) + len(set(ids) - expected),  # stored twice, or under another id
        "story differs": sum(found["mates"].get(a) != m for a, m in reference["mates"].items()),
        "words differ": sum(
            found["vocabulary"].get(w) != reference["vocabulary"].get(w)
            for w in found["vocabulary"].keys() | reference["vocabulary"].keys()
        ),
    }


def consistent(export: dict) -> bool:
    articles = {a["id"] for a in export["articles"]}
    return (
        all(set(s["articles"]) <= articles for s in export["stories"])
        and all(a["story"] in {s["id"] for s in export["stories"]} for a in export["articles"] if a["story"])
        and all(x["a"]["article"] in articles and x["b"]["article"] in articles for x in export["reuse"])
        and all(c["article"] in articles for c in export["claims"])
    )


def run_kills(folder: Path, corpus: Path, kills: int, duration: float, pipeline: str, rng: random.Random) -> dict:
    db = folder / "killed.db"
    done, checks = 0, []
    while done < kills:
        process = subprocess.Popen(
            newsdesk("add", str(corpus), "--db", str(db), "--no-progress", pipeline=pipeline),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, duration / 3))  # a resumed add has less left to do
        if process.poll() is not None:  # finished before the kill: start over on a fresh desk for more kills
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            continue
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        done += 1
        checks.append(state(db))
    add(db, corpus, pipeline)  # resume to the end
    return {"final": state(db), "checks": checks}


def run_writers(folder: Path, records: list[dict], writers: int, pipeline: str) -> dict:
    db = folder / f"writers{writers}.db"
    parts = []
    for number in range(writers):
        part = folder / f"part{writers}-{number}.jsonl"
        write_corpus(part, records[number::writers])
        parts.append(part)
    processes = [
        subprocess.Popen(
            newsdesk("add", str(p), "--db", str(db), "--no-progress", pipeline=pipeline),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for p in parts
    ]
    errors = [p.communicate()[1].decode() for p in processes]
    failed = sum(p.returncode != 0 for p in processes)
    if failed:
        print("\n".join(e for e in errors if e), file=sys.stderr)
    return {"final": state(db), "failed": failed}


def run_exports(folder: Path, corpus: Path, pipeline: str) -> dict:
    db = folder / "exported.db"
    process = subprocess.Popen(
        newsdesk("add", str(corpus), "--db", str(db), "--no-progress", pipeline=pipeline),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    taken = bad = 0
    while process.poll() is None:
        time.sleep(0.5)
        if not db.exists():
            continue
        out = folder / "export.json"
        result = subprocess.run(
            newsdesk("export", "--db", str(db), "-o", str(out), pipeline=pipeline),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            continue
        taken += 1
        bad += not consistent(json.loads(out.read_text(encoding="utf-8")))
    return {"final": state(db), "exports": taken, "inconsistent": bad}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400, help="GVC articles added (the issue asks for 2,000)")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument(
        "--pipeline",
        choices=["light", "full"],
        default="light",
        help="light: ingest, clean, dedup, re-use and stories (the store's write path); full: all steps",
    )
    parser.add_argument("--workers", type=int, help="add --workers N (default: the CLI's, the machine's cores)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.workers:
        WORKERS[:] = ["--workers", str(args.workers)]
    rng = random.Random(args.seed)
    records = gvc_documents(args.articles)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        corpus = folder / "corpus.jsonl"
        write_corpus(corpus, records)
        duration = add(folder / "reference.db", corpus, args.pipeline)
        reference = state(folder / "reference.db")
        print(
            f"{len(records)} GVC articles ({len(set(reference['ids']))} ids), pipeline {args.pipeline}, "
            f"workers {args.workers or 'default'}: "
            f"sequential add {duration:.0f} s, {len(set(reference['mates'].values()))} stories",
            flush=True,
        )
        rows = []
        killed = run_kills(folder, corpus, args.kills, duration, args.pipeline, rng)
        during = [compare(c, reference) for c in killed["checks"]]
        row = compare(killed["final"], reference)
        row["integrity errors"] += sum(c["integrity errors"] for c in during)
        row["doubled"] += sum(c["doubled"] for c in during)
        rows.append((f"kill -9 ×{args.kills}, then resume", row, ""))
        for writers in (2, 4):
            result = run_writers(folder, records, writers, args.pipeline)
            rows.append(
                (
                    f"{writers} writers at once",
                    compare(result["final"], reference),
                    f"{result['failed']} failed" if result["failed"] else "",
                )
            )
        exported = run_exports(folder, corpus, args.pipeline)
        rows.append(
            (
                "exports during an add",
                compare(exported["final"], reference),
                f"{exported['inconsistent']} of {exported['exports']} exports inconsistent",
            )
        )
    print(
        f"\n{'scenario':<30} {'lost':>5} {'doubled':>7} {'integrity':>9} {'story differs':>13} {'words differ':>12}  notes"
    )
    for name, row, notes in rows:
        print(
            f"{name:<30} {row['lost']:>5} {row['doubled']:>7} {row['integrity errors']:>9} "
            f"{row['story differs']:>13} {row['words differ']:>12}  {notes}"
        )


if __name__ == "__main__":
    main()
