"""RSS and Atom feeds (feedparser): one article per entry.

The entry's full content is preferred to its summary; HTML content goes
through the same text extraction as pages (:func:`newsdesk.ingest.html.paragraphs`).
The article id is a stable hash of the entry id (or link, or title and date),
so re-reading a feed updates its articles instead of adding new ones. The
feed's title is the source when the caller gave none.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..model import Article, Paragraph, Skip, stable_id
from . import Options, html
from .meta import iso_date
from .text import parse

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def read(data: bytes, origin: str, options: Options) -> Iterator[Article | Skip]:
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.bozo:
            problem = parsed.get("bozo_exception")
            yield Skip(origin, "unreadable", f"not a readable RSS/Atom feed: {type(problem).__name__}: {problem}")
        else:
            yield Skip(origin, "empty", "the feed has no entries")
        return
    feed = parsed.feed
    problem = f" (the feed is malformed: {parsed.get('bozo_exception')})" if parsed.bozo else ""
    for number, entry in enumerate(parsed.entries, start=1):
        item = from_entry(entry, feed, f"{origin}#entry{number}", options)
        if isinstance(item, Skip):
            item.detail += problem
        yield item


def from_entry(entry, feed, origin: str, options: Options) -> Article | Skip:
    key = entry.get("id") or entry.get("link") or f"{entry.get('title', '')}\x1f{entry.get('published', '')}"
    article_id = stable_id("feed-entry", key)
    title = _plain(entry.get("title_detail")) or (entry.get("title") or "").strip()
    paragraphs = _paragraphs(entry, options)
    if not paragraphs and not title:
        return Skip(origin, "empty", "entry has neither title nor text", id=article_id)
    article = Article(id=article_id, title=title, paragraphs=paragraphs, origin=origin)
    article.url = entry.get("link") or None
    article.published = (
        _date(entry.get("published_parsed") or entry.get("updated_parsed"))
        or iso_date(entry.get("published") or entry.get("updated"))
        or iso_date(options.published)
    )
    article.source = options.source or (feed.get("title") or "").strip() or None
    article.language = (entry.get("language") or feed.get("language") or "")[:2].lower() or None
    article.authors = [a["name"] for a in entry.get("authors", []) if a.get("name")] or (
        [entry["author"]] if entry.get("author") else []
    )
    article.metadata = {"feed_entry_id": entry.get("id")} if entry.get("id") else {}
    return article


def _paragraphs(entry, options: Options) -> list[Paragraph]:
    """Paragraphs of the longest of the entry's content and summary."""
    candidates = [c for c in entry.get("content", []) if c.get("value")]
    if entry.get("summary"):
        candidates.append(entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"})
    if not candidates:
        return []
    best = max(candidates, key=lambda c: len(c.get("value", "")))
    value = best.get("value", "")
    if best.get("type", "text/html") in _HTML_TYPES or "<" in value:
        found = html.paragraphs(value, options)
        if found:
            return found
        value = _text_of_fragment(value)
    body = parse(value, "", title="")
    if body is None:
        return []
    for paragraph in body.paragraphs:
        paragraph.line = None  # lines of a feed field say nothing about the file
    return body.paragraphs


def _plain(detail) -> str:
    """A title given as HTML (Atom type="html") as plain text."""
    if not detail or detail.get("type") not in _HTML_TYPES:
        return ""
    return _text_of_fragment(detail.get("value", ""))


def _text_of_fragment(fragment: str) -> str:
    """Visible text of a small HTML fragment, paragraphs separated by blank lines."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, TypeError):
        return fragment
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br"):
        block.tail = "\n\n" + (block.tail or "")
    return root.text_content().strip()


def _date(parsed) -> str | None:
    if not parsed:
        return None
    try:
        return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
    except (ValueError, AttributeError):
        return None
