"""Schemathesis against the OpenAPI document: no generated request gets a 5xx.

Every operation in the document gets a bounded number of generated requests (writes too:
without a token they must answer 401, never crash), on both backends. Driven through
Hypothesis directly, one operation at a time, so a failure names its operation.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.service.conftest import Service

MAX_EXAMPLES = 15


def check_operation(operation: Any) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        response = case.call()
        where = (case.method, case.formatted_path, case.query)
        assert response.status_code < 500, (where, response.text[:300])
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, (where, response.text[:300])

    run()


def test_no_generated_request_gets_a_server_error(api: Service) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.client.app)
    results: list[Any] = list(schema.get_all_operations())
    operations = [result.ok() for result in results]
    labels = {op.label for op in operations}
    assert len(operations) >= 10, labels
    rules = {
        "GET /api/v1/due",
        "GET /api/v1/agreements/{agreement_id}/status",
        "GET /api/v1/events",
        "GET /api/v1/events/{event_id}",
        "POST /api/v1/events",
        "GET /api/v1/calendar.ics",
        "GET /api/v1/feed.json",
        "GET /api/v1/feed.atom",
    }
    assert rules <= labels, rules - labels
    for operation in operations:
        check_operation(operation)
