"""LAB finder: pattern examples, exact spans on phrases, tables, pattern-file validation."""

from __future__ import annotations

import re

import pytest

from pipeline.extractors.labs import (
    PatternError,
    RulePattern,
    find_labs,
    lab_rules,
    parse_rule_file,
    pattern_texts,
)
from pipeline.segment.model import Table, TableRow

EXAMPLES = [
    pytest.param(p, text, spans, id=f"{p.name}-{i}")
    for p in lab_rules().patterns
    for i, (text, spans) in enumerate(p.match_examples)
]
NO_MATCH = [
    pytest.param(p, text, id=f"{p.name}-no-{i}")
    for p in lab_rules().patterns
    for i, text in enumerate(p.no_match_examples)
]


@pytest.mark.parametrize(("pattern", "text", "spans"), EXAMPLES)
def test_lab_pattern_examples_match(pattern: RulePattern, text: str, spans: tuple[str, ...]) -> None:
    assert pattern_texts(pattern, text) == spans


@pytest.mark.parametrize(("pattern", "text"), NO_MATCH)
def test_lab_pattern_examples_no_match(pattern: RulePattern, text: str) -> None:
    assert pattern_texts(pattern, text) == ()


def _labs(text: str) -> list[tuple[str, dict[str, str]]]:
    return [(text[f.start:f.end], dict(f.attrs)) for f in find_labs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a platelet count of  676.8 × 10^9/L , serum",
         [("platelet count of  676.8 × 10^9/L",
           {"analyte": "platelets", "value": "676.8", "unit": "10*9/L"})]),
        ("a white blood cell count of  15.32 × 10^9/L , haemoglobin",
         [("white blood cell count of  15.32 × 10^9/L",
           {"analyte": "wbc", "value": "15.32", "unit": "10*9/L"})]),
        ("serum ferritin level of 1,103.8 U/L, and",
         [("ferritin level of 1,103.8 U/L", {"analyte": "ferritin", "value": "1103.8", "unit": "U/L"})]),
        ("a reduction of serum ferritin level from 22,738 to 1,397 ng/ml.",
         [("ferritin level from 22,738 to 1,397 ng/ml",
           {"analyte": "ferritin", "value": "1397", "value_from": "22738", "unit": "ng/mL"})]),
        ("the CRP level was elevated (14.1 mg/L, normal: < 6 mg/L).",
         [("CRP level was elevated (14.1 mg/L",
           {"analyte": "crp", "value": "14.1", "unit": "mg/L", "qual": "elevated"})]),
        ("revealed increased levels of acute phase reactants (ESR: 50 mm/h, CRP: 127 mg/L)",
         [("ESR: 50 mm/h", {"analyte": "esr", "value": "50", "unit": "mm/h", "qual": "elevated"}),
          ("CRP: 127 mg/L", {"analyte": "crp", "value": "127", "unit": "mg/L", "qual": "elevated"})]),
        ("and increased cytokine levels (IL-6: 39.29 pg/ml; sIL-2R: 1,714 pg/ml).",
         [("IL-6: 39.29 pg/ml", {"analyte": "il6", "value": "39.29", "unit": "pg/mL", "qual": "elevated"}),
          ("sIL-2R: 1,714 pg/ml",
           {"analyte": "sil2r", "value": "1714", "unit": "pg/mL", "qual": "elevated"})]),
        ("significantly elevated cytokine IL-6 level at 287.95 pg/ml, and",
         [("IL-6 level at 287.95 pg/ml",
           {"analyte": "il6", "value": "287.95", "unit": "pg/mL", "qual": "elevated"})]),
        ("with a serum ferritin level as\nhigh as 34,471 ng/ml before",
         [("ferritin level as\nhigh as 34,471 ng/ml",
           {"analyte": "ferritin", "value": "34471", "unit": "ng/mL", "qual": "elevated"})]),
        ("SLEDAI-2K score: 6 (decreased C3,\nanti-dsDNA positive, fever, decreased WBC), added",
         [("decreased C3", {"analyte": "c3", "qual": "decreased"}),
          ("anti-dsDNA positive", {"analyte": "anti_dsdna", "qual": "positive"}),
          ("decreased WBC", {"analyte": "wbc", "qual": "decreased"})]),
        ("SLEDAI-2K score: 4 (anti-dsDNA positivity, low serum\ncomplement C3).",
         [("anti-dsDNA positivity", {"analyte": "anti_dsdna", "qual": "positive"}),
          ("low serum\ncomplement C3", {"analyte": "c3", "qual": "decreased"})]),
        ("abnormal laboratory findings (leukocytosis,\nelevated ESR and CRP levels) (Figure 1B)",
         [("elevated ESR", {"analyte": "esr", "qual": "elevated"}),
          ("CRP levels", {"analyte": "crp", "qual": "elevated"})]),
        ("Rheumatoid factor and antinuclear antibody results were negative, and she",
         [("Rheumatoid factor", {"analyte": "rf", "qual": "negative"}),
          ("antinuclear antibody", {"analyte": "ana", "qual": "negative"})]),
        ("Blood creatinine level was within normal ranges.",
         [("creatinine level", {"analyte": "creatinine", "qual": "normal"})]),
        # invented phrasings
        ("On admission the Hb was 84 g/L and the CRP 96 mg/L.",
         [("Hb was 84 g/L", {"analyte": "hemoglobin", "value": "84", "unit": "g/L"}),
          ("CRP 96 mg/L", {"analyte": "crp", "value": "96", "unit": "mg/L"})]),
        ("The WBC count was 12,400/mm3 and procalcitonin 0.8 ng/mL.",
         [("WBC count was 12,400/mm3", {"analyte": "wbc", "value": "12400", "unit": "/mm3"}),
          ("procalcitonin 0.8 ng/mL",
           {"analyte": "procalcitonin", "value": "0.8", "unit": "ng/mL"})]),
        ("She had low C3 and C4 levels; HLA-B27 negative.",
         [("low C3", {"analyte": "c3", "qual": "decreased"}),
          ("C4 levels", {"analyte": "c4", "qual": "decreased"}),
          ("HLA-B27 negative", {"analyte": "hla_b27", "qual": "negative"})]),
        ("Her D-dimer rose to 4.2 mg/L.",
         [("D-dimer rose to 4.2 mg/L", {"analyte": "d_dimer", "value": "4.2", "unit": "mg/L",
                                        "qual": "elevated"})]),
    ],
)
def test_find_labs_exact_spans(text: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert _labs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CRP (normal: < 6 mg/L)",
        "prednisone (15 mg qd), HCQ (100 mg bid)",
        "laboratory test results (white blood cell count, platelet count, serum complement levels,\n"
        "anti-dsDNA antibody status, urine protein quantification)",
        "fever, rash, proteinuria, leukopenia and hyperferritinemia",
        "inhibiting the release of multiple cytokines, including IL-6 [2].",
        "IL-6 inhibitors sequential to JAK inhibitors",
        "A, ESR and CRP levels before and after tofacitinib treatment.",
        "the levels of acute phase reactants and cytokines decreased to normal ranges",
        "CRP\n\n54 mg/L",
    ],
)
def test_find_labs_ignores_non_measurements(text: str) -> None:
    assert find_labs(text) == []


def test_find_labs_flattened_table_cells_named_anti_dsdna() -> None:
    # 000 Table 2: the "anti-" of one cell is left on the line above its "dsDNA positive"
    text = "decreased C3, anti- tract infection\nmg q4w) belimumab (480 mg q4w) dsDNA positive,"
    assert _labs(text) == [("decreased C3", {"analyte": "c3", "qual": "decreased"}),
                           ("dsDNA positive", {"analyte": "anti_dsdna", "qual": "positive"})]


def _tsv_table(text: str, start: int) -> Table:
    """A cellular table over ``text[start:]``: a tab-separated header line, then rows."""
    lines, offset, rows = text[start:].split("\n"), start, []
    header = (offset, offset + len(lines[0]))
    offset += len(lines[0]) + 1
    for line in lines[1:]:
        cells, pos = [], offset
        for cell in line.split("\t"):
            cells.append((pos, pos + len(cell)))
            pos += len(cell) + 1
        rows.append(TableRow(offset, offset + len(line), line.split("\t")[0], tuple(cells)))
        offset += len(line) + 1
    return Table(start, len(text), "Table 1", header, tuple(rows))


def test_find_labs_reads_analyte_columns_of_a_cellular_table() -> None:
    text = "Table 1\n\tTNF-α\tIL-6 (pg/ml)\tAge\nJun. 28,2020\t2.31\t287.95\t4\nJul. 14,2020\t2.96\t2500\t4"
    table = _tsv_table(text, text.index("\tTNF"))
    found = [(text[f.start:f.end], dict(f.attrs)) for f in find_labs(text, [table])]
    assert found == [
        ("2.31", {"analyte": "tnf_alpha", "value": "2.31"}),
        ("287.95", {"analyte": "il6", "value": "287.95", "unit": "pg/mL"}),
        ("2.96", {"analyte": "tnf_alpha", "value": "2.96"}),
        ("2500", {"analyte": "il6", "value": "2500", "unit": "pg/mL"}),
    ]


def test_find_labs_reads_analyte_rows_of_a_cellular_table() -> None:
    text = "Table 2\nParameter\tBaseline\t3 months\nCRP (mg/L)\t28\t4.2\nActive joints\t14\t3"
    table = _tsv_table(text, text.index("Parameter"))
    found = [(text[f.start:f.end], dict(f.attrs)) for f in find_labs(text, [table])]
    assert found == [("28", {"analyte": "crp", "value": "28", "unit": "mg/L"}),
                     ("4.2", {"analyte": "crp", "value": "4.2", "unit": "mg/L"})]


def _rule_file(regex: str, **extra: object) -> dict[str, object]:
    return {"fragments": {"N": r"\d+"}, "qualifiers": {"high": "elevated"},
            "patterns": [{"name": "p", "kind": "value", "regex": regex, **extra}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_rule_file("(unclosed"), r"labs.yaml: pattern 1 \(p\): bad regex"),
        (_rule_file("{{MISSING}}"), r"labs.yaml: pattern 1 \(p\): unknown fragment\(s\) \['MISSING'\]"),
        (_rule_file("{{N}}", kind="nope"), r"labs.yaml: pattern 1 \(p\): kind must be one of"),
        (_rule_file("{{N}}", examples={"match": [["12", "13"]]}),
         r"labs.yaml: pattern 1 \(p\): example span\(s\) \['13'\] not in '12'"),
        ({**_rule_file("{{N}}"), "qualifiers": {"high": "very"}}, r"labs.yaml: 'qualifiers' must map"),
        ({"patterns": "x"}, "labs.yaml: expected a mapping with a 'patterns' list"),
    ],
)
def test_pattern_file_errors_name_file_and_pattern(data: dict[str, object], message: str) -> None:
    with pytest.raises(PatternError, match=message):
        parse_rule_file(data, "labs.yaml", {}, frozenset({"value"}),
                        {"qualifiers": frozenset({"elevated"})})


def test_lab_rules_expand_every_fragment() -> None:
    rules = lab_rules()
    assert not any(re.search(r"\{\{\w+\}\}", p.regex.pattern) for p in rules.patterns)


def test_lab_patterns_are_tried_only_where_a_match_can_start() -> None:
    from pipeline.regex_analysis import scanner_of

    text = ("The CRP level was 12 mg/L; serum ferritin fell from 1,200 to 300 ng/ml and anti-dsDNA "
            "positive, IL-6 increased. White blood cell count of 15.3 × 10^9/L. İL-6 \u212a 4.1 mmol/L")
    for pattern in lab_rules().patterns:
        assert scanner_of(pattern.regex)._starts is not False, pattern.name
        assert [m.span() for m in pattern.matches(text)] == [m.span() for m in pattern.regex.finditer(text)]
    assert [m.group() for m in lab_rules().get("value").matches(text)] == [
        "CRP level was 12 mg/L", "White blood cell count of 15.3 × 10^9/L"]
