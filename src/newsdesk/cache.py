"""Lookups built once from installed packages' data into the user's cache directory, then read as SQLite files.

A process that needs one name (the gazetteer, the postal index) reads a few rows of an indexed file instead of
building or unpickling the whole table: a one-article ``add`` starts in a second, and worker processes share the
file's pages through the operating system's page cache instead of holding a copy each.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from typing import Callable


def folder() -> str:
    """``$NEWSDESK_CACHE``, else ``$XDG_CACHE_HOME/newsdesk`` (``~/.cache/newsdesk``)."""
    return os.environ.get("NEWSDESK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsdesk"
    )


def built(path: str, fill: Callable[[sqlite3.Connection], None], stale_prefix: str | None = None) -> str:
    """``path`` once ``fill(connection)`` has written it (only when it is absent or unreadable), else a file in the
    temporary directory when the cache directory is read-only. Two processes building at once each write their
    own file and the last rename wins; files starting with ``stale_prefix`` (other versions) are removed."""
    if _readable(path):
        return path
    for target in (path, os.path.join(tempfile.gettempdir(), f"newsdesk-{os.getuid()}", os.path.basename(path))):
        if target != path and _readable(target):
            return target
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.exists(temporary):
                os.remove(temporary)
            connection = sqlite3.connect(temporary)
            try:
                connection.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to
                fill(connection)
                connection.commit()
            finally:
                connection.close()
            os.replace(temporary, target)
        except OSError:  # a read-only home: try the temporary directory
            continue
        if stale_prefix:
            _remove_stale(target, stale_prefix)
        return target
    raise OSError(f"no writable cache directory for {os.path.basename(path)}")


def _readable(path: str) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def _remove_stale(path: str, prefix: str) -> None:
    folder, name = os.path.split(path)
    for other in os.listdir(folder):
        if other.startswith(prefix) and other != name and not other.endswith(".tmp"):
            try:
                os.remove(os.path.join(folder, other))
            except OSError:
                pass


class Reader:
    """A read-only connection to a built file, one per process and thread: a SQLite connection must not cross a
    fork (worker processes) nor, by default, a thread (the web server)."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            local.pid = os.getpid()
        return local.connection

    def __reduce__(self):  # pickled as its path (a Dask worker or spawned process opens its own connection)
        return Reader, (self.path,)
