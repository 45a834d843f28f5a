"""Train the extractor's decisions from reviewed records, and measure them honestly.

The examples come from the records themselves: each official text is cut into candidates
(see `candidates`), and a candidate is a commitment when a reviewed provision's own words
(its last span: earlier spans are a shared lead-in) cover it. Break points are labelled
by where reviewed provisions start inside a sentence. Actors and beneficiaries are learnt
as roles (PARTNER, UA, both), so what is learnt from 27 partners applies to a 28th.

scikit-learn fits the models (logistic regression: linear, so every decision can name
the features that weighed, and small enough to keep as JSON); only this module imports
it. Seeds are fixed and the solver deterministic, so `pactwatch train` gives the same
file from the same records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pactwatch.extract.candidates import Candidate, break_points, pieces
from pactwatch.extract.features import candidate_features, point_features
from pactwatch.extract.lexicon import Lexicon, load_lexicon
from pactwatch.extract.linear import Head, HeadKind, Model
from pactwatch.extract.official import Prepared, prepare
from pactwatch.model import Agreement, Provision

SEED = 20240711
SETTINGS: dict[str, Any] = {
    "C": 1.0,
    "min_count": 2,
    "prune": 0.01,
    "seed": SEED,
    # a missed break loses a provision; a needless one splits a pledge in two
    "break_weight": {0: 1.0, 1: 3.0},
}
MIN_DOMAIN_EXAMPLES = 5


@dataclass(frozen=True)
class Coded:
    """A reviewed record and the official text it was coded from."""

    agreement: Agreement
    source_id: str
    text: str
    report: bool = False  # a report about the agreement, read line by line

    @property
    def partner(self) -> str | None:
        return next((p for p in self.agreement.parties if p != "UA"), None)


@dataclass
class Examples:
    points: list[dict[str, float]] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    pieces: list[dict[str, float]] = field(default_factory=list)
    commits: list[int] = field(default_factory=list)
    # for the pieces that are commitments
    coded: list[dict[str, float]] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    domains: list[list[str]] = field(default_factory=list)

    def extend(self, other: Examples) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def role_label(codes: Iterable[str], partner: str | None) -> str:
    return "+".join(sorted({"P" if c == partner else c for c in codes}))


def examples_for(coded: Coded, lexicon: Lexicon) -> Examples:
    agreement = coded.agreement
    partner = next((p for p in agreement.parties if p != "UA"), None)
    prepared = prepare(coded.text, lexicon, parties=agreement.parties, report=coded.report)
    own = [
        (p, sorted((s.start, s.end) for s in p.spans if s.source == coded.source_id))
        for p in agreement.provisions
    ]
    own = [(p, spans) for p, spans in own if spans]
    starts = sorted({s for _, spans in own for s, _ in spans})
    lasts = [(spans[-1], p) for p, spans in own]
    found = Examples()
    for item in prepared.units:
        unit = item.unit
        points = break_points(coded.text, unit)
        inside = [s for s in starts if unit.start + 2 < s < unit.end]
        cuts = []
        for i, point in enumerate(points):
            hit = any(point.at - 2 <= s <= point.at + 12 for s in inside)
            previous = points[i - 1].at if i else None
            found.points.append(point_features(prepared.view, unit, point, len(points), previous))
            found.breaks.append(int(hit))
            if hit:
                cuts.append(point.at)
        for cand in pieces(unit, cuts, item.context):
            _label(found, prepared, cand, lasts, partner)
    return found


def _label(
    found: Examples,
    prepared: Prepared,
    cand: Candidate,
    lasts: list[tuple[tuple[int, int], Provision]],
    partner: str | None,
) -> None:
    feats = candidate_features(prepared.view, cand)
    best: tuple[int, Provision] | None = None
    for (start, end), provision in lasts:
        overlap = min(end, cand.end) - max(start, cand.start)
        if overlap <= 0 or overlap < 0.5 * min(end - start, cand.end - cand.start):
            continue
        if best is None or overlap > best[0]:
            best = (overlap, provision)
    found.pieces.append(feats)
    found.commits.append(int(best is not None))
    if best is None:
        return
    provision = best[1]
    found.coded.append(feats)
    found.actors.append(role_label(provision.actors, partner))
    found.beneficiaries.append(role_label(provision.beneficiaries, partner))
    found.kinds.append(provision.kind)
    found.domains.append(list(provision.domains))


# Features of a piece's form rather than its words (where it sits, its length and stop,
# whether a cue word of any language is in it, a party's role opening it): the same in
# any language the cue list covers. ("opens:" holds a few English joining words.)
_NEUTRAL = (
    "kind:",
    "piece:",
    "len:",
    "ends:",
    "cue:any",
    "icue:any",
    "document:",
    "f:PARTNER",
    "f:UKRAINE",
    "opens:",
)


def _with_neutral_copies(examples: Examples) -> tuple[list[dict[str, float]], list[int]]:
    """The pieces, and each again with its words left out: a model that has also had to
    decide from form alone can decide a text in a language it has not read."""
    neutral = [
        {k: v for k, v in feats.items() if k.startswith(_NEUTRAL)} for feats in examples.pieces
    ]
    return [*examples.pieces, *neutral], [*examples.commits, *examples.commits]


def collect(items: Sequence[Coded], lexicon: Lexicon | None = None) -> dict[str, Examples]:
    """Examples of each record, by its id (ids must be unique across the items)."""
    lexicon = lexicon or load_lexicon()
    found: dict[str, Examples] = {}
    for item in items:
        if item.agreement.id in found:
            raise ValueError(f"two training records share the id {item.agreement.id!r}")
        found[item.agreement.id] = examples_for(item, lexicon)
    return found


def fit(examples: Examples, trained_on: list[str], settings: dict[str, Any] | None = None) -> Model:
    settings = {**SETTINGS, **(settings or {})}
    # the two decisions that make or lose a provision keep every weight (L2); the heads
    # over many classes learn sparse weights (L1), which keeps the file small
    sparse = {**settings, "penalty": "l1"}
    heads = {
        "break": _fit_binary(
            examples.points, examples.breaks, {**settings, "class_weight": settings["break_weight"]}
        ),
        "commitment": _fit_binary(*_with_neutral_copies(examples), settings),
        "actors": _fit_multiclass(examples.coded, examples.actors, sparse),
        "beneficiaries": _fit_multiclass(examples.coded, examples.beneficiaries, sparse),
        "kind": _fit_multiclass(examples.coded, examples.kinds, sparse),
        "domains": _fit_multilabel(examples.coded, examples.domains, sparse),
    }
    return Model(heads, sorted(trained_on), settings)


def _vectorise(rows: list[dict[str, float]], settings: dict[str, Any]) -> tuple[Any, list[str]]:
    from sklearn.feature_extraction import DictVectorizer

    counts = Counter(name for row in rows for name in row)
    keep = {name for name, n in counts.items() if n >= settings["min_count"]}
    vectoriser = DictVectorizer(sort=True)
    matrix = vectoriser.fit_transform([{k: v for k, v in r.items() if k in keep} for r in rows])
    matrix = matrix.tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype("int32")
    return matrix, list(vectoriser.get_feature_names_out())


def _classifier(settings: dict[str, Any], matrix: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    # liblinear's dual solver: fast when features outnumber examples, as words do here
    l1 = settings.get("penalty") == "l1"
    return LogisticRegression(
        C=settings["C"],
        solver="liblinear",
        l1_ratio=1.0 if l1 else 0.0,
        dual=bool(matrix.shape[1] > matrix.shape[0]) and not l1,
        tol=1e-3,
        max_iter=2000,
        random_state=settings["seed"],
        class_weight=settings.get("class_weight"),
    )


def _head(
    kind: HeadKind, classes: list[str], bias: list[float], coef: Any, names: list[str], prune: float
) -> Head:
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        row = [round(float(coef[i][j]), 4) for i in range(len(classes))]
        if any(abs(w) >= prune for w in row):
            weights[name] = row
    return Head(kind, classes, [round(float(b), 4) for b in bias], weights)


def _fit_binary(rows: list[dict[str, float]], labels: list[int], settings: dict[str, Any]) -> Head:
    matrix, names = _vectorise(rows, settings)
    if len(set(labels)) < 2:
        return Head("binary", ["yes"], [5.0 if labels and labels[0] else -5.0])
    model = _classifier(settings, matrix).fit(matrix, labels)
    return _head("binary", ["yes"], model.intercept_, model.coef_, names, settings["prune"])


def _fit_multiclass(
    rows: list[dict[str, float]], labels: list[str], settings: dict[str, Any]
) -> Head:
    """One class among several, as one-vs-rest: the best-scoring class wins."""
    classes = sorted(set(labels))
    if len(classes) < 2:
        return Head("multiclass", classes or [""], [0.0])
    head = _fit_multilabel(rows, [[label] for label in labels], {**settings, "min_examples": 1})
    head.kind = "multiclass"
    return head


def _fit_multilabel(
    rows: list[dict[str, float]], labels: list[list[str]], settings: dict[str, Any]
) -> Head:
    counts = Counter(d for ds in labels for d in ds)
    least = settings.get("min_examples", MIN_DOMAIN_EXAMPLES)
    classes = sorted(d for d, n in counts.items() if n >= least)
    matrix, names = _vectorise(rows, settings)
    coefs, biases = [], []
    for domain in classes:
        target = [int(domain in ds) for ds in labels]
        model = _classifier(settings, matrix).fit(matrix, target)
        coefs.append(model.coef_[0])
        biases.append(model.intercept_[0])
    return _head("multilabel", classes, biases, coefs, names, settings["prune"])


def train(items: Sequence[Coded], settings: dict[str, Any] | None = None) -> Model:
    found = collect(items)
    merged = Examples()
    for examples in found.values():
        merged.extend(examples)
    return fit(merged, list(found), settings)


def leave_one_out(
    items: Sequence[Coded],
    draft: Callable[[Coded, Model], Agreement],
    settings: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    only: Sequence[str] = (),
    reports: bool = False,
) -> list[tuple[Coded, Agreement]]:
    """For each agreement's text (or each named in `only`; with `reports`, each report
    instead): a model trained on the others drafts it. Nothing about the same partner is
    learnt from, not even a report about the agreement, so the model meets the text as it
    would meet a new agreement. Examples are made once; only the fitting is repeated."""
    found = collect(items)
    results = []
    for item in items:
        if item.report != reports or (only and item.agreement.id not in only):
            continue
        merged = Examples()
        used = []
        for other in items:
            if other.partner != item.partner:
                merged.extend(found[other.agreement.id])
                used.append(other.agreement.id)
        model = fit(merged, used, settings)
        results.append((item, draft(item, model)))
        if progress is not None:
            progress(item.agreement.id)
    return results
