"""Draft a record from an official text: structure, candidates, trained decisions.

The text's structure gives the units (every sentence of every leaf but the title and the
signature block, with the list intro and headings that govern it); the trained heads
decide where a unit holds more than one pledge, whether each piece commits anyone, who
acts, who benefits, its kind and its domains. Rules keep what rules do well: the text's
own facts (signing, term), amounts and the action's verb. Every provision says why,
naming the features that weighed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pactwatch.extract.build import find_verb
from pactwatch.extract.candidates import (
    Candidate,
    UnitInContext,
    break_points,
    official_units,
    pieces,
    report_units,
)
from pactwatch.extract.facts import pledged_amount
from pactwatch.extract.features import RoleView, candidate_features, point_features, role_view
from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.extract.linear import Model
from pactwatch.extract.official_meta import OfficialFacts, read_facts
from pactwatch.extract.slugs import STOP, Slugs
from pactwatch.model import Agreement, Provision, Term
from pactwatch.sources.structure import StructureError, parse_structure

THRESHOLD = 0.5
MAX_UNIT = 5000
BREAK_THRESHOLD = 0.4  # a missed break loses a provision; a needless one rarely adds one
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Prepared:
    """A text read once: its units, its own facts (for an agreement) and party roles."""

    text: str
    units: list[UnitInContext]
    facts: OfficialFacts
    view: RoleView
    lower: str = ""

    def __post_init__(self) -> None:
        self.lower = self.text.lower()


def prepare(
    text: str, lexicon: Lexicon, parties: list[str] | None = None, report: bool = False
) -> Prepared:
    """An agreement's text by its structure; a report line by line (its facts come from
    the report rules, so none are read here)."""
    if report:
        facts = OfficialFacts(parties=list(parties or []))
        units = report_units(text)
    else:
        try:
            outline = parse_structure(text)
        except StructureError:  # empty or binary: nothing to read, and nothing drafted
            outline = None
        title = (
            next((text[n.start : n.end] for n in outline.nodes() if n.kind == "title"), "")
            if outline
            else ""
        )
        facts = read_facts(text, title or text[:400], lexicon)
        units = official_units(text, outline) if outline else []
    view = role_view(text, parties if parties is not None else facts.parties, lexicon)
    return Prepared(text, units, facts, view)


_DIVISION = re.compile(
    r"^[ \t]*(?:\d{1,3}\.[ \t]|\(?[a-z]\)[ \t]|[IVX]{1,5}\.[ \t]|Article\b|ARTICLE\b|"
    r"Part\b|PART\b|Section\b|SECTION\b|Стаття\b|Частина\b)",
    re.MULTILINE,
)
_PARTIES_WORD = re.compile(r"\b(?:Participants?|Parties|Sides|Учасник\w*|Сторон\w*)\b")
MIN_DIVISIONS = 5


def looks_like_agreement(text: str) -> bool:
    """Whether a text is an agreement's own words rather than a report about one: it
    numbers its divisions and names its signatories as the Participants (or Parties).
    A report quotes the agreement but does not number five paragraphs of its own."""
    if _PARTIES_WORD.search(text) is None:
        return False
    for divisions, _ in enumerate(_DIVISION.finditer(text), start=1):
        if divisions >= MIN_DIVISIONS:
            return True
    return False


def candidates(prepared: Prepared, model: Model) -> list[Candidate]:
    head = model.heads["break"]
    found: list[Candidate] = []
    for item in prepared.units:
        if item.unit.end - item.unit.start > MAX_UNIT:
            continue  # no sentence runs this long: a text without stops, not a pledge
        points = break_points(prepared.text, item.unit)
        cuts = []
        for i, point in enumerate(points):
            previous = points[i - 1].at if i else None
            feats = point_features(prepared.view, item.unit, point, len(points), previous)
            if head.probabilities(feats)[0] >= BREAK_THRESHOLD:
                cuts.append(point.at)
        found += pieces(item.unit, cuts, item.context)
    return found


def draft_official(
    text: str,
    source_id: str,
    model: Model,
    name: str = "input",
    lexicon: Lexicon | None = None,
    **source: str,
) -> Agreement:
    lexicon = lexicon or load_lexicon()
    prepared = prepare(text, lexicon)
    facts = prepared.facts
    partner = next((p for p in facts.parties if p != "UA"), None)
    provisions: list[Provision] = []
    slugs = Slugs()
    for cand in candidates(prepared, model):
        made = decide(prepared, cand, model, partner, source_id, slugs, lexicon)
        if made is not None:
            provisions.append(made)
    return Agreement.model_validate(
        {
            "id": f"draft-{_slug_words(name) or 'input'}",
            "title": f"Draft from {name}",
            "parties": facts.parties or ["UA"],
            "signed_on": facts.signed_on,
            "signed_at": facts.signed_at,
            "signatories": facts.signatories,
            "term": facts.term or Term(),
            "sources": [{"id": source_id, "kind": "official_text", "title": name, **source}],
            "provisions": provisions,
            "notes": facts.why,
        }
    )


def _roles(label: str, partner: str | None) -> list[str]:
    codes = []
    for role in label.split("+") if label else []:
        code = partner if role == "P" else role
        if code and code not in codes:
            codes.append(code)
    return codes


def decide(
    prepared: Prepared,
    cand: Candidate,
    model: Model,
    partner: str | None,
    source_id: str,
    slugs: Slugs,
    lexicon: Lexicon,
    threshold: float = THRESHOLD,
    feats: dict[str, float] | None = None,
) -> Provision | None:
    """The provision a piece makes, or None when it commits no one (`feats`: the piece's
    features, when the caller has them already)."""
    feats = feats if feats is not None else candidate_features(prepared.view, cand)
    p_commit = model.probabilities(feats, ("commitment",))["commitment"][0]
    if p_commit < threshold:
        return None
    probs = model.probabilities(feats, ("actors", "beneficiaries", "kind", "domains"))
    why = [f"commitment {p_commit:.2f}: " + ", ".join(model.heads["commitment"].why(feats))]
    actor_label, p_actor = model.heads["actors"].best_of(probs["actors"])
    actors = _roles(actor_label, partner) or ([partner] if partner else ["UA"])
    why.append(f"actors {actor_label} {p_actor:.2f}")
    ben_label, _ = model.heads["beneficiaries"].best_of(probs["beneficiaries"])
    beneficiaries = [b for b in _roles(ben_label, partner) if b not in actors or len(actors) > 1]
    kind, _ = model.heads["kind"].best_of(probs["kind"])
    domains_head = model.heads["domains"]
    ranked_probs = probs["domains"]
    ranked = sorted(range(len(ranked_probs)), key=lambda i: -ranked_probs[i])
    domains = [domains_head.classes[i] for i in ranked if ranked_probs[i] >= THRESHOLD][:3]
    if not domains:
        domains = [domains_head.classes[ranked[0]]]
    why.append("domains " + ", ".join(domains))
    words = prepared.text[cand.start : cand.end]
    eid = cand.context.eid if cand.context.document == "official" else None
    action, obj = action_and_object(prepared, cand, lexicon)
    amount, amount_why = pledged_amount(words, actors[0] if len(actors) == 1 else None)
    why += amount_why
    return Provision(
        id=slugs.make(action, obj),
        section=eid,
        eid=eid,
        actors=actors,
        beneficiaries=beneficiaries,
        action=action,
        object=obj[:200],
        domains=domains,
        kind=kind,
        amount=amount,
        spans=[{"source": source_id, "start": cand.start, "end": cand.end}],
        review={"state": "draft", "extractor": "pactwatch-trained"},
        why=why,
    )


def action_and_object(prepared: Prepared, cand: Candidate, lexicon: Lexicon) -> tuple[str, str]:
    """A piece's action (its verb's base form, or "commit") and its object's words."""
    verb = find_verb(prepared.lower, cand.start, cand.end, lexicon)
    action = verb[0] if verb else "commit"
    object_start = verb[1] if verb else cand.start
    obj = " ".join(prepared.text[object_start : cand.end].split()).strip(" ,;:.")
    return action, obj or " ".join(prepared.text[cand.start : cand.end].split())


def _slug_words(text: str) -> str:
    words = [w for w in _NOT_SLUG.split(text.lower()) if w and w not in STOP][:4]
    return "-".join(words)[:60]
