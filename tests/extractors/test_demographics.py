"""Demographics finder: pattern examples, invented snippets with exact facts, the source papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.attribution.patients import attribute_patients
from pipeline.extractors.demographics import (
    FIELDS,
    PatientFact,
    demographic_rules,
    diagnosis_code,
    find_demographics,
    pattern_texts,
)
from pipeline.extractors.labs import RulePattern
from pipeline.extractors.patients import find_patients
from pipeline.ingest import ingest_file
from pipeline.segment import segment
from tests.conftest import EXAMPLES as EXAMPLES_DIR
from tests.conftest import PAPERS

EXAMPLES = [
    pytest.param(p, text, spans, id=f"{p.name}-{i}")
    for p in demographic_rules().patterns
    for i, (text, spans) in enumerate(p.match_examples)
]
NO_MATCH = [
    pytest.param(p, text, id=f"{p.name}-no-{i}")
    for p in demographic_rules().patterns
    for i, text in enumerate(p.no_match_examples)
]
Fact = tuple[str, str, str, str, "int | None", str]


@pytest.mark.parametrize(("pattern", "text", "spans"), EXAMPLES)
def test_demographic_pattern_examples_match(pattern: RulePattern, text: str, spans: tuple[str, ...]) -> None:
    assert pattern_texts(pattern, text) == spans


@pytest.mark.parametrize(("pattern", "text"), NO_MATCH)
def test_demographic_pattern_examples_no_match(pattern: RulePattern, text: str) -> None:
    assert pattern_texts(pattern, text) == ()


@pytest.mark.parametrize(
    ("written", "code"),
    [("systemic JIA", "sJIA"), ("SJIA", "sJIA"), ("systemic juvenile\nidiopathic arthritis", "sJIA"),
     ("sJIA-MAS", "sJIA-MAS"), ("LN", "lupus nephritis"), ("ln", None), ("c-SLE", "cSLE"),
     ("childhood-onset lupus", "cSLE"), ("polyarticular JIA", "pJIA"), ("collagenous colitis", None)],
)
def test_diagnosis_lexicon_codes(written: str, code: str | None) -> None:
    assert diagnosis_code(written) == code


def _rows(facts: list[PatientFact], text: str) -> list[Fact]:
    return [(f.patient, f.field, f.value, f.stat, f.n, text[f.start:f.end]) for f in facts]


def facts_of(text: str) -> list[Fact]:
    """The finder on an invented text, with the PATIENT mentions attribution needs (no spaCy)."""
    seg = segment(text)
    found = attribute_patients(find_patients(text, seg.tables), text, seg)
    return _rows(find_demographics(text, seg, found), text)


V = "value"
CASE = "Case presentation\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the age of "a 12-year-old boy" is dated by the event his episode goes on to tell
        (CASE + "A 12-year-old boy was diagnosed with SLE. He was started on tofacitinib.",
         [("1", "age_at_diagnosis", "12", V, None, "12-year-old"), ("1", "sex", "male", V, None, "boy"),
          ("1", "diagnosis", "SLE", V, None, "SLE")]),
        (CASE + "A 12-year-old boy, diagnosed with SLE 3 years earlier, was started on tofacitinib 5 mg bid.",
         [("1", "age_at_index_start", "12", V, None, "12-year-old"), ("1", "sex", "male", V, None, "boy"),
          ("1", "diagnosis", "SLE", V, None, "SLE")]),
        (CASE + "A 10-year-old girl presented with fever and rash. She was diagnosed with sJIA.",
         [("1", "age_at_diagnosis", "10", V, None, "10-year-old"), ("1", "sex", "female", V, None, "girl"),
          ("1", "diagnosis", "sJIA", V, None, "sJIA")]),
        (CASE + "The patient, a girl, was diagnosed with sJIA at the age of 5.",
         [("1", "sex", "female", V, None, "girl"),
          ("1", "age_at_diagnosis", "5", V, None, "diagnosed with sJIA at the age of 5"),
          ("1", "diagnosis", "sJIA", V, None, "sJIA")]),
        (CASE + "A 14-year-old girl with a disease duration of 8 months had arthritis.",
         [("1", "sex", "female", V, None, "girl"),
          ("1", "disease_duration_at_index_start", "0.67", V, None, "disease duration of 8 months")]),
        (CASE + "A girl aged 8 years started baricitinib 2 mg qd.",
         [("1", "sex", "female", V, None, "girl"), ("1", "age_at_index_start", "8", V, None, "8 years")]),
        # one patient per case block: field lines, and a pronoun where no sex word is given
        ("Case 1\n\nAge at diagnosis: 8 years.\nDisease duration: 18 months.\n\n"
         "Case 2\n\nAge at diagnosis: 11 years. She had arthritis.\nComplication: lupus nephritis class IV.",
         [("1", "age_at_diagnosis", "8", V, None, "Age at diagnosis: 8 years"),
          ("1", "disease_duration_at_index_start", "1.5", V, None, "Disease duration: 18 months"),
          ("2", "age_at_diagnosis", "11", V, None, "Age at diagnosis: 11 years"),
          ("2", "sex", "female", V, None, "She"),
          ("2", "diagnosis", "lupus nephritis", V, None, "lupus nephritis")]),
        # a table with cells: the header cell names the column; "Age (years)" names no time
        ("Patient\tSex\tAge (years)\tAge at diagnosis (years)\tDisease duration (months)\n"
         "1\tF\t12\t8\t18\n2\tM\t13\t11.5\t6\n",
         [("1", "sex", "female", V, None, "F"), ("1", "age_at_diagnosis", "8", V, None, "8"),
          ("1", "disease_duration_at_index_start", "1.5", V, None, "18"),
          ("2", "sex", "male", V, None, "M"), ("2", "age_at_diagnosis", "11.5", V, None, "11.5"),
          ("2", "disease_duration_at_index_start", "0.5", V, None, "6")]),
        # cohort statements of a series
        ("Results\n\nWe included 12 patients with cSLE; seven were girls. The median age at diagnosis "
         "was 9.5 (4-13) years. Patient 3 was diagnosed with lupus nephritis. Patient 5 was not.",
         [("cohort", "diagnosis", "cSLE", "count", 12, "12 patients with cSLE"),
          ("cohort", "sex", "female", "count", 7, "seven were girls"),
          ("cohort", "age_at_diagnosis", "9.5", "median", None, "median age at diagnosis was 9.5 (4-13) years"),
          ("3", "diagnosis", "lupus nephritis", V, None, "lupus nephritis")]),
        ("Results\n\nAll 6 patients were girls. The mean disease duration was 3.1 years. Patients 2 "
         "and 5 were treated first.",
         [("cohort", "sex", "female", "all", None, "All 6 patients were girls"),
          ("cohort", "disease_duration_at_index_start", "3.1", "mean", None,
           "mean disease duration was 3.1 years")]),
    ],
)
def test_demographics_invented_snippets(text: str, expected: list[Fact]) -> None:
    # (attribution takes a text naming fewer than two numbered patients for a single case)
    assert facts_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the story moves on before the diagnosis: the presentation age is not the diagnosis age
        CASE + "A 10-year-old girl presented with fever. Two years later she was diagnosed with sJIA.",
        CASE + "A 10-year-old girl presented with fever in 2019. She was diagnosed with sJIA in 2021.",
        # an age at no named event, an anchor at another time, part of the cohort, a ratio
        CASE + "A 10-year-old patient had arthritis.",
        "Results\n\nAt the last follow-up, the median disease duration was 5 years. Patients 2 and 5 improved.",
        "Results\n\nThe median age at diagnosis in the girls was 8 years. Patients 2 and 5 improved.",
        "Results\n\nAll 6 patients were treated. The male-to-female ratio was 1:2. Patients 2 and 5 improved.",
    ],
)
def test_demographics_unclear_numbers_give_nothing(text: str) -> None:
    assert [f for f in facts_of(text) if f[1] not in ("sex", "diagnosis")] == []
    assert [f for f in facts_of(text) if f[0] == "cohort"] == []


def test_demographics_two_patients_in_one_sentence_give_no_sex() -> None:
    assert facts_of("Results\n\nPatient 4 was a boy and Patient 5 a girl.") == []


def test_demographics_relative_and_cited_people_are_not_the_patient() -> None:
    text = (CASE + "The patient, a girl, had arthritis. Her brother, a 12-year-old boy, was healthy.\n\n"
            "Discussion\n\nSmith et al. [2] reported a 9-year-old boy who was diagnosed with sJIA.")
    assert facts_of(text) == [("1", "sex", "female", V, None, "girl")]


def test_demographics_conflicting_values_are_dropped() -> None:
    text = CASE + "A 4-year-old girl was diagnosed with sJIA. She was diagnosed with sJIA at the age of 3 years."
    assert [f for f in facts_of(text) if f[1] == "age_at_diagnosis"] == []


FLAT = ("Results\n\nThree patients are described.\n\nTABLE 1 Characteristics of the patients.\n\n"
        "Patient Sex Age at Disease Age at TOF\n"
        "diagnosis duration initiation\n"
        "(years) (years) (years)\n\n"
        "1 F 9.50 2.25 11.75 Rash\n\n"
        "2 M 12.00 0.50 12.50 Fever\n\n"
        "3 F 6.00 4.00 10.00 Arthritis\n\n"
        "F, female; M, male; TOF, tofacitinib.\n\nDiscussion\n\nNone.\n")


def test_demographics_flattened_table_by_the_sum_rule() -> None:
    rows = {"1": ("F", "9.50", "2.25", "11.75"), "2": ("M", "12.00", "0.50", "12.50"),
            "3": ("F", "6.00", "4.00", "10.00")}
    expected = []
    for p, (sex, dx, dur, idx) in rows.items():
        expected += [(p, "sex", "female" if sex == "F" else "male", V, None, sex),
                     (p, "age_at_diagnosis", str(float(dx)).removesuffix(".0"), V, None, dx),
                     (p, "disease_duration_at_index_start", str(float(dur)).removesuffix(".0"), V, None, dur),
                     (p, "age_at_index_start", str(float(idx)).removesuffix(".0"), V, None, idx)]
    assert facts_of(FLAT) == expected


@pytest.mark.parametrize(
    ("old", "new", "fields"),
    [
        ("12.50", "12.60", {"sex"}),  # the sum fails in one row: no ages at all
        ("F, female", "F, fever", {"age_at_diagnosis", "disease_duration_at_index_start",
                                   "age_at_index_start"}),  # the footnote gives F another meaning
        ("(years) (years) (years)", "(months) (months) (months)", {"sex"}),
        ("duration initiation", "duration follow-up", {"sex"}),  # the later age is at another time
    ],
)
def test_demographics_flattened_table_declines(old: str, new: str, fields: set[str]) -> None:
    text = FLAT.replace(old, new)
    assert text != FLAT
    assert {f[1] for f in facts_of(text)} == fields


# --- the source papers and the bundled examples (whole pipeline) ----------------------------------


def _document_facts(path: Path) -> list[Fact]:
    from pipeline.extract import find_mentions

    text = ingest_file(path).clean_text
    found, _links, seg = find_mentions(text)
    facts = find_demographics(text, seg, found)
    for f in facts:
        assert f.field in FIELDS and f.stat in {"value", "median", "mean", "count", "all"}
        assert f.patient == "cohort" or f.patient.isdigit()
        assert (f.stat == "value") == (f.patient != "cohort") and (f.n is not None) == (f.stat == "count")
        assert text[f.start:f.end].strip() == text[f.start:f.end] != ""
    return _rows(facts, text)


# Table 1 of the cSLE series, per patient: age at diagnosis, disease duration and age at
# tofacitinib initiation as the cells write them (every patient is F).
CSLE_TABLE = {"1": ("10.00", "3.50", "13.50"), "2": ("11.00", "2.50", "13.50"), "3": ("11.00", "0.92", "11.92"),
              "4": ("11.00", "0.75", "11.75"), "5": ("13.00", "0.03", "13.03"), "6": ("10.00", "5.42", "15.42"),
              "7": ("13.00", "0.42", "13.42"), "8": ("10.00", "1.25", "11.25"), "9": ("7.00", "8.75", "15.75")}


def _number(cell: str) -> str:
    return str(float(cell)).removesuffix(".0")


@pytest.mark.slow
def test_demographics_csle_series(shared_corpus: Path) -> None:
    facts = _document_facts(shared_corpus / f"{PAPERS['csle']}.txt")
    expected = []
    for p, (dx, dur, idx) in CSLE_TABLE.items():
        expected += [(p, "sex", "female", V, None, "F"), (p, "age_at_diagnosis", _number(dx), V, None, dx),
                     (p, "disease_duration_at_index_start", _number(dur), V, None, dur),
                     (p, "age_at_index_start", _number(idx), V, None, idx)]
    # the case blocks state each disease duration again, as the table does
    expected += [(p, "disease_duration_at_index_start", _number(dur), V, None,
                  f"Disease duration: {_number(dur)} years") for p, (_dx, dur, _idx) in CSLE_TABLE.items()]
    expected += [(p, "diagnosis", "lupus nephritis", V, None, "lupus nephritis") for p in ("3", "5", "8")]
    cohort = [
        ("diagnosis", "cSLE", "count", 9, "9 patients with refractory cSLE"),
        ("sex", "female", "all", None, "All patients were female"),
        ("age_at_diagnosis", "10.67", "mean", None, "average age at diagnosis was 10.67 years"),
        ("age_at_index_start", "13.28", "mean", None, "At initiation of tofacitinib, the\naverage age was 13.28 years"),
        ("disease_duration_at_index_start", "2.62", "mean", None, "average disease duration was 2.62 years"),
        ("diagnosis", "cSLE", "count", 9, "9 children with refractory cSLE"),
        ("sex", "female", "all", None, "All the children were females"),
        ("age_at_diagnosis", "10.67", "mean", None,
         "average age at\ndiagnosis of cSLE was 10.67 years (range: 7-13 years)"),
        ("age_at_index_start", "13.28", "mean", None,
         "average\nage at the start of tofacitinib treatment was 13.28 years (range:\n11.25-15.75 years)"),
        ("disease_duration_at_index_start", "2.62", "mean", None,
         "average disease duration at the start of\ntofacitinib treatment was 2.62 years (range: 0.03-8.75 years)"),
        ("diagnosis", "lupus nephritis", "count", 3, "Three patients also had concurrent\nlupus nephritis"),
        ("sex", "female", "count", 9, "9 female"),
        ("diagnosis", "cSLE", "count", 9, "9 female patients with refractory cSLE"),
    ]
    expected += [("cohort", *c) for c in cohort]
    assert sorted(facts, key=repr) == sorted(expected, key=repr)
    # the 9-year-old girl of the Discussion is cited work
    assert not [f for f in facts if f[5] == "girl"]


@pytest.mark.slow
def test_demographics_sjia_series(shared_corpus: Path) -> None:
    # narrative only: the patients are told apart by number, and "he"/"she" in a paragraph about
    # several of them is not read, so every fact is of the cohort
    assert _document_facts(shared_corpus / f"{PAPERS['sjia_cohort']}.txt") == [
        ("cohort", "diagnosis", "sJIA", "count", 10, "Ten patients with SJIA"),
        ("cohort", "diagnosis", "sJIA", "count", 10, "Ten SJIA patients"),
        ("cohort", "sex", "female", "count", 4, "four were girls"),
        ("cohort", "age_at_diagnosis", "6.5", "median", None, "6.5 (2-11) years"),
        ("cohort", "age_at_index_start", "12.75", "median", None, "12.75\n(3-16) years"),
        ("cohort", "disease_duration_at_index_start", "2.75", "median", None,
         "median disease\nduration related to diagnosis was 2.75 (0.05-9) years"),
    ]


@pytest.mark.slow
def test_demographics_sjia_case(shared_corpus: Path) -> None:
    facts = _document_facts(shared_corpus / f"{PAPERS['sjia_case']}.txt")
    # the abstract's 4-year-old girl is hospitalised and diagnosed in one episode; the case
    # presentation's goes back in time at once ("In October 2019"), so it dates nothing
    assert [f for f in facts if f[1] != "diagnosis"] == [
        ("1", "age_at_diagnosis", "4", V, None, "4-year-old"), ("1", "sex", "female", V, None, "girl"),
        ("1", "sex", "female", V, None, "girl"),
    ]
    assert [f for f in facts if f[1] == "diagnosis"] == [("1", "diagnosis", "sJIA", V, None, "sJIA")] * 5


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ex01_narrative_tofacitinib_sjia.txt",  # the cited 12-year-old girl is not the patient
         [("1", "sex", "male", V, None, "boy"),
          ("1", "diagnosis", "sJIA", V, None, "systemic juvenile\nidiopathic arthritis"),
          ("1", "sex", "male", V, None, "boy"), ("1", "diagnosis", "sJIA", V, None, "sJIA"),
          ("1", "sex", "male", V, None, "boy")]),
        ("ex02_case_series_baricitinib_sle.md",  # "Age (years)" in the table names no time
         [("cohort", "diagnosis", "cSLE", "count", 4, "four patients with childhood-onset SLE"),
          ("1", "age_at_index_start", "14", V, None, "14-year-old"), ("1", "sex", "female", V, None, "girl"),
          ("1", "disease_duration_at_index_start", "2", V, None, "disease duration of 2 years"),
          ("2", "age_at_index_start", "9", V, None, "9-year-old"), ("2", "sex", "female", V, None, "girl"),
          ("3", "age_at_index_start", "16", V, None, "16-year-old"), ("3", "sex", "male", V, None, "boy"),
          ("4", "age_at_index_start", "13", V, None, "13-year-old"), ("4", "sex", "female", V, None, "girl"),
          ("1", "sex", "female", V, None, "F"), ("2", "sex", "female", V, None, "F"),
          ("3", "sex", "male", V, None, "M"), ("4", "sex", "female", V, None, "F")]),
        ("ex03_flattened_table_ruxolitinib.txt",
         [("cohort", "diagnosis", "sJIA-MAS", "count", 3, "Three children with sJIA-MAS"),
          ("cohort", "diagnosis", "sJIA-MAS", "count", 3, "three children with sJIA-MAS"),
          ("1", "sex", "male", V, None, "M"), ("2", "sex", "female", V, None, "F"),
          ("3", "sex", "male", V, None, "M")]),
        ("ex04_jats_case_report.xml",
         [("1", "sex", "female", V, None, "girl"),
          ("1", "diagnosis", "pJIA", V, None, "polyarticular juvenile idiopathic arthritis"),
          ("1", "age_at_index_start", "9", V, None, "9-year-old"), ("1", "sex", "female", V, None, "girl"),
          ("1", "diagnosis", "pJIA", V, None, "polyarticular JIA"), ("1", "sex", "female", V, None, "girl"),
          ("1", "age_at_diagnosis", "6", V, None, "diagnosed with polyarticular JIA at the age of 6 years"),
          ("1", "diagnosis", "pJIA", V, None, "polyarticular JIA")]),
        ("ex05_ocr_damaged_lupus.txt",
         [("cohort", "sex", "female", "count", 2, "two girls"),
          ("cohort", "diagnosis", "cSLE", "count", 2, "two girls with refractory\nchildhood-onset lupus"),
          ("cohort", "sex", "female", "count", 2, "two girls"),
          ("cohort", "diagnosis", "cSLE", "count", 2,
           "two girls with refractory childhood-onset systemic\nlupus erythematosus"),
          ("cohort", "sex", "female", "count", 2, "Both girls"),
          ("1", "disease_duration_at_index_start", "2.5", V, None, "Disease duration: 2.5 years"),
          ("2", "disease_duration_at_index_start", "1", V, None, "Disease duration: 1 year"),
          ("2", "sex", "female", V, None, "she")]),
    ],
)
def test_demographics_bundled_examples(name: str, expected: list[Fact]) -> None:
    assert _document_facts(EXAMPLES_DIR / name) == expected
