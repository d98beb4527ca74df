"""What the words around one mention of a place say about it: the evidence the story's place context weighs.

Each reader takes an article and one mention of a place entity and answers one
question from the text around it: is it the site's name in a page title, a
facility's or a newspaper's name, a local agency's town, where a victim was
taken, a person's name, the metropolitan area, a quarter, the dateline, a name
written with its region, the place after an incident word. The general rules of
news writing are here; the words of one kind of news (sheriffs, hospitals, "was
shot in") come from the article's profile (:mod:`newsdesk.profiles`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from ..extract import gazetteer
from ..model import TITLE, Article, Entity, Place
from ..profiles import Profile
from .sentences import sentences


def in_span(span, paragraph: int, start: int, end: int) -> bool:
    return span.paragraph == paragraph and start <= span.start and span.end <= end


@dataclass(frozen=True)
class Cues:
    """A profile's words around a place's mentions, compiled (a pattern that matches nothing where it has none)."""

    scene: re.Pattern
    agency: re.Pattern | None
    destination: re.Pattern | None
    brought_to: re.Pattern | None
    care_after: re.Pattern | None
    facility_after: re.Pattern


@functools.lru_cache(maxsize=8)
def cues(profile: Profile) -> Cues:
    """The compiled cues of ``profile``."""
    facilities = FACILITIES + (f"|{profile.facilities}" if profile.facilities else "")
    return Cues(
        scene=re.compile(rf"\b(?:{profile.scene_words})\b", re.I) if profile.scene_words else NOTHING,
        agency=re.compile(rf"^(?:the\s+)?(.+?)\s+(?:{profile.agencies})\b") if profile.agencies else None,
        destination=re.compile(rf"\b(?:{profile.destinations})\b", re.I) if profile.destinations else None,
        brought_to=re.compile(profile.brought_to, re.I) if profile.brought_to else None,
        care_after=re.compile(profile.care_after) if profile.care_after else None,
        facility_after=re.compile(rf"^(?:[\s'’s]*[A-Z][\w.'’-]*){{0,3}}\s+(?:{facilities})\b"),
    )


NOTHING = re.compile(r"(?!)")


# "Townville Police" → Townville, else the name without "Township", "City"... ("Lakeside Township Police").
AGENCY_QUALIFIERS = ("township", "city", "village", "borough", "town")


def agency_town(entity: Entity, named: dict[str, str], cue: Cues) -> str | None:
    """The story's place entity a local agency is named after ("Townville Police" → Townville), or None."""
    match = cue.agency.match(entity.name) if cue.agency is not None and entity.type == "ORG" else None
    if not match:
        return None
    words = gazetteer.key(match.group(1)).split()
    if words and " ".join(words) in named:
        return named[" ".join(words)]
    if len(words) > 1 and words[-1] in AGENCY_QUALIFIERS:
        return named.get(" ".join(words[:-1]))
    return None


# "in the Elmwood neighborhood", "the city's Eastgate section": a quarter of a city, even where the gazetteer lists
# a town of that name. Not "a Townville neighborhood" (one in Townville).
QUARTER_AFTER = re.compile(r"^\s+(?:neighbou?rhoods?|section)\b", re.I)
QUARTER_BEFORE = re.compile(r"\b(?:a|an|his|her|their|our|my|your|one|another|every|each)\s+(?:[\w-]+\s+)?$", re.I)


def named_quarter(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(QUARTER_AFTER.match(text[mention.span.end : mention.span.end + 20])) and not QUARTER_BEFORE.search(
        text[max(0, mention.span.start - 30) : mention.span.start]
    )


# A page title ends with its site's name after a separator ("Man shot - Townville News | Weather").
SITE_SEPARATOR = re.compile(r"\s(?:[|\-–—]|::)\s")


def site_name(article: Article, mention) -> bool:
    """Whether the mention is in the site's name at the end of the page title: the outlet's home."""
    if mention.span.paragraph != TITLE:
        return False
    separator = SITE_SEPARATOR.search(article.title or "")
    return separator is not None and mention.span.start >= separator.end()


# "in Townville", "near Townville", "in the town of Townville", "in east Townville", "north of Townville".
SCENE_BEFORE = re.compile(
    r"(?:\b(?:in|near|outside(?:\s+of)?)\s+(?:the\s+)?(?:(?:town|city|village|community|"
    r"borough|township)\s+of\s+)?(?:(?:north|south|east|west|northeast|northwest|southeast|"
    r"southwest|downtown|central|rural|suburban)\s+)?|"
    r"\b(?:north|south|east|west)(?:east|west)?\s+of\s+)$",
    re.I,
)


def scene(article: Article, mention, cue: Cues) -> bool:
    """Whether the mention is written after "in"/"near"/"north of" in a sentence that names the incident before it
    ("was shot in Townville", "shelling hit ... near Townville"), with no destination of a victim between them
    ("shot and taken to Mercy Hospital in Townville")."""
    text = article.paragraph_text(mention.span.paragraph)
    before = text[max(0, mention.span.start - 60) : mention.span.start]
    if not SCENE_BEFORE.search(before):
        return False
    if cue.destination is not None:
        destinations = [m.end() for m in cue.destination.finditer(before)]
        if destinations and destinations[-1] > max((m.start() for m in cue.scene.finditer(before)), default=-1):
            return False
    opening = max([s for s, _ in sentences(text) if s <= mention.span.start], default=0)
    return bool(cue.scene.search(text[opening : mention.span.start]))


def destination(article: Article, mention, cue: Cues) -> bool:
    """Whether the mention names where a victim was brought ("taken to a hospital in Townville")."""
    text = article.paragraph_text(mention.span.paragraph)
    return bool(
        cue.brought_to is not None
        and cue.brought_to.search(text[max(0, mention.span.start - 80) : mention.span.start])
        or cue.care_after is not None
        and cue.care_after.match(text[mention.span.end : mention.span.end + 30])
    )


# "Tyler said", "Robinson, 16, told police": a place name followed by an age or a verb of speech is a person's name,
# unless a preposition of place comes before it ("neighbours in Townville said").
PERSON_AFTER = re.compile(
    r"^(?:,\s+\d{1,2},|\s+(?:said|says|told|testified|pleaded|was charged|is charged|"
    r"was arrested)\b)"
)
PLACE_BEFORE = re.compile(r"\b(?:in|of|from|near|at|to)\s+$", re.I)


def person(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(PERSON_AFTER.match(text[mention.span.end : mention.span.end + 30])) and not PLACE_BEFORE.search(
        text[max(0, mention.span.start - 10) : mention.span.start]
    )


# A place named right before a facility noun names the facility ("Townville Memorial Hospital", "the Townville Road
# bridge", "Townville Herald"): often a namesake elsewhere or the outlet's home, not where the event happened.
FACILITIES = (
    r"Hospital|Medical|Clinic|Center|Centre|School|High|Elementary|Academy|University|College|Church|Airport|"
    r"Street|Avenue|Road|Boulevard|Drive|Lane|Highway|Parkway|Mall|Plaza|Hotel|Apartments|Station|Jail|Prison|"
    r"Courthouse|Chronicle|Times|Tribune|Herald|Journal|Gazette|Post|Daily|Press|Examiner|Register|Observer|"
    r"Courier|Dispatch|Inquirer|Bee|Sentinel|Record|Telegraph|Star|Sun|News"
)


def facility_name(article: Article, mention, cue: Cues) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(cue.facility_after.match(text[mention.span.end : mention.span.end + 60]))


# "the Townville suburb of Elmwood", "a Townville-area man", "suburban Townville": the metropolitan area.
METRO_AFTER = re.compile(r"^(?:-area\b|\s+(?:suburbs?|metro|metropolitan|area)\b)", re.I)
METRO_BEFORE = re.compile(r"\b(?:suburban|greater|suburbs\s+of|outskirts\s+of)\s+$", re.I)

# "Northwest Townville": a quarter of a town, not a town the gazetteer lacks.
COMPASS = re.compile(r"(?:north|south|east|west)(?:east|west)?\b", re.I)


def metro_area(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(METRO_AFTER.match(text[mention.span.end : mention.span.end + 20])) or bool(
        METRO_BEFORE.search(text[max(0, mention.span.start - 20) : mention.span.start])
    )


# A dateline opens a report: "TOWNVILLE, State —", "TOWNVILLE (AP) —", "Townville, Ill. --".
DATELINE_BEFORE = re.compile(r"^\W{0,3}(?:\([^)]{0,30}\)\s*)?$")
DATELINE_AFTER = re.compile(r"^\s*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?)?\s*(?:\([^)]{1,25}\))?\s*(?:—|–|--?)\s")


def dateline(article: Article, mention) -> bool:
    line = article.dateline  # read by extract/datelines.py: wire datelines of every form
    if line is not None and in_span(
        mention.span, line.place_span.paragraph, line.place_span.start, line.place_span.end
    ):
        return True
    text = article.paragraph_text(mention.span.paragraph)
    return bool(DATELINE_BEFORE.match(text[: mention.span.start])) and bool(
        DATELINE_AFTER.match(text[mention.span.end : mention.span.end + 60])
    )


# "Smallville, Ill.": a name written with its state or region is a town there, also when the gazetteer lacks it.
WITH_REGION = re.compile(r"^\s*,\s*([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


def unlisted_town(place: Place | None) -> bool:
    """A town written with its region that the gazetteer lacks (the places step put it at the region)."""
    return place is not None and place.gazetteer_id is None and place.feature == "place"


def with_region(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    match = WITH_REGION.match(text[mention.span.end : mention.span.end + 40])
    return bool(match) and _region_name(match.group(1).rstrip("."))


@functools.lru_cache(maxsize=4096)
def _region_name(name: str) -> bool:
    places = gazetteer.load()
    return bool(places.us_state_written(name)) or any(c.feature in ("region", "state") for c in places.candidates(name))


# A word of running text (not part of an address such as "townville.com" or "@townville").
WORD = re.compile(r"(?<![\w./@-])[A-Za-z]+(?![\w/@-]|\.\w)")
# A capitalised word inside a sentence (after a lower-case word or a comma).
INSIDE = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+\b")


def common_words(articles: list[Article], entity_of: dict[str, str], total: Counter, lower_case_share: float) -> set:
    """Place entities named by a one-word name the story writes at least as often in lower case as capitalised
    inside a sentence ("Police", "Metro", "Home"; a sentence's first word tells nothing), or only in lower case
    while it writes other names capitalised ("a perm" the model tagged as Perm): a common word the gazetteer
    matched, not a place. Text in lower case or capitals (wire copy, transcripts, truecased text) tells nothing:
    the first test needs the name capitalised inside a sentence, the second a story that writes at most
    ``lower_case_share`` of its names in lower case."""
    names = {}
    for article in articles:
        for entity in article.entities:
            name = entity.name
            if " " not in name and name[:1].isupper() and name[1:].islower() and len(name) > 1:
                names.setdefault(entity_of.get(entity.id, entity.id), name)
    if not names:
        return set()
    texts = [
        text for article in articles for text in [article.title or ""] + [p.text for p in article.content_paragraphs()]
    ]
    words = Counter(word for text in texts for word in WORD.findall(text))
    inside = Counter(word for text in texts for word in INSIDE.findall(text))
    entities = {entity_of.get(e.id, e.id): e for article in articles for e in article.entities if e.mentions}
    lowered = {key for key, e in entities.items() if all(m.text[:1].islower() for m in e.mentions)}
    cased = len(lowered) <= lower_case_share * len(entities)
    return {
        key
        for key, name in names.items()
        if key in total
        and (
            words[name.lower()] >= 2
            and inside[name]
            and words[name.lower()] >= inside[name]
            or cased
            and key in lowered
            and words[name.lower()]
            and not words[name]
        )
    }
