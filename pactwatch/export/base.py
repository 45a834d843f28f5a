"""The exporter interface: `write` each agreement, then `finalize` to get the bytes.

Built-in formats register themselves through the same `register` call a plugin would
use; there is no discovery by naming convention.

Formats made of several files (a Data Package, one Akoma Ntoso document per agreement)
also offer `finalize_files`, name -> bytes; their `finalize` packs the same files into a
deterministic zip, so every format still fits the two-method interface.

Events (things that happened) are not agreements, so `write` never sees them. A format
that can show them says so by having `use_events` (the `EventAware` capability); whoever
fills an exporter hands it the registry's events once, before `finalize`. Formats without
the method simply never receive them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from pactwatch.model import Agreement, Event, PactwatchError


class Exporter(Protocol):
    media_type: str
    extension: str

    def write(self, agreement: Agreement) -> None: ...

    def finalize(self) -> bytes: ...


@runtime_checkable
class MultiFileExporter(Protocol):
    """An exporter whose natural output is a folder of files."""

    def finalize_files(self) -> dict[str, bytes]: ...


@runtime_checkable
class EventAware(Protocol):
    """An exporter that shows events: it receives every event of the registry and keeps
    those bearing on the agreements it was given (see `bearing_on`)."""

    def use_events(self, events: Sequence[Event]) -> None: ...


def bearing_on(events: Iterable[Event], agreement_ids: Iterable[str]) -> list[Event]:
    """The events that bear on any of these agreements, by time then id.

    An event that names no agreement, provision or mechanism bears on every agreement (a
    trigger without `agreements` opens every consultation clock), so it is kept too. The
    order comes from the events themselves, never from the order they were handed over,
    so an export does not depend on how the registry returned them.
    """
    wanted = set(agreement_ids)
    kept = [e for e in events if not e.agreement_ids() or e.agreement_ids() & wanted]
    return sorted(kept, key=lambda e: (e.earliest(), e.id))


class Collector:
    """What most formats keep until `finalize`: the agreements written, and whether one
    agreement's document was asked for. A graph, a calendar or a package is rendered at
    once from everything, so the bookkeeping is shared rather than repeated per format."""

    def __init__(self, *, single: bool = False) -> None:
        self._single = single
        self._agreements: list[Agreement] = []

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)


class EventCollector(Collector):
    """A collector that is also `EventAware`: it keeps the registry's events too."""

    def __init__(self, *, single: bool = False) -> None:
        super().__init__(single=single)
        self._events: list[Event] = []

    def use_events(self, events: Sequence[Event]) -> None:
        self._events = list(events)


ExporterFactory = Callable[..., Exporter]
_REGISTRY: dict[str, ExporterFactory] = {}

# Fixed timestamp for zip members: the same files give the same archive bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


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


def is_binary(exporter: Exporter) -> bool:
    """True when the bytes are not text a terminal could show (zip, Parquet, XLSX)."""
    return bool(getattr(exporter, "binary", False))


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """A zip of the files in name order, with fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()
