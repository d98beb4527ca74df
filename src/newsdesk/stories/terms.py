"""The weighted terms that describe an article for story matching.

Content words of the title (as title terms, and again as text words) and of
the body (lowercased, stop words out), plus name
terms: the article's entities when the extraction step has filled
``article.entities``, otherwise runs of capitalised words inside sentences (a
cheap stand-in that still catches victims' and places' names), plus day
terms: the days the article mentions (``article.dates``, or the date patterns
run on the text when no dates step ran).
"""

from __future__ import annotations

import re
from collections import Counter

from ..extract.spacy_import import stop_words as spacy_stop_words
from ..model import Article

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A capitalised run not at a sentence start: "... said Kevin Barbee, 15, ..." -> "kevin barbee".
NAME = re.compile(r"(?<=[a-z,;] )((?:[A-Z][a-z]+(?:['’-][A-Za-z]+)?)(?: [A-Z][a-z]+(?:['’-][A-Za-z]+)?)*)")
NAME_PREFIX = "#"
TITLE_PREFIX = "^"
DATE_PREFIX = "@"
# "May 3", "Dec. 14": a month and day without a year (ECB+ has no publication dates to resolve them).
MONTH_DAY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})\b", re.IGNORECASE)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def stop_words() -> frozenset[str]:
    return spacy_stop_words() | {"said", "says", "told", "according", "reported", "news", "police"}


def content_words(text: str, stop: frozenset[str]) -> list[str]:
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return [w for w in words if (len(w) > 2 or w.isdigit()) and w not in stop]


def names(text: str, stop: frozenset[str]) -> list[str]:
    found = []
    for run in NAME.findall(text):
        lowered = run.lower()
        if lowered not in stop:
            found.append(NAME_PREFIX + lowered)
    return found


def date_terms(article: Article) -> list[str]:
    """The days the article mentions: ``@2014-02-20`` when resolved, and ``@--02-20`` (month and day) so that a
    resolved and an unresolved mention of one day still match."""
    from ..extract.dates import mentions

    found = []
    for mention in article.dates or mentions(article):
        if mention.value and mention.granularity == "day":
            found += [DATE_PREFIX + mention.value, DATE_PREFIX + "--" + mention.value[5:10]]
        elif mention.value is None:
            match = MONTH_DAY.search(mention.text)
            if match and 1 <= int(match[2]) <= 31:
                found.append(f"{DATE_PREFIX}--{MONTHS.index(match[1].lower()) + 1:02d}-{int(match[2]):02d}")
    return found


def carries_headline(headline: list[str], body: Counter, share: float) -> bool:
    """Whether at least ``share`` of a headline's words occur in ``body``: a news body repeats its headline's
    words; a captcha, sign-in or paywall page served under the headline does not."""
    words = set(headline)
    return not words or len(words & body.keys()) >= share * len(words)


def headline_terms(headline: list[str]) -> Counter:
    """The headline's content words as title terms, and again as text words (a headline is part of the text)."""
    return Counter(TITLE_PREFIX + w for w in headline) + Counter(headline)


def body_terms(article: Article, stop: frozenset[str], skip: frozenset[int] = frozenset()) -> Counter:
    """Term → count for the content paragraphs (but those indexed in ``skip``), the names and the days."""
    terms: Counter = Counter()
    body = [p.text for p in article.content_paragraphs() if p.index not in skip]
    for text in body:
        terms.update(content_words(text, stop))
    if article.entities:
        for entity in article.entities:
            terms[NAME_PREFIX + entity.name.lower()] += max(1, len(entity.mentions))
    else:
        for text in body:
            terms.update(names(text, stop))
    terms.update(date_terms(article))
    return terms
