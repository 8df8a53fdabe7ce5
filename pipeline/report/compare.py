"""Predicted mentions against gold, as the report shows them: a status per prediction, the
missed gold spans, per-label scores and one anchor per error.

The matching is :func:`pipeline.scoring.metrics.align` and the counts are
:class:`pipeline.scoring.metrics.Tally`, so the figures equal those of ``casemine score`` for the
same mentions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.scoring.metrics import PRF, Tally, align
from pipeline.standoff import LABELS, Annotated, Mention

ERROR_KINDS = ("missed", "spurious", "boundary")
"""Missed gold spans, spurious predictions, and predictions that overlap gold but differ in offsets."""


def error_anchor(kind: str, label: str, start: int, end: int) -> str:
    """The id of an error's element in its document page: ``fn-``, ``fp-`` or ``bd-``."""
    prefix = {"missed": "fn", "spurious": "fp", "boundary": "bd"}[kind]
    return f"{prefix}-{label}-{start}-{end}"


@dataclass(frozen=True)
class Comparison:
    """One document's predictions against its gold.

    ``status[i]`` is ``tp`` (exact match), ``boundary`` (overlaps a gold span of its label but with
    other offsets) or ``fp`` for the i-th predicted mention; ``partner[i]`` is the gold mention a
    boundary prediction was paired with.
    """

    status: tuple[str, ...]
    partner: Mapping[int, Mention]
    missed: tuple[Mention, ...]


def compare_mentions(gold: Sequence[Mention], pred: Sequence[Mention]) -> Comparison:
    """The status of every prediction and the gold mentions that no prediction overlaps."""
    found = align(gold, pred)
    exact = {pi for _, pi in found.strict}
    lenient = {pi: gi for gi, pi in found.lenient}
    status = tuple(
        "tp" if i in exact else "boundary" if i in lenient else "fp" for i in range(len(pred))
    )
    partner = {pi: gold[gi] for pi, gi in lenient.items() if pi not in exact}
    return Comparison(status, partner, tuple(gold[gi] for gi in found.missed))


@dataclass(frozen=True)
class ReportError:
    """One error, with the anchor of its element in the document page."""

    kind: str
    doc_id: str
    label: str
    start: int
    end: int
    text: str
    gold_text: str = ""

    @property
    def anchor(self) -> str:
        """The element id in ``doc/<doc_id>.html``."""
        return error_anchor(self.kind, self.label, self.start, self.end)


def document_errors(doc_id: str, pred: Sequence[Mention], comparison: Comparison) -> list[ReportError]:
    """The errors of one document, in text order."""
    errors = [ReportError("missed", doc_id, m.label, m.start, m.end, m.text) for m in comparison.missed]
    for i, m in enumerate(pred):
        if comparison.status[i] == "fp":
            errors.append(ReportError("spurious", doc_id, m.label, m.start, m.end, m.text))
        elif comparison.status[i] == "boundary":
            errors.append(ReportError("boundary", doc_id, m.label, m.start, m.end, m.text,
                                      comparison.partner[i].text))
    return sorted(errors, key=lambda e: (e.start, e.end, e.label, e.kind))


@dataclass(frozen=True)
class LabelScore:
    """One row of the score table."""

    label: str
    strict: PRF
    lenient: PRF
    errors: Mapping[str, int]


@dataclass(frozen=True)
class CorpusScore:
    """Scores over every document that has gold, and every error."""

    documents: tuple[str, ...]
    labels: tuple[LabelScore, ...]
    micro: LabelScore
    errors: tuple[ReportError, ...]

    def errors_of(self, label: str, kind: str) -> list[ReportError]:
        """The errors of one label and kind."""
        return [e for e in self.errors if e.label == label and e.kind == kind]


def score_corpus(
    gold: Mapping[str, Annotated], predictions: Mapping[str, Sequence[Mention]]
) -> CorpusScore:
    """Per-label strict and lenient scores of the documents present in both mappings."""
    tally = Tally()
    errors: list[ReportError] = []
    documents = tuple(sorted(d for d in gold if d in predictions))
    for doc_id in documents:
        pred = [m for m in predictions[doc_id] if m.label in LABELS]
        tally.add(gold[doc_id], Annotated(doc_id, pred))
        errors += document_errors(doc_id, pred, compare_mentions(gold[doc_id].mentions, pred))
    labels = [lb for lb in tally.strict if tally.strict[lb].gold or tally.strict[lb].pred]
    rows = tuple(
        LabelScore(lb, tally.strict[lb], tally.lenient[lb],
                   {k: sum(e.label == lb and e.kind == k for e in errors) for k in ERROR_KINDS})
        for lb in labels
    )
    total = LabelScore(
        "all (micro)", sum((r.strict for r in rows), PRF()), sum((r.lenient for r in rows), PRF()),
        {k: sum(e.kind == k for e in errors) for k in ERROR_KINDS},
    )
    return CorpusScore(documents, rows, total, tuple(errors))
