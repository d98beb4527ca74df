"""What the watcher remembers, in the desk's store: sources and their health, conditional-request
validators, the pages already seen and the queue of listed pages not yet stored.

The order of writes makes a restart (even after kill -9) lose and double nothing: a poll commits
its validators together with the new entries it queued, so an entry is never dropped by a 304; an
article is stored before its queue row is removed, and a queued entry whose article is already
stored counts as seen, so a crash between the two does not fetch it again.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable

from ..store import Store
from .listings import Entry


class State:
    def __init__(self, store: Store):
        self.store, self.db = store, store.db

    # sources ----------------------------------------------------------------
    def register(self, source: str, kind: str, interval: float) -> None:
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO watch_sources (source, kind, interval) VALUES (?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET interval = excluded.interval",
                (source, kind, interval),
            )

    def source(self, source: str):
        return self.db.execute("SELECT * FROM watch_sources WHERE source = ?", (source,)).fetchone()

    def known_sources(self) -> list[dict]:
        """Every source watched before, as ``[watch] sources`` items."""
        return [
            {"url": r[0], "interval": r[1]}
            for r in self.db.execute("SELECT source, interval FROM watch_sources ORDER BY rowid")
        ]

    def polled(
        self,
        source: str,
        *,
        status: str,
        next_poll: float,
        new: int = 0,
        kind: str | None = None,
        failed: bool = False,
        validators: dict[str, tuple[str | None, str | None]] | None = None,
        entries: Iterable[Entry] = (),
    ) -> None:
        """Record a poll: its outcome, the next poll time, and (in the same transaction) the validators
        of what was read and the new entries queued."""
        now = time.time()
        with self.store.transaction():
            for entry in entries:
                self.db.execute(
                    "INSERT OR IGNORE INTO watch_queue (key, source, url, article_id, kind, item, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.key,
                        source,
                        entry.url,
                        entry.article_id,
                        entry.kind,
                        json.dumps(entry.item, ensure_ascii=False),
                        now,
                    ),
                )
            for url, (etag, last_modified) in (validators or {}).items():
                self.db.execute(
                    "INSERT OR REPLACE INTO watch_validators (url, etag, last_modified) VALUES (?, ?, ?)",
                    (url, etag, last_modified),
                )
            self.db.execute(
                "UPDATE watch_sources SET next_poll = ?, last_poll = ?, last_status = ?, polls = polls + 1, "
                "failures = CASE WHEN ? THEN failures + 1 ELSE 0 END, last_new = ?, kind = COALESCE(?, kind) "
                "WHERE source = ?",
                (next_poll, now, status, failed, new, kind, source),
            )

    def error(self, source: str, kind: str, detail: str) -> None:
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO watch_errors (source, kind, count, last_at, detail) VALUES (?, ?, 1, ?, ?) "
                "ON CONFLICT (source, kind) DO UPDATE SET count = count + 1, last_at = excluded.last_at, "
                "detail = excluded.detail",
                (source, kind, time.time(), detail[:500]),
            )

    # validators -------------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM watch_validators WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None = None) -> None:
        with self.store.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO watch_validators (url, etag, last_modified) VALUES (?, ?, ?)",
                (url, etag, last_modified),
            )

    # pages --------------------------------------------------------------------
    def known(self, key: str, article_id: str | None = None) -> bool:
        """Seen before, queued, or its article already stored."""
        if self.db.execute(
            "SELECT 1 FROM watch_seen WHERE key = ? UNION ALL SELECT 1 FROM watch_queue WHERE key = ?", (key, key)
        ).fetchone():
            return True
        return article_id is not None and self.store.content_hash(article_id) is not None

    def queued(self) -> list[tuple[str, Entry]]:
        """(source, entry) of every listed page not yet stored, oldest first."""
        rows = self.db.execute("SELECT source, key, url, article_id, kind, item FROM watch_queue ORDER BY at, rowid")
        return [(r[0], Entry(r[1], r[2], r[3], r[4], json.loads(r[5]))) for r in rows]

    def done(self, source: str, entry: Entry, status: str, aliases: Iterable[str] = (), stored: bool = True) -> None:
        """An entry is finished (its article stored, or given up): seen, out of the queue, counted."""
        now = time.time()
        with self.store.transaction():
            for key in {entry.key, *aliases}:
                self.db.execute(
                    "INSERT OR REPLACE INTO watch_seen (key, source, article_id, status, at) VALUES (?, ?, ?, ?, ?)",
                    (key, source, entry.article_id, status, now),
                )
            self.db.execute("DELETE FROM watch_queue WHERE key = ?", (entry.key,))
            if stored:
                self.db.execute("UPDATE watch_sources SET articles = articles + 1 WHERE source = ?", (source,))

    def add_articles(self, source: str, count: int) -> None:
        with self.store.transaction():
            self.db.execute("UPDATE watch_sources SET articles = articles + ? WHERE source = ?", (count, source))


def sources_health(store: Store) -> list[dict]:
    """Each watched source's health: last and next poll, status, new articles, pending pages, errors by kind
    (``newsdesk sources``; plain data for other views)."""
    errors: dict[str, dict[str, int]] = {}
    last_error: dict[str, tuple[float, str]] = {}
    for source, kind, count, at, detail in store.db.execute(
        "SELECT source, kind, count, last_at, detail FROM watch_errors ORDER BY source, kind"
    ):
        errors.setdefault(source, {})[kind] = count
        if at >= last_error.get(source, (0.0, ""))[0]:
            last_error[source] = (at, f"{kind}: {detail}")
    pending = dict(store.db.execute("SELECT source, COUNT(*) FROM watch_queue GROUP BY source").fetchall())
    health = []
    for row in store.db.execute("SELECT * FROM watch_sources ORDER BY rowid"):
        health.append(
            {
                "source": row["source"],
                "kind": row["kind"],
                "interval": row["interval"],
                "last_poll": _iso(row["last_poll"]),
                "next_poll": _iso(row["next_poll"] or None),
                "last_status": row["last_status"],
                "polls": row["polls"],
                "failures": row["failures"],
                "last_new": row["last_new"],
                "articles": row["articles"],
                "pending": pending.get(row["source"], 0),
                "errors": errors.get(row["source"], {}),
                "last_error": last_error.get(row["source"], (0, None))[1],
            }
        )
    return health


def _iso(timestamp: float | None) -> str | None:
    if not timestamp:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
