"""Export: the registry in the field's formats, each behind one small interface.

Importing this package registers the built-in formats, one module each, through the
same `register` call a plugin would use.
"""

from pactwatch.export import (
    akn,
    atop,
    csv_format,
    datapackage,
    ics_format,
    jsonld_format,
    parquet_format,
    turtle_format,
    xlsx_format,
    yaml_format,
)
from pactwatch.export.base import (
    EventAware,
    Exporter,
    MultiFileExporter,
    exporter_for,
    formats,
    is_binary,
    register,
    zip_files,
)
from pactwatch.export.json_format import JsonExporter, agreement_json

BUILT_IN = (
    akn,
    ics_format,
    atop,
    csv_format,
    datapackage,
    jsonld_format,
    parquet_format,
    turtle_format,
    xlsx_format,
    yaml_format,
)

__all__ = [
    "BUILT_IN",
    "EventAware",
    "Exporter",
    "JsonExporter",
    "MultiFileExporter",
    "agreement_json",
    "exporter_for",
    "formats",
    "is_binary",
    "register",
    "zip_files",
]
