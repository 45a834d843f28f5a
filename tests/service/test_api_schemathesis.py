"""Schemathesis's own engine against the app in-process: fuzzing with positive and negative
data, then the stateful phase (sequences of calls along the links it infers), with a
curator's token so writes are exercised, on each backend.

Every check runs: no 5xx, every status, content type and response schema as the OpenAPI
document says, schema-violating input refused, and so on. One check is told what the
document cannot say: a request that fits the schema may still be refused with a 422 when a
value breaks a rule of the registry the schema has no words for (an instant outside the
years 1900-2200, a cursor we did not issue, an id that must exist, a record that must
pass the curated-file checks as a whole); each such 422 names its field. And a write that
to an existing record that does not send If-Match is refused with 428 (RFC 6585),
whatever else it holds: the header is optional in the document, but a change to a record
someone may have changed meanwhile must name the version it read.

The examples per operation and the steps per scenario are bounded so one backend's run
stays well under a minute on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.engine import events, from_schema

from pactwatch import verbs
from tests.service.conftest import Service

EXAMPLES = 5
STEPS = 5
PHASES = ("fuzzing", "stateful")
REGISTRY_RULES = ["2xx", "3xx", "401", "403", "404", "409", "422", "428", "429"]
"""Statuses a schema-valid request may get (see the module's docstring for 422 and 428)."""


@dataclass
class Findings:
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    phases: dict[str, str] = field(default_factory=dict)
    cases: int = 0
    transitions: int = 0


def config(token: str) -> schemathesis.Config:
    phases: dict[str, Any] = {
        name: {"enabled": name in PHASES} for name in ("examples", "coverage", "fuzzing")
    }
    phases["stateful"] = {"enabled": True, "max-steps": STEPS}
    return schemathesis.Config.from_dict({
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
        "phases": phases,
        "checks": {"positive_data_acceptance": {"expected-statuses": REGISTRY_RULES}},
    })  # fmt: skip


def run(service: Service) -> Findings:
    token = verbs.create_token("schemathesis", service.url)
    app = service.client.app
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config(token))
    found = Findings()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            found.cases += len(recorder.cases)
            for case_id, nodes in recorder.checks.items():
                for node in nodes:
                    if node.failure_info is None:
                        continue
                    case = recorder.cases[case_id].value
                    response = recorder.find_response(case_id=case_id)
                    status = response.status_code if response is not None else "no response"
                    where = f"{case.method} {case.formatted_path} {case.query} -> {status}"
                    failure = node.failure_info.failure
                    message = f"{getattr(failure, 'title', '')}: {failure}"[:400]
                    found.failures.append((node.name, where[:300], message))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            found.errors.append(str(getattr(event, "value", getattr(event, "exception", ""))))
        elif isinstance(event, events.PhaseStarted) and event.payload is not None:
            found.transitions = event.payload.inferred_transitions
        elif isinstance(event, events.PhaseFinished):
            found.phases[event.phase.name.value] = event.status.value
    return found


def test_schemathesis_fuzzing_and_stateful_phases_find_nothing(writable: Service) -> None:
    found = run(writable)
    assert found.errors == [], found.errors
    assert found.failures == [], found.failures
    assert found.phases.get("fuzzing") == "success", found.phases
    assert found.phases.get("stateful") == "success", found.phases
    assert found.transitions > 10, "the stateful phase links operations (Location, ids)"
    assert found.cases > 100, found.cases
