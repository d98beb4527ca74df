"""Exact and near-duplicate articles (the desk step ``dedup``).

An article's *fingerprint* is a hash of its normalised content text (body
and headings, lowercased words): equal fingerprints are exact duplicates.
Otherwise its MinHash signature is looked up in the LSH buckets the store
keeps (``minhashes``, ``lsh_buckets``) and every candidate is verified with
the exact Jaccard similarity of the word shingles, so ``threshold`` holds
exactly. A duplicate is kept and marked: ``duplicate_of`` names the earliest
article of its group, and the story and re-use counts leave it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import xxhash

from ..config import StepSettings
from ..model import Article
from ..pipeline import step
from . import minhash


@dataclass(frozen=True)
class Settings(StepSettings):
    """The [dedup] settings (defaults.toml says why each value)."""

    section = "dedup"
    threshold: float = 0.8
    shingle: int = 5
    num_perm: int = 128
    lsh_recall: float = 0.995
    seed: int = 1
    short_body: int = 25


def content_text(article: Article, short_body: int = 0) -> str:
    """The text duplicates are judged on: body and heading paragraphs (captions and link lists left out), after
    the headline when the body has fewer than ``short_body`` words (a paywall notice, a link list: two pages
    sharing only that are not copies of each other). Empty when the article has no body at all."""
    body = "\n\n".join(p.text for p in article.content_paragraphs())
    if body and len(minhash.words(body)) < short_body:
        return f"{article.title}\n\n{body}"
    return body


def fingerprint(text: str) -> str | None:
    """Hash of the lowercased words of ``text`` (punctuation, case and spacing ignored); None when it has none."""
    tokens = minhash.words(text)
    return xxhash.xxh3_128_hexdigest(" ".join(tokens).encode("utf-8")) if tokens else None


class Deduplicator:
    """The store-backed index: fingerprints, signatures and LSH buckets of every stored article."""

    def __init__(self, store, settings: Settings):
        self.store = store
        self.settings = settings
        self.hasher = minhash.Hasher(settings.num_perm, settings.seed)
        self.bands, self.rows = minhash.lsh_params(settings.threshold, settings.num_perm, settings.lsh_recall)

    def __call__(self, article: Article) -> None:
        db = self.store.db
        text = content_text(article, self.settings.short_body)
        article.fingerprint = fingerprint(text)
        article.duplicate_of = None
        if article.fingerprint is None:
            return
        row = db.execute(
            "SELECT f.article_id FROM fingerprints f JOIN articles a ON a.id = f.article_id"
            " WHERE f.fingerprint = ? AND f.article_id != ? ORDER BY a.seq LIMIT 1",
            (article.fingerprint, article.id),
        ).fetchone()
        shingles = minhash.shingles(text, self.settings.shingle)
        signature = self.hasher.signature(shingles)
        keys = minhash.band_keys(signature, self.bands, self.rows).tolist()
        if row is not None:
            article.duplicate_of = self.original(row[0])
        else:
            best = self.nearest(article.id, shingles, keys)
            if best is not None:
                article.duplicate_of = self.original(best)
        db.execute(
            "INSERT OR REPLACE INTO fingerprints (article_id, fingerprint) VALUES (?, ?)",
            (article.id, article.fingerprint),
        )
        db.execute(
            "INSERT OR REPLACE INTO minhashes (article_id, signature) VALUES (?, ?)", (article.id, signature.tobytes())
        )
        db.executemany(
            "INSERT INTO lsh_buckets (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, key, article.id) for band, key in enumerate(keys)],
        )

    def nearest(self, article_id: str, shingles: np.ndarray, keys: list[int]) -> str | None:
        """The stored article most similar to ``shingles`` at or above the threshold (ties: the earliest)."""
        db = self.store.db
        candidates: set[str] = set()
        for band, key in enumerate(keys):
            candidates.update(
                r[0]
                for r in db.execute("SELECT article_id FROM lsh_buckets WHERE band = ? AND bucket = ?", (band, key))
            )
        candidates.discard(article_id)
        if not candidates:
            return None
        marks = ",".join("?" * len(candidates))
        rows = db.execute(f"SELECT id, data FROM articles WHERE id IN ({marks}) ORDER BY seq", sorted(candidates))
        best, best_similarity = None, self.settings.threshold
        for other_id, data in rows:
            other = Article.from_dict(json.loads(data))
            similarity = minhash.jaccard(
                shingles, minhash.shingles(content_text(other, self.settings.short_body), self.settings.shingle)
            )
            if similarity > best_similarity or (best is None and similarity >= best_similarity):
                best, best_similarity = other_id, similarity
        return best

    def forget(self, article_id: str) -> None:
        """A removed or replaced original hands its group to its earliest copy: no copy points at nothing."""
        copies = [
            r[0]
            for r in self.store.db.execute("SELECT id FROM articles WHERE duplicate_of = ? ORDER BY seq", (article_id,))
        ]
        for copy in copies:
            self.store.set_duplicate_of(copy, None if copy == copies[0] else copies[0])

    def original(self, article_id: str) -> str:
        """The article a duplicate group is counted under (duplicates point at it, never at each other)."""
        row = self.store.db.execute("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row and row[0] else article_id


@step("dedup", requires=("text",), assigns=("duplicates",), scope="desk")
def make_dedup(config, desk):
    """Exact fingerprints and near-duplicates (MinHash + LSH, verified by exact Jaccard); marks duplicate_of."""
    return Deduplicator(desk.store, Settings.from_config(config))
