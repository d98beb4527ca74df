"""Named profiles: the region- and domain-specific knowledge the place logic reads, kept out of the algorithms.

A profile is data: which gazetteer layers a story may use, which abbreviations
it reads as places, the macro-regions it knows, and the weights of the ranking.
``world`` is the default for every story; ``us_local`` adds the rules of US
local news (postal towns, AP state abbreviations, one state for the whole
story). The ``[places] profile`` setting chooses: ``auto`` (a story is US local
news when its places say so, see :func:`newsdesk.extract.places.geocode`), or a
profile's name for every story.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # gazetteer layers on top of the world gazetteer ("usps": US post-office towns under 500 people)
    layers: frozenset[str] = frozenset()
    # "Springfield, Ill.", "N.C.": AP and postal state abbreviations read as US states
    us_state_abbreviations: bool = False
    # the country whose regions outrank a foreign country of the same name ("Georgia": the state)
    home: str | None = None


def get(name: str) -> Profile:
    """The profile called ``name`` ("world" or "us_local")."""
    from . import us_local, world

    known = {"world": world.PROFILE, "us_local": us_local.PROFILE}
    try:
        return known[name]
    except KeyError:
        raise ValueError(f"unknown places profile {name!r}; known: {', '.join(sorted(known))}") from None


NAMES = ("world", "us_local")
