"""From one document's mentions and relations to its rows in the six tables.

Pure: takes the source document, its annotations (source offsets) and demographic facts, and
returns validated DataFrames. Which mention becomes which row is decided here and only here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from pipeline import __version__
from pipeline.attribution.phases import INDEX_CLASS
from pipeline.attribution.relations import FOLLOW_UP
from pipeline.ingest.document import SourceDocument
from pipeline.standoff import Annotated, Mention
from pipeline.tables.schemas import COHORT, PHASES, TABLE_SCHEMAS, columns

NOT_A_STUDY_PATIENT = {"other", ""}
DOI = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>,;]+[^\s\"<>,;.)\]])",
                 re.I)
ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class Evidence:
    """Source offsets and the exact text between them."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, m: Mention, source: str) -> Evidence:
        return cls(m.start, m.end, source[m.start:m.end])

    def columns(self, prefix: str = "evidence") -> dict[str, object]:
        return {f"{prefix}_start": self.start, f"{prefix}_end": self.end, f"{prefix}_text": self.text}


@dataclass(frozen=True)
class Demographic:
    """One demographic fact of a patient, in source offsets (see ``extractors.demographics``)."""

    patient: str
    field: str  # sex, age_at_onset, age_at_diagnosis, age_at_index_start, ...
    value: str
    stat: str
    evidence: Evidence
    n: int | None = None  # how many patients, for stat == "count"


@dataclass
class TableSet:
    """The rows of one or more documents, one validated DataFrame per table."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.frames[table]

    def rows(self, table: str) -> int:
        return len(self.frames.get(table, ()))


def build_tables(
    doc: SourceDocument,
    annotated: Annotated,
    demographics: Sequence[Demographic] = (),
    *,
    processed_at: datetime | None = None,
    version: str = __version__,
) -> TableSet:
    """All rows of one document, validated against the table schemas."""
    source = doc.source_text
    links = _dose_links(annotated)
    followup = followup_months(annotated.mentions)
    rows: dict[str, list[dict[str, object]]] = {
        "documents": [_document_row(doc, version, processed_at)],
        "patients": _patient_rows(doc.doc_id, annotated.mentions, demographics, source, followup),
        "medications": _medication_rows(doc.doc_id, annotated.mentions, links, source, followup),
        "measurements": _measurement_rows(doc.doc_id, annotated.mentions, source),
        "events": _event_rows(doc.doc_id, annotated.mentions, source),
        "mentions": _mention_rows(doc.doc_id, annotated.mentions, demographics, source),
    }
    return TableSet({name: frame(name, rows[name]) for name in TABLE_SCHEMAS})


def frame(table: str, rows: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A validated DataFrame of ``table`` from row dicts (missing keys are null)."""
    cols = columns(table)
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    return TABLE_SCHEMAS[table].validate(df)


def find_doi(text: str) -> str | None:
    """The first DOI printed in a text, without its ``doi:`` prefix."""
    m = DOI.search(text)
    return m.group(1) if m else None


def _document_row(doc: SourceDocument, version: str, processed_at: datetime | None) -> dict[str, object]:
    when = (processed_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    title = doc.title or next((ln.strip() for ln in doc.clean_text.splitlines() if ln.strip()), None)
    return {
        "doc_id": doc.doc_id, "source_path": str(doc.path), "sha256": doc.sha256,
        "format": doc.format, "title": title[:500] if title else None,
        "doi": find_doi(doc.source_text), "pages": doc.pages, "characters": len(doc.source_text),
        "pipeline_version": version, "processed_at": when.isoformat(timespec="seconds"),
    }


def _patient(m: Mention) -> str | None:
    p = m.attrs.get("patient")
    return None if p is None or p in NOT_A_STUDY_PATIENT else p


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _when(at: str | None) -> dict[str, object]:
    """``at`` as the pipeline writes it: months from index start, an ISO date, or an event."""
    if at is None:
        return {}
    months = _number(at)
    if months is not None:
        return {"timepoint_months": months}
    if ISO_DATE.match(at):
        return {"timepoint_date": at}
    return {"timepoint_event": at}


def _dose_links(annotated: Annotated) -> dict[tuple[int, int, str], list[Mention]]:
    out: dict[tuple[int, int, str], list[Mention]] = {}
    for r in annotated.relations:
        if r.type == "DOSE_OF":
            out.setdefault((r.target.start, r.target.end, r.target.label), []).append(r.source)
    return out


def followup_months(mentions: Sequence[Mention]) -> dict[str, float]:
    """Months from index start to each patient's last follow-up: the longest of the patient's
    timepoints that state it ("Follow-up: 24 months", "12 months ... at the last follow-up"),
    counted from the index treatment's start."""
    out: dict[str, float] = {}
    for m in mentions:
        patient = _patient(m)
        months = _number(m.attrs.get("months"))
        if (m.label == "TIMEPOINT" and patient is not None and months is not None
                and m.attrs.get("anchor") == "index_start"
                and (m.attrs.get("event") == "last_followup" or FOLLOW_UP.match(m.text))):
            out[patient] = max(months, out.get(patient, months))
    return out


def _medication_rows(
    doc_id: str, mentions: Sequence[Mention], links: Mapping[tuple[int, int, str], list[Mention]],
    source: str, followup: Mapping[str, float],
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for m in mentions:
        patient = _patient(m)
        doses = links.get((m.start, m.end, m.label), [])
        if patient is None or m.label not in ("DRUG", "DRUG_CLASS"):
            continue
        if m.label == "DRUG_CLASS" and not doses:  # a class is a medication only when dosed
            continue
        phase = m.attrs.get("phase")
        base: dict[str, object] = {
            "doc_id": doc_id, "patient_id": patient, "drug": m.attrs.get("norm", m.text.lower()),
            "drug_class": m.attrs.get("class") if m.label == "DRUG" else m.attrs.get("norm"),
            "drugbank_id": m.attrs.get("drugbank"), "phase": phase if phase in PHASES else None,
            "timepoint_months": 0.0 if phase == "at_initiation"
            else followup.get(patient) if phase == "last_followup" else None,
            **Evidence.of(m, source).columns(),
        }
        if not doses:
            rows.append(base)
        for d in sorted(doses, key=lambda d: d.start):
            rows.append({**base, **_dose_columns(d), **Evidence.of(d, source).columns("dose_evidence")})
    return _one_per_drug_phase(rows)


def _dose_columns(d: Mention) -> dict[str, object]:
    return {
        "amount": d.attrs.get("amount"), "unit": dose_unit(d.attrs), "frequency": d.attrs.get("freq"),
        "per_day": _number(d.attrs.get("per_day")), "route": d.attrs.get("route"),
        "daily_dose_mg": _number(d.attrs.get("daily_mg")),
    }


def dose_unit(attrs: Mapping[str, str]) -> str | None:
    """The whole unit of a dose in UCUM: the amount's unit per body weight or surface and per
    time where the dose says so ("8 mg/kg" -> ``mg/kg``, "0.1 µg/kg/min" -> ``ug/kg/min``), so
    that a row never reads as a fixed amount it is not."""
    unit = attrs.get("unit")
    if unit is None:
        return None
    per = [part for flag, part in (("per_kg", "kg"), ("per_m2", "m2")) if attrs.get(flag) == "true"]
    if attrs.get("per_time"):
        per.append(attrs["per_time"])
    return "/".join([unit, *per])


DOSE_KEY = ("amount", "unit", "frequency", "route", "daily_dose_mg")


def _one_per_drug_phase(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """One row per drug, patient and phase: a dosed row replaces the undosed mentions of the same
    drug and phase; distinct doses in one phase (a taper) stay as rows of their own."""
    dosed = {(r["patient_id"], r["drug"], r["phase"]) for r in rows
             if r.get("dose_evidence_start") is not None}
    seen: set[tuple[object, ...]] = set()
    out = []
    for r in rows:
        key = (r["patient_id"], r["drug"], r["phase"])
        if r.get("dose_evidence_start") is None and key in dosed:
            continue
        full = (*key, *(r.get(k) for k in DOSE_KEY))
        if full in seen:
            continue
        seen.add(full)
        out.append(r)
    return out


def _measurement_rows(doc_id: str, mentions: Sequence[Mention], source: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for m in mentions:
        patient = _patient(m)
        if patient is None or m.label not in ("SCORE", "LAB"):
            continue
        a = m.attrs
        value = _number(a.get("value"))
        rows.append({
            "doc_id": doc_id, "patient_id": patient, "kind": "score" if m.label == "SCORE" else "lab",
            "name": a.get("instrument") or a.get("analyte") or m.text, "value": value,
            "unit": a.get("unit"), "statistic": a.get("stat") or ("value" if value is not None else None),
            "low": _number(a.get("low")), "high": _number(a.get("high")), "qualifier": a.get("qual"),
            **_when(a.get("at")), **Evidence.of(m, source).columns(),
        })
    return rows


def _event_rows(doc_id: str, mentions: Sequence[Mention], source: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for m in mentions:
        patient = _patient(m)
        if patient is None or m.label not in ("RESPONSE", "ADVERSE_EVENT"):
            continue
        when = {k: v for k, v in _when(m.attrs.get("at")).items() if k != "timepoint_event"}
        rows.append({
            "doc_id": doc_id, "patient_id": patient,
            "kind": "response" if m.label == "RESPONSE" else "adverse_event",
            "name": m.attrs.get("norm", m.text.lower()), "negated": m.attrs.get("negated") == "true",
            **when, **Evidence.of(m, source).columns(),
        })
    return rows


AGE_FIELDS = {
    "age_at_onset": "age_at_onset_years",
    "age_at_diagnosis": "age_at_diagnosis_years",
    "age_at_index_start": "age_at_index_start_years",
    "disease_duration_at_index_start": "disease_duration_years",
}


def _patient_rows(
    doc_id: str, mentions: Sequence[Mention], demographics: Sequence[Demographic], source: str,
    followup: Mapping[str, float],
) -> list[dict[str, object]]:
    order: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: (m.label != "PATIENT", m.start)):
        p = _patient(m)
        if p is not None and p not in order:
            order[p] = m
    rows = []
    for patient, first in sorted(order.items(), key=lambda kv: (kv[0] != COHORT, _natural(kv[0]))):
        mine = [m for m in mentions if _patient(m) == patient]
        row: dict[str, object] = {
            "doc_id": doc_id, "patient_id": patient, **Evidence.of(first, source).columns(),
            "index_drugs": "|".join(sorted({m.attrs["norm"] for m in mine if m.label == "DRUG"
                                            and m.attrs.get("class") == INDEX_CLASS
                                            and "norm" in m.attrs})) or None,
            "response": next((m.attrs.get("norm") for m in sorted(mine, key=lambda m: -m.start)
                              if m.label == "RESPONSE" and m.attrs.get("negated") != "true"), None),
            "followup_months": followup.get(patient),
        }
        for fact in demographics:
            if fact.patient != patient or fact.stat != "value":
                continue
            if fact.field == "sex":
                row.setdefault("sex", fact.value)
            elif fact.field == "diagnosis":
                row.setdefault("diagnosis", fact.value)
            elif fact.field in AGE_FIELDS:
                row.setdefault(AGE_FIELDS[fact.field], _number(fact.value))
        rows.append(row)
    return rows


def _natural(patient: str) -> tuple[int, str]:
    return (int(patient), "") if patient.isdigit() else (10**9, patient)


def _mention_rows(
    doc_id: str, mentions: Sequence[Mention], demographics: Sequence[Demographic], source: str
) -> list[dict[str, object]]:
    ordered = sorted(mentions, key=lambda m: (m.start, m.end, m.label))
    rows: list[dict[str, object]] = [
        {"doc_id": doc_id, "mention_id": f"T{n}", "label": m.label, "patient_id": m.attrs.get("patient"),
         "attributes": json.dumps(dict(m.attrs), ensure_ascii=False, sort_keys=True),
         **Evidence.of(m, source).columns()}
        for n, m in enumerate(ordered, start=1)
    ]
    for n, fact in enumerate(demographics, start=1):
        attrs = {"field": fact.field, "value": fact.value, "stat": fact.stat, "patient": fact.patient,
                 **({"n": str(fact.n)} if fact.n is not None else {})}
        rows.append({"doc_id": doc_id, "mention_id": f"D{n}", "label": "DEMOGRAPHIC",
                     "patient_id": fact.patient,
                     "attributes": json.dumps(attrs, ensure_ascii=False, sort_keys=True),
                     **fact.evidence.columns()})
    return rows
