"""The domain model every stage speaks (see DESIGN.md, "The model")."""

from pactwatch.model.agreement import (
    Agreement,
    Amount,
    Explanation,
    Mechanism,
    Mention,
    Party,
    Provision,
    Reading,
    Review,
    Signatory,
    Source,
    Span,
    Structure,
    StructureNode,
    Term,
)
from pactwatch.model.event import Event, EventFile, EventSource, Quantity
from pactwatch.model.problems import PactwatchError, Problem
from pactwatch.model.values import Duration

__all__ = [
    "Agreement",
    "Amount",
    "Duration",
    "Event",
    "EventFile",
    "EventSource",
    "Explanation",
    "Mechanism",
    "Mention",
    "PactwatchError",
    "Party",
    "Problem",
    "Provision",
    "Quantity",
    "Reading",
    "Review",
    "Signatory",
    "Source",
    "Span",
    "Structure",
    "StructureNode",
    "Term",
]
