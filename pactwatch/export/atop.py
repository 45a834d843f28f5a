"""ATOP-style codes: Alliance Treaty Obligations and Provisions variables from provisions.

For each coded agreement (one with provisions) and each member, every variable in
`data/atop/rules.yaml` gets a value, the provisions that justify it and the rule in
words. The rules are data, so a researcher can read, dispute and change them without
touching this engine (docs/atop.md explains them against the ATOP codebook).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pactwatch.curate.dataset import validation_problems
from pactwatch.export.base import register
from pactwatch.model import Agreement, PactwatchError, Provision
from pactwatch.settings import data_dir


class Criteria(BaseModel):
    """What a provision must show to count for a part of a variable (all that are given)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member: Literal["actor", "any"] = "actor"
    others_benefit: bool = False
    domains: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    mechanism_kinds: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    has_condition: bool = False

    def matches(self, p: Provision, member: str, mechanism_kinds: set[str]) -> bool:
        text = " ".join(filter(None, [p.object, p.condition, p.summary])).lower()
        checks = (
            self.member == "any" or member in p.actors,
            not self.others_benefit or any(b != member for b in p.beneficiaries),
            not self.domains or any(d in self.domains for d in p.domains),
            not self.kinds or p.kind in self.kinds,
            not self.actions or p.action.lower() in self.actions,
            not self.mechanism_kinds or bool(mechanism_kinds & set(self.mechanism_kinds)),
            not self.cues or any(cue in text for cue in self.cues),
            not self.has_condition or bool(p.condition),
        )
        return all(checks)


class ValueRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int
    when: tuple[str, ...] = Field(min_length=1)


class Variable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    atop: str
    label: str
    rule: str
    parts: dict[str, Criteria]
    values: tuple[ValueRule, ...] = ()
    default: int | None = 0
    value_from: Literal["term_years"] | None = None


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variables: tuple[Variable, ...]


def rules_path() -> Path:
    return data_dir() / "atop" / "rules.yaml"


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> RuleSet:
    """The rule set, or a coded error naming the rules file and the field at fault."""
    file = path or rules_path()
    try:
        return RuleSet.model_validate(yaml.safe_load(file.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise PactwatchError.at(str(file), "", "yaml-syntax", f"malformed YAML: {exc}") from None
    except ValidationError as exc:
        raise PactwatchError(validation_problems(str(file), exc)[0]) from None


def _mechanism_kinds(a: Agreement) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for m in a.mechanisms:
        if m.provision:
            kinds.setdefault(m.provision, set()).add(m.kind)
    return kinds


def code_variable(variable: Variable, a: Agreement, member: str) -> dict[str, Any]:
    """One variable for one member: value, justifying provision ids, the rule in words."""
    kinds = _mechanism_kinds(a)
    matched = {
        name: [p.id for p in a.provisions if crit.matches(p, member, kinds.get(p.id, set()))]
        for name, crit in variable.parts.items()
    }
    value: int | None = variable.default
    because: list[str] = []
    if variable.value_from == "term_years":
        value = a.term.years
        because = [pid for ids in matched.values() for pid in ids]
    else:
        fired = [r for r in variable.values if all(matched[part] for part in r.when)]
        if fired:
            value = fired[0].value
            parts = {part for r in fired if r.value == value for part in r.when}
            because = [p.id for p in a.provisions if any(p.id in matched[x] for x in parts)]
    return {"value": value, "atop": variable.atop, "provisions": because, "rule": variable.rule}


def code_agreement(a: Agreement, rules: RuleSet) -> list[dict[str, Any]]:
    """One row per member of a coded agreement; none for an agreement without provisions."""
    if not a.provisions:
        return []
    return [
        {
            "agreement": a.id,
            "member": member,
            "variables": {v.id: code_variable(v, a, member) for v in rules.variables},
        }
        for member in a.parties
    ]


class AtopExporter:
    media_type = "application/json"
    extension = "json"

    def __init__(self, *, single: bool = False) -> None:
        self._rules = load_rules()
        self._rows: list[dict[str, Any]] = []

    def write(self, agreement: Agreement) -> None:
        self._rows.extend(code_agreement(agreement, self._rules))

    def finalize(self) -> bytes:
        return (json.dumps(self._rows, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


register("atop", AtopExporter)
