"""MinHash signatures of word shingles, LSH banding, and exact Jaccard.

Shingles are lowercased word k-grams (5 by default), each hashed to 64 bits,
so a text is a sorted array of unique ``uint64``. Tokenising and hashing run
in numpy over many texts at once (:func:`shingle_hashes_of`): a byte mask of
the UTF-8 text finds the words, prefix sums of a polynomial over the bytes
give each word's hash, and k consecutive word hashes combine into a shingle's.
This replaced per-word xxhash calls, which cost more than everything else in
``newsdesk dedup`` (bench/dedup.py); xxhash still seeds the signatures.
Signatures are one-permutation MinHash (:class:`Hasher`), computed for a
whole corpus in one vectorised pass.

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
from typing import Iterable, Sequence

import numpy as np
import xxhash

WORD = re.compile(r"\w+")
EMPTY = np.zeros(0, dtype=np.uint64)
MAX32 = np.uint32(0xFFFFFFFF)
CHUNK = 1 << 20  # shingles hashed into signatures per numpy pass
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads the polynomial combination


def words(text: str) -> list[str]:
    """Lowercased words, for fingerprints and word alignment (shingles are tokenised in numpy)."""
    return WORD.findall(text.lower())


# Bytes that belong to words: ASCII letters, digits, underscore (as in \w), and every
# byte of a non-ASCII character except the punctuation blocks handled in _word_mask.
_WORD_BYTES = np.zeros(256, dtype=bool)
_WORD_BYTES[[*b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True
_WORD_BYTES[0x80:] = True
_PRIME = 0x100000001B3  # FNV-64 prime: odd, so invertible modulo 2**64
_PRIME_INVERSE = pow(_PRIME, -1, 2**64)


def _word_mask(data: np.ndarray) -> np.ndarray:
    word = _WORD_BYTES[data]
    # U+2000-U+206F (quotes, dashes, ellipsis: E2 80 xx / E2 81 xx in UTF-8) and
    # U+00A0-U+00BF (no-break space, guillemets, inverted marks: C2 A0-BF) separate words.
    lead = np.flatnonzero((data[:-2] == 0xE2) & ((data[1:-1] == 0x80) | (data[1:-1] == 0x81)))
    for shift in range(3):
        word[lead + shift] = False
    lead = np.flatnonzero((data[:-1] == 0xC2) & (data[1:] >= 0xA0) & (data[1:] <= 0xBF))
    word[lead] = word[lead + 1] = False
    return word


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def _word_hashes(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash, start byte) of every word of a UTF-8 byte array, all at once.

    A word's hash is the polynomial of its bytes, read from prefix sums:
    sum(b[j] * P**j, start <= j < end) * P**-start (modulo 2**64), then mixed.
    """
    word = _word_mask(data)
    before = np.zeros_like(word)
    before[1:] = word[:-1]
    after = np.zeros_like(word)
    after[:-1] = word[1:]
    starts, ends = np.flatnonzero(word & ~before), np.flatnonzero(word & ~after) + 1
    if not len(starts):
        return EMPTY, starts
    powers, inverse = _powers(len(data))
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(data * powers[: len(data)], dtype=np.uint64, out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * inverse[starts] + (ends - starts).astype(np.uint64)
    return _mix(raw), starts


_POWERS: list[np.ndarray] = []


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """P**j and P**-j modulo 2**64 for j < length (cached, grown on demand: doubled, from what the first text needs,
    so that one short article does not fill two 16 MB tables)."""
    if not _POWERS or len(_POWERS[0]) < length:
        size = max(length, 2 * len(_POWERS[0]) if _POWERS else 1 << 12)
        with np.errstate(over="ignore"):
            powers = np.full(size, _PRIME, dtype=np.uint64)
            powers[0] = 1
            inverse = np.full(size, _PRIME_INVERSE, dtype=np.uint64)
            inverse[0] = 1
            _POWERS[:] = [np.cumprod(powers, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _POWERS[0], _POWERS[1]


def shingle_hashes_of(texts: Sequence[str], k: int = 5) -> list[np.ndarray]:
    """For each text, the 64-bit hash of each lowercased word ``k``-gram in text order (one shingle of
    all words when a text has fewer than ``k``; none when it has no word). All texts are tokenised and
    hashed together in numpy, about a megabyte at a time."""
    out: list[np.ndarray] = []
    batch: list[bytes] = []
    size = 0
    for text in texts:
        encoded = text.lower().encode("utf-8")
        batch.append(encoded)
        size += len(encoded) + 1
        if size > 1 << 20:
            out.extend(_batch_shingles(batch, k))
            batch, size = [], 0
    if batch:
        out.extend(_batch_shingles(batch, k))
    return out


def _batch_shingles(encoded: list[bytes], k: int) -> list[np.ndarray]:
    data = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    hashes, starts = _word_hashes(data)
    offsets = np.cumsum([0] + [len(e) + 1 for e in encoded])
    bounds = np.searchsorted(starts, offsets)  # first word of each text
    counts = np.diff(bounds)
    out = []
    with np.errstate(over="ignore"):
        combined = hashes[: max(0, len(hashes) - k + 1)].copy()
        for offset in range(1, k):
            combined = combined * _MIX + hashes[offset : offset + len(combined)]
        combined ^= combined >> np.uint64(29)
        for first, count in zip(bounds[:-1].tolist(), counts.tolist()):
            if count >= k:
                out.append(combined[first : first + count - k + 1])
            elif count:
                short = hashes[first]
                for value in hashes[first + 1 : first + count]:
                    short = short * _MIX + value
                out.append(np.array([short ^ (short >> np.uint64(29))], dtype=np.uint64))
            else:
                out.append(EMPTY)
    return out


def shingle_hashes(text: str, k: int = 5) -> np.ndarray:
    """The positional shingle hashes of one text (see :func:`shingle_hashes_of`)."""
    return shingle_hashes_of([text], k)[0]


def shingles(text: str | Sequence[str], k: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the lowercased word ``k``-grams of ``text`` (or of a word list).

    A text shorter than ``k`` words is one shingle of all its words; an empty text has none.
    """
    return unique(shingle_hashes(text if isinstance(text, str) else " ".join(text), k))


def unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array (sorted, each value once) without the ``numpy.ma`` import ``np.unique`` makes
    on its first call (~50 ms of a one-article ``add``)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle arrays."""
    if not len(a) and not len(b):
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True)
class Hasher:
    """One-permutation MinHash with ``num_perm`` bins, seeded (same seed, same signatures).

    Each shingle is re-hashed once (a seeded 64-bit mix); its high bits pick one of
    ``num_perm`` bins and its low 32 bits compete for that bin's minimum. This is
    one-permutation hashing (Li, Owen & Zhang, NIPS 2012): the same estimator as
    ``num_perm`` separate hash functions for sets much larger than ``num_perm``,
    at the cost of one hash per shingle instead of ``num_perm``. The raw signature
    keeps empty bins (all ones), so signatures merge exactly; :func:`densified`
    fills empty bins from their right neighbour (rotation, Shrivastava & Li, ICML
    2014) before bands or estimates are taken.
    """

    num_perm: int = 128
    seed: int = 1

    def signature(self, shingle_hashes: np.ndarray) -> np.ndarray:
        """The raw signature (``uint32[num_perm]``) of one shingle set; all-max for an empty set."""
        return self.signatures([shingle_hashes])[0]

    def signatures(self, sets: Sequence[np.ndarray]) -> np.ndarray:
        """Raw signatures of many shingle sets (``uint32[len(sets), num_perm]``), in numpy passes over about a
        million shingles each (the working arrays stay small: fewer page faults than one pass over a corpus)."""
        out = np.full((len(sets), self.num_perm), MAX32, dtype=np.uint32)
        lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        ends = np.cumsum(lengths)
        start = 0
        while start < len(sets):
            stop = max(start + 1, int(np.searchsorted(ends, (ends[start - 1] if start else 0) + CHUNK, side="right")))
            self._fill(out[start:stop], sets[start:stop], lengths[start:stop])
            start = stop
        return out

    def _fill(self, out: np.ndarray, sets: Sequence[np.ndarray], lengths: np.ndarray) -> None:
        if not lengths.sum():
            return
        values = np.concatenate([s for s in sets if len(s)]).astype(np.uint64, copy=False)
        # In place where possible: the arrays hold one value per shingle of the pass.
        with np.errstate(over="ignore"):
            mixed = values ^ _seed_mask(self.seed)
            mixed *= np.uint64(0xBF58476D1CE4E5B9)
            mixed ^= mixed >> np.uint64(31)
            mixed *= np.uint64(0x94D049BB133111EB)
            mixed ^= mixed >> np.uint64(29)
        bins = mixed >> np.uint64(32)
        bins *= np.uint64(self.num_perm)
        bins >>= np.uint64(32)
        cells = np.repeat(np.arange(len(sets), dtype=np.int64) * self.num_perm, lengths)
        cells += bins.view(np.int64)  # bins < num_perm
        np.minimum.at(out.reshape(-1), cells, mixed.astype(np.uint32))  # the low 32 bits


def _seed_mask(seed: int) -> np.uint64:
    return np.uint64(xxhash.xxh64_intdigest(str(seed).encode("ascii")))


def densified(signatures: np.ndarray) -> np.ndarray:
    """Raw signatures with each empty bin filled from the next non-empty bin to its right (circularly),
    shifted by the distance so that two sets agree there only when they agree on that neighbour."""
    matrix = np.atleast_2d(signatures)
    n, width = matrix.shape
    empty = matrix == MAX32
    if not empty.any():
        return signatures
    doubled = np.concatenate([matrix, matrix], axis=1)
    position = np.where(np.concatenate([~empty, ~empty], axis=1), np.arange(2 * width), 4 * width)
    nearest = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1][:, :width]
    full = nearest < 2 * width
    source = np.where(full, nearest, 0)
    distance = (source - np.arange(width)).astype(np.uint32)
    with np.errstate(over="ignore"):
        filled = doubled[np.arange(n)[:, None], source] + distance * np.uint32(0x9E3779B1)
    out = np.where(empty & full, filled, matrix).astype(np.uint32)
    return out[0] if signatures.ndim == 1 else out


def merge(*signatures: np.ndarray) -> np.ndarray:
    """The signature of the union of the sets whose signatures are given."""
    return np.minimum.reduce(signatures)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity estimated from two raw signatures."""
    return float(np.mean(densified(a) == densified(b)))


def lsh_params(threshold: float, num_perm: int, recall: float = 0.995) -> tuple[int, int]:
    """(bands, rows): the most rows per band (fewest false candidates) that still makes a pair at
    ``threshold`` a candidate with probability ``recall``.

    Candidates are verified exactly, so a false candidate only costs one comparison,
    while a missed pair is lost: the banding is chosen for recall at the threshold
    (pairs above it are caught with higher probability still).
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


def band_keys(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One signed 64-bit bucket key per band (``int64[bands]``, or ``[n, bands]`` for a matrix) of raw signatures."""
    dense = np.atleast_2d(densified(signature))
    matrix = dense[:, : bands * rows].astype(np.uint64).reshape(len(dense), bands, rows)
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
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        sorted_keys = keys[order, band]
        # equal keys are contiguous once sorted: rows `gap` apart with the same key are a pair
        gap = 1
        while gap < len(order):
            same = np.flatnonzero(sorted_keys[gap:] == sorted_keys[:-gap])
            if not len(same):
                break
            pairs.append(np.stack([order[same], order[same + gap]], axis=1))
            gap += 1
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    found = np.concatenate(pairs)
    found.sort(axis=1)
    return np.unique(found, axis=0)


def near_pairs(
    hashes: Sequence[np.ndarray], threshold: float, hasher: Hasher | None = None, recall: float = 0.995
) -> Iterable[tuple[int, int, float]]:
    """(i, j, exact Jaccard) for every pair of shingle hash arrays at or above ``threshold`` found by LSH.

    The arrays may repeat values (positional hashes): the minimum ignores repeats, and
    only the texts of candidate pairs are reduced to sets for the exact verification. A text without words
    is nobody's near-duplicate (all empty texts share one signature).
    """
    hasher = hasher or Hasher()
    bands, rows = lsh_params(threshold, hasher.num_perm, recall)
    sets: dict[int, np.ndarray] = {}
    for i, j in candidate_pairs(hasher.signatures(hashes), bands, rows).tolist():
        if not len(hashes[i]) or not len(hashes[j]):
            continue
        for k in (i, j):
            if k not in sets:
                sets[k] = unique(hashes[k])
        similarity = jaccard(sets[i], sets[j])
        if similarity >= threshold:
            yield i, j, similarity
