"""``newsdesk batch``: a corpus through the same steps on Dask distributed, written as Parquet tables.

1. **Per-article stages as partitions.** The input is read in order and cut
   into partitions of ``partition`` articles (each article numbered by its
   place in the input); each partition is cleaned on a worker. Glue repair
   reads the corpus vocabulary: the partitions' word counts are summed (they
   merge exactly) and every partition is repaired with the whole corpus's
   counts, then parsed and extracted.
2. **Blocks.** Each article emits its MinHash LSH band keys and fingerprint;
   a Dask bag ``groupby`` shuffles them, and articles sharing a key are linked
   (near-duplicate candidates). The desk's own story search
   (``StoryIndex.similarities``) scores each article against the articles
   before it, in tasks of ``score_chunk`` articles (each indexing only the
   earlier articles its search can reach), and links it to its best
   candidates (``block_top`` at ``block_floor`` or more, and all at
   ``block_merge`` or more): the pairs the desk's story decisions rest on.
   The links' connected components are *blocks*: the desk steps relate
   articles of one block, and every block receives the whole corpus's
   document frequencies.
3. **Desk stages per block.** Blocks are packed in input order into groups
   of about ``group`` articles; each group goes to one worker (largest first), which
   runs the desk steps (exact near-duplicate verification, re-use, the
   desk's story clustering, reconcile per story) on an in-memory desk in
   input order and writes its part of every table.

Output: one folder per table of the export contract (``articles``,
``paragraphs``, ``stories``, ``reuse``, ``entities``, ``places``, ``dates``,
``quantities``, ``claims``, ``events``, ``contradictions``), each a Parquet
dataset of one file per group, plus ``records`` (the stored article JSON, for
``newsdesk load``) and ``skips``. An entity named in several groups has a row
in each (its id, derived from its name, is the same).
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xxhash

from ..config import StepSettings
from ..errors import MissingExtra, NewsdeskError
from ..model import Article, Skip

TABLES_DIR_MARK = "newsdesk-batch.json"  # written last: a folder holding it is a complete batch result


@dataclass(frozen=True)
class Settings(StepSettings):
    """The [batch] settings (defaults.toml says why each value)."""

    section = "batch"
    partition: int = 200
    group: int = 250
    score_chunk: int = 500
    block_top: int = 2
    block_floor: float = 0.15
    block_merge: float = 0.4
    trim_memory: bool = False


@dataclass
class Summary:
    articles: int = 0
    skipped: list[Skip] = field(default_factory=list)
    block_sizes: list[int] = field(default_factory=list)  # largest first
    group_cpu: list[tuple[int, int, float]] = field(default_factory=list)  # (group, articles, CPU s of its desk)
    worker_cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # worker -> stage -> CPU s
    worker_peak_mb: dict[str, float] = field(default_factory=dict)
    task_cpu: dict[str, list] = field(default_factory=dict)  # worker -> [task, first article or group, CPU s]
    driver_cpu: float = 0.0  # CPU s of this process: reading, the client and a LocalCluster's scheduler (a thread here)

    def figures(self) -> dict:
        """What the run measured: blocks, the desk stages' longest group against their total, CPU per worker."""
        desk = sum(cpu for *_, cpu in self.group_cpu)
        return {
            "articles": self.articles,
            "skipped": len(self.skipped),
            "blocks": len(self.block_sizes),
            "largest_blocks": self.block_sizes[:5],
            "largest_block_share": round(self.block_sizes[0] / self.articles, 4) if self.block_sizes else 0.0,
            "groups": len(self.group_cpu),
            "desk_cpu_s": round(desk, 1),
            "longest_group_cpu_s": round(max((cpu for *_, cpu in self.group_cpu), default=0.0), 1),
            "worker_cpu_s": self.worker_cpu,
            "worker_peak_mb": self.worker_peak_mb,
            "task_cpu_s": self.task_cpu,
            "driver_cpu_s": round(self.driver_cpu, 1),
        }

    def __str__(self) -> str:
        figures = self.figures()
        peak = max(self.worker_peak_mb.values(), default=0)
        return (
            f"{self.articles} articles in {figures['blocks']} blocks (largest {figures['largest_blocks'][:1]}) and"
            f" {figures['groups']} groups, skipped {len(self.skipped)}; desk stages {figures['desk_cpu_s']} s CPU,"
            f" longest group {figures['longest_group_cpu_s']} s; peak memory per worker {peak:.0f} MB"
        )


def require_dask():
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MissingExtra("dask", "scale", "newsdesk batch") from None


# the run --------------------------------------------------------------------
def run(
    inputs: Iterable[str],
    out: str | Path,
    config: dict,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress=None,
) -> Summary:
    """Process ``inputs`` on a Dask cluster (``scheduler`` address, else a LocalCluster of ``workers``
    processes) and write the tables under ``out``."""
    require_dask()
    import dask
    import dask.bag as db
    from distributed import Client

    from .. import ingest
    from ..stories.index import Settings as StorySettings

    settings = Settings.from_config(config.get("batch", {}))
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / TABLES_DIR_MARK).exists():
            raise NewsdeskError(f"{out} exists and is not a batch result; choose an empty or new -o folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    summary, started = Summary(), time.process_time()
    if scheduler:
        cluster = None
        client = Client(scheduler)
    else:
        cluster = local_cluster(workers or 1, settings.trim_memory)
        client = Client(cluster)
    try:
        client.run(_cpu_reset)  # a running cluster's workers have served other runs
        options = ingest.Options.from_config(config["ingest"])
        cleaned, partition_seqs = [], []
        for part in _partitions(ingest.read(list(inputs), options), settings.partition, summary):
            cleaned.append(client.submit(clean, part, config, pure=False))
            partition_seqs.append([seq for seq, _ in part])
        if not cleaned:
            raise NewsdeskError("no articles in the input; check the paths (text, JSONL, HTML, feeds, WARC)")
        vocabulary = client.submit(sum_counters, [client.submit(word_counts, part) for part in cleaned])
        extracted = [client.submit(extract, part, vocabulary, config) for part in cleaned]
        del cleaned
        keyed = [client.submit(keys, part, config) for part in extracted]
        frequencies = client.submit(sum_counters, [client.submit(term_counts, part) for part in keyed])
        total = summary.articles
        duplicate_links = (
            db.from_delayed([dask.delayed(part) for part in keyed])
            .map_partitions(duplicate_keys)
            .groupby(lambda item: item[0], shuffle="tasks")
            .map(chain)
            .flatten()
        )
        # each scoring task indexes only the earlier articles its search can reach (bounded by its terms'
        # latest holders), told by a chain of small tasks summing what comes before each chunk
        step = max(1, settings.score_chunk // settings.partition)
        search = StorySettings.from_config(config.get("stories", {}))
        befores, reaches = [Before()], []
        for i in range(0, len(keyed), step):
            reaches.append(client.submit(reachable, keyed[i : i + step], befores[-1], search.candidate_df))
            befores.append(client.submit(advance, befores[-1], keyed[i : i + step], search.candidate_postings))
        scored = []
        for k, (i, reach) in enumerate(zip(range(0, len(keyed), step), client.gather(reaches), strict=True)):
            sources = sorted({seq // settings.partition for seq in reach})  # partitions hold consecutive numbers
            scored.append(
                client.submit(
                    story_links, keyed[i : i + step], [keyed[p] for p in sources], config, settings, befores[k], reach
                )
            )
        del befores
        links = duplicate_links.compute() + [link for part in client.gather(scored) for link in part]
        group_of, sizes = blocks(links, total, settings.group)
        summary.block_sizes = sorted(sizes, reverse=True)
        # each group's articles come from many partitions: one small task cuts each partition's piece of it
        lookup = client.scatter(group_of, broadcast=True)
        split = [client.submit(split_groups, part, lookup) for part in extracted]
        feeds: dict[int, list[int]] = {}  # group -> the partitions holding its articles
        for i, seqs in enumerate(partition_seqs):
            for g in sorted({group_of[seq] for seq in seqs}):
                feeds.setdefault(g, []).append(i)
        size = Counter(group_of.values())
        written = [
            client.submit(
                desk_stages,
                g,
                [client.submit(operator.itemgetter(g), split[i]) for i in feeds[g]],
                frequencies,
                total,
                config,
                str(out),
                priority=size[g],  # the largest groups first: the last to finish is a small one
            )
            for g in sorted(feeds)
        ]
        summary.group_cpu = sorted(client.gather(written))
        summary.worker_cpu = client.run(_cpu_report)
        summary.worker_peak_mb = client.run(_peak_mb)
        summary.task_cpu = client.run(_task_report)
        summary.driver_cpu = time.process_time() - started
        _write_skips(out, summary.skipped)
        (out / TABLES_DIR_MARK).write_text(
            json.dumps({"schema": "newsdesk/1", **summary.figures()}) + "\n",
            encoding="utf-8",
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return summary


def local_cluster(workers: int, trim_memory: bool = False):
    """A LocalCluster of ``workers`` single-threaded processes; unless ``trim_memory``, without the malloc trim
    threshold Dask's nanny sets (it also fixes glibc's mmap threshold: page faults on every large array)."""
    import dask
    from distributed import LocalCluster

    environ = {} if trim_memory else {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with dask.config.set(environ):  # None: the variable left unset, glibc's adaptive thresholds apply
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


def _partitions(items: Iterator[Article | Skip], size: int, summary: Summary) -> Iterator[list[tuple[int, Article]]]:
    part: list[tuple[int, Article]] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Skip):
            summary.skipped.append(item)
            continue
        if item.id in seen:  # a desk keeps the last version; a batch keeps the first and records the other
            summary.skipped.append(
                Skip(
                    origin=item.origin or item.id, reason="duplicate_of", detail=f"id {item.id} read twice", id=item.id
                )
            )
            continue
        seen.add(item.id)
        part.append((summary.articles, item))
        summary.articles += 1
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


# CPU accounting (per worker process) ------------------------------------------------
_CPU: Counter = Counter()  # stage -> CPU seconds this worker spent in it
_TASKS: list = []  # [task, first article or group, CPU s]: the same task compared across runs


def _accounted(stage: str):
    """Add the CPU time of each call to ``_CPU[stage]``: which worker did how much of each stage."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.process_time() - start
                _CPU[stage] += spent
                _TASKS.append([fn.__name__, _first(args[0]), round(spent, 3)])

        return run

    return wrap


def _cpu_report() -> dict[str, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {**{k: round(v, 1) for k, v in sorted(_CPU.items())}, "process": round(usage.ru_utime + usage.ru_stime, 1)}


def _cpu_reset() -> None:
    _CPU.clear()
    _TASKS.clear()


def _task_report() -> list:
    return list(_TASKS)


def _first(arg: Any) -> int | None:
    """The task's first article number (or a group's number, or a chunk's count of earlier articles)."""
    while isinstance(arg, list) and arg:
        arg = arg[0]
    if isinstance(arg, tuple) and arg:
        arg = arg[0]
    if isinstance(arg, Keys):
        arg = arg.seq
    if isinstance(arg, Before):
        arg = arg.n
    return arg if isinstance(arg, int) else None


# per-article stages (on workers) ------------------------------------------------
def _pipeline(config: dict):
    """The worker's pipeline, built once per process (the model and gazetteer load once)."""
    global _PIPELINE
    if _PIPELINE is None or _PIPELINE[0] != json.dumps(config, sort_keys=True, default=str):
        from ..pipeline import Pipeline

        _PIPELINE = (json.dumps(config, sort_keys=True, default=str), Pipeline(config, scope="article"))
    return _PIPELINE[1]


_PIPELINE: tuple[str, Any] | None = None


@_accounted("articles")
def clean(part: list[tuple[int, Article]], config: dict) -> list[tuple[int, Article]]:
    """The article steps before glue (normalize, roles)."""
    pipeline = _pipeline(config)
    steps = [(info, fn) for info, fn in pipeline.ordered if info.name != "glue"]
    pipeline.run_steps(steps, [article for _, article in part])
    return part


def word_counts(part: list[tuple[int, Article]]) -> Counter:
    from ..clean.glue import article_tokens

    counts: Counter = Counter()
    for _, article in part:
        counts.update(word.lower() for word in article_tokens(article))
    return counts


def sum_counters(counters: list[Counter]) -> Counter:
    total: Counter = Counter()
    for counter in counters:
        total.update(counter)
    return total


@_accounted("articles")
def extract(part: list[tuple[int, Article]], vocabulary: Counter, config: dict) -> list[tuple[int, Article]]:
    """Glue repair with the whole corpus's vocabulary, then the per-article steps (parse, extract)."""
    from ..clean.glue import Corpus, repair_article
    from ..clean.glue import Settings as GlueSettings

    pipeline = _pipeline(config)
    articles = [article for _, article in part]
    if any(info.name == "glue" for info, _ in pipeline.ordered) and config.get("glue", {}).get("enabled", True):
        settings = GlueSettings.from_config(config.get("glue", {}))
        corpus = Corpus(vocabulary)
        for article in articles:
            repair_article(article, settings, corpus)
    for article in articles:
        article.steps = [info.name for info, _ in pipeline.ordered]
    pipeline.extract(articles)
    pipeline.close(articles)
    return part


@dataclass
class Keys:
    """What an article is joined on."""

    seq: int
    bands: list[int]
    fingerprint: str | None
    paragraphs: list[str]  # paragraph hashes (exact re-use)
    shingles: list[int]  # winnowed paragraph shingles (partial re-use)
    terms: dict[str, float]  # story terms (headline, body words, names, days), weighted as the desk's index does
    day: int | None
    title: str
    links: list[str]


@_accounted("articles")
def keys(part: list[tuple[int, Article]], config: dict) -> list[Keys]:
    from ..dedup import fingerprint as dedup
    from ..dedup import minhash, reuse
    from ..stories.cluster import day_number, title_key
    from ..stories.index import Settings as StorySettings
    from ..stories.index import StoryIndex
    from ..stories.terms import body_terms, content_words, headline_terms, stop_words

    dedup_settings = dedup.Settings.from_config(config.get("dedup", {}))
    reuse_settings = reuse.Settings.from_config(config.get("reuse", {}))
    hasher = minhash.Hasher(dedup_settings.num_perm, dedup_settings.seed)
    bands, rows = minhash.lsh_params(dedup_settings.threshold, dedup_settings.num_perm, dedup_settings.lsh_recall)
    stop = stop_words()
    weighted = StoryIndex(StorySettings.from_config(config.get("stories", {}))).weighted
    found = []
    for seq, article in part:
        text = dedup.content_text(article)
        signature = hasher.signature(minhash.shingles(text, dedup_settings.shingle))
        paragraphs, shingles = [], set()
        for paragraph in article.content_paragraphs():
            tokens = minhash.words(paragraph.text)
            if len(tokens) >= reuse_settings.min_words:
                paragraphs.append(reuse.paragraph_hash(tokens))
                shingles.update(reuse.winnowed(paragraph.text, reuse_settings.shingle, reuse_settings.window))
        headline = content_words(article.title, stop)
        terms = headline_terms(headline) + body_terms(article, stop)
        found.append(
            Keys(
                seq,
                minhash.band_keys(signature, bands, rows).tolist(),
                dedup.fingerprint(text),
                sorted(set(paragraphs)),
                sorted(shingles),
                weighted(terms),
                day_number(article.published),
                title_key(article.title),
                [k for k in map(title_key, article.related_titles) if k],
            )
        )
    return found


def term_counts(part: list[Keys]) -> Counter:
    counts: Counter = Counter()
    for item in part:
        counts.update(item.terms.keys())
    return counts


# joins ----------------------------------------------------------------------
def _key(*parts: object) -> int:
    """A join key as a 64-bit integer (string hashes differ between worker processes; these do not)."""
    return xxhash.xxh3_64_intdigest("\x1f".join(map(str, parts)).encode("utf-8"))


def duplicate_keys(part: list[Keys]) -> list[tuple[int, int]]:
    """(key, article number) for the MinHash LSH band keys and the fingerprint of the partition's articles."""
    out = []
    for item in part:
        out += [(_key("band", band, value), item.seq) for band, value in enumerate(item.bands)]
        if item.fingerprint:
            out.append((_key("fingerprint", item.fingerprint), item.seq))
    return out


def chain(group: tuple[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Links between the articles sharing one key: consecutive ones in input order (enough for components)."""
    return list(itertools.pairwise(sorted({seq for _, seq in group[1]})))


@dataclass
class Before:
    """What the desk's story search reads of the articles before a chunk: their number, their document
    frequencies, and the ones it can reach (its candidates come from each term's most recent
    ``candidate_postings`` holders and from title links): a chunk indexes those, not every earlier article."""

    n: int = 0
    df: Counter = field(default_factory=Counter)
    holders: dict[str, tuple[int, ...]] = field(default_factory=dict)  # term -> its latest candidate_postings
    titles: dict[str, tuple[int, ...]] = field(default_factory=dict)  # title key -> its articles
    listing: dict[str, tuple[int, ...]] = field(default_factory=dict)  # title key -> the articles listing it


@_accounted("scoring")
def advance(before: Before, parts: list[list[Keys]], postings: int) -> Before:
    """``before`` with the articles of ``parts`` added (a new object: the old one is another chunk's input)."""
    after = Before(before.n, before.df.copy(), dict(before.holders), dict(before.titles), dict(before.listing))
    for item in itertools.chain.from_iterable(parts):
        after.n += 1
        after.df.update(item.terms.keys())
        for term in item.terms:
            after.holders[term] = (after.holders.get(term, ()) + (item.seq,))[-postings:]
        if item.title:
            after.titles[item.title] = after.titles.get(item.title, ()) + (item.seq,)
        for link in item.links:
            after.listing[link] = after.listing.get(link, ()) + (item.seq,)
    return after


@_accounted("scoring")
def reachable(parts: list[list[Keys]], before: Before, candidate_df: float) -> set[int]:
    """The earlier articles the story search of ``parts`` can meet: the latest holders of each of their terms
    still rare enough to give candidates (``candidate_df``) by the chunk's end, and the title links."""
    found: set[int] = set()
    items = list(itertools.chain.from_iterable(parts))
    rare = max(2, candidate_df * (before.n + len(items)))  # frequencies only grow within the chunk
    for item in items:
        for term in item.terms:
            if before.df[term] <= rare:
                found.update(before.holders.get(term, ()))
        for link in item.links:
            found.update(before.titles.get(link, ()))
        found.update(before.listing.get(item.title, ()))
    return found


@_accounted("scoring")
def story_links(
    parts: list[list[Keys]],
    earlier: list[list[Keys]],
    config: dict,
    settings: Settings,
    before: Before | None = None,
    reach: set[int] | None = None,
) -> list[tuple[int, int]]:
    """Links from each article of ``parts`` to the earlier articles the desk's story search scores highest: its
    ``block_top`` best at ``block_floor`` or more, and every one at ``block_merge`` or more. The scores are the
    desk's own (``StoryIndex.similarities``), each article against the articles before it, in input order.
    Given ``before`` (the earlier articles' counts) and ``reach``, only the ``reach`` articles of ``earlier`` are
    indexed: the same scores, since the search meets no other (a term's walk takes its latest holders, all in
    ``reach``; frequencies and the desk's size come from ``before``)."""
    from ..stories.index import Entry, StoryIndex
    from ..stories.index import Settings as StorySettings

    index = StoryIndex(StorySettings.from_config(config.get("stories", {})))

    def entry(item: Keys) -> Entry:
        return Entry(item.terms, item.day, str(item.seq), item.title, tuple(item.links))

    for item in sorted(itertools.chain.from_iterable(earlier), key=lambda item: item.seq):  # postings oldest first
        if reach is None or item.seq in reach:
            index.insert(str(item.seq), entry(item))
    if before is not None:
        index.df, index.base_n = before.df.copy(), before.n - len(index.entries)
    links = []
    for item in itertools.chain.from_iterable(parts):
        new = entry(item)
        ranked = sorted(index.similarities(new, exclude=str(item.seq)).items(), key=lambda kv: (-kv[1], int(kv[0])))
        for rank, (other, score) in enumerate(ranked):
            if score >= settings.block_merge or (rank < settings.block_top and score >= settings.block_floor):
                links.append((int(other), item.seq))
        index.insert(str(item.seq), new)
    return links


def blocks(links: list[tuple[int, int]], total: int, group_size: int) -> tuple[dict[int, int], list[int]]:
    """(article number → group number, block sizes): connected components of the links, packed in input order
    into groups of about ``group_size`` articles."""
    parent = list(range(total))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for seq in range(total):
        members.setdefault(find(seq), []).append(seq)
    group_of: dict[int, int] = {}
    group, filled = 0, 0
    for root in sorted(members):  # a block's root is its first article
        if filled and filled + len(members[root]) > group_size:
            group, filled = group + 1, 0
        for seq in members[root]:
            group_of[seq] = group
        filled += len(members[root])
    return group_of, [len(m) for m in members.values()]


# desk stages per group (on workers) ---------------------------------------------
def split_groups(part: list[tuple[int, Article]], group_of: dict[int, int]) -> dict[int, list[tuple[int, Article]]]:
    """The partition's articles by group."""
    out: dict[int, list[tuple[int, Article]]] = {}
    for seq, article in part:
        out.setdefault(group_of[seq], []).append((seq, article))
    return out


@_accounted("desk")
def desk_stages(
    number: int,
    pieces: list[list[tuple[int, Article]]],
    frequencies: Counter,
    total: int,
    config: dict,
    out: str,
) -> tuple[int, int, float]:
    """The desk steps over one group of blocks, in input order, on an in-memory desk; writes its table parts."""
    from ..desk import Desk
    from ..store.export import TABLES, Contract, table_rows, write_parquet
    from ..stories.terms import body_terms, content_words, headline_terms, stop_words

    start = time.process_time()
    items = sorted(itertools.chain.from_iterable(pieces), key=lambda item: item[0])
    stop = stop_words()
    own: Counter = Counter()
    for _, article in items:
        own.update(set(headline_terms(content_words(article.title, stop)) + body_terms(article, stop)))
    # the rest of the corpus counts as already seen: the block's story vectors weigh terms as the desk's would
    background = ({term: frequencies[term] - n for term, n in own.items() if frequencies[term] > n}, total - len(items))
    with Desk(":memory:", config=json.loads(json.dumps(config))) as desk:
        pipeline = desk.pipeline
        for info, fn in pipeline.steps:
            if info.name == "stories":
                fn.background = background
        for _, article in items:
            with desk.store.transaction():
                pipeline.update(article)
                desk.store.save_article(article)
        contract = Contract(desk.store)
        for name in TABLES:
            folder = Path(out) / name
            folder.mkdir(parents=True, exist_ok=True)
            write_parquet(folder / f"part-{number:05d}.parquet", lambda name=name: table_rows(contract, name))
        seq = {article.id: n for n, article in items}
        folder = Path(out) / "records"
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(
            folder / f"part-{number:05d}.parquet",
            lambda: (
                {"seq": seq[row[0]], "id": row[0], "data": row[1]}
                for row in desk.store.db.execute("SELECT id, data FROM articles ORDER BY seq")
            ),
        )
    return number, len(items), round(time.process_time() - start, 2)


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _write_skips(out: Path, skipped: list[Skip]) -> None:
    from ..store.export import write_parquet

    folder = out / "skips"
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(folder / "part-00000.parquet", lambda: (skip.to_dict() for skip in skipped))


# loading ----------------------------------------------------------------------
def records(out: str | Path) -> Iterator[Article]:
    """The articles of a batch result in input order, as the desk stores them (each part is in input order:
    they are merged a batch of rows at a time, never all held)."""
    import heapq

    import pyarrow.parquet as pq

    out = Path(out)
    if not (out / TABLES_DIR_MARK).exists():
        raise NewsdeskError(f"{out} is not a complete `newsdesk batch` result (no {TABLES_DIR_MARK}); run batch again")

    def rows(part: Path) -> Iterator[tuple[int, str]]:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=256, columns=["seq", "data"]):
            yield from zip(batch.column("seq").to_pylist(), batch.column("data").to_pylist())

    for _, data in heapq.merge(*(rows(part) for part in sorted((out / "records").glob("part-*.parquet")))):
        yield Article.from_dict(json.loads(data))


def load(out: str | Path, desk, progress=None) -> int:
    """Replay a batch result's articles through the desk steps (no parsing) into ``desk``, in input order."""
    pipeline = desk.pipeline
    counters = [fn.count for _, fn in pipeline.ordered if hasattr(fn, "count")]  # glue's corpus vocabulary
    count = 0
    for article in records(out):
        with desk.store.transaction():
            if desk.store.content_hash(article.id) is not None:
                desk._forget(article.id)
            for counter in counters:
                counter(article)
            pipeline.update(article)
            desk.store.save_article(article)
        count += 1
        if progress:
            progress(1)
    return count
