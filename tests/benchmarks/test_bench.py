"""The whole benchmark report on tiny inputs: files written, expected keys, sane values."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks import scale
from benchmarks.bench import Plan, accuracy, make_plan, run_benchmarks
from benchmarks.report import render_benchmarks_markdown
from tests.conftest import EXAMPLES

SECTIONS = {"benchmark", "generated", "quick", "machine", "plan", "accuracy", "speed", "memory", "scale",
            "targets", "seconds"}


def test_quick_plan_is_small_and_full_plan_is_not() -> None:
    quick, full = make_plan(quick=True), make_plan(quick=False)
    assert (quick.repeats, quick.memory_sizes, quick.papers_to_render) == (1, (20, 200), ())
    assert (full.repeats, full.memory_sizes) == (5, (200, 2000))
    assert quick.texts and all(p.parent == EXAMPLES for p in quick.texts)
    assert [p.name for p in quick.pdfs] == ["ex06_ruxolitinib_series_as_pdf.pdf"]


def test_accuracy_is_reused_when_asked_and_its_json_is_there(tmp_path: Path) -> None:
    saved = {"generated": "2026-01-01T00:00:00+00:00", "limit": None, "seconds": 1.0,
             "corpora": {"bc5cdr": {"title": "BC5CDR", "path": "bc5cdr", "available": False}}}
    (tmp_path / "accuracy.json").write_text(json.dumps(saved), encoding="utf-8")
    result = accuracy(tmp_path, tmp_path / "absent", limit=3, reuse=True)
    assert result["source"].startswith("reused")
    assert result["corpora"] == {"bc5cdr": {"title": "BC5CDR", "available": False}}


def test_accuracy_is_run_again_unless_reuse_is_asked(tmp_path: Path) -> None:
    saved = {"generated": "2026-01-01T00:00:00+00:00", "limit": None, "seconds": 1.0, "corpora": {}}
    (tmp_path / "accuracy.json").write_text(json.dumps(saved), encoding="utf-8")
    result = accuracy(tmp_path, tmp_path / "absent", limit=3)
    assert result["source"].startswith("run now") and result["generated"] != saved["generated"]
    assert set(result["corpora"]) == {"maccrobat2020", "phee_v2", "bc5cdr"}
    assert not any(c["available"] for c in result["corpora"].values())


def test_dask_speedup_says_why_when_the_command_line_has_no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def old_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(list(args), 0, stdout="Usage: casemine run --out --set", stderr="")

    monkeypatch.setattr(scale, "_casemine", old_cli)
    assert scale.dask_speedup(EXAMPLES) == (None, "`casemine run` has no --engine option yet")


def test_report_shows_failed_and_unmeasured_sections() -> None:
    result: dict[str, Any] = {
        "generated": "now", "quick": True, "seconds": 1.0, "targets": [],
        "machine": {"platform": "p", "python": "3", "cpus": 2, "memory_gib": 1, "load_average_start": [0, 0, 0]},
        "accuracy": {"error": "OSError: gone"}, "speed": {"error": "ValueError: bad"},
        "memory": {"error": "RuntimeError: child died"}, "scale": {"available": False, "reason": "no engine"},
    }
    md = render_benchmarks_markdown(result)
    assert md.startswith("# casemine benchmarks")
    assert md.count("Failed:") == 3 and "Not measured: no engine." in md and "none measured" in md


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """run_benchmarks on one short text and the example PDF, memory at N=1 and 2, no Dask run."""
    tmp = tmp_path_factory.mktemp("bench")
    text = tmp / "short_report.txt"
    text.write_text("Case 1\n\nA 7-year-old boy with sJIA received tofacitinib 2.5 mg twice daily; "
                    "ferritin fell from 15,600 to 980 ng/ml at 3 months.\n", encoding="utf-8")
    plan = Plan(texts=(text,), pdfs=tuple(sorted(EXAMPLES.glob("ex06*.pdf"))), papers_to_render=(),
                repeats=1, memory_sizes=(1, 2), scale_documents=0,
                shared_benchmarks=tmp / "absent", accuracy_limit=1)
    out = tmp / "out"
    return run_benchmarks(plan, out, quick=True), out


@pytest.mark.slow
def test_benchmarks_write_json_and_markdown_with_every_section(tiny_run: tuple[dict[str, Any], Path]) -> None:
    _, out = tiny_run
    saved = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    assert set(saved) == SECTIONS and saved["quick"] is True
    assert not any("error" in saved[s] for s in ("accuracy", "speed", "memory", "scale"))
    md = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    for heading in ("# casemine benchmarks", "## Targets", "## Accuracy", "## Speed", "## Memory", "## Scale"):
        assert heading in md
    stages = saved["speed"]["texts"]["stages"]
    assert list(stages)[:2] == ["segmentation", "tokenizer"] and "| tokenizer |" in md
    # accuracy had no accuracy.json to reuse: it was run (on no corpus) and written beside
    assert (out / "accuracy.json").is_file() and (out / "ACCURACY.md").is_file()
    assert saved["accuracy"]["source"].startswith("run now")


@pytest.mark.slow
def test_benchmark_values_are_sane(tiny_run: tuple[dict[str, Any], Path]) -> None:
    result, _ = tiny_run
    for group in ("texts", "pdfs"):
        for system in result["speed"][group]["systems"].values():
            assert system["words_per_s"]["median"] > 0 and system["documents_per_s"]["median"] > 0
    runs = result["memory"]["runs"]
    assert [r["n"] for r in runs] == [1, 2] and all(r["ok"] == r["n"] for r in runs)
    assert all(0 < r["rss_before_mb"] < r["peak_rss_mb"] for r in runs)
    assert [t["name"] for t in result["targets"]] == [
        "extraction vs blank tokenizer", "PDF ingestion vs pypdfium2", "peak RSS flat in N",
        "RSS at the end flat in N"]
    assert all(isinstance(t["pass"], bool) and t["value"] > -1 for t in result["targets"])
    assert result["scale"] == {"available": False, "reason": "not in this plan", "seconds": result["scale"]["seconds"]}
    assert result["machine"]["cpus"] >= 1 and len(result["machine"]["load_average_end"]) == 3
    assert result["seconds"] > 0


def test_report_shows_a_failed_memory_run_beside_the_measured_one() -> None:
    from benchmarks.report import _memory

    memory = {"templates": 1, "runs": [
        {"n": 2, "ok": 2, "error": 0, "words": 40, "seconds": 1.0, "rss_before_mb": 20.0,
         "peak_rss_mb": 600.0, "rss_end_mb": 580.0},
        {"n": 3, "words": 60, "failed": "memory child failed"}]}
    lines = _memory(memory)
    assert "| 2 | 2 | 0 | 40 | 1.0 | 20 | 600 | 580 |" in lines
    assert "| 3 | failed: `memory child failed` | | | | | | |" in lines
