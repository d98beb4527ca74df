"""The one data model that travels through the pipeline.

An :class:`Article` carries its :class:`Paragraph` list; everything found in
it (mentions, dates, quantities, claims) is a :class:`Span` of one paragraph's
repaired ``text``. Paragraph index ``-1`` designates the article title, so a
claim made in a headline still points at the characters it came from.

Desk-level records (stories, re-use links, merged entities, events,
contradictions) refer to articles and spans by id; they never copy text
that can be looked up.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Optional

ROLES = ("body", "heading", "caption", "credit", "related", "boilerplate")
CONTENT_ROLES = ("body", "heading")
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "OTHER")
QUANTITY_KINDS = ("killed", "injured", "missing", "displaced", "evacuated", "detained", "distance", "other")
SKIP_REASONS = ("empty", "not_text", "too_large", "bad_encoding", "bad_record", "duplicate_of", "unreadable", "failed")
TITLE = -1  # paragraph index of the title in spans


def stable_id(*parts: object, length: int = 16) -> str:
    """A short id that depends only on ``parts`` (stable across runs)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8"), digest_size=16)
    return digest.hexdigest()[:length]


class Record:
    """Mixin: plain-dict round trip for storage and export."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for name in _stored_names(type(self)):
            value = getattr(self, name)
            out[name] = value if type(value) in _PLAIN else _dump(value)  # most values are plain: no call
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(
            **{name: data[name] if load is _same else load(data[name]) for name, load in _loaders(cls) if name in data}
        )

    @classmethod
    def normalized(cls, data: dict[str, Any]) -> dict[str, Any]:
        """``cls.from_dict(data).to_dict()`` without building the objects (a reader that only passes records on)."""
        out = {}
        for name, normal, default in _normalizers(cls):
            if name in data:
                value = data[name]
                out[name] = value if type(value) in _PLAIN else normal(value)
            elif default is dataclasses.MISSING:
                raise TypeError(f"{cls.__name__} record without its {name!r}")
            else:
                out[name] = _dump(default())
        return out


_PLAIN = frozenset({str, int, float, bool, type(None)})  # what _dump returns as it is


@functools.cache
def _stored_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("transient"))


@functools.cache
def _loaders(cls) -> list[tuple[str, Any]]:
    """(field name, function loading its stored value) per stored field, worked out once per class: resolving
    type hints on every load was most of the cost of reading an article back."""
    hints = typing.get_type_hints(cls)
    return [(f.name, _loader(hints[f.name])) for f in dataclasses.fields(cls) if not f.metadata.get("transient")]


@functools.cache
def _normalizers(cls) -> list[tuple[str, Callable[[Any], Any], Any]]:
    """(field name, function giving the stored form of a loaded value, default factory or MISSING) per field."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("transient"):
            continue
        if f.default is not dataclasses.MISSING:
            default = functools.partial(_same, f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory
        else:
            default = dataclasses.MISSING
        out.append((f.name, _normalizer(hints[f.name]), default))
    return out


def _normalizer(hint: Any) -> Callable[[Any], Any]:
    """What ``_dump(_loader(hint)(value))`` gives, without the objects in between."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _normalizer(inner[0]) if len(inner) == 1 else _dump
    if origin is list and isinstance(args[0], type) and issubclass(args[0], Record):
        item = args[0].normalized
        return lambda value: None if value is None else [item(v) for v in value]
    if isinstance(hint, type) and issubclass(hint, Record):
        return lambda value: None if value is None else hint.normalized(value)
    return _dump  # lists and tuples come back as lists, dicts as copies


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _same(value: Any) -> Any:
    return value


def _loader(hint: Any):
    """A function turning a stored value of type ``hint`` back into it (None stays None)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _loader(inner[0]) if len(inner) == 1 else _same
    if origin is list:
        item = _loader(args[0])
        if item is _same:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [item(v) for v in value]
    if origin is tuple:
        return lambda value: None if value is None else tuple(value)
    if isinstance(hint, type) and issubclass(hint, Record):
        return lambda value: None if value is None else hint.from_dict(value)
    return _same


def paragraph_of(item) -> int:
    """The paragraph of anything placed by a ``span`` (the default key of :meth:`Article.grouped`)."""
    return item.span.paragraph


def transient(default_factory=dict):
    """A field that lives only while the article is in the pipeline (e.g. spaCy docs)."""
    return field(default_factory=default_factory, repr=False, compare=False, metadata={"transient": True})


@dataclass
class Span(Record):
    paragraph: int  # index in Article.paragraphs, or TITLE (-1)
    start: int
    end: int

    def text(self, article: "Article") -> str:
        return article.paragraph_text(self.paragraph)[self.start : self.end]


@dataclass
class Repair(Record):
    paragraph: int
    start: int  # offsets in the repaired text
    end: int
    before: str
    after: str


@dataclass
class Paragraph(Record):
    index: int
    text: str  # normalised and repaired; all spans index this
    raw: str  # as read
    role: str = "body"
    line: Optional[int] = None  # 1-based first raw line (text input)
    path: Optional[str] = None  # element path (HTML) or record locator


@dataclass
class Place(Record):
    name: str
    lat: Optional[float] = None
    lon: Optional[float] = None
    country: Optional[str] = None  # ISO 3166-1 alpha-2
    admin1: Optional[str] = None
    feature: Optional[str] = None  # city, village, region, country, ...
    gazetteer_id: Optional[str] = None
    precision: int = 3  # ACLED: 1 exact, 2 near / part of region, 3 region
    entity: Optional[str] = None


@dataclass
class Mention(Record):
    span: Span
    text: str


@dataclass
class Entity(Record):
    """An entity as found in one article (its mentions merged within the article).

    ``id`` is derived from the type and canonical name, so the same name found in
    two articles has the same id; desk-level alias resolution maps ids together.
    """

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    place: Optional[Place] = None


@dataclass
class DateMention(Record):
    span: Span
    text: str
    value: Optional[str]  # ISO date, or None when it cannot be resolved
    anchor: str = "absolute"  # absolute | published | previous (the date just mentioned)
    granularity: str = "day"  # day | month | year | week


@dataclass
class Quantity(Record):
    span: Span
    text: str
    min: Optional[float] = None
    max: Optional[float] = None
    kind: str = "other"
    unit: Optional[str] = None
    approximate: bool = False
    claim: Optional[str] = None


@dataclass
class Claim(Record):
    id: str
    span: Span  # the whole attributed statement
    content: str
    content_span: Optional[Span] = None
    speaker_text: Optional[str] = None
    speaker_span: Optional[Span] = None
    speaker: Optional[str] = None  # entity id
    cue: Optional[str] = None
    cue_span: Optional[Span] = None
    polarity: Literal["assert", "deny"] = "assert"
    direct_quote: bool = False
    date: Optional[str] = None
    form: Optional[str] = None  # which attribution pattern produced it (for error analysis)
    independent_reports: int = 1


@dataclass
class Note(Record):
    """Something a reader of an article's record must know: a stage that did not run on it, and why."""

    code: str  # e.g. "unsupported_language"
    detail: str = ""


UNSUPPORTED_LANGUAGE = "unsupported_language"


@dataclass
class Dateline(Record):
    """Where, when and by whom a report was filed, as its opening says: "KYIV, June 3 (Reuters) -"."""

    span: Span  # the whole dateline, separator included
    place: str
    place_span: Span
    date: Optional[str] = None  # ISO date, when the dateline names a day and it resolves
    date_text: Optional[str] = None
    credit: Optional[str] = None  # the agency: "Reuters", "AP", "EFE"


@dataclass
class Article(Record):
    id: str
    title: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    url: Optional[str] = None
    source: Optional[str] = None
    published: Optional[str] = None  # ISO date (YYYY-MM-DD)
    language: Optional[str] = None
    authors: list[str] = field(default_factory=list)
    origin: Optional[str] = None  # where it was read from: path, path#line, path#record
    metadata: dict[str, Any] = field(default_factory=dict)
    # clean
    repairs: list[Repair] = field(default_factory=list)
    related_titles: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # extract
    dateline: Optional[Dateline] = None
    # dedup / stories
    fingerprint: Optional[str] = None
    duplicate_of: Optional[str] = None
    story: Optional[str] = None
    # extract
    entities: list[Entity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # pipeline bookkeeping
    steps: list[str] = field(default_factory=list)  # names of the steps applied
    docs: dict = transient()  # paragraph index -> spaCy Doc, never stored
    groupings: dict = transient()  # memo of :meth:`grouped`
    read_hash: Optional[str] = transient(lambda: None)  # content_hash() as read, before the steps clean the title

    @property
    def supported(self) -> bool:
        """Whether the language-specific steps ran on it (not an article in a language without a pipeline)."""
        return not any(note.code == UNSUPPORTED_LANGUAGE for note in self.notes)

    def paragraph_text(self, index: int) -> str:
        return self.title if index == TITLE else self.paragraphs[index].text

    def grouped(self, items: list, key: Callable = paragraph_of) -> dict[Any, list]:
        """``items`` (quantities, dates, claims of this article) grouped by ``key`` (their paragraph), in order.
        Grouped once per list and length: a stage asking paragraph after paragraph stays linear."""
        memo = self.groupings.get((id(items), key))
        if memo is None or memo[0] is not items or memo[1] != len(items):
            groups: dict[Any, list] = {}
            for item in items:
                groups.setdefault(key(item), []).append(item)
            memo = self.groupings[(id(items), key)] = (items, len(items), groups)
        return memo[2]

    def mentions_at(self, paragraph: int) -> list[tuple["Entity", "Mention"]]:
        """(entity, mention) of every entity mention in one paragraph, in entity order."""
        memo = self.groupings.get("mentions")
        if memo is None or memo[0] is not self.entities or memo[1] != len(self.entities):
            groups: dict[int, list] = {}
            for entity in self.entities:
                for mention in entity.mentions:
                    groups.setdefault(mention.span.paragraph, []).append((entity, mention))
            memo = self.groupings["mentions"] = (self.entities, len(self.entities), groups)
        return memo[2].get(paragraph, [])

    def content_paragraphs(self) -> list[Paragraph]:
        """Paragraphs whose text is the article's own reporting (body and headings)."""
        return [p for p in self.paragraphs if p.role in CONTENT_ROLES]

    @property
    def body(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs if p.role == "body")

    def content_hash(self) -> str:
        """Hash of what was read (not of what the pipeline added): detects a changed article."""
        raw = "\x1e".join(p.raw for p in self.paragraphs)
        meta = (self.title, self.url, self.source, self.published)
        return stable_id(raw, *meta, length=32)


@dataclass
class Skip(Record):
    """An input that could not become an article, and why."""

    origin: str
    reason: str  # one of SKIP_REASONS
    detail: str = ""
    id: Optional[str] = None


@dataclass
class Reuse(Record):
    a: dict  # {"article": id, "paragraph": index}  (the earlier article)
    b: dict
    kind: Literal["verbatim", "near", "partial"]
    similarity: float


@dataclass
class Story(Record):
    id: str
    title: str
    articles: list[str] = field(default_factory=list)
    first_published: Optional[str] = None
    last_published: Optional[str] = None
    independent_sources: int = 1


@dataclass
class Event(Record):
    id: str
    story: str
    type: str
    date: Optional[str] = None
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    fatalities: dict = field(default_factory=lambda: {"min": None, "max": None, "disputed": False})
    injured: dict = field(default_factory=lambda: {"min": None, "max": None})
    claims: list[str] = field(default_factory=list)
    notes: str = ""
    sub_type: str = ""  # ACLED sub-event type (e.g. "Air/drone strike")
    location: Optional[Place] = None  # its first placed place as the story reads it (a namesake in the story's state)
    sides: dict = field(default_factory=dict)  # actor -> 1 acted, 2 acted against, 0 only a source


@dataclass
class Contradiction(Record):
    id: str
    story: str
    claims: list[str]
    kind: Literal["numeric", "denial", "status", "other"]
    explanation: str
    update: bool = False  # a later revision by the same source, not a dispute
