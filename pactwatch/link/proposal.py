"""What `propose` returns: an event a report seems to record, for a curator to accept.

A proposal is flat (kind, date, precision, who, where in the text) with a list of links to
the provisions it bears on, each scored and with its reason, so a reader can see why a link
was made and disagree with it. `model_dump(mode="json")` is the shape the CLI prints and the
evaluation reads.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pactwatch.model.event import EventKind, Precision


class Link(BaseModel):
    """One provision the event bears on, with how sure the match is and why."""

    model_config = ConfigDict(frozen=True)

    agreement: str
    provision: str
    score: float = Field(ge=0.0, le=1.0)
    reason: str


class Proposal(BaseModel):
    """An event proposed from a report; a draft until a curator reviews it."""

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    subkind: str | None = None
    on: str | None = Field(default=None, description="(Partial) ISO date, as precise as known.")
    precision: Precision | None = None
    date_reason: str = Field(description="Which words or which date of the page gave 'on'.")
    actors: list[str] = Field(default_factory=list)
    cue: str = Field(description="The words that say what happened.")
    start: int = Field(ge=0, description="Offset of the sentence in the text.")
    end: int = Field(ge=0)
    score: float = Field(ge=0.0, le=1.0, description="The best link's score.")
    links: list[Link] = Field(default_factory=list)

    def provisions(self) -> list[str]:
        """'agreement/provision' references, best first."""
        return [f"{link.agreement}/{link.provision}" for link in self.links]
