"""Date expressions of the title, body and headings, resolved to calendar dates.

Absolute dates ("23 May 2023", "2023-05-23", "May 23" with the year of
publication) need no anchor. Relative ones ("on Tuesday", "yesterday", "last
week", "this morning") are resolved against ``Article.published``; "the
previous day" / "the day before" against the date mentioned just before it
in reading order. Without a publication date only absolute dates and dates
anchored on another absolute date get a value.

Numeric dates read day first ("03/04/2023" is 3 April; "03.04.2023" always)
except where the source is shown to write the month first (:func:`day_first`:
a US outlet, language tag or places); a number above 12 is the day either way.

Values are ISO 8601 at the expression's granularity: ``2023-05-23`` (day),
``2023-W20`` (week), ``2023-05`` (month), ``2023`` (year).

Candidates come from our own patterns (they resolve) plus spaCy's DATE
entities that the patterns do not cover; those are handed to dateparser only
when they name a month (it is ~6 ms a call and reads bare numbers such as
ages as days of the current month). Durations ("three years"), ages
("15-year-old") and clock times are not date mentions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from .. import vocabulary
from ..errors import ConfigError
from ..model import TITLE, Article, DateMention, Span
from ..pipeline import step
from .numbers import UNITS

WEEKDAYS = {"mon": 0, "tues": 1, "wednes": 2, "thurs": 3, "fri": 4, "satur": 5, "sun": 6}
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Counts read in "three days ago": number words up to ten, as the date rules were written and tested.
SMALL_NUMBERS = {"a": 1, "an": 1, **{word: n for word, n in UNITS.items() if n <= 10}, "several": None, "few": None}
# Default of [dates] future_days: see defaults.toml.
FUTURE_DAYS = 62

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?P<weekday>mon|tues|wednes|thurs|fri|satur|sun)day"
_OPTIONAL_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PART = r"(?P<part>morning|afternoon|evening|night)"
_COUNT = rf"(?P<count>\d+|{'|'.join(sorted(SMALL_NUMBERS, key=len, reverse=True))})"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"

# (name, pattern); the longest match wins where patterns overlap.
PATTERNS: list[tuple[str, re.Pattern]] = [
    (name, re.compile(pattern, flags))
    for name, pattern, flags in [
        ("iso", rf"\b{_YEAR}-(?P<m>[01]?\d)-(?P<day>[0-3]?\d)\b", 0),
        ("numeric", r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>\d{4}|\d\d)\b", 0),
        ("dotted", r"\b(?P<day>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b", 0),  # day first wherever written
        ("month_day", rf"\b(?:on\s+)?{_OPTIONAL_WEEKDAY}{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?", re.I),
        (
            "day_month",
            rf"\b(?:on\s+)?{_OPTIONAL_WEEKDAY}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?",
            re.I,
        ),
        ("month_year", rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I),
        # A bare month only after a word that makes it a time ("in May", not "may").
        (
            "month",
            rf"\b(?:(?:in|since|until|by|during|of)\s+|(?P<mod>early|late|mid-?|last|next|this)\s*)"
            rf"(?P<month>{_MONTH_NAMES})\b",
            0,
        ),
        ("year", rf"\b(?:in|since|until|by|during|early|late|mid-?)\s+{_YEAR}\b(?![-\s]*(?:year|%|percent))", 0),
        (
            "weekday",
            rf"\b(?:(?P<mod>last|this|next|past|early|late)\s+(?:on\s+)?|on\s+)?{_WEEKDAY}(?:'s)?"
            rf"(?:\s+{_PART})?\b",
            re.I,
        ),
        ("today", rf"\b(?:today|tonight|this\s+{_PART})\b", re.I),
        ("yesterday", rf"\b(?:(?P<before>the\s+day\s+before\s+)?yesterday(?:\s+{_PART})?|last\s+night)\b", re.I),
        ("tomorrow", rf"\btomorrow(?:\s+{_PART})?\b", re.I),
        (
            "this_unit",
            r"\b(?P<mod>last|this|next|past|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year)\b",
            re.I,
        ),
        ("ago", rf"\b{_COUNT}\s+{_UNIT}\s+ago\b", re.I),
        (
            "previous",
            r"\b(?:the\s+(?P<dir>previous|preceding|next|following|same)\s+(?:day|night|morning|afternoon|evening)"
            r"|the\s+day\s+(?P<dir2>before|after)|a\s+day\s+(?P<dir3>later|earlier|before|after)"
            r"|(?P<same>that)\s+(?:day|night|morning|afternoon|evening))\b",
            re.I,
        ),
    ]
]

_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_NAMES_A_MONTH = re.compile(rf"\b{_MONTH}\b", re.I)


@dataclass
class Found:
    """A date expression found in a text, before it is resolved."""

    start: int
    end: int
    kind: str  # a PATTERNS name, or "entity" for a spaCy DATE entity left to dateparser
    match: Optional[re.Match] = None


def parse_published(value: Optional[str]) -> Optional[dt.date]:
    """The publication day of an ISO date or datetime string, None when absent or unreadable."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def weekday_date(weekday: int, published: dt.date, direction: str = "past") -> dt.date:
    """The day named ``weekday`` (0 = Monday) nearest ``published`` in ``direction``.

    ``past``: on or before publication (a report's "on Tuesday"); ``last``: strictly
    before; ``future``: on or after; ``next``: strictly after.
    """
    back = (published.weekday() - weekday) % 7
    if direction == "past":
        return published - dt.timedelta(days=back)
    if direction == "last":
        return published - dt.timedelta(days=back or 7)
    ahead = (weekday - published.weekday()) % 7
    if direction == "future":
        return published + dt.timedelta(days=ahead)
    return published + dt.timedelta(days=ahead or 7)


def month_day_date(month: int, day: int, published: dt.date, future_days: int = FUTURE_DAYS) -> Optional[dt.date]:
    """``month``/``day`` in the publication year, or the year before when that is more than
    ``future_days`` after publication."""
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 29 February of a common year; 31 April
            continue
        if (candidate - published).days <= future_days:
            return candidate
    return None


def week_value(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def found_in(text: str, doc=None) -> list[Found]:
    """Date expressions of ``text``: pattern matches, then spaCy DATE entities they leave uncovered."""
    candidates = [Found(m.start(), m.end(), name, m) for name, pattern in PATTERNS for m in pattern.finditer(text)]
    chosen: list[Found] = []
    for candidate in sorted(candidates, key=lambda f: f.start - f.end):  # longest first
        if all(candidate.end <= c.start or c.end <= candidate.start for c in chosen):
            chosen.append(candidate)
    if doc is not None:
        for ent in doc.ents:
            if ent.label_ != "DATE" or not _NAMES_A_MONTH.search(ent.text):
                continue
            if any(f.start < ent.end_char and ent.start_char < f.end for f in chosen):
                continue
            chosen.append(Found(ent.start_char, ent.end_char, "entity"))
    return sorted(chosen, key=lambda f: f.start)


def tense_of(doc, start: int) -> str:
    """``future`` when the clause governing the character ``start`` is in the future, else ``past``."""
    if doc is None:
        return "past"
    token = doc.char_span(start, start + 1, alignment_mode="expand")
    if token is None or not len(token):
        return "past"
    token = token[0]
    for _ in range(6):  # climb to the governing verb
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
    children = list(token.children)
    if any(c.tag_ == "MD" and c.lower_ in ("will", "'ll", "shall", "wo") for c in children):
        return "future"
    if any(c.dep_ == "aux" and c.lower_ == "going" for c in children):
        return "future"
    if token.tag_ == "VBG" and any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in children):
        return "future"  # present progressive with a weekday: "is meeting on Friday"
    if (
        token.tag_ == "VB"
        and token.head.lemma_ in ("expect", "schedule", "set", "plan", "due")
        and token.head.i != token.i
    ):
        return "future"
    return "past"


def resolve(
    found: Found,
    text: str,
    published: Optional[dt.date],
    previous: Optional[dt.date],
    doc=None,
    future_days: int = FUTURE_DAYS,
    day_first: bool = True,
) -> Optional[tuple[Optional[str], str, str]]:
    """(value, anchor, granularity) of a found expression, or None when it is not a date mention. ``day_first``:
    how "03/04/2023" reads (3 April; 4 March where sources write the month first)."""
    kind, m = found.kind, found.match
    if kind == "entity":
        return _parsed(text[found.start : found.end], published)
    groups = m.groupdict()
    if kind in ("iso", "dotted"):
        return _exact(int(groups["year"]), int(groups["m"]), int(groups["day"]))
    if kind == "numeric":
        year = int(groups["year"])
        year = year + 2000 if year < 100 else year
        a, b = int(groups["a"]), int(groups["b"])
        # a number above 12 is the day whatever the order; else the source's order decides
        day, month = (a, b) if a > 12 or (day_first and b <= 12) else (b, a)
        return _exact(year, month, day)
    if kind in ("month_day", "day_month"):
        month, day = MONTHS[groups["month"][:3].lower()], int(groups["day"])
        if groups["year"]:
            return _exact(int(groups["year"]), month, day)
        if published is None:
            return None, "published", "day"
        value = month_day_date(month, day, published, future_days)
        return (value.isoformat(), "published", "day") if value else None
    if kind == "month_year":
        return f"{int(groups['year']):04d}-{MONTHS[groups['month'][:3].lower()]:02d}", "absolute", "month"
    if kind == "month":
        month = MONTHS[groups["month"][:3].lower()]
        if published is None:
            return None, "published", "month"
        mod = (groups.get("mod") or "").lower()
        if mod == "last":
            year = published.year if month < published.month else published.year - 1
        elif mod == "next":
            year = published.year if month > published.month else published.year + 1
        else:
            year = month_day_date(month, 1, published, future_days).year
        return f"{year:04d}-{month:02d}", "published", "month"
    if kind == "year":
        return groups["year"], "absolute", "year"
    if kind == "weekday":
        if published is None:
            return None, "published", "day"
        mod = (groups.get("mod") or "").lower()
        direction = {"last": "last", "past": "last", "next": "next"}.get(mod) or tense_of(doc, found.start)
        return weekday_date(WEEKDAYS[groups["weekday"].lower()], published, direction).isoformat(), "published", "day"
    if kind in ("today", "yesterday", "tomorrow"):
        if published is None:
            return None, "published", "day"
        shift = {"today": 0, "tomorrow": 1}.get(kind, -2 if groups.get("before") else -1)
        return (published + dt.timedelta(days=shift)).isoformat(), "published", "day"
    if kind == "this_unit":
        return _this_unit(groups["mod"].lower().split()[0], groups["unit"].lower(), published)
    if kind == "ago":
        return _ago(groups["count"].lower(), groups["unit"].lower(), published)
    if kind == "previous":
        direction = next(g.lower() for g in (groups["dir"], groups["dir2"], groups["dir3"], groups["same"]) if g)
        shift = {
            "previous": -1,
            "preceding": -1,
            "before": -1,
            "earlier": -1,
            "next": 1,
            "following": 1,
            "after": 1,
            "later": 1,
        }.get(direction, 0)
        value = (previous + dt.timedelta(days=shift)).isoformat() if previous else None
        return value, "previous", "day"
    raise ValueError(f"no resolver for date pattern {kind!r}")


def _exact(year: int, month: int, day: int):
    try:
        return dt.date(year, month, day).isoformat(), "absolute", "day"
    except ValueError:
        return None


def _this_unit(mod: str, unit: str, published: Optional[dt.date]):
    granularity = unit
    if published is None:
        return None, "published", granularity
    shift = {"last": -1, "past": -1, "next": 1}.get(mod, 0)
    if unit == "week":
        return week_value(published + dt.timedelta(weeks=shift)), "published", granularity
    if unit == "month":
        return add_months(published, shift).isoformat()[:7], "published", granularity
    return f"{published.year + shift:04d}", "published", granularity


def _ago(count_word: str, unit: str, published: Optional[dt.date]):
    count = int(count_word) if count_word.isdigit() else SMALL_NUMBERS.get(count_word)
    if published is None or count is None:
        return None, "published", unit
    if unit == "day":
        return (published - dt.timedelta(days=count)).isoformat(), "published", "day"
    if unit == "week":
        return week_value(published - dt.timedelta(weeks=count)), "published", "week"
    if unit == "month":
        return add_months(published, -count).isoformat()[:7], "published", "month"
    return f"{published.year - count:04d}", "published", "year"


def _parsed(text: str, published: Optional[dt.date]):
    import dateparser

    settings = dict(_DATEPARSER_SETTINGS)
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    elif not re.search(r"\b(?:1[89]|20)\d\d\b", text):
        return None, "published", "day"  # a day and month only: the year comes from publication
    value = dateparser.parse(text, languages=["en"], settings=settings)
    if value is None:
        return None
    anchor = "absolute" if re.search(r"\b(?:1[89]|20)\d\d\b", text) else "published"
    return value.date().isoformat(), anchor, "day"


def in_text(
    text: str,
    published: Optional[dt.date],
    *,
    paragraph: int = 0,
    doc=None,
    previous: Optional[dt.date] = None,
    future_days: int = FUTURE_DAYS,
    day_first: bool = True,
) -> list[DateMention]:
    """The date mentions of one text; ``previous`` is the day mentioned last before it."""
    mentions = []
    for found in found_in(text, doc):
        resolved = resolve(found, text, published, previous, doc, future_days, day_first)
        if resolved is None:
            continue
        value, anchor, granularity = resolved
        mentions.append(
            DateMention(
                Span(paragraph, found.start, found.end), text[found.start : found.end], value, anchor, granularity
            )
        )
        if value and granularity == "day":
            previous = dt.date.fromisoformat(value)
    return mentions


def mentions(article: Article, future_days: int = FUTURE_DAYS, order: str = "auto") -> list[DateMention]:
    """Date mentions of the title, then the body and heading paragraphs, in reading order."""
    published = parse_published(article.published)
    items = [(TITLE, article.title)] if article.title else []
    items += [(p.index, p.text) for p in article.content_paragraphs()]
    first = day_first(article, order)
    found: list[DateMention] = []
    previous = None
    for index, text in items:
        here = in_text(
            text,
            published,
            paragraph=index,
            doc=article.docs.get(index),
            previous=previous,
            future_days=future_days,
            day_first=first,
        )
        found += here
        days = [m for m in here if m.value and m.granularity == "day"]  # else the last day is still ``previous``
        previous = dt.date.fromisoformat(days[-1].value) if days else previous
    return found


NUMERIC_ORDERS = ("auto", "day_first", "month_first")
_NUMERIC = dict(PATTERNS)["numeric"]


def day_first(article: Article, order: str = "auto") -> bool:
    """Whether the article's numeric dates read day first ("03/04/2023" is 3 April). ``order`` "day_first" or
    "month_first" decides; "auto" reads the evidence, strongest first: a numeric date of the article that only
    one order reads (its first number above 12: day first), the region of its language tag ("en-US"), its
    URL's country domain, the places step's profile (US local news), the country most of its placed names lie in. A source of a country that writes the
    month first (``vocabulary.toml [dates]``: the US) reads month first; any other, or no evidence, day first."""
    if _checked(order) != "auto":
        return order == "day_first"
    for paragraph in [article.title, *(p.text for p in article.content_paragraphs())]:
        for match in _NUMERIC.finditer(paragraph):
            a, b = int(match.group("a")), int(match.group("b"))
            if (a > 12) != (b > 12) and max(a, b) <= 31:
                return a > 12
    country = _country(article)
    return country is None or country not in vocabulary.load()["dates"]["month_first"]


def _checked(order: str) -> str:
    if order not in NUMERIC_ORDERS:
        raise ConfigError(f"[dates] numeric_order must be one of {', '.join(NUMERIC_ORDERS)}, not {order!r}")
    return order


def _country(article: Article) -> Optional[str]:
    """The source's country as the article shows it: language region, URL country domain, the places step's
    profile (US local news), the country most placed names lie in."""
    from ..clean.language import region
    from .places import outlet_country

    found = region(article.language) or outlet_country(article.url)
    if found:
        return found
    if article.metadata.get("places_profile") == "us_local":
        return "US"
    counts = Counter(
        entity.place.country
        for entity in article.entities
        if entity.place is not None and entity.place.country
        for _ in entity.mentions
    )
    return counts.most_common(1)[0][0] if counts else None


@step("dates", requires=("docs",), assigns=("dates",), language_specific=True)
def make_dates(config, desk):
    """Date expressions with their resolved ISO value and the anchor used (absolute, published, previous)."""
    future_days = config.get("future_days", FUTURE_DAYS)
    order = _checked(config.get("numeric_order", "auto"))

    def dates(article: Article) -> None:
        article.dates = mentions(article, future_days, order)

    return dates
