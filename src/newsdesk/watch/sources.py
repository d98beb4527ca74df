"""What to watch: the [watch] settings and the sources (feed or sitemap URLs, folders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import StepSettings
from ..errors import ConfigError, InputError
from .urls import BadURL, canonical


@dataclass
class Settings(StepSettings):
    """The [watch] settings (defaults.toml says why each value)."""

    section = "watch"
    sources: list = field(default_factory=list)
    interval: float = 900.0
    jitter: float = 0.1
    user_agent: str = "newsdesk/{version} (news monitor)"
    connect_timeout: float = 10.0
    timeout: float = 20.0
    max_seconds: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    workers: int = 8
    per_host: int = 2
    host_delay: float = 1.0
    max_crawl_delay: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    max_retry_after: float = 300.0
    max_interval: float = 21600.0
    robots_ttl: float = 86400.0
    allow_networks: list = field(default_factory=list)


@dataclass
class Source:
    name: str  # URL, or the folder's absolute path
    kind: str  # "web" or "folder"
    interval: float


def sources_from(items: list, default_interval: float) -> list[Source]:
    """Sources from command-line strings and ``[watch] sources`` items (a string or {url, interval})."""
    found: dict[str, Source] = {}
    for item in items:
        name, interval = (
            (item.get("url"), item.get("interval", default_interval))
            if isinstance(item, dict)
            else (item, default_interval)
        )
        if not isinstance(name, str) or not name:
            raise ConfigError(f"a watch source needs a url, got {item!r}")
        if "://" in name:
            try:
                name = canonical(name)
            except BadURL as exc:
                raise InputError(f"{exc}; a source is an http(s) feed or sitemap URL, or a folder") from None
            found[name] = Source(name, "web", float(interval))
        elif Path(name).is_dir():
            path = str(Path(name).resolve())
            found[path] = Source(path, "folder", float(interval))
        else:
            raise InputError(f"{name} is neither an http(s) URL nor a folder; give a feed or sitemap URL or a folder")
    return list(found.values())


def watched(store, names: list[str], settings: Settings, interval: float | None = None) -> list[Source]:
    """The sources to poll: those named (every ``interval`` seconds) and the ``[watch] sources``; without
    either, the sources the desk watched before, at their intervals."""
    named = [{"url": name, "interval": interval or settings.interval} for name in names]
    found = sources_from([*settings.sources, *named], settings.interval)  # a source named here wins
    if not found:
        from .state import State

        found = sources_from(State(store).known_sources(), settings.interval)
    return found
