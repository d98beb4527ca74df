"""Online story assignment over TF-IDF term vectors, publication days and explicit links.

:class:`StoryIndex` holds, for every article seen, its term counts, its day
and its story, plus document frequencies and postings, all in memory. Each
new article is scored against the articles sharing its rarer terms; its
story is the best matching story if that clears ``threshold``, else a new
one. A story that also matches the new article at ``merge_threshold`` is
merged into it (the second pass that repairs an early split, which makes the
result depend less on arrival order). A story that grew is bisected by
average linkage over its articles' similarities and split when its two parts
are much closer within than between (the repair of an early wrong join: the
first report of a second, look-alike event joins the first event's story,
and the later reports follow it).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..config import StepSettings
from .terms import DATE_PREFIX, NAME_PREFIX, TITLE_PREFIX


@dataclass
class Settings(StepSettings):
    """The [stories] settings (defaults.toml says why each value)."""

    section = "stories"
    threshold: float = 0.22
    merge_threshold: float = 0.5
    title_weight: float = 1.0
    name_weight: float = 1.0
    date_weight: float = 1.0
    specific_df: int = 3
    specific_weight: float = 0.08
    roundup_days: int = 10
    date_conflict: float = 0.7
    days_window: int = 3
    days_scale: float = 10.0
    days_floor: float = 0.05
    max_df: float = 0.2
    candidates: int = 200
    candidate_df: float = 0.05
    candidate_postings: int = 50
    linkage: str = "max"
    template_headline_share: float = 0.3
    boilerplate_articles: int = 2
    split_ratio: float = 0.7
    split_min: int = 4
    split_growth: float = 1.25
    split_max: int = 150


@dataclass
class Entry:
    terms: dict[str, float]  # term -> weighted sublinear tf
    day: int | None
    story: str
    title: str = ""
    links: tuple[str, ...] = ()  # normalised related titles
    duplicate_of: str | None = None
    cached: tuple[int, dict] | None = field(default=None, repr=False)  # (desk size, vector) last computed
    days: frozenset = field(init=False, repr=False)  # the day terms (DATE_PREFIX) it holds
    years: frozenset = field(init=False, repr=False)  # the years it mentions (four-digit words)
    resolved_days: int = field(init=False, repr=False)  # how many of its days carry their year

    def __post_init__(self):
        # comprehensions, not one loop: an add reads up to `candidates` entries (a day term is never all digits)
        self.days = frozenset([t for t in self.terms if t.startswith(DATE_PREFIX)])
        self.years = frozenset([t for t in self.terms if len(t) == 4 and t.isdigit() and "1900" <= t <= "2099"])
        self.resolved_days = sum(1 for t in self.days if not t.startswith(DATE_PREFIX + "--"))


@dataclass
class StoryIndex:
    settings: Settings = field(default_factory=Settings)
    entries: dict[str, Entry] = field(default_factory=dict)
    df: Counter = field(default_factory=Counter)
    postings: dict[str, dict[str, float]] = field(default_factory=dict)  # term -> its articles' weights, oldest first
    members: dict[str, set] = field(default_factory=dict)
    by_title: dict[str, set] = field(default_factory=dict)
    by_link: dict[str, set] = field(default_factory=dict)
    story_name: Callable[[str], str] = lambda article_id: "story-" + article_id  # a story named by its founder
    checked: dict[str, int] = field(default_factory=dict)  # story -> its size when last checked for a split
    arrival: dict[str, int] = field(default_factory=dict)  # article -> insertion number (its story's founder first)
    arrivals: int = 0
    # articles counted in ``df`` though not indexed here: a block of a batch run sees the rest of the corpus
    # through its document frequencies (newsdesk.distributed)
    base_n: int = 0

    # building ---------------------------------------------------------------
    def weighted(self, counts: Counter) -> dict[str, float]:
        s = self.settings
        out = {}
        for term, n in counts.items():
            weight = (
                s.title_weight
                if term.startswith(TITLE_PREFIX)
                else s.name_weight
                if term.startswith(NAME_PREFIX)
                else s.date_weight
                if term.startswith(DATE_PREFIX)
                else 1.0
            )
            if weight > 0:
                out[term] = (1.0 + math.log(n)) * weight
        return out

    # the tables: dicts here; :class:`~newsdesk.stories.stored.StoredIndex` reads and writes them in the desk's
    # SQLite file instead (an add then costs the same on any desk size) ------------------------------------
    def count(self) -> int:
        """Articles indexed."""
        return len(self.entries)

    def entry(self, article_id: str) -> Entry | None:
        return self.entries.get(article_id)

    def frequency(self, term: str) -> int:
        """Articles holding ``term`` (document frequency)."""
        return self.df.get(term, 0)

    def frequencies_table(self) -> Counter:
        """``frequency`` as a mapping (``table[term]``; 0 when absent), for the loops over many terms."""
        return self.df

    def prefetch(self, terms) -> None:
        """Read ahead the frequencies of ``terms`` (nothing to do in memory)."""

    def recent(self, term: str, limit: int):
        """(article, weight) of the articles holding ``term``: all of them oldest first, or when more than
        ``limit``, the ``limit`` most recent, newest first."""
        postings = self.postings.get(term, {})
        walked = postings.items()
        if len(postings) > limit:
            walked = itertools.islice(reversed(walked), limit)
        return walked

    def entries_of(self, article_ids: list[str]) -> dict[str, Entry]:
        return {article_id: self.entries[article_id] for article_id in article_ids}

    def story_members(self, story: str) -> set[str]:
        return self.members.get(story, set())

    def titled(self, title: str) -> set[str]:
        return self.by_title.get(title, set())

    def linking(self, title: str) -> set[str]:
        return self.by_link.get(title, set())

    def in_arrival_order(self, article_ids) -> list[str]:
        return sorted(article_ids, key=self.arrival.__getitem__)

    def relabel(self, article_ids: list[str], from_story: str, to_story: str) -> None:
        """Move articles of ``from_story`` to ``to_story``."""
        members = self.members.get(from_story)
        for article_id in article_ids:
            if members is not None:
                members.discard(article_id)
            self.entries[article_id].story = to_story
        if members is not None and not members:
            del self.members[from_story]
        self.members.setdefault(to_story, set()).update(article_ids)

    def insert(self, article_id: str, entry: Entry) -> None:
        self.entries[article_id] = entry
        self.arrival[article_id] = self.arrivals
        self.arrivals += 1
        for term, weight in entry.terms.items():
            self.df[term] += 1
            self.postings.setdefault(term, {})[article_id] = weight
        self.members.setdefault(entry.story, set()).add(article_id)
        if entry.title:
            self.by_title.setdefault(entry.title, set()).add(article_id)
        for link in entry.links:
            self.by_link.setdefault(link, set()).add(article_id)

    def remove(self, article_id: str) -> Entry | None:
        entry = self.entries.pop(article_id, None)
        if entry is None:
            return None
        del self.arrival[article_id]
        for term in entry.terms:
            self.df[term] -= 1
            if self.df[term] <= 0:
                del self.df[term]
            ids = self.postings.get(term)
            if ids is not None:
                ids.pop(article_id, None)
                if not ids:
                    del self.postings[term]
        for table, key in [(self.members, entry.story), (self.by_title, entry.title)] + [
            (self.by_link, k) for k in entry.links
        ]:
            ids = table.get(key)
            if ids is not None:
                ids.discard(article_id)
                if not ids:
                    del table[key]
        return entry

    def move(self, from_story: str, to_story: str) -> list[str]:
        moved = sorted(self.story_members(from_story))
        self.checked.pop(from_story, None)
        self.relabel(moved, from_story, to_story)
        return moved

    # scoring ----------------------------------------------------------------
    def size(self) -> int:
        return self.count() + self.base_n

    def idf(self, term: str, n: int) -> float:
        return math.log((n + 1) / (self.frequency(term) + 1)) + 1.0

    def vector(self, terms: dict[str, float], n: int) -> dict[str, float]:
        df, limit, log = self.frequencies_table(), max(2, self.settings.max_df * n), math.log
        frequencies = list(map(df.__getitem__, terms))
        # self.idf(t, n), once per document frequency: most terms share a few small ones
        idf = {f: log((n + 1) / (f + 1)) + 1.0 for f in set(frequencies) if f <= limit}
        vec = {t: w * idf[f] for (t, w), f in zip(terms.items(), frequencies) if f <= limit}
        norm = math.sqrt(sum([v * v for v in vec.values()])) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def cached_vector(self, entry: Entry, n: int) -> dict[str, float]:
        # IDF drifts slowly as the desk grows: recomputing every vector on every add costs
        # O(desk) per add, refreshing after 10% growth keeps the add fast at the same quality.
        if self.stale(entry, n):
            entry.cached = (n, self.vector(entry.terms, n))
        return entry.cached[1]

    @staticmethod
    def stale(entry: Entry, n: int) -> bool:
        """Whether ``cached_vector`` computes the entry's vector again (its terms' frequencies are read)."""
        return entry.cached is None or n > entry.cached[0] * 1.1 + 5

    def time_factor(self, a: int | None, b: int | None) -> float:
        if a is None or b is None:
            return 1.0
        s = self.settings
        gap = abs(a - b) - s.days_window
        return 1.0 if gap <= 0 else max(s.days_floor, math.exp(-gap / s.days_scale))

    def similarities(self, entry: Entry, exclude: str | None = None) -> dict[str, float]:
        """Article id → similarity with ``entry``: cosine × time factor; 1 for an explicit title link;
        the time factor alone for the article it duplicates."""
        n = self.size() + (self.entry(exclude) is None)
        self.prefetch(entry.terms)
        query = self.vector(entry.terms, n)
        # Candidates come from the rarer terms only: a term in more than `candidate_df` of the
        # desk has long postings and adds little to a cosine; the full cosine is computed below.
        rare = max(2, self.settings.candidate_df * n)
        dots: Counter = Counter()
        for term, weight in query.items():
            if self.frequency(term) > rare:
                continue
            idf = self.idf(term, n)
            # the most recent postings: an add costs the same on any desk
            for other, theirs in self.recent(term, self.settings.candidate_postings):
                dots[other] += weight * theirs * idf
        dots.pop(exclude, None)
        sims = {}
        chosen = [other for other, _ in dots.most_common(self.settings.candidates)]
        others = self.entries_of(chosen)
        self.prefetch({term for other in others.values() if self.stale(other, n) for term in other.terms})
        for other in chosen:
            if self.roundup(others[other]):
                continue
            similarity = self.similarity(query, entry, others[other], n)
            sims[other] = similarity + min(similarity, self.evidence(entry, others[other]))
        for other in self.linked(entry):
            if other != exclude:
                sims[other] = 1.0
        original = self.entry(entry.duplicate_of or "")
        if original is not None:
            # A copy published long after its original is a re-publication in another context
            # (or a shared page template): it joins the original's story only when close in time.
            sims[entry.duplicate_of] = self.time_factor(entry.day, original.day)
        return sims

    def similarity(self, query: dict[str, float], entry: Entry, other: Entry, n: int) -> float:
        """Cosine of ``query`` (the vector of ``entry``) with ``other``, times the time and date factors."""
        vec = self.cached_vector(other, n)
        # over the shared terms only (a set intersection in C: most of a long query's terms are not in the other
        # article); fsum makes the sum independent of the set's order
        cos = math.fsum(query[term] * vec[term] for term in query.keys() & vec.keys())
        factor = self.time_factor(entry.day, other.day)
        if factor < 1.0 and self.same_day(entry, other):
            factor = 1.0
        if self.date_conflict(entry, other):
            factor *= self.settings.date_conflict
        return cos * factor

    def evidence(self, entry: Entry, other: Entry) -> float:
        """What specific terms add to a cosine: ``specific_weight`` × (ln(1 + shared words and names that at most
        ``specific_df`` desk articles hold) + the strong ones among them, up to 3: full names, and headline words).
        A victim's name, a street, a small town in both headlines is evidence of one event that a long article's
        cosine dilutes. The caller adds at most the similarity itself (it doubles a match, never makes one from
        nothing)."""
        df, most = self.frequencies_table(), self.settings.specific_df
        rare = [t for t in entry.terms.keys() & other.terms.keys() if not t.startswith(DATE_PREFIX) and df[t] <= most]
        words = sum(1 for t in rare if not t.startswith(TITLE_PREFIX))
        strong = sum(
            1
            for t in rare
            if t.startswith(NAME_PREFIX) and " " in t or t.startswith(TITLE_PREFIX) and not t[1:].isdigit()
        )
        return self.settings.specific_weight * (math.log1p(words) + min(strong, 3))

    def roundup(self, entry: Entry) -> bool:
        """Whether the article names ``roundup_days`` resolved days or more: a round-up or an archive page listing
        many incidents. It joins a story but draws no article to its story (it would bridge unrelated ones)."""
        return entry.resolved_days >= self.settings.roundup_days

    @staticmethod
    def same_day(a: Entry, b: Entry) -> bool:
        """Whether the two name a same calendar day with its year: a follow-up months later (an arrest, a trial)
        names the day of the incident, so publication distance is no evidence against it. (GVC dev: of the
        candidate pairs published over 30 days apart with a cosine of 0.15 or more that share such a day, 95%
        report one incident; without a shared day, 3%.)"""
        return any(not term.startswith(DATE_PREFIX + "--") for term in a.days & b.days)

    @staticmethod
    def date_conflict(a: Entry, b: Entry) -> bool:
        """Both articles name days (or years) and none in common: likely two events of the same kind
        (ECB+ pairs two earthquakes, two shootings... of different dates under one topic)."""
        return bool(a.days and b.days and not a.days & b.days) or bool(a.years and b.years and not a.years & b.years)

    def linked(self, entry: Entry) -> set[str]:
        """Articles whose title is one of the entry's related titles, or that list the entry's title."""
        found: set[str] = set()
        for link in entry.links:
            found |= self.titled(link)
        if entry.title:
            found |= self.linking(entry.title)
        return found

    def story_scores(self, sims: dict[str, float]) -> dict[str, float]:
        by_story: dict[str, list[float]] = {}
        for other, sim in sims.items():
            by_story.setdefault(self.entry(other).story, []).append(sim)
        if self.settings.linkage == "max":
            return {story: max(values) for story, values in by_story.items()}
        return {story: sum(values) / len(self.story_members(story)) for story, values in by_story.items()}

    # assigning --------------------------------------------------------------
    def assign(
        self, article_id: str, entry: Entry, new_story: str | None = None
    ) -> tuple[str, list[tuple[str, str, list[str]]]]:
        """Insert the article; return its story and the moves made on the way, each (from story, to story,
        articles): the stories merged into its story, and the part split off a story it made too mixed."""
        sims = self.similarities(entry, exclude=article_id)
        scores = self.story_scores(sims)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked and ranked[0][1] >= self.settings.threshold:
            story = ranked[0][0]
        else:
            story = new_story or self.story_name(article_id)
        joined = {story} | {other for other, score in ranked if score >= self.settings.merge_threshold}
        survivor = min(joined) if self.story_members(story) else story  # independent of which story came first
        moves = [
            (other, survivor, self.move(other, survivor))
            for other in sorted(joined - {survivor})
            if self.story_members(other)
        ]
        entry.story = survivor
        self.insert(article_id, entry)
        split = self.split(survivor)
        if split is not None:
            moves.append(split)
        return self.entry(article_id).story, moves

    def split(self, story: str) -> tuple[str, str, list[str]] | None:
        """Split ``story`` in two when its average-linkage halves are much closer within than between:
        mean similarity between them under ``split_ratio`` × the lower mean within. Checked when the story
        has grown by ``split_growth`` since its last check, up to ``split_max`` articles (the cost is
        quadratic). The half without the story's founder becomes a story named after its earliest article."""
        s = self.settings
        size = len(self.story_members(story))
        if not 2 * s.split_min <= size <= s.split_max or size < s.split_growth * self.checked.get(story, 0):
            return None
        ids = self.in_arrival_order(self.story_members(story))
        self.checked[story] = size
        n = self.size()
        entries = self.entries_of(ids)
        self.prefetch({term for other in entries.values() if self.stale(other, n) for term in other.terms})
        vectors = [self.cached_vector(entries[a], n) for a in ids]
        sim = np.eye(len(ids))
        for i, a in enumerate(ids):
            for j in range(i + 1, len(ids)):
                sim[i, j] = sim[j, i] = min(1.0, self.similarity(vectors[i], entries[a], entries[ids[j]], n))
        first, second = bisect(sim)
        if min(len(first), len(second)) < s.split_min:
            return None
        within = min(sim[np.ix_(part, part)][np.triu_indices(len(part), 1)].mean() for part in (first, second))
        if sim[np.ix_(first, second)].mean() >= s.split_ratio * within:
            return None
        part = second if 0 in first else first  # ids are in arrival order: index 0 is the founder
        moved = [ids[i] for i in part]
        new_story = self.story_name(moved[0])
        self.relabel(moved, story, new_story)
        self.checked[new_story] = len(moved)
        return story, new_story, moved


def bisect(sim: np.ndarray) -> tuple[list[int], list[int]]:
    """The two clusters average linkage leaves of a similarity matrix (merging the closest pair until two)."""
    size = len(sim)
    link = sim.astype(float)
    np.fill_diagonal(link, -np.inf)
    clusters = {i: [i] for i in range(size)}
    while len(clusters) > 2:
        alive = sorted(clusters)
        sub = link[np.ix_(alive, alive)]
        i, j = np.unravel_index(np.argmax(sub), sub.shape)
        a, b = alive[min(i, j)], alive[max(i, j)]
        na, nb = len(clusters[a]), len(clusters[b])
        link[a, :] = link[:, a] = (na * link[a, :] + nb * link[b, :]) / (na + nb)
        link[a, a] = -np.inf
        clusters[a] += clusters.pop(b)
    first, second = (sorted(c) for c in clusters.values())
    return first, second
