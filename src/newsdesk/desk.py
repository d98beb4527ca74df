"""The Python API: a desk is a store plus the configured pipeline.

from newsdesk import Desk
desk = Desk("news.db")
desk.add("page.html")
desk.export("news.json")
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import config as config_module
from . import ingest
from .model import Article, Claim, Skip, Story
from .errors import StoreError
from .pipeline import Failure, Pipeline, describe
from .store import Store


@dataclass
class Summary:
    """What one ``add`` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # added or updated articles without a publication date

    def reasons(self) -> Counter:
        return Counter(skip.reason for skip in self.skipped)

    def __str__(self) -> str:
        text = f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, skipped {len(self.skipped)}"
        if self.skipped:
            text += " (" + ", ".join(f"{reason}: {n}" for reason, n in sorted(self.reasons().items())) + ")"
        return text


class Desk:
    """Articles, stories and claims in one store, updated one article at a time."""

    def __init__(
        self,
        path: str | Path = "newsdesk.db",
        config: dict | str | Path | None = None,
        overrides: Iterable[str] = (),
        workers: int = 1,
        on_wait: Callable[[str], None] | None = None,
    ):
        """``on_wait(message)`` is told when a write waits for another writer (``store.lock_timeout``)."""
        if isinstance(config, dict):
            self.config = config
            for item in overrides:
                config_module.merge(self.config, config_module.parse_override(item))
        else:
            self.config = config_module.load(config, overrides)
        self.store = Store(path, lock_timeout=self.config["store"]["lock_timeout"], on_wait=on_wait)
        self.workers = workers
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:  # built on first use: `newsdesk export` needs no spaCy
            self._pipeline = Pipeline(self.config, self)
        return self._pipeline

    # adding -----------------------------------------------------------------
    def add(
        self,
        source: str | Path | Article | Iterable[str | Path | Article],
        *,
        published: str | None = None,
        source_name: str | None = None,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> Summary:
        """Add files, folders, globs, ``-`` (stdin), Article objects, or an iterable of them."""
        if isinstance(source, (str, Path, Article)):
            source = [source]
        options = ingest.Options.from_config(self.config["ingest"], published=published, source=source_name)
        return self.add_many(_read(source, options), progress=progress, workers=workers)

    def add_many(
        self, items: Iterable[Article | Skip], progress: Callable[[int], None] | None = None, workers: int | None = None
    ) -> Summary:
        """Add a stream of articles (and skips), in batches, incrementally. ``workers`` processes (default: the
        desk's) run the per-article steps; the result is the same with any number."""
        summary = Summary()
        flow = _Flow(self, summary, progress, self.workers if workers is None else workers)
        # with workers, the last batches read (each with the skips read after it; as many as are in flight) wait for
        # the input to go on: at its end they are sent in pieces, so that the desk's process stores the batches in
        # flight while the workers run the pieces, and stores alone at the very end one small piece; the first batch
        # is sent in pieces too, so that every worker starts at once
        held: list[tuple[list[Article], list[Skip]]] = []
        ahead = flow.workers + 1 if flow.workers > 1 else 0

        def skip(item: Skip) -> None:
            if held:
                held[-1][1].append(item)
            else:
                flow.skip(item)

        try:
            for batch in _batches(items, self.config["pipeline"]["batch_size"], skip):
                held.append((batch, []))
                if len(held) > ahead:
                    flow.send_read(*held.pop(0), pieces=1 if flow.pool else flow.workers)
            pieces = 2 * flow.workers if flow.pool is not None or len(held) > 1 else 1  # one batch: no workers
            flow.ended = True
            for i, (batch, skips) in enumerate(held):
                flow.send_read(batch, skips, pieces, last=i == len(held) - 1)
            flow.drain()
        finally:
            flow.close()
        return summary

    def _forget(self, article_id: str) -> None:
        for _, fn in self.pipeline.steps:
            forget = getattr(fn, "forget", None)
            if forget is not None:
                forget(article_id)
        self.store.forget_derived(article_id)

    def remove(self, article_id: str) -> None:
        """Remove an article and everything derived from it."""
        article_id = self.store.full_id("articles", article_id)  # NotFound if absent
        with self.store.transaction():
            self._forget(article_id)
            self.store.remove_article(article_id)

    # reading ----------------------------------------------------------------
    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def articles(self) -> list[Article]:
        return list(self.store.articles())

    def skips(self) -> list[Skip]:
        return self.store.skips()

    def stories(self) -> list[Story]:
        return self.store.stories()

    def story(self, story_id: str) -> Story:
        return self.store.story(story_id)

    def claims(self, story: str | None = None, speaker: str | None = None) -> list[Claim]:
        """Claims of the desk or of one story (``desk.claims(story=id)`` is the story's claims), optionally by a
        speaker: a case-insensitive substring of the speaker text or of the resolved entity's name or aliases."""
        return [claim for _, claim in self.attributed(story, speaker)]

    def attributed(self, story: str | None = None, speaker: str | None = None) -> list[tuple[Article, Claim]]:
        """(article, claim) pairs in article order, filtered as in :meth:`claims`."""
        from .extract.claims import speaker_names

        ids = self.story(story).articles if story else None
        wanted = speaker.lower() if speaker else None
        return [
            (article, claim)
            for article in self.store.articles(ids)
            for claim in article.claims
            if wanted is None or any(wanted in name.lower() for name in speaker_names(article, claim))
        ]

    def export(
        self, path: str | Path | None = None, format: str = "json", progress: Callable[[int], None] | None = None
    ) -> dict[str, Any] | None:
        """The export contract as a dict (no path), or written to ``path`` in ``format``; ``progress(1)`` after
        each section, table or (acled) story written."""
        from .store import export

        return export.export(self, path, format, progress)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Flow:
    """Batches on their way: the ordered article steps here, the others in worker processes when there are
    several, then the desk steps and the store here, in arrival order."""

    def __init__(self, desk: Desk, summary: Summary, progress, workers: int):
        self.desk, self.summary, self.progress, self.workers = desk, summary, progress, workers
        self.pool = None
        self.sent: dict[str, str] = {}  # id -> read hash of each article sent on and not yet stored
        self.failures: dict[str, tuple[str, str]] = {}  # id -> (read hash, detail) of the articles that failed
        self.ended = False  # the input has ended: what is left goes to the workers at once

    def send(self, batch: list[Article], last: bool = False) -> None:
        fresh = []
        for article in batch:
            article.read_hash = article.content_hash()  # of what was read, before the steps clean the title
            if self.sent.get(article.id) == article.read_hash:  # settled once its copy in flight is stored
                self.pool.tags()[-1][1].append(article)
            else:
                fresh.append(article)
        # a batch in flight must be stored first when it holds another version of one of these articles, or
        # replaces stored articles (forgetting them updates the vocabulary the ordered steps read)
        if self.pool is not None and (
            any(article.id in self.sent for article in fresh) or any(any(r) for r, _ in self.pool.tags())
        ):
            self.drain()
        todo = []
        for article in fresh:
            old = self.desk.store.content_hash(article.id)
            if not self.settled(article, old):
                todo.append((article, old is not None))
        if not todo:
            return
        articles = [article for article, _ in todo]
        replaces = [replaced for _, replaced in todo]
        self.sent.update((article.id, article.read_hash) for article in articles)
        pipeline = self.desk.pipeline
        copies = [article.to_dict() for article in articles]  # the articles as read, should a step fail on one
        try:
            pipeline.prepare(articles)
        except StoreError:
            raise
        except Exception:  # one article at a time, so that only the one at fault is skipped
            self.drain()  # the batches sent before this one are stored first
            self.store(*self.one_by_one(copies, todo))
            return
        if self.pool is None and (self.workers <= 1 or last):
            self.store(pipeline.extract_each(articles), replaces)
            return
        if self.pool is None:
            from .workers import Pool

            self.pool = Pool(pipeline, self.desk.config, self.workers)
        self.pool.send(articles, (replaces, []))  # and what is read while it is the newest batch in flight
        while self.pool.full() and not self.ended:
            self.receive()

    def send_read(self, batch: list[Article], skips: list[Skip], pieces: int = 1, last: bool = False) -> None:
        """Send a batch as read, in ``pieces`` parts, then the skips read after it."""
        step = -(-len(batch) // pieces)
        for start in range(0, len(batch), step):
            self.send(batch[start : start + step], last=last and start + step >= len(batch))
        for item in skips:
            self.skip(item)

    def one_by_one(
        self, copies: list[dict], todo: list[tuple[Article, bool]]
    ) -> tuple[list[Article | Failure], list[bool]]:
        """The ordered article steps run on each article alone (failures become :class:`Failure`), then the others."""
        prepared, replaces = [], []
        for data, (read, replaced) in zip(copies, todo):
            article = Article.from_dict(data)
            article.read_hash = read.read_hash
            try:
                prepared += self.desk.pipeline.prepare([article])
            except StoreError:
                raise
            except Exception as exc:
                prepared.append(Failure(Article.from_dict(data), describe(exc)[:500]))
            replaces.append(replaced)
        done = iter(self.desk.pipeline.extract_each([a for a in prepared if isinstance(a, Article)]))
        return [a if isinstance(a, Failure) else next(done) for a in prepared], replaces

    def settled(self, article: Article, old: str | None) -> bool:
        """An article this add already has: unchanged (``old``, the desk's content hash of its id, is its own),
        or failed as the same content read earlier in this add (processed once, whatever the workers)."""
        failure = self.failures.get(article.id)
        if failure is not None and failure[0] == article.read_hash:
            self.failed(article, "an earlier copy in this add failed: " + failure[1])
            return True
        if old == article.read_hash:
            self.summary.unchanged.append(article.id)
            if self.progress:
                self.progress(1)
            return True
        return False

    def failed(self, article: Article, detail: str) -> None:
        """Record an article a step failed on as a skip (``failed``, the step and the error), never a crash."""
        read_hash = self.sent.pop(article.id, None)
        if read_hash is not None:
            self.failures[article.id] = (read_hash, detail)
        self.save(Skip(article.origin or article.id, "failed", detail[:500], id=article.id))

    def skip(self, skip: Skip) -> None:
        """A skip of the input: one read while batches are in flight waits for them (the order of one worker)."""
        if self.pool is not None and self.pool.pending:
            self.pool.tags()[-1][1].append(skip)
        else:
            self.save(skip)

    def save(self, skip: Skip) -> None:
        self.desk.store.save_skip(skip)
        self.summary.skipped.append(skip)
        if self.progress:
            self.progress(1)

    def receive(self) -> None:
        articles, (replaces, waiting) = self.pool.receive()
        self.store(articles, replaces)
        for item in waiting:  # read while this batch was the newest in flight: now in the order of one worker
            if isinstance(item, Skip):
                self.save(item)
            else:  # a copy of an article in flight: unchanged now, or failed as its first copy did
                settled = self.settled(item, self.desk.store.content_hash(item.id))
                assert settled, "a copy waits for the batches in flight, its first copy's among them"

    def drain(self) -> None:
        while self.pool is not None and self.pool.pending:
            self.receive()

    def store(self, articles: list[Article | Failure], replaces: list[bool]) -> None:
        desk = self.desk
        for article, replaced in zip(articles, replaces):
            if isinstance(article, Failure):
                self.failed(article.article, article.detail)
                continue
            try:
                with desk.store.transaction():
                    if replaced:
                        desk._forget(article.id)
                    desk.pipeline.update(article)
                    desk.store.save_article(article)
                    desk.pipeline.count(article)
            except StoreError:  # the database itself (locked past the timeout): nothing more can be stored
                raise
            except Exception as exc:  # this article's transaction is rolled back; the batch goes on
                self.failed(article, describe(exc))
                continue
            self.sent.pop(article.id, None)
            (self.summary.updated if replaced else self.summary.added).append(article.id)
            if not article.published:
                self.summary.undated.append(article.id)
            if self.progress:
                self.progress(1)
        desk.pipeline.close(articles)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def _batches(items: Iterable[Article | Skip], size: int, skip: Callable[[Skip], None]) -> Iterator[list[Article]]:
    """Articles in batches of up to ``size``, a batch ending early before an id it holds (the earlier one must be
    stored first); skips go to ``skip`` as they are read."""
    batch: list[Article] = []
    ids: set[str] = set()
    for item in items:
        if isinstance(item, Skip):
            skip(item)
            continue
        if item.id in ids:
            yield batch
            batch, ids = [], set()
        batch.append(item)
        ids.add(item.id)
        if len(batch) >= size:
            yield batch
            batch, ids = [], set()
    if batch:
        yield batch


def _read(items: Iterable[str | Path | Article], options: ingest.Options):
    paths: list[str | Path] = []  # read together, so that two files never get one id
    for item in items:
        if isinstance(item, Article):
            yield from ingest.read(paths, options)
            paths = []
            yield ingest.split_long(item, options.max_paragraph_chars)
        else:
            paths.append(item)
    yield from ingest.read(paths, options)
