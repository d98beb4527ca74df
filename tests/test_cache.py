"""Files built once into the cache directory, and the gazetteer read back from its SQLite file."""

from __future__ import annotations

import os
import pickle

import pytest

from newsdesk import cache
from newsdesk.extract import gazetteer, gazetteer_file
from newsdesk.extract.gazetteer import Candidate, Gazetteer


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cache_file_is_written_once_and_other_versions_are_removed(folder):
    calls = []

    def write(path):
        calls.append(path)
        with open(path, "w") as handle:
            handle.write("v2")

    folder.mkdir()
    (folder / "thing-1.txt").write_text("v1")
    path = cache.built("thing-2.txt", write, "thing-")
    assert cache.built("thing-2.txt", write, "thing-") == path
    assert len(calls) == 1 and open(path).read() == "v2"
    assert sorted(os.listdir(folder)) == ["thing-2.txt"]


def test_a_read_only_cache_directory_falls_back_to_the_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CACHE", "/proc/newsdesk-cannot-write-here")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read again
    path = cache.built_sqlite("table-1.sqlite", lambda db: db.execute("CREATE TABLE t (x)"))
    assert path.startswith(str(tmp_path))
    assert cache.Reader(path)().execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_a_pickled_value_is_built_once(folder):
    calls = []
    assert cache.pickled("value-1.pickle", lambda: calls.append(1) or {"a": 1.5}) == {"a": 1.5}
    assert cache.pickled("value-1.pickle", lambda: calls.append(1) or {}) == {"a": 1.5}
    assert calls == [1]


def test_a_reader_opens_its_own_connection_after_a_fork_and_pickles_as_its_path(folder):
    path = cache.built_sqlite("r-1.sqlite", lambda db: db.execute("CREATE TABLE t (x)"))
    reader = cache.Reader(path)
    first = reader()
    assert reader() is first
    reader._local.pid = -1  # as a forked child sees it
    assert reader() is not first
    assert pickle.loads(pickle.dumps(reader)).path == path


def _small() -> Gazetteer:
    """A gazetteer of four places, built by hand (the real one takes a minute to build)."""
    small = Gazetteer.__new__(Gazetteer)
    paris = Candidate("geonames:1", "Paris", 48.85, 2.35, "FR", "Ile-de-France", "FR.11", "city", 2_000_000)
    texas = Candidate("geonames:2", "Paris", 33.66, -95.55, "US", "Texas", "US.TX", "town", 25_000)
    region = Candidate("geonames-admin1:FR.11", "Ile-de-France", 48.8, 2.5, "FR", "Ile-de-France", "FR.11", "region", 1)
    town = Candidate("usps:IL:lutece", "Lutece", 41.0, -88.0, "US", "Illinois", "US.IL", "village", 0)
    small.places = [paris, texas, region, town]
    small.index = {"paris": [0, 1], "lutetia": [~0], "ile de france": [2], "lutece": [3], "new york": [1]}
    small.regions = {"FR.11": region}
    small.countries, small.capitals, small.demonyms = {}, {"geonames:1"}, {}
    small.us_states, small.district_cities = {"texas": "TX"}, {}
    return small


def test_the_gazetteer_file_answers_as_the_built_gazetteer(folder):
    built = _small()
    path = cache.built_sqlite("g.sqlite", lambda db: gazetteer_file.write(built, db))
    loaded = gazetteer_file.read(path)
    for name in ("Paris", "Lutetia", "Ile-de-France", "Lutece", "Nowhere", "Paris Township"):
        assert loaded.candidates(name) == built.candidates(name)
        assert loaded.candidates(name, frozenset()) == built.candidates(name, frozenset())
    assert loaded.regions == built.regions and loaded.capitals == built.capitals
    assert len(loaded.places) == 4 and loaded.places[-1] == built.places[-1]
    assert dict(loaded.index.items()) == {k: tuple(v) for k, v in built.index.items()}
    assert loaded.index.spelled("newyork") == ["new york"] and loaded.index.spelled("york") == []
    with pytest.raises(IndexError):
        loaded.places[4]
    again = pickle.loads(pickle.dumps(loaded.places))  # a spawned worker gets the path, not a connection
    assert again[0] == built.places[0]


def test_the_cache_file_is_named_after_the_index_format():
    assert gazetteer.cache_name().startswith(f"gazetteer-{gazetteer.INDEX_FORMAT}-")
