"""One HTTP POST under one deadline, answering with the status line and nothing more.

A webhook receiver is a stranger's server, so the exchange is ours end to end instead of
urllib's: urllib follows a 301/302/303 by turning the POST into a bodyless GET (a receiver
that merely moved to https would get no alert, and the GET's 200 would count as delivered),
follows a redirect to another scheme before any check of ours, and applies its timeout to
each socket read, so a server sending a byte every few seconds holds it indefinitely.

Here a redirect is just a status (the caller decides), and `deadline` (a `time.monotonic`
instant) bounds the whole exchange: connecting, the TLS handshake, sending and reading the
response head each get only the time left, read by read.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEAD_BYTES = 16 * 1024
_STATUS = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})")
_LOCATION = re.compile(rb"\r\nlocation:[ \t]*([^\r\n]*)", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


class PostFailed(OSError):
    """The exchange broke off (timeout, refused, closed, not HTTP); the message says how."""


@dataclass(frozen=True)
class Answer:
    status: int
    location: str = ""


def url_problem(url: str) -> str | None:
    """Why `url` cannot take a webhook, or None: http(s), a host, no spaces or controls."""
    if _UNSAFE.search(url):
        return "has spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        return f"is not a URL ({error})"
    if parts.scheme not in {"http", "https"}:
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    return None


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise PostFailed("no answer before the deadline")
    return left


def _request(url: str, headers: dict[str, str], body: bytes) -> tuple[str, int, bool, bytes]:
    problem = url_problem(url)
    if problem:
        raise PostFailed(f"the URL {problem}")
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc.rpartition('@')[2]}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    try:
        head = "\r\n".join(lines).encode("ascii")
    except UnicodeEncodeError:
        raise PostFailed("the URL or a header is not ASCII") from None
    return host, port, secure, head + body


def _send(sock: socket.socket, data: bytes, deadline: float) -> None:
    sent = 0
    while sent < len(data):
        sock.settimeout(_left(deadline))
        sent += sock.send(data[sent:])


def _head(sock: socket.socket, deadline: float) -> Answer:
    """Read until a final (non-1xx) response head is complete, within the deadline."""
    buffer = b""
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end >= 0:
            head, buffer = buffer[: end + 2], buffer[end + 4 :]
            match = _STATUS.match(head)
            if match is None:
                raise PostFailed("the answer is not HTTP")
            status = int(match.group(1))
            if status >= 200:
                found = _LOCATION.search(head)
                location = found.group(1).decode("latin-1").strip() if found else ""
                return Answer(status, location)
            continue  # 100 Continue and the like: the final answer follows
        if len(buffer) > MAX_HEAD_BYTES:
            raise PostFailed(f"the answer's head is over {MAX_HEAD_BYTES} bytes")
        sock.settimeout(_left(deadline))
        chunk = sock.recv(4096)
        if not chunk:
            raise PostFailed("the connection closed before an answer")
        buffer += chunk


def post(url: str, headers: dict[str, str], body: bytes, deadline: float) -> Answer:
    """POST `body` to `url` and return the answer's status (and Location), by `deadline`.

    Raises PostFailed for anything short of a status line: a timeout, a refused or reset
    connection, a failed TLS handshake or certificate check, or a reply that is not HTTP.
    """
    host, port, secure, request = _request(url, headers, body)
    try:
        sock = socket.create_connection((host, port), timeout=_left(deadline))
        try:
            if secure:
                sock.settimeout(_left(deadline))  # the handshake as a whole gets this long
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            _send(sock, request, deadline)
            return _head(sock, deadline)
        finally:
            sock.close()
    except PostFailed:
        raise
    except TimeoutError:
        raise PostFailed("no answer before the deadline") from None
    except (OSError, ssl.SSLError) as error:
        raise PostFailed(str(getattr(error, "strerror", None) or error)) from None
