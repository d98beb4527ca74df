"""Read articles from files, folders, globs and streams; the format is sniffed.

:func:`read` yields :class:`~newsdesk.model.Article` objects and
:class:`~newsdesk.model.Skip` records: an input that cannot be read never
stops the batch, it is reported with a reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import gzip
import hashlib
import io
import os
import re
import sys
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import ConfigError, InputError
from ..model import Article, Skip, stable_id
from .meta import iso_date

FORMATS = ("text", "jsonl", "html", "feed", "warc")
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
}
# Sidecar metadata of a text file (STEM.json) is read with its text, not as input.
_SIDECAR_OF = (".txt", ".text")


@dataclass
class Options:
    """What the caller knows about the input beyond its content."""

    published: str | None = None  # for inputs that do not state a date
    source: str | None = None  # outlet name; wins over a site name guessed from HTML or a feed title
    max_bytes: int = 20_000_000
    max_paragraph_chars: int = 100_000  # longer paragraphs are split (the parser refuses 1,000,000)
    fallback_encodings: tuple[str, ...] = ("cp1252", "cp1251", "latin-1")
    format: str | None = None  # force a format instead of sniffing
    html_favor: str = "balanced"  # trafilatura: "precision", "balanced" or "recall"
    html_tables: bool = True
    html_fallback: bool = True  # trafilatura's fallback extractors (readability, jusText)

    def __post_init__(self):
        if self.published is not None:
            self.published = given_date(self.published)
        if self.html_favor not in ("precision", "balanced", "recall"):
            raise ConfigError(f'ingest.html_favor is {self.html_favor!r}; use "precision", "balanced" or "recall"')
        if self.format is not None and self.format not in FORMATS:
            raise ConfigError(f"unknown input format {self.format!r}; use one of {', '.join(FORMATS)}")

    @classmethod
    def from_config(cls, section: dict, **given) -> "Options":
        known = {f.name for f in dataclasses.fields(cls)} - {"published", "source", "format"}
        settings = {k: (tuple(v) if isinstance(v, list) else v) for k, v in section.items() if k in known}
        return cls(**settings, **{k: v for k, v in given.items() if v is not None})


def given_date(value: str) -> str:
    """A publication date the caller gives (``--published``), checked: a real day, not after tomorrow."""
    found = iso_date(value)
    if found is None:
        raise InputError(f"--published {value!r} is not a date; give it as YYYY-MM-DD (e.g. 2023-05-24)")
    if found > (dt.date.today() + dt.timedelta(days=1)).isoformat():
        raise InputError(f"--published {value!r} is in the future; give the day the articles were published")
    return found


class BadEncoding(ValueError):
    pass


def expand(paths: Iterable[str | Path]) -> Iterator[str | Path]:
    """Files named, found under folders (sorted, recursive) or matched by globs; ``-`` is stdin."""
    for path, _ in named(paths):
        yield path


def named(paths: Iterable[str | Path]) -> Iterator[tuple[str | Path, str]]:
    """(path, article id) of every input of :func:`expand`: the file stem for a file named, the path inside the
    folder without its extension for a file found under one (``2024/floods-1``), ``stdin`` for ``-``."""
    for item in paths:
        text = str(item)
        if text == "-":
            yield "-", "stdin"
            continue
        path = Path(text)
        if path.is_dir():
            # A folder holds articles and other files (a README, notes, scripts):
            # only files with an article extension are read; name a file to read it anyway.
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if sniff_path(child) and not _is_sidecar(child) and not child.name.startswith("."):
                    inside = child.relative_to(path)
                    yield (
                        child,
                        readable(str(inside.parent / _stem(child.name)) if inside.parent.parts else _stem(child.name)),
                    )
        elif path.exists():
            yield path, readable(_stem(path.name))
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(
                    f"no file matches {text!r}; check the pattern or quote it so the shell does not expand it"
                )
            yield from named(matches)
        else:
            raise InputError(f"{readable(text)} does not exist; give a file, a folder, a glob or - for stdin")


def unique_ids(inputs: list[tuple[str | Path, str]]) -> list[tuple[str | Path, str]]:
    """Each file once (named twice, or found under two arguments), with an id no other file of the call has:
    files whose ids repeat (``a/article.txt`` and ``b/article.txt``) each get ``~`` and 8 hex digits of a hash
    of their absolute path."""
    files: dict[str, tuple[str | Path, str]] = {}
    for path, article_id in inputs:
        key = "-" if path == "-" else readable(os.path.abspath(path))
        files.setdefault(key, (path, article_id))
    paths = Counter(article_id for _, article_id in files.values())
    return [
        (path, f"{article_id}~{stable_id(key, length=8)}" if paths[article_id] > 1 else article_id)
        for key, (path, article_id) in files.items()
    ]


def readable(text: str) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 (``bad\\xffname``) become
    U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _is_sidecar(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    return any(path.with_suffix(ext + gz).exists() for ext in _SIDECAR_OF for gz in ("", ".gz"))


def count(paths: Iterable[str | Path]) -> int | None:
    """How many inputs ``read`` will yield (a JSONL file's non-empty lines, one per other file), or None when
    that is not known before reading (stdin, feeds, WARC)."""
    total = 0
    for path in expand(paths):
        kind = None if path == "-" else sniff_path(Path(path))
        if kind == "jsonl" and not str(path).endswith(".gz"):
            with open(path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif kind in (None, "feed", "warc", "jsonl"):
            return None
        else:
            total += 1
    return total


def read(paths: Iterable[str | Path], options: Options | None = None) -> Iterator[Article | Skip]:
    """Every article (or skip) of every input in ``paths``."""
    options = options or Options()
    for path, article_id in unique_ids(list(named(paths))):
        for item in read_one(path, options, article_id):
            yield split_long(item, options.max_paragraph_chars) if isinstance(item, Article) else item


def split_long(article: Article, limit: int) -> Article:
    """Paragraphs longer than ``limit`` characters split into parts (at the last sentence end before the limit,
    else the last space, else at the limit); each part keeps its paragraph's line and path."""
    if limit <= 0 or all(len(p.text) <= limit and len(p.raw) <= limit for p in article.paragraphs):
        return article
    paragraphs = []
    for paragraph in article.paragraphs:
        raws = _parts(paragraph.raw, limit) if paragraph.raw != paragraph.text else None
        for number, part in enumerate(_parts(paragraph.text, limit)):
            raw = part if raws is None else (raws[number] if number < len(raws) else "")
            paragraphs.append(dataclasses.replace(paragraph, index=len(paragraphs), text=part, raw=raw))
    article.paragraphs = paragraphs
    return article


_BREAKS = (re.compile(r"[.!?…][\"”’)]*\s"), re.compile(r"\s"))


def _parts(text: str, limit: int) -> list[str]:
    parts = []
    while len(text) > limit:
        cut = limit
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(text, max(0, limit - 10_000), limit)]
            if ends:
                cut = ends[-1]
                break
        parts.append(text[:cut].strip())
        text = text[cut:]
    return [p for p in (*parts, text.strip()) if p] or [""]


def read_one(path: str | Path, options: Options, article_id: str | None = None) -> Iterator[Article | Skip]:
    origin = "<stdin>" if path == "-" else readable(str(path))
    try:
        if path == "-":
            yield from read_stream(sys.stdin.buffer, origin, options, name="stdin", article_id=article_id)
            return
        path = Path(path)
        with open(path, "rb") as stream:
            yield from read_stream(
                stream,
                origin,
                options,
                name=path.name,
                kind=sniff_path(path),
                path=path,
                size=path.stat().st_size,
                article_id=article_id,
            )
    except OSError as exc:
        yield Skip(origin, "unreadable", readable(f"{type(exc).__name__}: {exc}"))


def sniff_path(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<!--")


def sniff_bytes(head: bytes) -> str | None:
    """The format of content from its first bytes: "text" when nothing more specific shows, None for binary data."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):  # judge the text, not its two-byte code units
            return sniff_bytes(head[2:].decode(encoding, errors="ignore").encode("utf-8"))
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    lower = start.lower()
    if start.startswith(b"WARC/"):
        return "warc"
    if (
        lower.startswith(b"<?xml")
        or lower.startswith(b"<rss")
        or lower.startswith(b"<feed")
        or lower.startswith(b"<rdf")
    ):
        if b"<rss" in lower or b"<feed" in lower or b"<rdf:rdf" in lower:
            return "feed"
        return "html" if b"<html" in lower else "feed"
    if lower.startswith(_HTML_STARTS) and (b"<html" in lower or b"<body" in lower or b"<head" in lower):
        return "html"
    # A JSON object opens with a key or closes at once; "{Breaking} ..." is text.
    if (start.startswith(b"{") and start[1:].lstrip().startswith((b'"', b"}"))) or (
        start.startswith(b"[") and start[1:].lstrip().startswith((b"{", b"]"))
    ):
        return "jsonl"
    if looks_binary(head):
        return None
    return "text"


def looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if b"\x00" in sample and not (sample.startswith(b"\xff\xfe") or sample.startswith(b"\xfe\xff")):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def choose_format(extension_kind: str | None, sniffed: str) -> str:
    """The content decides when it is conclusive (WARC, feed, HTML, JSON); otherwise the extension."""
    if sniffed != "text":
        return sniffed
    return extension_kind or "text"


CONTAINERS = ("jsonl", "warc")  # streamed record by record, so their size is not limited


def read_stream(
    stream: IO[bytes],
    origin: str,
    options: Options,
    *,
    name: str,
    kind: str | None = None,
    path: Path | None = None,
    size: int | None = None,
    article_id: str | None = None,
) -> Iterator[Article | Skip]:
    stem = article_id or readable(_stem(name))
    head = stream.read(2)
    gzipped = head == b"\x1f\x8b"
    source = Prepended(head, stream)
    tolerant = _Tolerant(gzip.GzipFile(fileobj=source) if gzipped else source)
    rest = io.BufferedReader(tolerant, buffer_size=65536)
    peek = rest.peek(4096)[:4096]
    if not peek:
        if tolerant.error:
            yield Skip(origin, "unreadable", f"corrupt gzip data: {tolerant.error}", id=stem)
        else:
            yield Skip(origin, "empty", "no content", id=stem)
        return
    sniffed = sniff_bytes(peek)
    if sniffed is None and not options.format:
        yield Skip(origin, "not_text", "binary content", id=stem)
        return
    kind = options.format or choose_format(kind, sniffed)
    if kind in CONTAINERS:
        if kind == "jsonl":
            from . import jsonl

            yield from jsonl.read(rest, origin, options)
        else:
            from . import warc

            yield from warc.read(rest, origin, options)
        if tolerant.error:
            yield Skip(
                origin,
                "unreadable",
                f"input ends early, records after the last complete one are lost: {tolerant.error}",
            )
        return
    if size is not None and size > options.max_bytes:  # a gzip file holds at least its own size of content
        yield Skip(origin, "too_large", f"{size} bytes > ingest.max_bytes={options.max_bytes}", id=stem)
        return
    data = rest.read(options.max_bytes + 1)
    if path is None and name == "stdin":  # texts piped one after the other are told apart by their content
        stem = f"stdin-{hashlib.sha1(data).hexdigest()[:16]}"
    if tolerant.error:
        yield Skip(origin, "unreadable", f"corrupt or truncated gzip data: {tolerant.error}", id=stem)
        return
    if len(data) > options.max_bytes:
        yield Skip(origin, "too_large", f"more than ingest.max_bytes={options.max_bytes} bytes", id=stem)
        return
    if kind == "feed":
        from . import feeds

        yield from feeds.read(data, origin, options)
    elif kind == "html":
        from . import html

        yield html.read(data, origin, options, article_id=stem)
    else:
        from . import text

        yield text.read(data, origin, options, article_id=stem, sidecar=_sidecar(path))


def _stem(name: str) -> str:
    for suffix in (".gz", ".gzip"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return Path(name).stem if "." in name else name


def _sidecar(path: Path | None) -> Path | None:
    if path is None:
        return None
    candidate = path.with_name(_stem(path.name) + ".json")
    return candidate if candidate.exists() and candidate != path else None


def decode(data: bytes, options: Options) -> str:
    """Bytes → str: BOMs, then UTF-8, then the configured fallbacks (which must decode plausibly). Bytes that
    start like a BOM but do not decode in its encoding ("юя." in cp1251 is FE FF 2E) go the other ways first;
    only when none reads them are they decoded by the BOM, bad bytes replaced."""
    marked = None
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                marked = (len(bom), encoding)
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = None
    for encoding in options.fallback_encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text)
    if best is None or best[0] < 0.5:
        if marked:
            return data[marked[0] :].decode(marked[1], errors="replace")
        raise BadEncoding("not UTF-8 and no fallback encoding gives readable text")
    return best[1]


_WORDS = re.compile(r"[^\W\d_]+")


def _plausibility(text: str) -> float:
    """The share of letters in words that look like one real script.

    A wrong single-byte decoding shows in the words: Cyrillic read as cp1252
    or latin-1 becomes words made only of accented Latin letters ("Ïðèâåò"),
    or letters glued to symbols ("À×"), and Latin text read as cp1251 mixes
    Cyrillic into ASCII words ("Grцяe"). Real accented words keep some plain
    letters ("été", "Straße").
    """
    letters = bad = 0
    for token in text.split():
        words = _WORDS.findall(token)
        size = sum(map(len, words))
        letters += size
        if size and any(c >= "\x80" and unicodedata.category(c)[0] == "S" for c in token):
            bad += size
            continue
        for word in words:
            plain = sum(1 for c in word if c < "\x80")
            cyrillic = sum(1 for c in word if "\u0400" <= c <= "\u04ff")
            accented = sum(1 for c in word if "\x80" <= c < "\u0250")
            if (plain and cyrillic) or (len(word) > 1 and accented == len(word)):
                bad += len(word)
    return 1.0 - bad / letters if letters else 1.0


class Prepended(io.RawIOBase):
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream, self.position = head, stream, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:  # fastwarc asks where the stream is; it never seeks
        return self.position

    def readinto(self, buffer) -> int:
        n = min(len(buffer), len(self.head))
        buffer[:n] = self.head[:n]
        self.head = self.head[n:]
        if n < len(buffer):  # fill the rest, so a peek sees enough bytes to sniff the format
            data = self.stream.read(len(buffer) - n)
            buffer[n : n + len(data)] = data
            n += len(data)
        self.position += n
        return n


class _Tolerant(io.RawIOBase):
    """A stream that ends where its data turns out truncated or corrupt, remembering why.

    Readers of containers (WARC, JSONL) then keep every record that was
    complete; a gzip error raised inside their read-ahead would lose them.
    """

    def __init__(self, stream: IO[bytes]):
        self.stream, self.error, self.position = stream, None, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        if self.error is not None:
            return 0
        try:
            # read1: one decompression step, so the data before a damaged spot is returned first
            data = self.stream.read1(len(buffer)) if hasattr(self.stream, "read1") else self.stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return 0
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)
