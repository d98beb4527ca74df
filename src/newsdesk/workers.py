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

A step that fails on one article in a worker makes that article a
:class:`~newsdesk.pipeline.Failure` (a ``failed`` skip), as in one process. A
worker that dies (killed, ``os._exit``, a crash in a C extension) or takes
longer than ``pipeline.worker_timeout`` seconds over a batch breaks the pool:
the pool is started again and each article of the batches it held is run
alone in it, so that only an article that kills or hangs a worker on its own
is recorded as failed. Nothing is retried in the desk's process, which an
article that kills its worker would kill too.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .model import Article
from .pipeline import Failure, Pipeline

_PIPELINE: Pipeline | None = None  # the worker's pipeline (inherited by fork, or built by _start)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start(parent: int, config: dict[str, Any] | None = None) -> None:
    """A worker's start: it ends when the desk's process is gone (a killed add would leave it idle for ever, a
    forked worker holding its own task queue open); with ``config``, it builds its pipeline."""
    global _PIPELINE

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if config is not None:
        _PIPELINE = Pipeline(config, scope="article")


def _extract(articles: list[Article]) -> list[Article | Failure]:
    results = _PIPELINE.extract_each(articles)
    _PIPELINE.close(results)  # spaCy docs stay in the worker
    return results


class Pool:
    """Up to ``workers`` batches in flight, returned in the order they were sent."""

    def __init__(self, pipeline: Pipeline, config: dict[str, Any], workers: int):
        global _PIPELINE
        self.workers = workers
        self.timeout = config["pipeline"]["worker_timeout"]
        self.pending: deque[list] = deque()  # [future, articles, tag] of each batch sent, oldest first
        if "fork" in multiprocessing.get_all_start_methods():
            _PIPELINE = pipeline
            gc.freeze()
            self.options = {"mp_context": multiprocessing.get_context("fork"), "initargs": (os.getpid(),)}
        else:
            self.options = {"mp_context": multiprocessing.get_context("spawn"), "initargs": (os.getpid(), config)}
        self.executor = ProcessPoolExecutor(workers, initializer=_start, **self.options)

    def send(self, articles: list[Article], tag: Any) -> None:
        try:
            future = self.executor.submit(_extract, articles)
        except BrokenProcessPool:  # a worker died since the last batch was received
            self._recover()
            future = self.executor.submit(_extract, articles)
        self.pending.append([future, articles, tag])

    def tags(self) -> list[Any]:
        return [tag for _, _, tag in self.pending]

    def full(self) -> bool:
        return len(self.pending) > self.workers  # one batch queued per worker beyond the ones running

    def receive(self) -> tuple[list[Article | Failure], Any]:
        """The oldest batch sent, once its workers are done: each article's result or its :class:`Failure`."""
        try:
            results = self.pending[0][0].result(timeout=self.timeout)
        except (BrokenProcessPool, FutureTimeout, CancelledError):
            self._recover()
            results = self.pending[0][0].result()
        _, _, tag = self.pending.popleft()
        return results, tag

    def _recover(self) -> None:
        """After a worker died or hung: a new pool, and each article of the batches the old one had not finished
        run alone in it, one at a time, so that a worker's death or hang is the article's own."""
        finished = [f.done() and not f.cancelled() and f.exception() is None for f, _, _ in self.pending]
        self._restart()
        for entry, done in zip(self.pending, finished):
            if not done:
                entry[0] = Future()
                entry[0].set_result([self._alone(article) for article in entry[1]])

    def _alone(self, article: Article) -> Article | Failure:
        try:
            return self.executor.submit(_extract, [article]).result(timeout=self.timeout)[0]
        except BrokenProcessPool:
            detail = "its worker process died (killed, or crashed outside Python) on this article"
        except FutureTimeout:
            detail = f"it took over pipeline.worker_timeout ({self.timeout} s) in a worker process"
        self._restart()
        return Failure(article, detail)

    def _restart(self) -> None:
        """Stop the pool's processes (a hung one too) and start new ones."""
        self._stop()
        self.executor = ProcessPoolExecutor(self.workers, initializer=_start, **self.options)

    def _stop(self) -> None:
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a hung worker never ends by itself (Python 3.14 has kill_workers for this)
            process.kill()
        for process in processes:
            process.join()

    def close(self) -> None:
        global _PIPELINE
        if self.pending:  # stopped early (an error): the workers may be busy for long
            self._stop()
        else:
            self.executor.shutdown(cancel_futures=True)
        _PIPELINE = None
        gc.unfreeze()
