"""The domain model every stage speaks (see DESIGN.md, "The model")."""

from pactwatch.model.agreement import (
    Agreement,
    Amount,
    Mechanism,
    Mention,
    Party,
    Provision,
    Signatory,
    Source,
    Span,
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
    "Mechanism",
    "Mention",
    "PactwatchError",
    "Party",
    "Problem",
    "Provision",
    "Quantity",
    "Signatory",
    "Source",
    "Span",
    "Term",
]
