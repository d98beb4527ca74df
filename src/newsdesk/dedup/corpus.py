"""Near-duplicates of a whole corpus at once, without a desk (``newsdesk dedup``).

For news archives and training corpora: read the inputs, hash every text's
shingles, band all signatures together (:func:`minhash.candidate_pairs`),
verify the candidates with exact Jaccard, and either list the pairs or keep
one text per group of near-duplicates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable

from .. import ingest
from ..components import Components
from ..model import Article, Skip
from . import minhash
from .fingerprint import Settings, content_text

KEEP = ("first", "longest")


@dataclass
class Corpus:
    articles: list[Article] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def read(
    paths: Iterable[str], options: ingest.Options | None = None, progress: Callable[[int], None] | None = None
) -> Corpus:
    """The articles and skips of ``paths``; ``progress(1)`` after each input read."""
    corpus = Corpus()
    for item in ingest.read(paths, options or ingest.Options()):
        (corpus.skipped if isinstance(item, Skip) else corpus.articles).append(item)
        if progress:
            progress(1)
    return corpus


def text_of(article: Article, short_body: int = 0) -> str:
    """What a corpus text is judged on: its body (:func:`content_text`, the headline before a short one), or its
    headline when that is all it has (a one-line record, a feed entry). The desk does not pair headline-only
    articles: it sees their bodies later."""
    return content_text(article, short_body) or article.title


def pairs(articles: list[Article], settings: Settings) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) with i < j for every pair of articles at or above ``settings.threshold``."""
    hashes = minhash.shingle_hashes_of([text_of(a, settings.short_body) for a in articles], settings.shingle)
    hasher = minhash.Hasher(settings.num_perm, settings.seed)
    return sorted(minhash.near_pairs(hashes, settings.threshold, hasher, settings.lsh_recall))


def kept(articles: list[Article], found: list[tuple[int, int, float]], keep: str = "first") -> list[Article]:
    """One article per group of near-duplicates (groups are connected pairs): the first read, or the longest."""
    if keep not in KEEP:
        raise ValueError(f"keep must be one of {', '.join(KEEP)}, not {keep!r}")
    components = Components(range(len(articles)))
    for i, j, _ in found:
        components.join(i, j)
    groups = components.groups()
    if keep == "first":
        chosen = sorted(members[0] for members in groups.values())
    else:
        length = [len(minhash.words(text_of(a))) for a in articles]
        chosen = sorted(max(members, key=lambda i: (length[i], -i)) for members in groups.values())
    return [articles[i] for i in chosen]


def write_pairs(articles: list[Article], found: list[tuple[int, int, float]], out: IO[str]) -> None:
    for i, j, similarity in found:
        out.write(json.dumps({"a": articles[i].id, "b": articles[j].id, "similarity": round(similarity, 4)}) + "\n")


def write_articles(articles: list[Article], out: IO[str]) -> None:
    for article in articles:
        record = {
            "id": article.id,
            "title": article.title,
            "text": "\n\n".join(p.text for p in article.paragraphs),
            "published": article.published,
            "url": article.url,
            "source": article.source,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
