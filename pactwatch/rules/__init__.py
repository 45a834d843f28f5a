"""Rules: the agreements' mechanisms as executable rules, and provision status from events.

Pure: given agreements, events and an aware `now`, the engine derives obligations (term,
recurring duties, consultation clocks), their state and the provisions' compliance. It reads
no file, database or clock, so the same inputs always give the same answer.
"""

from pactwatch.rules.engine import DueSummary, Evaluator, evaluate, opened_by, summarise
from pactwatch.rules.obligations import STATES, Obligation, State

__all__ = [
    "STATES",
    "DueSummary",
    "Evaluator",
    "Obligation",
    "State",
    "evaluate",
    "opened_by",
    "summarise",
]
