"""The watch loop: poll each source on its own interval, fetch new pages politely, store each article
through the desk's pipeline as it arrives.

One thread (the caller's) owns the desk: it schedules, checks what is new and runs the pipeline.
Worker threads fetch and parse (listings, a page's text); they never touch the store. Each host has
its own queue: at most ``per_host`` requests at once, ``host_delay`` (or the site's Crawl-delay)
between two starts, and a 429/5xx pushes the whole host back by its Retry-After.
"""

from __future__ import annotations

import collections
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, ingest
from ..errors import InputError
from ..model import Article, Skip
from . import listings
from .fetch import Fetcher, FetchError, Limits, Response
from .guard import Guard
from .listings import Entry
from .pages import page_article
from .robots import Robots
from .sources import Settings, Source
from .state import State
from .urls import BadURL, canonical, host_of


@dataclass
class Stats:
    """What a run did (printed by the CLI, read by bench/watch.py)."""

    started: float = field(default_factory=time.monotonic)
    requests: int = 0  # HTTP exchanges that got an answer (304s included)
    downloads: int = 0  # full listing downloads (200)
    not_modified: int = 0
    pages: int = 0  # article pages fetched
    processed: int = 0  # articles handed to the pipeline
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    from_listing: int = 0  # kept from the feed's own text
    skipped: int = 0
    errors: collections.Counter = field(default_factory=collections.Counter)
    first_article: float | None = None  # seconds from start to the first stored article
    last_article: float | None = None

    def __str__(self) -> str:
        line = (
            f"{self.requests} requests ({self.downloads} listings downloaded, {self.not_modified} not modified, "
            f"{self.pages} pages), {self.processed} articles processed: added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, kept from the listing {self.from_listing}, skipped {self.skipped}"
        )
        if self.errors:
            line += "; errors: " + ", ".join(f"{k} {n}" for k, n in sorted(self.errors.items()))
        return line


@dataclass
class _Poll:
    """One poll of a web source: its listing (and a sitemap index's children) being fetched."""

    source: Source
    outstanding: int = 0
    kind: str | None = None
    entries: list[Entry] = field(default_factory=list)
    validators: dict = field(default_factory=dict)
    error: FetchError | None = None
    problem: str = ""
    downloaded: bool = False


@dataclass
class _Job:
    kind: str  # "listing" or "page"
    url: str
    source: Source
    poll: _Poll | None = None
    entry: Entry | None = None
    attempt: int = 0
    validators: tuple = (None, None)


@dataclass
class _Host:
    """One host's queue: listings and pages taken in turn (listings find the work, pages finish it)."""

    listings: collections.deque = field(default_factory=collections.deque)
    pages: collections.deque = field(default_factory=collections.deque)
    running: int = 0
    ready_at: float = 0.0  # monotonic time of the next allowed start
    delay: float = 0.0
    page_turn: bool = False

    def __bool__(self) -> bool:
        return bool(self.listings or self.pages)

    def add(self, job: _Job, first: bool = False) -> None:
        jobs = self.listings if job.kind == "listing" else self.pages
        if first:  # a retry goes before the others
            jobs.appendleft(job)
        else:
            jobs.append(job)

    def take(self, pages_allowed: bool) -> _Job | None:
        take_page = self.pages and pages_allowed and (self.page_turn or not self.listings)
        if not take_page and not self.listings:
            return None
        self.page_turn = not take_page
        return (self.pages if take_page else self.listings).popleft()


class Watch:
    """``Watch(desk, sources).run(once=True)``; ``stop`` (an Event) ends a run after the batch in hand."""

    def __init__(
        self,
        desk,
        sources: list[Source],
        settings: Settings | None = None,
        *,
        allow_private: bool = False,
        report: Callable[[str], None] | None = None,
    ):
        self.desk = desk
        self.settings = settings or Settings.from_config(desk.config.get("watch"))
        self.sources = sources
        self.state = State(desk.store)
        self.report = report or (lambda message: None)
        s = self.settings
        agent = s.user_agent.format(version=__version__)
        self.fetcher = Fetcher(
            Limits(agent, s.connect_timeout, s.timeout, s.max_seconds, s.max_redirects, s.max_bytes),
            Guard(allow_private, s.allow_networks),
            connections=2 * s.workers,
        )
        self.robots = Robots(self.fetcher, agent.split("/")[0], s.robots_ttl)
        self.options = ingest.Options.from_config(desk.config["ingest"])
        self.stats = Stats()
        self.stop = threading.Event()
        self._jobs: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._hosts: dict[str, _Host] = collections.defaultdict(_Host)
        self._running = 0
        self._ready: list[tuple[Source, Entry, Article | Skip, str, set]] = []
        self._polling: set[str] = set()
        self._next: dict[str, float] = {}
        self._flight: set[str] = set()  # canonical URLs being fetched or waiting to be stored
        for source in sources:
            self.state.register(source.name, source.kind, source.interval)
            row = self.state.source(source.name)
            self._next[source.name] = row["next_poll"] or 0.0

    # the loop ---------------------------------------------------------------
    def run(self, once: bool = False) -> Stats:
        """Poll until stopped (or, with ``once``, until every source was polled once and its pages stored)."""
        workers = [
            threading.Thread(target=self._work, daemon=True, name=f"watch-fetch-{i}")
            for i in range(self.settings.workers)
        ]
        for worker in workers:
            worker.start()
        by_name = {source.name: source for source in self.sources}
        for name, entry in self.state.queued():  # pages listed before a stop or a crash
            source = by_name.get(name) or Source(name, "web", self.settings.interval)
            self._queue_page(source, entry)
        polled: set[str] = set()
        try:
            while not self.stop.is_set():
                now = time.time()
                for source in self.sources:
                    if source.name in self._polling or (once and source.name in polled):
                        continue
                    if once or self._next[source.name] <= now:
                        polled.add(source.name)
                        self._poll(source)
                self._dispatch()
                self._collect(timeout=0.0 if self._ready else self._sleep())
                self._store()
                if once and len(polled) == len(self.sources) and self._idle():
                    break
        finally:
            for _ in workers:
                self._jobs.put(None)
            self._close_when_done(workers)
        return self.stats

    def _close_when_done(self, workers: list[threading.Thread]) -> None:
        """Close the HTTP client once the workers are done (they may still be in a fetch after a stop)."""

        def close():
            for worker in workers:
                worker.join()
            self.fetcher.close()

        threading.Thread(target=close, daemon=True).start()

    def _idle(self) -> bool:
        return not (self._ready or self._polling or self._running or any(self._hosts.values()))

    def _sleep(self) -> float:
        """Seconds until something may happen: a poll due, a host ready (a result wakes us sooner)."""
        now_wall, now = time.time(), time.monotonic()
        waits = [self._next[s.name] - now_wall for s in self.sources if s.name not in self._polling]
        waits += [h.ready_at - now for h in self._hosts.values() if h]
        return min([1.0] + [max(0.01, w) for w in waits])

    # polling ----------------------------------------------------------------
    def _poll(self, source: Source) -> None:
        if source.kind == "folder":
            self._poll_folder(source)
            return
        self._polling.add(source.name)
        poll = _Poll(source)
        # a sitemap index may stay the same while its sitemaps change: it is downloaded each time (it is small)
        self._queue_listing(poll, source.name, conditional=self.state.source(source.name)["kind"] != "sitemapindex")

    def _queue_listing(self, poll: _Poll, url: str, conditional: bool = True) -> None:
        poll.outstanding += 1
        job = _Job(
            "listing",
            url,
            poll.source,
            poll=poll,
            validators=self.state.validators(url) if conditional else (None, None),
        )
        self._hosts[host_of(url)].add(job)

    def _listing_done(
        self, job: _Job, result: tuple[Response, listings.Listing] | None, error: FetchError | None
    ) -> None:
        poll = job.poll
        if error is not None:
            poll.error = poll.error or error
        elif result[0].not_modified:
            self.stats.not_modified += 1
        else:
            response, listing = result
            self.stats.downloads += 1
            poll.downloaded = True
            if job.url == poll.source.name:
                poll.kind = listing.kind
            poll.problem = poll.problem or listing.problem
            if (
                listing.kind == "sitemapindex" and job.url == poll.source.name
            ):  # one level: an index of indexes is not followed
                for child in listing.sitemaps:
                    self._queue_listing(poll, child)
            poll.entries.extend(listing.entries)
            if not listing.problem:  # a listing that could not be read is downloaded again next time
                poll.validators[job.url] = (response.etag, response.last_modified)
        poll.outstanding -= 1
        if poll.outstanding == 0:
            self._poll_done(poll)

    def _poll_done(self, poll: _Poll) -> None:
        source, s = poll.source, self.settings
        self._polling.discard(source.name)
        new, keys = [], set()
        for entry in poll.entries:
            if (
                entry.key not in keys
                and entry.key not in self._flight
                and not self.state.known(entry.key, entry.article_id)
            ):
                keys.add(entry.key)
                new.append(entry)
        failures = self.state.source(source.name)["failures"]
        if poll.error or poll.problem:
            kind, detail = (poll.error.kind, poll.error.detail) if poll.error else ("unreadable", poll.problem)
            self.state.error(source.name, kind, detail)
            self.stats.errors[kind] += 1
            self.report(f"{source.name}: {kind}: {detail}")
        failed = bool(poll.error or poll.problem) and not new
        wait = min(
            source.interval * 2 ** (min(failures + 1, 30) if failed else 0), max(s.max_interval, source.interval)
        )
        if poll.error and poll.error.retry_after:
            wait = max(wait, min(poll.error.retry_after, s.max_interval))
        status = (
            poll.error.kind
            if poll.error
            else ("unreadable" if poll.problem else "ok" if poll.downloaded else "not_modified")
        )
        next_poll = time.time() + wait * (1 + random.uniform(-s.jitter, s.jitter))
        self._next[source.name] = next_poll
        self.state.polled(
            source.name,
            status=status,
            next_poll=next_poll,
            new=len(new),
            kind=poll.kind,
            failed=failed,
            validators=poll.validators,
            entries=new,
        )
        if new:
            self.report(f"{source.name}: {len(new)} new")
        for entry in new:
            self._queue_page(source, entry)

    def _poll_folder(self, source: Source) -> None:
        """New and changed files of a folder, through the desk as ``add`` reads them."""
        changed = []
        try:
            for path in ingest.expand([source.name]):
                stat = Path(path).stat()
                mark = f"{stat.st_mtime_ns}:{stat.st_size}"
                if self.state.validators(str(path))[0] != mark:
                    changed.append((str(path), mark))
        except (OSError, InputError) as exc:  # the folder (or a file) went away: try again next time
            problem = str(exc)
            self.state.error(source.name, "unreadable", problem)
            self.stats.errors["unreadable"] += 1
        else:
            problem = ""
        total, size = 0, self.desk.config["pipeline"]["batch_size"]
        for start in range(0, len(changed), size):  # a batch of files at a time, as `add` would
            if self.stop.is_set():
                break
            chunk = changed[start : start + size]
            summary = self._add([item for path, _ in chunk for item in ingest.read_one(path, self.options)])
            total += len(summary.added) + len(summary.updated)
            for path, mark in chunk:  # after the add: a crash in between re-reads unchanged files
                self.state.set_validators(path, mark)
        self.state.add_articles(source.name, total)
        next_poll = time.time() + source.interval * (1 + random.uniform(-self.settings.jitter, self.settings.jitter))
        self._next[source.name] = next_poll
        self.state.polled(
            source.name, status="unreadable" if problem else "ok", next_poll=next_poll, new=total, failed=bool(problem)
        )
        if changed:
            self.report(f"{source.name}: {len(changed)} new or changed files, {total} articles")

    # pages ------------------------------------------------------------------
    def _queue_page(self, source: Source, entry: Entry) -> None:
        if entry.key in self._flight:
            return
        self._flight.add(entry.key)
        if entry.url is None:  # the listing's text is all there is
            article = listings.fallback(entry, self.options)
            self._ready.append(
                (
                    source,
                    entry,
                    article or Skip(entry.key, "empty", "entry without text", id=entry.article_id),
                    "listing",
                    set(),
                )
            )
        else:
            self._hosts[host_of(entry.url)].add(_Job("page", entry.url, source, entry=entry))

    def _page_done(self, job: _Job, result: tuple[str | None, Article | None], error: FetchError | None) -> None:
        """``result``: the final URL and the page's article, or (None, the listing's article) when it failed."""
        entry, source = job.entry, job.source
        final_url, article = result
        if error is None:
            self.stats.pages += 1
            aliases = {key for key in map(_canonical_or_none, (final_url, article.url)) if key} - {entry.key}
            if any(alias in self._flight or self.state.known(alias) for alias in aliases):
                self.state.done(source.name, entry, "alias", aliases, stored=False)  # the same page by another link
                self._flight.discard(entry.key)
                return
            article.metadata.update(fetch="page", listing=source.name)
            self._flight |= aliases
            self._ready.append((source, entry, article, "page", aliases))
            return
        self.state.error(source.name, error.kind, error.detail)
        self.stats.errors[error.kind] += 1
        if article is None:
            skip = Skip(entry.url or entry.key, "unreadable", f"{error.kind}: {error.detail}", id=entry.article_id)
            self._ready.append((source, entry, skip, error.kind, set()))
            return
        article.metadata.update(fetch="listing", fetch_error=f"{error.kind}: {error.detail}", listing=source.name)
        self._ready.append((source, entry, article, error.kind, set()))

    def _store(self) -> None:
        """Run the ready articles through the pipeline (one batch), then mark them done."""
        if not self._ready:
            return
        size = self.desk.config["pipeline"]["batch_size"]
        batch, self._ready = self._ready[:size], self._ready[size:]
        summary = self._add([item for _, _, item, _, _ in batch])
        stored = set(summary.added) | set(summary.updated) | set(summary.unchanged)
        for source, entry, item, status, aliases in batch:
            self.state.done(source.name, entry, status, aliases, stored=entry.article_id in stored)
            self._flight -= {entry.key, *aliases}
            if isinstance(item, Article) and status != "page":
                self.stats.from_listing += 1

    def _add(self, items: list):
        summary = self.desk.add_many(items)
        stats = self.stats
        stats.processed += len(summary.added) + len(summary.updated) + len(summary.unchanged)
        stats.added, stats.updated = stats.added + len(summary.added), stats.updated + len(summary.updated)
        stats.unchanged += len(summary.unchanged)
        stats.skipped += len(summary.skipped)
        if summary.added or summary.updated:
            stats.last_article = time.monotonic() - stats.started
            stats.first_article = stats.first_article or stats.last_article
            self.report(f"stored {len(summary.added) + len(summary.updated)} articles")
        return summary

    # fetching ---------------------------------------------------------------
    def _dispatch(self) -> None:
        """Hand ready jobs to the workers, host by host, within each host's limits."""
        now, s = time.monotonic(), self.settings
        backlog = len(self._ready) >= 4 * self.desk.config["pipeline"]["batch_size"]  # pages wait for the pipeline
        for host in self._hosts.values():
            while host.running < s.per_host and host.ready_at <= now:
                job = host.take(pages_allowed=not backlog)
                if job is None:
                    break
                host.running += 1
                self._running += 1
                host.ready_at = now + max(s.host_delay, host.delay)
                self._jobs.put(job)

    def _work(self) -> None:
        """Fetch, and parse what was fetched (listing entries, a page's text): CPU work off the pipeline's thread."""
        while (job := self._jobs.get()) is not None:
            result, error = None, None
            try:
                if job.kind == "listing":
                    etag, modified = job.validators
                    response = self.fetcher.get(job.url, "feed", etag=etag, last_modified=modified)
                    result = (
                        response,
                        None
                        if response.not_modified
                        else listings.read(response.body, response.url, self.settings.max_bytes),
                    )
                else:
                    response = self.fetcher.get(job.url, "page", check=self.robots.check)
                    result = (response.url, page_article(response, job.entry, self.options))
            except FetchError as exc:
                error = exc
            except Exception as exc:  # noqa: BLE001 - a parser bug must not kill the worker: recorded as a failure
                error = FetchError("unreadable", f"{type(exc).__name__}: {exc}")
            if error is not None and job.kind == "page":
                try:
                    result = (None, listings.fallback(job.entry, self.options))
                except Exception as exc:  # noqa: BLE001 - as above
                    result = (None, None)
                    error = FetchError(error.kind, f"{error.detail}; the entry's own text: {type(exc).__name__}: {exc}")
            delay = min(self.robots.delay(job.url), self.settings.max_crawl_delay) if error is None else 0.0
            self._results.put((job, result, error, delay))

    def _collect(self, timeout: float) -> None:
        try:
            item = self._results.get(timeout=timeout) if timeout > 0 else self._results.get_nowait()
        except queue.Empty:
            return
        while item is not None:
            self._handle(*item)
            try:
                item = self._results.get_nowait()
            except queue.Empty:
                item = None

    def _handle(self, job: _Job, result, error: FetchError | None, delay: float) -> None:
        host = self._hosts[host_of(job.url)]
        host.running -= 1
        self._running -= 1
        if error is None:
            host.delay = delay
        if error is None or error.kind.startswith("http_"):
            self.stats.requests += 1
        if error is not None and error.transient and job.attempt < self.settings.retries:
            wait = self.settings.backoff * 2**job.attempt * random.uniform(1.0, 1.5)
            if error.retry_after is not None:
                wait = error.retry_after
            if wait <= self.settings.max_retry_after:
                job.attempt += 1
                host.ready_at = max(host.ready_at, time.monotonic() + wait)  # the whole host waits
                host.add(job, first=True)
                return
        if job.kind == "listing":
            self._listing_done(job, result, error)
        else:
            self._page_done(job, result, error)


def _canonical_or_none(url: str | None) -> str | None:
    try:
        return canonical(url) if url else None
    except BadURL:
        return None
