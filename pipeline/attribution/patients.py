"""Which patient each mention belongs to: a case number, ``cohort`` or ``other``.

Evidence, strongest first: the table row, the per-case block, a numbered patient in the same
sentence (or the sentence before, for a sentence that goes on about "he"/"she"), then the kind
of section and whether the sentence cites other work or speaks of the study's own patients.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from pipeline.attribution.rules import AttributionRules, attribution_rules
from pipeline.extractors.found import Found
from pipeline.segment.model import Segmentation, Table

PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")
CONTINUATION_SENTENCES = 3


@dataclass(frozen=True)
class DocumentShape:
    """Whether a document reports one patient or a series."""

    single_case: bool
    patient_ids: frozenset[str]


def document_shape(found: list[Found], seg: Segmentation) -> DocumentShape:
    """A series has case blocks, numbered table rows or several numbered patients."""
    ids = {f.attrs["id"] for f in found if f.label == "PATIENT" and f.attrs.get("id")}
    ids |= {c.case_id for c in seg.case_blocks() if c.case_id}
    return DocumentShape(single_case=len(ids) <= 1, patient_ids=frozenset(ids))


def attribute_patients(found: list[Found], text: str, seg: Segmentation) -> list[Found]:
    """A copy of ``found`` with ``patient`` set on every mention."""
    rules = attribution_rules()
    shape = document_shape(found, seg)
    sentences = [(s.start, s.end) for s in seg.sentences]
    starts = [s for s, _ in sentences]
    numbered = [f for f in found if f.label == "PATIENT" and f.attrs.get("id")]
    out = []
    for f in found:
        patient = _patient_of(f, text, seg, shape, sentences, starts, numbered, rules)
        attrs = dict(f.attrs)
        attrs.pop("id", None)
        attrs["patient"] = patient
        out.append(replace(f, attrs=attrs))
    return out


def _patient_of(
    f: Found,
    text: str,
    seg: Segmentation,
    shape: DocumentShape,
    sentences: list[tuple[int, int]],
    starts: list[int],
    numbered: list[Found],
    rules: AttributionRules,
) -> str:
    if f.label == "PATIENT" and f.attrs.get("id"):
        return str(f.attrs["id"])
    table = _table_at(seg.tables, f.start)
    if table is not None:
        if table.footnote and table.footnote[0] <= f.start < table.footnote[1]:
            return "other"
        for row in table.rows:
            if row.start <= f.start < row.end and (row.key or "").isdigit():
                return row.key or "cohort"
        return "1" if shape.single_case else "cohort"
    section = seg.section_at(f.start)
    kind = section.kind if section else "front"
    if section is not None and section.kind == "case" and section.case_id:
        return section.case_id
    i = bisect_right(starts, f.start) - 1
    sent = sentences[i] if i >= 0 else (0, len(text))
    sentence = text[sent[0]:sent[1]]
    in_sentence = [p for p in numbered if sent[0] <= p.start < sent[1]]
    ids = {p.attrs["id"] for p in in_sentence}
    if len(ids) == 1 and not shape.single_case:
        # "three had infections; one (Patient 6) showed leukopenia": the clause decides
        left = text.rfind(";", sent[0], f.start) + 1 or sent[0]
        right = text.find(";", f.end, sent[1])
        right = sent[1] if right < 0 else right
        if any(left <= p.start < right for p in in_sentence) or ";" not in sentence:
            return next(iter(ids))
    if len(ids) > 1:
        # an enumeration with labels, "case 1: 15 mg/day ..., case 2: 25 mg/day": the label before
        labelled = [p for p in in_sentence if p.end <= f.start and text[p.end:p.end + 1] == ":"]
        return labelled[-1].attrs["id"] if labelled else "cohort"
    if i > 0 and PRONOUN.search(sentence) and not shape.single_case:
        # the story of one patient goes on in "he"/"she" sentences of the same paragraph
        for k in range(i - 1, max(-1, i - 1 - CONTINUATION_SENTENCES), -1):
            prev = sentences[k]
            if "\n\n" in text[prev[1]:sent[0]]:
                break
            before = {p.attrs["id"] for p in numbered if prev[0] <= p.start < prev[1]}
            if len(before) == 1:
                return next(iter(before))
            if before or not PRONOUN.search(text[prev[0]:prev[1]]):
                break
    cites = any(p.search(sentence) for p in rules.citation)
    own = any(p.search(sentence) for p in rules.own)
    study = "1" if shape.single_case else "cohort"
    if shape.single_case and f.label == "PATIENT" and f.rule == "definite" and not cites:
        return "1"
    if kind == "keywords":
        return study if shape.single_case else "other"
    if kind == "introduction" and own and not cites:
        return study
    if kind in rules.other_sections:
        return "other"
    if kind in ("discussion", "conclusion"):
        return study if own and not cites else "other"
    if cites and not own:
        return "other"
    if kind == "abstract" and section is not None and section.title.lower() in rules.background_parts:
        return study if own else "other"
    if kind == "methods" and any(p.search(sentence) for p in rules.definition):
        return "other"
    if kind == "methods" and not own:
        return "other" if f.label in ("RESPONSE", "DOSE", "LAB", "SCORE") else study
    return study


def _table_at(tables: list[Table], offset: int) -> Table | None:
    for t in tables:
        if t.start <= offset < t.end:
            return t
    return None
