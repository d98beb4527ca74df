"""JSONL: one article per line with ``id``, ``title``, ``text``, ``published``, ``url``, ``source``.

Other fields are kept as metadata. A line that is not a JSON object, or has
no text, is reported with its line number and skipped; the rest goes on.
A file whose first line does not parse but starts a JSON array or object is
read as one JSON document (an array of articles, or one article).
"""

from __future__ import annotations

import io
import json
from typing import IO, Iterator

from ..model import Article, Skip, stable_id
from . import BadEncoding, Options, Prepended, decode
from .meta import iso_date
from .text import parse

KNOWN = ("id", "title", "text", "published", "url", "source", "language")
# Common spellings of the same fields in public corpora (GVC uses content/dct).
ALIASES = {
    "text": ("content", "body", "maintext"),
    "published": ("date", "dct", "date_publish", "pubdate"),
    "id": ("doc_id", "article_id", "uuid"),
    "title": ("headline",),
    "url": ("uri", "link"),
}
# Every key read into an article's own fields (the rest of a record goes to its metadata).
READ_KEYS = frozenset(key for name in KNOWN for key in (name, *ALIASES.get(name, ())))


def read(stream: IO[bytes], origin: str, options: Options) -> Iterator[Article | Skip]:
    """Articles and skips of JSON lines, or of a file that is one JSON document; an ``empty`` skip for no record."""
    found = False
    for item in _items(stream, origin, options, document=True):
        found = True
        yield item
    if not found:
        yield Skip(origin, "empty", "no JSON record in the input")


def _items(stream: IO[bytes], origin: str, options: Options, *, document: bool) -> Iterator[Article | Skip]:
    first = document
    for number, line in _lines(stream, options.max_bytes):
        where = f"{origin}#L{number}"
        if line is None:
            yield Skip(where, "too_large", f"line {number} is longer than ingest.max_bytes={options.max_bytes}")
            first = False
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(decode(line, options))
        except (ValueError, BadEncoding) as exc:
            if first and line.lstrip()[:1] in (b"[", b"{"):
                # Not one record per line: a JSON array or one pretty-printed object.
                data = line + stream.read(options.max_bytes + 1 - len(line))
                parsed = _document(data, options)
                if parsed is not None:
                    yield from _records(parsed, origin, options, "the document")
                else:
                    yield from _items(io.BufferedReader(Prepended(data, stream)), origin, options, document=False)
                return
            yield Skip(where, "bad_record", f"line {number} is not valid JSON: {exc}")
            continue
        finally:
            first = False
        yield from _records(record, where, options, f"line {number}")


def _records(record, where: str, options: Options, what: str) -> Iterator[Article | Skip]:
    if isinstance(record, list):  # a JSON array on one line
        for index, item in enumerate(record):
            yield from _records(item, f"{where}[{index}]", options, f"{what}, item {index}")
    elif isinstance(record, dict):
        yield from_record(record, where, options)
    else:
        yield Skip(where, "bad_record", f"{what} is a JSON {type(record).__name__}, not an object")


def _document(data: bytes, options: Options):
    """The parsed JSON document in ``data``, or None when it is not one (or too large to be one)."""
    if len(data) > options.max_bytes:
        return None
    try:
        return json.loads(decode(data, options))
    except (ValueError, BadEncoding):
        return None


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines; None for a line longer than ``limit``, which is read past, never held."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield number, None
        else:
            yield number, line


def field(record: dict, name: str):
    for key in (name, *ALIASES.get(name, ())):
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def from_record(record: dict, origin: str, options: Options) -> Article | Skip:
    text = field(record, "text")
    title = field(record, "title")
    article_id = str(field(record, "id") or stable_id(title or "", text or "", length=16))
    title = str(title).strip() if title is not None else ""
    body = parse(text, article_id, title=title or None) if isinstance(text, str) else None
    if body is None and title:
        body = Article(id=article_id, title=title)  # a headline alone is news (a feed keeps one too)
    if body is None or (not body.paragraphs and not body.title):
        return Skip(origin, "empty", "record has neither title nor text", id=article_id)
    body.url = field(record, "url")
    # The record speaks for itself; the options fill what it does not state.
    body.source = field(record, "source") or options.source
    body.published = iso_date(field(record, "published")) or iso_date(options.published)
    body.language = field(record, "language")
    body.origin = origin
    body.metadata = {k: v for k, v in record.items() if k not in READ_KEYS}
    return body
