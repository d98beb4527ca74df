"""Where a story's events happened: the story's places read once, then ranked for each event.

The order of decisions:

1. **Candidates.** Each place entity the story's articles name in their
   headline, body and headings (not in a caption, a credit or a list of other
   stories: :func:`told_in`), at its most precise gazetteer place (the places
   step placed each article alone); an event's candidates are its own
   sentences' places and every settlement the story names (reports put the
   town in the dateline or the lede, and the event's sentence often names only
   the street).
2. **Evidence per mention** (:mod:`.place_cues`, with the words of the
   article's profile): a site's or a facility's name counts little, a local
   agency's name counts for its town, a victim's destination and a person's
   name count less, the metropolitan area counts only for the story's region;
   mentions after an incident word, in the headline, the lede and the dateline
   count more.
3. **The story's country and region.** Common words the gazetteer matched are
   left out; the country most mentions lie in; the first-level region holding
   most mentions (with the outlets' home towns where the profile reads them),
   else the datelines' region; a town placed in another region moves to its
   namesake in the story's region.
4. **Parts of cities.** A settlement within reach of a much larger city the
   story names, or known to the US Postal Service only as another name of
   that city, stands for the city.
5. **Ranking** (:func:`ordered_places`): settlements of the story's country
   before regions, before unplaced names, before places abroad; then by the
   weighted mentions.
6. **The event's location** (:func:`event_location`): the first ranked place
   the gazetteer placed; none named, the outlets' home town where the profile
   reads it (precision 2); a report at the level of "the region" is located at
   the region (ACLED precision 3), never at a town's point, and so is one whose
   sentences name the region and no place in it while the story names several
   places there (one alone, as in a dateline, stands for the event).

Each weight is a setting (``[reconcile.places]`` in defaults.toml); what each
moved on the development data is recorded in docs/notes/place-context.md.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from typing import Iterable, Protocol

from .. import config as config_module
from .. import profiles
from ..extract import gazetteer
from ..extract.postal import postal_city
from ..model import CONTENT_ROLES, TITLE, Article, Entity, Place, Span
from ..profiles import Profile
from ..profiles.us_local import outlet_town
from . import place_cues as cue
from .place_cues import in_span

PLACE_TYPES = ("GPE", "LOC")
SETTLEMENT_SIZE = gazetteer.SETTLEMENTS  # largest first
AREAS = {"country", "region", "state", "county"}


@dataclass(frozen=True)
class PlaceSettings:
    """The weights of the place context (``[reconcile.places]``; each documented there)."""

    scene_weight: float
    total_weight: float
    lede_weight: float
    dateline_weight: float
    title_weight: float
    title_scene_share: float
    site_weight: float
    person_weight: float
    agency_weight: float
    destination_weight: float
    lede_paragraphs: int
    dateline_paragraphs: int
    metro_km: float
    metro_mentions: int
    district_radius: float
    district_share: float
    region_dominance: float
    lower_case_share: float
    nearby_km: float

    @classmethod
    def from_config(cls, section: dict | None = None) -> PlaceSettings:
        """The shipped ``[reconcile.places]`` values with ``section`` laid over them."""
        if not section:
            return _shipped_settings()
        values = {**_shipped_values(), **section}
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown [reconcile.places] settings: {', '.join(sorted(unknown))}")
        return cls(**values)


@functools.lru_cache(maxsize=1)
def _shipped_values() -> dict:
    return config_module.defaults()["reconcile"]["places"]


@functools.lru_cache(maxsize=1)
def _shipped_settings() -> PlaceSettings:
    return PlaceSettings(**_shipped_values())


def story_profile(articles: list[Article]) -> Profile:
    """The profile a story is read with: the one most of its articles that name a place below country level were
    read with by the places step (their places decided it; a tie is US local news: half its reports are), else
    the one most of its articles were read with (a user's choice reads every article so), else the world's."""
    named = Counter()
    read = Counter()
    for article in articles:
        name = article.metadata.get("places_profile")
        if name is None:
            continue
        read[name] += 1
        if any(e.place is not None and e.place.feature not in WORLD_AREAS for e in article.entities):
            named[name] += 1
    votes = named or read
    if not votes:
        return profiles.get("world")
    best = max(votes.values())
    return profiles.get("us_local" if votes["us_local"] == best else max(votes, key=votes.get))


WORLD_AREAS = ("country", "continent")  # places that tell nothing of local news


def place_entities(article: Article) -> list[Entity]:
    return [e for e in article.entities if e.place is not None or e.type in PLACE_TYPES]


def located_places(articles: list[Article], entity_of: dict[str, str]) -> dict[str, Place]:
    """Desk entity id → its most precise gazetteer place among the articles."""
    found: dict[str, Place] = {}
    for article in articles:
        for entity in article.entities:
            key = entity_of.get(entity.id, entity.id)
            if entity.place is not None and (key not in found or entity.place.precision < found[key].precision):
                found[key] = entity.place
    return found


def _precision(entity: Entity) -> int:
    """ACLED precision of a located place; 4 ranks a name the gazetteer could not place (a street) after them."""
    return entity.place.precision if entity.place is not None else 4


def places_in(
    article: Article, paragraph: int, start: int, end: int, entity_of: dict[str, str], located: bool = False
) -> list[str]:
    """Place entities mentioned between ``start`` and ``end``: most precise first, then first mentioned
    (only those the gazetteer placed when ``located``)."""
    first: dict[int, tuple] = {}  # entity (by identity) → (precision, first position, desk entity)
    for entity, mention in article.mentions_at(paragraph):
        if (entity.place is None and (located or entity.type not in PLACE_TYPES)) or not in_span(
            mention.span, paragraph, start, end
        ):
            continue
        found = (_precision(entity), mention.span.start, entity_of.get(entity.id, entity.id))
        first[id(entity)] = min(first.get(id(entity), found), found)
    return [entity_id for _, _, entity_id in sorted(first.values())]


def told_in(article: Article, paragraph: int) -> bool:
    """Whether the paragraph tells the report: the headline, body and headings; not a photo's caption, a credit or
    a list of other stories (clean/roles.py), whose places are where a photo was taken or another story happened."""
    return (
        paragraph == TITLE
        or 0 <= paragraph < len(article.paragraphs)
        and (article.paragraphs[paragraph].role in CONTENT_ROLES)
    )


def first_place(article: Article, entity_of: dict[str, str]) -> str | None:
    """The place the article names first in its content (often the dateline)."""
    best = None
    for entity in place_entities(article):
        if entity.place is None:
            continue
        for mention in entity.mentions:
            if mention.span.paragraph == TITLE or not told_in(article, mention.span.paragraph):
                continue
            key = (mention.span.paragraph, mention.span.start)
            if best is None or key < best[0]:
                best = (key, entity_of.get(entity.id, entity.id))
    return best[1] if best else None


@dataclass(frozen=True)
class _Mention:
    """A mention that can count in an event's sentences: its article, span, share and whether it follows an
    incident word ("shot ... in Townville")."""

    article: int  # id() of its article
    key: str
    span: Span
    share: float
    scene: bool


class Sentence(Protocol):
    """Where an event is told: a sentence of an article and the places it names (desk entity ids); the events
    step's units are such sentences."""

    article: Article
    paragraph: int
    start: int
    end: int
    places: list[str]


class StoryPlaces:
    """The story's place mentions read once for all its events (steps 1-3 of the module's order): the counts that
    do not depend on an event (the whole story, the lede, the headline, the datelines), the common words left
    out, the story's country and region and each gazetteer place as the story reads it. ``ordered_places`` ranks
    them for each event."""

    def __init__(
        self,
        articles: list[Article],
        located: dict[str, Place],
        entity_of: dict[str, str],
        settings: PlaceSettings | None = None,
    ) -> None:
        self.settings = s = settings or PlaceSettings.from_config()
        self.profile = story_profile(articles)
        cues = cue.cues(self.profile)
        self.mentions: list[_Mention] = []
        total, lead, datelines, titles, scene = Counter(), Counter(), Counter(), Counter(), Counter()
        quarters, qualified, self.spoken = set(), set(), set()
        named = {gazetteer.key(e.name): entity_of.get(e.id, e.id) for a in articles for e in place_entities(a)}
        for article in articles:
            opening = [p.index for p in article.content_paragraphs()[: s.dateline_paragraphs]]
            for entity in article.entities:
                agency = cue.agency_town(entity, named, cues)
                key = agency or entity_of.get(entity.id, entity.id)
                if entity.type == "GPE" and not cue.COMPASS.match(entity.name):
                    self.spoken.add(key)  # a town by its type ("Northwest ...": a quarter)
                for mention in entity.mentions:
                    if not told_in(article, mention.span.paragraph):
                        continue  # a caption's village, a credit's city: no evidence of where the events were
                    if cue.site_name(article, mention) or cue.facility_name(article, mention, cues):
                        total[key] += s.site_weight  # a fallback when the story names no other place
                        continue
                    share = (s.agency_weight if agency else 1) * (
                        s.destination_weight if cue.destination(article, mention, cues) else 1
                    )
                    if cue.person(article, mention):
                        share *= s.person_weight
                    total[key] += share
                    if cue.metro_area(article, mention):
                        continue  # the metropolitan area: a vote for the story's region, not for the event's place
                    at_scene = cue.scene(article, mention, cues)
                    self.mentions.append(_Mention(id(article), key, mention.span, share, at_scene))
                    if mention.span.paragraph in opening[: s.lede_paragraphs]:
                        lead[key] += share
                    if mention.span.paragraph == TITLE:
                        titles[key] += share
                        if at_scene:  # "Teen shot in Townville"
                            scene[key] += s.title_scene_share * share
                    if mention.span.paragraph in opening and cue.dateline(article, mention):
                        datelines[key] += 1
                    if cue.with_region(article, mention):
                        qualified.add(key)
                    if cue.named_quarter(article, mention):
                        quarters.add(key)
        self.total, self.lead, self.datelines, self.titles, self.title_scenes = total, lead, datelines, titles, scene
        self.quarters, self.qualified = quarters, qualified
        self.unlisted = {k for k in qualified if cue.unlisted_town(located.get(k))}
        words = cue.common_words(articles, entity_of, total, s.lower_case_share)
        located = {k: place for k, place in located.items() if k not in words}
        country = _story_country(total + lead + datelines + datelines, located)
        outlets = _outlet_regions(articles, named, located, country) if self.profile.outlet_towns else Counter()
        self.region = (
            _story_region(
                Counter({k: n for k, n in total.items() if k not in quarters}), located, outlets, s.region_dominance
            )
            or _dateline_region(datelines, located)
            or max(outlets, key=outlets.get, default=None)
        )
        if self.region is not None:  # the story's region decides its country and which namesake a name is
            country = self.region[0]
            located = {k: namesake_in(place, self.region) for k, place in located.items()}
        self.country, self.located = country, located
        self.settlements = {k for k in total if _settlement(located.get(k), country)} | self.unlisted


def ordered_places(
    told: Iterable[Sentence], place: str | None, story: StoryPlaces
) -> tuple[list[str], dict[str, Place]]:
    """The places of the event ``told`` in these sentences (placed at ``place`` by its sentences, if any), its
    location first, and the gazetteer places as the story reads them (steps 4-5 of the module's order).
    Settlements of the story's country rank before regions before names the gazetteer could not place or places
    abroad; among settlements, the one the event's sentences name most, then the story (a city named throughout
    beats a neighbourhood named once). Mentions in the headline, the lede and the dateline count more, names of
    facilities and newspapers and common words hardly or not at all; the datelines' region, then the outlets'
    home region, stands in when the mentions elect none."""
    s = story.settings
    told = list(told)
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for sentence in told:
        spans.setdefault(id(sentence.article), []).append((sentence.paragraph, sentence.start, sentence.end))
    in_units, scene = Counter(), Counter(story.title_scenes)
    for mention in story.mentions:
        if any(in_span(mention.span, *span) for span in spans.get(mention.article, ())):
            in_units[mention.key] += mention.share
            if mention.scene:
                scene[mention.key] += mention.share
    total, lead, datelines = Counter(story.total), Counter(story.lead), Counter(story.datelines)
    titles, located, country, region = story.titles, story.located, story.country, story.region
    quarters, qualified, unlisted = story.quarters, story.qualified, story.unlisted
    candidates = {p for sentence in told for p in sentence.places} | ({place} if place else set())
    # "was shot in Smallwood": a town the gazetteer lacks, named after the incident in an event sentence, ranks as
    # a village beside regions and counties, before the state.
    scene_only = {k for k in scene if k not in located and k in story.spoken}
    candidates |= story.settlements
    # A part as big as a city (a borough) that the event's sentences name more than its city stays.
    parts = {
        part: city
        for part, city in districts(candidates, located, s).items()
        if not (located[part].feature == "city" and in_units[part] > in_units[city])
    }
    for part, city in parts.items():  # the city stands for its part, with the part's mentions
        candidates.add(city)
        in_units[city] += in_units[part]
        total[city] += total[part]
        lead[city] += lead[part]
        datelines[city] += datelines[part]
        scene[city] += scene[part]

    metros = [
        located[k]
        for k in candidates
        if k in located
        and located[k].feature == "city"
        and located[k].precision == 1
        and total[k] >= s.metro_mentions
        and located[k].lat is not None
    ]

    def rank(entity_id: str) -> tuple:
        place_ = located.get(entity_id)
        foreign = place_ is not None and country is not None and place_.country not in (None, country)
        elsewhere = (
            place_ is not None
            and region is not None
            and place_.admin1 is not None
            and place_.country == region[0]
            and place_.admin1 != region[1]
        )
        if (
            region is None
            and metros
            and place_ is not None
            and place_.feature in ("town", "village")
            and place_.admin1 is not None
            and place_.lat is not None
            and entity_id not in qualified
            and all(
                (c.country, c.admin1) != (place_.country, place_.admin1)
                and gazetteer.distance_km(c.lat, c.lon, place_.lat, place_.lon) > s.metro_km
                for c in metros
            )
        ):
            elsewhere = True  # a quarter of the story's city that the gazetteer knows only as a far town
        tier = (
            4
            if foreign
            else (1 if entity_id in scene_only else 3)
            if place_ is None
            else 2
            if elsewhere
            else (0 if place_.precision < 3 or entity_id in unlisted else 1)
        )
        size = (
            SETTLEMENT_SIZE.index(place_.feature)
            if place_ is not None
            and place_.feature in SETTLEMENT_SIZE
            and entity_id not in parts
            and entity_id not in quarters
            else SETTLEMENT_SIZE.index("village")
            if entity_id in unlisted | scene_only
            else len(SETTLEMENT_SIZE)
        )
        weight = (
            in_units[entity_id]
            + s.total_weight * total[entity_id]
            + s.lede_weight * lead[entity_id]
            + s.dateline_weight * datelines[entity_id]
            + s.scene_weight * scene[entity_id]
            + s.title_weight * titles[entity_id]
        )
        return tier, size > len(SETTLEMENT_SIZE) - 1, -weight, size, entity_id != place, entity_id

    return sorted((c for c in candidates if c in total or c == place), key=rank), located


# "Two areas of the region were attacked": a report at the level of a region, whatever town its paragraph names.
REGION_LEVEL = re.compile(
    r"\b(?:the|this|that|areas? of the|parts? of the|across the) "
    r"(?:region|province|oblast|governorate|prefecture)\b",
    re.I,
)


def event_location(
    told: Iterable[Sentence],
    ranked: tuple[list[str], dict[str, Place]],
    articles: list[Article],
    located: dict[str, Place],
    story: StoryPlaces | None = None,
) -> Place | None:
    """Step 6 of the module's order: the event's location from its ``ranked`` places (``ordered_places``), at
    the region when the ``story`` (or the sentences alone) report it at the region's level."""
    ordered, placed = ranked
    location = next((placed[p] for p in ordered if p in placed), None) if ordered else outlet_place(articles)
    return _region_level(list(told), location, located or placed, story)


def _region_level(
    told: list[Sentence], location: Place | None, located: dict[str, Place], story: StoryPlaces | None
) -> Place | None:
    """ACLED's precision 3, never a town's point, for an event reported at the level of its region: its sentences
    name no place of their own but speak of "the region", or they name that region and no place in it while the
    story's body names several places in it (the villages of the governor's report: nothing says which one the
    event was at; one alone, as in a dateline, stands for it)."""
    if location is None or location.feature in AREAS:
        return location
    own = [located.get(p) for t in told for p in t.places]
    if own:
        inside = [p for p in own if p is None or p.feature not in AREAS and _same_region(p, location)]
        holding = any(p.feature in ("region", "state") and _same_region(p, location) for p in own if p is not None)
        if inside or not holding or story is None or len(_named_in_region(story, location)) < 2:
            return location
    elif not any(REGION_LEVEL.search(t.article.paragraph_text(t.paragraph)[t.start : t.end]) for t in told):
        return location
    region = next((p for p in located.values() if p.feature in ("region", "state") and _same_region(p, location)), None)
    return region or replace(location, precision=3)


def _same_region(place: Place, other: Place) -> bool:
    return (place.country, place.admin1) == (other.country, other.admin1)


def _named_in_region(story: StoryPlaces, location: Place) -> set[str]:
    """The places below region level that the story's reports (not its captions or credits) name in the first-level
    region of ``location``."""
    return {
        key
        for key in story.total
        if (place := story.located.get(key)) is not None
        and place.feature not in AREAS
        and _same_region(place, location)
    }


def _outlet_regions(
    articles: list[Article], named: dict[str, str], located: dict[str, Place], country: str | None
) -> Counter:
    """(country, first-level region) → the articles whose outlet is named after a town there: the town as the
    story places it, else the most populous of that name in the story's country."""
    votes = Counter()
    for article in articles:
        town = outlet_town(article.url)
        if town is None:
            continue
        place = located.get(named.get(gazetteer.key(town.name), ""))
        if place is None or place.admin1 is None:
            place = max(
                (
                    c
                    for c in gazetteer.load().candidates(town.name)
                    if c.feature in SETTLEMENT_SIZE and c.admin1 and country in (None, c.country)
                ),
                key=lambda c: c.population,
                default=None,
            )
        if place is not None:
            votes[(place.country, place.admin1)] += 1
    return votes


def outlet_place(articles: list[Article]) -> Place | None:
    """The town most of the ``articles``' outlets are named after, as a place near the event (precision 2, no
    entity: nothing in the text names it), else None. Only for a report that names no place, and only where the
    profile reads outlets so: "arabnews.com" is no report from Arab, Alabama."""
    if not story_profile(articles).outlet_towns:
        return None
    towns = Counter(town for article in articles if (town := outlet_town(article.url)) is not None)
    if not towns:
        return None
    return towns.most_common(1)[0][0].as_place(2)


def _dateline_region(datelines: Counter, located: dict[str, Place]) -> tuple[str, str] | None:
    """(country, first-level region) of the place the story's datelines name most, when the mentions elect none."""
    placed = [(n, key) for key, n in datelines.items() if key in located and located[key].admin1]
    if not placed:
        return None
    place = located[max(placed)[1]]
    return place.country, place.admin1


def districts(candidates: set[str], located: dict[str, Place], settings: PlaceSettings) -> dict[str, str]:
    """Candidate settlement → the much larger city it is a part of, among the settlements the story names: within
    ``district_radius`` * sqrt(people) km of a city of its region with at least 1/``district_share`` times its
    people (the places step's test, across the story's articles), or, in the US, a name the Postal Service knows
    only as another name of that city's ZIP codes ("Rogers Park" of 60626, Chicago)."""
    towns = {}
    for key, place in located.items():
        if place.feature in SETTLEMENT_SIZE and place.lat is not None and place.lon is not None:
            people = _population(place.name, place.gazetteer_id)
            if people:
                towns[key] = (place, people)
    found = {}
    for key in candidates & towns.keys():
        town, people = towns[key]
        cities = [
            (city_people, other)
            for other, (city, city_people) in towns.items()
            if other != key
            and city.admin1 == town.admin1
            and city_people * settings.district_share >= people
            and gazetteer.distance_km(city.lat, city.lon, town.lat, town.lon)
            <= settings.district_radius * math.sqrt(city_people)
        ]
        if cities:
            found[key] = max(cities)[1]
    # US places, whatever the story's profile: the postal names are knowledge of the place, not of the news
    us = {
        key: place
        for key, place in located.items()
        if key in candidates and place.country == "US" and place.feature in SETTLEMENT_SIZE and place.admin1
    }
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
    return (
        place is not None
        and place.feature in SETTLEMENT_SIZE
        and place.precision < 3
        and (country is None or place.country in (None, country))
    )


def _story_region(
    total: Counter, located: dict[str, Place], outlets: Counter, dominance: float
) -> tuple[str, str] | None:
    """(country, first-level region) holding at least two and ``dominance`` times the place mentions of any other
    (with the ``outlets``' votes), or None; a name shared by towns of several regions ("Springfield") votes by its
    share of their people. Local news happens in one region: a town the gazetteer placed in another is more likely
    a namesake or a neighbourhood of the same name."""
    votes = Counter(outlets)
    for key, n in total.items():
        place = located.get(key)
        if place is None or place.admin1 is None or place.gazetteer_id is None:
            continue
        votes[(place.country, place.admin1)] += n * _namesake_share(place.name, place.gazetteer_id, place.country)
    ranked = votes.most_common(2) + [(None, 0.0), (None, 0.0)]
    (best, n), (_, runner_up) = ranked[0], ranked[1]
    return best if best is not None and n >= 2 and n >= dominance * runner_up else None


def namesake_in(place: Place, region: tuple[str, str]) -> Place:
    """The settlement of ``place``'s name in the story's ``region`` (the most populous there) when the places step
    put it in another region or abroad (each article is placed alone: "Burlington" is Ontario's, the larger, in a
    story of a Washington county), else ``place``."""
    if place.feature not in SETTLEMENT_SIZE or place.gazetteer_id is None or (place.country, place.admin1) == region:
        return place
    found = [
        c
        for c in gazetteer.load().candidates(place.name)
        if (c.country, c.admin1) == region and c.feature in SETTLEMENT_SIZE
    ]
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
