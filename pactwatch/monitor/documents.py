"""One news document of an archive, checked field by field, or the reason it was refused.

An archive of millions of articles always holds some that are broken; a monitor that stops
at the first one never finishes. So a document that cannot be read becomes a `BadDocument`
saying where it is and which field failed, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError


def _day(value: Any) -> Any:
    """Archives stamp articles with a date or a full timestamp; the day is what counts
    (a timestamp's own day, before any time-zone shift)."""
    if isinstance(value, str) and len(value) > 10:
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _text_id(value: Any) -> Any:
    """Archives number their articles as often as they name them."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Document(BaseModel):
    """`{id, date, url, text}`; other fields an archive carries are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Annotated[str, BeforeValidator(_text_id)]
    date: Annotated[dt.date, BeforeValidator(_day)]
    url: str | None
    text: str


@dataclass(frozen=True)
class BadDocument:
    """Where a refused document sits (file and byte offset or row), its id if it had one,
    the field at fault and why."""

    file: str
    at: str
    id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def parse_line(line: bytes, file: str, at: str) -> Document | BadDocument:
    """A JSON-lines record: the bytes must be UTF-8, then JSON, then a document."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 (byte {error.start} of the line)"
        return BadDocument(file, at, None, "", message)
    try:
        return Document.model_validate_json(line)
    except ValidationError as error:
        return _refused(error, file, at, _loose_id(line))


def parse_row(row: dict[str, Any], file: str, at: str) -> Document | BadDocument:
    """A Parquet row (a dict of Python values); binary columns must hold UTF-8."""
    try:
        return Document.model_validate(row)
    except ValidationError as error:
        ident = row.get("id")
        return _refused(error, file, at, None if ident is None else str(ident))


def _refused(error: ValidationError, file: str, at: str, ident: str | None) -> BadDocument:
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"])
    if first["type"] == "json_invalid":
        return BadDocument(file, at, ident, "", str(first["msg"]))
    if first["type"] == "model_type":
        return BadDocument(file, at, ident, "", "not a JSON object")
    return BadDocument(file, at, ident, field, str(first["msg"]))


def _loose_id(line: bytes) -> str | None:
    """The id of a record that failed validation, if it has a readable one, so the error
    file can name the article and not only its offset."""
    import json

    try:
        record = json.loads(line)
    except ValueError:
        return None
    ident = record.get("id") if isinstance(record, dict) else None
    return None if ident is None else str(ident)
