"""The reports give every peer its own column (ACCURACY.md, BENCHMARKS.md) and name it."""

from __future__ import annotations

from typing import Any

from benchmarks.bench import _accuracy_summary
from benchmarks.report import _accuracy_brief, peers, render_markdown, system_name


def _row(name: str, gold: int, pred: int, f1: float | None, recall: float) -> dict[str, Any]:
    lenient = {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5 if f1 is not None else None, "recall": recall,
               "f1": f1}
    return {"row": name, "gold": gold, "pred": pred, "strict": None, "lenient": lenient}


def _system(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"seconds": 1.0, "errors": [], "pred_counts": {"DRUG": 3}, "rows": list(rows)}


RESULT: dict[str, Any] = {
    "benchmark": "accuracy", "generated": "2026-01-01T00:00:00+00:00", "shared_dir": "shared",
    "limit": 2, "half": "all", "seconds": 3.0,
    "matching": {"lenient": "overlap"},
    "systems": {"casemine": "casemine 0.1", "drug_ner": "drug-NER 2", "lexicon_matcher": "a matcher"},
    "mesh_table": {"source": "table", "size": 1},
    "corpora": {
        "maccrobat2020": {
            "title": "MACCROBAT", "path": "maccrobat2020", "available": True, "documents": 2,
            "characters": 100, "gold_counts": {"Medication": 4},
            "systems": {
                "casemine": _system(_row("Medication -> DRUG", 4, 3, 4 / 7, 0.5),
                                    _row("Frequency -> DOSE with freq", 2, 1, None, 0.5)),
                "drug_ner": _system(_row("Medication -> DRUG", 4, 2, 0.5, 0.5)),
                "lexicon_matcher": _system(_row("Medication -> DRUG", 4, 5, 2 / 3, 0.75)),
            },
        },
        "bc5cdr": {"title": "BC5CDR", "path": "bc5cdr", "available": False},
    },
}


def test_peers_are_every_system_but_casemine_in_order() -> None:
    assert peers([RESULT["corpora"]["maccrobat2020"]["systems"], {"casemine": {}, "other": {}}]) == [
        "drug_ner", "lexicon_matcher", "other"]
    assert (system_name("lexicon_matcher"), system_name("other")) == ("lexicon matcher (peer)", "other")


def test_accuracy_markdown_has_a_column_and_a_line_per_peer() -> None:
    lines = render_markdown(RESULT).splitlines()
    assert "- **lexicon matcher (peer)**: a matcher" in lines
    assert "| row | gold | casemine | drug-NER (peer) | lexicon matcher (peer) |" in lines
    assert "| Medication -> DRUG | 4 | 0.571 | 0.500 | 0.667 |" in lines
    assert "| Frequency -> DOSE with freq | 2 | R 0.500 |  |  |" in lines
    assert "| Medication -> DRUG | lexicon matcher (peer) | 4 | 5 | n/a | n/a | n/a | 0.500 | 0.750 | 0.667 |" in lines
    assert "lexicon matcher (peer) predicted mentions (all labels): DRUG 3." in lines


def test_benchmarks_accuracy_brief_has_a_column_per_peer() -> None:
    brief = _accuracy_brief({"source": "reused", "generated": "now", "limit": 2,
                             "corpora": _accuracy_summary(RESULT)})
    assert "| corpus | row | gold | casemine | drug-NER (peer) | lexicon matcher (peer) |" in brief
    assert "|---|---|--:|--:|--:|--:|" in brief
    assert "| maccrobat2020 | Medication -> DRUG | 4 | 0.571 | 0.500 | 0.667 |" in brief
    assert "| maccrobat2020 | Frequency -> DOSE with freq | 2 | R 0.500 |  |  |" in brief
    assert "| bc5cdr | not found, not scored |  |  |  |  |" in brief


def test_benchmarks_accuracy_brief_without_peers_has_casemine_only() -> None:
    result = {**RESULT, "corpora": {"maccrobat2020": {
        **RESULT["corpora"]["maccrobat2020"],
        "systems": {"casemine": RESULT["corpora"]["maccrobat2020"]["systems"]["casemine"]}}}}
    brief = _accuracy_brief({"source": "reused", "generated": "now", "limit": 2,
                             "corpora": _accuracy_summary(result)})
    assert "| corpus | row | gold | casemine |" in brief
    assert "| maccrobat2020 | Medication -> DRUG | 4 | 0.571 |" in brief
