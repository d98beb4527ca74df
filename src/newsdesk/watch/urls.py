"""Canonical URLs: one article reached by two links is fetched once.

Two links name the same page when they differ only in what a server never
sees or ignores for content: case of scheme and host, a default port, a
fragment, ``..`` segments, percent-escapes of unreserved characters, the
order of query parameters and tracking parameters (``utm_*``, ``fbclid``...).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters added by newsletters, social sites and ad networks; they never change the article.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|yclid|ocid|cmpid|"
    r"at_medium|at_campaign|at_custom\d*|xtor|ns_mchannel|ns_source|ns_campaign|ns_linkname|"
    r"ns_fee|smid|smtyp|guccounter|guce_referrer\w*)$",
    re.IGNORECASE,
)
_SAFE_PATH = "/:@!$&'()*+,;=~-._"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class BadURL(ValueError):
    pass


def canonical(url: str) -> str:
    """The canonical form of an http(s) URL (idempotent); BadURL for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"not a valid URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BadURL(f"only http and https URLs are fetched, not {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadURL(f"URL without a host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        raise BadURL(f"host of {url!r} is not a valid domain name") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(_ESCAPE.sub(_unescape, _resolve_dots(parts.path or "/")), safe=_SAFE_PATH + "%")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query), quote_via=quote, safe="/:@!$'()*,;~"), ""))


def host_of(url: str) -> str:
    """``host:port`` of a URL: the unit of politeness."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)}"


def _unescape(match: re.Match) -> str:
    """%7E → ~ (an unreserved character needs no escape); other escapes kept, in upper case (%2f → %2F)."""
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _resolve_dots(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for segment in segments[1:] if path.startswith("/") else segments:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)
