"""JSONL: one article per line with ``id``, ``title``, ``text``, ``published``, ``url``, ``source``.

Other fields are kept as metadata. A line that is not a JSON object, or has
no text, is reported with its line number and skipped; the rest goes on.
"""
from __future__ import annotations

import json
from typing import IO, Iterator

from ..model import Article, Skip, stable_id
from . import BadEncoding, Options, decode
from .meta import iso_date
from .text import parse

KNOWN = ("id", "title", "text", "published", "url", "source", "language")
# Common spellings of the same fields in public corpora (GVC uses content/dct).
ALIASES = {"text": ("content", "body", "maintext"), "published": ("date", "dct", "date_publish", "pubdate"),
           "id": ("doc_id", "article_id", "uuid"), "title": ("headline",), "url": ("uri", "link")}


def read(stream: IO[bytes], origin: str, options: Options) -> Iterator[Article | Skip]:
    for number, line in enumerate(stream, start=1):
        where = f"{origin}#L{number}"
        if not line.strip():
            continue
        if len(line) > options.max_bytes:
            yield Skip(where, "too_large", f"line of {len(line)} bytes > ingest.max_bytes={options.max_bytes}")
            continue
        try:
            record = json.loads(decode(line, options))
        except (ValueError, BadEncoding) as exc:
            yield Skip(where, "bad_record", f"line {number} is not valid JSON: {exc}")
            continue
        if not isinstance(record, dict):
            yield Skip(where, "bad_record", f"line {number} is a JSON {type(record).__name__}, not an object")
            continue
        yield from_record(record, where, options)


def field(record: dict, name: str):
    for key in (name, *ALIASES.get(name, ())):
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def from_record(record: dict, origin: str, options: Options) -> Article | Skip:
    text = field(record, "text")
    title = field(record, "title")
    article_id = str(field(record, "id") or stable_id(title or "", text or "", length=16))
    if not isinstance(text, str) or not text.strip():
        return Skip(origin, "empty", "record has no text", id=article_id)
    body = parse(text, article_id, title=str(title).strip() if title else None)
    if body is None or (not body.paragraphs and not title):
        return Skip(origin, "empty", "record has no text", id=article_id)
    used = {key for name in KNOWN for key in (name, *ALIASES.get(name, ())) if key in record}
    body.url = field(record, "url")
    body.source = options.source or field(record, "source")
    body.published = iso_date(options.published or field(record, "published"))
    body.language = field(record, "language")
    body.origin = origin
    body.metadata = {k: v for k, v in record.items() if k not in used}
    return body
