"""One pandera schema per output table: the single source of truth for the DataFrames, the
CSV/Parquet files and the case database's DDL (``pipeline.db.schema`` derives it from here).

Every row that states a fact carries ``evidence_start``/``evidence_end``: half-open offsets into
the document's source text (the decoded file, or a PDF's text layer) with ``evidence_text`` the
exact characters there. Aggregate statements (median, IQR, counts) belong to
``patient_id = "cohort"``, never to a patient.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

PHASES = ("prior", "at_initiation", "started", "discontinued", "last_followup")
MEASUREMENT_KINDS = ("score", "lab")
EVENT_KINDS = ("response", "adverse_event")
COHORT = "cohort"


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True  # no column that the schema does not declare
        coerce = True


class _Evidence(_Strict):
    evidence_start: Series[int] = pa.Field(ge=0, description="source offset of the first character")
    evidence_end: Series[int] = pa.Field(ge=0, description="source offset after the last character")
    evidence_text: Series[str] = pa.Field(description="the source text between the two offsets")

    @pa.dataframe_check
    @classmethod
    def evidence_is_a_span(cls, df: object) -> Series[bool]:
        return df["evidence_end"] > df["evidence_start"]  # type: ignore[index]


class DocumentsSchema(_Strict):
    """One row per processed document."""

    doc_id: Series[str] = pa.Field(unique=True, description="the file's stem")
    source_path: Series[str] = pa.Field(description="the file as it was given")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="of the file's bytes")
    format: Series[str] = pa.Field(isin=["text", "markdown", "pdf", "jats"])
    title: Series[str] = pa.Field(nullable=True)
    doi: Series[str] = pa.Field(nullable=True, description="as printed in the document")
    pages: Series[pa.typing.Int64] = pa.Field(nullable=True, ge=1, description="PDF pages")
    characters: Series[int] = pa.Field(ge=0, description="length of the source text")
    pipeline_version: Series[str]
    processed_at: Series[str] = pa.Field(description="UTC, ISO 8601")


class PatientsSchema(_Evidence):
    """One row per patient of a document (and one ``cohort`` row when the study has several).

    The evidence is where the patient is introduced (a case heading or table row); the words
    behind each demographic value are rows of ``mentions`` with label ``DEMOGRAPHIC``.
    """

    doc_id: Series[str]
    patient_id: Series[str]
    sex: Series[str] = pa.Field(nullable=True, isin=["female", "male"])
    age_at_onset_years: Series[float] = pa.Field(nullable=True, ge=0, le=120)
    age_at_diagnosis_years: Series[float] = pa.Field(nullable=True, ge=0, le=120)
    age_at_index_start_years: Series[float] = pa.Field(nullable=True, ge=0, le=120)
    disease_duration_years: Series[float] = pa.Field(nullable=True, ge=0, le=120,
                                                     description="at index treatment start")
    diagnosis: Series[str] = pa.Field(nullable=True)
    index_drugs: Series[str] = pa.Field(nullable=True, description="'|'-joined canonical names")
    followup_months: Series[float] = pa.Field(nullable=True, ge=0, le=1200,
                                              description="months from index start to the last follow-up")
    response: Series[str] = pa.Field(nullable=True, description="the last response stated")


class MedicationsSchema(_Evidence):
    """One row per drug per patient per phase (and per distinct dose within a phase)."""

    doc_id: Series[str]
    patient_id: Series[str]
    drug: Series[str] = pa.Field(description="canonical name")
    drug_class: Series[str] = pa.Field(nullable=True)
    drugbank_id: Series[str] = pa.Field(nullable=True, str_matches=r"^DB\d{5}$")
    amount: Series[str] = pa.Field(nullable=True, description="as normalised: '5', '0.5', '50+25'")
    unit: Series[str] = pa.Field(nullable=True, description="UCUM, per kg, m2 or time where the dose "
                                 "says so: 'mg', 'mg/kg', 'ug/kg/min'")
    frequency: Series[str] = pa.Field(nullable=True, description="code: qd, bid, q4w, split, ...")
    per_day: Series[float] = pa.Field(nullable=True, gt=0)
    route: Series[str] = pa.Field(nullable=True)
    daily_dose_mg: Series[float] = pa.Field(nullable=True, ge=0)
    phase: Series[str] = pa.Field(nullable=True, isin=list(PHASES))
    timepoint_months: Series[float] = pa.Field(nullable=True, description="from index start")
    timepoint_date: Series[str] = pa.Field(nullable=True, description="ISO 8601, at its precision")
    dose_evidence_start: Series[pa.typing.Int64] = pa.Field(nullable=True, ge=0)
    dose_evidence_end: Series[pa.typing.Int64] = pa.Field(nullable=True, ge=0)
    dose_evidence_text: Series[str] = pa.Field(nullable=True)


class MeasurementsSchema(_Evidence):
    """Scores and lab values."""

    doc_id: Series[str]
    patient_id: Series[str]
    kind: Series[str] = pa.Field(isin=list(MEASUREMENT_KINDS))
    name: Series[str] = pa.Field(description="instrument or analyte")
    value: Series[float] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=True)
    statistic: Series[str] = pa.Field(nullable=True, description="value, median, mean, ...")
    low: Series[float] = pa.Field(nullable=True, description="of a range or IQR")
    high: Series[float] = pa.Field(nullable=True)
    qualifier: Series[str] = pa.Field(nullable=True, description="positive, elevated, ...")
    timepoint_months: Series[float] = pa.Field(nullable=True, description="from index start")
    timepoint_date: Series[str] = pa.Field(nullable=True)
    timepoint_event: Series[str] = pa.Field(nullable=True, description="onset, last_followup, ...")


class EventsSchema(_Evidence):
    """Responses and adverse events."""

    doc_id: Series[str]
    patient_id: Series[str]
    kind: Series[str] = pa.Field(isin=list(EVENT_KINDS))
    name: Series[str] = pa.Field(description="normalised term")
    negated: Series[bool]
    timepoint_months: Series[float] = pa.Field(nullable=True)
    timepoint_date: Series[str] = pa.Field(nullable=True)


class MentionsSchema(_Evidence):
    """Every extracted span, with its label, attributes and patient."""

    doc_id: Series[str]
    mention_id: Series[str] = pa.Field(description="T1, T2, ... as in the brat file")
    label: Series[str]
    patient_id: Series[str] = pa.Field(nullable=True)
    attributes: Series[str] = pa.Field(description="JSON object of the normalised attributes")


TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "documents": DocumentsSchema,
    "patients": PatientsSchema,
    "medications": MedicationsSchema,
    "measurements": MeasurementsSchema,
    "events": EventsSchema,
    "mentions": MentionsSchema,
}
"""The tables, in load order (``documents`` first: the others refer to it)."""

def columns(table: str) -> list[str]:
    """The declared columns of ``table``: its own first, then the evidence columns."""
    names = list(TABLE_SCHEMAS[table].to_schema().columns)
    evidence = [c for c in names if c.startswith("evidence_")]
    return [c for c in names if c not in evidence] + evidence


def column_kind(table: str, column: str) -> str:
    """What a declared column holds, for the stores derived from the schema: int, float, bool or str."""
    dtype = str(TABLE_SCHEMAS[table].to_schema().columns[column].dtype).lower()
    return next((kind for kind in ("int", "float", "bool") if dtype.startswith(kind)), "str")
