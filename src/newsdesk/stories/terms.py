"""The weighted terms that describe an article for story matching.

Content words of the title and body (lowercased, stop words out), plus name
terms: the article's entities when the extraction step has filled
``article.entities``, otherwise runs of capitalised words inside sentences (a
cheap stand-in that still catches victims' and places' names).
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
    return terms
