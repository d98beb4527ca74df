"""A light sentence splitter for stored paragraphs (stored articles carry no parse)."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


# Abbreviations news style puts before a capital or a number ("Sept. 21", "Lt. Paul", "Ave. SE"), and initials.
ABBREVIATION = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|mr|mrs|ms|dr|st|ave|blvd|rd|"
    r"lt|sgt|det|capt|cpl|gov|sen|rep|jr|sr|no|mt|ft|gen|col|atty|supt|insp|ofc|dept)|"
    r"\b[A-Z]|\bU\.S)\.$",
    re.I,
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph (a light splitter: stored articles carry no parse)."""
    bounds, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if ABBREVIATION.search(text, max(start, match.start() - 6), match.start()):
            continue
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]
