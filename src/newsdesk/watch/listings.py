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
    fallback: Article | None = None  # from the listing's own text


@dataclass
class Listing:
    kind: str  # "feed", "sitemap" or "sitemapindex"
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    problem: str = ""  # why nothing could be read


def article_id(key: str) -> str:
    return stable_id("url", key)


def read(body: bytes, origin: str, options: Options, max_bytes: int) -> Listing:
    """The entries of a feed or sitemap (gzipped or not)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body, max_bytes)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            return Listing("sitemap", problem=f"corrupt gzip data: {exc}")
    head = body[:4096].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, origin)
    return _feed(body, origin, options)


def _feed(body: bytes, origin: str, options: Options) -> Listing:
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    listing = Listing("feed")
    if not parsed.entries:
        listing.problem = (f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}" if parsed.bozo
                           else "the feed has no entries")
        return listing
    for number, item in enumerate(parsed.entries, start=1):
        fallback = from_entry(item, parsed.feed, f"{origin}#entry{number}", options)
        fallback = fallback if isinstance(fallback, Article) else None
        link = item.get("link")
        try:
            key = canonical(_absolute(link, origin)) if link else None
        except BadURL:
            key = None
        if key is None:  # nothing to fetch: the entry is the article
            if fallback is None:
                continue
            key = f"entry:{fallback.id}"
            link = None
        listing.entries.append(Entry(key, link and _absolute(link, origin), article_id(key), fallback))
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
        return Listing("sitemapindex", sitemaps=[_absolute(loc, origin) for loc in _texts(root, "sitemap", "loc")])
    listing = Listing("sitemap")
    for url in root:
        if not isinstance(url.tag, str) or etree.QName(url).localname != "url":
            continue
        loc = _child_text(url, "loc")
        try:
            key = canonical(_absolute(loc, origin)) if loc else None
        except BadURL:
            continue
        if key is None:
            continue
        listing.entries.append(Entry(key, _absolute(loc, origin), article_id(key), _news_article(url, key)))
    return listing


def _news_article(url, key: str) -> Article | None:
    """The title-only article a news sitemap describes (kept when the page cannot be fetched)."""
    news = url.find(f"{_NEWS}news")
    title = (news.findtext(f"{_NEWS}title") or "").strip() if news is not None else ""
    if not title:
        return None
    article = Article(id=article_id(key), title=title, url=_child_text(url, "loc"), origin=key)
    article.published = iso_date(news.findtext(f"{_NEWS}publication_date"))
    publication = news.find(f"{_NEWS}publication")
    if publication is not None:
        article.source = (publication.findtext(f"{_NEWS}name") or "").strip() or None
        article.language = (publication.findtext(f"{_NEWS}language") or "")[:2].lower() or None
    return article


def _texts(root, parent: str, child: str) -> list[str]:
    return [text for node in root if isinstance(node.tag, str) and etree.QName(node).localname == parent
            for text in [_child_text(node, child)] if text]


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

