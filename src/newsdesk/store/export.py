"""The export contract (``newsdesk/1``, see docs/export.md) and its file formats.

``build`` turns the desk into the JSON document; ``export`` writes it as
JSON, or flattens each list into a table for CSV (a folder of files) or
Parquet (likewise). Every list is present, empty until its stage has run.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable

from ..errors import MissingExtra, NewsdeskError
from ..model import Article, Place

SCHEMA = "newsdesk/1"
FORMATS = ("json", "csv", "parquet", "acled")


def build(desk, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    store = desk.store
    articles = list(store.articles())
    entity_of = canonical_entities(articles)
    doc: dict[str, Any] = {"schema": SCHEMA, "articles": [], "stories": [], "reuse": [], "entities": [], "places": [],
                           "dates": [], "quantities": [], "claims": [], "events": [], "contradictions": []}
    merged: dict[str, dict] = {}
    places: dict[str, Place] = {}
    for article in articles:
        doc["articles"].append(article_record(article))
        for entity in article.entities:
            target = entity_of.get(entity.id, entity.id)
            record = merged.setdefault(target, {"id": target, "name": entity.name, "type": entity.type,
                                                "aliases": [], "mentions": []})
            for name in [entity.name, *entity.aliases]:
                if name != record["name"] and name not in record["aliases"]:
                    record["aliases"].append(name)
            record["mentions"].extend({"article": article.id, **span_record(m.span), "text": m.text}
                                      for m in entity.mentions)
            if entity.place is not None and (target not in places or entity.place.precision < places[target].precision):
                places[target] = entity.place
        for date in article.dates:
            doc["dates"].append({"article": article.id, **span_record(date.span), "text": date.text,
                                 "value": date.value, "anchor": date.anchor, "granularity": date.granularity})
        for quantity in article.quantities:
            record = {"article": article.id, **span_record(quantity.span)}
            record.update({k: v for k, v in quantity.to_dict().items() if k != "span"})
            doc["quantities"].append(record)
        for claim in article.claims:
            doc["claims"].append(claim_record(article, claim, entity_of))
        if progress:
            progress(1)
    doc["entities"] = list(merged.values())
    for entity_id, place in places.items():
        record = place.to_dict()
        record["entity"] = entity_id
        doc["places"].append(record)
    doc["stories"] = [story.to_dict() for story in store.stories()]
    doc["reuse"] = [link.to_dict() for link in store.reuse()]
    independent: dict[str, int] = {}
    for story in doc["stories"]:
        state = store.story_state(story["id"])
        doc["events"].extend(state.get("events", []))
        doc["contradictions"].extend(state.get("contradictions", []))
        independent.update(state.get("independent_reports", {}))
    for claim in doc["claims"]:
        claim["independent_reports"] = independent.get(claim["id"], claim["independent_reports"])
    return doc


def canonical_entities(articles: list[Article]) -> dict[str, str]:
    """Entity id → the id of the desk-wide entity it belongs to (alias resolution across articles)."""
    try:
        from ..extract.entities import resolve_desk
    except ImportError:
        return {}
    return resolve_desk(articles)


def span_record(span) -> dict[str, int]:
    return {"paragraph": span.paragraph, "start": span.start, "end": span.end}


def article_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id, "title": article.title, "url": article.url, "source": article.source,
        "published": article.published, "language": article.language, "authors": article.authors,
        "paragraphs": [{"index": p.index, "line": p.line, "path": p.path, "role": p.role, "text": p.text, "raw": p.raw}
                       for p in article.paragraphs],
        "repairs": [r.to_dict() for r in article.repairs],
        "related_titles": article.related_titles, "credits": article.credits,
        "story": article.story, "duplicate_of": article.duplicate_of, "metadata": article.metadata,
    }


def claim_record(article: Article, claim, entity_of: dict[str, str]) -> dict[str, Any]:
    record = {"id": claim.id, "article": article.id, **span_record(claim.span),
              "speaker": entity_of.get(claim.speaker, claim.speaker) if claim.speaker else None}
    for key, value in claim.to_dict().items():
        if key not in ("id", "span", "speaker"):
            record[key] = value
    return record


def export(desk, path: str | Path | None, format: str = "json",
           progress: Callable[[int], None] | None = None) -> dict[str, Any] | None:
    if format not in FORMATS:
        raise NewsdeskError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "acled":
        from ..reconcile.acled import write_acled

        return write_acled(desk, path, progress)
    doc = build(desk, progress)
    if path is None and format == "json":
        return doc
    if path is None:
        raise NewsdeskError(f"--format {format} writes a folder of tables; give it with -o FOLDER")
    path = Path(path)
    if format == "json":
        if str(path) == "-":
            import sys

            json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return None
    tables = flatten(doc)
    path.mkdir(parents=True, exist_ok=True)
    if format == "csv":
        for name, rows in tables.items():
            write_csv(path / f"{name}.csv", rows)
    else:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise MissingExtra("pyarrow", "parquet", "Parquet export") from None
        for name, rows in tables.items():
            columns = sorted({key for row in rows for key in row}) or ["id"]
            table = pa.table({c: [_cell(row.get(c)) for row in rows] for c in columns})
            pq.write_table(table, path / f"{name}.parquet")
    return None


def flatten(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One flat table per list; nested values become JSON text, paragraphs get their own table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    paragraphs = []
    for article in doc["articles"]:
        for paragraph in article["paragraphs"]:
            paragraphs.append({"article": article["id"], **paragraph})
    tables["articles"] = [{k: v for k, v in a.items() if k != "paragraphs"} for a in doc["articles"]]
    tables["paragraphs"] = paragraphs
    for name in ("stories", "reuse", "entities", "places", "dates", "quantities", "claims", "events", "contradictions"):
        tables[name] = doc[name]
    return {name: [{k: _flat(v) for k, v in row.items()} for row in rows] for name, rows in tables.items()}


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or ["id"])
        writer.writeheader()
        writer.writerows(rows)
