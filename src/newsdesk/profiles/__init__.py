"""Named profiles: the region- and domain-specific knowledge the place and event logic reads, kept out of the
algorithms.

A profile is data: which gazetteer layers an article may use, which abbreviations
it reads as places, which country's regions come first, and the words the
story's place context reads around a place's mentions (the incident before it,
a local agency or a facility after it, a hospital it was a destination of).
``world`` is the default and has no home country (its module also holds the
macro-regions and vanity domains the world gazetteer reads); ``us_local`` adds
the rules of US local news (post-office towns, AP state abbreviations, US
states before countries of their name, sheriff and coroner words, hospital
destinations, "shot" meaning hurt, outlets named after their town). The
``[places] profile`` setting chooses: ``auto`` (an article is US local news
when its places say so, see :func:`newsdesk.extract.places.geocode`), or a
profile's name for every article. The place step records the choice in
``article.metadata["places_profile"]``; reconciliation reads a story as the
profile most of its articles were read with
(:func:`newsdesk.reconcile.place_context.story_profile`). Weights are settings
(``[places]``, ``[reconcile.places]``), not profile data.
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
    # The words the story's place context reads around a place's mentions, as regular expressions ("" : none).
    # the incident written before its place ("shelling hit ... in", "was shot in"): the place is the scene
    scene_words: str = ""
    # a local agency named after the town it serves ("Townville Police", "Shire County Sheriff's Office")
    agencies: str = ""
    # between the incident and the place, a victim taken elsewhere ("shot and taken to a hospital in Townville")
    destinations: str = ""
    # before the place, a victim brought there ("airlifted to Bigtown", "a hospital in Townville")
    brought_to: str = ""
    # after the place, a place of care ("a Townville hospital")
    care_after: str = ""
    # nouns after a name that make it a facility's or an area's name, beyond the world's ("Harbor County")
    facilities: str = ""
    # words saying someone was hurt, beyond the world's ("was shot": hurt, not dead, unless the sentence says so)
    injuries: str = ""
    # the same words as lemmas, for the quantities step's counts ("two were shot": two injured)
    injury_lemmas: frozenset[str] = frozenset()
    # an outlet named after its town ("tuscaloosanews.com") is a clue to where its story happened
    outlet_towns: bool = False


def get(name: str) -> Profile:
    """The profile called ``name`` ("world" or "us_local")."""
    from . import us_local, world

    known = {"world": world.PROFILE, "us_local": us_local.PROFILE}
    try:
        return known[name]
    except KeyError:
        raise ValueError(f"unknown places profile {name!r}; known: {', '.join(sorted(known))}") from None
