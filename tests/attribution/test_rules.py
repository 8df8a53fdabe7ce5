"""The attribution cues: what every match of a cue holds, and searches that skip texts without it
or try the regex only where a match can start."""

from __future__ import annotations

import re

import pytest

from pipeline.attribution.rules import Cue, TextCues, attribution_rules
from pipeline.regex_analysis import matches_at_start_only, required_literals


def test_cues_read_what_every_match_holds_off_their_regex():
    cues = {cue.where: cue for cue in attribution_rules().all_cues()}
    assert cues["citation_cues entry 4"].needs == {"was defined as"}
    assert cues["own_cues entry 7"].needs == {"this case", "this cohort", "this series", "this study"}
    for cue in cues.values():
        assert cue.needs == required_literals(cue.regex, fold_case=True)
        assert cue.at_start_only == matches_at_start_only(cue.regex)
    assert cues["leading_time_phrase"].at_start_only
    assert not cues["definition_cues entry 1"].at_start_only  # "^" of a MULTILINE regex: any line


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


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [(r"^prior:", 0, True), (r"\Aprior", re.M, True), (r"(?:^prior)", 0, True), (r"^prior", re.M, False),
     (r"(?m)^prior", 0, False), (r"^prior|later", 0, False), (r"prior$", 0, False), (r"\bprior", 0, False)],
)
def test_matches_at_start_only(pattern, flags, expected):
    assert matches_at_start_only(re.compile(pattern, flags)) is expected


# every cue's examples in one text, with characters past ASCII that ignoring case folds onto ASCII
STRETCHES_TEXT = "\n".join(
    [text for cue in attribution_rules().all_cues() for text in cue.match_examples + cue.no_match_examples]
    + ["İN THE COHORT of this \u017ftudy, one wee\u212a (12) later – et al. [3]", "he; She, him: (his) her."]
)


def _stretches(text: str) -> list[tuple[int, int]]:
    """Each line, and windows of several lengths from every seventh offset (starting and ending
    inside words too)."""
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line)))
        at += len(line) + 1
    windows = [(a, min(len(text), a + n)) for a in range(0, len(text), 7) for n in (0, 3, 25, 90)]
    return lines + windows


def _span(match: re.Match[str] | None) -> tuple[tuple[int, int], tuple[str | None, ...]] | None:
    return None if match is None else (match.span(), match.groups())


def test_text_cues_search_is_the_cue_search_in_the_stretch():
    cues = TextCues(STRETCHES_TEXT)
    stretches = _stretches(STRETCHES_TEXT)
    for cue in attribution_rules().all_cues():
        for a, b in stretches:
            assert _span(cues.search(cue, a, b)) == _span(cue.search(STRETCHES_TEXT[a:b])), (cue.where, a, b)


def test_text_cues_first_is_the_first_cue_found_in_their_order():
    rules = attribution_rules()
    unread = Cue("unread", re.compile(r"(\w)\1"))  # refers back to a group: searched whole
    families = [rules.citation, rules.own, rules.phase_cues, rules.phase_fields, rules.cohort,
                (rules.comparison, unread, rules.not_taken), (unread,)]
    cues = TextCues(STRETCHES_TEXT)
    for family in families:
        for a, b in _stretches(STRETCHES_TEXT):
            expected = next((c for c in family if c.search(STRETCHES_TEXT[a:b])), None)
            assert cues.first(family, a, b) is expected, (a, b)
            assert cues.any(family, a, b) is (expected is not None)


def test_text_cues_read_the_stretch_not_the_text_around_it():
    text = "xSubject: Ongoing, and oral methotrexate; awe"
    own, definition = attribution_rules().own, attribution_rules().definition
    cues = TextCues(text)
    assert not cues.any(definition, 0, len(text))  # no line opens with "Subject: O"
    assert cues.any(definition, 1, len(text))  # the stretch does
    assert not cues.any(own, 0, len(text))  # "awe" is no "we"
    assert cues.any(own, len(text) - 2, len(text))  # the stretch "we" is
    assert not cues.any(own, len(text) - 2, len(text) - 1)
    empty = Cue("empty", re.compile(r"x*"))  # matches the empty string: searched whole
    assert cues.starts(empty) is None
    assert _span(cues.search(empty, 3, 3)) == ((0, 0), ())
    start = text.index("Ongoing")
    ongoing = Cue("ongoing", re.compile(r"\bOngoing\b"))
    assert cues.starts(ongoing) == [start]
    assert _span(cues.search(ongoing, start - 2, start + 7)) == ((2, 9), ())
    assert cues.search(ongoing, start, start + 6) is None
    assert cues.search(ongoing, start + 1, len(text)) is None
