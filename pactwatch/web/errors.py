"""Errors on pages are pages: a person gets HTML, a program under /api/v1 gets the JSON shape."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from pactwatch.api.errors import ApiError, install_error_handlers
from pactwatch.web.render import render

Handler = Callable[[Request, Exception], Awaitable[Response]]
HEADINGS = {404: "not found", 422: "that request cannot be answered"}


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/charts/", "/static/"))


def install_page_errors(app: FastAPI) -> None:
    """Wrap the API's handlers: same status codes, HTML for page paths."""
    install_error_handlers(app)
    json_api = cast(Handler, app.exception_handlers[ApiError])
    json_http = cast(Handler, app.exception_handlers[HTTPException])

    def html(status: int, message: str) -> HTMLResponse:
        heading = HEADINGS.get(status, "something went wrong")
        body = render("error.html", title=heading, status=status, heading=heading, message=message)
        return HTMLResponse(body, status_code=status)

    async def on_api_error(request: Request, error: Exception) -> Response:
        if _is_page(request) and isinstance(error, ApiError):
            return html(error.status, error.message)
        return await json_api(request, error)

    async def on_http_error(request: Request, error: Exception) -> Response:
        if _is_page(request) and isinstance(error, HTTPException):
            return html(error.status_code, str(error.detail))
        return await json_http(request, error)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_error)
