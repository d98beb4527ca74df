"""Per-article steps in worker processes, desk steps in arrival order (``add --workers N``).

The desk's process reads the input, runs the ``ordered`` article steps
(normalize, roles, glue: glue reads the corpus vocabulary earlier articles
left) and sends each batch to a pool of worker processes for the steps that
depend on the article alone (parse, entities, places, dates, quantities,
claims). Batches come back in the order they were sent and go through the
desk steps (dedup, re-use, stories, reconcile, store) one article at a time,
as with one worker: the result is the same whatever the number of workers.

Workers are forked from the desk's process after its pipeline is built, so
the spaCy model and the gazetteer are loaded once and their memory is shared
(copy-on-write; ``gc.freeze`` keeps the collector from touching the shared
pages). Where fork is not available, each worker builds the pipeline once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .model import Article
from .pipeline import Pipeline

_PIPELINE: Pipeline | None = None  # the worker's pipeline (inherited by fork, or built by _start)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start(config: dict[str, Any]) -> None:
    global _PIPELINE
    _PIPELINE = Pipeline(config, scope="article")


def _extract(articles: list[Article]) -> list[Article]:
    _PIPELINE.extract(articles)
    _PIPELINE.close(articles)  # spaCy docs stay in the worker
    return articles


class Pool:
    """Up to ``workers`` batches in flight, returned in the order they were sent."""

    def __init__(self, pipeline: Pipeline, config: dict[str, Any], workers: int):
        global _PIPELINE
        self.workers = workers
        self.pending: deque[tuple[Future, Any]] = deque()
        if "fork" in multiprocessing.get_all_start_methods():
            _PIPELINE = pipeline
            gc.freeze()
            self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        else:
            self.executor = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(config,)
            )

    def send(self, articles: list[Article], tag: Any) -> None:
        self.pending.append((self.executor.submit(_extract, articles), tag))

    def tags(self) -> list[Any]:
        return [tag for _, tag in self.pending]

    def full(self) -> bool:
        return len(self.pending) > self.workers  # one batch queued per worker beyond the ones running

    def receive(self) -> tuple[list[Article], Any]:
        """The oldest batch sent, once its workers are done (a worker's error is raised here)."""
        future, tag = self.pending.popleft()
        return future.result(), tag

    def close(self) -> None:
        global _PIPELINE
        self.executor.shutdown(cancel_futures=True)
        _PIPELINE = None
        gc.unfreeze()
