"""The exporter interface: `write` each agreement, then `finalize` to get the bytes.

Built-in formats register themselves through the same `register` call a plugin would
use; there is no discovery by naming convention.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pactwatch.model import Agreement, PactwatchError


class Exporter(Protocol):
    media_type: str
    extension: str

    def write(self, agreement: Agreement) -> None: ...

    def finalize(self) -> bytes: ...


ExporterFactory = Callable[..., Exporter]
_REGISTRY: dict[str, ExporterFactory] = {}


def register(name: str, factory: ExporterFactory) -> None:
    _REGISTRY[name] = factory


def formats() -> list[str]:
    return sorted(_REGISTRY)


def exporter_for(name: str, *, single: bool = False) -> Exporter:
    """A fresh exporter; `single` asks for one agreement's document rather than a collection."""
    factory = _REGISTRY.get(name)
    if factory is None:
        raise PactwatchError.at(
            "export",
            "format",
            "unknown-format",
            f"unknown format {name!r}; choose one of: {', '.join(formats())}",
        )
    return factory(single=single)
