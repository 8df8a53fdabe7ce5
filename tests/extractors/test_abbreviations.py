"""The parenthesised candidates of the abbreviation detector, against scispaCy's own Matcher."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher

from pipeline.extractors.abbreviations import MAX_INSIDE, parenthesised
from pipeline.nlp import build_nlp

TEXTS = [
    "She received tocilizumab (TCZ) and then TCZ 8 mg/kg (every 2 weeks (q2w)).",
    "Mycophenolate mofetil (MMF, 1 g bid) was stopped (after 3 months) ()",
    "(a) ( b c d e f g h i j k ) ) ( unclosed (SLEDAI-2K) anti-dsDNA (positive)",
]


def _matcher_candidates(text: str) -> list[tuple[int, int]]:
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
    doc = nlp.make_doc(text)
    return [(s, e) for _, s, e in matcher(doc) if e - s - 2 <= MAX_INSIDE]


@pytest.mark.parametrize("text", TEXTS)
def test_same_candidates_in_the_same_order_as_the_matcher(text: str) -> None:
    doc = spacy.blank("en").make_doc(text)
    assert [(s, e) for _, s, e in parenthesised(doc)] == _matcher_candidates(text)


def test_candidates_of_nested_brackets() -> None:
    doc = spacy.blank("en").make_doc("TCZ (every 2 weeks (q2w))")
    assert [doc[s:e].text for _, s, e in parenthesised(doc)] == [
        "(q2w)", "(every 2 weeks (q2w)", "(q2w))", "(every 2 weeks (q2w))"]


def test_defined_abbreviation_with_its_long_form() -> None:
    nlp = build_nlp()
    doc = nlp.get_pipe("abbreviation_detector")(nlp.make_doc(TEXTS[0]))
    assert [(a.text, a._.long_form.text) for a in doc._.abbreviations] == [
        ("TCZ", "tocilizumab"), ("TCZ", "tocilizumab")]
