"""From a source document to its mentions and relations in source offsets."""

from __future__ import annotations

import time

from pipeline.attribution.patients import attribute_patients
from pipeline.attribution.phases import attribute_phases
from pipeline.attribution.relations import (
    link_relations,
    with_measurement_times,
    with_paragraph_lab_times,
    with_table_lab_times,
    withdraw_implausible_frequencies,
)
from pipeline.extractors.found import Found, Spans
from pipeline.ingest.document import SourceDocument
from pipeline.segment import Segmentation, segment
from pipeline.standoff import Annotated, Mention, Relation
from pipeline.tables.build import Demographic, Evidence


def resolve_overlaps(found: list[Found]) -> list[Found]:
    """Within each label keep the longest of overlapping mentions (the earlier one on ties)."""
    out: list[Found] = []
    by_label: dict[str, list[Found]] = {}
    for f in found:
        by_label.setdefault(f.label, []).append(f)
    for items in by_label.values():
        taken = Spans()
        for f in sorted(items, key=lambda f: (-(f.end - f.start), f.start)):
            if not taken.overlaps(f.start, f.end):
                taken.add(f.start, f.end)
                out.append(f)
    return sorted(out, key=lambda f: (f.start, f.end, f.label))


Links = list[tuple[str, Found, Found]]
BARE_VOLUME_KEEP = frozenset({"freq", "route", "per_kg", "per_m2", "per_time", "count"})
"""Attributes of a DOSE that make a volume a posology even with no drug attached."""


class StageClock:
    """Adds the seconds each stage of an extraction takes to ``seconds``, by stage name; does
    nothing without it. The benchmarks read where the time goes from it."""

    def __init__(self, seconds: dict[str, float] | None) -> None:
        self.seconds = seconds
        self.last = time.perf_counter() if seconds is not None else 0.0

    def lap(self, stage: str) -> None:
        """The stage that ends now: its time since the last lap."""
        if self.seconds is not None:
            now = time.perf_counter()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.last
            self.last = now


def find_mentions(
    text: str, seg: Segmentation | None = None, clock: StageClock | None = None
) -> tuple[list[Found], Links, Segmentation]:
    """Run every finder on a clean text, then attribute patients and phases, then link.
    ``clock`` times each stage: segmentation, spaCy's tokenizer, each pipeline component, then
    overlaps, patients, phases and relations."""
    from pipeline.extractors.phrases import make_doc
    from pipeline.nlp import SPAN_GROUPS, build_nlp

    clock = clock or StageClock(None)
    nlp = build_nlp()
    seg = seg or segment(text)
    clock.lap("segmentation")
    doc = make_doc(nlp, text)
    clock.lap("tokenizer")
    doc._.segmentation = seg
    doc._.found = []
    for name, proc in nlp.pipeline:
        if name != SPAN_GROUPS:  # the mentions are read from doc._.found, not from doc.spans
            doc = proc(doc)
            clock.lap(name)
    found = resolve_overlaps([f for f in doc._.found if f.end > f.start])
    clock.lap("overlaps")
    found = attribute_patients(found, text, seg)
    clock.lap("patients")
    found = attribute_phases(found, text, seg)
    clock.lap("phases")
    found, links = with_measurement_times(found, link_relations(found, text, seg))
    found, links = with_table_lab_times(found, links, text, seg)
    found, links = with_paragraph_lab_times(found, links, text, seg)
    found, links = withdraw_implausible_frequencies(found, links)
    found = mark_unattached_doses(found, links)
    clock.lap("relations")
    return found, links, seg


def mark_unattached_doses(found: list[Found], links: Links) -> list[Found]:
    """A dose that could not be attached to a drug says so (``drug=unattached``), never guessed.

    A bare volume (``600 mL``: no frequency, route or rate) attached to no drug is not a
    posology at all (a blood loss, a sample, a lavage) and is dropped."""
    from dataclasses import replace

    attached = {id(a) for t, a, _ in links if t == "DOSE_OF"}
    out = []
    for f in found:
        if f.label == "DOSE" and id(f) not in attached:
            if f.attrs.get("unit") == "mL" and not BARE_VOLUME_KEEP.intersection(f.attrs):
                continue
            f = replace(f, attrs={**f.attrs, "drug": "unattached"})
        out.append(f)
    return out


def extract_document(doc: SourceDocument, seg: Segmentation | None = None,
                     clock: StageClock | None = None) -> Annotated:
    """Mentions and relations of a document, with offsets into its source text.

    ``seg`` is the segmentation of ``doc.clean_text`` when the caller already has it; ``clock``
    times each stage (see :func:`find_mentions`), the source offsets last.
    """
    found, links, _ = find_mentions(doc.clean_text, seg, clock)
    annotated = to_source_offsets(doc, found, links)
    if clock is not None:
        clock.lap("source offsets")
    return annotated


def to_source_offsets(doc: SourceDocument, found: list[Found], links: Links) -> Annotated:
    """Clean-text findings as mentions and relations in source offsets."""
    mapped: dict[int, Mention] = {}
    source = doc.source_text
    for f, (start, end) in zip(found, doc.offsets.to_source_all([(f.start, f.end) for f in found]),
                               strict=True):
        mapped[id(f)] = Mention(f.label, start, end, source[start:end], f.attrs)
    relations = [Relation(t, mapped[id(a)], mapped[id(b)]) for t, a, b in links]
    return Annotated(doc.doc_id, list(mapped.values()), relations)


def extract_case(doc: SourceDocument, seg: Segmentation | None = None) -> tuple[Annotated, list[Demographic]]:
    """A document's mentions and relations and its patients' demographic facts, in source offsets."""
    from pipeline.extractors.demographics import find_demographics

    found, links, seg = find_mentions(doc.clean_text, seg)
    facts = []
    for fact in find_demographics(doc.clean_text, seg, found):
        start, end = doc.to_source(fact.start, fact.end)
        facts.append(Demographic(fact.patient, fact.field, fact.value, fact.stat,
                                 Evidence(start, end, doc.source_text[start:end]), fact.n))
    return to_source_offsets(doc, found, links), facts
