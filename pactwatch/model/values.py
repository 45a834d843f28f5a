"""Small parsed value objects: ISO 8601 durations, partial dates, party codes, file names,
and the bounds that keep dates and amounts inside what every stage can compute with.

Strings in the data stay readable ("PT24H", "2024-07"), but every stage gets them checked
and parsed the same way through these annotated types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from pactwatch.model.codes import is_party_code

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


MAX_DURATION_YEARS = 1000
"""No term, period or window runs longer; added to a date it stays within Python's dates."""
MAX_DURATION_PART = 10**9
"""A bound on each number before it is computed with (a timedelta holds 10**9 days)."""


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration split into calendar (years, months) and exact (timedelta) parts.

    Calendar parts cannot be a timedelta: a year from 29 February is not 365 days.
    """

    years: int = 0
    months: int = 0
    exact: timedelta = timedelta(0)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """The duration `text` writes; a ValueError that shows the accepted form.

        Parsed once per text (a duration is a value): the same few ('P1Y', 'PT24H') recur
        in every agreement a registry reads."""
        return _parse_duration(text)


@lru_cache(maxsize=1024)
def _parse_duration(text: str) -> Duration:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 duration (examples: 'PT24H', 'P1Y', 'P10Y')")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    if any(v > MAX_DURATION_PART for v in parts.values()):
        raise ValueError(f"{text!r} is longer than any term or window ({MAX_DURATION_YEARS} years)")
    duration = Duration(
        years=parts.get("years", 0),
        months=parts.get("months", 0),
        exact=timedelta(
            weeks=parts.get("weeks", 0),
            days=parts.get("days", 0),
            hours=parts.get("hours", 0),
            minutes=parts.get("minutes", 0),
            seconds=parts.get("seconds", 0),
        ),
    )
    years = duration.years + duration.months / 12 + duration.exact.days / 365.25
    if years > MAX_DURATION_YEARS:
        raise ValueError(f"{text!r} is longer than any term or window ({MAX_DURATION_YEARS} years)")
    return duration


def add_years(start: date, years: int) -> date:
    """Calendar years later; 29 February falls back to 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def add_months(start: date, months: int) -> date:
    """Calendar months later, clamped to the last day of the target month."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _check_duration(text: str) -> str:
    try:
        Duration.parse(text)
    except ValueError as exc:
        raise PydanticCustomError("invalid-duration", str(exc)) from None
    return text


def _check_party(code: str) -> str:
    if not is_party_code(code):
        raise PydanticCustomError(
            "invalid-party-code",
            "'{code}' is not an ISO 3166-1 alpha-2 code or a known organisation "
            "(e.g. 'RO', 'EU', 'NATO')",
            {"code": code},
        )
    return code


FIRST_YEAR = 1900
LAST_YEAR = 2200
"""Dates of agreements and events: wide enough for any treaty or event we record, narrow
enough that a term, a recurring period or a calendar horizon added to one never leaves
Python's dates (year 9999) and a UTC offset applied to one never leaves year 1."""

MAX_AMOUNT = 1e15
"""A thousand trillion: above any sum pledged; a finite float JSON can carry exactly."""


def _year_problem(year: int) -> PydanticCustomError:
    return PydanticCustomError(
        "date-out-of-range",
        "year {year} is outside {first}-{last}, the dates this registry records",
        {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR},
    )


def _check_date_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _year_problem(value.year)
    return value


_PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def _check_partial_date(text: str) -> str:
    try:
        if not _PARTIAL_DATE.match(text):
            raise ValueError
        if len(text) == 10:
            date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError(
            "invalid-date",
            "{text!r} is not a date ('2024', '2024-07' or '2024-07-11')",
            {"text": text},
        ) from None
    if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise _year_problem(int(text[:4]))
    return text


_FILE_NAME = r"^[^/\\\x00-\x1f\x7f]*$"
MAX_FILE_NAME_BYTES = 255
"""What Linux, macOS and Windows file systems all allow for one name, in UTF-8 bytes."""


def _check_file_name(name: str) -> str:
    """A bare name: a path ("/etc/passwd", "../x", "a/b", "a\\b") could reach outside the
    source folders, so a record may only name a file, never say where it is. The empty
    name is the extractor's "no file" (text read from standard input)."""
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        size = MAX_FILE_NAME_BYTES + 1
    dots_only = name != "" and name.strip(".") == ""
    if not re.match(_FILE_NAME, name) or dots_only or size > MAX_FILE_NAME_BYTES:
        raise PydanticCustomError(
            "invalid-file-name",
            "'{name}' is not a file name: give the name alone, without a folder, '/' or "
            "'\\', in at most 255 bytes (the file is found by its sha256)",
            {"name": "".join(c if c.isprintable() else repr(c)[1:-1] for c in name[:80])},
        )
    return name


def _check_period(text: str) -> str:
    """A recurring period of at least a day: the rules list every period of a term, so a
    period of a second (or of nothing) would list millions (or never stop)."""
    parsed = Duration.parse(text)
    if parsed.years == 0 and parsed.months == 0 and parsed.exact < timedelta(days=1):
        raise PydanticCustomError(
            "invalid-duration",
            "'{text}' is shorter than a day: a recurring duty falls due at most daily",
            {"text": text},
        )
    return text


IsoDuration = Annotated[str, AfterValidator(_check_duration)]
Period = Annotated[str, AfterValidator(_check_duration), AfterValidator(_check_period)]
"""An ISO 8601 duration of at least one day, for what recurs."""
PartyCode = Annotated[str, AfterValidator(_check_party)]
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
BoundedDate = Annotated[date, AfterValidator(_check_date_range)]
"""A calendar date in FIRST_YEAR..LAST_YEAR."""
BoundedInstant = Annotated[datetime, AfterValidator(_check_date_range)]
"""An instant whose own date (before any conversion to UTC) is in FIRST_YEAR..LAST_YEAR."""
BoundedNumber = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
"""A finite, non-negative number no larger than MAX_AMOUNT."""
FileName = Annotated[
    str,
    Field(
        description="A bare file name: no folder, no '/' or '\\', not '.' or '..'.",
        json_schema_extra={"pattern": _FILE_NAME, "maxLength": MAX_FILE_NAME_BYTES},
    ),
    AfterValidator(_check_file_name),
]
