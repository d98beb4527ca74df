"""The outlet an article comes from, shared by story clustering and reconciliation."""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

# A web archive link names the archived page after the capture time: the outlet is that page's domain.
ARCHIVED = re.compile(r"^https?://(?:web\.)?archive\.org/web/[^/]+/(.+)$", re.I)


def web_domain(url: str | None) -> str | None:
    """The domain of a URL without "www." (the archived page's domain for a web archive link), else None."""
    if not url or not url.strip():
        return None
    url = url.strip()
    archived = ARCHIVED.match(url)
    url = archived.group(1) if archived else url
    try:
        host = urlsplit(url if "//" in url else "//" + url).netloc
    except ValueError:  # not a URL ("[" without "]")
        return None
    return host.lower().split("@")[-1].split(":")[0].removeprefix("www.") or None


@functools.lru_cache(maxsize=65536)  # reconciliation asks it for every pair of reports of a story
def outlet_name(source: str | None, url: str | None) -> str | None:
    """The outlet that published an article: its source name (lower case), else its web domain, else None."""
    if source and source.strip():
        return " ".join(source.lower().split())
    return web_domain(url)


def outlet_count(rows) -> int:
    """Distinct outlets among article rows (``id``, ``source``, ``url``, ``duplicate_of``), duplicates left out
    unless all are: an article of no known outlet counts as its own."""
    rows = list(rows)
    kept = [r for r in rows if not r["duplicate_of"]] or rows
    return len({outlet_name(r["source"], r["url"]) or "article:" + r["id"] for r in kept})
