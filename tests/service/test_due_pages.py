"""The rules' pages: what is due (countdown, missed dialogues), a provision's status and
evidence, and the agreement's timeline chart, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pactwatch import verbs
from pactwatch.rules.timing import iso
from tests.service.conftest import Service
from tests.service.test_pages import parse

KYIV_WINTER = timezone(timedelta(hours=2))


def post(service: Service, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {verbs.create_token('ana', service.url)}"}
    response = service.client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> a heading id labels."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, (heading_id, html[:500])
    return match.group(1)


def test_due_page_counts_down_to_a_new_clock(writable: Service) -> None:
    at = (datetime.now(UTC) - timedelta(hours=1)).astimezone(KYIV_WINTER).replace(microsecond=0)
    event = post(
        writable,
        {"kind": "trigger", "subkind": "renewed_aggression", "at": at.isoformat(),
         "sources": [{"url": "https://example.org/report"}]},
    )  # fmt: skip
    html = writable.client.get("/due").text
    clocks = section(html, "clocks-h")
    deadline = iso(at + timedelta(hours=24))
    assert deadline.endswith("+02:00"), "the deadline reads in the trigger's own zone"
    countdowns = [a for tag, a in parse(clocks).tags if tag == "time" and "data-deadline" in a]
    assert [a["data-deadline"] for a in countdowns] == [deadline], countdowns
    assert re.fullmatch(r"PT\d+S", countdowns[0]["datetime"] or ""), countdowns
    left = int((countdowns[0]["datetime"] or "PT0S")[2:-1])
    assert 22 * 3600 < left <= 23 * 3600, left
    assert f'<time datetime="{deadline}">' in clocks, "the deadline is readable without JS"
    assert re.search(r">(22|23) h \d+ min \d+ s left</time>", clocks), clocks
    assert event["id"] in clocks


def test_due_page_lists_dialogues_with_no_meeting_recorded_apart_from_missed(
    api: Service,
) -> None:
    html = api.client.get("/due").text
    obligations = verbs.due(api.url).obligations
    gaps = [o for o in obligations if o.state == "unrecorded"]
    assert gaps and not [o for o in obligations if o.state == "missed"], "no event says missed"
    listed = section(html, "unrecorded-h")
    for o in gaps:
        assert f'<time datetime="{iso(o.due_at)}">' in listed, (o, listed)
    assert "no meeting recorded" in listed and "not a finding" in listed, listed
    assert "No event records a missed" in section(html, "missed-h")
    assert "No clock is running" in section(html, "clocks-h")
    terms = section(html, "terms-h")
    assert 'href="/agreements/ua-ro-2024/provisions/term"' in terms, terms


def test_provision_page_shows_status_events_and_their_sources(writable: Service) -> None:
    event = post(
        writable,
        {
            "kind": "meeting",
            "on": "2025-05",
            "actors": ["UA", "RO"],
            "mechanisms": ["ua-ro-2024/strategic-dialogue"],
            "description": "First strategic dialogue",
            "sources": [
                {"url": "https://example.org/minutes", "title": "Minutes"},
                {"url": "javascript:alert(1)", "title": "not a link"},
                {"sha256": "a" * 64, "title": "A document"},
            ],
        },
    )
    response = writable.client.get("/agreements/ua-ro-2024/provisions/strategic-dialogue")
    assert response.status_code == 200, response.text
    html = response.text
    status = writable.client.get("/api/v1/agreements/ua-ro-2024/status").json()
    mine = next(p for p in status["provisions"] if p["provision"] == "strategic-dialogue")
    assert f"<dd>{mine['rule']}</dd>" in html and mine["status"] in html, mine
    assert event["id"] in mine["events"], "the meeting met the first dialogue"
    events = section(html, "events-h")
    assert event["id"] in events and "First strategic dialogue" in events
    links = [a.get("href") for tag, a in parse(events).tags if tag == "a"]
    assert "https://example.org/minutes" in links, links
    assert not any((h or "").startswith("javascript:") for h in links), links
    assert "not a link" in events and "sha256 aaaaaaaaaaaa" in events
    assert '<time datetime="2025-05">2025-05</time>' in events, events
    assert "(known to the month)" in events and "2025-05-01" not in html, "a month, not a day"
    patriot = writable.client.get("/agreements/ua-ro-2024/provisions/patriot").text
    assert event["id"] not in patriot and "No event bearing" in patriot
    assert "no evidence recorded" in patriot and "not scored" in patriot, patriot


def test_unknown_provision_pages_are_404(api: Service) -> None:
    for path in ("/agreements/ua-ro-2024/provisions/no-such", "/agreements/no-such/provisions/p"):
        response = api.client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_agreement_page_has_a_timeline_chart_linking_to_provisions(api: Service) -> None:
    html = api.client.get("/agreements/ua-ro-2024").text
    match = re.search(r'<figure class="chart timeline"(.*?)</figure>', html, re.S)
    assert match and "<svg" in match.group(1), html[:300]
    links = set(re.findall(r'xlink:href="([^"]*)"', match.group(1)))
    assert "/agreements/ua-ro-2024/provisions/strategic-dialogue" in links, links
    assert all(link.startswith("/") for link in links), links
    assert 'href="/agreements/ua-ro-2024/provisions/patriot"' in html
    assert '<a href="/due">' in html, "the nav links to what is due"


def test_agreement_page_says_no_evidence_recorded_and_scores_nothing_without_events(
    api: Service,
) -> None:
    html = api.client.get("/agreements/ua-ro-2024").text
    links = re.findall(r'<a class="status-link state-([a-z_]+)"[^>]*>([^<]*)</a>', html)
    assert links, html[:500]
    assert ("no_evidence", "no evidence recorded") in links, links
    assert not [text for _, text in links if "score" in text], "no event, no score"
    assert "not started" not in html and "overdue" not in html
    assert "no event recorded bears on a provision" in html
