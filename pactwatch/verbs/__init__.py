"""The Python API: the CLI's verbs as importable functions.

Each command-line verb calls exactly one function here, so a notebook or another program
gets the same behaviour (and the same coded problems) as the terminal. One module per
group of verbs: `registry` (validate, load, list, show), `exports`, `rules`, `service`.
"""

from pactwatch.verbs.exports import export, export_to, import_agreement
from pactwatch.verbs.registry import LoadRefused, agreement, load, registry, validate
from pactwatch.verbs.rules import (
    DueReport,
    EventAdded,
    add_event,
    due,
    feed,
    instant,
    notify,
    status,
    trigger,
)
from pactwatch.verbs.service import create_token, service

__all__ = [
    "DueReport",
    "EventAdded",
    "LoadRefused",
    "add_event",
    "agreement",
    "create_token",
    "due",
    "export",
    "export_to",
    "feed",
    "import_agreement",
    "instant",
    "load",
    "notify",
    "registry",
    "service",
    "status",
    "trigger",
    "validate",
]
