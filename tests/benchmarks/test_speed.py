"""The speed harness on tiny inputs: its shape and sanity, never the machine's speed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.speed import Timing, render_paper_pdfs, run_speed, targets, text_inputs
from tests.conftest import EXAMPLES

SHORT_REPORT = (
    "Case 1\n\nA 9-year-old girl with systemic lupus erythematosus started tofacitinib 5 mg twice "
    "daily in March 2020. At 6 months her SLEDAI-2K fell from 12 to 4 and prednisone was tapered "
    "to 5 mg/day.\n"
)


@pytest.fixture
def short_report(tmp_path: Path) -> Path:
    path = tmp_path / "short_report.txt"
    path.write_text(SHORT_REPORT, encoding="utf-8")
    return path


def test_timing_reports_median_min_and_max_of_rates() -> None:
    t = Timing("x", "a system", documents=2, words=100, startup_seconds=0.5, seconds=[1.0, 2.0, 4.0])
    d = t.to_dict()
    assert d["repeats"] == 3 and d["seconds"]["median"] == 2.0
    assert d["words_per_s"] == {"median": 50.0, "min": 25.0, "max": 100.0}
    assert d["documents_per_s"] == {"median": 1.0, "min": 0.5, "max": 2.0}


def test_text_inputs_skip_non_reports_other_formats_and_absent_folders(tmp_path: Path) -> None:
    found = text_inputs(EXAMPLES, tmp_path / "absent")
    names = [p.name for p in found]
    assert "README.md" not in names and not any(n.endswith(".pdf") for n in names)
    assert {".txt", ".md", ".xml"} == {p.suffix for p in found}
    assert names == sorted(names)


def _rates(name: str, words_per_s: float, seconds: float) -> dict[str, Any]:
    return {name: {"words_per_s": {"median": words_per_s}, "seconds": {"median": seconds}}}


def test_targets_pass_and_fail_on_the_ratios() -> None:
    text = {**_rates("casemine extract", 600.0, 1.0), **_rates("spaCy blank tokenizer", 1000.0, 0.6)}
    pdf = {**_rates("casemine ingest PDF", 10.0, 3.0), **_rates("pypdfium2 raw text", 50.0, 1.0)}
    extraction, pdf_target = targets(text, pdf)
    assert extraction["value"] == pytest.approx(0.6) and extraction["pass"] is True
    assert pdf_target["value"] == pytest.approx(3.0) and pdf_target["pass"] is False
    assert targets({}, {}) == []


def test_extraction_stages_name_every_stage_in_order(short_report: Path) -> None:
    from benchmarks.speed import extraction_stages
    from pipeline.ingest import ingest_file
    from pipeline.nlp import SPAN_GROUPS, build_nlp

    stages = extraction_stages([ingest_file(short_report)], repeats=2)
    # extraction reads doc._.found and does not run the component that writes doc.spans
    components = [name for name, _ in build_nlp().pipeline if name != SPAN_GROUPS]
    assert list(stages) == ["segmentation", "tokenizer", *components, "overlaps", "patients", "phases",
                            "relations", "source offsets"]
    assert all(ms >= 0 for ms in stages.values()) and stages["tokenizer"] > 0


def test_stage_clock_leaves_the_extraction_as_it_is(short_report: Path) -> None:
    from pipeline.extract import StageClock, extract_document
    from pipeline.ingest import ingest_file

    doc = ingest_file(short_report)
    seconds: dict[str, float] = {}
    timed = extract_document(doc, clock=StageClock(seconds))
    assert timed == extract_document(doc)
    assert [m.text for m in timed.mentions if m.label == "DRUG"] == ["tofacitinib", "prednisone"]
    assert len(seconds) == 15 and sum(seconds.values()) > 0


@pytest.mark.slow
def test_run_speed_on_one_text_and_one_pdf(short_report: Path) -> None:
    pdfs = sorted(EXAMPLES.glob("ex06*.pdf"))
    result = run_speed([short_report], pdfs, repeats=2)
    assert result["repeats"] == 2 and result["seconds"] > 0
    assert set(result["texts"]["systems"]) == {"casemine ingest", "casemine extract", "casemine whole",
                                               "spaCy blank tokenizer", "casemine tokenizer",
                                               "drug-NER (peer)",
                                               "lexicon matcher (peer)"}
    assert set(result["pdfs"]["systems"]) == {"casemine ingest PDF", "pypdfium2 raw text"}
    for group, n in (("texts", 1), ("pdfs", len(pdfs))):
        for system in result[group]["systems"].values():
            assert system["documents"] == n and system["words"] > 0 and system["repeats"] == 2
            assert system["startup_seconds"] >= 0
            for key in ("words_per_s", "documents_per_s"):
                rate = system[key]
                assert 0 < rate["min"] <= rate["median"] <= rate["max"]
    assert result["texts"]["systems"]["casemine extract"]["words"] == len(SHORT_REPORT.split())
    assert [t["name"] for t in result["targets"]] == ["extraction vs blank tokenizer",
                                                      "PDF ingestion vs pypdfium2"]
    assert all(t["value"] > 0 and isinstance(t["pass"], bool) for t in result["targets"])


@pytest.mark.slow
def test_render_paper_pdfs_renders_each_text(short_report: Path, tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    rendered, note = render_paper_pdfs([short_report], tmp_path / "pdf")
    assert note == "" and [p.name for p in rendered] == ["short_report.pdf"]
    assert rendered[0].read_bytes().startswith(b"%PDF")
