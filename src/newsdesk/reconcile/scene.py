"""Where an event happened: the story's places ranked for an event.

The candidates are the event's own places and every settlement the story's
articles name (reports put the town in the dateline or the lede, and the
event's sentence often names only the street). They rank by how sure their
place is (abroad, unplaced, in another state than the story's, a settlement),
then by their mentions: in the event's sentences, after an incident verb
("shot ... in Townville"), in the lede and the dateline, in the whole story.
Names of facilities, newspapers, destinations and people count little or
nothing; a city stands for its own districts.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..extract import gazetteer
from ..extract.postal import postal_city
from ..model import TITLE, Article, Entity, Place, Span
from ..outlets import outlet_town
from ..profiles import world
from .sentences import sentences

if TYPE_CHECKING:
    from .events import Draft

PLACE_TYPES = ("GPE", "LOC")


def in_span(span, paragraph: int, start: int, end: int) -> bool:
    return span.paragraph == paragraph and start <= span.start and span.end <= end


def place_entities(article: Article) -> list[Entity]:
    return [e for e in article.entities if e.place is not None or e.type in PLACE_TYPES]

# A city named in an event's sentences is where a neighbourhood or village named there lies, more often than not.
SETTLEMENT_SIZE = gazetteer.SETTLEMENTS  # largest first


def located_places(articles: list[Article], entity_of: dict[str, str]) -> dict[str, Place]:
    """Desk entity id → its most precise gazetteer place among the articles."""
    found: dict[str, Place] = {}
    for article in articles:
        for entity in article.entities:
            key = entity_of.get(entity.id, entity.id)
            if entity.place is not None and (key not in found or entity.place.precision < found[key].precision):
                found[key] = entity.place
    return found


@dataclass(frozen=True)
class _Mention:
    """A mention that can count in an event's sentences: its article, span, share and whether it follows an
    incident verb ("shot ... in Townville")."""
    article: int  # id() of its article
    key: str
    span: Span
    share: float
    scene: bool


class StoryPlaces:
    """The story's place mentions read once for all its events: the counts that do not depend on an event (the
    whole story, the lede, the headline, the datelines), the common words left out, the story's country and state
    and each gazetteer place as the story reads it (a town placed in another state moved to its namesake in the
    story's state). ``ordered_places`` ranks them for each event."""

    def __init__(self, articles: list[Article], located: dict[str, Place], entity_of: dict[str, str]) -> None:
        self.mentions: list[_Mention] = []
        total, lead, datelines, titles, scene = Counter(), Counter(), Counter(), Counter(), Counter()
        quarters, qualified, self.spoken = set(), set(), set()
        named = {gazetteer.key(e.name): entity_of.get(e.id, e.id) for a in articles for e in place_entities(a)}
        for article in articles:
            opening = [p.index for p in article.content_paragraphs()[:DATELINE_PARAGRAPHS]]
            for entity in article.entities:
                agency = _agency_town(entity, named)
                key = agency or entity_of.get(entity.id, entity.id)
                if entity.type == "GPE" and not COMPASS.match(entity.name):
                    self.spoken.add(key)  # a town by its type ("Northwest ...": a quarter)
                for mention in entity.mentions:
                    if _site_name(article, mention) or _facility_name(article, mention):
                        total[key] += SITE_WEIGHT  # a fallback when the story names no other place
                        continue
                    share = (AGENCY_WEIGHT if agency else 1) * \
                        (DESTINATION_WEIGHT if _destination(article, mention) else 1)
                    if _person(article, mention):
                        share *= PERSON_WEIGHT
                    total[key] += share
                    if _metro_area(article, mention):
                        continue  # the metropolitan area: a vote for the story's region, not for the event's place
                    self.mentions.append(_Mention(id(article), key, mention.span, share, _scene(article, mention)))
                    if mention.span.paragraph in opening[:LEDE_PARAGRAPHS]:
                        lead[key] += share
                    if mention.span.paragraph == TITLE:
                        titles[key] += share
                        if self.mentions[-1].scene:  # "Teen shot in Townville"
                            scene[key] += TITLE_SCENE_SHARE * share
                    if mention.span.paragraph in opening and _dateline(article, mention):
                        datelines[key] += 1
                    if _with_region(article, mention):
                        qualified.add(key)
                    if _named_quarter(article, mention):
                        quarters.add(key)
        self.total, self.lead, self.datelines, self.titles, self.title_scenes = total, lead, datelines, titles, scene
        self.quarters, self.qualified = quarters, qualified
        self.unlisted = {k for k in qualified if _unlisted_town(located.get(k))}
        words = _common_words(articles, entity_of, total)
        located = {k: place for k, place in located.items() if k not in words}
        country = _story_country(total + lead + datelines + datelines, located)
        outlets = _outlet_regions(articles, named, located, country)
        self.region = _story_region(Counter({k: n for k, n in total.items() if k not in quarters}), located, outlets) \
            or _dateline_region(datelines, located) or max(outlets, key=outlets.get, default=None)
        if self.region is not None:  # the story's state decides its country and which namesake a name is
            country = self.region[0]
            located = {k: namesake_in(place, self.region) for k, place in located.items()}
        self.country, self.located = country, located
        self.settlements = {k for k in total if _settlement(located.get(k), country)} | self.unlisted


def ordered_places(draft: Draft, story: StoryPlaces) -> tuple[list[str], dict[str, Place]]:
    """The event's places, its location first, and the gazetteer places as the story reads them. Settlements of
    the story's country rank before regions before names the gazetteer could not place or places abroad; among
    settlements, the one the event's sentences name most, then the story (a city named throughout beats a
    neighbourhood named once). The candidates are the event's places and every settlement the story's articles
    name: reports often put the town in the dateline or the lede, or in another article, and the event's own
    sentence names only the street. Mentions in the headline, the lede and the dateline count more, names of
    facilities and newspapers and common words hardly or not at all; the datelines' state, then the outlets'
    home state, stands in when the mentions elect none."""
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for u in draft.units:
        spans.setdefault(id(u.article), []).append((u.paragraph, u.start, u.end))
    in_units, scene = Counter(), Counter(story.title_scenes)
    for mention in story.mentions:
        if any(in_span(mention.span, *span) for span in spans.get(mention.article, ())):
            in_units[mention.key] += mention.share
            if mention.scene:
                scene[mention.key] += mention.share
    total, lead, datelines = Counter(story.total), Counter(story.lead), Counter(story.datelines)
    titles, located, country, region = story.titles, story.located, story.country, story.region
    quarters, qualified, unlisted = story.quarters, story.qualified, story.unlisted
    candidates = {p for u in draft.units for p in u.places} | ({draft.place} if draft.place else set())
    # "was shot in Smallwood": a town the gazetteer lacks, named after the incident in an event sentence, ranks as
    # a village beside regions and counties, before the state (GVC dev oracle city +3/-0, all in the second half;
    # ranked with the placed settlements, -9: stations, streets, quarters; quarters "Northwest ..." -1).
    scene_only = {k for k in scene if k not in located and k in story.spoken}
    candidates |= story.settlements
    # A part as big as a city (100,000 people: a borough) that the event's sentences name more than its city stays
    # (GVC dev oracle city +2/-0, second half; kept whenever the event's sentences name it, -2).
    parts = {part: city for part, city in districts(candidates, located).items()
             if not (located[part].feature == "city" and in_units[part] > in_units[city])}
    for part, city in parts.items():  # the city stands for its part, with the part's mentions
        candidates.add(city)
        in_units[city] += in_units[part]
        total[city] += total[part]
        lead[city] += lead[part]
        datelines[city] += datelines[part]
        scene[city] += scene[part]

    metros = [located[k] for k in candidates if k in located and located[k].feature == "city"
              and located[k].precision == 1 and total[k] >= METRO_MENTIONS and located[k].lat is not None]

    def rank(entity_id: str) -> tuple:
        place = located.get(entity_id)
        foreign = place is not None and country is not None and place.country not in (None, country)
        elsewhere = place is not None and region is not None and place.admin1 is not None \
            and place.country == region[0] and place.admin1 != region[1]
        if region is None and metros and place is not None and place.feature in ("town", "village") \
                and place.admin1 is not None and place.lat is not None and entity_id not in qualified \
                and all((c.country, c.admin1) != (place.country, place.admin1)
                        and gazetteer.distance_km(c.lat, c.lon, place.lat, place.lon) > METRO_KM for c in metros):
            elsewhere = True  # a quarter of the story's city that the gazetteer knows only as a far town
        tier = 4 if foreign else (1 if entity_id in scene_only else 3) if place is None else 2 if elsewhere else \
            (0 if place.precision < 3 or entity_id in unlisted else 1)
        size = SETTLEMENT_SIZE.index(place.feature) if place is not None and place.feature in SETTLEMENT_SIZE \
            and entity_id not in parts and entity_id not in quarters else \
            SETTLEMENT_SIZE.index("village") if entity_id in unlisted | scene_only else len(SETTLEMENT_SIZE)
        weight = in_units[entity_id] + TOTAL_WEIGHT * total[entity_id] + LEDE_WEIGHT * lead[entity_id] \
            + DATELINE_WEIGHT * datelines[entity_id] + SCENE_WEIGHT * scene[entity_id] \
            + TITLE_WEIGHT * titles[entity_id]
        return tier, size > len(SETTLEMENT_SIZE) - 1, -weight, size, entity_id != draft.place, entity_id

    return sorted((c for c in candidates if c in total or c == draft.place), key=rank), located


# "the Townville Police Department", "Shire County Sheriff's Office": a local agency is named after the town or
# county it serves, which is where its officers answer calls. A mention of such an organisation counts as a
# mention of the place of that name the story names (the prefix, else the prefix without "Township", "City"...).
AGENCY = re.compile(r"^(?:the\s+)?(.+?)\s+(?:Police|Fire|Sheriff|Marshal|City Council|Town Council|"
                    r"Village Council|Borough Council)\b")
AGENCY_QUALIFIERS = ("township", "city", "village", "borough", "town")
# Each agency mention counts as one mention of its town (GVC dev, 2,617 incidents, oracle stories: city
# 0.786 → 0.788 at 1, +7 incidents; 0.5 gains +3, 2 gains +9).
AGENCY_WEIGHT = 1.0


def _agency_town(entity: Entity, named: dict[str, str]) -> str | None:
    """The story's place entity a local agency is named after ("Townville Police" → Townville), or None."""
    match = AGENCY.match(entity.name) if entity.type == "ORG" else None
    if not match:
        return None
    words = gazetteer.key(match.group(1)).split()
    if words and " ".join(words) in named:
        return named[" ".join(words)]
    if len(words) > 1 and words[-1] in AGENCY_QUALIFIERS:
        return named.get(" ".join(words[:-1]))
    return None


# "in the Elmwood neighborhood", "the city's Eastgate section": the name is a quarter of a city, even where the
# gazetteer lists a town of that name (often in another state). Not "a Townville neighborhood" (one in Townville).
QUARTER_AFTER = re.compile(r"^\s+(?:neighbou?rhoods?|section)\b", re.I)
QUARTER_BEFORE = re.compile(r"\b(?:a|an|his|her|their|our|my|your|one|another|every|each)\s+(?:[\w-]+\s+)?$", re.I)


# A page title ends with its site's name after a separator ("Man shot - Townville News | Weather"): a place
# named there is the outlet's home, not the event's.
SITE_WEIGHT = 0.1
SITE_SEPARATOR = re.compile(r"\s(?:[|\-–—]|::)\s")


# "was shot in Townville", "a home near Townville", "in the town of Townville", "in east Townville", "found dead
# north of Townville": a place written after "in"/"near"/"outside of"/"north of" in the event's sentence is where it
# happened, unless a destination comes between the incident and it ("shot and taken to Mercy Hospital in
# Townville"; "at a Bigtown hospital after a shooting in Townville" keeps Townville). GVC dev, 2,617 incidents,
# oracle stories: city 0.788 -> 0.791 at 3 (1: +3 incidents, 3-8 alike, both halves up); counted outside the event's
# sentences too, one half lost. The destination only between incident and place, with "a Townville hospital" a
# destination: +4/-1; "outside of", "north of": +1.
SCENE_WEIGHT = 3.0
SCENE_BEFORE = re.compile(r"(?:\b(?:in|near|outside(?:\s+of)?)\s+(?:the\s+)?(?:(?:town|city|village|community|"
                          r"borough|township)\s+of\s+)?(?:(?:north|south|east|west|northeast|northwest|southeast|"
                          r"southwest|downtown|central|rural|suburban)\s+)?|"
                          r"\b(?:north|south|east|west)(?:east|west)?\s+of\s+)$", re.I)
DESTINATION = re.compile(r"\b(?:hospital|medical|clinic|cent(?:er|re)|taken|transported|airlifted|flown|rushed|"
                         r"driven|drove)\b", re.I)

# The incident itself, written before the place in its sentence ("was shot ... in", "a shooting in", "it happened in").
US_SCENE_WORDS = (r"shot|shoot\w*|gunfire|gunshots?|killed|slain|stabb\w*|murder\w*|homicides?|wounded|dead|died|happened|"
                  r"occurred|found")
SCENE_CUE = re.compile(rf"\b(?:{US_SCENE_WORDS})\b", re.I)
# World news adds its own incidents (shelling, strikes, floods, protests: profiles/world.py); US local news keeps
# the list above.
WORLD_SCENE_CUE = re.compile(rf"\b(?:{US_SCENE_WORDS}|{'|'.join(world.SCENE_WORDS)})\b", re.I)


# "taken to Mercy Hospital in Townville", "flown to a hospital in Townville", "at a Townville hospital", "airlifted
# to Bigtown": where a victim was brought, counting DESTINATION_WEIGHT of a mention (GVC dev: +3 incidents at 0.3,
# +2 at 0, both halves up; "to Bigtown" +1).
DESTINATION_WEIGHT = 0.3
BROUGHT_TO = re.compile(r"(?:\b(?:taken|transported|airlifted|flown|rushed|driven|brought|sent)\s+to\b[^.;]{0,50}|"
                        r"\b(?:hospital|medical cent(?:er|re)|clinic|trauma cent(?:er|re))\s+)(?:in|near)\s+$|"
                        r"\b(?:taken|transported|airlifted|flown|rushed|driven|brought)\s+to\s+(?:the\s+)?$", re.I)


# "Tyler said", "Robinson, 16, told police": a place name followed by an age or a verb of speech is a person's
# name; such a mention counts PERSON_WEIGHT (GVC dev: +2 incidents at 0, one in each half; 0.3 none).
PERSON_WEIGHT = 0.0
PERSON_AFTER = re.compile(r"^(?:,\s+\d{1,2},|\s+(?:said|says|told|testified|pleaded|was charged|is charged|"
                          r"was arrested)\b)")

PLACE_BEFORE = re.compile(r"\b(?:in|of|from|near|at|to)\s+$", re.I)  # "neighbours in Townville said"


def _person(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(PERSON_AFTER.match(text[mention.span.end:mention.span.end + 30])) \
        and not PLACE_BEFORE.search(text[max(0, mention.span.start - 10):mention.span.start])


HOSPITAL_AFTER = re.compile(r"^(?:-area)?\s+(?:area\s+)?(?:hospitals?|trauma cent(?:er|re)|medical cent(?:er|re))\b")


def _destination(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(BROUGHT_TO.search(text[max(0, mention.span.start - 80):mention.span.start])
                or HOSPITAL_AFTER.match(text[mention.span.end:mention.span.end + 30]))


def _scene(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    before = text[max(0, mention.span.start - 60):mention.span.start]
    destinations = [m.end() for m in DESTINATION.finditer(before)]
    if not SCENE_BEFORE.search(before) or destinations and \
            destinations[-1] > max((m.start() for m in SCENE_CUE.finditer(before)), default=-1):
        return False
    opening = max([s for s, _ in sentences(text) if s <= mention.span.start], default=0)
    cue = SCENE_CUE if article.metadata.get("places_profile") == "us_local" else WORLD_SCENE_CUE
    return bool(cue.search(text[opening:mention.span.start]))


def _site_name(article: Article, mention) -> bool:
    if mention.span.paragraph != TITLE:
        return False
    separator = SITE_SEPARATOR.search(article.title or "")
    return separator is not None and mention.span.start >= separator.end()


# A place named right before a facility noun names the facility ("taken to Townville Memorial Hospital",
# "the Townville Road bridge", "Townville Herald"): often a namesake elsewhere or the outlet's home, not where the
# event happened. Before "County" or "Parish" it names the county (the model tagged only "Shire" of "Shire County
# deputies"), not the town of that name (GVC dev oracle city +5/-1 incidents, both halves up).
FACILITY_AFTER = re.compile(r"^(?:[\s'’s]*[A-Z][\w.'’-]*){0,3}\s+(?:Hospital|Medical|Clinic|Center|Centre|School|High|"
                            r"Elementary|Academy|University|College|Church|Airport|Street|Avenue|Road|Boulevard|"
                            r"Drive|Lane|Highway|Parkway|Mall|Plaza|Hotel|Apartments|Station|Jail|Prison|Courthouse|"
                            r"Chronicle|Times|Tribune|Herald|Journal|Gazette|Post|Daily|Press|Examiner|Register|Observer|"
                            r"Courier|Dispatch|Inquirer|Bee|Sentinel|Record|Telegraph|Star|Sun|News|County|Parish)\b")


def _facility_name(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(FACILITY_AFTER.match(text[mention.span.end:mention.span.end + 60]))


# "the Townville suburb of Elmwood", "a Townville-area man", "suburban Townville": the city names its metropolitan
# area, not the place where the event happened; such a mention votes for the story's country and region (it counts
# in the story's mentions) but not in the event's sentences, the lede or the dateline. GVC dev oracle city
# +5/-1 incidents (halves +1/-1 and +4/-0); counted as a facility's name instead, +4/-4 (the only city lost to a
# person's name abroad once its mentions no longer voted for the country).
METRO_AFTER = re.compile(r"^(?:-area\b|\s+(?:suburbs?|metro|metropolitan|area)\b)", re.I)
METRO_BEFORE = re.compile(r"\b(?:suburban|greater|suburbs\s+of|outskirts\s+of)\s+$", re.I)

# "Northwest Townville": a quarter of a town, not a town the gazetteer lacks.
COMPASS = re.compile(r"(?:north|south|east|west)(?:east|west)?\b", re.I)


def _metro_area(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(METRO_AFTER.match(text[mention.span.end:mention.span.end + 20])) \
        or bool(METRO_BEFORE.search(text[max(0, mention.span.start - 20):mention.span.start]))


# A dateline opens a report: "TOWNVILLE, State —", "TOWNVILLE (AP) —", "Townville, Ill. --". The place written
# there is where the report was filed: the event's town or its region's city. The first DATELINE_PARAGRAPHS
# content paragraphs are searched (pages often open with captions or menus).
DATELINE_PARAGRAPHS = 6
DATELINE_BEFORE = re.compile(r"^\W{0,3}(?:\([^)]{0,30}\)\s*)?$")
DATELINE_AFTER = re.compile(r"^\s*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?)?\s*(?:\([^)]{1,25}\))?\s*(?:—|–|--?)\s")
# The opening paragraphs (the lede) name the event's place; a mention there counts LEDE_WEIGHT more, one in the
# dateline DATELINE_WEIGHT more (GVC dev, 2,617 incidents, oracle stories: lede weights 0.5-1.5 and dateline 1-2
# alike, either alone about a third of the gain; three lede paragraphs +3 incidents over two, one -10). A mention
# in the headline counts TITLE_WEIGHT more (+5/-2 incidents, 0.5 +1, 2 alike), and after an incident verb
# ("Teen shot in Townville") TITLE_SCENE_SHARE of a scene mention more, whether or not the headline is one of the
# event's sentences: it outweighs the outlet's town repeated in a page's menus (+3/-1 incidents, both halves up;
# a whole one alike but moves a casualty figure).
LEDE_PARAGRAPHS = 3
LEDE_WEIGHT = 1.0
DATELINE_WEIGHT = 1.0
TITLE_WEIGHT = 1.0
TITLE_SCENE_SHARE = 0.5


def _dateline(article: Article, mention) -> bool:
    line = article.dateline  # read by extract/datelines.py: wire datelines of every form
    if line is not None and in_span(mention.span, line.place_span.paragraph, line.place_span.start,
                                    line.place_span.end):
        return True
    text = article.paragraph_text(mention.span.paragraph)
    return bool(DATELINE_BEFORE.match(text[:mention.span.start])) \
        and bool(DATELINE_AFTER.match(text[mention.span.end:mention.span.end + 60]))


# "Smallville, Ill.": a name written with its state or region is a town there, also when the gazetteer does not
# list it (the places step then puts it at its region, precision 3): it ranks as a village.
WITH_REGION = re.compile(r"^\s*,\s*([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


def _unlisted_town(place: Place | None) -> bool:
    return place is not None and place.gazetteer_id is None and place.feature == "place"


def _with_region(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    match = WITH_REGION.match(text[mention.span.end:mention.span.end + 40])
    return bool(match) and _region_name(match.group(1).rstrip("."))


@functools.lru_cache(maxsize=4096)
def _region_name(name: str) -> bool:
    places = gazetteer.load()
    return bool(places.us_state_written(name)) or any(c.feature in ("region", "state") for c in places.candidates(name))


def _common_words(articles: list[Article], entity_of: dict[str, str], total: Counter) -> set[str]:
    """Place entities named by a one-word name the story writes at least as often in lower case as capitalised
    inside a sentence ("Police", "Metro", "Home"; a sentence's first word tells nothing), or only in lower case
    while it writes other names capitalised ("a perm" the model tagged as Perm): a common word the gazetteer
    matched, not a place. Text in lower case or capitals (wire copy, transcripts, truecased text) tells nothing:
    the first test needs the name capitalised inside a sentence, the second a story that writes at most
    LOWER_CASE_SHARE of its names in lower case. (Against every capitalised use: GVC dev oracle city -1, "Police"
    at sentence starts outnumbering "police"; never capitalised: +1/-0.)"""
    names = {}
    for article in articles:
        for entity in article.entities:
            name = entity.name
            if " " not in name and name[:1].isupper() and name[1:].islower() and len(name) > 1:
                names.setdefault(entity_of.get(entity.id, entity.id), name)
    if not names:
        return set()
    texts = [text for article in articles for text in [article.title or ""]
             + [p.text for p in article.content_paragraphs()]]
    words = Counter(word for text in texts for word in WORD.findall(text))
    inside = Counter(word for text in texts for word in INSIDE.findall(text))
    entities = {entity_of.get(e.id, e.id): e for article in articles for e in article.entities if e.mentions}
    lowered = {key for key, e in entities.items() if all(m.text[:1].islower() for m in e.mentions)}
    cased = len(lowered) <= LOWER_CASE_SHARE * len(entities)
    return {key for key, name in names.items() if key in total and (
        words[name.lower()] >= 2 and inside[name] and words[name.lower()] >= inside[name]
        or cased and key in lowered and words[name.lower()] and not words[name])}


# A text in ordinary case writes hardly any name in lower case (a truecased transcript leaves many so: MUC).
LOWER_CASE_SHARE = 0.1


# A word of running text (not part of an address such as "townville.com" or "@townville").
WORD = re.compile(r"(?<![\w./@-])[A-Za-z]+(?![\w/@-]|\.\w)")
# A capitalised word inside a sentence (after a lower-case word or a comma).
INSIDE = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+\b")


# "tuscaloosanews.com": a local outlet's home town, read from its address, is one vote per article for the
# story's state, and elects it when neither the mentions nor the datelines do (GVC dev oracle city +7/-0
# incidents, both halves up: "Austin" a Chicago neighbourhood in Chicago outlets' reports; as a mention of the
# town, no change: the town is named in the text when it is the scene).
def _outlet_regions(articles: list[Article], named: dict[str, str], located: dict[str, Place],
                    country: str | None) -> Counter:
    """(country, first-level region) → the articles whose outlet is named after a town there: the town as the
    story places it, else the most populous of that name in the story's country."""
    votes = Counter()
    for article in _us_local(articles):
        town = outlet_town(article.url)
        if town is None:
            continue
        place = located.get(named.get(gazetteer.key(town.name), ""))
        if place is None or place.admin1 is None:
            place = max((c for c in gazetteer.load().candidates(town.name)
                         if c.feature in SETTLEMENT_SIZE and c.admin1 and country in (None, c.country)),
                        key=lambda c: c.population, default=None)
        if place is not None:
            votes[(place.country, place.admin1)] += 1
    return votes


# A report behind a login wall, or a page of video captions, names no place; a local outlet's home town is then the
# best clue to where it happened (GVC dev oracle city +12/-0 incidents). Not when the text names any place, even
# one the gazetteer lacks: a national outlet's town is no clue to a village abroad.
def outlet_place(articles: list[Article]) -> Place | None:
    """The town most of the ``articles``' outlets are named after, as a place near the event (precision 2, no
    entity: nothing in the text names it), else None."""
    towns = Counter(town for article in _us_local(articles) if (town := outlet_town(article.url)) is not None)
    if not towns:
        return None
    return towns.most_common(1)[0][0].as_place(2)


def _us_local(articles: list[Article]) -> list[Article]:
    """The articles read as US local news (profile us_local): only there is an outlet named after a town a clue
    ("tuscaloosanews.com"), elsewhere a word ("arabnews.com" is no report from Arab, Alabama)."""
    return [a for a in articles if a.metadata.get("places_profile") == "us_local"]


def _dateline_region(datelines: Counter, located: dict[str, Place]) -> tuple[str, str] | None:
    """(country, first-level region) of the place the story's datelines name most, when the mentions elect none."""
    placed = [(n, key) for key, n in datelines.items() if key in located and located[key].admin1]
    if not placed:
        return None
    place = located[max(placed)[1]]
    return place.country, place.admin1


def _named_quarter(article: Article, mention) -> bool:
    text = article.paragraph_text(mention.span.paragraph)
    return bool(QUARTER_AFTER.match(text[mention.span.end:mention.span.end + 20])) \
        and not QUARTER_BEFORE.search(text[max(0, mention.span.start - 30):mention.span.start])


# "a shooting in Elmwood ... Lakeside police said": when no state leads the story's mentions, a town or village
# the gazetteer put in another state than every city (100,000 people) the story names at least METRO_MENTIONS
# times, and farther than METRO_KM from each, is mostly a quarter of that city with a namesake elsewhere; it ranks
# as placed in another state, unless written with its state ("Elmwood, Ohio"). GVC dev oracle city +5/-1
# incidents, both halves up (50-200 km alike; cities named once: +10/-5).
METRO_KM = 100
METRO_MENTIONS = 2

# A mention elsewhere in the story counts half a mention in the event's sentences (GVC dev: 0.2-1 all equal).
TOTAL_WEIGHT = 0.5


# GeoNames lists big cities' neighbourhoods as towns ("Rogers Park", Chicago). The places step makes one a part
# of its city when one article names both; across a story's articles the same test applies: a settlement within
# DISTRICT_RADIUS * sqrt(population) km of a city the story names, in its region, with at least 1/DISTRICT_SHARE
# times its people (the places step's values; GVC dev: no incident changes, as the places step already catches
# most; a wider radius, 0.010-0.016, gains Rogers Park but loses suburbs the record names, Compton and Hawthorne).
# In the US a settlement is also a part of a city the story names when the Postal Service knows its name only as
# another name of that city's ZIP codes ("Rogers Park" of 60626, Chicago), also when the places step put the name
# in another state (GVC dev oracle city +9/-2 incidents, both halves up; a quarter "Southeast Townville" that is
# no postal city, of Townville: no change).
DISTRICT_RADIUS = 0.008
DISTRICT_SHARE = 0.2


def districts(candidates: set[str], located: dict[str, Place]) -> dict[str, str]:
    """Candidate settlement → the much larger city it is a part of, among the settlements the story names (by
    distance and people, or by the Postal Service's names)."""
    towns = {}
    for key, place in located.items():
        if place.feature in SETTLEMENT_SIZE and place.lat is not None and place.lon is not None:
            people = _population(place.name, place.gazetteer_id)
            if people:
                towns[key] = (place, people)
    found = {}
    for key in candidates & towns.keys():
        town, people = towns[key]
        cities = [(city_people, other) for other, (city, city_people) in towns.items()
                  if other != key and city.admin1 == town.admin1 and city_people * DISTRICT_SHARE >= people
                  and gazetteer.distance_km(city.lat, city.lon, town.lat, town.lon)
                  <= DISTRICT_RADIUS * math.sqrt(city_people)]
        if cities:
            found[key] = max(cities)[1]
    us = {key: place for key, place in located.items() if key in candidates and place.country == "US"
          and place.feature in SETTLEMENT_SIZE and place.admin1}
    by_name = {(place.admin1, gazetteer.key(place.name)): key for key, place in us.items()}
    states = {place.admin1: gazetteer.load().us_states.get(gazetteer.key(place.admin1)) for place in us.values()}
    for key, place in us.items():
        if key in found:
            continue
        for admin1 in sorted(states, key=lambda a: a != place.admin1):  # its own state first
            city = postal_city(place.name, states[admin1]) if states[admin1] else None
            other = by_name.get((admin1, gazetteer.key(city))) if city else None
            if other not in (None, key):
                found[key] = other
                break
    return found


@functools.lru_cache(maxsize=4096)
def _population(name: str, gazetteer_id: str | None) -> int:
    """The people of a gazetteer place (0 when the gazetteer does not list it under that name)."""
    if not gazetteer_id:
        return 0
    return next((c.population for c in gazetteer.load().candidates(name) if c.gazetteer_id == gazetteer_id), 0)


def _settlement(place: Place | None, country: str | None) -> bool:
    return place is not None and place.feature in SETTLEMENT_SIZE and place.precision < 3 \
        and (country is None or place.country in (None, country))


# The story's region must have this many times the votes of the next (GVC dev: a tie or a lead by one is no
# evidence; without this, +6/-8 incidents on one sample).
REGION_DOMINANCE = 2


def _story_region(total: Counter, located: dict[str, Place], outlets: Counter) -> tuple[str, str] | None:
    """(country, first-level region) holding at least two and REGION_DOMINANCE times the place mentions of any
    other (with the ``outlets``' votes), or None; a name shared by towns of several regions ("Springfield") votes
    by its share of their people. Local news happens in one state: a town the gazetteer placed in another is more
    likely a namesake or a neighbourhood of the same name."""
    votes = Counter(outlets)
    for key, n in total.items():
        place = located.get(key)
        if place is None or place.admin1 is None or place.gazetteer_id is None:
            continue
        votes[(place.country, place.admin1)] += n * _namesake_share(place.name, place.gazetteer_id, place.country)
    ranked = votes.most_common(2) + [(None, 0.0), (None, 0.0)]
    (best, n), (_, runner_up) = ranked[0], ranked[1]
    return best if best is not None and n >= 2 and n >= REGION_DOMINANCE * runner_up else None


def namesake_in(place: Place, region: tuple[str, str]) -> Place:
    """The settlement of ``place``'s name in the story's ``region`` (the most populous there) when the places step
    put it in another state or abroad (each article is placed alone: "Burlington" is Ontario's, the larger, in a
    story of a Washington county), else ``place``. GVC dev oracle city +6/-1 incidents, both halves up."""
    if place.feature not in SETTLEMENT_SIZE or place.gazetteer_id is None or (place.country, place.admin1) == region:
        return place
    found = [c for c in gazetteer.load().candidates(place.name)
             if (c.country, c.admin1) == region and c.feature in SETTLEMENT_SIZE]
    if not found:
        return place
    return max(found, key=lambda c: c.population).as_place(place.precision, place.entity, name=place.name)


@functools.lru_cache(maxsize=4096)
def _namesake_share(name: str, gazetteer_id: str, country: str | None) -> float:
    """The place's share of the people of the country's places called ``name`` (1 for a unique name)."""
    found = [c for c in gazetteer.load().candidates(name) if c.country == country]
    mine = sum(c.population for c in found if c.gazetteer_id == gazetteer_id)
    total = sum(c.population for c in found)
    return mine / total if total and mine else 1.0


def _story_country(total: Counter, located: dict[str, Place]) -> str | None:
    """The country most of the story's place mentions lie in (a gazetteer match abroad is more likely a
    misreading than the event's place)."""
    countries = Counter()
    for key, n in total.items():
        if key in located and located[key].country:
            countries[located[key].country] += n
    return countries.most_common(1)[0][0] if countries else None

