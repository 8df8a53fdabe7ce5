"""TIMEPOINT finder: the patterns' own examples, exact spans on short phrases, what is not a time."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from pipeline.extractors.timepoints import (
    LABEL,
    PATTERNS_RESOURCE,
    PatternError,
    default_patterns,
    example_failures,
    find_timepoints,
    parse_patterns,
    pattern_spans,
)

RULES = default_patterns()
PATTERNS = [*RULES.finders, *RULES.helpers.values()]
MATCH_CASES = [(p, text, span) for p in PATTERNS for text, span in p.match_examples]
NO_MATCH_CASES = [(p, text) for p in PATTERNS for text in p.no_match_examples]


@pytest.mark.parametrize(("pattern", "text", "span"), MATCH_CASES,
                         ids=[f"{p.name}:{t[:25]}" for p, t, _ in MATCH_CASES])
def test_pattern_finds_its_match_examples(pattern, text, span):
    found = pattern_spans(pattern, text, RULES)
    assert found, f"{pattern.name} finds nothing in {text!r}"
    if span is not None:
        assert span in found


@pytest.mark.parametrize(("pattern", "text"), NO_MATCH_CASES,
                         ids=[f"{p.name}:{t[:25]}" for p, t in NO_MATCH_CASES])
def test_pattern_leaves_its_no_match_examples(pattern, text):
    assert pattern_spans(pattern, text, RULES) == []


def test_every_pattern_passes_its_examples():
    assert {p.name: example_failures(p, RULES) for p in PATTERNS} == {p.name: [] for p in PATTERNS}


def _minimal_file(pattern: str, match: list, no_match: list) -> dict:
    return {"patterns": [{"name": "broken", "role": "find", "pattern": pattern,
                          "examples": {"match": match, "no_match": no_match}}]}


def test_bad_regex_names_the_file_and_pattern():
    with pytest.raises(PatternError, match=r"tp.yaml: pattern 1 \(broken\): bad regex"):
        parse_patterns(_minimal_file("(", ["x"], ["y"]), "tp.yaml")


def test_unknown_fragment_and_missing_examples_are_errors():
    with pytest.raises(PatternError, match=r"pattern 1 \(broken\): unknown fragment"):
        parse_patterns(_minimal_file("{:nope}", ["x"], ["y"]), "tp.yaml")
    with pytest.raises(PatternError, match=r"pattern 1 \(broken\): needs examples"):
        parse_patterns(_minimal_file("x", ["x"], []), "tp.yaml")


def _packaged() -> dict:
    ref = resources.files("pipeline.data.patterns").joinpath(PATTERNS_RESOURCE)
    return yaml.safe_load(ref.read_text(encoding="utf-8"))


def test_failing_example_names_the_pattern():
    data = _packaged()
    data["patterns"][0]["examples"]["match"].append("nothing to see")
    with pytest.raises(PatternError, match=r"tp.yaml: pattern date_month_day_year: finds nothing"):
        parse_patterns(data, "tp.yaml")


def test_missing_helper_is_an_error():
    data = _packaged()
    data["patterns"] = [p for p in data["patterns"] if p["name"] != "age_before"]
    with pytest.raises(PatternError, match=r"tp.yaml: missing helper patterns \['age_before'\]"):
        parse_patterns(data, "tp.yaml")


def spans(text: str) -> list[str]:
    return [text[f.start:f.end] for f in find_timepoints(text)]


def attrs_of(text: str, span: str) -> dict[str, str]:
    for f in find_timepoints(text):
        if text[f.start:f.end] == span:
            assert f.label == LABEL
            return dict(f.attrs)
    raise AssertionError(f"{span!r} not found in {text!r}")


SPANS = [
    # phrases from the papers
    ("pain in June 2020. Laboratory", ["June 2020"]),
    ("Jun. 28,2020\t2.31\t2810", ["Jun. 28,2020"]),
    ("Sep.30.2021\t2.51\t208", ["Sep.30.2021"]),
    ("between January 2013 and December 2023, and", ["January 2013", "December 2023"]),
    ("trial that began in 2015 evaluated", ["2015"]),
    ("resolved significantly after 3 months of follow-up. Janus", ["after 3 months of follow-up"]),
    ("However, 1 week later, he presented", ["1 week later"]),
    ("treatment, and 1, 3, 6, 9, 12, 18, and 24 months after starting tofacitinib.",
     ["1, 3, 6, 9, 12, 18, and 24 months after starting tofacitinib"]),
    ("good response within 1 week after the introduction of\nruxolitinib. Patient",
     ["within 1 week after the introduction of\nruxolitinib"]),
    ("were analyzed at disease onset, initiation of tofacitinib\ntreatment, and at 3 months.",
     ["at disease onset", "initiation of tofacitinib\ntreatment", "at 3 months"]),
    ("dose between JAKi\ninitiation and the last follow-up was 90%",
     ["JAKi\ninitiation", "the last follow-up"]),
    ("case 5 had an SDI score of 1 at the last follow-up. Among", ["at the last follow-up"]),
    ("Casel\n\nDisease duration: 3.5 years.\n\nPrior", ["Disease duration: 3.5 years"]),
    ("Tofacitinib dosage: 5 mg bid.\n\nFollow-up: 24 months, Cys A", ["Follow-up: 24 months"]),
    ("SLEDAI-2K score: 4.\n\nFollow-up at 12 months: prednisone", ["Follow-up at 12 months"]),
    ("discontinued for 2 weeks to\nexclude", ["2 weeks"]),
    ("tofacitinib discontinued (6\nmonths), no adverse", ["6\nmonths"]),
    ("A long-term follow-up (>13 months) of five", [">13 months"]),
    ("disease duration was 2.62 years (range: 0.03-8.75 years). The", ["2.62 years"]),
    ("recurrent fever for 8 months ago, she", ["8 months"]),
    ("over the next 3 months, the patient", ["3 months"]),
    ("stable between days 14 and 42. Further", ["between days 14 and 42"]),
    ("showing a transient elevation at the beginning phase of the disease and",
     ["at the beginning phase of the disease"]),
    # invented phrases
    ("She was admitted on 13/03/2021 with fever.", ["13/03/2021"]),
    ("Two weeks before admission she had a rash.", ["Two weeks before admission"]),
    ("remission after 6 months of tofacitinib therapy.", ["after 6 months of tofacitinib therapy"]),
    ("The ferritin on admission was high; at week 12 it was normal.", ["on admission", "at week 12"]),
    ("Treatment duration: 6 months.", ["Treatment duration: 6 months"]),
    ("A week later she was afebrile.", ["A week later"]),
]


@pytest.mark.parametrize(("text", "expected"), SPANS, ids=[t[:30] for t, _ in SPANS])
def test_timepoints_exact_spans(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


NOT_TIMEPOINTS = [
    "The patient was a 4-year-old girl who was hospitalised",
    "approved in children aged 2 years and older, but",
    "a diagnosis of polyarticular JIA (pJIA) at 10 years of age had",
    "the average age at diagnosis was 10.67 years. All",
    "The median age at\ndiagnosis was 6.5 (2-11) years",
    "*Ann Rheum Dis*. 2018;77:819–28.",
    "6. Smith A. A title. *Pediatrics*. 2019 May;143(5):e20182845. PMID: 30948682.",
    "**Posted Date:** April 25th, 2022",
    "the 2012 Systemic Lupus International Collaborating Clinics (SLICC) revised criteria",
    "based on the 1997 American College of Rheumatology criteria",
    "A phase Ib trial (NCT02535689) evaluated",
    "TCZ (8 mg/kg/2 weeks, IV) and TCZ once every 2 weeks",
    "tofacitinib 5 mg twice a day",
    "children older than 5 years were included",
]


@pytest.mark.parametrize("text", NOT_TIMEPOINTS, ids=[t[:30] for t in NOT_TIMEPOINTS])
def test_not_timepoints(text: str) -> None:
    assert spans(text) == []


def test_context_adds_stat_and_disease_duration_anchor() -> None:
    text = "At JAKi initiation, the median disease\nduration related to diagnosis was 2.75 (0.05-9) years."
    assert attrs_of(text, "2.75 (0.05-9) years") == {
        "kind": "duration", "months": "33", "anchor": "diagnosis", "stat": "median"}
    assert attrs_of("administered for a median time of 18 months (Table 2)", "18 months") == {
        "kind": "duration", "months": "18", "stat": "median"}


def test_context_reads_the_drug_after_of_treatment() -> None:
    text = "After 3 months of treatment with tofacitinib, systemic inflammation fell."
    assert attrs_of(text, "After 3 months of treatment")["anchor"] == "index_start"
    text = "IL-6 increased further after 2 weeks of treatment with TCZ."
    assert attrs_of(text, "after 2 weeks of treatment")["anchor"] == "unknown"


def test_date_at_follow_up_is_last_followup() -> None:
    text = "her condition was stable at follow-up as of March 2022. Overall"
    assert attrs_of(text, "March 2022") == {"kind": "date", "iso": "2022-03", "event": "last_followup"}


def test_flattened_table_duration_cells_follow_the_header() -> None:
    text = (
        "Results\n\nTABLE 1 Characteristics of the patients.\n\n"
        "Patient Sex Age at SLEDAI-2K Disease Outcome\n"
        "diagnosis at duration\n(years) diagnosis (years)\n\n"
        "1 F 9.00 10 2.50 Improved\n2 M 12.00 6 0.75 Stable\n\nF, female; M, male.\n"
    )
    found = find_timepoints(text)
    assert [text[f.start:f.end] for f in found] == ["2.50", "0.75"]
    assert found[0].attrs == {"kind": "duration", "months": "30", "anchor": "diagnosis"}
    assert found[0].rule == "table_duration_cell"


def test_flattened_table_row_that_does_not_line_up_is_skipped() -> None:
    text = (
        "Results\n\nTABLE 1 Characteristics of the patients.\n\n"
        "Patient Sex Age at SLEDAI-2K Disease Outcome\n"
        "diagnosis at duration\n(years) diagnosis (years)\n\n"
        "1 F 9.00 10 2.50 Improved\n2 M 12.00 0.75 Stable\n\nF, female; M, male.\n"
    )
    assert [text[f.start:f.end] for f in find_timepoints(text)] == ["2.50"]


def test_found_offsets_are_half_open_and_trimmed() -> None:
    text = "Follow-up: 6 months, no change."
    (f,) = find_timepoints(text)
    assert (f.start, f.end) == (0, len("Follow-up: 6 months"))


def test_timepoint_finders_scan_only_where_a_match_can_start():
    assert all(p.scanner is None for p in RULES.helpers.values())
    text = " ".join(t for t, _ in SPANS) + " \u212aelvin ſix İn 2019 ıs. ≥ 4 months TWO days"
    for p in RULES.finders:
        assert p.scanner is not None, p.name
        assert [m.span() for m in p.scanner.matches(text)] == [m.span() for m in p.regex.finditer(text)], p.name


def test_select_keeps_longest_then_pattern_order_without_overlaps() -> None:
    """``_select`` looks up overlaps by bisection; the result equals the scan over every kept span."""
    from pipeline.extractors.timepoints import _select, default_patterns

    rules = default_patterns()
    plain = next(n for n, p in enumerate(rules.finders) if not p.needs_previous)
    text = "x" * 60
    cands = [(0, 10, plain), (5, 12, plain), (10, 20, plain), (19, 21, plain), (30, 31, plain),
             (25, 40, plain), (40, 41, plain), (2, 3, plain)]
    assert _select(text, rules, cands) == [(0, 10, plain), (10, 20, plain), (25, 40, plain),
                                           (40, 41, plain)]
