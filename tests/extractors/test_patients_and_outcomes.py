"""PATIENT references, RESPONSE and ADVERSE_EVENT with negation; pattern examples."""

from __future__ import annotations

import pytest
import spacy

from pipeline.extractors.outcomes import OutcomeFinder
from pipeline.extractors.patients import find_patients, patient_patterns
from pipeline.segment import segment

EXAMPLES = [(p, text, span) for p in patient_patterns() for text, span in p.match_examples]
NON_EXAMPLES = [(p, text) for p in patient_patterns() for text in p.no_match_examples]


@pytest.mark.parametrize(("pattern", "text", "span"), EXAMPLES,
                         ids=[f"{p.name}:{t[:15]}" for p, t, _ in EXAMPLES])
def test_patient_pattern_examples_match(pattern, text, span):
    m = pattern.regex.search(text)
    assert m is not None and m.group(pattern.group) == span


@pytest.mark.parametrize(("pattern", "text"), NON_EXAMPLES,
                         ids=[f"{p.name}:{t[:15]}" for p, t in NON_EXAMPLES])
def test_patient_pattern_examples_do_not_match(pattern, text):
    assert pattern.regex.search(text) is None


def spans(found, text):
    return [(text[f.start:f.end], f.attrs.get("id")) for f in found]


def test_numbered_lists_and_definite_references():
    text = "Cases\n3, 7, and 8 had SDI scores of 1. The patient improved; a 4-year-old girl."
    assert spans(find_patients(text), text) == [
        ("Cases\n3", "3"), ("7", "7"), ("8", "8"), ("The patient", None), ("4-year-old girl", None),
    ]


def test_doses_and_counts_are_not_patients():
    text = "all 9 patients; patients 5 mg; case 1.5 mg"
    assert find_patients(text) == []


def test_table_row_numbers_are_patients():
    text = ("TABLE 1 Characteristics.\n\nPatient Sex Age\n1 F 10.00 GC\n2 M 11.00 HCQ\n\n"
            "F, female; M, male; GC, glucocorticoid.\n")
    seg = segment(text)
    assert spans(find_patients(text, seg.tables), text) == [("1", "1"), ("2", "2")]


@pytest.fixture(scope="module")
def outcomes():
    nlp = spacy.blank("en")
    return nlp, OutcomeFinder(nlp)


def run(outcomes, text):
    nlp, finder = outcomes
    sentences = [(s.start, s.end) for s in segment(text).sentences]
    return [(text[f.start:f.end], f.label, f.attrs.get("norm"), f.attrs.get("negated"))
            for f in sorted(finder(nlp(text), sentences), key=lambda f: f.start)]


def test_responses_longest_match(outcomes):
    text = "Four patients achieved complete remission; three were nonresponders. No disease alleviation."
    assert run(outcomes, text) == [
        ("complete remission", "RESPONSE", "complete_remission", None),
        ("nonresponders", "RESPONSE", "no_response", None),
        ("No disease alleviation", "RESPONSE", "unalleviated", None),
    ]


def test_adverse_events_and_negation(outcomes):
    text = ("Case 5 experienced an upper respiratory tract infection. There were no reports of "
            "herpes zoster reactivation. Serious infection or thrombosis were not observed.")
    assert [r for r in run(outcomes, text) if r[1] == "ADVERSE_EVENT"] == [
        ("upper respiratory tract infection", "ADVERSE_EVENT", "upper_respiratory_tract_infection", None),
        ("herpes zoster reactivation", "ADVERSE_EVENT", "herpes_zoster", "true"),
        ("Serious infection", "ADVERSE_EVENT", "serious_infection", "true"),
        ("thrombosis", "ADVERSE_EVENT", "thrombosis", "true"),
    ]


def test_responses_with_their_modifiers_and_without_negated_relapses(outcomes):
    text = ("Hair loss, no remission. The temperature was normal without any recurrence, with no "
            "recurrence of fever; later a slight recurrence and a complete disease flare. After a "
            "complete resolution of 4 months the drug was stopped; stable disease.")
    assert run(outcomes, text) == [
        ("no remission", "RESPONSE", "no_response", None),
        ("slight recurrence", "RESPONSE", "relapse", None),
        ("complete disease flare", "RESPONSE", "flare", None),
        ("complete resolution", "RESPONSE", "complete_remission", None),
        ("stable disease", "RESPONSE", "stable", None),
    ]


def test_resolution_of_a_named_symptom_is_not_a_response(outcomes):
    assert run(outcomes, "showing a complete resolution of fever") == []


def test_lexicon_phrases_wrapped_by_a_line_break(outcomes):
    text = "She achieved complete\nremission; an upper respiratory\ntract infection followed."
    assert run(outcomes, text) == [
        ("complete\nremission", "RESPONSE", "complete_remission", None),
        ("upper respiratory\ntract infection", "ADVERSE_EVENT", "upper_respiratory_tract_infection", None),
    ]


def test_a_negation_covers_the_whole_list_of_events(outcomes):
    text = ("Severe adverse events, notably serious infection or  thrombosis, were not observed, nor "
            "were other adverse events such as  malignancy, embolism, anemia, or cytopenias. "
            "She had leukopenia and, later, herpes zoster.")
    assert [(s, n) for s, label, _, n in run(outcomes, text) if label == "ADVERSE_EVENT"] == [
        ("serious infection", "true"), ("thrombosis", "true"), ("malignancy", "true"),
        ("embolism", "true"), ("anemia", "true"), ("cytopenias", "true"),
        ("leukopenia", None), ("herpes zoster", None),
    ]
