"""Citing a clause: its quoted words, its numbering, a versioned permalink, and the formats
a footnote or a reference manager takes (plain text, BibTeX, CSL-JSON).

The words are read from the source text at run time (records keep offsets and the sha256,
never the text). A provision's version is the first 12 hex digits of the sha256 of its
contract JSON with sorted keys, an agreement's a hash of its head's and its provisions'
hashes (`store/content_hash.py`): either names the content, so it survives reloads, and
an old permalink still resolves: the store's history keeps every earlier record a
curator replaced, and the page then says what changed since. The dataset version is the
registry's generation; the permalink carries it as `?dataset=`, so a reader can tell which
registry a footnote saw.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pactwatch.curate.coverage import official_source
from pactwatch.model import Agreement, Provision
from pactwatch.model.citation import cite
from pactwatch.model.codes import party_name
from pactwatch.sources import SourceLibrary
from pactwatch.store import content_hash

VERSION_DIGITS = 12
_SPACE = re.compile(r"\s+")


def version_of(record: Agreement | Provision) -> str:
    """The content version of an agreement (a hash of its parts, `store/content_hash.py`)
    or of a provision record (the sha256 of its sorted-key JSON)."""
    if isinstance(record, Agreement):
        return content_hash.version_of_record(record.model_dump(mode="json"))
    canonical = json.dumps(record.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:VERSION_DIGITS]


def is_version(record: Agreement | Provision, version: str) -> bool:
    """Whether `version` names this content: as `version_of` says, or for an agreement as
    its version was defined before revision 0010 (so permalinks cited then resolve)."""
    if version_of(record) == version:
        return True
    return isinstance(record, Agreement) and (
        content_hash.legacy_version(record.model_dump(mode="json")) == version
    )


def quoted_words(
    agreement: Agreement, provision: Provision, library: SourceLibrary
) -> tuple[str, str] | None:
    """The provision's words as its source says them (the official text when it has spans
    there), and that source's title; None when the text is not on this server."""
    official = official_source(agreement)
    by_source = [s.source for s in provision.spans]
    if not by_source:
        return None
    source_id = official.id if official and official.id in by_source else by_source[0]
    source = agreement.source(source_id)
    if source is None or source.sha256 is None:
        return None
    text = library.text_for(source.sha256)
    if text is None:
        return None
    pieces = [
        _SPACE.sub(" ", text[s.start : s.end]).strip()
        for s in sorted(provision.spans, key=lambda s: s.start)
        if s.source == source_id
    ]
    return " … ".join(p for p in pieces if p), source.title


def clause_of(agreement: Agreement, provision: Provision) -> str | None:
    return cite(provision.eid, agreement.structure) if provision.eid else None


def long_date(day: date) -> str:
    """11 July 2034: the form a footnote or a reader uses (the month's English name)."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
    return f"{day.day} {months[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Citation:
    """Everything the "cite this" block shows, and the API returns."""

    permalink: str
    version: str
    dataset: str
    clause: str | None
    quote: str | None
    quoted_from: str | None
    text: str
    bibtex: str
    csl: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "permalink": self.permalink,
            "version": self.version,
            "dataset": self.dataset,
            "clause": self.clause,
            "quote": self.quote,
            "quoted_from": self.quoted_from,
            "text": self.text,
            "bibtex": self.bibtex,
            "csl": self.csl,
        }


def _bib(value: str) -> str:
    """A BibTeX field value: braces balanced, TeX specials escaped."""
    value = value.replace("\\", r"\textbackslash{}")
    value = re.sub(r"([{}&%$#_^~])", r"\\\1", value)
    return value


def _parties(agreement: Agreement) -> list[str]:
    return [party_name(p) for p in agreement.parties]


def _where(agreement: Agreement) -> str:
    place = agreement.signed_at or ""
    when = long_date(agreement.signed_on) if agreement.signed_on else ""
    both = ", ".join(x for x in (place, when) if x)
    return f" ({both})" if both else ""


def citation(
    agreement: Agreement,
    provision: Provision | None,
    base_url: str,
    dataset: str,
    library: SourceLibrary,
    accessed: date,
    version: str | None = None,
) -> Citation:
    """The citation of an agreement, or of one of its provisions, at its current version
    (`version` when the caller has it stored: `agreement` may then hold only some of its
    provisions)."""
    record: Agreement | Provision = provision if provision is not None else agreement
    version = version or version_of(record)
    base = base_url.rstrip("/")
    if provision is None:
        permalink = f"{base}/agreements/{agreement.id}/v/{version}?dataset={dataset}"
        key, clause, quote, quoted_from = agreement.id, None, None, None
    else:
        path = f"/agreements/{agreement.id}/provisions/{provision.id}/v/{version}"
        permalink = f"{base}{path}?dataset={dataset}"
        key = f"{agreement.id}/{provision.id}"
        clause = clause_of(agreement, provision)
        found = quoted_words(agreement, provision, library)
        quote, quoted_from = found if found else (None, None)
    parties = _parties(agreement)
    title = agreement.title + (f", {clause}" if clause else "")
    words = f": “{quote}”" if quote else ""
    stop = "" if quote and quote[-1] in ".!?" else "."
    text = (
        f"{' and '.join(parties)}, {agreement.title}{_where(agreement)}"
        f"{', ' + clause if clause else ''}{words}{stop} "
        f"Pactwatch record {key}, version {version} (dataset {dataset}), {permalink} "
        f"(accessed {long_date(accessed)})."
    )
    ident = re.sub(r"[^A-Za-z0-9-]+", "-", f"pactwatch-{key}-{version}")
    fields = {
        "title": title,
        "author": " and ".join("{" + _bib(p) + "}" for p in parties),
        "year": str(agreement.signed_on.year) if agreement.signed_on else "",
        "date": agreement.signed_on.isoformat() if agreement.signed_on else "",
        "howpublished": f"Pactwatch record {key}, version {version}, dataset {dataset}",
        "url": permalink,
        "urldate": accessed.isoformat(),
        "note": f"“{quote}”" if quote else "",
    }
    body = ",\n".join(
        f"  {name} = {{{v if name in ('author', 'url') else _bib(v)}}}"
        for name, v in fields.items()
        if v
    )
    bibtex = f"@misc{{{ident},\n{body}\n}}"
    csl: dict[str, Any] = {
        "id": ident,
        "type": "treaty",
        "title": title,
        "author": [{"literal": p} for p in parties],
        "publisher": "Pactwatch",
        "version": version,
        "URL": permalink,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    if agreement.signed_on:
        d = agreement.signed_on
        csl["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    if agreement.signed_at:
        csl["event-place"] = agreement.signed_at
    if clause:
        csl["section"] = clause
    if quote:
        csl["note"] = quote
    return Citation(permalink, version, dataset, clause, quote, quoted_from, text, bibtex, csl)
