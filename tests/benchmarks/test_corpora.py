"""The corpus readers on tiny fixtures in each format: offsets, labels and attributes exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.corpora import (
    CorpusDocument,
    CorpusError,
    parse_brat,
    parse_phee_record,
    parse_pubtator,
    read_bc5cdr,
    read_maccrobat,
    read_phee,
)
from pipeline.standoff import Mention

BRAT_TEXT = "Aspirin 100 mg was given orally.\nPain in the left arm and leg.\n"
BRAT_ANN = "\n".join([
    "T1\tMedication 0 7\tAspirin",
    "E1\tMedication:T1 ",
    "T2\tDosage 8 14\t100 mg\t ",  # a stray trailing field, as in MACCROBAT 2020
    "R1\tMODIFY Arg1:T2 Arg2:E1\t",
    "T3\tAdministration 25 31\torally",
    "T4\tBiological_structure 45 49;58 61\tleft leg",
    "T5\tSign_symptom 33 37\tPain",
    "A1\tPOLARITY E1 NEG",
    "*\tOVERLAP E1 E2",
    "#1\tAnnotatorNotes T1\ta note",
    "",
])


def test_brat_reads_entities_and_skips_relations_events_attributes_notes() -> None:
    mentions = parse_brat(BRAT_ANN, BRAT_TEXT)
    assert [(m.label, m.start, m.end, m.text) for m in mentions] == [
        ("Medication", 0, 7, "Aspirin"),
        ("Dosage", 8, 14, "100 mg"),
        ("Administration", 25, 31, "orally"),
        ("Biological_structure", 45, 61, "left leg"),
        ("Sign_symptom", 33, 37, "Pain"),
    ]
    assert mentions[0].attrs == {"id": "T1"}


def test_brat_discontinuous_span_is_its_envelope_with_fragments_kept() -> None:
    (m,) = [m for m in parse_brat(BRAT_ANN, BRAT_TEXT) if m.label == "Biological_structure"]
    assert (m.start, m.end) == (45, 61)
    assert m.attrs == {"id": "T4", "fragments": "45 49;58 61"}
    assert BRAT_TEXT[45:49] + " " + BRAT_TEXT[58:61] == m.text


def test_brat_text_mismatch_names_file_and_line() -> None:
    with pytest.raises(CorpusError, match=r"x\.ann:2: annotation text 'Asprin'"):
        parse_brat("T1\tMedication 0 7\tAspirin\nT2\tMedication 0 7\tAsprin", BRAT_TEXT, "x.ann")


def test_read_maccrobat_pairs_txt_and_ann_without_newline_translation(tmp_path: Path) -> None:
    (tmp_path / "111.txt").write_bytes(b"Line one.\r\nGave heparin.")
    (tmp_path / "111.ann").write_text("T1\tMedication 16 23\theparin\n", encoding="utf-8")
    (doc,) = list(read_maccrobat(tmp_path))
    assert doc == CorpusDocument("111", "Line one.\r\nGave heparin.",
                                 [Mention("Medication", 16, 23, "heparin", {"id": "T1"})])
    assert doc.mentions[0].attrs == {"id": "T1"}


PHEE_CONTEXT = "He took warfarin 5 mg daily orally and aspirin for 3 weeks."


def _arg(*entities: tuple[list[str], list[int], str]) -> dict[str, list[object]]:
    return {"text": [e[0] for e in entities], "start": [e[1] for e in entities],
            "entity_id": [e[2] for e in entities]}


PHEE_RECORD = {
    "id": "123_4",
    "context": PHEE_CONTEXT,
    "is_mult_event": False,
    "annotations": [{"events": [{
        "event_id": "E1",
        "event_type": "Adverse_event",
        "Trigger": _arg((["took"], [3], "T1")),
        "Treatment": {
            **_arg((["warfarin 5 mg daily orally and aspirin"], [8], "T2")),
            "Drug": _arg((["warfarin"], [8], "T3")),
            "Dosage": _arg((["5 mg", "daily"], [17, 22], "T4")),
            "Freq": _arg((["daily"], [22], "T5")),
            "Route": _arg((["orally"], [28], "T6")),
            "Duration": _arg((["3 weeks"], [51], "T7")),
            "Time_elapsed": _arg((["3 weeks"], [51], "T8")),
            "Combination": [{"event_id": "E2", "event_type": "Combination",
                             "Trigger": _arg((["and"], [35], "T9")),
                             "Drug": _arg((["warfarin"], [8], "T3"), (["aspirin"], [39], "T10"))}],
        },
    }]}],
}


def test_phee_treatment_arguments_with_combination_drugs_deduplicated() -> None:
    doc = parse_phee_record(PHEE_RECORD)
    assert (doc.doc_id, doc.text) == ("123_4", PHEE_CONTEXT)
    assert [(m.label, m.start, m.end, m.text, dict(m.attrs)) for m in doc.mentions] == [
        ("Treatment.Drug", 8, 16, "warfarin", {"entity_id": "T3"}),
        ("Treatment.Dosage", 17, 27, "5 mg daily", {"entity_id": "T4", "fragments": "17 21;22 27"}),
        ("Treatment.Freq", 22, 27, "daily", {"entity_id": "T5"}),
        ("Treatment.Route", 28, 34, "orally", {"entity_id": "T6"}),
        ("Treatment.Drug", 39, 46, "aspirin", {"entity_id": "T10"}),
        ("Treatment.Duration", 51, 58, "3 weeks", {"entity_id": "T7"}),
    ]


def test_phee_offset_mismatch_raises() -> None:
    bad = json.loads(json.dumps(PHEE_RECORD))
    bad["annotations"][0]["events"][0]["Treatment"]["Drug"]["start"] = [[9]]
    with pytest.raises(CorpusError, match="'warfarin' at 9"):
        parse_phee_record(bad)


def test_read_phee_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "test.json"
    path.write_text(json.dumps(PHEE_RECORD) + "\n\n" + json.dumps({**PHEE_RECORD, "id": "5_1"}) + "\n")
    assert [d.doc_id for d in read_phee(path)] == ["123_4", "5_1"]


PUBTATOR = "\n".join([
    "123|t|Aspirin toxicity.",
    "123|a|Low-dose aspirin and heparin.",
    "123\t0\t7\tAspirin\tChemical\tD001241",
    "123\t8\t16\ttoxicity\tDisease\tD064420",
    "123\t27\t34\taspirin\tChemical\tD001241",
    "123\t39\t46\theparin\tChemical\tD006493",
    "123\tCID\tD001241\tD064420",
    "",
    "456|t|Title",
    "456|a|Drug X and Y.",
    "456\t6\t18\tDrug X and Y\tChemical\tD1|D2\tDrug X|Drug Y",
    "456\t6\t10\tDrug\tChemical\t-1",
    "",
])


def test_pubtator_offsets_run_over_title_space_abstract() -> None:
    first, second = parse_pubtator(PUBTATOR)
    assert first.doc_id == "123"
    assert first.text == "Aspirin toxicity. Low-dose aspirin and heparin."
    assert [(m.label, m.start, m.end, m.text, dict(m.attrs)) for m in first.mentions] == [
        ("Chemical", 0, 7, "Aspirin", {"mesh": "D001241"}),
        ("Disease", 8, 16, "toxicity", {"mesh": "D064420"}),
        ("Chemical", 27, 34, "aspirin", {"mesh": "D001241"}),
        ("Chemical", 39, 46, "heparin", {"mesh": "D006493"}),
    ]
    assert second.text == "Title Drug X and Y."
    assert [(m.start, m.end, m.attrs["mesh"]) for m in second.mentions] == [(6, 18, "D1|D2"), (6, 10, "-1")]


def test_pubtator_offset_mismatch_raises(tmp_path: Path) -> None:
    path = tmp_path / "cdr.txt"
    path.write_text("1|t|Abc\n1|a|def\n1\t0\t3\tAbd\tChemical\tD1\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"cdr\.txt:3: 'Abd' at 0"):
        list(read_bc5cdr(path))
