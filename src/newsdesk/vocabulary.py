"""The world-news vocabulary shipped as data (``vocabulary.toml``): event types, casualty words, month names.

The algorithms read it through these functions; changing what they look for
is an edit of the TOML file, not of the code.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import tomllib


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    return tomllib.loads(resources.files("newsdesk").joinpath("vocabulary.toml").read_text(encoding="utf-8"))


def joined(pattern: str) -> str:
    """A vocabulary pattern written over several lines as one: a backslash at the end of a line continues it on
    the next (TOML literal strings keep both characters)."""
    return pattern.replace("\\\n", "")


def words(pattern: str) -> re.Pattern:
    """A vocabulary pattern as a case-insensitive regular expression on word boundaries."""
    return re.compile(rf"\b(?:{joined(pattern)})\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def event_types() -> list[tuple[str, str, re.Pattern]]:
    """(event type, sub-event type, cue pattern), most specific first."""
    return [(entry["type"], entry["sub_type"], words(entry["words"])) for entry in load()["events"]]


@functools.lru_cache(maxsize=1)
def casualty_lemmas() -> dict[str, str]:
    """Lemma → the quantity kind it makes a count ("kill" → "killed", "flee" → "displaced")."""
    return {lemma: kind for kind, lemmas in load()["casualties"].items() if kind != "transitive" for lemma in lemmas}


@functools.lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    """A month's name or abbreviation in any listed language, lower case → its number (1-12)."""
    found: dict[str, int] = {}
    for months in load()["months"].values():
        for number, names in enumerate(months, start=1):
            for name in names:
                found.setdefault(name, number)
    return found
