"""The desk's story index, kept in its SQLite file: an add reads the few rows it needs.

:class:`StoredIndex` is :class:`~newsdesk.stories.index.StoryIndex` with its tables in the store (schema
migration 6) instead of dicts rebuilt from ``story_terms`` by every process: ``story_index`` (each article's
arrival number, story and normalised title), ``story_links`` (its related titles), ``story_postings`` (term →
article and weight, read newest first) and ``story_df`` (document frequencies). A one-article ``add`` then costs
the same on any desk size, start-up included. ``story_terms`` stays each article's record; the tables derive
from it and catch up with it when a process opens the desk (a desk written before them, rows copied in by a
tool). Entries and frequencies read are kept for the process (the vectors cached with the entries), and
dropped when another connection wrote or a transaction rolled back.
"""

from __future__ import annotations

import json
from collections import Counter

try:  # decodes a story_terms row in 26 µs against json's 61 (the same floats bit for bit; GVC desk, 1,995 rows)
    from orjson import loads
except ImportError:
    from json import loads

from .index import Entry, Settings, StoryIndex

CHUNK = 500  # ids or terms per IN (...) query: under SQLite's variable limit
READ_AHEAD = 10_000  # frequencies read one by one before the table's size is looked at


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StoredIndex(StoryIndex):
    def __init__(self, settings: Settings, db, story_name, background: tuple[dict[str, int], int] = ({}, 0)):
        super().__init__(settings, story_name=story_name, base_n=background[1])
        self.db = db
        self.background = background[0]  # document frequencies of articles counted though not indexed here
        self.drop_cached()

    def drop_cached(self) -> None:
        self.cache: dict[str, Entry] = {}
        self.frequencies = Frequencies(self)
        self.total: int | None = None
        self.rows: int | None = None  # of story_df

    # catching up with story_terms ------------------------------------------------------------------
    def sync(self) -> None:
        """Index the ``story_terms`` rows not indexed yet and drop rows of articles gone (written in bulk: a desk
        from before the tables, or grown by a tool, catches up once)."""
        db = self.db
        indexed = db.execute("SELECT COUNT(*) FROM story_index").fetchone()[0]
        recorded = db.execute("SELECT COUNT(*) FROM story_terms").fetchone()[0]
        self.total = indexed
        if indexed == recorded:
            return
        for (article_id,) in db.execute(
            "SELECT article_id FROM story_index WHERE article_id NOT IN (SELECT article_id FROM story_terms)"
        ).fetchall():
            self.remove(article_id)
        index, postings, links, df = [], [], [], Counter()
        for article_id, data, story, seq in db.execute(
            "SELECT s.article_id, s.data, a.story, a.seq FROM story_terms s JOIN articles a ON a.id = s.article_id"
            " WHERE s.article_id NOT IN (SELECT article_id FROM story_index)"
        ):
            record = loads(data)
            terms = record["terms"]
            index.append((article_id, seq, story or self.story_name(article_id), record["title"]))
            postings += [(term, seq, article_id, weight) for term, weight in terms.items()]
            links += [(link, article_id) for link in record["links"]]
            df.update(terms.keys())
        postings.sort()  # in key order: appended to the table's b-tree instead of inserted all over it
        db.executemany("INSERT INTO story_index (article_id, seq, story, title) VALUES (?, ?, ?, ?)", index)
        db.executemany("INSERT INTO story_postings (term, seq, article_id, weight) VALUES (?, ?, ?, ?)", postings)
        db.executemany(
            "INSERT INTO story_df (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            sorted(df.items()),
        )
        db.executemany("INSERT INTO story_links (link, article_id) VALUES (?, ?)", links)
        self.frequencies, self.rows = Frequencies(self), None
        self.total = indexed + len(index)

    # the tables ------------------------------------------------------------------------------------
    def count(self) -> int:
        if self.total is None:
            self.total = self.db.execute("SELECT COUNT(*) FROM story_index").fetchone()[0]
        return self.total

    def entry(self, article_id: str) -> Entry | None:
        found = self.cache.get(article_id)
        if found is None and article_id is not None:
            found = self.entries_of([article_id]).get(article_id)
        return found

    def entries_of(self, article_ids: list[str]) -> dict[str, Entry]:
        missing = [a for a in dict.fromkeys(article_ids) if a not in self.cache]
        for part in chunks(missing):
            for article_id, day, data, story in self.db.execute(
                "SELECT i.article_id, s.day, s.data, i.story FROM story_index i JOIN story_terms s"
                f" ON s.article_id = i.article_id WHERE i.article_id IN ({','.join('?' * len(part))})",
                part,
            ):
                self.cache[article_id] = entry_of(day, data, story)
        return {a: self.cache[a] for a in article_ids if a in self.cache}

    def frequency(self, term: str) -> int:
        return self.frequencies[term]

    def frequencies_table(self) -> "Frequencies":
        return self.frequencies

    def frequency_rows(self) -> int:
        if self.rows is None:
            self.rows = self.db.execute("SELECT COUNT(*) FROM story_df").fetchone()[0]
        return self.rows

    def prefetch(self, terms) -> None:
        """Read the frequencies of ``terms`` not read yet, in one query; once a quarter of the table
        has been read so, all of it in one scan (a long add reads most of it: a scan costs a fifth per row)."""
        frequencies = self.frequencies
        if frequencies.complete:
            return
        missing = [t for t in terms if t not in frequencies]
        frequencies.fetched += len(missing)
        if frequencies.fetched >= READ_AHEAD and frequencies.fetched * 4 >= self.frequency_rows():
            for term, df in self.db.execute("SELECT term, df FROM story_df"):
                if term not in frequencies:
                    frequencies[term] = df + self.background.get(term, 0)
            frequencies.complete = True
            missing = [t for t in missing if t not in frequencies]
            for term in missing:
                frequencies[term] = self.background.get(term, 0)
            return
        if not missing:
            return
        stored = dict(  # one query, the terms as one JSON parameter: ~25% less than IN (?, ...) chunks
            self.db.execute(
                "SELECT d.term, d.df FROM json_each(?) j JOIN story_df d ON d.term = j.value", (json.dumps(missing),)
            )
        )
        background = self.background
        frequencies.update((t, stored.get(t, 0) + background.get(t, 0)) for t in missing)

    def recent(self, term: str, limit: int):
        rows = self.db.execute(
            "SELECT article_id, weight FROM story_postings WHERE term = ? ORDER BY seq DESC LIMIT ?", (term, limit + 1)
        ).fetchall()
        return rows[:limit] if len(rows) > limit else reversed(rows)  # as StoryIndex.recent: oldest first when few

    def story_members(self, story: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM story_index WHERE story = ?", (story,))}

    def titled(self, title: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM story_index WHERE title = ?", (title,))}

    def linking(self, title: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM story_links WHERE link = ?", (title,))}

    def in_arrival_order(self, article_ids) -> list[str]:
        seq: dict[str, int] = {}
        for part in chunks(list(article_ids)):
            seq.update(
                self.db.execute(
                    f"SELECT article_id, seq FROM story_index WHERE article_id IN ({','.join('?' * len(part))})", part
                )
            )
        return sorted(seq, key=seq.__getitem__)

    def relabel(self, article_ids: list[str], from_story: str, to_story: str) -> None:
        self.db.executemany(
            "UPDATE story_index SET story = ? WHERE article_id = ?", [(to_story, a) for a in article_ids]
        )
        for article_id in article_ids:
            if article_id in self.cache:
                self.cache[article_id].story = to_story

    def insert(self, article_id: str, entry: Entry, seq: int | None = None) -> None:
        """Index an article; ``seq`` is its arrival number (by default the one the store will give it)."""
        db, total = self.db, self.count()
        if seq is None:
            row = db.execute("SELECT seq FROM articles WHERE id = ?", (article_id,)).fetchone()
            seq = row[0] if row else db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
        db.execute(
            "INSERT INTO story_index (article_id, seq, story, title) VALUES (?, ?, ?, ?)",
            (article_id, seq, entry.story, entry.title),
        )
        db.executemany(
            "INSERT INTO story_postings (term, seq, article_id, weight) VALUES (?, ?, ?, ?)",
            [(term, seq, article_id, weight) for term, weight in entry.terms.items()],
        )
        db.execute(  # one statement for all the terms (strings: JSON carries them exactly)
            "INSERT INTO story_df (term, df) SELECT value, 1 FROM json_each(?) WHERE true"
            " ON CONFLICT(term) DO UPDATE SET df = df + 1",
            (json.dumps(list(entry.terms)),),
        )
        db.executemany(
            "INSERT INTO story_links (link, article_id) VALUES (?, ?)", [(k, article_id) for k in entry.links]
        )
        frequencies = self.frequencies
        for term in entry.terms:
            if term in frequencies:
                frequencies[term] += 1
            elif frequencies.complete:
                frequencies[term] = 1 + self.background.get(term, 0)
        self.cache[article_id] = entry
        self.total = total + 1

    def remove(self, article_id: str) -> Entry | None:
        entry = self.entry(article_id)
        if entry is None:
            return None
        db, total = self.db, self.count()
        (seq,) = db.execute("SELECT seq FROM story_index WHERE article_id = ?", (article_id,)).fetchone()
        db.execute("DELETE FROM story_index WHERE article_id = ?", (article_id,))
        db.executemany("DELETE FROM story_postings WHERE term = ? AND seq = ?", [(term, seq) for term in entry.terms])
        db.executemany("UPDATE story_df SET df = df - 1 WHERE term = ?", [(term,) for term in entry.terms])
        db.executemany("DELETE FROM story_df WHERE term = ? AND df <= 0", [(term,) for term in entry.terms])
        db.execute("DELETE FROM story_links WHERE article_id = ?", (article_id,))
        for term in entry.terms:
            if term in self.frequencies:
                self.frequencies[term] -= 1
        del self.cache[article_id]
        self.total = total - 1
        return entry


class Frequencies(dict):
    """Document frequencies read so far (term → articles holding it, the background's included); a term not read
    yet is read on first use (``complete``: the whole table was read, an absent term is in no article)."""

    def __init__(self, index: StoredIndex):
        super().__init__()
        self.index = index
        self.complete = False
        self.fetched = 0  # terms read one by one

    def __missing__(self, term: str) -> int:
        if self.complete:
            return self.index.background.get(term, 0)
        self.index.prefetch([term])
        return self[term]


def entry_of(day: int | None, data: str, story: str) -> Entry:
    """The index entry of a ``story_terms`` row."""
    record = loads(data)
    return Entry(record["terms"], day, story, record["title"], tuple(record["links"]), record.get("duplicate_of"))
