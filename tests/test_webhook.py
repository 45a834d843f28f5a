"""Signed webhooks against real receivers on 127.0.0.1: signature, retries, idempotency,
redirects that are not followed, and deadlines that a trickling receiver cannot stretch."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.model import PactwatchError
from pactwatch.notify import WebhookSettings, deliver, verify_signature
from pactwatch.notify.webhook import KEY_HEADER, SIGNATURE_HEADER
from tests.cli import run_cli

# The rules run on a frozen record (the report's reading of Ukraine-Romania), so their
# expected states do not move when the curated dataset grows.
REPORT_REGISTRY = Path(__file__).parent / "fixtures" / "report-registry"

SECRET = "test-secret"
AT = datetime.fromisoformat("2026-11-27T12:00:00+02:00")


@dataclass
class Receiver:
    """Answers with the queued statuses (then 200) and keeps what it was sent.

    A queued `(status, location)` answers with a Location header; a GET (what a client
    following a redirect would send) is kept too. `trickle` > 0 sends the answer one byte
    per that many seconds, as a slow or hostile receiver may."""

    statuses: list[int | tuple[int, str]] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    trickle: float = 0.0
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            queued = state.statuses.pop(0) if state.statuses else 200
            status, location = queued if isinstance(queued, tuple) else (queued, "")
            if state.trickle:
                self._trickle(f"HTTP/1.1 {status} OK\r\nContent-Length: 0\r\n\r\n".encode())
                return
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.end_headers()

        def do_GET(self) -> None:
            state.gets.append(self.path)
            self.send_response(200)
            self.end_headers()

        def _trickle(self, answer: bytes) -> None:
            for byte in answer:
                time.sleep(state.trickle)
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up, as it should

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def db(tmp_path: Path, data_dir: Path) -> str:
    path = str(tmp_path / "registry.db")
    verbs.load(path, [REPORT_REGISTRY])
    return path


def _settings(url: str) -> WebhookSettings:
    return WebhookSettings(url=url, secret=SECRET, attempts=3, backoff=0.01, timeout=5)


def test_alerts_are_signed_and_retried_with_one_idempotency_key(
    receiver: Receiver, db: str
) -> None:
    receiver.statuses = [503, 500]
    pauses: list[float] = []
    open_ = [o for o in verbs.due(db, AT).obligations if o.state == "open"]
    delivery = deliver(_settings(receiver.url), open_[0], AT, sleep=pauses.append)
    assert delivery.attempts == 3 and delivery.status == 200, delivery
    assert pauses == [0.01, 0.02], pauses
    keys = {headers[KEY_HEADER] for headers, _ in receiver.received}
    assert len(receiver.received) == 3 and keys == {delivery.key}, receiver.received
    for headers, body in receiver.received:
        stamp, _, digest = headers[SIGNATURE_HEADER].partition(",v1=")
        sent_at = int(stamp.removeprefix("t="))
        assert abs(time.time() - sent_at) < 60, headers
        signed = f"{sent_at}.".encode() + body
        assert digest == hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest(), headers
        assert verify_signature(headers[SIGNATURE_HEADER], body, SECRET)
        assert json.loads(body)["obligation"]["state"] == "open"


def test_a_receiver_rejects_old_timestamps_and_tampered_bodies(receiver: Receiver, db: str) -> None:
    obligation = verbs.due(db, AT).obligations[0]
    deliver(_settings(receiver.url), obligation, AT, sleep=lambda _: None)
    headers, body = receiver.received[0]
    header = headers[SIGNATURE_HEADER]
    sent_at = int(header.split(",")[0].removeprefix("t="))
    assert verify_signature(header, body, SECRET, now=sent_at + 299)
    assert not verify_signature(header, body, SECRET, now=sent_at + 301), "a replay, later"
    assert not verify_signature(header, body, SECRET, now=sent_at - 301), "from the future"
    assert not verify_signature(header, body + b" ", SECRET, now=sent_at)
    assert not verify_signature(header, body, "another-secret", now=sent_at)
    later = header.replace(f"t={sent_at}", f"t={sent_at + 1000}")
    assert not verify_signature(later, body, SECRET, now=sent_at + 1000), "t is signed too"
    for broken in ("", "v1=abc", f"t={sent_at}", "t=x,v1=y", f"t={sent_at},t=1,v1=y"):
        assert not verify_signature(broken, body, SECRET, now=sent_at), broken


def test_a_client_error_is_final_and_reported_on_one_line(receiver: Receiver, db: str) -> None:
    receiver.statuses = [400]
    obligation = verbs.due(db, AT).obligations[0]
    with pytest.raises(PactwatchError) as failed:
        deliver(_settings(receiver.url), obligation, AT, sleep=lambda _: None)
    assert len(receiver.received) == 1, receiver.received
    assert "HTTP 400" in str(failed.value) and "\n" not in str(failed.value)


def test_due_alerts_each_new_open_unrecorded_or_missed_obligation_once(
    receiver: Receiver, db: str
) -> None:
    obligations = verbs.due(db, AT).obligations
    alerting = [o for o in obligations if o.state in {"open", "unrecorded", "missed"}]
    first = verbs.notify(_settings(receiver.url), obligations, AT, db, sleep=lambda _: None)
    assert len(first) == len(alerting) == 4, first
    sent = [json.loads(body) for _, body in receiver.received]
    unrecorded = [b for b in sent if b["type"] == "obligation.unrecorded"]
    assert len(unrecorded) == 2, [b["type"] for b in sent]
    assert {b["obligation"]["label"] for b in unrecorded} == {"no meeting recorded"}, unrecorded
    assert not [b for b in sent if b["type"] == "obligation.missed"], sent
    assert verbs.notify(_settings(receiver.url), obligations, AT, db, sleep=lambda _: None) == []
    verbs.trigger("renewed_aggression", AT, "https://example.org/t", db=db, now=AT)
    later = verbs.due(db, AT).obligations
    third = verbs.notify(_settings(receiver.url), later, AT, db, sleep=lambda _: None)
    assert len(third) == 1 and len(receiver.received) == 5, third
    assert json.loads(receiver.received[-1][1])["obligation"]["kind"] == "consultation_on_trigger"


def test_trigger_webhook_from_the_command_line(
    receiver: Receiver, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["trigger", "significant_escalation", "--at", "2026-11-27T10:00:00+02:00"]
    args += ["--source", "https://example.org/t", "--db", db, "--webhook", receiver.url]
    missing = run_cli(capsys, *args)
    assert missing.code == 2 and "PACTWATCH_WEBHOOK_SECRET" in missing.err, missing
    monkeypatch.setenv("PACTWATCH_WEBHOOK_SECRET", SECRET)
    result = run_cli(capsys, *args)
    assert result.code == 0 and "1 alert(s) delivered" in result.err, result
    assert json.loads(receiver.received[0][1])["obligation"]["opened_by"].startswith("significant")


def test_due_webhook_twice_alerts_only_once(
    receiver: Receiver, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACTWATCH_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("PACTWATCH_DB", db)
    args = [
        "due",
        "--at",
        "2026-11-27T12:00:00+02:00",
        "--format",
        "json",
        "--webhook",
        receiver.url,
    ]
    first = run_cli(capsys, *args)
    assert first.code == 0 and "4 alert(s) delivered" in first.err, first
    second = run_cli(capsys, *args)
    assert second.code == 0 and "0 alert(s) delivered" in second.err, second
    assert len(receiver.received) == 4, receiver.received


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_delivery_never_followed(
    receiver: Receiver, db: str, status: int
) -> None:
    https = receiver.url.replace("http://", "https://")
    receiver.statuses = [(status, https)]
    obligations = verbs.due(db, AT).obligations
    with pytest.raises(PactwatchError) as failed:
        verbs.notify(_settings(receiver.url), obligations, AT, db, sleep=lambda _: None)
    message = str(failed.value)
    assert f"HTTP {status}" in message and https in message and "not followed" in message
    assert len(receiver.received) == 1 and receiver.gets == [], "one POST, no GET"
    later = verbs.notify(_settings(receiver.url), obligations, AT, db, sleep=lambda _: None)
    assert len(later) == 4, "the failed alert was not recorded as delivered: the next run sends"


def test_a_redirect_to_another_scheme_is_not_followed(receiver: Receiver, db: str) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        other.settimeout(0.3)
        receiver.statuses = [(302, f"ftp://127.0.0.1:{other.getsockname()[1]}/drop")]
        obligation = verbs.due(db, AT).obligations[0]
        with pytest.raises(PactwatchError, match=r"ftp://127\.0\.0\.1"):
            deliver(_settings(receiver.url), obligation, AT, sleep=lambda _: None)
        with pytest.raises(TimeoutError):
            other.accept()  # nothing connected to the redirect's target


def test_a_trickling_receiver_cannot_hold_an_attempt_past_its_deadline(
    receiver: Receiver, db: str
) -> None:
    receiver.trickle = 0.2  # the whole answer would take about 8 s
    settings = WebhookSettings(url=receiver.url, secret=SECRET, attempts=1, timeout=1.0)
    obligation = verbs.due(db, AT).obligations[0]
    started = time.monotonic()
    with pytest.raises(PactwatchError, match="deadline"):
        deliver(settings, obligation, AT, sleep=lambda _: None)
    assert time.monotonic() - started < 2.5


def test_one_run_of_alerts_has_one_deadline(receiver: Receiver, db: str) -> None:
    receiver.trickle = 0.2
    settings = WebhookSettings(
        url=receiver.url, secret=SECRET, attempts=3, backoff=0.01, timeout=1.0, run_timeout=1.5
    )
    obligations = verbs.due(db, AT).obligations
    started = time.monotonic()
    with pytest.raises(PactwatchError, match="deadline"):
        verbs.notify(settings, obligations, AT, db)
    assert time.monotonic() - started < 3.0
    assert 1 <= len(receiver.received) <= 2, "attempts stop when the run's time is up"


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "http://", "http://a b/", "http://x:99999/"]
)
def test_the_command_line_refuses_a_url_that_cannot_take_a_webhook(
    url: str, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACTWATCH_WEBHOOK_SECRET", SECRET)
    result = run_cli(
        capsys, "due", "--at", "2026-11-27T12:00:00+02:00", "--db", db, "--webhook", url
    )
    assert result.code == 2 and "--webhook" in result.err and "Traceback" not in result.err
