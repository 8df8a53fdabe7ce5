"""Pure scoring of predicted mentions and relations against gold: no files, no text.

Spans are the half-open ``[start, end)`` offsets of :class:`pipeline.standoff.Mention`.
Two matching strategies pair gold with predicted mentions of the same label, one-to-one:

- :class:`StrictMatch`: exact start and end; the figures equal nervaluate's ``"strict"``
  schema (and ``"exact"``, which is the same once entities are filtered to one label);
- :class:`LenientMatch`: the spans overlap; the figures equal nervaluate's ``"ent_type"``
  schema (overlap and same type; its ``partial`` term is always zero).

The per-label counts of :class:`NerCounts` follow nervaluate's ``"partial"`` schema:
``correct`` exact, ``partial`` overlapping but not exact, ``missed``, ``spurious``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from pipeline.standoff import LABELS, RELATION_TYPES, Annotated, Mention, Relation

Pair = tuple[int, int]
"""A matched pair: (index into the gold mentions, index into the predicted mentions)."""

NERVALUATE_SCHEMAS: tuple[str, ...] = ("strict", "exact", "partial", "ent_type")
NUMERIC_REL_TOL = 0.01
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LIST_SEPARATOR = re.compile(r"\s*([|+])\s*")


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


@dataclass
class PRF:
    """True positives, false positives and false negatives, like spaCy's ``PRFScore``.

    Precision, recall and F1 are 0.0 when their denominator is zero (as in nervaluate).
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def score_set(self, gold: int, pred: int, tp: int) -> None:
        """Add one comparison with ``gold`` and ``pred`` items of which ``tp`` matched."""
        self.tp += tp
        self.fp += pred - tp
        self.fn += gold - tp

    @property
    def gold(self) -> int:
        """Number of gold items."""
        return self.tp + self.fn

    @property
    def pred(self) -> int:
        """Number of predicted items."""
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 0.0 without predictions."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 0.0 without gold."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    def to_dict(self) -> dict[str, float]:
        """Counts and scores as plain numbers."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


def micro(scores: Iterable[PRF]) -> PRF:
    """The micro-averaged total: the sum of the counts."""
    return sum(scores, PRF())


@dataclass
class Accuracy:
    """How many of the compared values were equal."""

    compared: int = 0
    equal: int = 0

    def add(self, ok: bool) -> None:
        """Count one comparison."""
        self.compared += 1
        self.equal += int(ok)

    @property
    def accuracy(self) -> float:
        """equal / compared, 0.0 when nothing was compared."""
        return _ratio(self.equal, self.compared)

    def to_dict(self) -> dict[str, float]:
        """Counts and accuracy as plain numbers."""
        return {"compared": self.compared, "equal": self.equal, "accuracy": self.accuracy}


@dataclass
class NerCounts:
    """nervaluate's counts for one label (or overall) under one schema."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    def __add__(self, other: NerCounts) -> NerCounts:
        return NerCounts(self.correct + other.correct, self.incorrect + other.incorrect,
                         self.partial + other.partial, self.missed + other.missed,
                         self.spurious + other.spurious)

    @property
    def possible(self) -> int:
        """Gold mentions: correct + incorrect + partial + missed."""
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        """Predicted mentions: correct + incorrect + partial + spurious."""
        return self.correct + self.incorrect + self.partial + self.spurious

    def to_dict(self) -> dict[str, int]:
        """The five counts with possible and actual."""
        return {"correct": self.correct, "incorrect": self.incorrect, "partial": self.partial,
                "missed": self.missed, "spurious": self.spurious, "possible": self.possible,
                "actual": self.actual}


class MatchStrategy(Protocol):
    """Pairs gold with predicted mentions of the same label, each at most once."""

    name: ClassVar[str]

    def match(self, gold: Sequence[Mention], pred: Sequence[Mention]) -> list[Pair]:
        """The matched (gold index, pred index) pairs."""
        ...


class StrictMatch:
    """Same label, same start, same end; duplicates pair in order of appearance."""

    name: ClassVar[str] = "strict"

    def match(self, gold: Sequence[Mention], pred: Sequence[Mention]) -> list[Pair]:
        """The exact (gold index, pred index) pairs."""
        waiting: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        for gi, g in enumerate(gold):
            waiting[(g.label, g.start, g.end)].append(gi)
        pairs = []
        for pi, p in enumerate(pred):
            queue = waiting.get((p.label, p.start, p.end))
            if queue:
                pairs.append((queue.pop(0), pi))
        return pairs


class LenientMatch:
    """Same label, overlapping spans; greedy by largest overlap, one-to-one.

    Ties go to the pair with the closest boundaries, then to document order, so an exact pair is
    always taken before a merely overlapping one and the strict pairs are a subset of these.
    """

    name: ClassVar[str] = "lenient"

    def match(self, gold: Sequence[Mention], pred: Sequence[Mention]) -> list[Pair]:
        """The overlapping (gold index, pred index) pairs."""
        candidates: list[tuple[int, int, int, int]] = []
        for gi, g in enumerate(gold):
            for pi, p in enumerate(pred):
                if g.label == p.label and g.overlaps(p):
                    overlap = min(g.end, p.end) - max(g.start, p.start)
                    distance = abs(g.start - p.start) + abs(g.end - p.end)
                    candidates.append((-overlap, distance, gi, pi))
        candidates.sort()
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        pairs = []
        for _neg, _dist, gi, pi in candidates:
            if gi not in used_gold and pi not in used_pred:
                used_gold.add(gi)
                used_pred.add(pi)
                pairs.append((gi, pi))
        return sorted(pairs)


def _as_number(value: str) -> float | None:
    return float(value) if _NUMBER.fullmatch(value) else None


def _split_list(value: str) -> list[str]:
    """``"0.5+0.25"`` -> ``["0.5", "+", "0.25"]``; a value with an empty element stays whole."""
    parts = _LIST_SEPARATOR.split(value)
    return [value] if any(p == "" for p in parts) else parts


def _scalar_equal(gold: str, pred: str) -> bool:
    g_num, p_num = _as_number(gold), _as_number(pred)
    if g_num is not None and p_num is not None:
        return math.isclose(g_num, p_num, rel_tol=NUMERIC_REL_TOL)
    return gold.casefold() == pred.casefold()


def values_equal(gold: str, pred: str | None) -> bool:
    """Whether a predicted attribute value equals the gold one.

    Numbers compare within 1% relative tolerance (``"10" == "10.0"``, ``"17.14" == "17.143"``),
    other text case-insensitively; ``|``/``+`` lists element by element with the same separators.
    """
    if pred is None:
        return False
    g_parts, p_parts = _split_list(gold.strip()), _split_list(pred.strip())
    return len(g_parts) == len(p_parts) and all(
        _scalar_equal(g, p) for g, p in zip(g_parts, p_parts, strict=True)
    )


@dataclass
class Alignment:
    """How one document's predicted mentions line up with its gold mentions."""

    strict: list[Pair]
    lenient: list[Pair]
    missed: list[int]
    spurious: list[int]
    boundary: list[Pair]


def align(gold: Sequence[Mention], pred: Sequence[Mention]) -> Alignment:
    """Match strictly and leniently; misses and spurious are relative to the lenient match."""
    strict = StrictMatch().match(gold, pred)
    lenient = LenientMatch().match(gold, pred)
    matched_gold = {gi for gi, _ in lenient}
    matched_pred = {pi for _, pi in lenient}
    boundary = [(gi, pi) for gi, pi in lenient
                if (gold[gi].start, gold[gi].end) != (pred[pi].start, pred[pi].end)]
    return Alignment(
        strict=strict,
        lenient=lenient,
        missed=[gi for gi in range(len(gold)) if gi not in matched_gold],
        spurious=[pi for pi in range(len(pred)) if pi not in matched_pred],
        boundary=boundary,
    )


def match_relations(
    gold: Sequence[Relation], pred: Sequence[Relation], pred_to_gold: Mapping[Mention, Mention]
) -> list[Pair]:
    """Pair relations of the same type whose ends are leniently matched mentions, one-to-one.

    ``pred_to_gold`` maps each leniently matched predicted mention to its gold mention, so a
    predicted end counts only through the one gold mention it was aligned with.
    """
    waiting: dict[tuple[str, Mention, Mention], list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        waiting[(g.type, g.source, g.target)].append(gi)
    pairs = []
    for pi, p in enumerate(pred):
        source, target = pred_to_gold.get(p.source), pred_to_gold.get(p.target)
        if source is None or target is None:
            continue
        queue = waiting.get((p.type, source, target))
        if queue:
            pairs.append((queue.pop(0), pi))
    return pairs


def _label_dict(factory: type[Any], labels: Iterable[str]) -> dict[str, Any]:
    return {label: factory() for label in labels}


@dataclass
class Tally:
    """Scores accumulated over documents; per label, plus attributes, patients and relations."""

    strict: dict[str, PRF] = field(default_factory=lambda: _label_dict(PRF, LABELS))
    lenient: dict[str, PRF] = field(default_factory=lambda: _label_dict(PRF, LABELS))
    counts: dict[str, NerCounts] = field(default_factory=lambda: _label_dict(NerCounts, LABELS))
    attributes: dict[str, dict[str, Accuracy]] = field(default_factory=dict)
    patient: Accuracy = field(default_factory=Accuracy)
    relations: dict[str, PRF] = field(default_factory=lambda: _label_dict(PRF, RELATION_TYPES))

    def add(self, gold: Annotated, pred: Annotated) -> Alignment:
        """Score one document and return its alignment (for error listings)."""
        gm, pm = gold.mentions, pred.mentions
        found = align(gm, pm)
        for label in {m.label for m in gm} | {m.label for m in pm}:
            n_gold = sum(m.label == label for m in gm)
            n_pred = sum(m.label == label for m in pm)
            n_strict = sum(gm[gi].label == label for gi, _ in found.strict)
            n_lenient = sum(gm[gi].label == label for gi, _ in found.lenient)
            n_boundary = sum(gm[gi].label == label for gi, _ in found.boundary)
            self.strict.setdefault(label, PRF()).score_set(n_gold, n_pred, n_strict)
            self.lenient.setdefault(label, PRF()).score_set(n_gold, n_pred, n_lenient)
            self.counts[label] = self.counts.get(label, NerCounts()) + NerCounts(
                correct=n_lenient - n_boundary, partial=n_boundary,
                missed=n_gold - n_lenient, spurious=n_pred - n_lenient,
            )
        for gi, pi in found.lenient:
            self._add_attributes(gm[gi], pm[pi])
        pred_to_gold = {pm[pi]: gm[gi] for gi, pi in found.lenient}
        rel_pairs = match_relations(gold.relations, pred.relations, pred_to_gold)
        for rtype in {r.type for r in gold.relations} | {r.type for r in pred.relations}:
            self.relations.setdefault(rtype, PRF()).score_set(
                sum(r.type == rtype for r in gold.relations),
                sum(r.type == rtype for r in pred.relations),
                sum(gold.relations[gi].type == rtype for gi, _ in rel_pairs),
            )
        return found

    def _add_attributes(self, g: Mention, p: Mention) -> None:
        per_label = self.attributes.setdefault(g.label, {})
        for key, value in g.attrs.items():
            if key == "patient":
                self.patient.add(values_equal(value, p.attrs.get(key)))
            else:
                per_label.setdefault(key, Accuracy()).add(values_equal(value, p.attrs.get(key)))


def _nervaluate_spans(doc: Sequence[Mention]) -> list[dict[str, Any]]:
    # nervaluate's ends are inclusive; ours are exclusive.
    return [{"label": m.label, "start": m.start, "end": m.end - 1} for m in doc]


def run_nervaluate(
    gold_docs: Sequence[Sequence[Mention]],
    pred_docs: Sequence[Sequence[Mention]],
    labels: Sequence[str] = LABELS,
) -> dict[str, Any]:
    """nervaluate's own ``Evaluator.evaluate()`` result for parallel lists of documents.

    Spans go in as dicts with inclusive ends (``end - 1``). nervaluate counts an overlap only
    when it covers at least 1% of the gold span, so for gold spans over 100 characters a
    one-character overlap that :class:`LenientMatch` accepts is not an overlap to nervaluate.
    """
    from nervaluate import Evaluator  # imported here: nothing heavy at import time

    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(pred_docs)} predicted")
    true = [_nervaluate_spans(d) for d in gold_docs]
    pred = [_nervaluate_spans(d) for d in pred_docs]
    result: dict[str, Any] = Evaluator(true, pred, tags=list(labels), loader="dict").evaluate()
    return result


def _counts_of(result: Any) -> NerCounts:
    return NerCounts(result.correct, result.incorrect, result.partial, result.missed,
                     result.spurious)


def nervaluate_counts(
    gold_docs: Sequence[Sequence[Mention]],
    pred_docs: Sequence[Sequence[Mention]],
    labels: Sequence[str] = LABELS,
) -> dict[str, dict[str, NerCounts]]:
    """Counts computed by nervaluate: schema -> label (and ``"overall"``) -> counts.

    ``"overall"`` evaluates all labels together, so a predicted mention overlapping a gold one
    of another label is ``incorrect`` there, which the per-label figures never show.
    """
    raw = run_nervaluate(gold_docs, pred_docs, labels)
    out: dict[str, dict[str, NerCounts]] = {}
    for schema in NERVALUATE_SCHEMAS:
        per_label = {label: NerCounts() for label in labels}
        for label, by_schema in raw["entities"].items():
            per_label[label] = _counts_of(by_schema[schema])
        overall = raw["overall"].get(schema)
        per_label["overall"] = _counts_of(overall) if overall is not None else NerCounts()
        out[schema] = per_label
    return out
