"""Rules tested as data: every case in tests/rule_cases must come out as written."""

from __future__ import annotations

from typing import Any

import pytest

from pactwatch.rules import Obligation, evaluate, summarise
from pactwatch.rules.timing import iso
from tests.rule_case import RuleCase, read_cases

CASES = read_cases()


def _find(
    obligations: list[Obligation], default_agreement: str, want: dict[str, Any]
) -> Obligation:
    agreement = want.get("agreement", default_agreement)
    matches = [
        o
        for o in obligations
        if o.agreement == agreement
        and o.mechanism == want["mechanism"]
        and ("period_start" not in want or iso(o.period_start) == want["period_start"])
    ]
    assert len(matches) == 1, (want, [o.as_dict() for o in obligations])
    return matches[0]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.name}" for c in CASES])
def test_rule_case(case: RuleCase) -> None:
    obligations = evaluate(case.agreements, case.events, case.now)
    summary = summarise(obligations, case.now)
    expect = case.expect
    if "next_due" in expect:
        got = iso(summary.next_due.due_at) if summary.next_due else None
        assert got == expect["next_due"], (summary, [o.as_dict() for o in obligations])
    for state, count in (expect.get("counts") or {}).items():
        assert summary.counts[state] == count, (state, [o.as_dict() for o in obligations])
    for want in expect.get("obligations") or []:
        found = _find(obligations, case.agreements[0].id, want).as_dict()
        for key, value in want.items():
            if key != "agreement":
                assert found[key] == value, (key, found)


def test_there_are_cases_for_every_topic_the_design_names() -> None:
    files = {case.file for case in CASES}
    assert {"term.yaml", "dialogue.yaml", "consultation.yaml", "timezones.yaml"} <= files, files
    assert len(CASES) >= 20, len(CASES)
