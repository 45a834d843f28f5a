"""The agreement record: the JSON contract every stage reads and writes.

Field names follow DESIGN.md and outside tools depend on them; add fields, never rename.
Unknown fields are rejected so a typo in a curated file is an error, not silently dropped data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pactwatch.model.values import IsoDuration, PartyCode, add_years

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

ProvisionKind = Literal["action", "support", "declaration", "mechanism"]
MechanismKind = Literal["term", "recurring", "consultation_on_trigger"]
LegalNature = Literal["political", "legally_binding", "unknown"]
SourceKind = Literal[
    "news_report", "agreement_text", "official_statement", "registry", "web_page", "other"
]


class Record(BaseModel):
    """Base for every contract object: strict about unknown fields, tolerant of field order."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Span(Record):
    """Character offsets into a source's UTF-8 text: `text[start:end]` is the clause."""

    source: Slug
    start: int = Field(ge=0)
    end: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span end ({self.end}) must be greater than start ({self.start})")
        return self

    def text_in(self, text: str) -> str:
        """The words this span claims, from the source text."""
        return text[self.start : self.end]


class Source(Record):
    """A document the record was coded from, identified by the sha256 of its raw bytes."""

    id: Slug
    kind: SourceKind = "news_report"
    title: str
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
    sha256: Sha256 | None = None
    url: str | None = None
    filename: str | None = Field(
        default=None, description="Expected file name under the sources directory, if known."
    )
    published_on: str | None = None
    author: str | None = None


class Signatory(Record):
    name: str
    role: str
    party: PartyCode


class Party(Record):
    """A party as people read it: its code and a name."""

    code: PartyCode
    name: str


class Term(Record):
    years: int | None = Field(default=None, ge=1, le=100)
    ends_on: date | None = None
    ends_early_if: list[str] = Field(default_factory=list)
    indefinite: bool = False

    def expected_end(self, signed_on: date | None) -> date | None:
        """Signing date plus the term's calendar years (29 February handled)."""
        if signed_on is None or self.years is None:
            return None
        return add_years(signed_on, self.years)


class Amount(Record):
    value: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    period: str | None = None


class Provision(Record):
    """One commitment (or declaration, or mechanism clause) tied to its source words."""

    id: Slug
    section: str | None = None
    actors: list[PartyCode] = Field(default_factory=list)
    beneficiaries: list[PartyCode] = Field(default_factory=list)
    action: str
    object: str
    domains: list[str] = Field(min_length=1)
    kind: ProvisionKind = "action"
    partners: list[str] = Field(default_factory=list)
    instruments: list[str] = Field(default_factory=list)
    condition: str | None = None
    timing: str | None = None
    amount: Amount | None = None
    spans: list[Span] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    summary: str | None = Field(default=None, description="The commitment in our own words.")
    why: list[str] = Field(
        default_factory=list, description="Rules and lexicon entries that produced a draft."
    )


class Mechanism(Record):
    """An executable rule of the agreement: its term, a recurring duty or a triggered clock."""

    id: Slug
    kind: MechanismKind
    within: IsoDuration | None = None
    every: IsoDuration | None = None
    triggers: list[str] = Field(default_factory=list)
    starts_on: Literal["trigger", "request"] = "trigger"
    provision: str | None = None
    description: str | None = None


class Mention(Record):
    """Another agreement the source refers to, e.g. one entry of a list of partners."""

    kind: str = "agreement"
    parties: list[PartyCode] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)


class Agreement(Record):
    id: Slug
    title: str
    kind: str = Field(default="bilateral_security_agreement", pattern=r"^[a-z_]+$")
    parties: list[PartyCode] = Field(min_length=1)
    signatories: list[Signatory] = Field(default_factory=list)
    signed_on: date | None = None
    signed_at: str | None = None
    legal_nature: LegalNature = "unknown"
    term: Term = Field(default_factory=Term)
    sources: list[Source] = Field(default_factory=list)
    provisions: list[Provision] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def term_end(self) -> date | None:
        """The date the term ends: as recorded, or else signing date plus its years."""
        return self.term.ends_on or self.term.expected_end(self.signed_on)

    def provision(self, provision_id: str) -> Provision | None:
        return next((p for p in self.provisions if p.id == provision_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
