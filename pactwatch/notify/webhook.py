"""Signed webhooks: POST one JSON body per new open, unrecorded or missed obligation.

"Unrecorded" (the deadline passed with no meeting recorded) is sent as such, with its label,
so a receiver never reads an empty events table as a missed duty.

The receiver can trust and de-duplicate what it gets: the body is signed with HMAC-SHA256
over its exact bytes (header `X-Pactwatch-Signature: sha256=<hex>`), and every attempt of
one alert carries the same `Idempotency-Key`, derived from the obligation and its state.
Failures (connection errors, 429 and 5xx answers) are retried with exponential backoff;
other 4xx answers are final, since sending the same body again cannot fix them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pactwatch.model import PactwatchError
from pactwatch.rules import Obligation
from pactwatch.rules.timing import iso

SIGNATURE_HEADER = "X-Pactwatch-Signature"
KEY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    attempts: int = 4
    backoff: float = 0.5
    timeout: float = 10.0


@dataclass(frozen=True)
class Delivery:
    key: str
    status: int
    attempts: int


def idempotency_key(obligation: Obligation) -> str:
    """The same for every attempt and every run about this obligation in this state."""
    text = f"{obligation.key}#{obligation.state}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


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


def deliver(
    settings: WebhookSettings,
    obligation: Obligation,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST one alert, retrying with backoff; a PactwatchError when it cannot be delivered."""
    body = alert_body(obligation, now)
    key = idempotency_key(obligation)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, settings.secret),
        KEY_HEADER: key,
        "User-Agent": "pactwatch-webhook/1",
    }
    reason = ""
    for attempt in range(1, settings.attempts + 1):
        request = urllib.request.Request(settings.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                return Delivery(key, int(response.status), attempt)
        except urllib.error.HTTPError as error:
            reason = f"HTTP {error.code}"
            if not _retryable(error.code):
                break
        except (urllib.error.URLError, OSError) as error:
            reason = str(getattr(error, "reason", error))
        if attempt < settings.attempts:
            sleep(settings.backoff * 2 ** (attempt - 1))
    raise PactwatchError.at(
        "--webhook",
        settings.url,
        "webhook-failed",
        f"alert {key} not delivered after {attempt} attempt(s): {reason}",
    )
