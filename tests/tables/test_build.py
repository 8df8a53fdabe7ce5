"""Rows of the six tables from a document: exact values, evidence that reproduces the source."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from pipeline.extract import extract_document
from pipeline.ingest import ingest_file
from pipeline.tables import TABLE_SCHEMAS, build_tables, columns
from pipeline.tables.build import Demographic, Evidence, find_doi, frame
from pipeline.tables.export import write_tables
from tests.conftest import EXAMPLES, PAPERS

REPORT = (
    "Tofacitinib in a girl with lupus: a case report\n\n"
    "Case presentation\n"
    "A 9-year-old girl was diagnosed with systemic lupus erythematosus. At tofacitinib initiation she "
    "was taking prednisone 10 mg qd and hydroxychloroquine 100 mg bid. Tofacitinib 5 mg bid was "
    "started. Her SLEDAI-2K score was 12 at tofacitinib initiation.\n"
)


def _tables(tmp_path: Path, text: str = REPORT, demographics=()):  # type: ignore[no-untyped-def]
    path = tmp_path / "case_report.txt"
    path.write_text(text, encoding="utf-8")
    doc = ingest_file(path)
    return doc, build_tables(doc, extract_document(doc), demographics)


def test_medications_rows_carry_drug_dose_and_evidence(tmp_path: Path):
    _doc, tables = _tables(tmp_path)
    meds = tables["medications"]
    dosed = meds[meds["dose_evidence_text"].notna()]
    got = [(r.patient_id, r.drug, r.drug_class, r.drugbank_id, r.amount, r.unit, r.frequency, r.per_day,
            r.daily_dose_mg, r.evidence_text, r.dose_evidence_text) for r in dosed.itertuples()]
    assert got == [
        ("1", "prednisone", "glucocorticoid", "DB00635", "10", "mg", "qd", 1.0, 10.0, "prednisone", "10 mg qd"),
        ("1", "hydroxychloroquine", "antimalarial", "DB01611", "100", "mg", "bid", 2.0, 200.0,
         "hydroxychloroquine", "100 mg bid"),
        ("1", "tofacitinib", "jak_inhibitor", "DB08895", "5", "mg", "bid", 2.0, 10.0, "Tofacitinib", "5 mg bid"),
    ]
    started = meds[meds["phase"] == "started"]
    assert list(started["drug"]) == ["tofacitinib"]


def test_one_row_per_drug_and_phase_when_a_dose_is_known(tmp_path: Path):
    _doc, tables = _tables(tmp_path)
    meds = tables["medications"]
    tofa = meds[(meds["drug"] == "tofacitinib") & (meds["phase"] == "started")]
    assert len(tofa) == 1 and tofa.iloc[0]["daily_dose_mg"] == 10.0


def test_measurements_and_patients(tmp_path: Path):
    _doc, tables = _tables(tmp_path)
    score = tables["measurements"].iloc[0]
    assert (score["kind"], score["name"], score["value"], score["statistic"], score["timepoint_months"]) == (
        "score", "SLEDAI-2K", 12.0, "value", 0.0)
    patients = tables["patients"]
    assert list(patients["patient_id"]) == ["1"]
    assert patients.iloc[0]["index_drugs"] == "tofacitinib"
    assert tables["documents"].iloc[0]["title"] == "Tofacitinib in a girl with lupus: a case report"
    assert tables["documents"].iloc[0]["characters"] == len(REPORT)


def test_demographics_fill_the_patient_row_and_appear_as_mentions(tmp_path: Path):
    start = REPORT.index("9-year-old girl")
    facts = [
        Demographic("1", "sex", "female", "value", Evidence(start + 11, start + 15, "girl")),
        Demographic("1", "age_at_index_start", "9", "value", Evidence(start, start + 10, "9-year-old")),
    ]
    _doc, tables = _tables(tmp_path, demographics=facts)
    row = tables["patients"].iloc[0]
    assert (row["sex"], row["age_at_index_start_years"]) == ("female", 9.0)
    demo = tables["mentions"][tables["mentions"]["label"] == "DEMOGRAPHIC"]
    assert list(demo["evidence_text"]) == ["girl", "9-year-old"]
    assert json.loads(demo.iloc[0]["attributes"]) == {"field": "sex", "patient": "1", "stat": "value",
                                                      "value": "female"}


def test_every_table_has_its_declared_columns_in_order(tmp_path: Path):
    _, tables = _tables(tmp_path)
    for name in TABLE_SCHEMAS:
        assert list(tables[name].columns) == columns(name)
        assert columns(name)[-3:] == ["evidence_start", "evidence_end", "evidence_text"] or name == "documents"


def test_schema_refuses_a_row_whose_evidence_is_empty_or_phase_unknown():
    row = {"doc_id": "d", "patient_id": "1", "drug": "tofacitinib", "evidence_start": 5, "evidence_end": 5,
           "evidence_text": ""}
    with pytest.raises(pandera.errors.SchemaError):
        frame("medications", [row])
    with pytest.raises(pandera.errors.SchemaError):
        frame("medications", [{**row, "evidence_end": 9, "evidence_text": "abcd", "phase": "sometimes"}])


def test_doi_as_printed():
    assert find_doi("Front Immunol 2024, doi:10.3389/fimmu.2024.1457821.") == "10.3389/fimmu.2024.1457821"
    assert find_doi("see https://doi.org/10.21203/rs.3.rs-1547265/v1 for") == "10.21203/rs.3.rs-1547265/v1"
    assert find_doi("no identifier here") is None


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path):
    _, tables = _tables(tmp_path)
    counts = write_tables({name: [tables[name]] for name in TABLE_SCHEMAS}, tmp_path / "tables")
    for name in TABLE_SCHEMAS:
        parquet = pd.read_parquet(tmp_path / "tables" / f"{name}.parquet")
        csv = pd.read_csv(tmp_path / "tables" / f"{name}.csv", keep_default_na=True)
        assert len(parquet) == len(csv) == counts[name] == len(tables[name])
        assert list(parquet.columns) == columns(name)
        pd.testing.assert_frame_equal(frame(name, parquet.to_dict("records")), tables[name],
                                      check_dtype=False)


def _all_documents(shared: Path | None) -> list[Path]:
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".md", ".xml", ".pdf"}
                   and p.name != "README.md")
    if shared is not None:
        files += [shared / f"{doc_id}.txt" for doc_id in PAPERS.values()]
    return files


@pytest.mark.slow
def test_every_row_of_every_table_points_back_to_its_words(shared_corpus: Path):
    for path in _all_documents(shared_corpus):
        doc = ingest_file(path)
        tables = build_tables(doc, extract_document(doc))
        for name in TABLE_SCHEMAS:
            df = tables[name]
            if "evidence_start" not in df.columns:
                continue
            for r in df.itertuples():
                assert doc.source_text[r.evidence_start:r.evidence_end] == r.evidence_text, (path, name, r)
            if name == "medications":
                dosed = df[df["dose_evidence_start"].notna()]
                for r in dosed.itertuples():
                    assert doc.source_text[int(r.dose_evidence_start):int(r.dose_evidence_end)] == \
                        r.dose_evidence_text


@pytest.mark.slow
def test_aggregate_statements_stay_out_of_patient_rows(shared_corpus: Path):
    doc = ingest_file(shared_corpus / f"{PAPERS['csle']}.txt")
    measurements = build_tables(doc, extract_document(doc))["measurements"]
    aggregate = measurements[measurements["statistic"].isin(["median", "mean", "average"])]
    assert len(aggregate) >= 3
    assert set(aggregate["patient_id"]) == {"cohort"}


def test_followup_months_place_the_last_follow_up_regimen(tmp_path: Path):
    text = ("Tofacitinib in two girls with lupus\n\n"
            "Case 1\n\nPrior treatment: prednisone (15 mg qd). Tofacitinib dosage: 5 mg bid. "
            "Follow-up: 24 months, prednisone dosage reduced (6.25 mg qd).\n\n"
            "Case 2\n\nPrior treatment: prednisone (25 mg qd). Tofacitinib dosage: 5 mg bid. "
            "Follow-up: 9 months, no change in hair loss.\n")
    _doc, tables = _tables(tmp_path, text)
    patients = tables["patients"]  # the title's drug makes a cohort row, without a follow-up
    assert list(zip(patients["patient_id"], patients["followup_months"].fillna(-1), strict=True)) == [
        ("cohort", -1), ("1", 24.0), ("2", 9.0)]
    meds = tables["medications"]
    last = meds[meds["phase"] == "last_followup"]
    assert [(r.patient_id, r.drug, r.daily_dose_mg, r.timepoint_months) for r in last.itertuples()] == [
        ("1", "prednisone", 6.25, 24.0)]


@pytest.mark.slow
def test_followup_months_of_the_csle_series(shared_corpus: Path):
    doc = ingest_file(shared_corpus / f"{PAPERS['csle']}.txt")
    patients = build_tables(doc, extract_document(doc))["patients"].set_index("patient_id")
    # "Follow-up: 24 months" (Case 1), "Follow-up: 18 months" (Case 2), Case 3's "Follow-up: 3
    # months" and later "Follow-up at 12 months": the last follow-up is the latest
    assert patients.loc[["1", "2", "3"], "followup_months"].tolist() == [24.0, 18.0, 12.0]


def test_a_dose_per_weight_or_per_time_keeps_it_in_its_unit(tmp_path: Path):
    text = ("Case 1\n\nShe received tocilizumab 8 mg/kg every 2 weeks IV, norepinephrine "
            "0.1 µg/kg/min and cyclophosphamide 500 mg/m2 once.\n")
    _doc, tables = _tables(tmp_path, text)
    meds = tables["medications"].astype(object).where(tables["medications"].notna(), None)
    assert [(r.drug, r.amount, r.unit, r.frequency, r.daily_dose_mg) for r in meds.itertuples()] == [
        ("tocilizumab", "8", "mg/kg", "q2w", None),
        ("norepinephrine", "0.1", "ug/kg/min", None, None),
        ("cyclophosphamide", "500", "mg/m2", "once", None),
    ]
