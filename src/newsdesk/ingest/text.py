"""Plain text: title on the first non-empty line, paragraphs between blank lines.

A block whose lines are not one wrapped paragraph (a gallery title, then a
caption) becomes one paragraph per line. Each paragraph records its first raw
line (1-based). Metadata comes from an optional sidecar ``STEM.json``
(``published``, ``url``, ``source``, ``language``) and the caller's options.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Article, Paragraph, Skip
from . import BadEncoding, Options, decode
from .meta import iso_date

SIDECAR_FIELDS = ("published", "url", "source", "language", "title")


def read(data: bytes, origin: str, options: Options, *, article_id: str, sidecar: Path | None = None) -> Article | Skip:
    try:
        text = decode(data, options)
    except BadEncoding as exc:
        return Skip(origin, "bad_encoding", str(exc), id=article_id)
    meta: dict = {}
    if sidecar is not None:
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            return Skip(origin, "bad_record", f"sidecar {sidecar.name} is not a JSON object: {exc}", id=article_id)
    article = parse(text, article_id)
    if article is None:
        return Skip(origin, "empty", "no text", id=article_id)
    article.origin = origin
    for key in SIDECAR_FIELDS:
        if meta.get(key):
            setattr(article, key, str(meta[key]))
    article.metadata = {k: v for k, v in meta.items() if k not in SIDECAR_FIELDS}
    # The sidecar speaks for this one file; the options for the whole batch.
    article.published = iso_date(article.published) or iso_date(options.published)
    article.source = article.source or options.source
    return article


def parse(text: str, article_id: str, title: str | None = None) -> Article | None:
    """Title and paragraphs of a text; None when it holds no text at all.

    Without a ``title`` the first non-empty line is the title.
    """
    blocks = list(_blocks(text.splitlines()))
    if not blocks:
        return None
    if title is None:
        title = blocks[0][0][1]
        blocks[0] = blocks[0][1:]
    paragraphs: list[Paragraph] = []
    for block in blocks:
        for line_no, raw in split_block(block) if block else ():
            paragraphs.append(Paragraph(index=len(paragraphs), text=raw, raw=raw, line=line_no))
    return Article(id=article_id, title=title, paragraphs=paragraphs)


def _blocks(lines: list[str]):
    """Runs of non-blank lines as (1-based line number, stripped line) lists."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if line:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def split_block(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """One paragraph for wrapped prose, one per line for a block of distinct lines."""
    if len(block) == 1:
        return [(block[0][0], block[0][1].strip())]
    lines = [line.strip() for _, line in block]
    if _wrapped(lines):
        return [(block[0][0], " ".join(lines))]
    return [(n, line) for (n, _), line in zip(block, lines)]


def _wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose (stripped lines): every line but the last is long and runs on into the next."""
    longest = max(len(line) for line in lines)
    for line, following in zip(lines, lines[1:]):
        # Wrapped prose fills its lines (editors wrap at 60-80 columns); a short
        # line followed by another is a heading, gallery title or list item.
        if len(line) < 0.75 * longest or len(line) < 55:
            return False
        if line[-1] in '.!?”")' and following[:1].isupper():
            return False
    return True
