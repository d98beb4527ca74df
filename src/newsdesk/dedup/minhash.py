"""MinHash signatures of word shingles, LSH banding, and exact Jaccard.

Shingles are lowercased word k-grams (5 by default), each hashed to 64 bits
by combining xxhash values of its words, so a text is a sorted array of
unique ``uint64``. A signature holds, for each of ``num_perm`` universal
hash functions (multiply-shift: the high 32 bits of ``a * x + b`` modulo
2**64), the minimum over the shingles, computed for all shingles and all
functions at once with numpy.

Everything merges exactly (STYLE #11): the signature of a union is the
element-wise minimum of the signatures (:func:`merge`), and two
:class:`LSHIndex` built on separate shards combine into the index of the
whole (:meth:`LSHIndex.merge`). :func:`lsh_params` picks bands × rows for a
threshold; candidates are then verified with the exact Jaccard of the
shingle sets (:func:`jaccard`), so the threshold holds exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import xxhash

WORD = re.compile(r"\w+")
EMPTY = np.zeros(0, dtype=np.uint64)
MAX32 = np.uint32(0xFFFFFFFF)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads the polynomial combination


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return xxhash.xxh64_intdigest(word.encode("utf-8"))


def shingle_hashes(tokens: Sequence[str], k: int = 5) -> np.ndarray:
    """The 64-bit hash of each word ``k``-gram of ``tokens``, in text order (one of all words if fewer than ``k``)."""
    if not tokens:
        return EMPTY
    hashes = np.fromiter((_word_hash(w) for w in tokens), dtype=np.uint64, count=len(tokens))
    width = min(k, len(tokens))
    count = len(tokens) - width + 1
    with np.errstate(over="ignore"):
        combined = hashes[:count].copy()
        for offset in range(1, width):
            combined = combined * _MIX + hashes[offset:offset + count]
        combined ^= combined >> np.uint64(29)
    return combined


def shingles(text: str | Sequence[str], k: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the lowercased word ``k``-grams of ``text`` (or of a word list).

    A text shorter than ``k`` words is one shingle of all its words; an empty text has none.
    """
    return np.unique(shingle_hashes(words(text) if isinstance(text, str) else list(text), k))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle arrays."""
    if not len(a) and not len(b):
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True)
class Hasher:
    """``num_perm`` multiply-shift hash functions drawn from ``seed`` (same seed, same signatures)."""

    num_perm: int = 128
    seed: int = 1

    @property
    def coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        return _coefficients(self.num_perm, self.seed)

    def signature(self, shingle_hashes: np.ndarray) -> np.ndarray:
        """The MinHash signature (``uint32[num_perm]``) of one shingle set; all-max for an empty set."""
        return self.signatures([shingle_hashes])[0]

    def signatures(self, sets: Sequence[np.ndarray], chunk: int = 1 << 15) -> np.ndarray:
        """Signatures of many shingle sets (``uint32[len(sets), num_perm]``), hashed in large numpy batches."""
        a, b = self.coefficients
        out = np.full((len(sets), self.num_perm), MAX32, dtype=np.uint32)
        start = 0
        while start < len(sets):
            stop, size = start, 0
            while stop < len(sets) and (size == 0 or size + len(sets[stop]) <= chunk):
                size += len(sets[stop])
                stop += 1
            group = [s for s in sets[start:stop]]
            lengths = np.array([len(s) for s in group])
            if size:
                values = np.concatenate(group)
                with np.errstate(over="ignore"):
                    hashed = ((values[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)).astype(np.uint32)
                filled = np.flatnonzero(lengths)
                offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
                out[start + filled] = np.minimum.reduceat(hashed, offsets, axis=0)
            start = stop
        return out


@lru_cache(maxsize=8)
def _coefficients(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def merge(*signatures: np.ndarray) -> np.ndarray:
    """The signature of the union of the sets whose signatures are given."""
    return np.minimum.reduce(signatures)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity estimated from two signatures."""
    return float(np.mean(a == b))


def lsh_params(threshold: float, num_perm: int, recall: float = 0.995) -> tuple[int, int]:
    """(bands, rows): the most rows per band (fewest false candidates) that still makes a pair at
    ``threshold`` a candidate with probability ``recall``.

    Candidates are verified exactly, so a false candidate only costs one comparison,
    while a missed pair is lost: the banding is chosen for recall at the threshold
    (pairs above it are caught with higher probability still).
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold ** rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


def band_keys(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One signed 64-bit bucket key per band (``int64[bands]``, or ``[n, bands]`` for a signature matrix)."""
    matrix = np.atleast_2d(signature)[:, : bands * rows].astype(np.uint64).reshape(len(np.atleast_2d(signature)), bands, rows)
    with np.errstate(over="ignore"):
        key = np.zeros(matrix.shape[:2], dtype=np.uint64)
        for column in range(rows):
            key = key * _MIX + matrix[:, :, column] + np.uint64(1)
        key ^= key >> np.uint64(31)
    keys = key.view(np.int64)
    return keys[0] if signature.ndim == 1 else keys


@dataclass
class LSHIndex:
    """Band buckets in memory: key → ids. Built per shard and merged exactly."""

    bands: int
    rows: int
    tables: list[dict[int, list]] = field(default_factory=list)

    def __post_init__(self):
        if not self.tables:
            self.tables = [{} for _ in range(self.bands)]

    def insert(self, key, signature: np.ndarray) -> None:
        for table, bucket in zip(self.tables, band_keys(signature, self.bands, self.rows).tolist()):
            table.setdefault(bucket, []).append(key)

    def candidates(self, signature: np.ndarray) -> set:
        found: set = set()
        for table, bucket in zip(self.tables, band_keys(signature, self.bands, self.rows).tolist()):
            found.update(table.get(bucket, ()))
        return found

    def merge(self, other: "LSHIndex") -> "LSHIndex":
        if (self.bands, self.rows) != (other.bands, other.rows):
            raise ValueError("cannot merge LSH indexes with different bands × rows; build both with the same settings")
        for mine, theirs in zip(self.tables, other.tables):
            for bucket, keys in theirs.items():
                mine.setdefault(bucket, []).extend(keys)
        return self


def candidate_pairs(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Every pair (i < j) of rows of ``signatures`` sharing a bucket in some band (``int64[m, 2]``)."""
    keys = band_keys(signatures, bands, rows)
    pairs: list[np.ndarray] = []
    ids = np.arange(len(signatures))
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        sorted_keys = keys[order, band]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(sorted_keys)])
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
            members = ids[order[start:start + size]]
            i, j = np.triu_indices(size, k=1)
            pairs.append(np.stack([members[i], members[j]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    found = np.concatenate(pairs)
    found.sort(axis=1)
    return np.unique(found, axis=0)


def near_pairs(sets: Sequence[np.ndarray], threshold: float, hasher: Hasher | None = None,
               recall: float = 0.995) -> Iterable[tuple[int, int, float]]:
    """(i, j, exact Jaccard) for every pair of ``sets`` at or above ``threshold`` found by LSH."""
    hasher = hasher or Hasher()
    bands, rows = lsh_params(threshold, hasher.num_perm, recall)
    for i, j in candidate_pairs(hasher.signatures(sets), bands, rows).tolist():
        similarity = jaccard(sets[i], sets[j])
        if similarity >= threshold:
            yield i, j, similarity
