"""Lookups built once from installed packages' data into the user's cache directory, then read as SQLite files.

A process that needs one name (the gazetteer, the postal index) reads a few rows of an indexed file instead of
building or unpickling the whole table: a one-article ``add`` starts in a second, and worker processes share the
file's pages through the operating system's page cache instead of holding a copy each.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
import threading
from typing import Any, Callable


def folder() -> str:
    """``$NEWSDESK_CACHE``, else ``$XDG_CACHE_HOME/newsdesk`` (``~/.cache/newsdesk``)."""
    return os.environ.get("NEWSDESK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsdesk"
    )


def built(name: str, write: Callable[[str], None], stale_prefix: str | None = None) -> str:
    """The path of cache file ``name`` once ``write(path)`` has written it (only when it is absent), in the cache
    directory, else in the temporary directory when that is read-only. Two processes building at once each write
    their own file and the last rename wins; files starting with ``stale_prefix`` (other versions) are removed."""
    for where in (folder(), os.path.join(tempfile.gettempdir(), f"newsdesk-{os.getuid()}")):
        target = os.path.join(where, name)
        if os.path.exists(target):
            return target
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            os.makedirs(where, exist_ok=True)
            if os.path.exists(temporary):
                os.remove(temporary)
            write(temporary)
            os.replace(temporary, target)
        except OSError:  # a read-only home: try the temporary directory
            continue
        if stale_prefix:
            for other in os.listdir(where):
                if other.startswith(stale_prefix) and other != name and not other.endswith(".tmp"):
                    try:
                        os.remove(os.path.join(where, other))
                    except OSError:
                        pass
        return target
    raise OSError(f"no writable cache directory for {name}")


def built_sqlite(name: str, fill: Callable[[sqlite3.Connection], None], stale_prefix: str | None = None) -> str:
    """:func:`built` for a SQLite file that ``fill(connection)`` writes."""

    def write(path: str) -> None:
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to
            fill(connection)
            connection.commit()
        finally:
            connection.close()

    return built(name, write, stale_prefix)


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


def pickled(name: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value, kept in the cache directory as a pickle named ``name`` (which names the data's
    version) after the first build: read back faster than packages parse their own text files."""
    path = os.path.join(folder(), name)
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    value = build()
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder(), exist_ok=True)
        with open(temporary, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:  # a read-only home: built again next time
        pass
    return value
