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
from typing import Any, Callable, Iterable

from . import config as config_module
from . import ingest
from .model import Article, Claim, Skip, Story
from .errors import StoreError
from .pipeline import Pipeline
from .store import Store


@dataclass
class Summary:
    """What one ``add`` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def reasons(self) -> Counter:
        return Counter(skip.reason for skip in self.skipped)

    def __str__(self) -> str:
        text = f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, skipped {len(self.skipped)}"
        if self.skipped:
            text += " (" + ", ".join(f"{reason}: {n}" for reason, n in sorted(self.reasons().items())) + ")"
        return text


class Desk:
    """Articles, stories and claims in one store, updated one article at a time."""

    def __init__(self, path: str | Path = "newsdesk.db", config: dict | str | Path | None = None,
                 overrides: Iterable[str] = (), on_wait: Callable[[str], None] | None = None):
        """``on_wait(message)`` is told when a write waits for another writer (``store.lock_timeout``)."""
        if isinstance(config, dict):
            self.config = config
            for item in overrides:
                config_module.merge(self.config, config_module.parse_override(item))
        else:
            self.config = config_module.load(config, overrides)
        self.store = Store(path, lock_timeout=self.config["store"]["lock_timeout"], on_wait=on_wait)
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:  # built on first use: `newsdesk export` needs no spaCy
            self._pipeline = Pipeline(self.config, self)
        return self._pipeline

    # adding -----------------------------------------------------------------
    def add(self, source: str | Path | Article | Iterable[str | Path | Article], *, published: str | None = None,
            source_name: str | None = None, progress: Callable[[int], None] | None = None) -> Summary:
        """Add files, folders, globs, ``-`` (stdin), Article objects, or an iterable of them."""
        if isinstance(source, (str, Path, Article)):
            source = [source]
        options = ingest.Options.from_config(self.config["ingest"], published=published, source=source_name)
        return self.add_many(_read(source, options), progress=progress)

    def add_many(self, items: Iterable[Article | Skip], progress: Callable[[int], None] | None = None) -> Summary:
        """Add a stream of articles (and skips), in batches, incrementally."""
        summary = Summary()
        batch: list[Article] = []
        batch_ids: set[str] = set()
        size = self.config["pipeline"]["batch_size"]
        for item in items:
            if isinstance(item, Skip):
                self.store.save_skip(item)
                summary.skipped.append(item)
                if progress:
                    progress(1)
                continue
            if item.id in batch_ids:  # same id twice: the earlier one must be stored first
                self._flush(batch, summary, progress)
                batch, batch_ids = [], set()
            batch.append(item)
            batch_ids.add(item.id)
            if len(batch) >= size:
                self._flush(batch, summary, progress)
                batch, batch_ids = [], set()
        self._flush(batch, summary, progress)
        return summary

    def _flush(self, batch: list[Article], summary: Summary, progress) -> None:
        todo = []
        for article in batch:
            old = self.store.content_hash(article.id)
            article.read_hash = article.content_hash()  # of what was read, before the steps clean the title
            if old == article.read_hash:
                summary.unchanged.append(article.id)
                if progress:
                    progress(1)
            else:
                todo.append((article, old is not None))
        if not todo:
            return
        for article, replaces in self._processed(todo, summary, progress):
            try:
                with self.store.transaction():
                    if replaces:
                        self._forget(article.id)
                    self.pipeline.update(article)
                    self.store.save_article(article)
            except StoreError:  # the database itself (locked past the timeout): nothing more can be stored
                raise
            except Exception as exc:  # this article's transaction is rolled back; the batch goes on
                self._failed(article, exc, summary)
            else:
                (summary.updated if replaces else summary.added).append(article.id)
            if progress:
                progress(1)
            self.pipeline.close([article])

    def _processed(self, todo: list[tuple[Article, bool]], summary: Summary, progress) -> list[tuple[Article, bool]]:
        """The article steps run on the batch; when they fail, on each article alone, failures recorded as skips."""
        copies = [article.to_dict() for article, _ in todo]  # the articles as read, should one fail
        try:
            self.pipeline.process([article for article, _ in todo])
            return todo
        except StoreError:
            raise
        except Exception:
            pass
        done = []
        for data, (read, replaces) in zip(copies, todo):
            article = Article.from_dict(data)
            article.read_hash = read.read_hash
            try:
                self.pipeline.process([article])
            except StoreError:
                raise
            except Exception as exc:
                self._failed(article, exc, summary)
                if progress:
                    progress(1)
                continue
            done.append((article, replaces))
        return done

    def _failed(self, article: Article, exc: Exception, summary: Summary) -> None:
        """Record an article a step failed on as a skip (``failed``, the step and the error), never a crash."""
        step = getattr(exc, "step", None)
        where = f"step {step}: " if step else ""
        skip = Skip(article.origin or article.id, "failed", f"{where}{type(exc).__name__}: {exc}"[:500], id=article.id)
        self.store.save_skip(skip)
        summary.skipped.append(skip)

    def _forget(self, article_id: str) -> None:
        for _, fn in self.pipeline.steps:
            forget = getattr(fn, "forget", None)
            if forget is not None:
                forget(article_id)
        self.store.forget_derived(article_id)

    def remove(self, article_id: str) -> None:
        """Remove an article and everything derived from it."""
        self.store.article(article_id)  # NotFound if absent
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
        return [(article, claim) for article in self.store.articles(ids) for claim in article.claims
                if wanted is None or any(wanted in name.lower() for name in speaker_names(article, claim))]

    def export(self, path: str | Path | None = None, format: str = "json") -> dict[str, Any] | None:
        """The export contract as a dict (no path), or written to ``path`` in ``format``."""
        from .store import export

        return export.export(self, path, format)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
