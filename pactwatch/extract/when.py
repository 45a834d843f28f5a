"""When a report says a thing happened: the report's own date (given, a page date, or a
dateline) and the sentence's time words, resolved to a date and the precision they imply.
The extractor dates a signing with it, `link` a reported event.

"On Thursday" is a day, "last week" a week, "last month" a month, "in 2024" a year; a
dateline without a year takes the year from the page date, and a month named without a
year is the latest such month not after the report. A sentence with no time word is dated
by the report itself, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from pactwatch.extract.lexicon import load_lexicon
from pactwatch.model.event import Precision
from pactwatch.settings import data_dir, read_data_yaml
from pactwatch.sources.patterns import trie_pattern, words_pattern

REPORT_DATE = "the report's date:"
WHEN_SAID = ", when it was said"


@dataclass(frozen=True)
class TimeWords:
    """data/lexicons/time.yaml compiled, with the reporting verbs that date a saying."""

    time: dict[str, list[str]]
    time_res: dict[str, re.Pattern[str]]
    reported_at: re.Pattern[str]


@lru_cache(maxsize=2)
def time_words(folder: Path | None = None) -> TimeWords:
    """The compiled time words; read once per folder."""
    folder = folder or data_dir() / "lexicons"
    time: dict[str, list[str]] = read_data_yaml(folder / "time.yaml")["time"]
    verbs = load_lexicon(folder).grammar["reporting_verbs"]
    return TimeWords(
        time=time,
        time_res={key: words_pattern(values) for key, values in time.items()},
        reported_at=_reported_at(verbs),
    )


def _reported_at(verbs: list[str]) -> re.Pattern[str]:
    """'said on Friday', 'told reporters on Thursday': the time a thing was said, which is
    not the time it happened."""
    return re.compile(
        r"(?<![\w-])(?:"
        + trie_pattern(sorted(verbs))
        + r")(?:\s+\w+){0,2}?\s+(?:on|late|early)?\s*\Z",
        re.I,
    )


@dataclass(frozen=True)
class When:
    on: str
    precision: Precision
    reason: str
    start: int = -1  # where the words that gave it are, in the text (-1: the report's date)
    said: bool = False  # the time of the saying ("said on Friday"), not of the act


_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")
_DOTTED = re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b")
_MONTH_YEAR = re.compile(
    rf"\b(?:(?:in|since|during|of|early|mid|late|end of|beginning of|until)[\s-]+)?(?:the\s+)?"
    rf"{_MONTH}\s+{_YEAR}\b"
)
_IN_MONTH = re.compile(
    rf"\b(?:in|since|during|early|mid|late|end of|beginning of|start of)[\s-]+(?:the\s+)?"
    rf"{_MONTH}\b(?!\s+[0-3]?\d\b)"
)
_IN_YEAR = re.compile(rf"\b(?:in|during|throughout|over)\s+{_YEAR}\b(?!-)")
_WEEK_OF = re.compile(
    rf"\bweek\s+of\s+(?:{_DAY}\s+{_MONTH}|(?P<month2>[A-Z][a-z]+)\s+(?P<day2>[0-3]?\d))"
)
_PLACE = r"^\s*(?:[A-ZÀ-Ž][A-Za-zÀ-ž.'’ -]{1,40}),?\s+(?:\([^)]{0,30}\)\s*)?"
_TAIL = r"(?:,?\s+" + _YEAR + r")?\s*(?:\([^)]{0,40}\)\s*)?[-–—:]"
_DATELINES = (
    re.compile(_PLACE + _MONTH + r"\s+" + _DAY + _TAIL, re.M),
    re.compile(_PLACE + _DAY + r"\s+" + _MONTH + _TAIL, re.M),
)
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}  # fmt: skip


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _not_after(found: date, reference: date | None) -> date:
    """A date written without its year: the latest such date not after the report."""
    if reference is not None and found > reference:
        return _day(found.year - 1, found.month, found.day) or found
    return found


def full_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, date]]:
    """Dates with a year ("11 July 2024", "July 11, 2024", "2024-07-11", "11.07.2024"), each
    with where it starts, in order of appearance."""
    end = len(text) if end is None else end
    found: list[tuple[int, date]] = []
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text, start, end):
            if m.group("year"):
                day = _day(int(m.group("year")), _month(m.group("month")), int(m.group("day")))
                if day is not None:
                    found.append((m.start(), day))
    for pattern in (_ISO, _DOTTED):
        for m in pattern.finditer(text, start, end):
            day = _day(int(m.group("year")), int(m.group("m")), int(m.group("day")))
            if day is not None:
                found.append((m.start(), day))
    return sorted(found, key=lambda item: item[0])


@dataclass(frozen=True)
class ReportDate:
    """The date a report speaks from, where it came from, and where the text's own
    heading (a dateline, a page date) ends, so its date is not read as the event's."""

    on: date | None
    reason: str
    heading_end: int = 0


def report_date(text: str, words: TimeWords, published: date | None) -> ReportDate:
    """The date the report speaks from, and where it came from."""
    heading = _heading_end(text, words)
    if published is not None:
        return ReportDate(published, f"the report's date {published.isoformat()}", heading)
    found, reason = _own_date(text, words)
    return ReportDate(found, reason, heading)


def _heading_end(text: str, words: TimeWords) -> int:
    """The end of a dateline ("KYIV, Oct 3 (Wire) -") or of page-date lines at the top."""
    head = text[:600]
    end = 0
    for line in re.finditer(r"[^\n]*\n?", head):
        if not line.group().strip():
            continue
        if words.time_res["page_labels"].match(line.group().strip()):
            end = line.end()
            continue
        break
    dateline = next((m for p in _DATELINES if (m := p.search(head, end)) is not None), None)
    if dateline is not None and dateline.start() <= end + 2:
        end = dateline.end()
    return end


def _own_date(text: str, words: TimeWords) -> tuple[date | None, str]:
    head = text[:600]
    labels = words.time_res["page_labels"]
    for line in head.splitlines():
        label = labels.match(line.strip())
        if label is not None:
            dates = full_dates(line)
            if dates:
                return dates[0][1], f"the page date ({line.strip()[:40]!r})"
    everywhere = full_dates(text)
    dateline = next((m for p in _DATELINES if (m := p.search(head)) is not None), None)
    if dateline is not None:
        month, day = _month(dateline.group("month")), int(dateline.group("day"))
        shown = dateline.group().strip()[:40]
        if dateline.group("year") is not None:
            found = _day(int(dateline.group("year")), month, day)
            if found is not None:
                return found, f"the dateline ({shown!r})"
        elif everywhere:
            # no year: the first such day after the latest date the report mentions (a
            # report is not written before what it tells)
            latest = max(d for _, d in everywhere)
            found = _day(latest.year, month, day)
            if found is not None and found < latest:
                found = _day(latest.year + 1, month, day)
            if found is not None:
                return found, f"the dateline ({shown!r}), year after {latest.isoformat()}"
    first_paragraph = head.split("\n\n", 1)[0]
    masthead = _masthead(head)
    early = full_dates(max(first_paragraph, masthead, key=len))  # both begin the head
    if early:
        return early[0][1], "the date at the head of the report"
    return None, "no date for the report"


_RUNNING_TEXT = 100
"""A line this long is the body's prose, not a masthead's title, issue or broadcast line."""


def _masthead(head: str) -> str:
    """The lines above the report's first line of running text, where a page, an issue or a
    broadcast puts its own date ("Issue 19 | Friday, 14 June 2024")."""
    lines = []
    for line in head.splitlines():
        if len(line.strip()) >= _RUNNING_TEXT:
            break
        lines.append(line)
    return "\n".join(lines)


def _weekday(reference: date, weekday: int) -> date:
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def _first_of_previous_month(reference: date) -> date:
    return (reference.replace(day=1) - timedelta(days=1)).replace(day=1)


def resolve(
    text: str, start: int, end: int, cue: int, report: ReportDate, words: TimeWords
) -> When | None:
    """The date of the event told in `text[start:end]` (its cue at `cue`): the time words
    nearest the cue, read against the report's date; else the report's own date."""
    reference = report.on
    start = max(start, report.heading_end)
    found: list[When] = []
    for at, day in full_dates(text, start, end):
        found.append(When(day.isoformat(), "day", f"the date {day.isoformat()}", at))
    taken = [(w.start, w.start + 6) for w in found]

    def free(at: int) -> bool:
        return not any(a <= at < b for a, b in taken)

    for m in _WEEK_OF.finditer(text, start, end):
        if reference is None or not free(m.start()):
            continue
        month_name: str | None = m.group("month") or m.group("month2")
        day_number: str | None = m.group("day") or m.group("day2")
        if month_name is None or day_number is None or month_name.lower() not in _MONTHS:
            continue
        got = _day(reference.year, _month(month_name), int(day_number))
        if got is not None:
            got = _not_after(got, reference)
            found.append(When(got.isoformat(), "week", "the week named", m.start()))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text, start, end):
            if m.group("year") or reference is None or not free(m.start()):
                continue
            got = _day(reference.year, _month(m.group("month")), int(m.group("day")))
            if got is not None:
                got = _not_after(got, reference)
                found.append(
                    When(got.isoformat(), "day", f"{m.group()!r}, year of the report", m.start())
                )
    for m in _MONTH_YEAR.finditer(text, start, end):
        if free(m.start() + len(m.group()) - len(m.group("year")) - 4):
            value = f"{m.group('year')}-{_month(m.group('month')):02d}"
            if not any(w.on.startswith(value) and w.precision == "day" for w in found):
                found.append(When(value, "month", f"the month {m.group().strip()!r}", m.start()))
    if reference is not None:
        for m in _IN_MONTH.finditer(text, start, end):
            month = _month(m.group("month"))
            year = reference.year - (1 if month > reference.month else 0)
            found.append(
                When(f"{year}-{month:02d}", "month", f"{m.group()!r}, before the report", m.start())
            )
    for m in _IN_YEAR.finditer(text, start, end):
        if not any(w.on.startswith(m.group("year")) for w in found):
            found.append(When(m.group("year"), "year", f"the year in {m.group()!r}", m.start()))
    if reference is not None:
        found.extend(_relative(text, start, end, reference, words))
    if found:
        best = min(found, key=lambda w: (_said(text, start, w, words), abs(w.start - cue), w.start))
        if _said(text, start, best, words):
            return replace(best, reason=f"{best.reason}{WHEN_SAID}", said=True)
        return best
    if reference is None:
        return None
    return When(
        reference.isoformat(), "day", f"{REPORT_DATE} the sentence names no time", said=True
    )


def _said(text: str, start: int, when: When, words: TimeWords) -> bool:
    """Whether the time words date the saying ("said on Friday"), not the act: they are
    used only when the sentence has no other."""
    return words.reported_at.search(text[max(start, when.start - 40) : when.start]) is not None


def _relative(text: str, start: int, end: int, reference: date, words: TimeWords) -> list[When]:
    res = words.time_res
    found: list[When] = []

    def add(key: str, on: str, precision: Precision) -> None:
        for m in res[key].finditer(text, start, end):
            found.append(When(on, precision, f"{m.group()!r} from the report's date", m.start()))

    add("today", reference.isoformat(), "day")
    add("yesterday", (reference - timedelta(days=1)).isoformat(), "day")
    monday = reference - timedelta(days=reference.weekday())
    add("this_week", monday.isoformat(), "week")
    add("last_week", (monday - timedelta(days=7)).isoformat(), "week")
    add("this_month", f"{reference:%Y-%m}", "month")
    add("last_month", f"{_first_of_previous_month(reference):%Y-%m}", "month")
    add("this_year", f"{reference:%Y}", "year")
    add("last_year", str(reference.year - 1), "year")
    names = words.time["weekdays"]
    for m in res["weekdays"].finditer(text, start, end):
        if not m.group()[:1].isupper():
            continue
        day = _weekday(reference, names.index(m.group().lower()))
        found.append(
            When(day.isoformat(), "day", f"{m.group()!r}, the last before the report", m.start())
        )
    return found
