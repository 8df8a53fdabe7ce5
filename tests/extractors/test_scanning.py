"""Scanning with a regex's needed texts and opening finds what finditer finds."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extractors.doses import dose_patterns
from pipeline.extractors.drugs import drug_rules
from pipeline.extractors.scanning import Scanner, needed_texts, opening

PATTERNS = {name: p.regex for name, p in dose_patterns().items()}
PATTERNS.update({rule.name: rule.regex for rule in drug_rules() if rule.kind == "class"})
SCANNERS = {name: Scanner(regex) for name, regex in PATTERNS.items()}
TEXTS = sorted({text for p in dose_patterns().values()
                for text in (*(t for t, _ in p.match_examples), *p.no_match_examples)}
               | {text for rule in drug_rules() for text, _ in rule.match_examples})
ALPHABET = "0123456789 ,.-/()x×\nmgMGkKUIuqdbwihrnoteaslvy:;µ–"


def spans(found: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in found]


def assert_scans_as_finditer(scanner: Scanner, text: str) -> None:
    expected = spans(scanner.regex.finditer(text))
    assert spans(scanner.matches(text)) == expected, text
    assert spans(scanner.finditer(text)) == expected, text


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_scanning_finds_what_finditer_finds_in_the_examples(name: str) -> None:
    for text in TEXTS:
        assert_scans_as_finditer(SCANNERS[name], text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_scanning_finds_what_finditer_finds_in_any_text(text: str) -> None:
    for name in ("dose", "split_dose", "amount_expression", "target_action"):
        assert_scans_as_finditer(SCANNERS[name], text)


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?<!\w)(?:one|two)(?!\w)", "someone two one twofold"),
    (r"\b(?:ab|a)c", "abc ac aac"),
    (r"(?:x+y)|y", "xxy y xy"),
    (r"(?=\d)\d{2}", "1 22 333"),
    (r"(?>a|ab)c", "abc ac"),
    (r"(?i)mor(?:ning|row)", "MORROW morning"),
])
def test_scanning_finds_what_finditer_finds(pattern: str, text: str) -> None:
    scanner = Scanner(re.compile(pattern))
    assert scanner.opening is not None
    assert_scans_as_finditer(scanner, text)


def test_scanning_dose_opening_shares_its_look_behind() -> None:
    dose = SCANNERS["dose"].opening
    assert dose is not None
    assert [m.start() for m in dose.finditer("took two tablets and 5 mg, not x5 or 1.5")] == [5, 21, 37]


def test_scanning_needed_texts_of_a_class_built_from_its_target() -> None:
    needed = SCANNERS["target_action"].needed
    assert needed is not None and needed.pattern == "agonist|antagonist|blocker|inhibitor"
    assert not SCANNERS["target_action"].may_match("EGFR INHIBITORS were given")


def test_scanning_needed_texts_keep_the_regex_flags() -> None:
    split = SCANNERS["split_dose"]
    assert split.may_match("MORNING: 5 mg, evening: 2.5 mg")
    assert not split.may_match("5 mg bid")


@pytest.mark.parametrize(("pattern", "needed"), [
    (r"\d+", None), (r"ab|\d", None), (r"(?-i:abc)", None), (r"(?=abc)\w+", None),
    (r"(?:abc)?d", "d"), (r"x(?:ab|cde)", "ab|cde"), (r"(?:in\s+)?morning|\d+\s*morning", "morning"),
])
def test_scanning_needed_texts(pattern: str, needed: str | None) -> None:
    found = needed_texts(re.compile(pattern, re.IGNORECASE))
    assert (found.pattern if found else None) == needed


@pytest.mark.parametrize("pattern", [r"a*", r"(?:ab)?", r"(a)\1", r"(?-i:g)|mg", r"x|"])
def test_scanning_no_opening_where_the_parse_does_not_tell(pattern: str) -> None:
    assert opening(re.compile(pattern, re.IGNORECASE)) is None
