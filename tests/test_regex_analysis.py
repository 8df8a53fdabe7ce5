"""The regex analyses: what a pattern's parse proves about every match, and where it cannot tell."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import regex_analysis
from pipeline.match_starts import match_starts
from pipeline.regex_analysis import (
    FOLDED_ONTO_ASCII,
    Scanner,
    hyperscan_superset,
    match_reach,
    opening,
    parse,
    required_literals,
    required_literals_pattern,
)


def test_regex_analysis_reads_the_parser_of_this_python():
    expected = "re._parser" if sys.version_info >= (3, 11) else "sre_parse"
    assert regex_analysis.regex_parser.__name__ == expected
    parsed = parse(r"(?i)ab{1,3}")
    assert parsed.data[0] == (regex_analysis.regex_parser.LITERAL, ord("a"))
    assert parsed.state.flags & re.IGNORECASE
    assert parsed.getwidth() == (2, 4)


# -- required_literals ---------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "needs"), [
    (r"\bMMEF\b", {"MMEF"}),
    (r"(?<=\d mg )g(?=\d+w\b)|(?<=\d g )g(?=\d+w\b)", {" mg g", " g g"}),
    (r"(?m)^(?:Case|Patient)[lI](?=[ \t]*$)", {"Casel", "CaseI", "Patientl", "PatientI"}),
    (r"(?<![\d.,])(\d{1,2})(\d)%", {"%"}),
    (r"ab(?=cd)", {"abcd"}),
    (r"x(?<=ax)y", {"axy"}),
    (r"a(?<!q)b", {"a"}),
    (r"(?:x|y)?z", {"z"}),
    (r"[ab][cd]", {"ac", "ad", "bc", "bd"}),
    (r"ab\bcd", {"abcd"}),
    (r"\bwas defined as\b", {"was defined as"}),
    (r"a+b", {"a"}),
    # cannot tell
    (r"(?i)mmef", None),
    (r"(?i:later)", None),
    (r"\d+", None),
    (r"a*|b", None),
])
def test_required_literals_are_read_off_the_pattern(pattern, needs):
    found = required_literals(re.compile(pattern))
    assert (None if found is None else set(found)) == needs


@pytest.mark.parametrize(("pattern", "flags", "needs"), [
    (r"et al", re.I, {"et al"}),
    (r"(?i)MMEF", 0, {"mmef"}),
    (r"\bprior\s+treatments?\b|\bprior(?=\s)", re.I, {"prior"}),
    (r"^(?:clinical )?Outcome:", re.I, {"outcome:"}),
    (r"\b(?:median|mean)\b", re.I, {"median", "mean"}),
    (r"\b(?:patients|cases)\b", re.I, {"patients", "cases"}),
    (r"(?-i:AB)c", re.I, {"abc"}),
    (r"\bwas defined as\b", 0, {"was defined as"}),  # a regex that heeds case keeps it
    (r"/\s*(?:kg|m²)", re.I, {"/"}),  # only ASCII sets count
    # cannot tell: the engine folds the Kelvin sign onto "k", and "ſ" onto "s"
    (r"\u212a", re.I, None),
    (r"\u017fix", re.I, None),
    (r"(?i:later)", 0, None),
])
def test_required_literals_folded_for_a_regex_that_ignores_case(pattern, flags, needs):
    found = required_literals(re.compile(pattern, flags), fold_case=True)
    assert (None if found is None else set(found)) == needs


FOLDING = [re.compile(p) for p in ("(?i)mmef", r"(?i)\bprior\s+treatments?\b|\bprior(?=\s)", "(?i)in the",
                                   r"(?i)\b(?:sick|skin)\b", r"(?i)(?-i:KS)s", r"(?i)k\d", "ab(?=cd)",
                                   r"x(?<=ax)y", r"(?m)^(?:Case|Patient)[lI]")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"aAbBcdkKsSxyImMeEf \n1", "\u212a", "\u017f", "İ", "ı", "in the", "IN THE",
                                 "prior ", "Sick", "KSs", "Casel", "mmef", "abcd", "axy"]), max_size=30).map("".join))
def test_required_literals_are_in_every_text_a_match_is_in(text):
    for regex in FOLDING:
        needs = required_literals(regex, fold_case=True)
        assert needs is not None
        if not regex.search(text):
            continue
        if regex.flags & re.IGNORECASE:
            assert not text.isascii() or any(literal in text.lower() for literal in needs), regex
        else:
            assert any(literal in text for literal in needs), regex


def test_required_literals_of_packaged_rules_and_cues():
    from pipeline.attribution.rules import attribution_rules
    from pipeline.ingest.cleaning import default_rules

    rules = {rule.name: rule.pattern for rule in default_rules()}
    assert required_literals(rules["ocr_case_l_for_1"]) == {
        "Casel", "CaseI", "CASEl", "CASEI", "Patientl", "PatientI"}
    assert required_literals(rules["ocr_g_for_q_interval"]) == {" mg g", "mg g", " g g"}
    assert required_literals(rules["ligature"]) is None
    cues = {cue.where: cue.regex for cue in attribution_rules().all_cues()}
    assert required_literals(cues["own_cues entry 7"], fold_case=True) == {
        "this case", "this cohort", "this series", "this study"}
    assert required_literals(cues["cohort_cues entry 2"], fold_case=True) == {
        "interquartile", "iqr", "mean", "median"}


# -- required_literals_pattern -------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "needed"), [
    (r"\d+", None), (r"ab|\d", None), (r"(?:abc)?d", "d"), (r"x(?:ab|cde)", "xab|xcde"),
    (r"(?:in\s+)?morning|\d+\s*morning", "morning"), (r"(?=abc)\w+", "abc"),
    (r"(?-i:abc)", "abc"),  # looser under the regex's flags, never wrong
    (r"/\s*(?:kg|m²)", "kg|m²"),  # the engine folds as the regex folds: non-ASCII sets count
])
def test_required_literals_pattern_of_a_regex_that_ignores_case(pattern, needed):
    found = required_literals_pattern(re.compile(pattern, re.IGNORECASE))
    assert (found.pattern if found else None) == needed


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"aAbBcdkKsSxyImMeEf \n1", "\u212a", "\u017f", "İ", "ı", "in the", "IN THE",
                                 "prior ", "Sick", "KSs", "Casel", "mmef", "abcd", "axy"]), max_size=30).map("".join))
def test_required_literals_pattern_is_found_in_any_text_a_match_is_in(text):
    for regex in FOLDING:
        needed = required_literals_pattern(regex)
        assert needed is not None
        assert not regex.search(text) or needed.search(text), regex

# -- match_reach ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "reach"), [
    (r"\bMMEF\b", 5), (r"(?<![\d.,])\d{1,2}\d%", 6), (r"(?:ab|c)(?=de)", 5), (r"(?>ab)c", 4),
    # cannot tell: unbounded, empty, a group reference
    (r"-\n[ \t]*", None), (r"a?", None), (r"(a)\1", None),
])
def test_match_reach_is_bounded_only_when_it_can_be(pattern, reach):
    assert match_reach(re.compile(pattern)) == reach


def test_match_reach_of_packaged_cleaning_rules():
    from pipeline.ingest.cleaning import default_rules

    reach = {rule.name: match_reach(rule.pattern) for rule in default_rules()}
    assert (reach["ocr_mmef"], reach["ocr_cent_for_c"], reach["dehyphenate"]) == (5, 7, None)


# -- opening and Scanner -------------------------------------------------------------------------

def _packaged_patterns() -> dict[str, re.Pattern[str]]:
    from pipeline.extractors.doses import dose_patterns
    from pipeline.extractors.drugs import drug_rules

    patterns = {name: p.regex for name, p in dose_patterns().items()}
    patterns.update({rule.name: rule.regex for rule in drug_rules() if rule.kind == "class"})
    return patterns


def _packaged_examples() -> list[str]:
    from pipeline.extractors.doses import dose_patterns
    from pipeline.extractors.drugs import drug_rules

    return sorted({text for p in dose_patterns().values()
                   for text in (*(t for t, _ in p.match_examples), *p.no_match_examples)}
                  | {text for rule in drug_rules() for text, _ in rule.match_examples})


SCANNERS = {name: Scanner(regex) for name, regex in _packaged_patterns().items()}
SCAN_ALPHABET = "0123456789 ,.-/()x×\nmgMGkKUIuqdbwihrnoteaslvy:;µ–\u212aſİıé\u2009\xa0²"


def _spans(found: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in found]


def _assert_scans_as_finditer(scanner: Scanner, text: str) -> None:
    expected = _spans(scanner.regex.finditer(text))
    assert _spans(scanner.matches(text)) == expected, text


@pytest.mark.parametrize("name", sorted(SCANNERS))
def test_scanner_finds_what_finditer_finds_in_the_examples(name):
    for text in _packaged_examples():
        _assert_scans_as_finditer(SCANNERS[name], text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SCAN_ALPHABET, max_size=60))
def test_scanner_finds_what_finditer_finds_in_any_text(text):
    for name in ("dose", "split_dose", "amount_expression", "target_action"):
        _assert_scans_as_finditer(SCANNERS[name], text)


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?<!\w)(?:one|two)(?!\w)", "someone two one twofold"),
    (r"\b(?:ab|a)c", "abc ac aac"),
    (r"(?:x+y)|y", "xxy y xy"),
    (r"(?=\d)\d{2}", "1 22 333"),
    (r"(?>a|ab)c", "abc ac"),
    (r"(?i)mor(?:ning|row)", "MORROW morning"),
    (r"(?i)\u212aelvin|ſix", "KELVIN \u212aelvin six SIX"),
])
def test_scanner_finds_what_finditer_finds(pattern, text):
    scanner = Scanner(re.compile(pattern))
    assert scanner.opening is not None
    _assert_scans_as_finditer(scanner, text)


def test_scanner_dose_opening_shares_its_look_behind():
    dose = SCANNERS["dose"].opening
    assert dose is not None
    assert [m.start() for m in dose.finditer("took two tablets and 5 mg, not x5 or 1.5")] == [5, 21, 37]


def test_scanner_required_literals_of_a_class_built_from_its_target():
    needed = SCANNERS["target_action"].needed
    assert needed is not None
    assert needed.pattern == r"\ agonist|\ antagonist|\ blocker|\ inhibitor|\-agonist|\-antagonist|\-blocker|\-inhibitor"
    assert not SCANNERS["target_action"].may_match("EGFR INHIBITORS were given")
    assert not SCANNERS["target_action"].may_match("EGFRinhibitors were given")


def test_scanner_required_literals_keep_the_regex_flags():
    split = SCANNERS["split_dose"]
    assert split.may_match("MORNING: 5 mg, evening: 2.5 mg")
    assert not split.may_match("5 mg bid")


@pytest.mark.parametrize("pattern", [r"a*", r"(?:ab)?", r"(a)\1", r"(?-i:g)|mg", r"x|"])
def test_opening_cannot_tell(pattern):
    assert opening(re.compile(pattern, re.IGNORECASE)) is None


# -- hyperscan_superset and match_starts ----------------------------------------------------------

def test_characters_folded_onto_ascii_letters_are_all_known():
    """Every character past ASCII that ``re`` matches to an ASCII letter when ignoring case."""
    beyond = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    found = {ord(c) for c in re.findall(r"[a-z]", beyond, re.IGNORECASE)}
    assert found == set(FOLDED_ONTO_ASCII)
    for code, letter in FOLDED_ONTO_ASCII.items():
        assert re.fullmatch(chr(letter), chr(code), re.IGNORECASE)


@pytest.mark.parametrize(("pattern", "forwards", "backwards"), [
    (r"(?i)ab\b", "(?i:ab)", "(?i:ba)"),
    (r"(?<!\w)\d+(?:\.\d+)? ?mg", r"[0-9\x80]+(?:\x2e[0-9\x80]+)?\x20?mg", r"gm\x20?(?:[0-9\x80]+\x2e)?[0-9\x80]+"),
    (r"(?i:sa)k\s", r"(?i:[Ss\x80]a)k[\x09-\x0d\x1c-\x20\x80]", r"[\x09-\x0d\x1c-\x20\x80]k(?i:a[Ss\x80])"),
    (r"(?i:µg|x[^a]|≥|[ſ])", r"(?i:(?:\x80g|x[\x00-\x80]|\x80|[Ss\x80]))", r"(?i:(?:g\x80|[\x00-\x80]x|\x80|[Ss\x80]))"),
    (r"x{2,5}(?>y|yz)[a-cé]", r"x{2,5}(?:y(?:|z))[a-c\x80]", r"[a-c\x80](?:(?:|z)y)x{2,5}"),
])
def test_hyperscan_superset_reads_a_pattern_forwards_and_backwards(pattern, forwards, backwards):
    regex = re.compile(pattern)
    assert hyperscan_superset(regex) == forwards
    assert hyperscan_superset(regex, backwards=True) == backwards


@pytest.mark.parametrize("pattern", [r"a*", r"(a)\1x", r"\b", r"x|"])
def test_hyperscan_superset_cannot_tell(pattern):
    assert hyperscan_superset(re.compile(pattern)) is None
    assert match_starts(re.compile(pattern)) is None


@pytest.mark.parametrize(("max_length", "forwards", "backwards"), [
    (40, "abc(?:xy|yz)+d", "d(?:yx|zy)+cba"),
    (13, "abc(?:xy|yz)+", "(?:yx|zy)+cba"),
    (12, "abc(?:x|y)", "(?:x|y)cba"),  # one turn of the repeat, each alternative shortened
    (6, "abc", "cba"),
    (2, "ab", "ba"),
])
def test_hyperscan_superset_too_long_gives_the_opening_that_fits(max_length, forwards, backwards):
    regex = re.compile(r"abc(?:xy|yz)+d")
    assert hyperscan_superset(regex, max_length=max_length) == forwards
    assert hyperscan_superset(regex, backwards=True, max_length=max_length) == backwards


def test_match_starts_are_every_offset_a_match_can_start_at_in_characters():
    starts = match_starts(re.compile(r"(?<![\w.])\d+ mg\b"))
    assert starts is not None
    assert starts("x 12 mg and 3 mg, 5 mgs") == [2, 3, 12, 18]
    assert starts("µ 12 mg é 3 mg") == [2, 3, 10]
    assert starts("\ud800 12 mg") == [2, 3]  # a lone surrogate is a character past ASCII too


def test_packaged_patterns_have_match_starts():
    """Each packaged pattern a Scanner reads is compiled by Hyperscan: none silently falls back to
    trying every offset (a pattern grown past Hyperscan's limits would)."""
    from pipeline.extractors.demographics import demographic_rules
    from pipeline.extractors.labs import lab_rules
    from pipeline.extractors.patients import patient_patterns
    from pipeline.extractors.scores import score_rules
    from pipeline.extractors.timepoints import default_patterns

    regexes = {**_packaged_patterns(), **{p.name: p.regex for p in default_patterns().finders}}
    for rules in (lab_rules(), score_rules(), demographic_rules()):
        regexes.update({f"{rules.origin}:{p.name}": p.regex for p in rules.patterns if p.kind != "column"})
    regexes.update({f"patients:{p.name}": p.regex for p in patient_patterns()})
    assert [name for name, regex in regexes.items()
            if match_starts(regex) is None and parse(regex.pattern).getwidth()[0] > 0] == []


def test_scanner_reads_a_text_utf8_cannot_hold():
    scanner = Scanner(re.compile(r"\d+ mg"))
    text = "\ud800 12 mg, 3 mg"
    assert _spans(scanner.matches(text)) == [(2, 7), (9, 13)] == _spans(scanner.regex.finditer(text))


def test_compiled_databases_are_kept_and_read_back(tmp_path, monkeypatch):
    import hyperscan

    from pipeline import match_starts as module

    monkeypatch.setenv("CASEMINE_CACHE_DIR", str(tmp_path))
    regex = re.compile(r"(?<!\w)\d+ ?mg\b")
    first = match_starts(regex)
    assert first is not None
    (kept,) = (tmp_path / "hyperscan").iterdir()
    assert kept.suffix == ".hsdb"

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(hyperscan, "Database", no_compiling)
    again = match_starts(regex)
    assert again is not None and again("a 12 mg, 3mg") == first("a 12 mg, 3mg") == [2, 3, 9]
    monkeypatch.undo()

    monkeypatch.setenv("CASEMINE_CACHE_DIR", str(tmp_path))
    kept.write_bytes(b"not a database")  # damaged: compiled again and kept anew
    assert module.compiled(first.pattern) is not None
    assert kept.read_bytes() != b"not a database"


def test_compiled_databases_without_a_writable_cache_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("CASEMINE_CACHE_DIR", str(blocked))
    starts = match_starts(re.compile(r"\d+ ?mg"))
    assert starts is not None and starts("x 5 mg") == [2]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SCAN_ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_scanner_starts_hold_every_match_of_any_stretch(text, a, b):
    """A match found in a slice of the text (a line, a sentence) starts at one of the offsets
    ``starts`` gives for the whole text."""
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    for name in ("dose", "split_dose", "amount_expression", "target_action"):
        scanner = SCANNERS[name]
        starts = scanner.starts(text)
        assert starts is not None
        assert {a + m.start() for m in scanner.regex.finditer(text[a:b])} <= set(starts)


def test_text_starts_tell_whether_a_stretch_can_hold_a_match():
    from pipeline.regex_analysis import TextStarts

    regex = re.compile(r"(?<!\w)\d+ mg")
    starts = TextStarts("a 12 mg b 3 mg")
    assert starts.of(regex) == [2, 3, 10]
    assert starts.between(regex, 0, 5) == [2, 3] and starts.between(regex, 4, 9) == []
    assert not starts.can_start(regex, 4, 10) and starts.can_start(regex, 4, 11)
    assert starts.of(re.compile(r"x*")) is None and starts.can_start(re.compile(r"x*"), 0, 1)


def test_scanner_without_hyperscan_finds_what_finditer_finds(monkeypatch):
    """Without Hyperscan a scanner tries the regex where its opening holds: the same matches."""
    from pipeline import match_starts as module

    monkeypatch.setattr(module, "hyperscan", None)
    texts = _packaged_examples()
    for regex in _packaged_patterns().values():
        scanner = Scanner(regex)
        for text in texts:
            assert _spans(scanner.matches(text)) == _spans(regex.finditer(text)), (regex.pattern[:40], text)
        assert scanner._starts is False
    # a regex no scanner has read yet: its starts are not known, but a text without " mg" has none
    from pipeline.regex_analysis import TextStarts

    regex = re.compile(r"\d+ mg(?#read without Hyperscan)")
    assert TextStarts("no dose here").of(regex) == []
    assert TextStarts("5 mg").of(regex) is None and TextStarts("5 mg").can_start(regex, 0, 1)
