"""From a news report to proposed events: what happened, when, who, and which provisions of
which agreements it bears on.

`propose(text, agreements, published=...)` is the one entry point; `load_agreements` reads
the curated agreements once. A monitor calls `propose` per document, so the word lists are
read once per process and a text naming no party of any agreement costs one regex scan.
"""

from __future__ import annotations

from pactwatch.link.agreements import load_agreements
from pactwatch.link.proposal import Link, Proposal
from pactwatch.link.propose import propose

__all__ = ["Link", "Proposal", "load_agreements", "propose"]
