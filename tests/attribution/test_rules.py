"""The attribution cues: what every match of a cue holds, and searches that skip texts without it."""

from __future__ import annotations

import re

import pytest

from pipeline.attribution.rules import Cue, attribution_rules, required_text


@pytest.mark.parametrize(
    ("pattern", "flags", "needs"),
    [(r"\bwas defined as\b", 0, "was defined as"), (r"et al", re.I, "et al"),
     (r"\bprior\s+treatments?\b|\bprior(?=\s)", re.I, "prior"), (r"^(?:clinical )?Outcome:", re.I, "outcome:"),
     (r"\b(?:median|mean)\b", re.I, "me"), (r"\b(?:patients|cases)\b", re.I, ""), (r"(?i:later)", 0, ""), (r"a+b", 0, "b"), (r"\u212a", re.I, ""),
     (r"ab\bcd", 0, "abcd")],
)
def test_rules_required_text(pattern, flags, needs):
    assert required_text(re.compile(pattern, flags)) == needs


@pytest.mark.parametrize(
    "text",
    ["Et Al. reported", "as previously reported (12)", "she was defined as", "İN THE COHORT",
     "in the \u212aohort", "", "in the cohort\nof", "In The Cohort"],
)
def test_rules_cue_search_is_the_regex_search(text):
    for cue in attribution_rules().all_cues():
        assert cue.needs or not required_text(cue.regex)
        found, expected = cue.search(text), cue.regex.search(text)
        assert (found and found.span()) == (expected and expected.span())
    cohort = Cue("test", re.compile(r"\bin the cohort\b", re.I), needs="in the cohort")
    assert cohort.search("In The Cohort") is not None
    assert cohort.search("in the cohorts") is None
