"""Read the registry back: summaries for lists, whole records for one agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, inspect, select

from pactwatch.model import Agreement, PactwatchError
from pactwatch.store import fts, records, tables


@dataclass(frozen=True)
class AgreementSummary:
    id: str
    title: str
    parties: list[str]
    signed_on: date | None
    signed_at: str | None
    provisions: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "parties": self.parties,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "signed_at": self.signed_at,
            "provisions": self.provisions,
        }


def ensure_loaded(engine: Engine, db_label: str) -> None:
    if not inspect(engine).has_table("agreements"):
        raise PactwatchError.at(
            db_label, "", "registry-empty", "no registry here yet; run `pactwatch load` first"
        )


def list_agreements(engine: Engine) -> list[AgreementSummary]:
    a, parties = tables.agreements, tables.agreement_parties
    with engine.connect() as connection:
        party_rows = connection.execute(
            select(parties.c.agreement_id, parties.c.party).order_by(
                parties.c.agreement_id, parties.c.position
            )
        ).all()
        by_agreement: dict[str, list[str]] = {}
        for agreement_id, party in party_rows:
            by_agreement.setdefault(agreement_id, []).append(party)
        rows = connection.execute(
            select(a.c.id, a.c.title, a.c.signed_on, a.c.signed_at, a.c.provision_count).order_by(
                a.c.signed_on.nulls_last(), a.c.id
            )
        ).all()
    return [
        AgreementSummary(
            r.id, r.title, by_agreement.get(r.id, []), r.signed_on, r.signed_at, r.provision_count
        )
        for r in rows
    ]


def get_agreement(engine: Engine, agreement_id: str) -> Agreement | None:
    with engine.connect() as connection:
        found = records.read(connection, agreement_id)
    return None if found is None else Agreement.model_validate_json(found.record)


def all_agreements(engine: Engine) -> list[Agreement]:
    with engine.connect() as connection:
        return [Agreement.model_validate_json(r) for r in records.read_all(connection)]


def search_provisions(engine: Engine, query: str, limit: int = 50) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return fts.search(connection, query, limit)
