"""The embedded SQLite store (WAL mode), with one write path for articles.

``Store.save_article`` is the only way an article gets in; it replaces an
older version with the same id together with every row derived from it
(``schema.ARTICLE_KEYED``). Desk steps keep their own indexes through the
connection (``store.db``) inside the same transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import NotFound, StoreError
from ..model import Article, Reuse, Skip, Story
from .schema import ARTICLE_KEYED, MIGRATIONS, statements


def busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up waiting for a lock another connection holds."""
    return "locked" in str(exc) or "busy" in str(exc)


class Store:
    """``lock_timeout``: seconds a write waits for another writer (an add, a backup) to release the database;
    ``on_wait(message)`` is told once when a write has to wait."""

    def __init__(
        self, path: str | Path = "newsdesk.db", lock_timeout: float = 600, on_wait: Callable[[str], None] | None = None
    ):
        self.path = str(path)
        self.lock_timeout, self.on_wait = lock_timeout, on_wait
        try:
            # each attempt to take the write lock waits up to a second inside SQLite; transaction() retries
            self.db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=min(1.0, lock_timeout)
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}; check the path and its permissions") from None
        self.db.row_factory = sqlite3.Row
        self._versions: dict[str, int] = {}  # PRAGMA data_version when each in-memory index last looked
        self._stateless: set[str] | None = None  # stories that may lack a reconciled state (None: unknown)
        self.rollbacks = 0  # write transactions rolled back: an in-memory index read inside one may be stale
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if isinstance(exc, sqlite3.OperationalError) and busy(exc):
                raise StoreError(f"{self.path} is locked by another writer; try again when it is done") from None
            raise StoreError(f"{self.path} is not a newsdesk database ({exc}); pass another --db path") from None

    @classmethod
    def reader(cls, path: str | Path) -> "Store":
        """A read-only connection to an existing, migrated store (one per web server thread)."""
        store = cls.__new__(cls)
        store.path = str(path)
        try:
            store.db = sqlite3.connect(
                f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}; check the path and its permissions") from None
        store.db.row_factory = sqlite3.Row
        return store

    # schema -----------------------------------------------------------------
    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        version = self.version
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this newsdesk ({len(MIGRATIONS)}); upgrade newsdesk"
            )
        while version < len(MIGRATIONS):
            with self.transaction():
                version = self.version  # read again under the write lock: another process may have migrated
                if version >= len(MIGRATIONS):
                    break
                for statement in statements(MIGRATIONS[version]):
                    self.db.execute(statement)
                version += 1
                self.db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (nested ones join the outer one), once the write lock is free."""
        if self.db.in_transaction:  # nested: the outer transaction commits
            yield self.db
            return
        self._begin("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            self.rollbacks += 1
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: everything read inside sees the database as it was at its first read, whatever
        a concurrent add commits meanwhile (an export is one consistent record)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN")
        try:
            yield self.db
        finally:
            self.db.execute("ROLLBACK")

    def _begin(self, statement: str) -> None:
        """Take the write lock, waiting up to ``lock_timeout`` seconds for another writer."""
        deadline = time.monotonic() + self.lock_timeout
        told = False
        while True:
            try:
                self.db.execute(statement)
                return
            except sqlite3.OperationalError as exc:
                if not busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{self.path} is locked by another writer (another `newsdesk add`, a backup) for"
                        f" more than {self.lock_timeout:g} s; try again when it is done, or wait longer"
                        f" with --set store.lock_timeout=SECONDS"
                    ) from None
                if not told and self.on_wait is not None:
                    self.on_wait(
                        f"waiting for {self.path}: another writer holds it (up to"
                        f" store.lock_timeout={self.lock_timeout:g} s)"
                    )
                    told = True

    def close(self) -> None:
        self.db.close()

    def changed_elsewhere(self, reader: str) -> bool:
        """Whether another connection committed since ``reader`` last asked (its in-memory index may be stale)."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        changed = version != self._versions.get(reader)
        self._versions[reader] = version
        return changed

    # articles ---------------------------------------------------------------
    def content_hash(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def save_article(self, article: Article) -> None:
        """Insert or replace ``article`` (the one write path for articles)."""
        with self.transaction():
            row = self.db.execute("SELECT seq FROM articles WHERE id = ?", (article.id,)).fetchone()
            seq = row[0] if row else self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
            self.db.execute(
                "INSERT OR REPLACE INTO articles (id, seq, content_hash, title, published, source, url, story, duplicate_of, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    seq,
                    article.read_hash or article.content_hash(),
                    article.title,
                    article.published,
                    article.source,
                    article.url,
                    article.story,
                    article.duplicate_of,
                    json.dumps(article.to_dict(), ensure_ascii=False),
                ),
            )

    def forget_derived(self, article_id: str) -> None:
        """Remove every row derived from the article (before it is replaced or removed)."""
        with self.transaction():
            for table, columns in ARTICLE_KEYED.items():
                for column in (columns,) if isinstance(columns, str) else columns:
                    self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (article_id,))

    def remove_article(self, article_id: str) -> None:
        with self.transaction():
            self.forget_derived(article_id)
            self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def full_id(self, table: str, prefix: str) -> str:
        """The id of ``table`` ("articles" or "stories") that is ``prefix`` or the only one starting with it."""
        if self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (prefix,)).fetchone():
            return prefix
        rows = self.db.execute(
            f"SELECT id FROM {table} WHERE substr(id, 1, ?) = ? LIMIT 3", (len(prefix), prefix)
        ).fetchall()
        kind, command = ("article", "articles") if table == "articles" else ("story", "stories")
        if not rows or not prefix:
            raise NotFound(f"no {kind} with id {prefix!r} in {self.path}; `newsdesk {command}` lists the ids")
        if len(rows) > 1:
            shown = ", ".join(r[0] for r in rows[:2])
            raise NotFound(f"{prefix!r} is the start of several {kind} ids ({shown}, ...); give more characters")
        return rows[0][0]

    def article(self, article_id: str) -> Article:
        """The article of that id, or of the only id starting with it."""
        article_id = self.full_id("articles", article_id)
        row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row[0]))

    def articles(self, ids: list[str] | None = None) -> Iterator[Article]:
        """Articles in arrival order (all, or those in ``ids``)."""
        if ids is None:
            rows = self.db.execute("SELECT data FROM articles ORDER BY seq")
        else:
            marks = ",".join("?" * len(ids))
            rows = self.db.execute(f"SELECT data FROM articles WHERE id IN ({marks}) ORDER BY seq", ids)
        for row in rows:
            yield Article.from_dict(json.loads(row[0]))

    def article_rows(self) -> list[sqlite3.Row]:
        """Id, title, dates, source, story, duplicate of, language and note codes of every article, without
        loading it whole."""
        return self.db.execute(
            "SELECT id, title, published, source, url, story, duplicate_of, seq,"
            " json_extract(data, '$.language') AS language,"
            " (SELECT group_concat(json_extract(n.value, '$.code'), ',') FROM json_each(data, '$.notes') AS n) AS notes"
            " FROM articles ORDER BY seq"
        ).fetchall()

    def search(self, text: str, limit: int = 20, offset: int = 0) -> list[str]:
        """Ids of the articles whose title or content has every word of ``text``, best first (FTS5, BM25)."""
        query = fts_query(text)
        if query is None:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            " ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT ? OFFSET ?",
            (query, limit, offset),
        )
        seqs = [r[0] for r in rows]
        ids = dict(self.db.execute(f"SELECT seq, id FROM articles WHERE seq IN ({','.join('?' * len(seqs))})", seqs))
        return [ids[seq] for seq in seqs if seq in ids]

    def search_count(self, text: str) -> int:
        query = fts_query(text)
        return (
            self.db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (query,)).fetchone()[0]
            if query
            else 0
        )

    def matches(self, text: str) -> set[str]:
        """Ids of all the articles :meth:`search` finds, unranked."""
        query = fts_query(text)
        return (
            {
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM articles WHERE seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
                    (query,),
                )
            }
            if query
            else set()
        )

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def set_story(self, article_id: str, story_id: str | None) -> None:
        """Move an already stored article to another story (stories merge and split)."""
        self._set(article_id, "story", story_id)

    def set_duplicate_of(self, article_id: str, original: str | None) -> None:
        """Point an already stored copy at another original (its original was removed)."""
        self._set(article_id, "duplicate_of", original)

    def _set(self, article_id: str, column: str, value: str | None) -> None:
        with self.transaction():
            row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return
            data = json.loads(row[0])
            data[column] = value
            self.db.execute(
                f"UPDATE articles SET {column} = ?, data = ? WHERE id = ?",
                (value, json.dumps(data, ensure_ascii=False), article_id),
            )

    # skips ------------------------------------------------------------------
    def save_skip(self, skip: Skip) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO skips (origin, reason, detail, article_id) VALUES (?, ?, ?, ?)",
                (skip.origin, skip.reason, skip.detail, skip.id),
            )

    def skips(self) -> list[Skip]:
        rows = self.db.execute("SELECT origin, reason, detail, article_id FROM skips ORDER BY seq").fetchall()
        return [Skip(origin=r[0], reason=r[1], detail=r[2], id=r[3]) for r in rows]

    # desk records -----------------------------------------------------------
    def save_story(self, story: Story) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO stories (id, data) VALUES (?, ?)",
                (story.id, json.dumps(story.to_dict(), ensure_ascii=False)),
            )
        if self._stateless is not None:
            self._stateless.add(story.id)

    def remove_story(self, story_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            self.drop_story_state(story_id)
        if self._stateless is not None:
            self._stateless.discard(story_id)

    def story(self, story_id: str) -> Story:
        """The story of that id, or of the only id starting with it."""
        story_id = self.full_id("stories", story_id)
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        return Story.from_dict(json.loads(row[0]))

    def stories(self) -> list[Story]:
        rows = self.db.execute("SELECT data FROM stories").fetchall()
        stories = [Story.from_dict(json.loads(r[0])) for r in rows]
        return sorted(stories, key=lambda s: (s.first_published or "", s.id))

    def reuse(self, article_id: str | None = None) -> list[Reuse]:
        sql = "SELECT a_article, a_paragraph, b_article, b_paragraph, kind, similarity FROM reuse"
        args: tuple = ()
        if article_id is not None:
            sql += " WHERE a_article = ? OR b_article = ?"
            args = (article_id, article_id)
        return [
            Reuse(
                a={"article": r[0], "paragraph": r[1]},
                b={"article": r[2], "paragraph": r[3]},
                kind=r[4],
                similarity=r[5],
            )
            for r in self.db.execute(sql + " ORDER BY rowid", args)
        ]

    def save_story_state(self, story_id: str, state: dict) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO story_state (story, data) VALUES (?, ?)",
                (story_id, json.dumps(state, ensure_ascii=False)),
            )
        if self._stateless is not None:
            self._stateless.discard(story_id)

    def drop_story_state(self, story_id: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM story_state WHERE story = ?", (story_id,))
        if self._stateless is not None:
            self._stateless.add(story_id)

    def stateless_stories(self, limit: int) -> list[str]:
        """Stories without a reconciled state (parts of a split), oldest first. The whole table is read once;
        then only the stories this connection saved or dropped the state of since (an add costs the same on
        any desk size)."""
        if self.changed_elsewhere("stateless") or self._stateless is None:
            self._stateless = {
                r[0] for r in self.db.execute("SELECT id FROM stories WHERE id NOT IN (SELECT story FROM story_state)")
            }
        if not self._stateless:
            return []
        ids = sorted(self._stateless)
        found = [
            r[0]
            for r in self.db.execute(
                f"SELECT id FROM stories s WHERE id IN ({','.join('?' * len(ids))})"
                " AND NOT EXISTS (SELECT 1 FROM story_state WHERE story = s.id) ORDER BY rowid",
                ids,
            )
        ]
        self._stateless = set(found)
        return found[:limit]

    def story_state(self, story_id: str) -> dict:
        row = self.db.execute("SELECT data FROM story_state WHERE story = ?", (story_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def fts_query(text: str) -> str | None:
    """An FTS5 query for all the words of ``text``, each quoted: the user's text is never FTS syntax."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"' for word in words) if words else None
