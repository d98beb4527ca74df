"""Read articles from files, folders, globs and streams; the format is sniffed.

:func:`read` yields :class:`~newsdesk.model.Article` objects and
:class:`~newsdesk.model.Skip` records: an input that cannot be read never
stops the batch, it is reported with a reason.
"""
from __future__ import annotations

import glob
import gzip
import io
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import InputError
from ..model import Article, Skip

FORMATS = ("text", "jsonl", "html", "feed", "warc")
_EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".warc": "warc", ".arc": "warc",
}
# Sidecar metadata of a text file (STEM.json) is read with its text, not as input.
_SIDECAR_OF = (".txt", ".text", ".md")


@dataclass
class Options:
    """What the caller knows about the input beyond its content."""

    published: str | None = None
    source: str | None = None
    max_bytes: int = 20_000_000
    fallback_encodings: tuple[str, ...] = ("cp1252", "cp1251", "latin-1")
    format: str | None = None  # force a format instead of sniffing

    @classmethod
    def from_config(cls, section: dict, **given) -> "Options":
        return cls(max_bytes=section.get("max_bytes", cls.max_bytes),
                   fallback_encodings=tuple(section.get("fallback_encodings", cls.fallback_encodings)),
                   **{k: v for k, v in given.items() if v is not None})


class BadEncoding(ValueError):
    pass


def expand(paths: Iterable[str | Path]) -> Iterator[str | Path]:
    """Files named, found under folders (sorted, recursive) or matched by globs; ``-`` is stdin."""
    for item in paths:
        text = str(item)
        if text == "-":
            yield "-"
            continue
        path = Path(text)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not _is_sidecar(child) and not child.name.startswith("."):
                    yield child
        elif path.exists():
            yield path
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"no file matches {text!r}; check the pattern or quote it so the shell does not expand it")
            yield from expand(matches)
        else:
            raise InputError(f"{text} does not exist; give a file, a folder, a glob or - for stdin")


def _is_sidecar(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    return any(path.with_suffix(ext).exists() for ext in _SIDECAR_OF)


def read(paths: Iterable[str | Path], options: Options | None = None) -> Iterator[Article | Skip]:
    """Every article (or skip) of every input in ``paths``."""
    options = options or Options()
    for path in expand(paths):
        yield from read_one(path, options)


def read_one(path: str | Path, options: Options) -> Iterator[Article | Skip]:
    origin = "<stdin>" if path == "-" else str(path)
    try:
        if path == "-":
            stream: IO[bytes] = sys.stdin.buffer
            yield from read_stream(stream, origin, options, name="stdin")
            return
        path = Path(path)
        size = path.stat().st_size
        kind = options.format or sniff_path(path)
        if kind in ("jsonl", "warc", "feed") or size <= options.max_bytes:
            with open(path, "rb") as stream:
                yield from read_stream(stream, origin, options, name=path.name, kind=kind, path=path)
        else:
            yield Skip(origin, "too_large", f"{size} bytes > ingest.max_bytes={options.max_bytes}")
    except OSError as exc:
        yield Skip(origin, "unreadable", f"{type(exc).__name__}: {exc}")


def sniff_path(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def sniff_bytes(head: bytes) -> str | None:
    """The format of content from its first bytes, or None for binary data."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    lower = start.lower()
    if start.startswith(b"WARC/"):
        return "warc"
    if lower.startswith(b"<?xml") or lower.startswith(b"<rss") or lower.startswith(b"<feed"):
        if b"<rss" in lower or b"<feed" in lower or b"<rdf:rdf" in lower:
            return "feed"
        return "html" if b"<html" in lower else "feed"
    if lower.startswith(b"<!doctype html") or lower.startswith(b"<html") or (lower.startswith(b"<") and b"<body" in lower):
        return "html"
    if start.startswith(b"{"):
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


def read_stream(stream: IO[bytes], origin: str, options: Options, *, name: str,
                kind: str | None = None, path: Path | None = None) -> Iterator[Article | Skip]:
    head = stream.read(2)
    gzipped = head == b"\x1f\x8b"
    rest = io.BufferedReader(_Prepend(head, stream)) if not gzipped else gzip.GzipFile(fileobj=_Prepend(head, stream))
    try:
        peek = rest.peek(4096)[:4096] if hasattr(rest, "peek") else b""
    except (OSError, EOFError, zlib.error) as exc:
        yield Skip(origin, "unreadable", f"corrupt gzip data: {exc}")
        return
    sniffed = sniff_bytes(peek)
    if not peek:
        yield Skip(origin, "empty", "no content")
        return
    if sniffed is None:
        yield Skip(origin, "not_text", "binary content")
        return
    kind = options.format or (kind if kind and not (kind == "text" and sniffed != "text") else sniffed)
    stem = _stem(name)
    if kind == "jsonl":
        from . import jsonl
        yield from jsonl.read(rest, origin, options)
    elif kind == "warc":
        from . import warc
        yield from warc.read(rest, origin, options)
    else:
        try:
            data = rest.read(options.max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            yield Skip(origin, "unreadable", f"corrupt gzip data: {exc}")
            return
        if len(data) > options.max_bytes:
            yield Skip(origin, "too_large", f"more than ingest.max_bytes={options.max_bytes} bytes")
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
    """Bytes → str: BOMs, then UTF-8, then the configured fallbacks (which must decode plausibly)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
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
        raise BadEncoding("not UTF-8 and no fallback encoding gives readable text")
    return best[1]


def _plausibility(text: str) -> float:
    """How much the letters look like one real script.

    Cyrillic read as cp1252 comes out as accented Latin letters only, so
    accented letters count half in a Latin reading, and ASCII letters count
    half in a Cyrillic one: the decoding that yields mostly plain ASCII or
    mostly Cyrillic wins.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    ascii_letters = sum(1 for c in letters if c < "\x80")
    accented = sum(1 for c in letters if "\x80" <= c < "\u0250")
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    return max(ascii_letters + accented / 2, cyrillic + ascii_letters / 2) / len(letters)


class _Prepend(io.RawIOBase):
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
