"""Time arithmetic for the rules: instants are aware, durations are added the way people mean.

"Within 24 hours" is elapsed time: it is added in UTC, so a change of clocks (DST) in the
trigger's own zone neither shortens nor lengthens it. "Every year" is calendar time: it is
added to the calendar date (29 February falls back to 28 February).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pactwatch.model.values import Duration, add_months


def require_aware(instant: datetime, what: str = "now") -> datetime:
    """The instant itself, or a ValueError that shows the accepted form."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"{what} {instant.isoformat()} has no time zone; write it with an offset, "
            "e.g. 2024-07-11T15:00:00+03:00"
        )
    return instant


def day_start(day: date) -> datetime:
    """A calendar date of the agreement as an instant: the start of that day in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def scaled(duration: Duration, times: int) -> Duration:
    """The duration repeated `times` times, computed from the start to avoid drift."""
    return Duration(duration.years * times, duration.months * times, duration.exact * times)


def add_duration(instant: datetime, duration: Duration) -> datetime:
    """`instant` plus `duration`: calendar parts on its wall-clock date, exact parts in UTC.

    The result keeps the instant's own time zone, so a deadline reads in the zone of the
    trigger that opened it.
    """
    local = instant
    months = duration.years * 12 + duration.months
    if months:
        moved = add_months(local.date(), months)
        local = local.replace(year=moved.year, month=moved.month, day=moved.day)
    if not duration.exact:
        return local
    return (local.astimezone(UTC) + duration.exact).astimezone(instant.tzinfo)


def iso(instant: datetime) -> str:
    """ISO 8601 with its UTC offset, seconds precision (what the JSON contract promises)."""
    return instant.isoformat(timespec="seconds")


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end`, never negative."""
    return max(0, (end - start) // timedelta(days=1))


def days_until(end: date, now: datetime) -> int:
    """Whole days left until the start of `end` (UTC), never negative.

    The one count of days left that `pactwatch show`, `due` and every page print, so the
    same agreement never reads one day apart in two places.
    """
    return whole_days(now, day_start(end))
