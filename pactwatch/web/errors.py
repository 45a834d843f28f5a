"""Errors on pages are pages: a person gets HTML, a program under /api gets the JSON shape.

Every failure a page can meet (an unknown record, a bad filter value, a query too long, a
NUL in the address, an unexpected error) answers with the site's layout, the same status
code, one line saying what was wrong and links onward. Only paths under `/api/` (and the
chart and static files, which programs fetch) keep the JSON error shape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from pactwatch.api.errors import ApiError, install_error_handlers
from pactwatch.web.render import render

Handler = Callable[[Request, Exception], Awaitable[Response]]
HEADINGS = {
    404: "not found",
    405: "that page cannot be sent this way",
    413: "that request is too large",
    422: "that request cannot be answered",
}


def is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/charts/", "/static/"))


def html_error(status: int, message: str, path: str = "") -> HTMLResponse:
    """The error page: what went wrong in one line, and ways on from here."""
    heading = HEADINGS.get(status, "something went wrong")
    body = render(
        "error.html", title=heading, status=status, heading=heading, message=message, path=path
    )
    return HTMLResponse(body, status_code=status)


def _validation_line(error: RequestValidationError) -> str:
    """The first bad parameter as a reader can act on it: its name and what it must be."""
    items: list[Any] = list(error.errors())
    if not items:
        return "the request is not valid"
    first = dict(items[0])
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "query")
    return f"{where}: {first.get('msg', 'not valid')}" if where else str(first.get("msg"))


class PageNul:
    """A NUL character in a page's address gets the error page (the API's guard, further
    in, keeps answering JSON under /api/)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_page(scope.get("path", "")):
            path, query = scope.get("path", ""), scope.get("query_string", b"")
            if "\x00" in path or b"%00" in query:
                message = "the address contains a NUL character, which no page accepts"
                await html_error(422, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install_page_errors(app: FastAPI) -> None:
    """Wrap the API's handlers: same status codes, HTML for page paths."""
    install_error_handlers(app)
    json_api = cast(Handler, app.exception_handlers[ApiError])
    json_http = cast(Handler, app.exception_handlers[HTTPException])
    json_invalid = cast(Handler, app.exception_handlers[RequestValidationError])
    json_unexpected = cast(Handler, app.exception_handlers[Exception])

    async def on_api_error(request: Request, error: Exception) -> Response:
        if is_page(request.url.path) and isinstance(error, ApiError):
            return html_error(error.status, error.message, request.url.path)
        return await json_api(request, error)

    async def on_http_error(request: Request, error: Exception) -> Response:
        if is_page(request.url.path) and isinstance(error, HTTPException):
            return html_error(error.status_code, str(error.detail), request.url.path)
        return await json_http(request, error)

    async def on_invalid(request: Request, error: Exception) -> Response:
        if is_page(request.url.path) and isinstance(error, RequestValidationError):
            return html_error(422, _validation_line(error), request.url.path)
        return await json_invalid(request, error)

    async def on_unexpected(request: Request, error: Exception) -> Response:
        if is_page(request.url.path):
            message = f"internal error ({type(error).__name__}); nothing was changed"
            return html_error(500, message, request.url.path)
        return await json_unexpected(request, error)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(Exception, on_unexpected)
