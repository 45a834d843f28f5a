"""Signed webhooks against a real receiver on 127.0.0.1: signature, retries, idempotency."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pactwatch import verbs
from pactwatch.model import PactwatchError
from pactwatch.notify import WebhookSettings, deliver
from pactwatch.notify.webhook import KEY_HEADER, SIGNATURE_HEADER
from tests.cli import run_cli

# The rules run on a frozen record (the report's reading of Ukraine-Romania), so their
# expected states do not move when the curated dataset grows.
REPORT_REGISTRY = Path(__file__).parent / "fixtures" / "report-registry"

SECRET = "test-secret"
AT = datetime.fromisoformat("2026-11-27T12:00:00+02:00")


@dataclass
class Receiver:
    """Answers with the queued statuses (then 200) and keeps what it was sent."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.end_headers()

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
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == f"sha256={expected}", headers
        assert json.loads(body)["obligation"]["state"] == "open"


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
