"""Scoring brat folders end to end: files written with write_brat, read back by score()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.scoring.metrics import PRF, NerCounts
from pipeline.scoring.score import (
    CONTEXT_CHARS,
    agreement,
    score,
    write_score_report,
)
from pipeline.standoff import Annotated, Mention, Relation, write_brat

TEXT = (
    "Case 1 received tofacitinib 5 mg bid from June 2020.\n"
    "The SLEDAI-2K score was 4 at 3 months; MMF 0.5 g\nbid was added.\n"
)


def at(label: str, quote: str, **attrs: str) -> Mention:
    """The mention of ``quote`` (which occurs once in TEXT)."""
    assert TEXT.count(quote) == 1, quote
    start = TEXT.index(quote)
    return Mention(label, start, start + len(quote), quote, attrs)


G_CASE = at("PATIENT", "Case 1", id="1", patient="1")
G_TOF = at("DRUG", "tofacitinib", norm="tofacitinib", patient="1")
G_DOSE = at("DOSE", "5 mg bid", amount="5", unit="mg", freq="bid", daily_mg="10", patient="1")
G_DATE = at("TIMEPOINT", "June 2020", kind="date", iso="2020-06", patient="1")
G_SCORE = at("SCORE", "SLEDAI-2K score was 4", instrument="SLEDAI-2K", value="4", patient="1")
G_3M = at("TIMEPOINT", "at 3 months", kind="relative", months="3", patient="1")
G_MMF = at("DRUG", "MMF", norm="mycophenolate mofetil", patient="1")
G_MMF_DOSE = at("DOSE", "0.5 g\nbid", amount="0.5", unit="g", freq="bid", daily_mg="1000",
                patient="1")
GOLD = Annotated(
    "case1",
    [G_CASE, G_TOF, G_DOSE, G_DATE, G_SCORE, G_3M, G_MMF, G_MMF_DOSE],
    [Relation("DOSE_OF", G_DOSE, G_TOF), Relation("DOSE_OF", G_MMF_DOSE, G_MMF),
     Relation("MEASURED_AT", G_SCORE, G_3M)],
)

P_CASE = at("PATIENT", "Case 1", id="1", patient="1")
P_TOF = at("DRUG", "tofacitinib", norm="tofacitinib", patient="1")
P_DOSE = at("DOSE", "5 mg", amount="5.0", unit="mg", patient="1")  # boundary error
P_SCORE = at("SCORE", "SLEDAI-2K score was 4", instrument="SLEDAI-2K", value="4.0",
             patient="cohort")  # wrong patient
P_3M = at("TIMEPOINT", " 3 months", kind="relative", months="3.0", patient="1")  # boundary
P_MMF = at("DRUG", "MMF", norm="mycophenolate mofetil", patient="1")
P_MMF_DOSE = at("DOSE", "0.5 g\nbid", amount="0.5", unit="g", freq="bid", daily_mg="1000.0")
P_CLASS = at("DRUG_CLASS", "received", norm="csdmard", patient="1")  # spurious
PRED = Annotated(
    "case1",
    [P_CASE, P_TOF, P_DOSE, P_SCORE, P_3M, P_MMF, P_MMF_DOSE, P_CLASS],
    [Relation("DOSE_OF", P_DOSE, P_TOF), Relation("DOSE_OF", P_MMF_DOSE, P_TOF),
     Relation("MEASURED_AT", P_SCORE, P_3M)],
)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """Gold and predicted brat folders for case1, each with the text beside the .ann."""
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    write_brat(GOLD, TEXT, gold_dir)
    write_brat(PRED, TEXT, pred_dir)
    return gold_dir, pred_dir


def test_score_round_trip_through_brat_files(dirs: tuple[Path, Path]) -> None:
    report = score(*dirs)
    assert report.documents == ["case1"]
    assert report.missing_predictions == []
    assert report.strict["DOSE"] == PRF(tp=1, fp=1, fn=1)  # the multi-line span survives
    assert report.lenient["DOSE"] == PRF(tp=2, fp=0, fn=0)
    assert report.strict["TIMEPOINT"] == PRF(tp=0, fp=1, fn=2)
    assert report.lenient["TIMEPOINT"] == PRF(tp=1, fp=0, fn=1)
    assert report.lenient["TIMEPOINT"].f1 == pytest.approx(2 / 3)
    assert report.strict["DRUG_CLASS"] == PRF(tp=0, fp=1, fn=0)
    assert report.strict["PATIENT"].f1 == 1.0
    assert report.micro_strict == PRF(tp=5, fp=3, fn=3)
    assert report.micro_strict.f1 == 0.625
    assert report.micro_lenient == PRF(tp=7, fp=1, fn=1)
    assert report.micro_lenient.precision == 0.875
    assert report.counts["DOSE"] == NerCounts(correct=1, partial=1)
    assert report.nervaluate["partial"]["DOSE"] == report.counts["DOSE"]


def test_score_attributes_patients_and_relations(dirs: tuple[Path, Path]) -> None:
    report = score(*dirs)
    dose = {k: (a.equal, a.compared) for k, a in report.attributes["DOSE"].items()}
    assert dose == {"amount": (2, 2), "unit": (2, 2), "freq": (1, 2), "daily_mg": (1, 2)}
    assert report.attributes["TIMEPOINT"]["months"].accuracy == 1.0
    assert report.attributes["SCORE"]["value"].accuracy == 1.0
    assert (report.patient.equal, report.patient.compared) == (5, 7)
    assert report.relations["DOSE_OF"] == PRF(tp=1, fp=1, fn=1)
    assert report.relations["MEASURED_AT"] == PRF(tp=1, fp=0, fn=0)


def test_score_lists_errors_with_context(dirs: tuple[Path, Path]) -> None:
    report = score(*dirs)
    assert [(e.label, e.text) for e in report.misses] == [("TIMEPOINT", "June 2020")]
    assert [(e.label, e.text) for e in report.spurious] == [("DRUG_CLASS", "received")]
    assert sorted((e.label, e.text, e.pred_text) for e in report.boundary) == [
        ("DOSE", "5 mg bid", "5 mg"), ("TIMEPOINT", "at 3 months", " 3 months"),
    ]
    miss = report.misses[0]
    assert (miss.doc_id, miss.start, miss.end) == ("case1", G_DATE.start, G_DATE.end)
    assert miss.left == TEXT[max(0, G_DATE.start - CONTEXT_CHARS):G_DATE.start]
    assert miss.right == TEXT[G_DATE.end:G_DATE.end + CONTEXT_CHARS]
    spurious = report.spurious[0]
    assert spurious.left == "Case 1 "  # clipped at the start of the text


def test_missing_prediction_counts_as_all_missed(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    gold_dir, pred_dir = dirs
    other = Annotated("case2", [Mention("DRUG", 0, 3, "MTX", {"patient": "2"})])
    write_brat(other, "MTX weekly.\n", gold_dir)
    report = score(gold_dir, pred_dir)
    assert report.documents == ["case1", "case2"]
    assert report.missing_predictions == ["case2"]
    assert report.strict["DRUG"] == PRF(tp=2, fp=0, fn=1)
    assert ("case2", "MTX") in [(e.doc_id, e.text) for e in report.misses]


def test_score_reads_text_from_text_dir(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    gold_dir, pred_dir = dirs
    text_dir = tmp_path / "texts"
    text_dir.mkdir()
    (text_dir / "case1.txt").write_text(TEXT, encoding="utf-8")
    (pred_dir / "case1.txt").unlink()
    assert score(gold_dir, pred_dir, text_dir).micro_lenient == PRF(tp=7, fp=1, fn=1)
    (text_dir / "case1.txt").unlink()
    with pytest.raises(FileNotFoundError, match="case1"):
        score(gold_dir, pred_dir, text_dir)


def test_score_refuses_a_missing_folder(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        score(dirs[0], tmp_path / "nowhere")


def test_score_lists_predictions_without_gold(dirs: tuple[Path, Path]) -> None:
    gold_dir, pred_dir = dirs
    write_brat(Annotated("extra", []), "nothing\n", pred_dir)
    assert score(gold_dir, pred_dir).unscored_predictions == ["extra"]


def test_agreement_f1_is_symmetric(dirs: tuple[Path, Path]) -> None:
    gold_dir, pred_dir = dirs
    ab, ba = agreement(gold_dir, pred_dir), agreement(pred_dir, gold_dir)
    for label in ab.strict:
        assert ab.strict[label].f1 == pytest.approx(ba.strict[label].f1)
        assert ab.lenient[label].f1 == pytest.approx(ba.lenient[label].f1)
        assert ab.lenient[label].precision == pytest.approx(ba.lenient[label].recall)


def test_write_score_report_writes_json_and_markdown(
    dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    report = score(*dirs)
    json_path, md_path = write_score_report(report, tmp_path / "out")
    assert (json_path.name, md_path.name) == ("score.json", "score.md")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(report.to_json()))
    assert data["micro"]["strict"]["f1"] == 0.625
    assert data["errors"]["misses"][0]["text"] == "June 2020"
    assert "pred_start" not in data["errors"]["misses"][0]
    markdown = md_path.read_text(encoding="utf-8")
    dose_row = "| DOSE | 2 | 2 | 50.0 | 50.0 | 50.0 | 100.0 | 100.0 | 100.0 | 1 | 1 | 0 | 0 |"
    assert dose_row in markdown
    assert "| **micro** | 8 | 8 | 62.5 |" in markdown
    assert "| DOSE | freq | 2 | 1 | 50.0 |" in markdown
    assert "| DOSE_OF | 2 | 2 | 1 | 50.0 | 50.0 | 50.0 |" in markdown
    assert "5/7" in markdown
    assert "from [[June 2020]]. The SLEDAI-2K" in markdown
    assert not list((tmp_path / "out").glob("*.tmp"))
