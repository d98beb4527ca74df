"""US postal place names: the city the Postal Service gives each ZIP code, and the
other names it knows there (the `zipcodes` package ships them; no download).

A name the Postal Service lists only as another name of a ZIP code whose city is
a larger place is a part of that place: "Rogers Park" (ZIP 60626) is Chicago's,
where addresses, and incident records, say Chicago. GeoNames lists many such
neighbourhoods as towns.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict

from ..cache import Reader, built_sqlite
from .gazetteer import key

# ZIP codes of military post offices name no town.
ZIP_TYPES = ("STANDARD", "PO BOX", "UNIQUE")
INDEX_FORMAT = 1  # bump when the rules below change: cached indexes are rebuilt


def _index() -> tuple[dict[str, frozenset[str]], dict[tuple[str, str], str]]:
    """(state → keys of its postal cities, (state, key of another name) → the postal city most of its ZIP codes
    have)."""
    import zipcodes

    cities: dict[str, set[str]] = defaultdict(set)
    others: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for zip_code in zipcodes.list_all():
        if zip_code["zip_code_type"] not in ZIP_TYPES:
            continue
        state, city = zip_code["state"], zip_code["city"]
        cities[state].add(key(city))
        for name in zip_code["acceptable_cities"] + zip_code["unacceptable_cities"]:
            others[(state, key(name))][city] += 1
    postal = {state: frozenset(names) for state, names in cities.items()}
    parts = {
        (state, name): count.most_common(1)[0][0]
        for (state, name), count in others.items()
        if name not in postal[state]
    }
    return postal, parts


def _write(connection) -> None:
    connection.execute("CREATE TABLE parts (state TEXT, name TEXT, city TEXT, PRIMARY KEY (state, name)) WITHOUT ROWID")
    connection.executemany("INSERT INTO parts VALUES (?, ?, ?)", ((*k, city) for k, city in _index()[1].items()))


@functools.lru_cache(maxsize=1)
def _reader() -> Reader:
    """The other names of postal cities, built once into the cache directory (reading the ZIP codes takes ~1 s)."""
    from importlib.metadata import version

    return Reader(built_sqlite(f"postal-{INDEX_FORMAT}-{version('zipcodes')}.sqlite", _write, "postal-"))


@functools.lru_cache(maxsize=65536)
def postal_city(name: str, state: str) -> str | None:
    """The postal city of which ``name`` is only another name in ``state`` (a postal code: "IL"), or None (a postal
    city itself, or a name the Postal Service does not use there)."""
    row = _reader()().execute("SELECT city FROM parts WHERE state = ? AND name = ?", (state, key(name))).fetchone()
    return row[0] if row else None
