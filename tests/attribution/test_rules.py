"""The attribution cues: what every match of a cue holds, and searches that skip texts without it."""

from __future__ import annotations

import re

import pytest

from pipeline.attribution.rules import Cue, attribution_rules
from pipeline.regex_analysis import required_literals


def test_cues_read_what_every_match_holds_off_their_regex():
    cues = {cue.where: cue for cue in attribution_rules().all_cues()}
    assert cues["citation_cues entry 4"].needs == {"was defined as"}
    assert cues["own_cues entry 7"].needs == {"this case", "this cohort", "this series", "this study"}
    for cue in cues.values():
        assert cue.needs == required_literals(cue.regex, fold_case=True)


@pytest.mark.parametrize(
    "text",
    ["Et Al. reported", "as previously reported (12)", "she was defined as", "İN THE COHORT",
     "in the \u212aohort", "", "in the cohort\nof", "In The Cohort", "THIS CASE", "this \u017ftudy"],
)
def test_rules_cue_search_is_the_regex_search(text):
    for cue in attribution_rules().all_cues():
        found, expected = cue.search(text), cue.regex.search(text)
        assert (found and found.span()) == (expected and expected.span())


def test_cue_search_skips_texts_without_what_every_match_holds():
    cohort = Cue("test", re.compile(r"\bin the cohort\b", re.I), needs=frozenset({"in the cohort"}))
    assert cohort.search("In The Cohort") is not None
    assert cohort.search("in the cohorts") is None
    week = Cue("test", re.compile(r"\bweek\b", re.I), needs=frozenset({"week"}))
    assert week.search("one wee\u212a") is not None  # not ASCII (a Kelvin sign): the regex decides
    either = Cue("test", re.compile(r"\b(?:this|our) cohort\b"), needs=frozenset({"this cohort", "our cohort"}))
    assert either.search("in our cohort") is not None
    assert either.search("in Our cohort") is None
