"""WARC and WARC.gz files (fastwarc): one article per HTML response record.

The article id is the record's WARC-Record-ID (its UUID), the url its
WARC-Target-URI. The page's own date is the publication date unless it is
missing or later than the capture (WARC-Date), which is then used instead:
a page cannot be published after it was crawled. Records that are not HTTP
responses with an HTML payload (requests, metadata, images, robots.txt) are
not articles and are passed over. A record cut short (a truncated file) is
skipped as ``unreadable`` and reading goes on with the next one; a record the
crawler itself truncated (``WARC-Truncated``, CC-NEWS cuts payloads at 1 MiB)
is still read, since the article text usually comes before the cut.
"""

from __future__ import annotations

from typing import IO, Iterator

from ..model import Article, Skip, stable_id
from . import Options, html, sniff_bytes
from .meta import iso_date

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read(stream: IO[bytes], origin: str, options: Options) -> Iterator[Article | Skip]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True, auto_decode="all")
    number = 0
    try:
        for record in records:
            number += 1
            item = from_record(record, f"{origin}#record{number}", options)
            if item is not None:
                yield item
    except (OSError, ValueError) as exc:
        yield Skip(f"{origin}#record{number + 1}", "unreadable", f"WARC parsing stopped: {exc}")


def record_id(record) -> str:
    """The UUID of a WARC-Record-ID (``<urn:uuid:…>``), or the id as given; a record without one gets a hash of
    its target URI and date."""
    value = (record.record_id or "").strip("<>").removeprefix("urn:uuid:").strip()
    return value or stable_id("warc-record", record.headers.get("WARC-Target-URI"), record.headers.get("WARC-Date"))


def from_record(record, origin: str, options: Options) -> Article | Skip | None:
    """The article of one response record; None when the record is not an HTML page."""
    article_id = record_id(record)
    if record.http_headers is None or record.headers.get("Content-Length") is None:
        return Skip(origin, "unreadable", "truncated record: its headers are incomplete", id=article_id)
    content_type = (record.http_content_type or "").lower()
    data = record.reader.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        return Skip(origin, "too_large", f"payload larger than ingest.max_bytes={options.max_bytes}", id=article_id)
    if len(data) < record.content_length:
        return Skip(
            origin,
            "unreadable",
            f"truncated record: {len(data)} of {record.content_length} payload bytes",
            id=article_id,
        )
    if content_type not in _HTML_TYPES and not (not content_type and sniff_bytes(data[:4096]) == "html"):
        return None
    target = record.headers.get("WARC-Target-URI")
    captured = iso_date(record.record_date)
    page = _decoded(data, record.http_charset)
    article = html.read(page, origin, options, article_id=article_id, url=target, published=captured)
    if isinstance(article, Skip):
        return article
    if article.url and article.url != target:
        article.metadata["canonical_url"] = article.url
    article.url = target or article.url
    if captured and article.published and article.published > captured:
        article.published = captured
    article.metadata["warc_date"] = captured
    if record.headers.get("WARC-Truncated"):
        article.metadata["warc_truncated"] = record.headers.get("WARC-Truncated")
    return article


def _decoded(data: bytes, charset: str | None) -> bytes | str:
    """The payload as text when the server named a charset that fits; else bytes for trafilatura to decode."""
    if charset:
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            pass
    return data
