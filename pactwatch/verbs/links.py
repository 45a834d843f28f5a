"""Verbs of `link`: propose events from reports, record them as drafts, score against gold.

Applied proposals are written as events with `review: {state: draft}` to an events file
(default data/events/proposed.yaml) through `add_event`, the path `pactwatch event add`
takes: checked against the agreements and the events already recorded, and an equal event
is written once, so applying the same report twice adds nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pactwatch.curate.dataset import read_mapping, read_record, validation_problems
from pactwatch.curate.events import with_content_id
from pactwatch.link import Proposal, load_agreements, propose
from pactwatch.link.evaluate import Gold, LinkScore, score
from pactwatch.model import Event, PactwatchError, Problem
from pactwatch.model.agreement import Review
from pactwatch.settings import data_dir
from pactwatch.sources.reading import Document, read_document
from pactwatch.verbs.rules import EventAdded, add_event

LINKER = "pactwatch-link/1"


@dataclass(frozen=True)
class Linked:
    document: Document
    proposals: list[Proposal]


@dataclass
class Applied:
    added: list[EventAdded] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_input(path: str) -> Document:
    """A file, or stdin for '-', decoded (and flattened when it is HTML)."""
    if path == "-":
        return read_document(sys.stdin.buffer.read(), "<stdin>")
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PactwatchError.at(path, "", "unreadable-file", error.strerror or str(error)) from None
    return read_document(data, path)


def link(
    paths: Sequence[str], *, published: date | None = None, data: Path | None = None
) -> list[Linked]:
    """Proposed events for each report, linked against the curated agreements."""
    agreements = load_agreements(data)
    found = []
    for path in paths:
        document = read_input(path)
        found.append(Linked(document, propose(document.text, agreements, published=published)))
    return found


def as_event(proposal: Proposal, document: Document, source: str | None) -> Event:
    """A proposal as a draft event, its source the report (a URL, else its sha256)."""
    where = {"url": source} if source else {"sha256": document.sha256}
    refs = ", ".join(proposal.provisions())
    draft = Event.model_validate(
        {
            "id": "draft",
            "kind": proposal.kind,
            "subkind": proposal.subkind,
            "on": proposal.on,
            "precision": proposal.precision,
            "actors": proposal.actors,
            "provisions": proposal.provisions(),
            "sources": [where],
            "description": (
                f"Proposed from a report ('{proposal.cue}', {proposal.date_reason}); links "
                f"{refs} scored {proposal.score}. Check against the source before review."
            ),
            "review": Review(state="draft", extractor=LINKER),
        }
    )
    return with_content_id(draft)


def apply(
    linked: Sequence[Linked],
    *,
    file: Path | None = None,
    db: str | None = None,
    source: str | None = None,
    data: Path | None = None,
) -> Applied:
    """Record every proposal as a draft event (file, and the registry when `db` is given);
    proposals that cannot be recorded as they are (no date, a trigger without its instant)
    are listed as skipped with the reason."""
    target = file or (data or data_dir()) / "events" / "proposed.yaml"
    result = Applied()
    for item in linked:
        for proposal in item.proposals:
            name = f"{item.document.name}:{proposal.start}"
            if proposal.on is None:
                result.skipped.append(f"{name}: no date found; record it by hand")
                continue
            if proposal.kind == "trigger":
                result.skipped.append(
                    f"{name}: a trigger needs its exact instant; record it with `pactwatch trigger`"
                )
                continue
            try:
                event = as_event(proposal, item.document, source)
            except ValidationError as error:
                problem = validation_problems(name, error)[0]
                result.skipped.append(problem.line())
                continue
            result.added.append(add_event(event, file=target, db=db, data=data))
    return result


def read_predictions(path: Path) -> dict[str, list[dict[str, Any]]]:
    """`pactwatch link --format json` output: a list (one text) or {name: list}."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PactwatchError.at(str(path), "", "unreadable-predictions", str(error)) from None
    if isinstance(raw, list):
        return {_stem(path): raw}
    if isinstance(raw, dict) and all(isinstance(v, list) for v in raw.values()):
        return {_stem(Path(k)): v for k, v in raw.items()}
    raise PactwatchError.at(
        str(path), "", "unreadable-predictions", "expected a list of proposals or {name: list}"
    )


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gold.yaml", ".json", ".txt", ".html", ".md"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def read_gold(path: Path) -> dict[str, Gold]:
    """A gold file, or every `*.gold.yaml` in a folder, by text name."""
    files = sorted(path.glob("*.gold.yaml")) if path.is_dir() else [path]
    if not files:
        raise PactwatchError.at(str(path), "", "no-gold", "no *.gold.yaml files here")
    found: dict[str, Gold] = {}
    for file in files:
        record, problems = read_record(file, Gold)
        if record is None:
            raise PactwatchError(
                problems[0] if problems else Problem(str(file), "", "bad-gold", "")
            )
        found[_stem(file)] = record
    return found


def written(gold: Path, when: str) -> list[str]:
    """The texts the corpus list (`links.yaml` beside the gold) says were written `when`:
    'beside' the rules or 'after' them (held out)."""
    index = (gold if gold.is_dir() else gold.parent) / "links.yaml"
    data, problems = read_mapping(index)
    if data is None:
        raise PactwatchError(problems[0])
    texts = data.get("texts") or []
    names = [t["name"] for t in texts if isinstance(t, dict) and t.get("written") == when]
    if not names:
        raise PactwatchError.at(str(index), "texts", "no-texts", f"no text written {when!r}")
    return names


def eval_links(
    predictions: Path, gold: Path, only: Sequence[str] = (), when: str | None = None
) -> LinkScore:
    """Precision and recall of links and dates; `only` (or the texts written `when`)
    limits the texts scored."""
    truth = read_gold(gold)
    wanted = set(only) | (set(written(gold, when)) if when else set())
    if wanted:
        truth = {k: v for k, v in truth.items() if k in wanted}
    return score(read_predictions(predictions), truth)
