"""The desk in a browser and over HTTP (``newsdesk serve``): server-rendered pages and a JSON API on one process.

Needs the ``web`` extra (FastAPI, uvicorn, Jinja2, python-multipart, pyshp and the Natural Earth shapes); a
missing package is a :class:`~newsdesk.errors.MissingExtra` that says what to install.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MissingExtra, NewsdeskError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
KEEP_ALIVE = 75  # seconds an idle connection stays open (uvicorn's default, 5, is httpx's own idle limit)


def create_app(db: str | Path, token: str | None = None, max_upload: int = 20 * 1024 * 1024):
    """The ASGI app serving the desk at ``db`` (pages, ``/api/v1``); ``token`` enables ``POST /api/v1/articles``."""
    for module, package in (
        ("fastapi", "fastapi"),
        ("jinja2", "jinja2"),
        ("python_multipart", "python-multipart"),
        ("orjson", "orjson"),
    ):
        try:
            __import__(module)
        except ImportError:
            raise MissingExtra(package, "web", "newsdesk serve") from None
    if not Path(db).exists():
        raise NewsdeskError(f"no desk at {db}; create one with `newsdesk add PATH --db {db}` or pass --db")
    from .app import build_app

    return build_app(Path(db), token=token, max_upload=max_upload)


def serve(
    db: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None, workers: int = 1
) -> None:
    """Run the app with uvicorn until interrupted; ``workers`` processes share the port (one core each)."""
    app = create_app(db, token=token)  # also checks the extra and the desk before any worker starts
    try:
        import uvicorn
    except ImportError:
        raise MissingExtra("uvicorn", "web", "newsdesk serve") from None
    # A client reuses a kept-alive connection until its own idle limit (httpx 5 s, browsers a minute or more); a
    # server closing one at the same moment turns the request sent on it into a connection error: wait longer.
    options = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "timeout_keep_alive": KEEP_ALIVE,
    }
    if workers == 1:
        uvicorn.run(app, **options)
        return
    os.environ["NEWSDESK_DB"] = str(Path(db).resolve())
    if token:
        os.environ["NEWSDESK_TOKEN"] = token
    uvicorn.run("newsdesk.web:app_from_environment", factory=True, workers=workers, **options)


def app_from_environment():
    """The app of one worker process (``serve --workers``): the desk and the token come from the environment."""
    return create_app(os.environ["NEWSDESK_DB"], token=os.environ.get("NEWSDESK_TOKEN") or None)
