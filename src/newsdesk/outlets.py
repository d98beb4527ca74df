"""The outlet an article comes from, shared by story clustering and reconciliation, and the town it is named
after."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .extract.gazetteer import Candidate

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


# Local outlets carry the town they cover in their name ("tuscaloosanews.com"), and their reports often name only a
# street or a neighbourhood. A label of the domain names a town when it is a settlement's name with nothing but
# newspaper, site or network words around it ("theoaklandpress", "chicago.suntimes", "fox13memphis"); not a name
# that is itself one of those words ("Star", "Post", "Police") or an area's ("delawareonline"), nor a broadcaster's
# call sign.
NEWSPAPER_WORDS = frozenset(  # also the words after a town in a local newspaper's name ("Augusta Chronicle")
    "times chronicle herald sentinel tribune journal gazette post news daily press examiner register observer "
    "courier dispatch inquirer bee".split()
)
MASTHEAD = NEWSPAPER_WORDS | frozenset(
    "trib star record sun democrat republican eagle independent leader reporter review enquirer telegram "
    "telegraph mercury standard argus citizen online today now free local live patch weekly tv radio police "
    "legacy the my in of city county area metro web media fox nbc abc cbs click go".split()
)
# US broadcasters' call signs: four letters from K or W, then a channel number or a masthead word ("king5",
# "winknews", "kake").
CALL_SIGN = re.compile(r"^[kw][a-z]{3}(?:\d|tv|news|$)")
SHORTEST = 4  # letters of a town's name inside a label


@functools.lru_cache(maxsize=4096)
def outlet_town(url: str | None) -> Candidate | None:
    """The settlement (a gazetteer candidate, the most populous of its name) an outlet's domain is named after,
    else None."""
    domain = web_domain(url)
    labels = [re.sub(r"[^a-z]", "", label) for label in (domain or "").split(".")[:-1] if not CALL_SIGN.match(label)]
    found = [town for label in labels if (town := _label_town(label))]
    return max(found, key=lambda town: len(town.name)) if found else None


def _label_town(label: str) -> Candidate | None:
    for start in range(len(label) - SHORTEST + 1):
        if _masthead(label[:start]):
            for end in range(len(label), start + SHORTEST - 1, -1):
                town = _town(label[start:end])
                if town is not None and _masthead(label[end:]):
                    return town
    return None


@functools.lru_cache(maxsize=4096)
def _masthead(letters: str) -> bool:
    """Whether ``letters`` are masthead words written together, or none."""
    return not letters or any(letters.startswith(w) and _masthead(letters[len(w) :]) for w in MASTHEAD)


@functools.lru_cache(maxsize=65536)
def _town(letters: str) -> Candidate | None:
    """The most populous settlement whose main name is ``letters`` without its spaces, leaving out names that are
    masthead words or also name a country or region."""
    from .extract import gazetteer

    if len(letters) < SHORTEST or letters in MASTHEAD:
        return None
    gaz = gazetteer.load()
    best = None
    for name in gaz.index.spelled(letters):
        places = [gaz.places[i] for i in gaz.index[name] if i >= 0]
        if any(p.is_area for p in places):
            continue
        for place in places:
            if (
                place.feature in gazetteer.SETTLEMENTS
                and place.population
                and (best is None or place.population > best.population)
            ):
                best = place
    return best
