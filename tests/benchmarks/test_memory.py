"""The memory harness: varied synthetic documents and a measured child process on a tiny batch."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest

from benchmarks import memory
from benchmarks.memory import flatness, measure, synthesise_corpus, vary

TEMPLATE = "Title line 2021\n\nPatient 1 took 5 mg.\n\nPatient 2 took 10 mg on 12 May 2019.\n\nEnd 7."


def _masked(text: str) -> str:
    return re.sub(r"\d", "#", text)


def test_vary_shuffles_the_body_and_changes_numbers_but_not_their_length() -> None:
    out = vary(TEMPLATE, random.Random(3))
    head, *body = out.split("\n\n")
    template_head, *template_body = TEMPLATE.split("\n\n")
    assert _masked(head) == _masked(template_head)
    assert sorted(map(_masked, body)) == sorted(map(_masked, template_body))
    assert out != TEMPLATE and vary(TEMPLATE, random.Random(3)) == out


def test_synthesised_documents_all_differ_even_from_a_text_without_numbers(tmp_path: Path) -> None:
    paths = synthesise_corpus([TEMPLATE, "No numbers here."], 12, tmp_path)
    assert len(paths) == 12 and all(p.suffix == ".txt" for p in paths)
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    assert len(digests) == 12


def test_synthesise_needs_a_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no corpus documents"):
        synthesise_corpus([], 3, tmp_path)


def test_flatness_is_growth_from_the_smallest_to_the_largest_n() -> None:
    runs = [{"n": 10, "peak": 100.0}, {"n": 100, "peak": 125.0}]
    check = flatness(runs, "peak", "peak RSS")
    assert check["value"] == pytest.approx(0.25) and check["pass"] is False
    assert check["unit"] == "growth" and "N=100" in check["rule"]


@pytest.mark.slow
def test_measure_runs_the_batch_in_a_child_and_reports_its_memory(tmp_path: Path) -> None:
    synthesise_corpus([TEMPLATE], 2, tmp_path / "inputs")
    report = measure(tmp_path / "inputs", tmp_path / "outputs")
    assert report["documents"] == 2 and report["ok"] == 2 and report["error"] == 0
    assert 0 < report["rss_before_mb"] <= report["peak_rss_mb"]
    assert report["rss_end_mb"] <= report["peak_rss_mb"]
    assert report["seconds"] > 0
    assert (tmp_path / "outputs" / "ingest_log.jsonl").is_file()


def test_a_failed_n_keeps_the_other_numbers_and_skips_the_checks(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "template.txt"
    source.write_text(TEMPLATE, encoding="utf-8")

    def measured(folder: Path, output_dir: Path) -> dict[str, float]:
        if len(list(folder.iterdir())) == 3:
            raise memory.ChildFailed("memory child failed", ["Traceback", "ValueError: x"])
        return {"peak_rss_mb": 100.0, "rss_end_mb": 90.0}

    monkeypatch.setattr(memory, "measure", measured)
    result = memory.run_memory([source], (2, 3), work_dir=tmp_path)
    assert [r.get("failed") for r in result["runs"]] == [None, "memory child failed"]
    assert result["runs"][0]["peak_rss_mb"] == 100.0 and result["checks"] == []
