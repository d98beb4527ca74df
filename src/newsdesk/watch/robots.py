"""robots.txt (RFC 9309, parsed by protego), fetched once per host and kept for a while.

A missing robots.txt (4xx) allows everything; one that cannot be fetched
(5xx, timeout) disallows the host until the next try, as RFC 9309 asks.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from .fetch import Fetcher, FetchError


class Robots:
    def __init__(self, fetcher: Fetcher, user_agent: str, ttl: float = 86400.0, retry: float = 600.0):
        self.fetcher, self.agent, self.ttl, self.retry = fetcher, user_agent, ttl, retry
        self.rules: dict[str, tuple[float, object | None]] = {}  # origin -> (expires, parser or None = all disallowed)
        self.locks: dict[str, threading.Lock] = {}
        self.guard = threading.Lock()

    def check(self, url: str) -> None:
        """Raise FetchError("robots") if robots.txt of the URL's site disallows it."""
        rules = self._rules(url)
        if rules is None:
            raise FetchError("robots", f"robots.txt of {url} could not be fetched; the site is not crawled for now")
        if not rules.can_fetch(url, self.agent):
            raise FetchError("robots", f"robots.txt disallows {url}")

    def delay(self, url: str) -> float:
        """The site's Crawl-delay for us, 0 when none."""
        rules = self._rules(url)
        return float(rules.crawl_delay(self.agent) or 0) if rules is not None else 0.0

    def _rules(self, url: str):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self.guard:
            lock = self.locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch of robots.txt per site, however many workers ask
            expires, rules = self.rules.get(origin, (0.0, None))
            if time.monotonic() < expires:
                return rules
            rules, keep = self._fetch(origin)
            self.rules[origin] = (time.monotonic() + keep, rules)
            return rules

    def _fetch(self, origin: str):
        from protego import Protego

        try:
            response = self.fetcher.get(origin + "/robots.txt", "robots")
        except FetchError as exc:
            if exc.kind in ("refused", "bad_url"):  # the site itself may not be contacted: say so
                raise
            if exc.kind.startswith("http_4") and exc.kind != "http_429":  # 429 is "not now", not "no file"
                return Protego.parse(""), self.ttl
            return None, self.retry
        return Protego.parse(response.body.decode("utf-8", "replace")), self.ttl
