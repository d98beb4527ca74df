"""What a feed or a sitemap lists: one :class:`Entry` per article page.

Feeds are read by feedparser through :mod:`newsdesk.ingest.feeds`, so an
entry's own text (content or summary) becomes the article kept when its page
cannot be fetched. News sitemaps (``<urlset>`` with ``news:`` tags) give a
title, a date and the outlet's name; a sitemap index lists more sitemaps.
XML is parsed without entities or network access.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from ..ingest import Options
from ..ingest.feeds import from_entry
from ..ingest.meta import iso_date
from ..model import Article, stable_id
from .urls import BadURL, canonical

_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass
class Entry:
    key: str  # the page's canonical URL, or "entry:ID" for an entry without a link
    url: str | None  # the page to fetch, as listed
    article_id: str
    kind: str = "feed"  # the listing it comes from: "feed" or "sitemap"
    item: dict = field(default_factory=dict)  # what the listing says of it (JSON): see fallback()


@dataclass
class Listing:
    kind: str  # "feed", "sitemap" or "sitemapindex"
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    problem: str = ""  # why nothing could be read


def article_id(key: str) -> str:
    return stable_id("url", key)


def read(body: bytes, origin: str, max_bytes: int) -> Listing:
    """The entries of a feed or sitemap (gzipped or not). Cheap: the text of an entry is only
    extracted (by :func:`fallback`) for new entries whose page is wanted."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body, max_bytes)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            return Listing("sitemap", problem=f"corrupt gzip data: {exc}")
    head = body[:4096].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, origin)
    return _feed(body, origin)


def fallback(entry: Entry, options: Options, text: bool = True) -> Article | None:
    """The article the listing itself gives (kept when the page cannot be fetched); with ``text=False``
    only its metadata (title, date, outlet, authors), without extracting the entry's text."""
    item = entry.item
    if entry.kind == "sitemap":
        if not item.get("title"):
            return None
        article = Article(
            id=entry.article_id,
            title=item["title"],
            url=entry.url,
            source=item.get("source"),
            published=item.get("published"),
            language=item.get("language"),
        )
    else:
        fields = item if text else {k: v for k, v in item.items() if k not in ("content", "summary", "summary_detail")}
        article = from_entry(fields, item.get("feed", {}), entry.url or entry.key, options)
        if not isinstance(article, Article):
            return None
        article.id = entry.article_id
    article.origin = entry.url or entry.key
    return article


# feedparser fields that from_entry reads (JSON-able; the parsed dates are left out, their text is kept)
_FEED_FIELDS = (
    "id",
    "link",
    "title",
    "title_detail",
    "summary",
    "summary_detail",
    "content",
    "published",
    "updated",
    "language",
    "authors",
    "author",
)


def _feed(body: bytes, origin: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    listing = Listing("feed")
    if not parsed.entries:  # an empty feed is fine; something that is no feed at all is not
        if not parsed.get("version"):
            listing.problem = (
                f"not a readable RSS/Atom feed or sitemap ({parsed.get('bozo_exception') or 'no feed element'})"
            )
        return listing
    feed = {"title": parsed.feed.get("title"), "language": parsed.feed.get("language")}
    for entry in parsed.entries:
        item = {name: entry[name] for name in _FEED_FIELDS if name in entry} | {"feed": feed}
        link = entry.get("link")
        try:
            url = _absolute(link, origin) if link else None
            key = canonical(url) if url else None
        except BadURL:
            url = key = None
        if key is None:  # nothing to fetch: the entry is the article
            if not (entry.get("title") or entry.get("summary") or entry.get("content")):
                continue
            key = "entry:" + stable_id(
                "feed-entry", entry.get("id") or f"{entry.get('title', '')}\x1f{entry.get('published', '')}"
            )
        listing.entries.append(Entry(key, url, article_id(key), "feed", item))
    return listing


def _sitemap(body: bytes, origin: str) -> Listing:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        return Listing("sitemap", problem=f"not a readable sitemap: {exc}")
    if root is None:
        return Listing("sitemap", problem="not a readable sitemap")
    if etree.QName(root).localname == "sitemapindex":
        sitemaps = [_absolute(loc, origin) for loc in _texts(root, "sitemap", "loc")]
        return Listing("sitemapindex", sitemaps=sitemaps)
    listing = Listing("sitemap")
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != "url":
            continue
        loc = _child_text(node, "loc")
        try:
            url = _absolute(loc, origin) if loc else None
            key = canonical(url) if url else None
        except BadURL:
            continue
        if key is not None:
            listing.entries.append(Entry(key, url, article_id(key), "sitemap", _news(node)))
    return listing


def _news(node) -> dict:
    """What a news sitemap says of a page: title, date, outlet, language."""
    news = node.find(f"{_NEWS}news")
    if news is None:
        return {}
    publication = news.find(f"{_NEWS}publication")
    item = {
        "title": (news.findtext(f"{_NEWS}title") or "").strip(),
        "published": iso_date(news.findtext(f"{_NEWS}publication_date")),
    }
    if publication is not None:
        item["source"] = (publication.findtext(f"{_NEWS}name") or "").strip() or None
        item["language"] = (publication.findtext(f"{_NEWS}language") or "")[:2].lower() or None
    return item


def _texts(root, parent: str, child: str) -> list[str]:
    return [
        text
        for node in root
        if isinstance(node.tag, str) and etree.QName(node).localname == parent
        for text in [_child_text(node, child)]
        if text
    ]


def _child_text(node, name: str) -> str:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip()
    return ""


def _absolute(link: str, origin: str) -> str:
    return urljoin(origin, link.strip())


def _gunzip(data: bytes, limit: int) -> bytes:
    engine = zlib.decompressobj(47)
    out = engine.decompress(data, limit + 1)
    if len(out) > limit:
        raise ValueError(f"more than {limit} bytes once decompressed")
    return out
