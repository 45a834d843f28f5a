"""The agreement record: the JSON contract every stage reads and writes.

Field names follow DESIGN.md and outside tools depend on them; add fields, never rename.
Unknown fields are rejected so a typo in a curated file is an error, not silently dropped data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pactwatch.model.values import (
    BoundedDate,
    BoundedNumber,
    FileName,
    IsoDuration,
    PartyCode,
    Period,
    add_years,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120)]
MAX_OFFSET = 2**31 - 1
"""Past any source text's length, and within every backend's integer columns."""
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

ProvisionKind = Literal["action", "support", "declaration", "mechanism"]
MechanismKind = Literal["term", "recurring", "consultation_on_trigger"]
LegalNature = Literal["political", "legally_binding", "unknown"]
SourceKind = Literal[
    "news_report",
    "official_text",
    "agreement_text",
    "official_statement",
    "registry",
    "web_page",
    "other",
]
ReviewState = Literal["draft", "reviewed"]
AmountQualifier = Literal["exact", "about", "at_least", "more_than", "up_to"]
AmountUnit = Literal["currency", "percent_of_gdp"]
# An Akoma Ntoso-style element id: `sec_II__para_3__list_1__item_b`, `preamble__recital_3`.
EId = Annotated[str, Field(pattern=r"^[a-z]+(_[A-Za-z0-9.-]+)?(__[a-z]+(_[A-Za-z0-9.-]+)?)*$")]


class Record(BaseModel):
    """Base for every contract object: strict about unknown fields, tolerant of field order."""

    # A field's docstring is its description (JSON Schema, the exports' codebook).
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, use_attribute_docstrings=True
    )


class Span(Record):
    """Character offsets into a source's UTF-8 text: `text[start:end]` is the clause."""

    source: Slug
    start: int = Field(ge=0, le=MAX_OFFSET)
    """First character of the span (0-based offset into the source's text)."""
    end: int = Field(gt=0, le=MAX_OFFSET)
    """Character after the last one of the span (end exclusive)."""

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
    """Language of the text (ISO 639 code, e.g. `en`, `uk`)."""
    sha256: Sha256 | None = None
    """sha256 of the source file's raw bytes: how the text is found and checked."""
    url: str | None = None
    """Where the source is published."""
    filename: FileName | None = Field(
        default=None,
        description="The file's name in the source folders, if known (a name, never a path; "
        "the file is found by its sha256).",
    )
    published_on: str | None = None
    """When the source was published (ISO date, or as precise as known)."""
    author: str | None = None
    """Who wrote or issued the source."""
    authentic: bool | None = Field(
        default=None,
        description="For an official text: true when it is an authentic (signed) language "
        "version, false when it is a translation.",
    )


class Signatory(Record):
    name: str
    """Name of the person who signed."""
    role: str
    """Their office when signing, e.g. President, Prime Minister."""
    party: PartyCode
    """Party they signed for."""


class Party(Record):
    """A party as people read it: its code and a name."""

    code: PartyCode
    name: str


class Term(Record):
    years: int | None = Field(default=None, ge=1, le=100)
    ends_on: BoundedDate | None = None
    ends_early_if: list[str] = Field(default_factory=list)
    indefinite: bool = False
    """True when the agreement runs with no end date."""
    notice: IsoDuration | None = Field(
        default=None, description="Written notice a participant must give to end it early."
    )
    renewal: str | None = Field(default=None, description="How the term may be extended.")
    on_nato_accession: (
        Literal["ends", "decide_future_status", "consult", "not_addressed"] | None
    ) = Field(
        default=None,
        description="What the text says happens if Ukraine joins NATO during the term: it "
        "ends, the participants decide its future status, they consult, or nothing.",
    )

    def expected_end(self, signed_on: date | None) -> date | None:
        """Signing date plus the term's calendar years (29 February handled)."""
        if signed_on is None or self.years is None:
            return None
        return add_years(signed_on, self.years)


class Amount(Record):
    """A pledged sum: money in an ISO 4217 currency, or a share of GDP.

    `qualifier` keeps the text's hedge ("at least", "up to"), so a floor is not summed as a
    sum and a ceiling is not read as a promise of the whole."""

    value: BoundedNumber
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    unit: AmountUnit = "currency"
    qualifier: AmountQualifier = "exact"
    period: str | None = None

    @model_validator(mode="after")
    def _currency_for_money(self) -> Amount:
        if self.unit == "currency" and self.currency is None:
            raise ValueError("a currency amount needs `currency` (ISO 4217, e.g. 'EUR')")
        return self


class Review(Record):
    """Who finished a drafted provision, in the manner of a data pipeline's review records:
    the machine's draft and the person's verdict are kept apart."""

    state: ReviewState = "draft"
    by: str | None = None
    on: str | None = Field(default=None, description="ISO date of the review.")
    extractor: str | None = Field(
        default=None, description="Version of the extractor that drafted the provision."
    )
    changed: bool | None = Field(
        default=None, description="Whether the reviewer changed the extractor's draft."
    )


class Reading(Record):
    """What one source says about a provision, coded from that source's own words.

    A record states the meaning once; when a secondary source (a news report) words the
    same commitment differently, its reading keeps that version so the difference is data
    that `sources-diff` can compute, not a hand-written note."""

    actors: list[PartyCode] | None = None
    beneficiaries: list[PartyCode] | None = None
    action: str | None = None
    object: str | None = None
    amount: Amount | None = None
    timing: str | None = None
    polarity: Literal["same", "opposite"] | None = Field(
        default=None,
        description="'opposite' when the source's words say the reverse of the meaning.",
    )


class Provision(Record):
    """One commitment (or declaration, or mechanism clause) tied to its source words."""

    id: Slug
    section: str | None = None
    eid: EId | None = Field(
        default=None, description="The structure node (leaf) of the official text it sits in."
    )
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
    review: Review | None = None
    readings: dict[str, Reading] = Field(
        default_factory=dict,
        description="Per secondary source id: how that source words this provision.",
    )


class Mechanism(Record):
    """An executable rule of the agreement: its term, a recurring duty or a triggered clock."""

    id: Slug
    kind: MechanismKind
    within: IsoDuration | None = None
    """Time allowed once a trigger or request starts the clock (ISO 8601 duration, e.g. PT24H)."""
    every: Period | None = None
    """How often a recurring obligation falls due (e.g. P1Y)."""
    triggers: list[str] = Field(default_factory=list)
    """Event kinds that start the clock, e.g. renewed_aggression."""
    starts_on: Literal["trigger", "request"] = "trigger"
    """Whether the clock starts on a trigger event or on a party's request."""
    provision: str | None = None
    description: str | None = None
    """The mechanism in our own words."""


class Mention(Record):
    """Another agreement the source refers to, e.g. one entry of a list of partners."""

    kind: str = "agreement"
    parties: list[PartyCode] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)


class Explanation(Record):
    """An operative sentence with commitment language that is not a commitment, and why
    (a recital of past support, a definition, a statement of fact), so coverage can tell
    'read and set aside' from 'missed'."""

    span: Span
    reason: str = Field(min_length=3)
    """Why the sentence commits no one, in our own words."""
    eid: EId | None = None


class StructureNode(Record):
    """One node of an official text's hierarchy, kept in the record so pages and exports
    can cite clauses without the source; a fresh parse of the source must agree."""

    eid: EId
    kind: str = Field(pattern=r"^[a-z]+$")
    num: str | None = None
    """The division's number as the text writes it (e.g. II, 3, b)."""
    start: int = Field(ge=0, le=MAX_OFFSET)
    """First character of the division in the source's text."""
    end: int = Field(gt=0, le=MAX_OFFSET)
    """Character after the division's last one (end exclusive)."""
    heading_end: int | None = Field(
        default=None,
        le=MAX_OFFSET,
        description="End offset of the node's own heading line, if any.",
    )
    label: str | None = Field(
        default=None, description="The division's name in English ('Part', 'Article')."
    )
    gaps: list[tuple[int, int]] = Field(
        default_factory=list, description="Page numbers and headers inside the node."
    )


class Structure(Record):
    source: Slug
    parser: str = Field(description="Version of the structure parser that produced it.")
    nodes: list[StructureNode] = Field(default_factory=list)

    def node(self, eid: str) -> StructureNode | None:
        return next((n for n in self.nodes if n.eid == eid), None)

    def leaves(self) -> list[StructureNode]:
        """Nodes no other node sits in: an eId's parent is its path without the last step."""
        parents = {n.eid.rsplit("__", 1)[0] for n in self.nodes if "__" in n.eid}
        return [n for n in self.nodes if n.eid not in parents]


class Agreement(Record):
    id: Slug
    title: str
    kind: str = Field(default="bilateral_security_agreement", pattern=r"^[a-z_]+$")
    parties: list[PartyCode] = Field(min_length=1)
    signatories: list[Signatory] = Field(default_factory=list)
    signed_on: BoundedDate | None = None
    signed_at: str | None = None
    legal_nature: LegalNature = "unknown"
    term: Term = Field(default_factory=Term)
    sources: list[Source] = Field(default_factory=list)
    provisions: list[Provision] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """Curators' notes on the record, in our own words."""
    effective: str | None = Field(
        default=None, description="When it takes effect, as its text states (e.g. 'signature')."
    )
    prevailing_language: str | None = Field(
        default=None, description="ISO 639-1 code of the text that prevails on divergence."
    )
    authentic_languages: list[str] = Field(default_factory=list)
    not_a_commitment: list[Explanation] = Field(default_factory=list)
    structure: Structure | None = None

    def term_end(self) -> date | None:
        """The date the term ends: as recorded, or else signing date plus its years."""
        return self.term.ends_on or self.term.expected_end(self.signed_on)

    def provision(self, provision_id: str) -> Provision | None:
        return next((p for p in self.provisions if p.id == provision_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
