"""Loaders for the labelled data in ../shared/data (read in place, never copied)."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"


def jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gvc_documents(limit: int | None = None) -> list[dict]:
    """GVC articles as ingest records: id, title, text, published, gold (= incident_id)."""
    rows = jsonl(DATA / "gvc" / "documents.jsonl")[:limit]
    return [
        {
            "id": r["doc_id"],
            "title": r.get("title") or "",
            "text": r.get("content") or "",
            "published": r.get("dct"),
            "url": r.get("uri"),
            "gold": r["incident_id"],
        }
        for r in rows
    ]


def ecbplus_documents(limit: int | None = None) -> list[dict]:
    """ECB+ documents as ingest records (first line as title): id, title, text, gold (= subtopic)."""
    out = []
    for r in jsonl(DATA / "ecbplus" / "documents.jsonl")[:limit]:
        lines = r["text"].split("\n")
        out.append(
            {
                "id": r["doc_id"],
                "title": lines[0],
                "text": "\n\n".join(lines[1:]) or lines[0],
                "url": r.get("url"),
                "gold": r["subtopic"],
            }
        )
    return out


def gvc_incidents() -> dict[str, dict]:
    """GVC incident facts by incident_id: date_iso, city_or_county, state, num_killed, num_injured."""
    return {r["incident_id"]: r for r in jsonl(DATA / "gvc" / "incidents.jsonl")}


def gvdb_rows(limit: int | None = None) -> list[dict]:
    """GVDB dev articles: id, title, text and the parsed Json annotation (``gold``)."""
    import csv
    import sys

    csv.field_size_limit(sys.maxsize)
    with open(DATA / "gvdb" / "dev.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))[:limit]
    return [
        {
            "id": r["Article id"],
            "title": r["Article title"] or "",
            "text": r["Full text"] or "",
            "url": r["Article url"],
            "gold": json.loads(r["Json"]),
        }
        for r in rows
    ]


def gvdb_victims(gold: dict) -> tuple[int, int]:
    """(killed, injured): the victim-section entries flagged killed / injured in a GVDB annotation."""
    victims = gold.get("victim-section") or []
    killed = sum("killed" in (v.get("victim-was") or []) for v in victims)
    injured = sum("injured" in (v.get("victim-was") or []) for v in victims)
    return killed, injured


def ecbplus_sentences(limit: int | None = None) -> list[dict]:
    """ECB+ documents as their sentence lists: doc_id, topic, subtopic, sentences (one line each)."""
    return [
        {"doc_id": r["doc_id"], "topic": r["topic"], "subtopic": r["subtopic"], "sentences": r["text"].split("\n")}
        for r in jsonl(DATA / "ecbplus" / "documents.jsonl")[:limit]
    ]


def ecbplus_articles(documents: list[dict]) -> list:
    """ECB+ documents as articles: the first sentence is the title, each other sentence a paragraph."""
    from newsdesk.model import Article, Paragraph

    return [
        Article(
            id=doc["doc_id"],
            title=doc["sentences"][0],
            paragraphs=[Paragraph(index=i, text=s, raw=s) for i, s in enumerate(doc["sentences"][1:])],
        )
        for doc in documents
    ]


def ecbplus_mentions(prefix: str = "") -> list[dict]:
    """ECB+ annotated mentions whose tag starts with ``prefix`` (e.g. "TIME_", "LOC_")."""
    return [m for m in jsonl(DATA / "ecbplus" / "mentions.jsonl") if m["tag"].startswith(prefix)]


def polnear_files(split: str = "dev", limit: int | None = None) -> list[dict]:
    """PolNeAR annotated files of one compartment ("train", "dev" or "all"; annotator-training files excluded).

    Several annotators may have annotated the same file; the one with the smallest
    annotator id is kept, so every file is scored once and the choice never
    depends on the system's output.
    """
    chosen: dict[str, dict] = {}
    for row in jsonl(DATA / "polnear" / "attributions.jsonl"):
        if row["compartment"] == "annotator-training" or (split != "all" and row["compartment"] != split):
            continue
        kept = chosen.get(row["filename"])
        if kept is None or row["annotator"] < kept["annotator"]:
            chosen[row["filename"]] = row
    # a hash order, so that --limit takes a sample across publishers rather than the first one alphabetically
    return sorted(chosen.values(), key=lambda row: hashlib.blake2b(row["filename"].encode()).hexdigest())[:limit]


def trafilatura_eval(limit: int | None = None) -> list[dict]:
    """trafilatura's evaluation pages: url, html (bytes), with / without snippets, title, author, date."""
    import gzip

    folder = DATA / "trafilatura-eval"
    with open(folder / "evaldata.json", encoding="utf-8") as handle:
        entries = json.load(handle)
    pages = []
    for url, entry in list(entries.items())[:limit]:
        path = folder / "pages" / f"{entry['file']}.gz"
        if path.exists():
            pages.append(
                {
                    "url": url,
                    "html": gzip.decompress(path.read_bytes()),
                    "with": entry.get("with") or [],
                    "without": entry.get("without") or [],
                    "title": entry.get("title"),
                    "author": entry.get("author"),
                    "date": entry.get("date"),
                }
            )
    return pages


# shared by the extraction benchmarks -----------------------------------------
CLEAN_STEPS = ("normalize", "roles", "glue")


class Timer:
    """Seconds (and articles) per named part of a run."""

    def __init__(self):
        self.seconds = Counter()
        self.articles = Counter()

    def run(self, name, fn, *args):
        start = time.perf_counter()
        result = fn(*args)
        self.seconds[name] += time.perf_counter() - start
        return result


def cleaned(articles: list) -> list:
    """The articles after the cleaning steps (normalize, roles, glue), in place."""
    from newsdesk import config as config_module
    from newsdesk.pipeline import Pipeline

    config = config_module.load(None, [])
    config["pipeline"]["steps"] = list(CLEAN_STEPS)
    return Pipeline(config).process(articles)


def records_to_articles(records: list[dict]) -> list:
    """Articles of benchmark records ({id, title, text, published, ...}); records without text are dropped."""
    from newsdesk.ingest import Options
    from newsdesk.ingest.jsonl import from_record
    from newsdesk.model import Skip

    articles = [from_record(r, r["id"], Options()) for r in records]
    return [a for a in articles if not isinstance(a, Skip)]
