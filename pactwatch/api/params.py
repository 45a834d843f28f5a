"""Query parameters read as ISO 8601 text only.

Pydantic's lax parsing reads a number as Unix time, so `?at=-231` was evaluated at
1969-12-31T23:56:09Z and `?signed_from=-4.5e-271` filtered from 1970-01-01: a schema-
violating request answered as if it meant something (schemathesis's negative phase found
both). A date or an instant here must look like one before it is parsed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator

from pactwatch.model.values import BoundedInstant

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _matching(pattern: re.Pattern[str], example: str) -> BeforeValidator:
    def check(value: object) -> object:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"not an ISO 8601 value like {example}")
        return value

    return BeforeValidator(check)


IsoDate = Annotated[date, _matching(ISO_DATE, "2024-07-11")]
IsoInstant = Annotated[BoundedInstant, _matching(ISO_INSTANT, "2026-11-27T12:00:00+02:00")]
