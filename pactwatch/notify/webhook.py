"""Signed webhooks: POST one JSON body per new open, unrecorded or missed obligation.

`feed --webhook` sends each change of the feed the same way (`deliver_change`): a provision
whose status recorded evidence moved, an obligation met.

"Unrecorded" (the deadline passed with no meeting recorded) is sent as such, with its label,
so a receiver never reads an empty events table as a missed duty.

The receiver can trust and de-duplicate what it gets. Each attempt is signed with
HMAC-SHA256 over the moment of sending and the exact body, in the manner of Stripe's
scheme: `X-Pactwatch-Signature: t=<unix seconds>,v1=<hex of HMAC(secret, "<t>." + body)>`.
A receiver recomputes the HMAC and refuses a timestamp older than a few minutes, so a
recorded alert cannot be replayed later (docs/webhooks.md; `verify_signature` does it).
Every attempt of one alert carries the same `Idempotency-Key`, derived from the obligation
and its state, so a receiver drops the copies a retry may bring.

Only a 2xx answer is a delivery. Redirects are never followed: a 3xx is a failed delivery,
reported with where it points, since a POST that a client turns into a GET (or sends to
another scheme) is not the alert. 429 and 5xx answers and broken exchanges are retried
with exponential backoff; other answers are final for the run, and the next scheduled run
tries again. Each attempt has one overall deadline (`timeout`), and so has the whole run
(`run_timeout`), so a receiver that trickles its answer cannot hold `due --webhook`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pactwatch.model import PactwatchError
from pactwatch.notify.post import PostFailed, post
from pactwatch.rules import Obligation
from pactwatch.rules.changes import Change
from pactwatch.rules.evidence_changes import StatusChange
from pactwatch.rules.timing import iso

FeedChange = Change | StatusChange
SIGNATURE_HEADER = "X-Pactwatch-Signature"
KEY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300
"""How old a signed timestamp a receiver should still accept (docs/webhooks.md)."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    attempts: int = 4
    backoff: float = 0.5
    timeout: float = 10.0
    """Seconds for one attempt as a whole: connect, TLS, send, and the answer's head."""
    run_timeout: float = 120.0
    """Seconds for all the deliveries of one run, retries and backoff included."""


@dataclass(frozen=True)
class Delivery:
    key: str
    status: int
    attempts: int


def idempotency_key(obligation: Obligation) -> str:
    """The same for every attempt and every run about this obligation in this state."""
    text = f"{obligation.key}#{obligation.state}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    signed = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    header: str,
    body: bytes,
    secret: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a `v1` HMAC of "<t>." + body, and `t` within `tolerance`."""
    fields = [item.strip().partition("=") for item in header.split(",")]
    stamps = [value for name, _, value in fields if name == "t"]
    if len(stamps) != 1 or not stamps[0].isascii() or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    moment = time.time() if now is None else now
    if abs(moment - timestamp) > tolerance:
        return False
    expected = sign(body, secret, timestamp).rpartition("v1=")[2]
    return any(
        hmac.compare_digest(value.encode("utf-8"), expected.encode("ascii"))
        for name, _, value in fields
        if name == "v1"
    )


def alert_body(obligation: Obligation, now: datetime) -> bytes:
    data = {
        "type": f"obligation.{obligation.state}",
        "key": idempotency_key(obligation),
        "evaluated_at": iso(now),
        "obligation": obligation.as_dict(),
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _printable(text: str, limit: int = 200) -> str:
    """A receiver's text (a Location) fit for a one-line report."""
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def deliver(
    settings: WebhookSettings,
    obligation: Obligation,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    until: float | None = None,
) -> Delivery:
    """POST one alert, retrying with backoff; a PactwatchError when it cannot be delivered.

    `until` is the run's deadline on `time.monotonic()` (default: `run_timeout` from now);
    no attempt and no pause runs past it.
    """
    body = alert_body(obligation, now)
    return _send(settings, idempotency_key(obligation), body, sleep, until)


def change_key(change: FeedChange) -> str:
    """The same for every attempt and run about this change; for an obligation's change it
    is the key `due --webhook` sends for that state, so neither sends it twice."""
    return hashlib.sha256(change.id.encode("utf-8")).hexdigest()[:32]


def change_body(change: FeedChange, now: datetime) -> bytes:
    what = "provision" if isinstance(change, StatusChange) else "obligation"
    data = {
        "type": f"{what}.{change.state}",
        "key": change_key(change),
        "evaluated_at": iso(now),
        "title": change.title(),
        "change": change.as_dict(),
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


def deliver_change(
    settings: WebhookSettings,
    change: FeedChange,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    until: float | None = None,
) -> Delivery:
    """POST one change of the feed (a provision's status moved by evidence, an obligation
    met), signed and retried like an obligation's alert."""
    return _send(settings, change_key(change), change_body(change, now), sleep, until)


def _send(
    settings: WebhookSettings,
    key: str,
    body: bytes,
    sleep: Callable[[float], None],
    until: float | None,
) -> Delivery:
    until = time.monotonic() + settings.run_timeout if until is None else until
    reason = "the run's deadline passed before a first attempt"
    attempt = 0
    while attempt < settings.attempts and time.monotonic() < until:
        attempt += 1
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, settings.secret, int(time.time())),
            KEY_HEADER: key,
            "User-Agent": "pactwatch-webhook/2",
        }
        deadline = min(time.monotonic() + settings.timeout, until)
        try:
            answer = post(settings.url, headers, body, deadline)
        except PostFailed as error:
            reason = str(error)
        else:
            if 200 <= answer.status < 300:
                return Delivery(key, answer.status, attempt)
            reason = f"HTTP {answer.status}"
            if 300 <= answer.status < 400:
                where = _printable(answer.location) or "no Location"
                reason += f", a redirect ({where}), not followed: give the final URL"
            if not _retryable(answer.status):
                break
        if attempt < settings.attempts:
            pause = settings.backoff * 2 ** (attempt - 1)
            if time.monotonic() + pause >= until:
                reason += "; the run's deadline left no time to retry"
                break
            sleep(pause)
    raise PactwatchError.at(
        "--webhook",
        settings.url,
        "webhook-failed",
        f"alert {key} not delivered after {attempt} attempt(s): {reason}",
    )
