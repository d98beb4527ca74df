"""The built gazetteer as a SQLite file: its places and name index read row by row, the rest (regions, countries,
capitals...: a few thousand objects) in one pickled row.

:class:`~newsdesk.extract.gazetteer.Gazetteer` reads ``self.places[number]`` and ``self.index.get(key)``; the
loaded gazetteer has :class:`Places` and :class:`Index` there, so its methods, and the candidates they return, are
the same as the built one's. A lookup costs a primary-key read (microseconds, then memoised) instead of the
2.5 s of unpickling the 260,000 places and 650,000 names every process paid at start-up.
"""

from __future__ import annotations

import functools
import pickle
import sqlite3
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import fields

from ..cache import Reader
from .gazetteer import Candidate, Gazetteer

_FIELDS = tuple(f.name for f in fields(Candidate))
_NUMBERS = "i"  # place numbers (an alternate name's is ~number, negative) as a packed array of C ints
MEMO = 1 << 17  # places and names kept decoded per process: a long add asks for the same few thousand again


def write(gazetteer: Gazetteer, connection: sqlite3.Connection) -> None:
    """Store a built gazetteer."""
    connection.execute(f"CREATE TABLE places (number INTEGER PRIMARY KEY, {', '.join(_FIELDS)})")
    connection.executemany(
        f"INSERT INTO places VALUES (?, {', '.join('?' * len(_FIELDS))})",
        ((n, *(getattr(c, f) for f in _FIELDS)) for n, c in enumerate(gazetteer.places)),
    )
    # position: the index's order, which iteration keeps; letters: the key without spaces (outlet domains)
    connection.execute(
        "CREATE TABLE names (key TEXT PRIMARY KEY, position INTEGER, letters TEXT, numbers BLOB) WITHOUT ROWID"
    )
    connection.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?)",
        (
            (k, position, k.replace(" ", ""), array(_NUMBERS, entry).tobytes())
            for position, (k, entry) in enumerate(gazetteer.index.items())
        ),
    )
    connection.execute("CREATE INDEX names_letters ON names (letters, position)")
    rest = {k: v for k, v in vars(gazetteer).items() if k not in ("places", "index")}
    connection.execute("CREATE TABLE attributes (data BLOB)")
    connection.execute("INSERT INTO attributes VALUES (?)", (pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL),))


def read(path: str) -> Gazetteer:
    """The gazetteer stored at ``path`` (its places and names read when asked for)."""
    reader = Reader(path)
    gazetteer = Gazetteer.__new__(Gazetteer)
    (data,) = reader().execute("SELECT data FROM attributes").fetchone()
    vars(gazetteer).update(pickle.loads(data))
    gazetteer.places = Places(reader)
    gazetteer.index = Index(reader)
    return gazetteer


class Places(Sequence):
    """``places[number]``: the stored candidate."""

    def __init__(self, reader: Reader):
        self.reader = reader
        self._get = functools.lru_cache(maxsize=MEMO)(self._fetch)
        (self._length,) = reader().execute("SELECT count(*) FROM places").fetchone()

    def _fetch(self, number: int) -> Candidate:
        row = self.reader().execute("SELECT * FROM places WHERE number = ?", (number,)).fetchone()
        if row is None:
            raise IndexError(number)
        return Candidate(*row[1:])

    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(self._length))]
        if number < 0:
            number += self._length
        return self._get(number)

    def __len__(self) -> int:
        return self._length

    def __reduce__(self):
        return Places, (self.reader,)


class Index(Mapping):
    """``index[key]``: the numbers of the places of that name (``~number``: an alternate name), in index order."""

    def __init__(self, reader: Reader):
        self.reader = reader
        self._get = functools.lru_cache(maxsize=MEMO)(self._fetch)

    def _fetch(self, key: str) -> tuple[int, ...] | None:
        row = self.reader().execute("SELECT numbers FROM names WHERE key = ?", (key,)).fetchone()
        return None if row is None else _numbers(row[0])

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self._get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        found = self._get(key)
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return self._get(key) is not None

    def __iter__(self):
        return (k for (k,) in self.reader().execute("SELECT key FROM names ORDER BY position"))

    def __len__(self) -> int:
        return self.reader().execute("SELECT count(*) FROM names").fetchone()[0]

    def items(self):
        return [(k, _numbers(n)) for k, n in self.reader().execute("SELECT key, numbers FROM names ORDER BY position")]

    def spelled(self, letters: str) -> list[str]:
        """The keys that are ``letters`` once their spaces are taken out ("newyork": "new york"), in index order."""
        rows = self.reader().execute("SELECT key FROM names WHERE letters = ? ORDER BY position", (letters,))
        return [k for (k,) in rows]

    def __reduce__(self):
        return Index, (self.reader,)


def _numbers(data: bytes) -> tuple[int, ...]:
    return tuple(array(_NUMBERS, data))
