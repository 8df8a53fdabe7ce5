"""The abbreviation detector: its parenthesised candidates and short-form matcher against the spaCy
Matchers scispaCy uses, and what it finds against scispaCy's own detector."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from pipeline.extractors.abbreviations import (
    MAX_INSIDE,
    Abbreviation,
    ShortFormMatcher,
    defined_abbreviations,
    parenthesised,
)
from pipeline.nlp import build_nlp
from tests.conftest import EXAMPLES, ROOT

MACCROBAT = ROOT.parent / "shared" / "benchmarks" / "maccrobat2020"

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
    assert doc._.defined_abbreviations == [
        Abbreviation("TCZ", 26, 29, "tocilizumab"), Abbreviation("TCZ", 40, 43, "tocilizumab")]


FORMS = {"tumour necrosis factor": ["TNF"], "methotrexate": ["MTX"], "mycophenolate mofetil": ["MMF"],
         "every 2 weeks": ["q2", "w"], "interleukin 6": ["IL", "-", "6"], "weeks": ["w"]}
FORMS_TEXT = ("TNF (tumour necrosis factor) inhibitors, MTX and MMF; q2w dosing (q2 w), IL-6, IL - 6 and "
              "TNF-alpha; w w q2 w TNF")


def test_short_form_matcher_finds_what_the_matcher_finds_in_the_same_order() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc(FORMS_TEXT)
    matcher, short_forms = Matcher(nlp.vocab), ShortFormMatcher(nlp.vocab)
    for key, tokens in FORMS.items():
        matcher.add(key, [[{"ORTH": t} for t in tokens]])
        short_forms.add(key, [[{"ORTH": t} for t in tokens]])
    expected = matcher(doc)
    assert len(expected) == 12  # "q2 w" and "w" end on the same token twice
    assert short_forms(doc) == expected
    for key in ("weeks", "methotrexate"):
        matcher.remove(key)
        short_forms.remove(key)
    assert short_forms(doc) == matcher(doc)
    assert [(nlp.vocab.strings[k], doc[s:e].text) for k, s, e in short_forms(doc)] == [
        ("tumour necrosis factor", "TNF"), ("mycophenolate mofetil", "MMF"), ("every 2 weeks", "q2 w"),
        ("interleukin 6", "IL - 6"), ("tumour necrosis factor", "TNF"), ("every 2 weeks", "q2 w"),
        ("tumour necrosis factor", "TNF")]


def test_detector_finds_every_use_and_forgets_each_document_s_forms() -> None:
    nlp = build_nlp()
    short_forms = ShortFormMatcher(nlp.vocab)
    text = ("Methotrexate (MTX) was given. MTX was stopped; MTX again. IL-6 (interleukin 6) rose; "
            "tumour necrosis factor (TNF) and TNF (tumor necrosis factor); (x) (12) (a b c d e f g h i j)")
    assert defined_abbreviations(nlp.make_doc(text), short_forms) == [
        ("MTX", 14, 17, "Methotrexate"), ("MTX", 30, 33, "Methotrexate"), ("MTX", 47, 50, "Methotrexate"),
        ("TNF", 109, 112, "tumour necrosis factor"), ("TNF", 118, 121, "tumour necrosis factor"),
        # up to three words in brackets are a short form to scispaCy, however long the words
        ("tumor necrosis factor", 123, 144, "tumour necrosis factor (TNF) and TNF")]
    assert short_forms.forms == {}


def _scispacy_abbreviations(nlp, text: str) -> set[tuple[str, int, int, str]]:
    from scispacy.abbreviation import AbbreviationDetector

    detector = AbbreviationDetector(nlp)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")  # its matcher of short forms is empty
        doc = detector(nlp.make_doc(text))
    return {(a.text, a.start_char, a.end_char, a._.long_form.text) for a in doc._.abbreviations}


def _texts() -> list[Path]:
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.md"))
    paths += sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))
    return paths + sorted(MACCROBAT.glob("*.txt"))[:60]


@pytest.mark.slow
def test_detector_finds_what_scispacys_detector_finds() -> None:
    nlp = build_nlp()
    short_forms = ShortFormMatcher(nlp.vocab)
    paths = _texts()
    assert len(paths) >= 5
    defined = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        ours = defined_abbreviations(nlp.make_doc(text), short_forms)
        assert len(set(ours)) == len(ours), path.name
        assert set(ours) == _scispacy_abbreviations(nlp, text), path.name
        defined += len(ours)
    assert defined > 20
