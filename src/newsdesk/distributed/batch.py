"""``newsdesk batch``: a corpus through the same steps on Dask distributed, written as Parquet tables.

1. **Per-article stages as partitions.** The input is read in order and cut
   into partitions of ``partition`` articles (each article numbered by its
   place in the input); each partition is cleaned on a worker. Glue repair
   reads the corpus vocabulary: the partitions' word counts are summed (they
   merge exactly) and every partition is repaired with the whole corpus's
   counts, then parsed and extracted.
2. **Joins on shuffled keys.** Each article emits keys: its MinHash LSH band
   keys and fingerprint (near-duplicate candidates), its paragraph hashes and
   winnowed shingles (re-use candidates; a key held by more than
   ``reuse.max_postings`` articles is boilerplate and links only the first
   holders, as on a desk), its rare terms and names within a time window and
   its resolved days (story candidates), and its headline and related titles
   (explicit links). A Dask bag ``groupby`` shuffles the keys; articles that
   share a key are linked, and the links' connected components are *blocks*:
   no desk step ever relates two articles of different blocks, except
   through the document frequencies, which every block receives for the
   whole corpus.
3. **Desk stages per block.** Blocks are packed into groups of about
   ``group`` articles; each group is shuffled to one worker, which runs the
   desk steps (exact near-duplicate verification, re-use, the desk's story
   clustering, reconcile per story) on an in-memory desk in input order and
   writes its part of every table.

Output: one folder per table of the export contract (``articles``,
``paragraphs``, ``stories``, ``reuse``, ``entities``, ``places``, ``dates``,
``quantities``, ``claims``, ``events``, ``contradictions``), each a Parquet
dataset of one file per group, plus ``records`` (the stored article JSON, for
``newsdesk load``) and ``skips``. An entity named in several groups has a row
in each (its id, derived from its name, is the same).
"""

from __future__ import annotations

import itertools
import json
import shutil
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
    group: int = 2000
    block_days: int = 14
    block_df: float = 0.01


@dataclass
class Summary:
    articles: int = 0
    skipped: list[Skip] = field(default_factory=list)
    blocks: int = 0
    largest_block: int = 0
    groups: int = 0
    worker_peak_mb: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        peak = max(self.worker_peak_mb.values(), default=0)
        return (
            f"{self.articles} articles in {self.blocks} blocks (largest {self.largest_block}) and {self.groups}"
            f" groups, skipped {len(self.skipped)}; peak memory per worker {peak:.0f} MB"
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
    from distributed import Client, LocalCluster

    from .. import ingest

    settings = Settings.from_config(config.get("batch", {}))
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / TABLES_DIR_MARK).exists():
            raise NewsdeskError(f"{out} exists and is not a batch result; choose an empty or new -o folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    if scheduler:
        cluster = None
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        options = ingest.Options.from_config(config["ingest"])
        cleaned = []
        for part in _partitions(ingest.read(list(inputs), options), settings.partition, summary):
            cleaned.append(client.submit(clean, part, config, pure=False))
        if not cleaned:
            raise NewsdeskError("no articles in the input; check the paths (text, JSONL, HTML, feeds, WARC)")
        vocabulary = client.submit(sum_counters, [client.submit(word_counts, part) for part in cleaned])
        extracted = [client.submit(extract, part, vocabulary, config) for part in cleaned]
        del cleaned
        keyed = [client.submit(keys, part, config) for part in extracted]
        frequencies = client.submit(sum_counters, [client.submit(term_counts, part) for part in keyed])
        total = summary.articles
        links = (
            db.from_delayed([dask.delayed(part) for part in keyed])
            .map_partitions(join_keys, dask.delayed(frequencies), total, settings)
            .groupby(lambda item: item[0], shuffle="tasks")
            .map(chain, config["reuse"]["max_postings"])
            .flatten()
        )
        group_of, sizes = blocks(links.compute(), total, settings.group)
        summary.blocks, summary.largest_block = len(sizes), max(sizes, default=0)
        groups = dask.delayed(client.scatter(group_of, broadcast=True))
        written = (
            db.from_delayed([dask.delayed(part) for part in extracted])
            .map_partitions(tag_groups, groups)
            .groupby(lambda tagged: tagged[0], shuffle="tasks")
            .map(desk_stages, dask.delayed(frequencies), total, config, str(out))
        )
        summary.groups = sum(written.compute())
        summary.worker_peak_mb = client.run(_peak_mb)
        _write_skips(out, summary.skipped)
        (out / TABLES_DIR_MARK).write_text(
            json.dumps({"schema": "newsdesk/1", "articles": total, "worker_peak_mb": summary.worker_peak_mb}) + "\n",
            encoding="utf-8",
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return summary


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


# per-article stages (on workers) ------------------------------------------------
def _pipeline(config: dict):
    """The worker's pipeline, built once per process (the model and gazetteer load once)."""
    global _PIPELINE
    if _PIPELINE is None or _PIPELINE[0] != json.dumps(config, sort_keys=True, default=str):
        from ..pipeline import Pipeline

        _PIPELINE = (json.dumps(config, sort_keys=True, default=str), Pipeline(config, scope="article"))
    return _PIPELINE[1]


_PIPELINE: tuple[str, Any] | None = None


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
    terms: list[str]  # story terms (headline, body words, names, days)
    day: int | None
    title: str
    links: list[str]


def keys(part: list[tuple[int, Article]], config: dict) -> list[Keys]:
    from ..dedup import fingerprint as dedup
    from ..dedup import minhash, reuse
    from ..stories.cluster import day_number, title_key
    from ..stories.terms import body_terms, content_words, headline_terms, stop_words

    dedup_settings = dedup.Settings.from_config(config.get("dedup", {}))
    reuse_settings = reuse.Settings.from_config(config.get("reuse", {}))
    hasher = minhash.Hasher(dedup_settings.num_perm, dedup_settings.seed)
    bands, rows = minhash.lsh_params(dedup_settings.threshold, dedup_settings.num_perm, dedup_settings.lsh_recall)
    stop = stop_words()
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
                sorted(terms),
                day_number(article.published),
                title_key(article.title),
                [k for k in map(title_key, article.related_titles) if k],
            )
        )
    return found


def term_counts(part: list[Keys]) -> Counter:
    counts: Counter = Counter()
    for item in part:
        counts.update(item.terms)
    return counts


# joins ----------------------------------------------------------------------
def _key(*parts: object) -> int:
    """A join key as a 64-bit integer (string hashes differ between worker processes; these do not)."""
    return xxhash.xxh3_64_intdigest("\x1f".join(map(str, parts)).encode("utf-8"))


def join_keys(part: list[Keys], frequencies: Counter, total: int, settings: Settings) -> list[tuple]:
    """(key, kind, article number, flag) for every key the partition's articles are joined on."""
    return [key for item in part for key in article_keys(item, frequencies, total, settings)]


def article_keys(item: Keys, frequencies: Counter, total: int, settings: Settings) -> list[tuple]:
    from ..stories.terms import DATE_PREFIX

    out = [(_key("band", band, value), "dup", item.seq, 0) for band, value in enumerate(item.bands)]
    if item.fingerprint:
        out.append((_key("fingerprint", item.fingerprint), "dup", item.seq, 0))
    out += [(_key("paragraph", value), "reuse", item.seq, 0) for value in item.paragraphs]
    out += [(_key("shingle", value), "reuse", item.seq, 0) for value in item.shingles]
    rare = max(2, settings.block_df * total)
    for term in item.terms:
        if frequencies.get(term, 0) > rare:
            continue
        if term.startswith(DATE_PREFIX) and not term.startswith(DATE_PREFIX + "--"):
            out.append((_key("day", term), "story", item.seq, 0))  # a same day with its year links at any distance
        elif item.day is not None:
            window = item.day // settings.block_days
            out += [(_key("term", term, w), "story", item.seq, 0) for w in (window, window + 1)]
        else:
            out.append((_key("term", term), "story", item.seq, 0))
    if item.title:
        out.append((_key("title", item.title), "title", item.seq, 0))
    out += [(_key("title", link), "title", item.seq, 1) for link in item.links]
    return out


def chain(group: tuple[int, list[tuple]], max_postings: int) -> list[tuple[int, int]]:
    """Links between the articles sharing one key: consecutive ones in input order (enough for components)."""
    _, items = group
    kind = items[0][1]
    if kind == "title" and not any(flag for *_, flag in items):
        return []  # equal headlines alone are no link; a related-title link is
    seqs = sorted({seq for _, _, seq, _ in items})
    if kind == "reuse":
        seqs = seqs[: max_postings + 1]  # a boilerplate passage: only its first holders see few enough postings
    return list(itertools.pairwise(seqs))


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
def tag_groups(part: list[tuple[int, Article]], group_of: dict[int, int]) -> list[tuple[int, tuple[int, Article]]]:
    return [(group_of[seq], (seq, article)) for seq, article in part]


def desk_stages(
    group: tuple[int, list[tuple[int, Article]]], frequencies: Counter, total: int, config: dict, out: str
) -> int:
    """The desk steps over one group of blocks, in input order, on an in-memory desk; writes its table parts."""
    from ..desk import Desk
    from ..store.export import TABLES, Contract, table_rows, write_parquet
    from ..stories.terms import body_terms, content_words, headline_terms, stop_words

    number, tagged = group
    items = sorted((item for _, item in tagged), key=lambda item: item[0])
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
    return 1


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
