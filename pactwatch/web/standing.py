"""Each mechanism's standing in one line, computed from the record, its events and the rules.

"Consultations within 24 hours: standing, in force until 11 July 2034, no request recorded".
Every word comes from the record (kind, window, triggers), from the rules' obligations (the
term's end, each period's state) or from recorded events; nothing is said from absence: with
no trigger or request recorded the line says so, and never "never triggered".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pactwatch.model import Agreement, Mechanism
from pactwatch.model.values import Duration
from pactwatch.rules import Obligation
from pactwatch.rules.timing import days_until
from pactwatch.web.citing import long_date

_UNITS = (("years", "year"), ("months", "month"))


def _duration(text: str) -> str:
    """P1Y -> "year", P18M -> "18 months", PT24H -> "24 hours" (as the texts say it)."""
    d = Duration.parse(text)
    parts = [(getattr(d, attr), word) for attr, word in _UNITS if getattr(d, attr)]
    seconds = int(d.exact.total_seconds())
    if seconds:
        hours, rest = divmod(seconds, 3600)
        parts += [(hours, "hour")] if hours and not rest else [(seconds // 60, "minute")]
    return " ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in parts) or text


def _every(text: str) -> str:
    said = _duration(text)
    return said.removeprefix("1 ") if said.startswith("1 ") else said


@dataclass(frozen=True)
class Standing:
    mechanism: str
    name: str
    line: str
    provision: str | None


def _name(agreement: Agreement, m: Mechanism) -> str:
    if m.kind == "term":
        years = agreement.term.years
        return f"Term of {years} years" if years else "Term"
    label = m.id.replace("-", " ").replace("_", " ")
    if m.kind == "recurring":
        when = f" every {_every(m.every)}" if m.every else ""
        return f"{label[:1].upper()}{label[1:]}{when}"
    within = f" within {_duration(m.within)}" if m.within else ""
    return f"Consultations{within}"


def _in_force(term: list[Obligation], now: datetime, days: bool = False) -> str:
    if not term:
        return "no end date recorded"
    last = term[-1]
    end = last.due_at.date()
    if last.state == "met":
        return f"ended on {long_date(end)}"
    if last.state == "upcoming":
        return f"not yet signed; runs until {long_date(end)}"
    left = f" ({days_until(end, now)} whole days left)" if days else ""
    return f"in force until {long_date(end)}{left}"


def _consultation(m: Mechanism, own: list[Obligation]) -> str:
    what = "request" if m.starts_on == "request" else "trigger"
    opened = sorted({(o.period_start, o.opened_by) for o in own if o.opened_by})
    if not opened:
        return f"no {what} recorded"
    last = opened[-1][0].date().isoformat()
    running = sum(1 for o in own if o.state == "open")
    line = f"{what} recorded {len(opened)} time{'s' if len(opened) != 1 else ''}, last {last}"
    return line + (f"; {running} clock{'s' if running != 1 else ''} running" if running else "")


def _recurring(own: list[Obligation], now: datetime) -> str:
    passed = [o for o in own if o.due_at <= now]
    counts = {s: sum(1 for o in passed if o.state == s) for s in ("met", "unrecorded", "missed")}
    words = [f"{counts['met']} met"] if counts["met"] else []
    if counts["unrecorded"]:
        words.append(f"{counts['unrecorded']} passed with nothing recorded")
    if counts["missed"]:
        words.append(f"{counts['missed']} missed on evidence")
    pending = [o for o in own if o.state in ("open", "upcoming") and o.due_at > now]
    head = f"{len(passed)} period{'s' if len(passed) != 1 else ''} ended"
    line = head + (f" ({', '.join(words)})" if words else "")
    if pending:
        line += f"; next due {long_date(min(o.due_at for o in pending).date())}"
    return line


def standings(agreement: Agreement, obligations: list[Obligation], now: datetime) -> list[Standing]:
    """One line per mechanism of `agreement`, from the rules' obligations at `now`."""
    mine = [o for o in obligations if o.agreement == agreement.id]
    term = sorted((o for o in mine if o.kind == "term"), key=lambda o: o.due_at)
    in_force = _in_force(term, now)
    days_left = _in_force(term, now, days=True)
    lines: list[Standing] = []
    for m in agreement.mechanisms:
        own = [o for o in mine if o.mechanism == m.id]
        if m.kind == "term":
            line = days_left
        elif m.kind == "recurring":
            line = f"recurring, {in_force}; {_recurring(own, now)}"
        else:
            line = f"standing, {in_force}; {_consultation(m, own)}"
        lines.append(Standing(m.id, _name(agreement, m), line, m.provision))
    return lines
