"""The versioned schema. ``PRAGMA user_version`` is the number of migrations applied.

Append a migration to change the schema; never edit one that has shipped.
Tables whose rows derive from one article name their article column in
``ARTICLE_KEYED`` so that replacing or removing the article removes them too.
"""

import sqlite3
from collections.abc import Iterator

MIGRATIONS: list[str] = [
    # 1: articles, skips, desk settings
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,             -- arrival order
        content_hash TEXT NOT NULL,       -- of what was read: detects a changed article
        title TEXT NOT NULL,
        published TEXT,
        source TEXT,
        url TEXT,
        story TEXT,
        duplicate_of TEXT,
        data TEXT NOT NULL                -- the whole Article as JSON
    );
    CREATE INDEX articles_story ON articles(story);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE TABLE skips (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        origin TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        article_id TEXT,
        at TEXT NOT NULL DEFAULT (datetime('now'))
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: dedup, re-use and stories
    """
    CREATE TABLE fingerprints (article_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
    CREATE INDEX fingerprints_value ON fingerprints(fingerprint);
    CREATE TABLE minhashes (article_id TEXT PRIMARY KEY, signature BLOB NOT NULL);
    CREATE TABLE lsh_buckets (band INTEGER NOT NULL, bucket INTEGER NOT NULL, article_id TEXT NOT NULL);
    CREATE INDEX lsh_buckets_key ON lsh_buckets(band, bucket);
    CREATE INDEX lsh_buckets_article ON lsh_buckets(article_id);
    CREATE TABLE paragraph_hashes (hash TEXT NOT NULL, article_id TEXT NOT NULL, paragraph INTEGER NOT NULL);
    CREATE INDEX paragraph_hashes_hash ON paragraph_hashes(hash);
    CREATE INDEX paragraph_hashes_article ON paragraph_hashes(article_id);
    CREATE TABLE reuse (
        a_article TEXT NOT NULL, a_paragraph INTEGER NOT NULL,
        b_article TEXT NOT NULL, b_paragraph INTEGER NOT NULL,
        kind TEXT NOT NULL, similarity REAL NOT NULL
    );
    CREATE INDEX reuse_a ON reuse(a_article);
    CREATE INDEX reuse_b ON reuse(b_article);
    CREATE TABLE stories (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE story_state (story TEXT PRIMARY KEY, data TEXT NOT NULL);  -- reconcile results per story
    CREATE TABLE vocabulary (token TEXT PRIMARY KEY, count INTEGER NOT NULL);  -- corpus words (glue repair)
    """,
    # 3: paragraph shingles for partial re-use; story terms (incremental IDF, online clustering)
    """
    CREATE TABLE paragraph_shingles (hash INTEGER NOT NULL, article_id TEXT NOT NULL, paragraph INTEGER NOT NULL);
    CREATE INDEX paragraph_shingles_hash ON paragraph_shingles(hash);
    CREATE INDEX paragraph_shingles_article ON paragraph_shingles(article_id);
    CREATE TABLE story_terms (article_id TEXT PRIMARY KEY, day INTEGER, data TEXT NOT NULL);
    """,
    # 4: `newsdesk watch` state (watch/state.py): sources and their health, validators, seen pages, the page queue
    """
    CREATE TABLE watch_sources (
        source TEXT PRIMARY KEY,          -- feed or sitemap URL, or folder path
        kind TEXT NOT NULL,               -- web or folder, then feed or sitemap once read
        interval REAL NOT NULL,           -- seconds between polls
        next_poll REAL NOT NULL DEFAULT 0,  -- unix time
        last_poll REAL,
        last_status TEXT,                 -- ok, not_modified or an error kind
        polls INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls: the next one backs off
        last_new INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE watch_errors (
        source TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, last_at REAL NOT NULL,
        detail TEXT NOT NULL, PRIMARY KEY (source, kind)
    );
    CREATE TABLE watch_validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);  -- files: etag = mtime:size
    CREATE TABLE watch_seen (key TEXT PRIMARY KEY, source TEXT, article_id TEXT, status TEXT NOT NULL, at REAL NOT NULL);
    CREATE TABLE watch_queue (
        key TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, article_id TEXT NOT NULL,
        kind TEXT NOT NULL,               -- of listing: feed or sitemap
        item TEXT NOT NULL,               -- what the listing says of the page (JSON): kept if the page fails
        at REAL NOT NULL
    );
    """,
    # 5: full-text search over titles and content paragraphs (body, heading), rowid = articles.seq (kept on
    # replace); triggers keep it current on every write path, the last statement fills it for an existing desk
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = new.seq;
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.seq, new.title, (
            SELECT group_concat(json_extract(p.value, '$.text'), char(10)) FROM json_each(new.data, '$.paragraphs') p
            WHERE json_extract(p.value, '$.role') IN ('body', 'heading')));
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, data ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.seq;
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.seq, new.title, (
            SELECT group_concat(json_extract(p.value, '$.text'), char(10)) FROM json_each(new.data, '$.paragraphs') p
            WHERE json_extract(p.value, '$.role') IN ('body', 'heading')));
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.seq;
    END;
    INSERT INTO articles_fts (rowid, title, body)
        SELECT a.seq, a.title, (SELECT group_concat(json_extract(p.value, '$.text'), char(10))
                                FROM json_each(a.data, '$.paragraphs') p
                                WHERE json_extract(p.value, '$.role') IN ('body', 'heading'))
        FROM articles a;
    """,
    # 6: the story index (stories/stored.py), derived from story_terms: arrival number, story and normalised title
    # of each article, its related titles, term postings (read newest first) and document frequencies
    """
    CREATE TABLE story_index (article_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, story TEXT NOT NULL, title TEXT NOT NULL);
    CREATE INDEX story_index_story ON story_index(story);
    CREATE INDEX story_index_title ON story_index(title);
    CREATE TABLE story_links (link TEXT NOT NULL, article_id TEXT NOT NULL);
    CREATE INDEX story_links_link ON story_links(link);
    CREATE INDEX story_links_article ON story_links(article_id);
    CREATE TABLE story_postings (
        term TEXT NOT NULL, seq INTEGER NOT NULL, article_id TEXT NOT NULL, weight REAL NOT NULL,
        PRIMARY KEY (term, seq, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE story_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
    """,
]


def statements(script: str) -> Iterator[str]:
    """The complete SQL statements of a migration (a trigger body holds semicolons of its own)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending.strip()
            pending = ""


# table -> column holding the article id (rows removed with the article)
ARTICLE_KEYED: dict[str, str | tuple[str, ...]] = {
    "fingerprints": "article_id",
    "minhashes": "article_id",
    "lsh_buckets": "article_id",
    "paragraph_hashes": "article_id",
    "reuse": ("a_article", "b_article"),
    "paragraph_shingles": "article_id",
    "story_terms": "article_id",
}
