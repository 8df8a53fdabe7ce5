"""Inputs of the report tests: real documents through the pipeline (cached per test run) and a
small hand-made document with overlapping spans and markup in its text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.standoff import Annotated, Mention
from pipeline.tables.build import TableSet, frame
from pipeline.tables.schemas import TABLE_SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "corpora" / "examples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "annotations"
PAPER_000 = "000_6609ea2d8f922a32"
EX01 = "ex01_narrative_tofacitinib_sjia"


@cache
def extracted(path: Path) -> tuple[str, Annotated, TableSet]:
    """Source text, annotations and tables of one file, as the pipeline makes them."""
    from pipeline.extract import extract_document
    from pipeline.ingest import ingest_file
    from pipeline.tables import build_tables

    doc = ingest_file(path)
    annotated = extract_document(doc)
    return doc.source_text, annotated, build_tables(doc, annotated)


def combined(*tablesets: TableSet) -> TableSet:
    """The rows of several documents in one :class:`TableSet`."""
    return TableSet({name: pd.concat([t.frames[name] for t in tablesets], ignore_index=True)
                     for name in TABLE_SCHEMAS})


SYNTHETIC_ID = "syn<01>"
SYNTHETIC_TEXT = (
    "Case 1 <script>alert('x')</script> & co.\n"
    "She received tofacitinib 5 mg bid; SLEDAI-2K fell to 2 at 6 months.\n"
)


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def synthetic() -> tuple[str, TableSet]:
    """A document whose text holds markup, with a DOSE inside a longer DRUG span (nesting) and a
    SCORE crossing the end of a TIMEPOINT (crossing), with attributes that need escaping; patient 1
    has timed values, patient 2 only an untimed dose."""
    text = SYNTHETIC_TEXT
    spans = {
        "PATIENT": _span(text, "Case 1"),
        "DRUG": _span(text, "tofacitinib 5 mg bid"),
        "DOSE": _span(text, "5 mg bid"),
        "SCORE": _span(text, "SLEDAI-2K fell to 2"),
        "TIMEPOINT": _span(text, "to 2 at 6 months"),
        "ADVERSE_EVENT": _span(text, "<script>alert('x')</script>"),
    }
    attrs = {
        "PATIENT": {"patient": "1"},
        "DRUG": {"norm": "tofacitinib", "class": "jak_inhibitor", "patient": "1", "phase": "at_initiation"},
        "DOSE": {"amount": "5", "unit": "mg", "freq": "bid", "daily_mg": "10", "patient": "1"},
        "SCORE": {"instrument": "SLEDAI-2K", "value": "2", "at": "6", "patient": "1"},
        "TIMEPOINT": {"months": "6", "patient": "1"},
        "ADVERSE_EVENT": {"norm": "<b>\"quoted\"</b>", "patient": "1"},
    }
    ordered = sorted(spans.items(), key=lambda kv: kv[1])
    mentions = [
        {"doc_id": SYNTHETIC_ID, "mention_id": f"T{n}", "label": label, "patient_id": "1",
         "attributes": json.dumps(attrs[label], sort_keys=True),
         "evidence_start": s, "evidence_end": e, "evidence_text": text[s:e]}
        for n, (label, (s, e)) in enumerate(ordered, start=1)
    ]
    drug, dose, score, she = spans["DRUG"], spans["DOSE"], spans["SCORE"], _span(text, "She")
    tables = TableSet({
        "documents": frame("documents", [{
            "doc_id": SYNTHETIC_ID, "source_path": "syn.txt", "sha256": "0" * 64, "format": "text",
            "title": "A <script> title", "doi": None, "pages": None, "characters": len(text),
            "pipeline_version": "test", "processed_at": "2024-01-01T00:00:00+00:00"}]),
        "patients": frame("patients", [{
            "doc_id": SYNTHETIC_ID, "patient_id": "1", "index_drugs": "tofacitinib",
            "evidence_start": spans["PATIENT"][0], "evidence_end": spans["PATIENT"][1],
            "evidence_text": "Case 1"}, {
            "doc_id": SYNTHETIC_ID, "patient_id": "2", "evidence_start": she[0], "evidence_end": she[1],
            "evidence_text": "She"}]),
        "medications": frame("medications", [{
            "doc_id": SYNTHETIC_ID, "patient_id": "1", "drug": "tofacitinib", "drug_class": "jak_inhibitor",
            "amount": "5", "unit": "mg", "frequency": "bid", "per_day": 2.0, "daily_dose_mg": 10.0,
            "phase": "at_initiation", "timepoint_months": 0.0,
            "evidence_start": drug[0], "evidence_end": drug[0] + len("tofacitinib"), "evidence_text": "tofacitinib",
            "dose_evidence_start": dose[0], "dose_evidence_end": dose[1], "dose_evidence_text": "5 mg bid"}, {
            "doc_id": SYNTHETIC_ID, "patient_id": "2", "drug": "prednisone", "drug_class": "glucocorticoid",
            "daily_dose_mg": 20.0, "phase": "prior",
            "evidence_start": she[0], "evidence_end": she[1], "evidence_text": "She"}]),
        "measurements": frame("measurements", [{
            "doc_id": SYNTHETIC_ID, "patient_id": "1", "kind": "score", "name": "SLEDAI-2K", "value": 2.0,
            "statistic": "value", "timepoint_months": 6.0,
            "evidence_start": score[0], "evidence_end": score[1], "evidence_text": text[score[0]:score[1]]}]),
        "events": frame("events", [{
            "doc_id": SYNTHETIC_ID, "patient_id": "1", "kind": "adverse_event", "name": "<b>\"quoted\"</b>",
            "negated": False, "evidence_start": spans["ADVERSE_EVENT"][0],
            "evidence_end": spans["ADVERSE_EVENT"][1], "evidence_text": text[slice(*spans["ADVERSE_EVENT"])]}]),
        "mentions": frame("mentions", mentions),
    })
    return text, tables


def synthetic_gold() -> Annotated:
    """Gold for the synthetic document: one exact match, one miss, one other-offset match."""
    text = SYNTHETIC_TEXT
    s, e = _span(text, "tofacitinib 5 mg bid")
    m, n = _span(text, "6 months")
    d, f = _span(text, "5 mg")
    return Annotated(SYNTHETIC_ID, [
        Mention("DRUG", s, e, text[s:e], {"patient": "1"}),
        Mention("TIMEPOINT", m, n, text[m:n], {"patient": "1"}),
        Mention("DOSE", d, f, text[d:f], {"patient": "1"}),
        Mention("LAB", text.index("co."), text.index("co.") + 2, "co", {"patient": "1"}),
    ])
