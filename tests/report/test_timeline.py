"""What a patient's timeline plots, computed from the tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report.plot import timeline_svg
from pipeline.report.timeline import Row, patient_timeline, row_months
from pipeline.tables.build import TableSet, frame
from tests.report.inputs import PAPER_000, extracted


def _patient(tables: TableSet, patient: str) -> tuple[str | None, list[Row], list[Row], list[Row]]:
    def rows(name: str) -> list[Row]:
        df = tables.frames[name]
        return df[df["patient_id"] == patient].to_dict("records")

    index = tables.frames["patients"].set_index("patient_id").loc[patient, "index_drugs"]
    return index, rows("medications"), rows("measurements"), rows("events")


def _rows(table: str, rows: list[dict[str, object]]) -> list[Row]:
    """Rows as the report reads them: validated by the table's schema, then as dicts."""
    return frame(table, rows).to_dict("records")


def _evidence(n: int) -> dict[str, object]:
    return {"evidence_start": n, "evidence_end": n + 1, "evidence_text": "x"}


def _medication(drug: str, cls: str, mg: float | None, phase: str | None, months: float | None,
                at: int) -> dict[str, object]:
    return {"doc_id": "d", "patient_id": "1", "drug": drug, "drug_class": cls, "daily_dose_mg": mg,
            "phase": phase, "timepoint_months": months, **_evidence(at)}


def _score(value: float | None, months: float | None, event: str | None, at: int) -> dict[str, object]:
    return {"doc_id": "d", "patient_id": "1", "kind": "score", "name": "JADAS-27", "value": value,
            "timepoint_months": months, "timepoint_event": event, **_evidence(at)}


def test_row_months_places_phases_and_never_guesses() -> None:
    assert row_months({"timepoint_months": 3.0, "phase": "last_followup"}, 12.0) == 3.0
    assert row_months({"phase": "at_initiation"}, 12.0) == 0.0
    assert row_months({"phase": "last_followup"}, 12.0) == 12.0
    assert row_months({"timepoint_event": "last_followup"}, 12.0) == 12.0
    assert row_months({"phase": "last_followup"}, None) is None
    assert row_months({"phase": "prior"}, 12.0) is None
    assert row_months({"timepoint_date": "2021-06"}, 12.0) is None


def test_timeline_points_from_hand_made_rows() -> None:
    meds = _rows("medications", [
        _medication("prednisone", "glucocorticoid", 30.0, "at_initiation", None, 10),
        _medication("prednisone", "glucocorticoid", 10.0, None, 6.0, 20),
        _medication("prednisone", "glucocorticoid", 5.0, "last_followup", None, 30),
        _medication("prednisone", "glucocorticoid", 7.5, "prior", None, 5),  # no time: not plotted
        _medication("methotrexate", "csdmard", 15.0, "at_initiation", None, 12),  # not a glucocorticoid
        _medication("tofacitinib", "jak_inhibitor", 10.0, "at_initiation", None, 11),
        _medication("tofacitinib", "jak_inhibitor", None, "last_followup", None, 31),
    ])
    scores = _rows("measurements", [
        _score(24.5, 0.0, None, 40),
        _score(8.0, 3.0, None, 41),
        _score(3.0, None, "last_followup", 42),
        _score(3.0, 12.0, None, 43),  # the last known time, so last follow-up is at 12
        _score(None, 6.0, None, 44),  # no value: not plotted, not counted
    ])
    events = _rows("events", [])
    timeline = patient_timeline("tofacitinib", meds, scores, events)
    assert timeline.last_known_months == 12.0
    assert [(s.name, s.xy()) for s in timeline.glucocorticoid] == [
        ("prednisone", [(0.0, 30.0), (6.0, 10.0), (12.0, 5.0)])]
    assert [(s.name, s.xy()) for s in timeline.scores] == [
        ("JADAS-27", [(0.0, 24.5), (3.0, 8.0), (12.0, 3.0)])]  # the two 3.0 at 12 months are one point
    assert [(b.drug, b.start, b.end) for b in timeline.index] == [("tofacitinib", 0.0, 12.0)]
    assert timeline.untimed == 1
    assert timeline.has_values


def test_no_timed_values_gives_no_figure() -> None:
    meds = _rows("medications", [_medication("prednisone", "glucocorticoid", 30.0, "prior", None, 1)])
    timeline = patient_timeline(None, meds, [], [])
    assert not timeline.has_values
    assert timeline.untimed == 1
    assert timeline_svg(timeline) == ""


@pytest.mark.slow
def test_paper_000_patient_1_timeline(shared_corpus: Path) -> None:
    """Case 1 of the cSLE paper: prednisone 15 mg qd at tofacitinib start, 6.25 mg qd at the last
    follow-up at 24 months, SLEDAI-2K 2 at tofacitinib initiation and 2 at 24 months (Table 2's two
    SLEDAI-2K columns), tofacitinib continued."""
    _, _, tables = extracted(shared_corpus / f"{PAPER_000}.txt")
    timeline = patient_timeline(*_patient(tables, "1"))
    assert timeline.last_known_months == 24.0
    assert [b.drug for b in timeline.index] == ["tofacitinib"]
    assert timeline.index[0].end == 24.0
    (prednisone,) = timeline.glucocorticoid
    assert prednisone.name == "prednisone"
    assert prednisone.xy() == [(0.0, 15.0), (24.0, 6.25)]
    assert [(s.name, s.xy()) for s in timeline.scores] == [("SLEDAI-2K", [(0.0, 2.0), (24.0, 2.0)])]
    svg = timeline_svg(timeline, "patient 1")
    assert svg.startswith("<svg") and "prednisone" in svg and "SLEDAI-2K" in svg
