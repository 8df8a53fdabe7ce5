"""Label mapping and scoring on a hand-made two-document example, the peer tagger, and a small real run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.accuracy import (
    normalisation,
    run_accuracy,
    score_row,
    score_system,
    select_half,
    write_accuracy_report,
)
from benchmarks.corpora import CorpusDocument, parse_brat
from benchmarks.mapping import MACCROBAT_MAPS, LabelMap
from benchmarks.peer import find_peer_drugs, tokenize
from pipeline.standoff import Mention

SHARED_BENCHMARKS = Path("/work/main/../shared/benchmarks")

TEXT_1 = "Gave aspirin 100 mg daily orally and steroids on 12 May 2010."
ANN_1 = ("T1\tMedication 5 12\taspirin\nT2\tDosage 13 25\t100 mg daily\nT3\tAdministration 26 32\torally\n"
         "T4\tMedication 37 45\tsteroids\nT5\tDate 49 60\t12 May 2010\nR1\tMODIFY Arg1:T2 Arg2:T1\n")
TEXT_2 = "Heparin was stopped after 3 days; warfarin 5 mg."
ANN_2 = ("T1\tMedication 0 7\tHeparin\nT2\tDuration 26 32\t3 days\nT3\tMedication 34 42\twarfarin\n"
         "T4\tDosage 43 47\t5 mg\n")
DOCS = [CorpusDocument("d1", TEXT_1, parse_brat(ANN_1, TEXT_1)),
        CorpusDocument("d2", TEXT_2, parse_brat(ANN_2, TEXT_2))]


def p(text: str, label: str, start: int, end: int, **attrs: str) -> Mention:
    """A predicted mention over ``text``."""
    return Mention(label, start, end, text[start:end], attrs)


PREDICTIONS = [
    [p(TEXT_1, "DRUG", 5, 12),                                   # aspirin, exact
     p(TEXT_1, "DOSE", 13, 32, freq="qd", route="oral"),         # 100 mg daily orally
     p(TEXT_1, "DRUG_CLASS", 37, 45),                            # steroids
     p(TEXT_1, "TIMEPOINT", 46, 60, kind="date")],               # on 12 May 2010
    [p(TEXT_2, "DRUG", 0, 5),                                    # Hepar: overlaps Heparin
     p(TEXT_2, "DRUG", 12, 19),                                  # stopped: spurious
     p(TEXT_2, "TIMEPOINT", 20, 32, kind="relative"),            # after 3 days
     p(TEXT_2, "DOSE", 43, 47)],                                 # 5 mg, exact; warfarin missed
]


def _scores(row_name: str) -> dict[str, Any]:
    (row,) = [r for r in MACCROBAT_MAPS if r.name == row_name]
    return score_row((d.mentions for d in DOCS), PREDICTIONS, row).to_dict()


def _prf(scores: dict[str, Any] | None) -> tuple[Any, ...]:
    assert scores is not None
    return scores["tp"], scores["fp"], scores["fn"], scores["precision"], scores["recall"], scores["f1"]


@pytest.mark.parametrize(("row", "strict", "lenient"), [
    # gold aspirin, steroids, Heparin, warfarin; predicted DRUG aspirin, Hepar, stopped
    ("Medication -> DRUG", (1, 2, 3, 1 / 3, 1 / 4, 2 / 7), (2, 1, 2, 2 / 3, 1 / 2, 4 / 7)),
    # DRUG_CLASS steroids joins the predictions
    ("Medication -> DRUG ∪ DRUG_CLASS", (2, 2, 2, 0.5, 0.5, 0.5), (3, 1, 1, 0.75, 0.75, 0.75)),
    ("Dosage -> DOSE", (1, 1, 1, 0.5, 0.5, 0.5), (2, 0, 0, 1.0, 1.0, 1.0)),
    ("Administration -> DOSE with route", None, (1, 0, 0, 1.0, 1.0, 1.0)),
    ("Date -> TIMEPOINT kind=date", (0, 1, 1, 0.0, 0.0, 0.0), (1, 0, 0, 1.0, 1.0, 1.0)),
    # the only overlapping TIMEPOINT is kind=relative
    ("Duration -> TIMEPOINT kind=duration", (0, 0, 1, 0.0, 0.0, 0.0), (0, 0, 1, 0.0, 0.0, 0.0)),
    ("Duration -> TIMEPOINT (any kind)", (0, 2, 1, 0.0, 0.0, 0.0), (1, 1, 0, 0.5, 1.0, 2 / 3)),
])
def test_two_document_example_exact_scores(row: str, strict: tuple[float, ...] | None,
                                           lenient: tuple[float, ...]) -> None:
    scores = _scores(row)
    if strict is None:
        assert scores["strict"] is None
    else:
        assert _prf(scores["strict"]) == pytest.approx(strict)
    assert _prf(scores["lenient"]) == pytest.approx(lenient)


def test_recall_only_row_hides_precision_and_f1() -> None:
    # the DOSE with freq meets no Frequency gold: a false positive that precision would punish
    scores = _scores("Frequency -> DOSE with freq")
    assert scores["strict"] is None
    assert _prf(scores["lenient"]) == (0, 1, 0, None, 0.0, None)


def test_score_system_gives_one_score_per_row() -> None:
    rows = score_system(DOCS, PREDICTIONS, MACCROBAT_MAPS)
    assert [r.row.name for r in rows] == [r.name for r in MACCROBAT_MAPS]
    assert rows[0].to_dict()["gold"] == 4 and rows[0].to_dict()["pred"] == 3


def test_label_map_filters_predictions_by_attribute_value() -> None:
    row = LabelMap("x", frozenset({"Date"}), frozenset({"TIMEPOINT"}), "kind", "date")
    kept = row.pred(PREDICTIONS[0] + PREDICTIONS[1])
    assert [(m.label, m.text) for m in kept] == [("x", "on 12 May 2010")]


def test_normalisation_counts_matched_pairs_in_the_table_only() -> None:
    text = "aspirin heparin glucose"
    gold = [Mention("Chemical", 0, 7, "aspirin", {"mesh": "D1"}),
            Mention("Chemical", 8, 15, "heparin", {"mesh": "D2|D7"}),
            Mention("Chemical", 16, 23, "glucose", {"mesh": "D9"})]
    pred = [p(text, "DRUG", 0, 7, drugbank="DB1"), p(text, "DRUG", 8, 15), p(text, "DRUG", 16, 23, drugbank="DB9")]
    row = LabelMap("Chemical -> DRUG", frozenset({"Chemical"}), frozenset({"DRUG"}))
    result = normalisation([CorpusDocument("x", text, gold)], [pred], row, {"DB1": "D1", "DB2": "D2"})
    assert (result["matched"], result["with_id"], result["correct"]) == (2, 1, 1)
    assert (result["accuracy"], result["accuracy_with_id"]) == (0.5, 1.0)


def test_tokenize_keeps_hyphenated_words_and_splits_punctuation() -> None:
    assert tokenize("5-fluorouracil, amphotericin B.") == [
        ("5-fluorouracil", 0, 14), (",", 14, 15), ("amphotericin", 16, 28), ("B", 29, 30), (".", 30, 31)]


def test_peer_finds_single_and_two_token_drugs_in_character_offsets() -> None:
    text = "Famotidine and amphotericin B, then aspirin."
    found = find_peer_drugs(text)
    assert [(m.start, m.end, m.text) for m in found] == [
        (0, 10, "Famotidine"), (15, 29, "amphotericin B"), (36, 43, "aspirin")]
    assert found[0].attrs["drugbank"] == "DB00927"


@pytest.fixture(scope="module")
def small_run() -> dict[str, Any]:
    """run_accuracy on the first 3 documents of each real corpus."""
    if not SHARED_BENCHMARKS.is_dir():
        pytest.skip("../shared/benchmarks is not beside the checkout")
    return run_accuracy(SHARED_BENCHMARKS, limit=3)


def _numbers(scores: dict[str, Any] | None) -> list[float]:
    if scores is None:
        return []
    return [v for k, v in scores.items() if k in ("precision", "recall", "f1") and v is not None]


@pytest.mark.slow
def test_run_accuracy_on_three_documents_per_corpus(small_run: dict[str, Any], tmp_path: Path) -> None:
    assert small_run["limit"] == 3
    assert set(small_run["corpora"]) == {"maccrobat2020", "phee_v2", "bc5cdr"}
    for corpus in small_run["corpora"].values():
        assert corpus["available"] and corpus["documents"] == 3
        assert list(corpus["systems"]) == ["casemine", "drug_ner", "lexicon_matcher"]
        for system in corpus["systems"].values():
            assert system["seconds"] >= 0 and system["rows"]
            for row in system["rows"]:
                assert row["gold"] >= 0 and row["pred"] >= 0
                values = _numbers(row["strict"]) + _numbers(row["lenient"])
                assert values and all(0.0 <= v <= 1.0 for v in values)
    casemine_rows = [r["row"] for r in small_run["corpora"]["bc5cdr"]["systems"]["casemine"]["rows"]]
    for peer in ("drug_ner", "lexicon_matcher"):
        bc5cdr = small_run["corpora"]["bc5cdr"]["systems"][peer]
        assert [r["row"] for r in bc5cdr["rows"]] == casemine_rows  # BC5CDR has drug rows only
        assert [r["row"] for r in small_run["corpora"]["phee_v2"]["systems"][peer]["rows"]] == [
            "Treatment.Drug -> DRUG", "Treatment.Drug -> DRUG ∪ DRUG_CLASS"]
        assert 0.0 <= bc5cdr["normalisation"]["accuracy"] <= 1.0
    assert set(small_run["corpora"]["maccrobat2020"]["systems"]["drug_ner"]["pred_counts"]) <= {"DRUG"}
    assert small_run["systems"]["lexicon_matcher"].startswith("spaCy ")
    assert 0.0 <= small_run["corpora"]["bc5cdr"]["systems"]["casemine"]["normalisation"]["accuracy"] <= 1.0
    json_path, md_path = write_accuracy_report(small_run, tmp_path)
    assert json.loads(json_path.read_text(encoding="utf-8"))["limit"] == 3
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# Accuracy on external gold corpora")
    assert md.count("| row | gold | casemine | drug-NER (peer) | lexicon matcher (peer) |") == 3


def _doc(name: str) -> CorpusDocument:
    return CorpusDocument(name, "", [])


@pytest.mark.parametrize(("half", "names"), [
    ("all", ["a", "b", "c", "d", "e"]),
    ("development", ["a", "b"]),
    ("held-out", ["c", "d", "e"]),
])
def test_halves_split_the_corpus_in_order_without_overlap(half: str, names: list[str]) -> None:
    docs = [_doc(n) for n in "abcde"]
    assert [d.doc_id for d in select_half(docs, half)] == names


def test_unknown_half_and_unknown_corpus_are_refused() -> None:
    with pytest.raises(ValueError, match="half must be one of"):
        select_half([], "second")
    with pytest.raises(ValueError, match="unknown corpus nope; known: maccrobat2020"):
        run_accuracy(Path("."), corpora=["nope"])


@pytest.mark.slow
def test_held_out_half_of_one_corpus(tmp_path: Path) -> None:
    if not SHARED_BENCHMARKS.is_dir():
        pytest.skip("../shared/benchmarks is not beside the checkout")
    result = run_accuracy(SHARED_BENCHMARKS, limit=4, half="held-out", corpora=["phee_v2"])
    assert list(result["corpora"]) == ["phee_v2"] and result["half"] == "held-out"
    assert result["corpora"]["phee_v2"]["documents"] == 2
    _, md_path = write_accuracy_report(result, tmp_path)
    assert "--limit 4 --half held-out" in md_path.read_text(encoding="utf-8")
