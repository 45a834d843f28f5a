"""ATOP-style codes: values follow the rules in data/atop/rules.yaml, with their evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pactwatch.export.atop import code_agreement, load_rules
from pactwatch.model import Agreement, PactwatchError
from pactwatch.settings import PROJECT_ROOT
from tests.exports.conftest import export_bytes


def coded(agreement: Agreement) -> dict[str, dict[str, Any]]:
    return {row["member"]: row["variables"] for row in code_agreement(agreement, load_rules())}


def test_ukraine_romania(ua_ro: Agreement) -> None:
    codes = coded(ua_ro)
    assert set(codes) == {"UA", "RO"}
    for member in ("UA", "RO"):
        assert codes[member]["consul"]["value"] == 1, codes[member]["consul"]
        assert "consult-24h" in codes[member]["consul"]["provisions"]
        assert codes[member]["defense"] == codes[member]["defense"] | {"value": 0, "provisions": []}
        assert codes[member]["duration"]["value"] == 10
        assert "consult-24h" in codes[member]["conditions"]["provisions"]
    assert codes["RO"]["milaid"]["value"] >= 3 and "patriot" in codes["RO"]["milaid"]["provisions"]
    assert codes["UA"]["milaid"]["value"] == 0


def test_a_promise_to_defend_codes_defense(full: Agreement) -> None:
    codes = coded(full)
    assert codes["PL"]["defense"]["value"] == 1, codes["PL"]["defense"]
    assert codes["PL"]["defense"]["provisions"] == ["defend-ua"]
    assert codes["UA"]["defense"]["value"] == 0
    assert codes["PL"]["milaid"]["value"] == 4, codes["PL"]["milaid"]
    assert codes["PL"]["specthr"]["value"] == 0


def test_agreements_without_provisions_are_not_coded(empty: Agreement) -> None:
    assert code_agreement(empty, load_rules()) == []
    assert json.loads(export_bytes("atop", [empty])) == []


def test_every_variable_is_documented_with_its_rule() -> None:
    doc = (PROJECT_ROOT / "docs" / "atop.md").read_text(encoding="utf-8")
    rules = load_rules()
    assert {v.id for v in rules.variables} >= {
        "consul", "defense", "offense", "neutral", "nonagg",
        "milaid", "specthr", "duration", "conditions",
    }  # fmt: skip
    for variable in rules.variables:
        assert f"`{variable.id}`" in doc, variable.id
        for value in variable.values:
            assert all(part in variable.parts for part in value.when), variable.id


def test_a_bad_rules_file_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("variables:\n  - id: x\n    atop: X\n    label: X\n    rule: r\n")
    with pytest.raises(PactwatchError) as caught:
        load_rules(path)
    assert caught.value.problem.file == str(path)
    assert caught.value.problem.path == "variables.0.parts", caught.value.problem
