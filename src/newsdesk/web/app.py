"""The FastAPI app: security headers, one JSON error shape for the API, static files, pages and ``/api/v1``."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ..errors import NewsdeskError, NotFound
from . import api, pages
from .data import Reader

HERE = Path(__file__).parent
# Everything a page uses comes from this server; nothing inline can run, nothing can frame the desk.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal",
}


class SecurityHeaders:
    """Adds the CSP and friends to every response (plain ASGI: cheaper than an @app.middleware per request)."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def build_app(db: Path, token: str | None = None, max_upload: int = 20 * 1024 * 1024) -> FastAPI:
    app = FastAPI(
        title="newsdesk",
        version="1",
        docs_url=None,
        redoc_url=None,
        description="The desk's stories, articles, claims, events, entities and contradictions; "
        "items have the shapes of the newsdesk/1 export (docs/export.md).",
    )
    app.state.reader = Reader(db)
    # Handlers are coroutines: each request's reads are short and CPU-bound, a thread hop per request cost more
    # than it saved; the desk-wide view is built off the event loop (below, then in the background on changes).
    threading.Thread(target=app.state.reader.view, daemon=True).start()
    app.state.token = token
    app.state.max_upload = max_upload
    app.state.templates = pages.templates(HERE / "templates")

    app.add_middleware(SecurityHeaders)

    def error(request: Request, status: int, message: str):
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": {"status": status, "code": CODES.get(status, "error"), "message": message}},
                status_code=status,
            )
        return app.state.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        response = error(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(request, 422, problems or "invalid request")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return error(request, 404, str(exc))

    @app.exception_handler(NewsdeskError)
    async def library_error(request: Request, exc: NewsdeskError):
        return error(request, 400, str(exc))

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request):
        """The API's operations from the OpenAPI document, rendered here (no script from elsewhere)."""
        return app.state.templates.TemplateResponse(request, "docs.html", {"spec": app.openapi()})

    return app
