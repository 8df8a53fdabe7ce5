"""The lexicon matcher peer: casemine's drug vocabulary matched plainly, without casemine's rules."""

from __future__ import annotations

import spacy

from benchmarks.lexicon_peer import (
    CLASSES,
    DRUGS,
    OPEN,
    Pattern,
    PlainDictionaryMatcher,
    find_lexicon_drugs,
    lexicon_patterns,
)
from pipeline.extractors.drugs import DrugFinder, open_dictionary
from pipeline.extractors.lexicon import load_lexicon

# a measured substance, a stop-listed enzyme, an abbreviation the lexicon matches case-sensitively
# (and its lower-case form, which it must not), a name in both the lexicon and the open
# dictionary, a class; then a susceptibility test and a class wrapped over a line break
GUARDED = "Valproate levels were low and alkaline phosphatase rose; TOF (tof) and tofacitinib, then JAK inhibitors."
SUSCEPTIBLE = "The isolate was sensitive to vancomycin.\nJanus kinase\ninhibitors were given."


def _spans(text: str) -> list[tuple[str, int, int, str, dict[str, str]]]:
    return [(m.label, m.start, m.end, m.text, dict(m.attrs)) for m in find_lexicon_drugs(text)]


def test_lexicon_matcher_tags_measured_and_stop_listed_substances() -> None:
    tofacitinib = {"norm": "tofacitinib", "drugbank": "DB08895", "class": "jak_inhibitor", "source": "drugs.tsv"}
    assert _spans(GUARDED) == [
        ("DRUG", 0, 9, "Valproate", {"norm": "valproic acid", "drugbank": "DB00313", "source": "open dictionary"}),
        ("DRUG", 30, 50, "alkaline phosphatase",
         {"norm": "alkaline phosphatase", "drugbank": "DB05768", "source": "open dictionary"}),
        ("DRUG", 57, 60, "TOF", tofacitinib),
        ("DRUG", 71, 82, "tofacitinib", tofacitinib),
        ("DRUG_CLASS", 89, 103, "JAK inhibitors", {"norm": "jak_inhibitor", "source": "drug_classes.tsv"}),
    ]


def test_lexicon_matcher_has_no_susceptibility_rule_and_no_line_wrapped_names() -> None:
    assert _spans(SUSCEPTIBLE) == [
        ("DRUG", 29, 39, "vancomycin", {"norm": "vancomycin", "drugbank": "DB00512", "source": "open dictionary"})]


def test_casemine_refuses_what_the_lexicon_matcher_tags() -> None:
    # the same vocabulary behind casemine's rules: the measured, stop-listed and tested names go,
    # the class wrapped over a line break comes
    nlp = spacy.blank("en")
    finder = DrugFinder(nlp)
    assert [(f.label, f.start, f.end) for f in finder(nlp.make_doc(GUARDED))] == [
        ("DRUG", 57, 60), ("DRUG", 71, 82), ("DRUG_CLASS", 89, 103)]
    assert [(f.label, SUSCEPTIBLE[f.start:f.end]) for f in finder(nlp.make_doc(SUSCEPTIBLE))] == [
        ("DRUG_CLASS", "Janus kinase\ninhibitors")]


def test_longest_match_wins_and_a_tie_goes_to_the_earlier_pattern() -> None:
    patterns = [Pattern("kinase", False, "DRUG", (("source", "a"),)),
                Pattern("Janus kinase inhibitor", False, "DRUG_CLASS", (("source", "b"),)),
                Pattern("JAK", True, "DRUG", (("source", "c"),)),
                Pattern("jak", False, "DRUG_CLASS", (("source", "d"),))]
    matcher = PlainDictionaryMatcher(spacy.blank("en"), patterns)
    # "kinase" lies inside a longer match; "JAK" matches c and d, "Jak" only d (c is case-sensitive)
    assert [(m.label, m.start, m.end, m.attrs["source"]) for m in matcher("janus KINASE inhibitor; JAK, Jak")] == [
        ("DRUG_CLASS", 0, 22, "b"), ("DRUG", 24, 27, "c"), ("DRUG_CLASS", 29, 32, "d")]


def test_patterns_are_the_lexicon_then_the_open_dictionary_then_the_classes() -> None:
    patterns = lexicon_patterns()
    sources = [dict(p.attrs)["source"] for p in patterns]
    drugs, classes = len(load_lexicon(DRUGS, ("surface", "norm", "class"))), len(load_lexicon(CLASSES))
    assert sources == [DRUGS] * drugs + [OPEN] * len(open_dictionary()) + [CLASSES] * classes
    assert {p.label for p in patterns[:-classes]} == {"DRUG"}
    assert {p.label for p in patterns[-classes:]} == {"DRUG_CLASS"}
