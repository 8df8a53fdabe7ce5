"""A document's marks from its table rows: every mention, the gold spans it missed, and an
anchor for every row's evidence, each carrying the ids that links point to."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import pandas as pd

from pipeline.report.compare import Comparison, compare_mentions, error_anchor
from pipeline.report.highlight import Span, nesting_order
from pipeline.report.links import evidence_anchor
from pipeline.standoff import LABELS, Annotated, Mention

EVIDENCE_COLUMNS = (("evidence_start", "evidence_end"), ("dose_evidence_start", "dose_evidence_end"))
STATUS_ERROR = {"fp": "spurious", "boundary": "boundary"}


def parse_attributes(raw: object) -> dict[str, str]:
    """The ``attributes`` JSON of a mention row as a dict of strings (``{}`` when unreadable)."""
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def row_mention(row: Mapping[str, object]) -> Mention:
    """A mentions-table row as a :class:`Mention` with its attributes."""
    start, end = int(row["evidence_start"]), int(row["evidence_end"])  # type: ignore[call-overload]
    return Mention(str(row["label"]), start, end, str(row["evidence_text"]),
                   parse_attributes(row.get("attributes")))


def ordered_rows(mentions: pd.DataFrame) -> list[dict[str, object]]:
    """The mention rows in text order (start, end, label; ties keep the table's order)."""
    return sorted(mentions.to_dict("records"),
                  key=lambda r: (int(r["evidence_start"]), int(r["evidence_end"]), str(r["label"])))


def predicted_mentions(mentions: pd.DataFrame) -> list[Mention]:
    """The scored mentions of one document (labels of the gold guidelines), in text order; the
    order :func:`document_spans` expects of a :class:`Comparison`."""
    return [row_mention(r) for r in ordered_rows(mentions) if r["label"] in LABELS]


def _shown_attributes(attrs: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in attrs.items() if k != "patient"))


def _mention_span(row: Mapping[str, object], status: str, note: str) -> Span:
    m = row_mention(row)
    patient = row.get("patient_id")
    return Span(m.start, m.end, m.label, "mention", status, str(row.get("mention_id") or ""),
                patient if isinstance(patient, str) else "", _shown_attributes(m.attrs), (), note)


def _compared(rows: list[dict[str, object]], comparison: Comparison | None) -> list[Span]:
    scored = [i for i, r in enumerate(rows) if r["label"] in LABELS]
    status: dict[int, str] = {}
    notes: dict[int, str] = {}
    if comparison is not None:
        status = {i: comparison.status[n] for n, i in enumerate(scored)}
        for n, g in comparison.partner.items():
            notes[scored[n]] = f"gold {g.label} [{g.start}, {g.end}): {g.text}"
    return [_mention_span(r, status.get(i, ""), notes.get(i, "")) for i, r in enumerate(rows)]


def _missed_span(m: Mention) -> Span:
    return Span(m.start, m.end, m.label, "missed", "fn", "", m.attrs.get("patient", ""),
                _shown_attributes(m.attrs))


def evidence_offsets(frames: Iterable[pd.DataFrame]) -> set[tuple[int, int]]:
    """Every evidence span (and dose evidence span) of the given table rows."""
    found: set[tuple[int, int]] = set()
    for df in frames:
        for start_col, end_col in EVIDENCE_COLUMNS:
            if start_col in df and end_col in df:
                pairs = df[[start_col, end_col]].dropna()
                found.update((int(s), int(e)) for s, e in pairs.itertuples(index=False))
    return found


def _with_anchors(spans: Sequence[Span]) -> list[Span]:
    """Evidence ids on the outermost prediction of each exact offset pair (a missed gold span only
    when no prediction has those offsets); error ids on their span."""
    taken: set[str] = set()
    out = []
    for span in sorted(spans, key=lambda s: (s.kind == "missed", nesting_order(s))):
        anchors = []
        candidates = [evidence_anchor(span.start, span.end)]
        if span.kind == "missed":
            candidates.append(error_anchor("missed", span.label, span.start, span.end))
        elif span.status in STATUS_ERROR:
            candidates.append(error_anchor(STATUS_ERROR[span.status], span.label, span.start, span.end))
        for anchor in candidates:
            if anchor not in taken:
                taken.add(anchor)
                anchors.append(anchor)
        out.append(replace(span, anchors=tuple(anchors)))
    return out


def compare_document(mentions: pd.DataFrame, gold: Annotated) -> Comparison:
    """The document's predicted mentions against its gold."""
    return compare_mentions(gold.mentions, predicted_mentions(mentions))


def document_spans(
    text: str, mentions: pd.DataFrame, evidence: Iterable[tuple[int, int]],
    comparison: Comparison | None = None,
) -> list[Span]:
    """All marks of one document: its mentions (with their status in ``comparison``, from
    :func:`compare_document`), the gold spans no prediction overlaps, and a plain anchor for
    evidence that is no mention's span."""
    spans = _compared(ordered_rows(mentions), comparison)
    if comparison is not None:
        spans += [_missed_span(m) for m in comparison.missed]
    exact = {(s.start, s.end) for s in spans}
    spans += [Span(s, e, "EVIDENCE", "evidence") for s, e in sorted(set(evidence) - exact)]
    return [s for s in _with_anchors(spans) if 0 <= s.start < s.end <= len(text)]
