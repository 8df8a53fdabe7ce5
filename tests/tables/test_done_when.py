"""The medications table of the tofacitinib-for-cSLE series: every concomitant drug at tofacitinib
start and at last follow-up, with its daily dose, for each of the nine patients (its Table 2,
read by hand), and the cotreatment question answered from the case database."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.db import CaseStore
from pipeline.db.queries import run_named_query
from pipeline.extract import extract_document
from pipeline.ingest import ingest_file
from pipeline.tables import build_tables
from tests.conftest import PAPERS

GC, HCQ, MMF, TOF = "prednisone", "hydroxychloroquine", "mycophenolate mofetil", "tofacitinib"
TAC, BEL, LEF, CTX = "tacrolimus", "belimumab", "leflunomide", "cyclophosphamide"
# patient -> phase -> {drug: daily dose in mg}, as Table 2 states them
TABLE_2 = {
    "1": {"at_initiation": {GC: 15, HCQ: 200, "cyclosporine": 75, BEL: 17.14},
          "last_followup": {GC: 6.25, HCQ: 200, TOF: 10, "telitacicept": 11.43}},
    "2": {"at_initiation": {GC: 25, HCQ: 300, MMF: 1000, BEL: 17.14},
          "last_followup": {GC: 12.5, HCQ: 300, MMF: 1000, TOF: 10}},
    "3": {"at_initiation": {GC: 32.5, HCQ: 200, LEF: 20, MMF: 750},
          "last_followup": {GC: 5, HCQ: 200, MMF: 750}},
    "4": {"at_initiation": {GC: 20, HCQ: 200, TAC: 2, BEL: 12.86},
          "last_followup": {GC: 15, HCQ: 200, TAC: 2, TOF: 10}},
    "5": {"at_initiation": {GC: 30, HCQ: 200, TAC: 2, BEL: 17.14},
          "last_followup": {GC: 27.5, HCQ: 200, LEF: 20, BEL: 17.14}},
    "6": {"at_initiation": {GC: 7.5, HCQ: 200, MMF: 1000},
          "last_followup": {GC: 7.5, HCQ: 200, MMF: 1000}},
    "7": {"at_initiation": {GC: 20, MMF: 1250},
          "last_followup": {GC: 12.5, MMF: 1250, TOF: 10}},
    "8": {"at_initiation": {GC: 12.5, HCQ: 150, CTX: 12.5, MMF: 750, BEL: 12.86},
          "last_followup": {GC: 2.5, HCQ: 150, MMF: 1000, TAC: 2}},
    "9": {"at_initiation": {GC: 7.5, HCQ: 200, MMF: 1000, BEL: 21.43},
          "last_followup": {GC: 2.5, HCQ: 200, MMF: 1000, TAC: 2}},
}


@pytest.fixture(scope="module")
def csle(shared_corpus: Path):  # type: ignore[no-untyped-def]
    doc = ingest_file(shared_corpus / f"{PAPERS['csle']}.txt")
    return doc, build_tables(doc, extract_document(doc))


@pytest.mark.slow
def test_table_2_concomitant_drugs_with_daily_doses_for_all_nine_patients(csle):  # type: ignore[no-untyped-def]
    doc, tables = csle
    start = doc.source_text.index("TABLE 2 Treatment regimens")
    end = doc.source_text.index("TOF, tofacitinib; GC, glucocorticoid; CTX")
    meds = tables["medications"]
    in_table = meds[(meds["evidence_start"] >= start) & (meds["evidence_end"] <= end)
                    & meds["patient_id"].isin(TABLE_2)]
    got: dict[str, dict[str, dict[str, float]]] = {}
    for r in in_table.itertuples():
        assert r.daily_dose_mg == r.daily_dose_mg, f"patient {r.patient_id} {r.drug}: no daily dose"
        phase = got.setdefault(r.patient_id, {}).setdefault(r.phase, {})
        assert r.drug not in phase, f"patient {r.patient_id} {r.drug} {r.phase} twice"
        phase[r.drug] = round(r.daily_dose_mg, 2)
    assert got == TABLE_2
    for r in in_table.itertuples():  # each row points back to its words
        assert doc.source_text[r.evidence_start:r.evidence_end] == r.evidence_text
        assert doc.source_text[r.dose_evidence_start:r.dose_evidence_end] == r.dose_evidence_text


@pytest.mark.slow
def test_glucocorticoid_at_start_and_last_follow_up_from_the_database(csle, database_url: str):  # type: ignore[no-untyped-def]
    _, tables = csle
    with CaseStore.open(database_url) as store:
        store.load(tables)
        rows = run_named_query(store, "cotreatment", {"drug": "tofacitinib", "drug_class": "glucocorticoid"})
    got = {r.patient_id: (r.start_daily_mg, r.last_followup_daily_mg) for r in rows.itertuples()}
    assert got == {p: (phases["at_initiation"][GC], phases["last_followup"][GC])
                   for p, phases in TABLE_2.items()}
