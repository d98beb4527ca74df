"""HTML pages: the main text with trafilatura, one paragraph per block it keeps.

trafilatura's body holds ``p``, ``head``, ``list/item``, ``quote`` and
``table/row`` elements; each becomes one :class:`~newsdesk.model.Paragraph`
whose ``path`` is the element path in that body ("body/p[3]",
"body/list[1]/item[2]"). A block broken by line breaks into distinct lines (a
gallery title, then a caption) becomes one paragraph per line, the path
naming the break it follows ("body/p[3]/lb[1]"). Headings get the role
"heading". Title, date (htmldate), authors, site name, canonical URL and the
page's declared language come with it.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Article, Paragraph, Skip
from . import Options
from .meta import iso_date
from .text import split_block

_LINE_BREAK = object()
_BLOCKS = ("p", "head", "quote", "code", "item", "row")
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)


def read(data: bytes | str, origin: str, options: Options, *, article_id: str, url: str | None = None,
         published: str | None = None) -> Article | Skip:
    """The article of one page, or a Skip when the page holds no main text.

    ``url`` and ``published`` are what the container knows (a WARC record):
    used when the page itself does not say.
    """
    try:
        document = extract(data, options, url=url)
    except (ValueError, TypeError, AssertionError, RecursionError) as exc:  # lxml and trafilatura on broken markup
        return Skip(origin, "unreadable", f"HTML could not be parsed: {type(exc).__name__}: {exc}", id=article_id)
    paragraphs = list(paragraphs_of(document.body)) if document is not None and document.body is not None else []
    if not paragraphs:
        return Skip(origin, "empty", "no main text found in the page", id=article_id)
    article = Article(id=article_id, title=(document.title or "").strip(), paragraphs=paragraphs, origin=origin)
    article.url = document.url or url
    article.source = options.source or document.sitename or None
    article.published = iso_date(document.date) or published or iso_date(options.published)
    article.authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    article.language = language(data) or document.language
    article.metadata = {key: value for key, value in (("description", document.description),
                                                      ("categories", document.categories),
                                                      ("tags", document.tags)) if value}
    return article


def extract(data: bytes | str, options: Options, *, url: str | None = None):
    """trafilatura's Document of the page (body and metadata), or None."""
    import trafilatura

    return trafilatura.bare_extraction(
        data, url=url, with_metadata=True, no_fallback=not options.html_fallback,
        favor_precision=options.html_favor == "precision", favor_recall=options.html_favor == "recall",
        include_tables=options.html_tables, include_comments=options.html_comments,
        include_formatting=False, include_links=False, include_images=False, deduplicate=False)


def paragraphs(fragment: str, options: Options) -> list[Paragraph]:
    """Paragraphs of an HTML fragment (a feed entry's content), through the same extraction."""
    document = extract(f"<html><body><article>{fragment}</article></body></html>", options)
    return list(paragraphs_of(document.body)) if document is not None and document.body is not None else []


def paragraphs_of(body) -> Iterator[Paragraph]:
    """One paragraph per block of a trafilatura body, in order, numbered from 0."""
    index = 0
    for element, path in _blocks(body, "body"):
        pieces = _lines(element)
        role = "heading" if element.tag == "head" else "body"
        for number, raw in split_block(pieces) if pieces else ():
            yield Paragraph(index=index, text=raw, raw=raw, role=role,
                            path=path if number == 0 else f"{path}/lb[{number}]")
            index += 1


def _blocks(element, path: str):
    """(block element, its path) in document order; lists, quotes and tables are entered."""
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        seen[child.tag] = seen.get(child.tag, 0) + 1
        child_path = f"{path}/{child.tag}[{seen[child.tag]}]"
        nested = [c for c in child if isinstance(c.tag, str) and c.tag in (*_BLOCKS, "list", "table")]
        if child.tag in ("list", "table") or (child.tag == "quote" and nested):
            yield from _blocks(child, child_path)
        elif child.tag in _BLOCKS or (child.text or "").strip() or len(child):
            yield child, child_path
            if child.tag == "item":
                for sub in (c for c in child if c.tag == "list"):
                    yield from _blocks(sub, f"{child_path}/list[1]")


def _lines(element) -> list[tuple[int, str]]:
    """(line-break number, line) of an element's text, without nested lists; blank lines dropped."""
    lines: list[tuple[int, str]] = []
    current: list[str] = []
    breaks = 0
    for piece in _pieces(element):
        if piece is _LINE_BREAK:
            _close(lines, breaks, current)
            breaks += 1
            current = []
        else:
            current.append(piece)
    _close(lines, breaks, current)
    return lines


def _close(lines: list, number: int, current: list[str]) -> None:
    text = " ".join("".join(current).split())
    if text:
        lines.append((number, text))


def _pieces(element):
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "lb":
            yield _LINE_BREAK
        elif child.tag == "cell":
            yield " "  # cells of a row read as one line
            yield from _pieces(child)
        elif child.tag != "list":
            yield from _pieces(child)
        if child.tail:
            yield child.tail


def language(data: bytes | str) -> str | None:
    """The language the page declares on its <html> element (ISO 639 code), if any."""
    head = data[:65536] if isinstance(data, bytes) else data[:65536].encode("utf-8", "replace")
    match = _LANG.search(head)
    return match.group(1).decode("ascii").lower() if match else None
