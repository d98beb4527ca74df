"""HTML pages: the main text with trafilatura, one paragraph per block it keeps.

trafilatura's body holds ``p``, ``head``, ``list/item``, ``quote`` and
``table/row`` elements; each becomes one :class:`~newsdesk.model.Paragraph`
whose ``path`` is the element path in that body ("body/p[3]",
"body/list[1]/item[2]"). A block broken by line breaks into distinct lines (a
gallery title, then a caption) becomes one paragraph per line, the path
naming the break it follows ("body/p[3]/lb[1]"). Headings get the role
"heading". Title, date (htmldate), authors, site name and canonical URL come
with it; the page's declared language is kept as ``metadata["declared_language"]``
(pages often declare a template's language: the ``language`` step detects it).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Article, Paragraph, Skip
from . import Options
from .meta import iso_date
from .text import split_block

_BLOCKS = ("p", "head", "quote", "code", "item", "row")
_CONTAINERS = ("list", "table")
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)


def read(
    data: bytes | str,
    origin: str,
    options: Options,
    *,
    article_id: str,
    url: str | None = None,
    published: str | None = None,
) -> Article | Skip:
    """The article of one page, or a Skip when the page holds no main text.

    ``url`` and ``published`` are what the container knows (a WARC record):
    used when the page itself does not say.
    """
    try:
        document = extract(data, options, url=url)
        paragraphs = list(paragraphs_of(document.body)) if document is not None and document.body is not None else []
        tree = _deep_tree(data) if not paragraphs else None
        if tree is not None:  # libxml2 stops at 256 nested elements: a page nested deeper is read without limit
            document = extract(tree, options, url=url)
            paragraphs = (
                list(paragraphs_of(document.body)) if document is not None and document.body is not None else []
            )
    except (ValueError, TypeError, AssertionError, RecursionError) as exc:  # lxml and trafilatura on broken markup
        return Skip(origin, "unreadable", f"HTML could not be parsed: {type(exc).__name__}: {exc}", id=article_id)
    if not paragraphs:
        return Skip(origin, "empty", "no main text found in the page", id=article_id)
    article = Article(id=article_id, title=(document.title or "").strip(), paragraphs=paragraphs, origin=origin)
    article.url = document.url or url
    article.source = options.source or document.sitename or None
    article.published = iso_date(document.date) or published or iso_date(options.published)
    article.authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    article.metadata = {
        key: value
        for key, value in (
            ("declared_language", language(data) or document.language),
            ("description", document.description),
            ("categories", document.categories),
            ("tags", document.tags),
        )
        if value
    }
    return article


def extract(data: bytes | str, options: Options, *, url: str | None = None):
    """trafilatura's Document of the page (body and metadata), or None.

    Reader comments are not the article; leaving them out also scored higher
    on trafilatura's evaluation set (docs/ingest.md).
    """
    import trafilatura

    return trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        no_fallback=not options.html_fallback,
        favor_precision=options.html_favor == "precision",
        favor_recall=options.html_favor == "recall",
        include_tables=options.html_tables,
        include_comments=False,
        include_formatting=False,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )


def _deep_tree(data: bytes | str):
    """The page parsed without libxml2's depth limit (``huge_tree``), when it nests that deep; else None."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(data, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.LxmlError, ValueError):
        return None
    deepest = max((sum(1 for _ in element.iterancestors()) for element in tree.iter()), default=0)
    return tree if deepest >= 250 else None


def paragraphs(fragment: str, options: Options) -> list[Paragraph]:
    """Paragraphs of an HTML fragment (a feed entry's content), through the same extraction."""
    document = extract(f"<html><body><article>{fragment}</article></body></html>", options)
    return list(paragraphs_of(document.body)) if document is not None and document.body is not None else []


def paragraphs_of(body) -> Iterator[Paragraph]:
    """One paragraph per block of a trafilatura body, in order, numbered from 0."""
    index = 0
    for path, role, lines in _container(body, "body"):
        for number, raw in split_block(lines):
            yield Paragraph(
                index=index, text=raw, raw=raw, role=role, path=path if number == 0 else f"{path}/lb[{number}]"
            )
            index += 1


def _container(element, path: str) -> list[tuple[str, str, list]]:
    """(path, role, numbered lines) of the blocks in a container (body, list, table, quote), in order."""
    runs: list[tuple[str, str, list]] = []
    seen: dict[str, int] = {}

    def loose(text: str | None) -> None:
        """Text directly in the container, between its blocks (trafilatura keeps some)."""
        text = " ".join((text or "").split())
        if text:
            seen["text()"] = seen.get("text()", 0) + 1
            runs.append((f"{path}/text()[{seen['text()']}]", "body", [(0, text)]))

    loose(element.text)
    for child in element:
        if isinstance(child.tag, str):  # not a comment or processing instruction
            seen[child.tag] = seen.get(child.tag, 0) + 1
            child_path = f"{path}/{child.tag}[{seen[child.tag]}]"
            if child.tag in _CONTAINERS or (child.tag == "quote" and any(c.tag in _BLOCKS for c in child)):
                runs.extend(_container(child, child_path))
            else:
                runs.extend(_block(child, child_path))
        loose(child.tail)
    return runs


def _block(element, path: str) -> list[tuple[str, str, list]]:
    """The runs of one block: its lines (split at line breaks), and any block nested in it, in order."""
    role = "heading" if element.tag == "head" else "body"
    runs: list[tuple[str, str, list]] = []
    lines: list[tuple[int, str]] = []
    pieces: list[str] = []
    breaks = 0
    seen: dict[str, int] = {}

    def end_line():
        text = " ".join("".join(pieces).split())
        if text:
            lines.append((breaks, text))
        pieces.clear()

    def end_run():
        end_line()
        if lines:
            runs.append((path, role, list(lines)))
            lines.clear()

    def walk(node):
        nonlocal breaks
        if node.text:
            pieces.append(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == "lb":
                end_line()
                breaks += 1
            elif child.tag in _CONTAINERS or child.tag in _BLOCKS:  # a list or paragraph inside a paragraph
                end_run()
                seen[child.tag] = seen.get(child.tag, 0) + 1
                child_path = f"{path}/{child.tag}[{seen[child.tag]}]"
                runs.extend(_container(child, child_path) if child.tag in _CONTAINERS else _block(child, child_path))
            else:
                if child.tag == "cell":
                    pieces.append(" ")  # the cells of a row read as one line
                walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(element)
    end_run()
    return runs


def language(data: bytes | str) -> str | None:
    """The language the page declares on its <html> element (ISO 639 code), if any."""
    head = data[:65536] if isinstance(data, bytes) else data[:65536].encode("utf-8", "replace")
    match = _LANG.search(head)
    return match.group(1).decode("ascii").lower() if match else None
