"""The dateline of a report: where, when and by whom it was filed.

Wire and newspaper reports open with one: "KYIV, June 3 (Reuters) -",
"Moscow, 23 May (EFE).-", "BEIRUT (AP) —", "PARIS, 3 juin (AFP) -",
"BEIJING, June 3 (Xinhua) --", "MOSCOW, May 23. /TASS/.", "(ANSA) - ROME, June
3 -", "RENO, Nev. —". Its parts are a place (with an optional region), an
optional day in any language of ``vocabulary.toml [months]``, an optional
credit in parentheses or slashes, then a dash, ".-" or a colon. The dateline
is read from the opening content paragraphs whatever the article's language:
it is a format, not prose. Its place is handed to the place logic as a
mention (``extract/entities.py``), its day resolves against publication, its
credit names the agency.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from .. import vocabulary
from ..model import Article, Dateline, Span
from ..outlets import outlet_name
from ..pipeline import step
from . import dates

# Content paragraphs searched: pages open with a byline or a caption before the dateline more often than not.
PARAGRAPHS = 3
# Place words are capitalised; these small words may join them ("Rio de Janeiro", "Stratford-upon-Avon").
CONNECTORS = {
    "de",
    "del",
    "da",
    "do",
    "dos",
    "das",
    "du",
    "des",
    "la",
    "le",
    "les",
    "el",
    "al",
    "al-",
    "an",
    "on",
    "upon",
    "sur",
    "am",
    "im",
    "an-",
    "y",
    "i",
    "e",
}
_WORD = r"[^\W\d_][\w'’.-]*"


@functools.lru_cache(maxsize=1)
def pattern() -> re.Pattern:
    months = "|".join(sorted((re.escape(m) for m in vocabulary.month_numbers()), key=len, reverse=True))
    day = r"[0-3]?\d(?:st|nd|rd|th|er)?"

    def date(p: str) -> str:  # "23 May", "3 juin", "June 3", "23 de mayo de 2023"; group names prefixed by p
        return (
            rf"(?:(?P<{p}d1>{day})\.?\s+(?:de\s+)?(?P<{p}m1>{months})\.?|(?P<{p}m2>{months})\.?\s+(?P<{p}d2>{day}))"
            rf"(?:,?\s+(?:de\s+)?(?P<{p}year>(?:19|20)?\d\d))?"
        )

    region = r"[A-Z][\w.]*(?:\s[A-Z][\w.]*)?"
    return re.compile(
        rf"^[\W_]{{0,3}}?(?:\((?P<pre>[^()\d]{{2,25}})\)\s*[-–—]+\s*)?"
        rf"(?P<place>{_WORD}(?:\s+{_WORD}){{0,3}}?)"
        rf"(?:[,.]\s*(?P<date>{date('a')})|,\s*(?P<region>{region})(?:[,.]?\s*(?P<rdate>{date('b')}))?)?"
        rf"\.?\s*(?:\((?P<credit>[^()]{{2,30}})\)|/(?P<slash>[^/\s][^/]{{0,20}})/)?"
        rf"\s*(?P<sep>\.?\s*(?:—|–|-{{1,2}})|\.-|\.|:)\s+(?=\S)",
        re.IGNORECASE,
    )


def _place_ok(place: str) -> bool:
    """Capitalised words (small connectors aside), not a month's name, not a byline ("By Jane Doe")."""
    words = place.split()
    if (
        words[0].lower() in ("by", "from")
        or words[-1].lower() in CONNECTORS
        or place.lower() in vocabulary.month_numbers()
    ):
        return False
    return all(word[0].isupper() or word.lower() in CONNECTORS for word in words)


def read(
    text: str, published: dt.date | None = None, paragraph: int = 0, future_days: int = dates.FUTURE_DAYS
) -> Dateline | None:
    """The dateline opening ``text``, or None. A day without a year takes the publication's year (the year
    before when that puts it more than ``future_days`` ahead); without publication it stays unresolved."""
    match = pattern().match(text)
    if match is None:
        return None
    place = match.group("place").rstrip(".")
    credit = (match.group("credit") or match.group("slash") or match.group("pre") or "").strip() or None
    day_text = match.group("date") or match.group("rdate")
    # A name before a dash is a dateline only with a credit, a day or a region ("Reno, Nev. —"): a word in
    # capitals alone may be a label ("UPDATE —", "WATCH —").
    if not _place_ok(place) or not (credit or day_text or match.group("region")):
        return None
    if match.group("sep").strip() in (".", ":") and not (credit or day_text):
        return None  # "UPDATE:", "Kharkiv. Russian troops": a colon or a full stop ends a dateline after a credit
    if credit and not re.search(r"[A-Za-z]", credit):
        return None
    start = match.start("place")
    value = _day(match, published, future_days) if day_text else None
    return Dateline(
        span=Span(paragraph, match.start(), match.end("sep")),
        place=place,
        place_span=Span(paragraph, start, start + len(place)),
        date=value,
        date_text=day_text,
        credit=credit,
    )


def _day(match: re.Match, published: dt.date | None, future_days: int) -> str | None:
    p = "a" if match.group("date") else "b"
    month = vocabulary.month_numbers()[(match.group(p + "m1") or match.group(p + "m2")).lower().rstrip(".")]
    day = int(re.match(r"\d+", match.group(p + "d1") or match.group(p + "d2")).group())
    if match.group(p + "year"):
        year = int(match.group(p + "year"))
        year += 0 if year >= 100 else 2000 if year < 50 else 1900  # "7 JAN 90"
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if published is None:
        return None
    value = dates.month_day_date(month, day, published, future_days)
    return value.isoformat() if value else None


def dateline_of(article: Article, future_days: int = dates.FUTURE_DAYS) -> Dateline | None:
    """The dateline of the first of the opening content paragraphs that has one."""
    published = dates.parse_published(article.published)
    for paragraph in article.content_paragraphs()[:PARAGRAPHS]:
        found = read(paragraph.text, published, paragraph.index, future_days)
        if found is not None:
            return found
    return None


@step("dateline", requires=("roles",), assigns=("dateline",))
def make_dateline(config, desk):
    """The report's dateline: place, day and credit ("KYIV, June 3 (Reuters) -"), in any language."""

    def dateline(article: Article) -> None:
        article.dateline = dateline_of(article)
        if article.dateline and article.dateline.credit and not outlet_name(article.source, article.url):
            article.source = article.dateline.credit  # no outlet in the metadata: the agency its dateline credits

    return dateline
