"""Cleaning rules: their own examples, the offset map property, and the source papers' slips."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.cleaning import (
    CleaningRule,
    RuleError,
    clean_text,
    default_rules,
    find_edits,
    parse_rules,
)
from pipeline.regex_analysis import match_reach, required_literals

RULES = default_rules()
MATCH_CASES = [(r, a, b) for r in RULES for a, b in r.match_examples]
NO_MATCH_CASES = [(r, a) for r in RULES for a in r.no_match_examples]


@pytest.mark.parametrize(("rule", "text", "expected"), MATCH_CASES,
                         ids=[f"{r.name}:{a[:20]}" for r, a, _ in MATCH_CASES])
def test_rule_cleans_its_match_examples(rule, text, expected):
    cleaned, omap, counts = clean_text(text, [rule])
    assert cleaned == expected
    assert counts.get(rule.name, 0) >= 1
    start, end = omap.to_source(0, len(cleaned))
    # the whole clean text maps to the whole source, less deletions at its very edges
    assert text[:start].strip("*\u00ad") == "" and text[end:].strip("*") == ""


@pytest.mark.parametrize(("rule", "text"), NO_MATCH_CASES,
                         ids=[f"{r.name}:{a[:20]}" for r, a in NO_MATCH_CASES])
def test_rule_leaves_its_no_match_examples(rule, text):
    assert clean_text(text, [rule])[0] == text


def test_every_rule_has_examples_both_ways():
    for rule in RULES:
        assert rule.match_examples, rule.name
        assert rule.no_match_examples, rule.name


def test_bad_rule_file_names_the_rule():
    with pytest.raises(RuleError, match=r"rules\.yaml: rule 1 \(broken\)"):
        parse_rules({"rules": [{"name": "broken", "pattern": "(", "replace": ""}]}, "rules.yaml")
    with pytest.raises(RuleError, match="exactly one of"):
        parse_rules({"rules": [{"name": "x", "pattern": "a"}]}, "rules.yaml")


def test_offsets_of_a_drug_after_earlier_repairs_map_back_exactly():
    source = "remis-\nsion; remission. MMEF (0.5 g bid) then MMF; count $15.32 \\times 10^9/L$ end"
    cleaned, omap, _ = clean_text(source)
    assert cleaned == "remission; remission. MMF (0.5 g bid) then MMF; count 15.32 × 10^9/L end"
    start = cleaned.index("MMF")
    s, e = omap.to_source(start, start + 3)
    assert source[s:e] == "MMEF"
    start = cleaned.index("15.32")
    s, e = omap.to_source(start, cleaned.index(" end"))
    assert source[s:e] == "$15.32 \\times 10^9/L$"
    dose = cleaned.index("0.5 g bid")
    s, e = omap.to_source(dose, dose + len("0.5 g bid"))
    assert source[s:e] == "0.5 g bid"


def test_source_paper_slips_are_repaired(paper_text):
    csle, _, counts = clean_text(paper_text("csle"))
    assert "c¢SLE" not in csle and "¢SLE" not in csle
    assert "MMEF" not in csle
    assert "480 mg q4w IV" in csle and "600 mg q4w IV" in csle
    assert "\nCase 1\n" in csle
    assert counts["ocr_cent_for_c"] == 10
    cohort, _, _ = clean_text(paper_text("sjia_cohort"))
    assert "77.4% in other patients" in cohort and "774%" not in cohort
    assert "IFN-γ" in cohort and "TNF-α" in cohort
    case, _, _ = clean_text(paper_text("sjia_case"))
    assert "white blood cell count of  15.32 × 10^9/L ," in case
    assert "TNF-α" in case


ALPHABET = st.sampled_from(
    [*"abc MF(0.5g)-\n\t$\\^{}%¢ﬁ−–", "MMEF", "MMF", "c¢SLE", "cSLE", "Casel", "Case 2",
     "mg g4w", "77.4%", "774%", "\\times", "$10^9/L$", "IFN-y", "-\n", "**"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join), st.data())
def test_any_clean_span_maps_back_inside_the_source(source, data):
    cleaned, omap, _ = clean_text(source)
    assert omap.clean_length == len(cleaned)
    if not cleaned:
        return
    a = data.draw(st.integers(0, len(cleaned)))
    b = data.draw(st.integers(a, len(cleaned)))
    s, e = omap.to_source(a, b)
    assert 0 <= s <= e <= len(source)
    # text that cleaning did not touch maps back to identical characters
    untouched = all(not (ed.src_start < e and s < ed.src_end) for ed in omap.edits)
    if untouched:
        assert source[s:e] == cleaned[a:b]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_cleaning_never_crashes_on_random_text(source):
    cleaned, omap, _ = clean_text(source)
    start, end = omap.to_source(0, len(cleaned))
    assert 0 <= start <= end <= len(source)


# -- the shortcut: rules skip texts without their literals and search only around them ----------

def test_rules_read_needed_literals_and_reach_off_their_patterns():
    rules = {rule.name: rule for rule in RULES}
    assert rules["ocr_mmef"].needs == {"MMEF"} and rules["ocr_mmef"].reach == 5
    assert rules["ligature"].needs is None and rules["dehyphenate"].reach is None
    (folded,) = parse_rules({"rules": [{"name": "x", "pattern": "(?i)mmef", "replace": "MMF"}]}, "rules.yaml")
    assert folded.needs is None  # the windows around literals search the text as it is
    assert clean_text("the Mmef dose", [folded])[0] == "the MMF dose"


def test_every_match_example_holds_a_needed_literal():
    for rule in RULES:
        for text, _ in rule.match_examples:
            assert rule.needs is None or any(literal in text for literal in rule.needs), rule.name


TRICKY = [r"(?<=\w)ab\b", "ab$", "(?m)^ab", r"ab(?=c\d)", "x(?<=ax)y", r"\bab\b|ba", "(?<!a)bb?",
          "a{2,3}b", "(?:ab|ba)c$", "^ab", r"b\Z", "(?m)ab$"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abcx15 \n%", "ab", "ba", "-\n"]), max_size=40).map("".join))
def test_searching_around_literals_finds_what_finditer_finds(text):
    for pattern in map(re.compile, TRICKY):
        rule = CleaningRule("t", pattern, needs=required_literals(pattern), reach=match_reach(pattern))
        expected = [m.span() for m in pattern.finditer(text)]
        if rule.needs is not None and not any(literal in text for literal in rule.needs):
            assert expected == []
        else:
            assert [m.span() for m in rule.matches(text)] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_the_shortcut_changes_no_edit(source):
    plain = [dataclasses.replace(rule, needs=None, reach=None) for rule in RULES]
    assert find_edits(source, RULES) == find_edits(source, plain)


def test_the_shortcut_changes_no_edit_in_the_source_papers(paper_text):
    plain = [dataclasses.replace(rule, needs=None, reach=None) for rule in RULES]
    for name in ("csle", "sjia_cohort", "sjia_case"):
        text = paper_text(name)
        assert find_edits(text, RULES) == find_edits(text, plain)
