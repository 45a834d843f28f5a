"""Reading the YAML rule cases under tests/rule_cases into agreements, events and `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from pactwatch.curate.yamlio import load_yaml
from pactwatch.model import Agreement, Event
from pactwatch.settings import PROJECT_ROOT

CASES_DIR = Path(__file__).parent / "rule_cases"
CASE_SOURCE = {"url": "https://example.org/rule-case"}


@dataclass(frozen=True)
class RuleCase:
    file: str
    name: str
    agreements: list[Agreement]
    events: list[Event]
    now: datetime
    expect: dict[str, Any]


FIXTURES = CASES_DIR / "agreements"


@cache
def data_agreement(agreement_id: str) -> Agreement:
    """A fixture agreement of the rule cases, else the curated record of that id."""
    path = FIXTURES / f"{agreement_id}.yaml"
    if not path.is_file():
        path = PROJECT_ROOT / "data" / "agreements" / f"{agreement_id}.yaml"
    return Agreement.model_validate(load_yaml(path.read_text(encoding="utf-8")))


def _agreement(raw: str | dict[str, Any]) -> Agreement:
    return data_agreement(raw) if isinstance(raw, str) else Agreement.model_validate(raw)


def _event(raw: dict[str, Any]) -> Event:
    return Event.model_validate({"sources": [CASE_SOURCE], **raw})


def read_cases() -> list[RuleCase]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for raw in load_yaml(path.read_text(encoding="utf-8"))["cases"]:
            agreements = raw.get("agreements") or [raw["agreement"]]
            cases.append(
                RuleCase(
                    file=path.name,
                    name=raw["name"],
                    agreements=[_agreement(a) for a in agreements],
                    events=[_event(e) for e in raw.get("events") or []],
                    now=datetime.fromisoformat(raw["now"]),
                    expect=raw["expect"],
                )
            )
    return cases


REPORT_RECORD = (
    Path(__file__).parent / "fixtures" / "report-registry" / "agreements" / "ua-ro-2024.yaml"
)


@cache
def report_agreement() -> Agreement:
    """The frozen report-based Ukraine-Romania record the rules tests run on."""
    return Agreement.model_validate(load_yaml(REPORT_RECORD.read_text(encoding="utf-8")))
