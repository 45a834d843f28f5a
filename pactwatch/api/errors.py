"""One JSON error shape for every failure, and the request-size guard.

Every error the API returns, from a bad query parameter to a stale write, looks like
`{"error": {"status", "code", "message", "problems": [{"path", "code", "message"}]}}`,
so a client handles errors in one place (pinned by a test).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pactwatch.model import PactwatchError, Problem
from pactwatch.store.write import WriteRejected

_HTTP_CODES = {
    400: "bad-request",
    401: "unauthorized",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-parameter",
    428: "precondition-required",
}


def error_body(status: int, code: str, message: str, problems: Sequence[Problem] = ()) -> bytes:
    payload = {
        "error": {
            "status": status,
            "code": code,
            "message": message,
            "problems": [{"path": p.path, "code": p.code, "message": p.message} for p in problems],
        }
    }
    # A message may quote a request's text, which may hold a lone surrogate: escape it.
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace")


def error_response(
    status: int, code: str, message: str, problems: list[Problem] | None = None, **headers: str
) -> Response:
    body = error_body(status, code, message, problems or [])
    return Response(body, status, headers=headers or None, media_type="application/json")


class ApiError(Exception):
    """Raised by handlers for a coded error at a given status."""

    def __init__(self, status: int, code: str, message: str, path: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.path = status, code, message, path


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc)


def _validation_problem(item: dict[str, Any]) -> Problem:
    loc, kind = tuple(item.get("loc", ())), str(item.get("type", ""))
    if kind == "json_invalid":
        reason = (item.get("ctx") or {}).get("error", "not valid JSON")
        return Problem("request", "body", "malformed-json", f"body: malformed JSON ({reason})")
    where = _field(loc)
    return Problem("request", where, "invalid-parameter", f"{where}: {item.get('msg', 'invalid')}")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> Response:
        problems = [_validation_problem(dict(e)) for e in error.errors()]
        code = problems[0].code if problems else "invalid-parameter"
        message = problems[0].message if problems else "invalid request"
        return error_response(422, code, message, problems)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> Response:
        code = _HTTP_CODES.get(error.status_code, "error")
        headers = dict(error.headers or {})
        return error_response(error.status_code, code, str(error.detail), None, **headers)

    @app.exception_handler(ApiError)
    async def _api(_: Request, error: ApiError) -> Response:
        problem = Problem("request", error.path, error.code, error.message)
        return error_response(error.status, error.code, error.message, [problem])

    @app.exception_handler(WriteRejected)
    async def _rejected(_: Request, error: WriteRejected) -> Response:
        first = error.problems[0]
        return error_response(error.status, first.code, first.line(), error.problems)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> Response:
        message = f"internal error ({type(error).__name__}); the request changed nothing"
        return error_response(500, "internal-error", message)

    @app.exception_handler(PactwatchError)
    async def _pactwatch(_: Request, error: PactwatchError) -> Response:
        return error_response(400, error.problem.code, error.problem.message, [error.problem])


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, by header or while streaming.

    It also refuses NUL characters in the path or query (422): no database stores them,
    and PostgreSQL rejects them outright, so they can only be a mistake or a probe.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            message = "the path or query contains a NUL character"
            await error_response(422, "invalid-parameter", message)(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body is larger than {self.limit} bytes"
        await error_response(413, "payload-too-large", message)(scope, receive, send)
