"""Gold sources compile to brat exactly, problems are reported, and changed texts are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.scoring.gold import check_manifest, compile_gold, read_manifest
from pipeline.scoring.gold_source import compile_entries, locate
from pipeline.standoff import from_brat, read_brat
from tests.conftest import PAPERS, ROOT

TEXT = "Prior treatment: prednisone (15 mg qd), HCQ (100 mg\nbid).\nTofacitinib dosage: 5 mg bid."


def test_quote_matches_across_line_breaks_and_ctx_disambiguates():
    assert locate("100 mg bid", None, TEXT) == (45, 55)
    assert TEXT[45:55] == "100 mg\nbid"
    with pytest.raises(ValueError, match="text 'bid' occurs 2 times; give a ctx"):
        locate("bid", None, TEXT)
    with pytest.raises(ValueError, match="ctx 'no such context' occurs 0 times"):
        locate("mg", "no such context", TEXT)
    start, end = locate("5 mg bid", "dosage: 5 mg bid", TEXT)
    assert TEXT[start:end] == "5 mg bid"


def test_entries_compile_with_relations_and_attributes():
    entries = [
        ("src.yaml", 1, {"id": "h", "label": "DRUG", "text": "HCQ", "norm": "hydroxychloroquine",
                         "patient": "1"}),
        ("src.yaml", 2, {"label": "DOSE", "text": "100 mg bid", "amount": 100, "per_day": 2.0,
                         "daily_mg": 200, "patient": "1", "dose_of": "h"}),
    ]
    annotated, problems = compile_entries(entries, TEXT, "doc")
    assert problems == []
    drug, dose = annotated.mentions
    assert (drug.start, drug.end, dose.start, dose.end) == (40, 43, 45, 55)
    assert dose.attrs == {"amount": "100", "per_day": "2", "daily_mg": "200", "patient": "1"}
    [rel] = annotated.relations
    assert (rel.type, rel.source, rel.target) == ("DOSE_OF", dose, drug)


def test_problems_name_the_entry():
    entries = [
        ("a.yaml", 1, {"label": "DRUG", "text": "MMF", "patient": "1"}),
        ("a.yaml", 2, {"label": "DRUGS", "text": "HCQ", "patient": "1"}),
        ("a.yaml", 3, {"label": "DOSE", "text": "mg", "patient": "1"}),
        ("a.yaml", 4, {"label": "DRUG", "text": "HCQ"}),
        ("a.yaml", 5, {"label": "DOSE", "text": "5 mg bid", "patient": "1", "dose_of": "x"}),
    ]
    _, problems = compile_entries(entries, TEXT, "doc")
    messages = [str(p) for p in problems]
    assert messages == [
        "a.yaml entry 1: text 'MMF' occurs 0 times; give a ctx",
        "a.yaml entry 2: unknown label 'DRUGS'",
        "a.yaml entry 3: text 'mg' occurs 3 times; give a ctx",
        "a.yaml entry 4: DRUG 'HCQ' has no patient",
        "a.yaml entry 5: DOSE_OF target id 'x' not found",
    ]


def test_compile_writes_brat_and_manifest_and_detects_a_changed_text(tmp_path: Path):
    (tmp_path / "src" / "doc1").mkdir(parents=True)
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "src" / "doc1" / "m.yaml").write_text(
        '- {id: t, label: DRUG, text: Tofacitinib, norm: tofacitinib, patient: "1"}\n'
        '- {label: DOSE, text: "5 mg bid", ctx: "dosage: 5 mg bid", amount: 5, patient: "1", dose_of: t}\n',
        encoding="utf-8",
    )
    report = compile_gold(tmp_path / "src", tmp_path / "texts", tmp_path / "gold")
    assert report.problems == []
    ann = (tmp_path / "gold" / "doc1.ann").read_text(encoding="utf-8")
    assert ann.splitlines() == [
        "T1\tDRUG 58 69\tTofacitinib",
        "#1\tAnnotatorNotes T1\tnorm=tofacitinib; patient=1",
        "T2\tDOSE 78 86\t5 mg bid",
        "#2\tAnnotatorNotes T2\tamount=5; patient=1",
        "R1\tDOSE_OF Arg1:T2 Arg2:T1\t",
    ]
    assert list(read_manifest(tmp_path / "gold")) == ["doc1"]
    assert check_manifest(tmp_path / "gold", tmp_path / "texts") == []
    (tmp_path / "texts" / "doc1.txt").write_text(TEXT + " ", encoding="utf-8")
    [problem] = check_manifest(tmp_path / "gold", tmp_path / "texts")
    assert "doc1.txt: changed since the gold was made" in problem


def test_committed_gold_is_what_the_sources_compile_to(shared_corpus: Path, tmp_path: Path):
    report = compile_gold(ROOT / "annotations" / "source", shared_corpus, tmp_path)
    assert report.problems == []
    assert check_manifest(ROOT / "annotations", shared_corpus) == []
    for doc_id in read_manifest(ROOT / "annotations"):
        committed = (ROOT / "annotations" / f"{doc_id}.ann").read_text(encoding="utf-8")
        assert (tmp_path / f"{doc_id}.ann").read_text(encoding="utf-8") == committed
        text = (shared_corpus / f"{doc_id}.txt").read_text(encoding="utf-8")
        gold = read_brat(ROOT / "annotations" / f"{doc_id}.ann", text)
        assert all(m.text == text[m.start:m.end] for m in gold.mentions)
        assert all("patient" in m.attrs for m in gold.mentions)
    assert set(read_manifest(ROOT / "annotations")) <= set(PAPERS.values())


def test_brat_round_trip_keeps_multiline_spans():
    annotated, _ = compile_entries(
        [("s", 1, {"label": "DOSE", "text": "100 mg bid", "amount": 100, "patient": "1"})], TEXT, "d"
    )
    from pipeline.standoff import to_brat

    ann = to_brat(annotated, TEXT)
    assert ann.startswith("T1\tDOSE 45 51;52 55\t100 mg bid\n")
    back = from_brat(ann, TEXT, doc_id="d")
    assert [(m.start, m.end, m.attrs) for m in back.mentions] == [(45, 55, {"amount": "100", "patient": "1"})]
