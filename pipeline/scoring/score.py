"""Score a folder of predicted brat files against a folder of gold brat files.

``score`` reads the files and returns a :class:`ScoreReport`; ``write_score_report`` writes it as
``score.json`` and ``score.md``. The arithmetic lives in :mod:`pipeline.scoring.metrics`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.files import write_text_atomic
from pipeline.scoring.metrics import (
    PRF,
    Accuracy,
    Alignment,
    NerCounts,
    Tally,
    micro,
    nervaluate_counts,
)
from pipeline.standoff import Annotated, Mention, read_brat

CONTEXT_CHARS = 60
MAX_ERRORS_PER_LABEL = 10


@dataclass(frozen=True)
class ErrorExample:
    """One scoring error with its place in the text.

    ``start``/``end``/``text`` are the gold span for misses and boundary errors and the predicted
    span for spurious mentions; for boundary errors ``pred_*`` hold the predicted span.
    """

    kind: str
    doc_id: str
    label: str
    start: int
    end: int
    text: str
    left: str
    right: str
    pred_start: int | None = None
    pred_end: int | None = None
    pred_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict, without the empty ``pred_*`` fields."""
        data = asdict(self)
        if self.pred_start is None:
            for key in ("pred_start", "pred_end", "pred_text"):
                del data[key]
        return data


def error_example(
    kind: str, doc_id: str, text: str, mention: Mention, pred: Mention | None = None
) -> ErrorExample:
    """An :class:`ErrorExample` with ~60 characters of context on either side of ``mention``."""
    start = mention.start if pred is None else min(mention.start, pred.start)
    end = mention.end if pred is None else max(mention.end, pred.end)
    return ErrorExample(
        kind=kind, doc_id=doc_id, label=mention.label, start=mention.start, end=mention.end,
        text=mention.text, left=text[max(0, start - CONTEXT_CHARS):mention.start],
        right=text[mention.end:end + CONTEXT_CHARS],
        pred_start=None if pred is None else pred.start,
        pred_end=None if pred is None else pred.end,
        pred_text=None if pred is None else pred.text,
    )


@dataclass
class ScoreReport:
    """Everything ``score`` found: per-label scores, attributes, relations, patients, errors."""

    documents: list[str]
    missing_predictions: list[str]
    unscored_predictions: list[str]
    strict: dict[str, PRF]
    lenient: dict[str, PRF]
    counts: dict[str, NerCounts]
    nervaluate: dict[str, dict[str, NerCounts]]
    attributes: dict[str, dict[str, Accuracy]]
    relations: dict[str, PRF]
    patient: Accuracy
    misses: list[ErrorExample] = field(default_factory=list)
    spurious: list[ErrorExample] = field(default_factory=list)
    boundary: list[ErrorExample] = field(default_factory=list)

    @property
    def micro_strict(self) -> PRF:
        """Strict counts summed over labels."""
        return micro(self.strict.values())

    @property
    def micro_lenient(self) -> PRF:
        """Lenient counts summed over labels."""
        return micro(self.lenient.values())

    @property
    def micro_counts(self) -> NerCounts:
        """Own-matcher nervaluate-style counts summed over labels."""
        return sum(self.counts.values(), NerCounts())

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "documents": self.documents,
            "missing_predictions": self.missing_predictions,
            "unscored_predictions": self.unscored_predictions,
            "strict": {k: v.to_dict() for k, v in self.strict.items()},
            "lenient": {k: v.to_dict() for k, v in self.lenient.items()},
            "micro": {"strict": self.micro_strict.to_dict(),
                      "lenient": self.micro_lenient.to_dict(),
                      "counts": self.micro_counts.to_dict()},
            "counts": {k: v.to_dict() for k, v in self.counts.items()},
            "nervaluate": {schema: {k: v.to_dict() for k, v in per.items()}
                           for schema, per in self.nervaluate.items()},
            "attributes": {label: {k: v.to_dict() for k, v in per.items()}
                           for label, per in self.attributes.items()},
            "relations": {k: v.to_dict() for k, v in self.relations.items()},
            "micro_relations": micro(self.relations.values()).to_dict(),
            "patient": self.patient.to_dict(),
            "errors": {
                "misses": [e.to_dict() for e in self.misses],
                "spurious": [e.to_dict() for e in self.spurious],
                "boundary": [e.to_dict() for e in self.boundary],
            },
        }

    def to_markdown(self, max_errors: int = MAX_ERRORS_PER_LABEL) -> str:
        """Tables for a person to read, then the first ``max_errors`` errors per label and kind."""
        parts = [
            "# Scores",
            _summary_lines(self),
            "## Mentions per label",
            _mention_table(self),
            "## nervaluate, all labels together",
            _nervaluate_table(self.nervaluate),
            "## Attribute accuracy (leniently matched pairs)",
            _attribute_table(self.attributes),
            "## Relations",
            _relation_table(self.relations),
            "## Errors",
            _error_sections(self, max_errors),
        ]
        return "\n\n".join(parts) + "\n"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _summary_lines(report: ScoreReport) -> str:
    lines = [
        f"- documents scored: {len(report.documents)}",
        f"- missing predictions (all missed): {', '.join(report.missing_predictions) or 'none'}",
        f"- predictions without gold (not scored): "
        f"{', '.join(report.unscored_predictions) or 'none'}",
        f"- patient attribution: {report.patient.equal}/{report.patient.compared} = "
        f"{_pct(report.patient.accuracy)}% of leniently matched mentions",
        "- strict: same label and exact offsets; lenient: same label and overlapping, one-to-one."
        " Scores in %.",
    ]
    return "\n".join(lines)


def _mention_table(report: ScoreReport) -> str:
    header = ["Label", "Gold", "Pred", "Strict P", "Strict R", "Strict F1", "Lenient P",
              "Lenient R", "Lenient F1", "Correct", "Partial", "Missed", "Spurious"]
    rows = []
    named = [(label, report.strict[label], report.lenient[label], report.counts[label])
             for label in report.strict]
    for label, s, lv, c in [*named, ("**micro**", report.micro_strict, report.micro_lenient,
                                     report.micro_counts)]:
        rows.append([label, s.gold, s.pred, _pct(s.precision), _pct(s.recall), _pct(s.f1),
                     _pct(lv.precision), _pct(lv.recall), _pct(lv.f1), c.correct, c.partial,
                     c.missed, c.spurious])
    return _table(header, rows)


def _nervaluate_table(nervaluate: dict[str, dict[str, NerCounts]]) -> str:
    header = ["Schema", "Correct", "Incorrect", "Partial", "Missed", "Spurious", "Possible",
              "Actual"]
    rows = []
    for schema, per_label in nervaluate.items():
        c = per_label.get("overall", NerCounts())
        rows.append([schema, c.correct, c.incorrect, c.partial, c.missed, c.spurious,
                     c.possible, c.actual])
    return _table(header, rows)


def _attribute_table(attributes: dict[str, dict[str, Accuracy]]) -> str:
    rows = [[label, key, acc.compared, acc.equal, _pct(acc.accuracy)]
            for label, per in attributes.items() for key, acc in sorted(per.items())]
    if not rows:
        return "No matched mention carries attributes."
    return _table(["Label", "Attribute", "Compared", "Equal", "Accuracy"], rows)


def _relation_table(relations: dict[str, PRF]) -> str:
    rows = [[rtype, r.gold, r.pred, r.tp, _pct(r.precision), _pct(r.recall), _pct(r.f1)]
            for rtype, r in [*relations.items(), ("**micro**", micro(relations.values()))]]
    return _table(["Type", "Gold", "Pred", "TP", "P", "R", "F1"], rows)


def _snippet(text: str) -> str:
    return " ".join(text.split()).replace("`", "'")


def _error_line(e: ErrorExample) -> str:
    where = f"{e.doc_id} [{e.start}, {e.end})"
    if e.pred_text is not None:
        where += f" pred [{e.pred_start}, {e.pred_end}) `{_snippet(e.pred_text)}`"
    context = _snippet(f"…{e.left}[[{e.text}]]{e.right}…")
    return f"- {e.kind} {where}: `{context}`"


def _error_sections(report: ScoreReport, max_errors: int) -> str:
    sections = []
    kinds = [("Missed", report.misses), ("Spurious", report.spurious),
             ("Boundary errors", report.boundary)]
    seen = {e.label for _, errs in kinds for e in errs}
    labels = [lb for lb in report.strict if lb in seen] + sorted(seen - set(report.strict))
    for label in labels:
        lines = [f"### {label}"]
        for title, errs in kinds:
            mine = [e for e in errs if e.label == label]
            if mine:
                lines.append(f"{title} (first {min(max_errors, len(mine))} of {len(mine)}):")
                lines += [_error_line(e) for e in mine[:max_errors]]
        sections.append("\n".join(lines))
    return "\n\n".join(sections) or "No errors."


def _read_text(doc_id: str, candidates: Sequence[Path]) -> str:
    for folder in candidates:
        path = folder / f"{doc_id}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    tried = ", ".join(str(folder / f"{doc_id}.txt") for folder in candidates)
    raise FileNotFoundError(f"no text for {doc_id}: tried {tried}")


def _add_errors(
    errors: dict[str, list[ErrorExample]], text: str, gold: Annotated, pred: Annotated,
    found: Alignment,
) -> None:
    gm, pm, doc_id = gold.mentions, pred.mentions, gold.doc_id
    errors["miss"] += [error_example("miss", doc_id, text, gm[gi]) for gi in found.missed]
    errors["spurious"] += [error_example("spurious", doc_id, text, pm[pi])
                           for pi in found.spurious]
    errors["boundary"] += [error_example("boundary", doc_id, text, gm[gi], pm[pi])
                           for gi, pi in found.boundary]


def score(gold_dir: Path, pred_dir: Path, text_dir: Path | None = None) -> ScoreReport:
    """Score every ``<doc_id>.ann`` of ``gold_dir`` against ``pred_dir/<doc_id>.ann``.

    The text comes from ``text_dir/<doc_id>.txt`` when given, else from the ``.txt`` beside the
    predicted ``.ann`` (falling back to the one beside the gold ``.ann``). A document without a
    prediction counts as all missed and is listed in ``missing_predictions``.
    """
    for folder in (gold_dir, pred_dir):
        if not folder.is_dir():
            raise FileNotFoundError(f"not a folder: {folder}")
    tally = Tally()
    errors: dict[str, list[ErrorExample]] = {"miss": [], "spurious": [], "boundary": []}
    missing: list[str] = []
    gold_docs: list[list[Mention]] = []
    pred_docs: list[list[Mention]] = []
    gold_paths = sorted(gold_dir.glob("*.ann"))
    for gold_path in gold_paths:
        doc_id = gold_path.stem
        text = _read_text(doc_id, [text_dir] if text_dir is not None else [pred_dir, gold_dir])
        gold = read_brat(gold_path, text)
        pred_path = pred_dir / f"{doc_id}.ann"
        if pred_path.is_file():
            pred = read_brat(pred_path, text)
        else:
            missing.append(doc_id)
            pred = Annotated(doc_id, [])
        _add_errors(errors, text, gold, pred, tally.add(gold, pred))
        gold_docs.append(gold.mentions)
        pred_docs.append(pred.mentions)
    gold_ids = {p.stem for p in gold_paths}
    unscored = sorted(p.stem for p in pred_dir.glob("*.ann") if p.stem not in gold_ids)
    return ScoreReport(
        documents=[p.stem for p in gold_paths],
        missing_predictions=missing,
        unscored_predictions=unscored,
        strict=tally.strict,
        lenient=tally.lenient,
        counts=tally.counts,
        nervaluate=nervaluate_counts(gold_docs, pred_docs),
        attributes=tally.attributes,
        relations=tally.relations,
        patient=tally.patient,
        misses=errors["miss"],
        spurious=errors["spurious"],
        boundary=errors["boundary"],
    )


def agreement(dir_a: Path, dir_b: Path, text_dir: Path | None = None) -> ScoreReport:
    """Inter-annotator agreement: ``dir_a`` scored as gold against ``dir_b``.

    Per-label F1 is symmetric (swapping the annotators swaps precision and recall), so the F1
    columns are the pairwise agreement; attribute and patient accuracy are relative to ``dir_a``.
    """
    return score(dir_a, dir_b, text_dir)


def write_score_report(report: ScoreReport, out_dir: Path) -> tuple[Path, Path]:
    """Write ``score.json`` and ``score.md`` atomically into ``out_dir``; return both paths."""
    json_path, md_path = out_dir / "score.json", out_dir / "score.md"
    write_text_atomic(json_path, json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(md_path, report.to_markdown())
    return json_path, md_path
