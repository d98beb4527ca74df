"""Named profiles: the region- and domain-specific knowledge the place logic reads, kept out of the algorithms.

A profile is data: which gazetteer layers an article may use, which abbreviations
it reads as places, which country's regions come first. ``world`` is the default
and has no home country (its module also holds the macro-regions and vanity
domains the world gazetteer reads); ``us_local`` adds the rules of US local news
(post-office towns, AP state abbreviations, US states before countries of their
name, outlets named after their town). The ``[places] profile`` setting chooses:
``auto`` (an article is US local news when its places say so, see
:func:`newsdesk.extract.places.geocode`), or a profile's name for every article.
The ranking's weights are settings (``[places]``), not profile data.
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

