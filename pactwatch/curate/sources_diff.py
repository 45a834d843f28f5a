"""Where a record's sources disagree: computed from spans and coded fields, not from notes.

A record codes each commitment once, from the official text. A secondary source (a news
report) that covers the same commitment has a span on it, and a `reading` of what it says
where its wording differs. The comparison says, per provision, which sources cover it, what
a source leaves out or adds, where it words a field differently, and where it says the
opposite: a word and its opposite (data/lexicons/opposites.yaml) or a party made the
beneficiary of a commitment the other source has it answer for.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from pactwatch.model import Agreement, Provision, Reading
from pactwatch.model.codes import party_name
from pactwatch.settings import data_dir, read_data_yaml

FIELDS = ("actors", "beneficiaries", "action", "object", "amount", "timing")


@dataclass(frozen=True)
class Finding:
    source: str
    kind: str  # omits | adds | differs | contradicts
    field: str | None = None
    record: Any = None  # the value coded from the primary source
    reading: Any = None  # what the other source says
    basis: str | None = None  # the rule that decided a contradiction


@dataclass
class ProvisionDiff:
    id: str
    covered_by: list[str]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class SourcesDiff:
    agreement: str
    primary: str | None
    secondary: list[str]
    provisions: list[ProvisionDiff]

    def counts(self) -> dict[str, int]:
        out = {"omits": 0, "adds": 0, "differs": 0, "contradicts": 0}
        for p in self.provisions:
            for f in p.findings:
                out[f.kind] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "primary": self.primary,
            "secondary": self.secondary,
            "counts": self.counts(),
            "provisions": [
                {
                    "id": p.id,
                    "covered_by": p.covered_by,
                    "findings": [asdict(f) for f in p.findings],
                }
                for p in self.provisions
            ],
        }


@dataclass(frozen=True)
class _Lexicon:
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    party_words: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = read_data_yaml(data_dir() / "lexicons" / "opposites.yaml")
    pairs = tuple((tuple(a), tuple(b)) for a, b in raw["pairs"])
    words = {code: tuple(names) for code, names in raw.get("party_words", {}).items()}
    return _Lexicon(pairs, words)


def compare_sources(agreement: Agreement) -> SourcesDiff:
    primary = next((s.id for s in agreement.sources if s.kind == "official_text"), None)
    spanned = {s.source for p in agreement.provisions for s in p.spans}
    secondary = [s.id for s in agreement.sources if s.id != primary and s.id in spanned]
    diffs = [_provision(p, primary, secondary) for p in agreement.provisions]
    return SourcesDiff(agreement.id, primary, secondary, diffs)


def _provision(p: Provision, primary: str | None, secondary: list[str]) -> ProvisionDiff:
    covered = sorted({s.source for s in p.spans}, key=lambda s: (s != primary, s))
    diff = ProvisionDiff(p.id, covered)
    on_primary = primary in covered
    for source in secondary:
        if source not in covered:
            if on_primary:
                diff.findings.append(Finding(source, "omits"))
            continue
        if not on_primary:
            diff.findings.append(Finding(source, "adds", reading=p.summary or p.object))
            continue
        reading = p.readings.get(source)
        if reading is not None:
            diff.findings.extend(_compare(p, reading, source))
    return diff


def _compare(p: Provision, reading: Reading, source: str) -> list[Finding]:
    findings: list[Finding] = []
    for name in FIELDS:
        theirs = getattr(reading, name)
        ours = getattr(p, name)
        if theirs is None or _same(theirs, ours):
            continue
        findings.append(Finding(source, "differs", name, _plain(ours), _plain(theirs)))
    contradiction = _opposite_words(p, reading) or _roles_reversed(p, reading)
    if contradiction is None and reading.polarity == "opposite":
        contradiction = "curator: the source's words say the reverse of the meaning"
    if contradiction is not None:
        for finding in findings:
            object.__setattr__(finding, "kind", "contradicts")
            object.__setattr__(finding, "basis", contradiction)
    return findings


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    return bool(_plain(a) == _plain(b))


def _words(*texts: str | None) -> str:
    return " ".join(t.lower() for t in texts if t)


def _has(text: str, words: tuple[str, ...]) -> str | None:
    for word in words:
        if re.search(r"\b" + re.escape(word.lower()), text):
            return word
    return None


def _opposite_words(p: Provision, reading: Reading) -> str | None:
    """A word in the source's reading whose opposite (and not itself) is in the record."""
    theirs = _words(reading.action, reading.object)
    ours = _words(p.action, p.object, p.summary, " ".join(d.replace("_", " ") for d in p.domains))
    for left, right in _lexicon().pairs:
        for a, b in ((left, right), (right, left)):
            said = _has(theirs, a)
            meant = _has(ours, b)
            if said and meant and not _has(_words(p.action), a) and not _has(theirs, b):
                return f"opposite words: the source says {said!r}, the record {meant!r}"
    return None


def _roles_reversed(p: Provision, reading: Reading) -> str | None:
    """The source makes a party the beneficiary that the record names as the one to answer."""
    if not reading.beneficiaries:
        return None
    ours = _words(p.object, p.summary, p.condition)
    for code in reading.beneficiaries:
        if code in p.beneficiaries:
            continue
        names = (*_lexicon().party_words.get(code, ()), party_name(code))
        if _has(ours, names):
            return (
                f"roles reversed: the source makes {code} the beneficiary; the record names "
                f"{code} as the party answering for it and {', '.join(p.beneficiaries) or 'none'} "
                "as beneficiary"
            )
    return None
