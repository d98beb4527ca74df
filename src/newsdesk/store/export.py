"""The export contract (``newsdesk/1``, see docs/export.md) and its file formats.

:class:`Contract` reads the desk section by section, each a fresh stream of
records read from the store as it is written out: JSON, CSV (a folder of
files) and Parquet (likewise) never hold the whole desk in memory. Only the
desk-wide entities (alias resolution needs them all) and the claims'
independent report counts are gathered first. Every list is present, empty
until its stage has run.
"""

from __future__ import annotations

import csv
import functools
import json
import json.encoder
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from ..errors import MissingExtra, NewsdeskError
from ..model import Article, Claim, DateMention, Entity, Place, Quantity

SCHEMA = "newsdesk/1"
FORMATS = ("json", "csv", "parquet", "acled")
SECTIONS = (
    "articles",
    "stories",
    "reuse",
    "entities",
    "places",
    "dates",
    "quantities",
    "claims",
    "events",
    "contradictions",
    "skips",
)
TABLES = ("articles", "paragraphs") + SECTIONS[1:]
PARQUET_BATCH = 10_000  # rows per Parquet row group: bounds memory on large desks


class Contract:
    """The export contract of a store, one section at a time (``records(name)``)."""

    def __init__(self, store):
        self.store = store
        self._merged: tuple[dict[str, str], list[dict], dict[str, Place]] | None = None
        self._independent: dict[str, int] | None = None

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        return getattr(self, f"_{name}")()

    def document(self) -> dict[str, Any]:
        """The whole contract as one dict (the Python API; files are written section by section)."""
        return {"schema": SCHEMA, **{name: list(self.records(name)) for name in SECTIONS}}

    # sections -----------------------------------------------------------------
    def _articles(self) -> Iterator[dict[str, Any]]:
        # the lists other sections read are cut in SQLite: each article's JSON is parsed once, without them
        for (data,) in self.store.db.execute(
            "SELECT json_remove(data, '$.entities', '$.dates', '$.quantities', '$.claims') FROM articles ORDER BY seq"
        ):
            yield article_record(Article.from_dict(json.loads(data)))

    def _stories(self) -> Iterator[dict[str, Any]]:
        for story in self.store.stories():
            yield story.to_dict()

    def _skips(self) -> Iterator[dict[str, Any]]:
        for skip in self.store.skips():
            yield skip.to_dict()

    def _reuse(self) -> Iterator[dict[str, Any]]:
        for link in self.store.reuse():
            yield link.to_dict()

    def _entities(self) -> Iterator[dict[str, Any]]:
        yield from self.entities()[1]

    def _places(self) -> Iterator[dict[str, Any]]:
        for entity_id, place in self.entities()[2].items():
            record = place.to_dict()
            record["entity"] = entity_id
            yield record

    def _dates(self) -> Iterator[dict[str, Any]]:
        for article_id, date in self._items("dates", DateMention):
            yield {
                "article": article_id,
                **date["span"],
                "text": date["text"],
                "value": date["value"],
                "anchor": date["anchor"],
                "granularity": date["granularity"],
            }

    def _quantities(self) -> Iterator[dict[str, Any]]:
        for article_id, quantity in self._items("quantities", Quantity):
            record = {"article": article_id, **quantity.pop("span")}
            record.update(quantity)
            yield record

    def _claims(self) -> Iterator[dict[str, Any]]:
        entity_of = self.entities()[0]
        independent = self.independent()
        for article_id, claim in self._items("claims", Claim):
            record = claim_fields(article_id, claim, entity_of)
            record["independent_reports"] = independent.get(claim["id"], record["independent_reports"])
            yield record

    def _events(self) -> Iterator[dict[str, Any]]:
        yield from self._states("events")

    def _contradictions(self) -> Iterator[dict[str, Any]]:
        yield from self._states("contradictions")

    # shared reads -------------------------------------------------------------
    def entities(self) -> tuple[dict[str, str], list[dict], dict[str, Place]]:
        """(entity id → desk-wide id, merged entity records, desk-wide id → its most precise place)."""
        if self._merged is None:
            articles = [
                Article(id=article_id, story=story, entities=[_entity(e) for e in json.loads(data)])
                for article_id, story, data in self.store.db.execute(
                    "SELECT id, json_extract(data, '$.story'), json_extract(data, '$.entities')"
                    " FROM articles WHERE json_array_length(data, '$.entities') > 0 ORDER BY seq"
                )
            ]
            entity_of = canonical_entities(articles)
            merged: dict[str, dict] = {}
            places: dict[str, Place] = {}
            for article in articles:
                for entity in article.entities:
                    target = entity_of.get(entity.id, entity.id)
                    record = merged.setdefault(
                        target, {"id": target, "name": entity.name, "type": entity.type, "aliases": [], "mentions": []}
                    )
                    for name in [entity.name, *entity.aliases]:
                        if name != record["name"] and name not in record["aliases"]:
                            record["aliases"].append(name)
                    record["mentions"].extend(
                        {
                            "article": article.id,
                            "paragraph": m["span"]["paragraph"],
                            "start": m["span"]["start"],
                            "end": m["span"]["end"],
                            "text": m["text"],
                        }
                        for m in entity.mentions
                    )
                    if entity.place is not None and (
                        target not in places or entity.place.precision < places[target].precision
                    ):
                        places[target] = entity.place
            self._merged = entity_of, list(merged.values()), places
        return self._merged

    def independent(self) -> dict[str, int]:
        """Claim id → independent reports, as the reconcile step counted them per story."""
        if self._independent is None:
            self._independent = {}
            for counts in self._states("independent_reports"):
                self._independent.update(counts)
        return self._independent

    def _items(self, field: str, record: type) -> Iterator[tuple[str, dict[str, Any]]]:
        """(article id, item as ``record.to_dict()`` gives it) of each article's ``field`` list."""
        for article_id, data in self.store.db.execute(
            f"SELECT id, json_extract(data, '$.{field}') FROM articles"
            f" WHERE json_array_length(data, '$.{field}') > 0 ORDER BY seq"
        ):
            for item in json.loads(data):
                yield article_id, record.normalized(item)

    def _states(self, key: str) -> Iterator[Any]:
        """Each story's reconciled ``key``, in story order (a list's items one by one, a dict whole)."""
        for story in self.store.stories():
            row = self.store.db.execute(
                f"SELECT json_extract(data, '$.{key}') FROM story_state WHERE story = ?", (story.id,)
            ).fetchone()
            if row is None or row[0] is None:
                continue
            value = json.loads(row[0])
            if isinstance(value, list):
                yield from value
            else:
                yield value


def _entity(data: dict[str, Any]) -> Entity:
    """``Entity.from_dict`` but for its mentions, left as stored (span and text: all the export reads of them):
    building ~100,000 Mention and Span objects was a fifth of a 2,000-article export."""
    place = data.get("place")
    return Entity(
        id=data["id"],
        name=data["name"],
        type=data["type"],
        aliases=list(data["aliases"]) if data.get("aliases") is not None else data.get("aliases", []),
        mentions=data.get("mentions", []),
        place=None if place is None else Place.from_dict(place),
    )


def build(desk) -> dict[str, Any]:
    """The export contract of the desk as one dict."""
    return Contract(desk.store).document()


def canonical_entities(articles: list[Article]) -> dict[str, str]:
    """Entity id → the id of the desk-wide entity it belongs to (alias resolution across articles)."""
    try:
        from ..extract.entities import resolve_desk
    except ImportError:
        return {}
    return resolve_desk(articles)


def article_record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "published": article.published,
        "language": article.language,
        "authors": article.authors,
        "paragraphs": [
            {"index": p.index, "line": p.line, "path": p.path, "role": p.role, "text": p.text, "raw": p.raw}
            for p in article.paragraphs
        ],
        "repairs": [r.to_dict() for r in article.repairs],
        "related_titles": article.related_titles,
        "credits": article.credits,
        "notes": [n.to_dict() for n in article.notes],
        "dateline": article.dateline and article.dateline.to_dict(),
        "story": article.story,
        "duplicate_of": article.duplicate_of,
        "metadata": article.metadata,
    }


def claim_fields(article_id: str, claim: dict[str, Any], entity_of: dict[str, str]) -> dict[str, Any]:
    """The export record of a claim given as ``Claim.to_dict()`` gives it."""
    speaker = claim["speaker"]
    record = {
        "id": claim["id"],
        "article": article_id,
        **claim["span"],
        "speaker": entity_of.get(speaker, speaker) if speaker else None,
    }
    for key, value in claim.items():
        if key not in ("id", "span", "speaker"):
            record[key] = value
    return record


# writing ------------------------------------------------------------------
def export(
    desk, path: str | Path | None, format: str = "json", progress: Callable[[int], None] | None = None
) -> dict[str, Any] | None:
    """Write the contract to ``path`` in ``format`` (without a path: the JSON document as a dict); ``progress(1)``
    after each section written (:data:`SECTIONS` for json, :data:`TABLES` for csv and parquet, each story for
    acled)."""
    if format not in FORMATS:
        raise NewsdeskError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if path is not None and format in ("csv", "parquet") and Path(path).exists() and not Path(path).is_dir():
        raise NewsdeskError(f"--format {format} writes a folder of tables, and {path} is a file; give a folder with -o")
    with desk.store.snapshot():  # one consistent record while an add goes on
        return _export(desk, path, format, progress)


def _export(desk, path: str | Path | None, format: str, progress: Callable[[int], None] | None):
    if format == "acled":
        from ..reconcile.acled import write_acled

        return write_acled(desk, path, progress)
    contract = Contract(desk.store)
    if path is None and format == "json":
        return contract.document()
    if path is None:
        raise NewsdeskError(f"--format {format} writes a folder of tables; give it with -o FOLDER")
    path = Path(path)
    if format == "json":
        if str(path) == "-":
            import sys

            write_json(contract, sys.stdout, progress)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                write_json(contract, handle, progress)
        return None
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingExtra("pyarrow", "parquet", "Parquet export") from None
    path.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        rows = functools.partial(table_rows, contract, name)
        if format == "csv":
            write_csv(path / f"{name}.csv", rows)
        else:
            write_parquet(path / f"{name}.parquet", rows)
        if progress:
            progress(1)
    return None


def write_json(contract: Contract, handle, progress: Callable[[int], None] | None = None) -> None:
    """The contract as ``json.dump(doc, indent=1, ensure_ascii=False)`` writes it, one record at a time."""
    handle.write('{\n "schema": ' + json.dumps(SCHEMA))
    for name in SECTIONS:
        handle.write(f',\n "{name}": [')
        first = True
        for record in contract.records(name):
            parts = ["\n  " if first else ",\n  "]
            _indented(record, parts, "  ")
            handle.write("".join(parts))
            first = False
        handle.write("]" if first else "\n ]")
        if progress:
            progress(1)
    handle.write("\n}\n")


def _indented(value: Any, out: list[str], pad: str) -> None:
    """Append the text ``json.dumps(value, ensure_ascii=False, indent=1)`` gives ``value`` at indentation ``pad``.
    The standard library's indented encoder is pure Python with a generator per value (3x slower); here a
    container of scalars is written by its C encoder, whose item separator carries the indentation."""
    if isinstance(value, dict):
        items, opening, closing = value.values(), "{", "}"
    elif isinstance(value, (list, tuple)):
        items, opening, closing = value, "[", "]"
    else:
        out.append(encode_basestring(value) if isinstance(value, str) else _encoder("")(value))
        return
    if not value:
        out.append(opening + closing)
        return
    inner = pad + " "
    for item in items:
        if isinstance(item, _CONTAINERS):
            break
    else:  # scalars only
        out.append(opening + "\n" + inner + _encoder(inner)(value)[1:-1] + "\n" + pad + closing)
        return
    separator = opening + "\n" + inner
    if opening == "{":
        for key, item in value.items():
            name = encode_basestring(key) if isinstance(key, str) else _encoder("")({key: 0})[1:-4]
            scalar = _SCALARS.get(type(item))
            if scalar is not None:  # most values: written here, without a call per value
                out.append(separator + name + ": " + scalar(item))
            else:
                out.append(separator + name + ": ")
                _indented(item, out, inner)
            separator = ",\n" + inner
    else:
        for item in value:
            out.append(separator)
            _indented(item, out, inner)
            separator = ",\n" + inner
    out.append("\n" + pad + closing)


_CONTAINERS = (dict, list, tuple)
# the text the C encoder gives a value of these exact types (a float that is not finite goes through it)
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: lambda value: float.__repr__(value) if value - value == 0 else _encoder("")(value),
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


@functools.lru_cache(maxsize=64)
def _encoder(inner: str) -> Callable[[Any], str]:
    """The compact C encoder with ``",\n" + inner`` between items: a container of scalars, indented."""
    encode = json.encoder.c_make_encoder
    if encode is None:  # no C accelerator: the standard encoder is as fast as anything here
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(",\n" + inner, ": "))
        return encoder.encode
    chunks = encode(None, None, encode_basestring, None, ": ", ",\n" + inner, False, False, True)
    return lambda value: "".join(chunks(value, 0))


def table_rows(contract: Contract, name: str) -> Iterator[dict[str, Any]]:
    """The rows of one flat table: nested values become JSON text, paragraphs get their own table."""
    if name == "paragraphs":
        rows = ({"article": a["id"], **p} for a in contract.records("articles") for p in a["paragraphs"])
    elif name == "articles":
        rows = ({k: v for k, v in a.items() if k != "paragraphs"} for a in contract.records("articles"))
    else:
        rows = contract.records(name)
    for row in rows:
        yield {k: _flat(v) for k, v in row.items()}


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def write_csv(path: Path, rows: Callable[[], Iterator[dict[str, Any]]]) -> None:
    """One CSV file; ``rows()`` is read twice (the header is every key in order of first appearance)."""
    columns: dict[str, None] = {}
    for row in rows():
        columns.update(dict.fromkeys(row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns) or ["id"])
        writer.writeheader()
        writer.writerows(rows())


def write_parquet(path: Path, rows: Callable[[], Iterator[dict[str, Any]]]) -> None:
    """One Parquet file in row groups; ``rows()`` is read twice (columns and their types first)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds: dict[str, set] = {}
    for row in rows():
        for key, value in row.items():
            kinds.setdefault(key, set()).add(type(_cell(value)))
    schema = pa.schema([(c, _arrow_type(kinds[c])) for c in sorted(kinds)] or [("id", pa.null())])
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for row in rows():
            batch.append(row)
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(_arrow_table(batch, schema))
                batch = []
        if batch or not kinds:
            writer.write_table(_arrow_table(batch, schema))


def _arrow_type(kinds: set):
    import pyarrow as pa

    kinds = kinds - {type(None)}
    if not kinds:
        return pa.null()
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int}:
        return pa.int64()
    if kinds <= {int, float}:
        return pa.float64()
    return pa.string()


def _arrow_table(rows: list[dict], schema):
    import pyarrow as pa

    columns = {}
    for field in schema:
        values = [_cell(row.get(field.name)) for row in rows]
        if pa.types.is_string(field.type):
            values = [None if v is None else str(v) for v in values]
        elif pa.types.is_floating(field.type):  # ints beside floats: pyarrow refuses one beyond 2**53 unconverted
            values = [None if v is None else float(v) for v in values]
        columns[field.name] = pa.array(values, type=field.type)
    return pa.table(columns, schema=schema)
