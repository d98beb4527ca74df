"""Paragraph re-use across articles (the desk step ``reuse``).

Each body or heading paragraph of a new article is compared with the
paragraphs the desk already holds (captions are left out: galleries repeat
them from article to article). Candidates come from two indexes in the store:
the hash of the paragraph's lowercased words (``paragraph_hashes``, exact
re-use) and a winnowed sample of its word 5-gram hashes
(``paragraph_shingles``; winnowing keeps the smallest hash of every window of
``window`` shingles, so any passage of ``window + shingle - 1`` words shared by two
paragraphs shares a sampled hash). Each candidate pair is aligned word by word:

- ``verbatim``: the same words;
- ``near``: small edits, word alignment ratio at least ``near_ratio``;
- ``partial``: a shared run of at least ``min_passage`` words inside otherwise different paragraphs.

A paraphrase shares no 5-gram and is never a candidate. Links go from the
earlier (stored) paragraph ``a`` to the new one ``b``, with the alignment ratio
as similarity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import xxhash
from numpy.lib.stride_tricks import sliding_window_view

from ..config import StepSettings
from ..model import Article, Reuse
from ..pipeline import step
from . import minhash


@dataclass(frozen=True)
class Settings(StepSettings):
    """The [reuse] settings (defaults.toml says why each value)."""

    section = "reuse"
    shingle: int = 5
    window: int = 4
    min_words: int = 6
    near_ratio: float = 0.8
    min_passage: int = 10
    max_sources: int = 3
    max_postings: int = 50


PARAGRAPHS_PER_POSTING = 10  # a passage in more than ten times max_postings paragraphs is boilerplate too


def paragraph_hash(tokens: list[str]) -> str:
    return xxhash.xxh3_64_hexdigest(" ".join(tokens).encode("utf-8"))


def winnowed(text: str, shingle: int, window: int) -> list[int]:
    """The sampled shingle hashes of a paragraph (signed 64-bit, as SQLite stores integers)."""
    hashes = minhash.shingle_hashes(text, shingle)
    if len(hashes) > window:
        hashes = sliding_window_view(hashes, window).min(axis=1)
    return minhash.unique(hashes).view(np.int64).tolist()


def compare(a: list[str], b: list[str], settings: Settings) -> tuple[str, float] | None:
    """(kind, similarity) of two paragraphs' word lists, or None when they are not re-use."""
    if a == b:
        return "verbatim", 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    ratio = matcher.ratio()
    if ratio >= settings.near_ratio:
        return "near", round(ratio, 4)
    longest = max((block.size for block in matcher.get_matching_blocks()), default=0)
    if longest >= settings.min_passage:
        return "partial", round(ratio, 4)
    return None


class ReuseFinder:
    def __init__(self, store, settings: Settings):
        self.store = store
        self.settings = settings

    def __call__(self, article: Article) -> None:
        s = self.settings
        db = self.store.db
        paragraphs, texts = {}, {}
        for paragraph in article.content_paragraphs():
            tokens = minhash.words(paragraph.text)
            if len(tokens) >= s.min_words:
                paragraphs[paragraph.index], texts[paragraph.index] = tokens, paragraph.text
        if not paragraphs:
            return
        hashes = {index: paragraph_hash(tokens) for index, tokens in paragraphs.items()}
        sampled = {index: winnowed(texts[index], s.shingle, s.window) for index in paragraphs}
        first: dict[str, int] = {}  # a paragraph printed again in the article is looked up once, as its first
        for index, value in hashes.items():
            first.setdefault(value, index)
        unique = {index: paragraphs[index] for index in first.values()}
        pairs = self.candidates(article.id, {i: hashes[i] for i in unique}, {i: sampled[i] for i in unique})
        found: dict[int, list[Reuse]] = {}
        for link in self.verified(pairs, unique):
            found.setdefault(link.b["paragraph"], []).append(link)
        links = [
            Reuse(a=link.a, b={"article": None, "paragraph": index}, kind=link.kind, similarity=link.similarity)
            for index, value in hashes.items()
            for link in found.get(first[value], ())
        ]
        db.executemany(
            "INSERT INTO reuse (a_article, a_paragraph, b_article, b_paragraph, kind, similarity)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (x.a["article"], x.a["paragraph"], x.b["article"] or article.id, x.b["paragraph"], x.kind, x.similarity)
                for x in links
            ],
        )
        db.executemany(
            "INSERT INTO paragraph_hashes (hash, article_id, paragraph) VALUES (?, ?, ?)",
            [(h, article.id, index) for index, h in hashes.items()],
        )
        db.executemany(
            "INSERT INTO paragraph_shingles (hash, article_id, paragraph) VALUES (?, ?, ?)",
            [(h, article.id, index) for index, values in sampled.items() for h in values],
        )

    def candidates(
        self, article_id: str, hashes: dict[int, str], sampled: dict[int, list[int]]
    ) -> set[tuple[str, int, int]]:
        """(stored article, its paragraph, new paragraph) sharing the whole text or a sampled shingle."""
        db = self.store.db
        found: set[tuple[str, int, int]] = set()
        for index, value in hashes.items():
            # the same words are verbatim re-use (similarity 1): the earliest max_sources are the ones kept. Rows
            # are stored in arrival order, so the hash index reads the earliest first (no sort of every holder of
            # a boilerplate paragraph: an add costs the same on any desk size)
            for other, paragraph in db.execute(
                "SELECT h.article_id, h.paragraph FROM paragraph_hashes h JOIN articles a ON a.id = h.article_id"
                " WHERE h.hash = ? AND h.article_id != ? ORDER BY h.rowid LIMIT ?",
                (value, article_id, self.settings.max_sources),
            ):
                found.add((other, paragraph, index))
        owners: dict[int, list[int]] = {}
        for index, values in sampled.items():
            for value in values:
                owners.setdefault(value, []).append(index)
        for value, indexes in owners.items():
            for other, paragraph in self.postings(value, article_id):
                for index in indexes:
                    found.add((other, paragraph, index))
        return found

    def postings(self, value: int, article_id: str) -> list[tuple[str, int]]:
        """The stored paragraphs holding a sampled shingle; none for a boilerplate one (a byline, a copyright
        line) found in more than ``max_postings`` articles. At most a few times ``max_postings`` rows are
        read to tell, so a common shingle costs the same on any desk size."""
        db = self.store.db
        limit = 4 * self.settings.max_postings
        rows = db.execute(
            "SELECT article_id, paragraph FROM paragraph_shingles WHERE hash = ? AND article_id != ? LIMIT ?",
            (value, article_id, limit + 1),
        ).fetchall()
        if len(rows) > limit:
            if len({other for other, _ in rows}) > self.settings.max_postings:
                return []
            rows = db.execute(
                "SELECT article_id, paragraph FROM paragraph_shingles WHERE hash = ? AND article_id != ?",
                (value, article_id),
            ).fetchall()
        if len(rows) > PARAGRAPHS_PER_POSTING * self.settings.max_postings:  # repeated in very many paragraphs
            return []
        return rows if len({other for other, _ in rows}) <= self.settings.max_postings else []

    def verified(self, pairs: set[tuple[str, int, int]], paragraphs: dict[int, list[str]]) -> list[Reuse]:
        """The candidate pairs that are re-use, at most ``max_sources`` per new paragraph (most similar, earliest)."""
        if not pairs:
            return []
        wanted: dict[str, set[int]] = {}
        for other, paragraph, _ in pairs:
            wanted.setdefault(other, set()).add(paragraph)
        texts: dict[tuple[str, int], str] = {}
        seq: dict[str, int] = {}
        for other, paragraphs_wanted in sorted(wanted.items()):
            # SQLite cuts the paragraphs out of the stored article (a paragraph's index is its position): the
            # article's JSON is never loaded here. SQLite functions take at most 127 arguments.
            numbers = sorted(paragraphs_wanted)
            for start in range(0, len(numbers), 100):
                chunk = numbers[start : start + 100]
                paths = ", ".join(f"json_extract(data, '$.paragraphs[{n}].text')" for n in chunk)
                row = self.store.db.execute(
                    f"SELECT seq, json_array({paths}) FROM articles WHERE id = ?", (other,)
                ).fetchone()
                if row is None:
                    break
                seq[other] = row[0]
                texts.update(((other, n), text) for n, text in zip(chunk, json.loads(row[1])) if text is not None)
        best: dict[int, list[tuple[float, int, int, Reuse]]] = {}
        for other, paragraph, index in pairs:
            text = texts.get((other, paragraph))
            if text is None:
                continue
            found = compare(minhash.words(text), paragraphs[index], self.settings)
            if found is None:
                continue
            kind, similarity = found
            link = Reuse(
                a={"article": other, "paragraph": paragraph},
                b={"article": None, "paragraph": index},
                kind=kind,
                similarity=similarity,
            )
            best.setdefault(index, []).append((-similarity, seq[other], paragraph, link))
        links = []
        for index in sorted(best):  # the most similar, then the earliest (article, then paragraph)
            links.extend(link for *_, link in sorted(best[index], key=lambda x: x[:3])[: self.settings.max_sources])
        return links


@step("reuse", requires=("text",), assigns=("reuse",), scope="desk")
def make_reuse(config, desk):
    """Paragraphs re-used from stored articles: verbatim, near (small edits) or partial (a shared passage)."""
    return ReuseFinder(desk.store, Settings.from_config(config))
