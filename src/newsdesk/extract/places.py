"""Geocode the article's GPE/LOC entities with the embedded world gazetteer, under a profile.

The article is read as world news (profile ``world``); when its places then lie
mostly in the US, or a name is written with a US state abbreviation, it is read
again as US local news (``us_local``: see :mod:`newsdesk.profiles`). Under a
profile each place entity gets a :class:`~newsdesk.model.Place`, decided in this order:

1. areas the article names: a country before a continent before a region (the
   profile's home regions first), then the countries the article speaks of
   (demonyms, the outlet's country domain), then population; a region means a
   town of its name lying in it, a national capital or a larger town;
2. a qualifier right after a mention ("Springfield, Ill.", "Kharkiv, Ukraine")
   keeps only the places in that state, region or country;
3. the regions and countries the article names elsewhere favour the places
   that lie in them; population and national capitals are the prior;
4. "the region of X", "X region", "X Oblast" make the entity the first-level
   region around X (precision 3); "the regional capital of X", "the city of X"
   keep the city (precision 1).

A place the gazetteer lacks (a village under 500 people) is placed from
its context, never at a country centroid: at the place it is listed with
("the settlements of A and B") with precision 2, else at the region the
sentence names with precision 3, else — when all the article's places lie in
one region (local news) — near the town it mentions most with precision 2,
else, a location in an article about one town, near that town, else not at all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .. import profiles
from ..model import Article, Entity, Place
from ..pipeline import step
from ..profiles import Profile
from ..vocabulary import facility_kind
from .gazetteer import COMPASS_DIRECTIONS, SETTLEMENTS, Candidate, Gazetteer, distance_km, key, load

PLACE_TYPES = ("GPE", "LOC")
POINTS = (*SETTLEMENTS, "airport")  # features placed exactly (precision 1)

REGION_BEFORE = re.compile(
    r"\b(?:region|province|oblast|governorate|state|county|prefecture|krai|district)\s+of\s*$", re.IGNORECASE
)
REGION_AFTER = re.compile(r"^\s+(?:region|oblast|province|governorate|krai|kray|prefecture)\b", re.IGNORECASE)
CITY_BEFORE = re.compile(
    r"\b(?:city|capital|town|village|settlements?|suburbs?|outskirts|downtown|mayor)\s+of\s*$", re.IGNORECASE
)
CITY_AFTER = re.compile(
    r"^(?:\s+(?:city|town|village|mayor|police)|,\s+(?:the\s+)?(?:regional\s+|provincial\s+)?capital)\b", re.IGNORECASE
)
QUALIFIER = re.compile(r"^\s*,\s*((?:[A-Z][\w.'’-]*\s?){1,3})")
# "Thruxton, Hampshire." and "New Quay, Ceredigion, on Wednesday" end there; "Sharon, Cornwall and Salisbury" runs on
ITEM_END = re.compile(r"\s*(?:[.;:)!?]|$|,\s+(?!and\b|or\b)[a-z])")
LISTED_WITH = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or)\s*$")
IN_REGION = re.compile(r"^[\w\s,'’-]{0,60}?\bin\s+(?:the\s+)?$")

# Kept off the main-name/alternate-name rule of the gazetteer: a place matched only through an
# alternate name must be at least a town, or acronyms ("EFE") land in villages abroad.
ALTERNATE_MIN_POPULATION = 5_000


@dataclass
class Context:
    qualifiers: list[Candidate]  # states/regions/countries named right after a mention
    region_votes: int
    city_votes: int
    abbreviated: bool = False  # a qualifier written otherwise than its area's name ("Mo.", "MO"): US style


def _contexts(article: Article, entity: Entity, gazetteer: Gazetteer, profile: Profile) -> Context:
    qualifiers: list[Candidate] = []
    region_votes = city_votes = 0
    abbreviated = False
    for mention in entity.mentions:
        text = article.paragraph_text(mention.span.paragraph)
        before, after = text[max(0, mention.span.start - 40) : mention.span.start], text[mention.span.end :]
        if REGION_BEFORE.search(before) or REGION_AFTER.match(after):
            region_votes += 1
        elif CITY_BEFORE.search(before) or CITY_AFTER.match(after):
            city_votes += 1
        match = QUALIFIER.match(after)
        if match:
            name = match.group(1).rstrip().rstrip(".")
            closed = ITEM_END.match(after[match.start(1) + len(name) :])  # a county closing the item, not a list's
            areas = _areas(match.group(1).strip(), gazetteer, profile, counties=closed is not None)
            qualifiers.extend(areas)
            abbreviated |= any(key(name) != key(area.name) for area in areas)
    return Context(qualifiers, region_votes, city_votes, abbreviated)


def _areas(text: str, gazetteer: Gazetteer, profile: Profile, counties: bool = False) -> list[Candidate]:
    """The states, regions or countries ``text`` names, else (``counties``) its counties (a US state abbreviation
    counts in the us_local profile)."""
    state = gazetteer.us_state(text.rstrip(".")) if profile.us_state_abbreviations else None
    if state:
        region = gazetteer.regions.get(f"US.{state}")
        return [region] if region else []
    found = gazetteer.candidates(text, profile.layers)
    return [c for c in found if c.is_area] or [c for c in found if counties and c.feature == "county"]


def _common_word(article: Article, entity: Entity) -> bool:
    """A one-word name capitalised only where every word is (a title, a heading, a sentence's start,
    capitals) that the article also writes in lower case ("Police said", "Weather") is a word, not a place."""
    name = entity.name
    if " " in name or not name[:1].isupper() or not name[1:].islower():
        return False
    for mention in entity.mentions:
        text = article.paragraph_text(mention.span.paragraph)
        if (
            mention.span.paragraph != -1
            and article.paragraphs[mention.span.paragraph].role == "body"
            and not text[mention.span.start : mention.span.end].isupper()
            and not SENTENCE_START.search(text[: mention.span.start])
        ):
            return False
    word = re.compile(rf"\b{re.escape(name.lower())}\b")
    return any(word.search(p.text) for p in article.paragraphs)


def _candidates(name: str, gazetteer: Gazetteer, profile: Profile) -> list[Candidate]:
    found = gazetteer.candidates(name, profile.layers)
    return [c for c in found if c.is_area or key(c.name) == key(name) or c.population >= ALTERNATE_MIN_POPULATION]


COMPASS = COMPASS_DIRECTIONS | {
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "downtown",
    "upper",
    "lower",
    "greater",
    "n",
    "s",
    "e",
    "w",
    "ne",
    "nw",
    "se",
    "sw",
}


# "South Side", "West End": a part of the town the article names, never a town of that name elsewhere.
SIDE = re.compile(
    r"^(?:north|south|east|west|northeast|northwest|southeast|southwest|far\s+\w+)\s*(?:side|end)$", re.IGNORECASE
)
# GeoNames cities500 lists big cities' neighbourhoods as populated places ("Rogers Park", Chicago): a place
# within DISTRICT_RADIUS * sqrt(population) km of a city named in the same article and at most
# DISTRICT_SHARE of its population is a part of it (Chicago 2.7M: 16 km; a suburb such as Kent lies 25 km
# from Seattle's centre, beyond its 8 km).
DISTRICT_RADIUS = 0.008
DISTRICT_SHARE = 0.2
# Local news: half of at least three place mentions in one state (GVC dev: 0.34-0.5 alike, 0.8 worse).
MAIN_REGION_SHARE = 0.5
MAIN_REGION_MENTIONS = 3
SENTENCE_START = re.compile(r"(?:^|[.!?:;|]['\"\u2019\u201d)]?\s+|\n)[\s'\"\u2018\u201c(\[-]*$")


def _part_of(name: str) -> str | None:
    """The place a part is named after ("West Philadelphia" → "Philadelphia"), or None."""
    words = key(name).split()
    if len(words) > 1 and words[0] in COMPASS and not SIDE.match(name):
        return " ".join(words[1:])
    return None


def _qualified(found: list[Candidate], context: Context, weights: Weights) -> list[Candidate]:
    """The candidates inside a state, region or country named right after a mention; after a county ("Thruxton,
    Hampshire"), whose bounds the gazetteer lacks, the one nearest its middle within ``county_km``."""
    inside = [
        c
        for c in found
        if any(c.country == q.country and (q.feature == "country" or c.region == q.region) for q in context.qualifiers)
    ]
    counties = [q for q in context.qualifiers if q.feature == "county"]
    if counties:
        county = counties[0]
        near = [c for c in inside if distance_km(c.lat, c.lon, county.lat, county.lon) <= weights.county_km]
        return [min(near, key=lambda c: distance_km(c.lat, c.lon, county.lat, county.lon))] if near else []
    return inside


@dataclass(frozen=True)
class Weights:
    """The ranking's weights ([places] settings; docs/configuration.md gives each one's reason)."""

    region_bonus: float = 2.0  # a region the article's other places lie in outweighs a population ratio of 100
    country_bonus: float = 1.5  # a country they lie in (or the article names) outweighs a ratio of 30
    capital_bonus: float = 1.0  # a national capital outweighs a namesake ten times its size
    demonym_weight: float = 0.5  # "Ukrainian" counts half a place of Ukraine as evidence for it
    outlet_weight: float = 0.5  # an outlet under a country's domain (".co.uk") counts half a place there
    main_town_share: float = 0.5  # an article about one town: that share of its settlement mentions
    us_local_share: float = 0.5  # the share of place mentions below country level in the US that makes US local news
    facility_town_population: int = 5_000  # "Palm Beach" is a town; a hamlet "Agriculture Park" loses to a park
    unmoved_population: int = 50_000  # a town this large in a local story from another state stays where it is
    near_bonus: float = 0.3  # a namesake near a town the article already placed gains a population ratio of 2
    near_km: float = 500.0  # "near": within a day's drive; neighbouring states' towns, not the far coast's
    county_km: float = 75.0  # "Thruxton, Hampshire": a county's towns lie this near its middle (no bounds known)


def _evidence(article: Article, gazetteer: Gazetteer, weights: Weights) -> Counter:
    """Countries the article speaks of without naming a place there: demonyms ("Ukrainian", "Russians"), and the
    country of its outlet's domain."""
    countries: Counter = Counter()
    for entity in article.entities:
        if entity.type == "NORP":
            k = key(entity.name)
            iso = gazetteer.demonyms.get(k) or gazetteer.demonyms.get(k.removesuffix("s"))
            if iso:
                countries[iso] += weights.demonym_weight * len(entity.mentions)
    iso = outlet_country(article.url)
    if iso in gazetteer.countries:
        countries[iso] += weights.outlet_weight
    return countries


def outlet_country(url: str | None) -> str | None:
    """The country of an outlet's country-code domain ("irishtimes.ie" → IE, ".co.uk" → GB), else None (".com",
    and country codes sold as words: ".tv", ".io")."""
    from ..outlets import web_domain
    from ..profiles.world import VANITY_DOMAINS

    suffix = (web_domain(url) or "").rsplit(".", 1)[-1]
    if len(suffix) != 2 or not suffix.isalpha() or suffix in VANITY_DOMAINS:
        return None
    return "GB" if suffix == "uk" else suffix.upper()


def _support(
    entity_id: str, chosen: dict[str, Candidate], pools: dict[str, tuple[list[Candidate], bool]], evidence: Counter
):
    """How much the article's other places speak for each region and country: 1 for a placed area,
    and for a place still ambiguous 1 split among its candidates' regions (countries), the larger
    namesakes weighing more (log10(population)^4: a city of 1M counts 16 times a village of 1,000)
    — so "Greene County" follows an unambiguous "Paragould" rather than a namesake "Greene"."""
    regions: Counter = Counter()
    countries: Counter = Counter(evidence)
    for other, area in chosen.items():
        if other != entity_id and area.country:
            countries[area.country] += 1
            if area.region and area.feature != "country":
                regions[area.region] += 1
    for other, (pool, _) in pools.items():
        if other == entity_id:
            continue
        weights = [math.log10(c.population + 10) ** 4 for c in pool]
        total = sum(weights)
        for candidate, weight in zip(pool, weights):
            if candidate.region:
                regions[candidate.region] += weight / total
            countries[candidate.country] += weight / total
    return regions, countries


def _score(candidate: Candidate, regions: Counter, countries: Counter, gazetteer: Gazetteer, weights: Weights) -> float:
    return (
        math.log10(candidate.population + 10)
        + weights.region_bonus * min(1.0, regions[candidate.region])
        + weights.country_bonus * min(1.0, countries[candidate.country])
        + weights.capital_bonus * (candidate.gazetteer_id in gazetteer.capitals)
    )


# Kinds of area, the one a name most likely means first: a country before a continent's namesake before a region.
AREA_KIND = {"country": 2, "continent": 1, "region": 0, "state": 0}


def _best_area(found: list[Candidate], gazetteer: Gazetteer, profile: Profile, evidence: Counter) -> Candidate | None:
    """The area a name means, or None when it means a town: by kind (the profile's home regions first), then
    the countries the article speaks of, then population. A region means a town of its name when that town lies
    in it (Kyiv), is a national capital ("Washington") or has more people than it ("Manchester", not the
    Jamaican parish)."""
    areas = [c for c in found if c.is_area]
    if not areas:
        return None
    top = max(
        areas,
        key=lambda c: (
            c.country == profile.home and c.feature == "state",
            AREA_KIND[c.feature],
            min(1.0, evidence[c.country]),
            c.population,
        ),
    )
    if top.feature in ("region", "state") and any(
        not c.is_area
        and (c.region == top.region or c.gazetteer_id in gazetteer.capitals or c.population > top.population)
        for c in found
    ):
        return None
    return top


def geocode(
    article: Article, gazetteer: Gazetteer | None = None, profile: str | Profile = "auto", weights: Weights = Weights()
) -> None:
    """Set ``entity.place`` on the article's GPE/LOC entities that can be placed, and record the profile used in
    ``article.metadata["places_profile"]``. ``profile``: a profile or its name, or "auto": the world profile,
    then the us_local profile when the places it finds make the article US local news."""
    gazetteer = gazetteer or load()
    if isinstance(profile, str) and profile != "auto":
        profile = profiles.get(profile)
    if isinstance(profile, Profile):
        _geocode(article, gazetteer, profile, weights)
    else:
        profile = profiles.get("world")
        _geocode(article, gazetteer, profile, weights)
        if _us_local(article, gazetteer, weights):
            profile = profiles.get("us_local")
            _geocode(article, gazetteer, profile, weights)
    article.metadata["places_profile"] = profile.name


def _us_local(article: Article, gazetteer: Gazetteer, weights: Weights) -> bool:
    """Whether most of the article's place mentions lie in the United States below country level (national
    capitals left out: "Washington" is world news; foreign countries count against it: a report on Brazil naming a
    "Geneva" is not US local news; places the gazetteer lacks follow the others and do not count), or a name is
    written with a US state's abbreviation after it ("York, Pa.", "Lima, OH": the style of US news, whatever the
    world profile made of the name)."""
    counts: Counter = Counter()
    for entity in article.entities:
        place = entity.place
        if (
            place is not None
            and place.country
            and place.gazetteer_id is not None
            and (place.feature not in ("country", "continent") or place.country != "US")
            and place.gazetteer_id not in gazetteer.capitals
        ):
            counts[place.country == "US"] += len(entity.mentions)
        for mention in entity.mentions:  # "York, Pa.", "Lima, OH": a US state written the US way after a name
            match = QUALIFIER.match(article.paragraph_text(mention.span.paragraph)[mention.span.end :])
            state = match and gazetteer.us_state_written(match.group(1).strip())
            if state and key(match.group(1)) != key(gazetteer.regions[f"US.{state}"].name):  # not "Georgia"
                return True
    total = sum(counts.values())
    if total == 0:  # no place below country level: a US broadcaster's call sign ("king5.com") makes it local news
        from ..outlets import web_domain
        from ..profiles.us_local import CALL_SIGN

        return any(CALL_SIGN.match(label) for label in (web_domain(article.url) or "").split(".")[:-1])
    return counts[True] >= weights.us_local_share * total


def _facilities(entities: list[Entity], gazetteer: Gazetteer, profile: Profile, weights: Weights) -> set[str]:
    """Ids of the entities that name a street or facility ("Frenchmen Street", "Colchester General Hospital"), not
    a town or area named like one ("Palm Beach": ``facility_town_population`` people or more; "Rhode Island") nor a
    facility the gazetteer holds (an airport)."""
    return {
        e.id
        for e in entities
        if facility_kind(e.name)
        and not any(
            c.feature in ("airport", "county")
            or c.is_area
            or c.feature in SETTLEMENTS
            and c.population >= weights.facility_town_population
            and key(c.name) == key(e.name)
            for c in gazetteer.candidates(e.name, profile.layers)
        )
    }


def _geocode(article: Article, gazetteer: Gazetteer, profile: Profile, weights: Weights) -> None:
    entities = [
        e
        for e in article.entities
        if (e.type in PLACE_TYPES or e.type == "ORG" and facility_kind(e.name) == "building")
        and not _common_word(article, e)
    ]
    for entity in entities:
        entity.place = None
    facilities = _facilities(entities, gazetteer, profile, weights)
    entities, buildings = [e for e in entities if e.id not in facilities], [e for e in entities if e.id in facilities]
    contexts = {e.id: _contexts(article, e, gazetteer, profile) for e in entities}
    evidence = _evidence(article, gazetteer, weights)
    chosen: dict[str, Candidate] = {}
    # areas first: the countries and regions the article names steer the choice among towns
    for entity in entities:
        state = gazetteer.us_state_written(entity.name) if profile.us_state_abbreviations else None
        if (
            state
            and f"US.{state}" in gazetteer.regions
            and key(entity.name) != key(gazetteer.regions[f"US.{state}"].name)
        ):
            # "N.C.", "Colo", "NC" written as a place (a full name is ranked with its namesakes below)
            chosen[entity.id] = _area_place(entity, gazetteer.regions[f"US.{state}"], gazetteer)
            continue
        found = _candidates(entity.name, gazetteer, profile)
        context = contexts[entity.id]
        if (
            any(q.feature != "country" for q in context.qualifiers)
            and any(not c.is_area for c in found)
            and (_qualified(found, context, weights) or not any(c.is_area for c in found))
        ):
            # "Washington, D.C.": the state after the name decides among the towns; an area with no town of its
            # name there is listed with it ("Utah, Colorado", "Guam, Louisiana, Nevada")
            continue
        area = _best_area(found, gazetteer, profile, evidence) or _listed_area(article, entity, found, chosen, entities)
        if area is not None:
            chosen[entity.id] = _area_place(entity, area, gazetteer)
    for area in list(chosen.values()):
        if area.country and area.feature == "country":
            evidence[area.country] += 1
    pools: dict[str, tuple[list[Candidate], bool]] = {}  # entity id -> (candidates, a district of a town)
    for entity in entities:
        if entity.id in chosen:
            continue
        context = contexts[entity.id]
        part = False
        found = (
            []
            if SIDE.match(entity.name)
            else [c for c in _candidates(entity.name, gazetteer, profile) if not c.is_area]
            or _candidates(entity.name, gazetteer, profile)
        )
        if not found and _part_of(entity.name):  # a district named after its town: at the town
            whole = _candidates(_part_of(entity.name), gazetteer, profile)
            found, part = [c for c in whole if not c.is_area], True
            area = None if found else _best_area(whole, gazetteer, profile, evidence)
            if area is not None:  # "Western US", "South Venezuela": a part of an area, at the area
                entity.place, chosen[entity.id] = _unlisted(entity, area, 3), area
                continue
        regions_named = [q for q in context.qualifiers if q.feature != "country"]
        qualified = _qualified(found, context, weights)
        if (
            regions_named
            and not qualified
            and (context.abbreviated or not any(c.population >= weights.unmoved_population for c in found))
        ):
            # "Rosebud, Mo." with no Rosebud in Missouri in the gazetteer: in Missouri, not elsewhere
            # (a country after the name is no such evidence: "in Kharkiv, Russia said"; nor is a state's full name
            # after a city of unmoved_population lying elsewhere: "Miami, West Palm Beach, New York" is a list)
            area = regions_named[0]
            entity.place = _unlisted(entity, area, 3)
            chosen[entity.id] = area
        elif found:
            pools[entity.id] = (qualified or found, part)
    for entity in entities:
        if entity.id not in pools:
            continue
        pool, part = pools[entity.id]
        regions, countries = _support(entity.id, chosen, pools, evidence)
        near = [c for other, c in chosen.items() if other != entity.id and not c.is_area and c.feature != "county"]
        best = max(
            pool,
            key=lambda c: (
                _score(c, regions, countries, gazetteer, weights)
                + weights.near_bonus * any(distance_km(c.lat, c.lon, n.lat, n.lon) <= weights.near_km for n in near)
            ),
        )
        chosen[entity.id] = best
        region = gazetteer.region_of(best)
        context = contexts[entity.id]
        if context.region_votes > context.city_votes and region is not None:
            entity.place = region.as_place(3, entity.id, name=region.admin1 or entity.name)
        elif part:
            entity.place = best.as_place(2, entity.id)
        else:
            entity.place = best.as_place(1 if best.feature in POINTS else 3, entity.id)
    _in_main_region(entities, chosen, pools, contexts, gazetteer, weights)
    _districts(entities, chosen, {e.id for e in entities if contexts[e.id].qualifiers})
    for entity in entities:
        if entity.id not in chosen:
            entity.place = (
                _placed_by_context(article, entity, entities, gazetteer)
                or _placed_in_local_area(entity, entities, chosen)
                or _placed_at_main_town(entity, entities, chosen, weights)
            )
    for entity in buildings:
        entity.place = _placed_facility(article, entity, entities, chosen)


def _listed_area(
    article: Article, entity: Entity, found: list[Candidate], chosen: dict[str, Candidate], entities: list[Entity]
) -> Candidate | None:
    """A name listed with regions or states the article names ("states such as California or Washington") is one
    of its own regions of that kind, not a town of its name."""
    kinds = {}
    for other in entities:
        area = chosen.get(other.id)
        if other.id != entity.id and area is not None and area.feature in ("region", "state"):
            kinds.update({(m.span.paragraph, m.span.start, m.span.end): area.feature for m in other.mentions})
    for mention in entity.mentions:
        text = article.paragraph_text(mention.span.paragraph)
        for (paragraph, start, end), feature in kinds.items():
            between = text[end : mention.span.start] if end <= mention.span.start else text[mention.span.end : start]
            if paragraph == mention.span.paragraph and LISTED_WITH.match(between):
                same = [c for c in found if c.feature == feature]
                if same:
                    return max(same, key=lambda c: c.population)
    return None


def _area_place(entity: Entity, area: Candidate, gazetteer: Gazetteer) -> Candidate:
    """Place ``entity`` at an area it names (precision 3), or at the city an area of one city is (precision 1)."""
    chosen = gazetteer.as_city(area)
    entity.place = chosen.as_place(3 if chosen.is_area else 1, entity.id)
    return chosen


def _in_main_region(
    entities: list[Entity],
    chosen: dict[str, Candidate],
    pools: dict[str, tuple[list[Candidate], bool]],
    contexts: dict[str, Context],
    gazetteer: Gazetteer,
    weights: Weights,
) -> None:
    """In local news — MAIN_REGION_SHARE of the article's place mentions in one first-level region — a town
    placed at a namesake in another region is moved to its namesake in that region, or, when the gazetteer
    has none there and the namesake is a place of the same country under ``unmoved_population`` people, placed in
    that region (precision 3)
    rather than at the far namesake (a town such as Miami Beach named in a story from Washington state, or a
    city such as Kyiv named in a Kharkiv story, stays where it is)."""
    regions: Counter = Counter()
    for entity in entities:
        if entity.id in chosen and chosen[entity.id].feature != "country" and chosen[entity.id].region:
            regions[chosen[entity.id].region] += len(entity.mentions)
    total = sum(regions.values())
    if total < MAIN_REGION_MENTIONS:
        return
    main, count = regions.most_common(1)[0]
    area = gazetteer.regions.get(main)
    if count < MAIN_REGION_SHARE * total or area is None:
        return
    for entity in entities:
        if entity.id not in pools or chosen[entity.id].region == main or contexts[entity.id].qualifiers:
            continue
        inside = [c for c in pools[entity.id][0] if c.region == main]
        if inside:
            chosen[entity.id] = max(inside, key=lambda c: c.population)
            best = chosen[entity.id]
            entity.place = best.as_place(2 if pools[entity.id][1] else 1 if best.feature in POINTS else 3, entity.id)
        elif chosen[entity.id].population < weights.unmoved_population and chosen[entity.id].country == area.country:
            entity.place = _unlisted(entity, area, 3)
            chosen[entity.id] = area


def _districts(entities: list[Entity], chosen: dict[str, Candidate], qualified: set[str] = frozenset()) -> None:
    """Mark a settlement lying inside a much larger city the article also names as a part of it: a place
    (precision 1) rather than a town, so the city, not the neighbourhood, is the event's town. A name written
    with its state (``qualified``: "Lakeview, Texas", often a dateline) is a town in its own right."""
    cities = [chosen[e.id] for e in entities if e.id in chosen and chosen[e.id].feature in SETTLEMENTS]
    for entity in entities:
        town = chosen.get(entity.id)
        if town is None or entity.place is None or entity.place.feature not in SETTLEMENTS or entity.id in qualified:
            continue
        if any(
            city.population * DISTRICT_SHARE >= town.population
            and city.region == town.region
            and distance_km(city.lat, city.lon, town.lat, town.lon) <= DISTRICT_RADIUS * math.sqrt(city.population)
            for city in cities
        ):
            entity.place = town.as_place(1, entity.id, feature="place")


def _placed_by_context(article: Article, entity: Entity, entities: list[Entity], gazetteer: Gazetteer) -> Place | None:
    """A place missing from the gazetteer at the region its sentence names after it ("Glotovo and Kozinka in
    Belgorod": only the region is known, precision 3; never the point of the village it is listed with), else at
    the place it is listed with (precision 2), else at the region of a place its sentence names after it."""
    placed = [(m, e) for e in entities if e.place is not None and e is not entity for m in e.mentions]
    in_region = _in_named_region(article, entity, placed, gazetteer, areas_only=True)
    if in_region is not None:
        return in_region
    for mention in entity.mentions:
        paragraph = mention.span.paragraph
        text = article.paragraph_text(paragraph)
        for other, owner in placed:
            if other.span.paragraph != paragraph or owner.place.feature in ("country", "region", "state"):
                continue
            between = (
                text[mention.span.end : other.span.start]
                if other.span.start >= mention.span.end
                else text[other.span.end : mention.span.start]
            )
            if LISTED_WITH.match(between):
                return _unlisted(entity, owner.place, 2)
    return _in_named_region(article, entity, placed, gazetteer, areas_only=False)


def _in_named_region(
    article: Article, entity: Entity, placed: list, gazetteer: Gazetteer, areas_only: bool
) -> Place | None:
    """The entity in the first-level region of the place its sentence names after "in" (only a region's name
    when ``areas_only``), precision 3."""
    for mention in entity.mentions:
        paragraph = mention.span.paragraph
        text = article.paragraph_text(paragraph)
        for other, owner in sorted(placed, key=lambda pair: pair[0].span.start):
            if other.span.paragraph != paragraph or other.span.start < mention.span.end:
                continue
            if not IN_REGION.match(text[mention.span.end : other.span.start]) or owner.place.feature == "country":
                continue
            if areas_only and owner.place.feature not in ("region", "state"):
                continue
            region = gazetteer.regions.get(_region_code(owner.place, gazetteer))
            if region is None:
                continue
            return _unlisted(entity, region, 3)
    return None


def _placed_in_local_area(entity: Entity, entities: list[Entity], chosen: dict[str, Candidate]) -> Place | None:
    """A place missing from the gazetteer ("Granada Hills") in an article whose places all lie in one
    first-level region (local news): at the town the article mentions most, precision 2."""
    placed = [e for e in entities if e.id in chosen and chosen[e.id].feature != "country"]
    if not placed or len({chosen[e.id].region for e in placed}) != 1:
        return None
    towns = [e for e in placed if chosen[e.id].feature in SETTLEMENTS]
    if not towns:
        return None
    town = max(towns, key=lambda e: (len(e.mentions), chosen[e.id].population))
    return _unlisted(entity, town.place, 2)


def _placed_at_main_town(
    entity: Entity, entities: list[Entity], chosen: dict[str, Candidate], weights: Weights
) -> Place | None:
    """A location the gazetteer lacks (LOC: a river, an airport, a square) in an article that is about one town —
    it holds ``main_town_share`` of the mentions of the article's settlements — is near that town, precision 2."""
    if entity.type != "LOC":
        return None
    towns = [e for e in entities if e.id in chosen and chosen[e.id].feature in SETTLEMENTS and e.place is not None]
    total = sum(len(e.mentions) for e in towns)
    if not towns:
        return None
    town = max(towns, key=lambda e: (len(e.mentions), chosen[e.id].population))
    return _unlisted(entity, town.place, 2) if len(town.mentions) >= weights.main_town_share * total else None


# What joins a facility to the place it stands in: "Carnegie Library in Townville", "..., Townville", "at".
FACILITY_IN = re.compile(
    r"^(?:\s*,\s*|\s+(?:in|at|near|outside|of|on)\s+)(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?"
)
FACILITY_OF = re.compile(r"['’]s?\s+$")  # "Townville's Carnegie Library"


def _placed_facility(article: Article, entity: Entity, entities: list[Entity], chosen: dict[str, Candidate]):
    """A street or facility near the place the text puts it in ("X in Y", "X, Y", "Y's X", "Y General Hospital"),
    else near the article's main town (the settlement it mentions most, then the most populous), else in its main
    region: precision 2 (near a town) or 3 (in a region), never at a country's centre."""
    placed = [(m, e) for e in entities if e.place is not None and e.place.feature != "country" for m in e.mentions]
    for mention in entity.mentions:
        text = article.paragraph_text(mention.span.paragraph)
        for other, owner in placed:
            span = other.span
            if span.paragraph != mention.span.paragraph:
                continue
            after = FACILITY_IN.match(text[mention.span.end : span.start]) if span.start >= mention.span.end else None
            before = span.end <= mention.span.start and FACILITY_OF.fullmatch(text[span.end : mention.span.start])
            inside = mention.span.start == span.start and span.end < mention.span.end
            if (after and after.end() == span.start - mention.span.end) or before or inside:
                return _unlisted(entity, owner.place, 2 if owner.place.precision < 3 else 3)
    town = _main_town(entities, chosen)
    if town is not None:
        return _unlisted(entity, town.place, 2)
    areas = [e for e in entities if e.id in chosen and chosen[e.id].feature in ("region", "state", "county")]
    area = max(areas, key=lambda e: (len(e.mentions), chosen[e.id].population), default=None)
    return _unlisted(entity, area.place, 3) if area else None


def _main_town(entities: list[Entity], chosen: dict[str, Candidate]) -> Entity | None:
    """The town the article is about: the most mentions of it and of the places in its region, then the most
    people (a Virginia story's Gainesville, not the English village it names three times)."""
    in_region: Counter = Counter()
    for e in entities:
        if e.id in chosen and chosen[e.id].feature != "country" and e.place is not None:
            in_region[chosen[e.id].region] += len(e.mentions)
    towns = [e for e in entities if e.id in chosen and chosen[e.id].feature in SETTLEMENTS and e.place is not None]
    return max(
        towns,
        key=lambda e: (len(e.mentions) + in_region[chosen[e.id].region], chosen[e.id].population),
        default=None,
    )


def _unlisted(entity: Entity, at: Candidate | Place, precision: int) -> Place:
    """A place the gazetteer lacks, named as the text writes it, at the area or place ``at`` it lies in or beside."""
    return Place(
        name=entity.name,
        lat=None if at.lat is None else round(at.lat, 5),
        lon=None if at.lon is None else round(at.lon, 5),
        country=at.country,
        admin1=at.admin1,
        feature="place",
        gazetteer_id=None,
        precision=precision,
        entity=entity.id,
    )


def _region_code(place: Place, gazetteer: Gazetteer) -> str | None:
    if place.gazetteer_id and place.gazetteer_id.startswith("geonames-admin1:"):
        return place.gazetteer_id.split(":", 1)[1]
    for candidate in gazetteer.candidates(place.name):
        if candidate.gazetteer_id == place.gazetteer_id:
            return candidate.region
    return None


@step("places", requires=("entities",), assigns=("places",), language_specific=True)
def make_places(config, desk):
    """Latitude, longitude, country, region and ACLED precision of each place entity (embedded GeoNames)."""
    gazetteer = load()
    profile = config.get("profile", "auto")
    if profile != "auto":
        profiles.get(profile)  # an unknown name fails here, before any article
    weights = Weights(**{f: config[f] for f in Weights.__dataclass_fields__ if f in config})

    def places(article: Article) -> None:
        geocode(article, gazetteer, profile, weights)

    return places
