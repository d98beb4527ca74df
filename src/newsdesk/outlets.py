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


UNKNOWN = "unknown"  # the outlet of every article whose metadata, address and text name none: one outlet


def outlet_label(source: str | None, url: str | None) -> str:
    """The outlet's name, else :data:`UNKNOWN` (never an article id)."""
    return outlet_name(source, url) or UNKNOWN


def outlet_count(rows) -> int:
    """Distinct outlets among article rows (``id``, ``source``, ``url``, ``duplicate_of``), duplicates left out
    unless all are; articles of no known outlet count as one, :data:`UNKNOWN`."""
    rows = list(rows)
    kept = [r for r in rows if not r["duplicate_of"]] or rows
    return len({outlet_label(r["source"], r["url"]) for r in kept})


# The words of a newspaper's name, after a town ("Augusta Chronicle"); the US local-news profile reads outlets
# named after their town (profiles/us_local.py).
NEWSPAPER_WORDS = frozenset(
    "times chronicle herald sentinel tribune journal gazette post news daily press examiner register observer "
    "courier dispatch inquirer bee".split()
)
