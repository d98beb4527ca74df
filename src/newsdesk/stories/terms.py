"""The weighted terms that describe an article for story matching.

Content words of the title and body (lowercased, stop words out), plus name
terms: the article's entities when the extraction step has filled
``article.entities``, otherwise runs of capitalised words inside sentences (a
cheap stand-in that still catches victims' and places' names), plus day
terms: the days the article mentions (``article.dates``, or the date patterns
run on the text when no dates step ran).
"""
from __future__ import annotations

import re
from collections import Counter

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
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"said", "says", "told", "according", "reported", "news", "police"}


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


def carries_headline(headline: set[str], terms: Counter, share: float) -> bool:
    """Whether at least ``share`` of a headline's words occur among the body words of ``terms``: a news body
    repeats its headline's words; a captcha, sign-in or paywall page served under the headline does not."""
    return not headline or len(headline & terms.keys()) >= share * len(headline)


def headline_terms(terms: Counter) -> Counter:
    """The headline's words alone, as title terms and as body words (to match other articles' bodies)."""
    headline = Counter({t: n for t, n in terms.items() if t.startswith(TITLE_PREFIX)})
    headline.update({t[1:]: n for t, n in headline.items()})
    return headline


def article_terms(article: Article, stop: frozenset[str]) -> Counter:
    """Term → count for the title (prefixed), the content paragraphs and the names."""
    terms: Counter = Counter(TITLE_PREFIX + w for w in content_words(article.title, stop))
    body = [p.text for p in article.content_paragraphs()]
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
