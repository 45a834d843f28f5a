"""The Python API: the CLI's verbs as importable functions.

Each command-line verb calls exactly one function here, so a notebook or another program
gets the same behaviour (and the same coded problems) as the terminal. One module per
group of verbs: `registry` (validate, load, list, show), `exports`, `rules`, `service`.

A group is imported the first time one of its verbs is asked for (PEP 562): every command
imports this package, and a command that only extracts a draft should not pay for the
database, the web service and every export format first.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        notify_feed,
        status,
        trigger,
    )
    from pactwatch.verbs.service import (
        WORKER_APP,
        create_token,
        list_tokens,
        prepare_workers,
        revoke_token,
        service,
        settle_heap,
        tune_for_serving,
    )

_GROUPS = {
    "exports": ("export", "export_to", "import_agreement"),
    "registry": ("LoadRefused", "agreement", "load", "registry", "validate"),
    "rules": (
        "DueReport",
        "EventAdded",
        "add_event",
        "due",
        "feed",
        "instant",
        "notify",
        "notify_feed",
        "status",
        "trigger",
    ),
    "service": (
        "WORKER_APP",
        "create_token",
        "list_tokens",
        "prepare_workers",
        "revoke_token",
        "service",
        "settle_heap",
        "tune_for_serving",
    ),
}
_GROUP_OF = {name: group for group, names in _GROUPS.items() for name in names}

__all__ = [
    "WORKER_APP",
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
    "list_tokens",
    "load",
    "notify",
    "notify_feed",
    "prepare_workers",
    "registry",
    "revoke_token",
    "service",
    "settle_heap",
    "status",
    "trigger",
    "tune_for_serving",
    "validate",
]


def __getattr__(name: str) -> Any:
    group = _GROUP_OF.get(name)
    if group is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{group}")
    for verb in _GROUPS[group]:
        globals()[verb] = getattr(module, verb)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Verbs(ModuleType):
    """Importing a submodule sets it as an attribute of its package, whoever imports it;
    `registry` and `service` are both a submodule and a verb, and here the verb must win."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _GROUP_OF and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Verbs
