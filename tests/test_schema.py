"""The committed JSON Schema and the taxonomy file agree with the model and the design."""

from __future__ import annotations

from pathlib import Path

from pactwatch.model.schema import agreement_schema, event_schema, render
from pactwatch.model.taxonomy import domains
from pactwatch.settings import PROJECT_ROOT

DESIGN_DOMAINS = [
    "air_defence",
    "weapons_and_equipment",
    "logistics_and_transit",
    "financial_aid",
    "training",
    "defence_industry",
    "force_development",
    "maritime_security",
    "demining",
    "intelligence",
    "cyber",
    "hybrid_and_disinformation",
    "emerging_technology",
    "cbrn",
    "critical_infrastructure",
    "energy",
    "sanctions",
    "accountability_and_justice",
    "reconstruction",
    "humanitarian",
    "food_security",
    "eu_integration",
    "nato_integration",
    "political_dialogue",
    "consultation_mechanism",
    "peace_process",
    "regional_cooperation",
    "other",
]


def test_committed_schema_matches_model() -> None:
    committed = (PROJECT_ROOT / "schema" / "agreement.schema.json").read_text(encoding="utf-8")
    assert committed == render(agreement_schema()), (
        "schema/agreement.schema.json is stale: run `make schema` and commit it"
    )


def test_committed_event_schema_matches_model() -> None:
    committed = (PROJECT_ROOT / "schema" / "event.schema.json").read_text(encoding="utf-8")
    assert committed == render(event_schema()), (
        "schema/event.schema.json is stale: run `make schema` and commit it"
    )
    precision = event_schema()["properties"]["precision"]
    enums = [set(option.get("enum", ())) for option in precision["anyOf"]]
    assert {"day", "week", "month"} in [e & {"day", "week", "month"} for e in enums], precision


def test_schema_keeps_contract_field_names() -> None:
    schema = agreement_schema()
    provision = schema["$defs"]["Provision"]["properties"]
    for name in (
        "id",
        "section",
        "actors",
        "beneficiaries",
        "action",
        "object",
        "domains",
        "kind",
        "partners",
        "instruments",
        "condition",
        "timing",
        "amount",
        "spans",
        "flags",
    ):
        assert name in provision, name
    for name in (
        "id",
        "title",
        "kind",
        "parties",
        "signatories",
        "signed_on",
        "signed_at",
        "legal_nature",
        "term",
        "sources",
        "provisions",
        "mechanisms",
        "mentions",
    ):
        assert name in schema["properties"], name


def test_taxonomy_has_exactly_the_design_ids_in_order() -> None:
    ids = [d.id for d in domains()]
    assert ids == DESIGN_DOMAINS, ids


def test_every_domain_has_a_definition_and_cues() -> None:
    for domain in domains():
        assert domain.definition.strip(), domain
        assert domain.cues, domain
        assert all(cue == cue.lower() for cue in domain.cues), domain


def test_schema_file_is_valid_json_schema_draft() -> None:
    path: Path = PROJECT_ROOT / "schema" / "agreement.schema.json"
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in path.read_text()
