"""A fetched page as an article, completed by what its listing said of it."""

from __future__ import annotations

from .. import ingest
from ..ingest import html, text
from ..model import Article, Skip
from . import listings
from .fetch import FetchError, Response
from .listings import Entry


def page_article(response: Response, entry: Entry, options: ingest.Options) -> Article:
    """The article of a fetched page, completed by what its listing said (title, date, outlet);
    FetchError when the page holds no article text."""
    origin, fallback = response.url, listings.fallback(entry, options, text=False)
    kind = ingest.sniff_bytes(response.body[:4096])
    if kind == "text" and response.content_type in ("text/html", "application/xhtml+xml"):
        kind = "html"  # a page without <html> or <body> at its start
    if kind == "html":
        article = html.read(
            response.body,
            origin,
            options,
            article_id=entry.article_id,
            url=response.url,
            published=fallback.published if fallback else None,
        )
    elif kind == "text":
        article = text.read(response.body, origin, options, article_id=entry.article_id)
    else:
        raise FetchError("content_type", f"{origin} is {kind or 'binary'} content, not an article page")
    if isinstance(article, Skip):
        raise FetchError("empty_page", f"{origin}: {article.detail}")
    article.url = article.url or response.url
    if fallback is None:
        return article
    article.title = article.title or fallback.title
    article.published = fallback.published or article.published  # the listing states it; the page's is a guess
    if fallback.source and (not article.source or article.source.lower() in origin.lower()):
        article.source = fallback.source  # the page named no outlet (trafilatura fell back to its host name)
    article.language = article.language or fallback.language
    article.authors = article.authors or fallback.authors
    return article
