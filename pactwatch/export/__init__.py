"""Export: the registry in the field's formats, each behind one small interface."""

from pactwatch.export import ics_format as ics_format  # registers the ics exporter
from pactwatch.export.base import Exporter, exporter_for, formats, register
from pactwatch.export.json_format import JsonExporter, agreement_json

__all__ = ["Exporter", "JsonExporter", "agreement_json", "exporter_for", "formats", "register"]
