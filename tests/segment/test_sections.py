"""Sections, per-case blocks, tables and sentences in the source papers and the examples."""

from __future__ import annotations

import pytest

from pipeline.ingest import ingest_file
from pipeline.ingest.cleaning import clean_text
from pipeline.segment import segment
from pipeline.segment.sentences import split_sentences, word_before
from tests.conftest import EXAMPLES


def kinds(seg):
    return [s.kind for s in seg.sections]


def test_csle_paper_sections_cases_and_tables(paper_text):
    text, _, _ = clean_text(paper_text("csle"))
    seg = segment(text)
    assert kinds(seg)[:8] == ["front", "abstract", "abstract", "abstract", "abstract",
                              "introduction", "methods", "results"]
    assert [c.case_id for c in seg.case_blocks()] == [str(n) for n in range(1, 10)]
    assert text[seg.case_blocks()[0].start:].startswith("Case 1\n")
    assert kinds(seg)[-1] == "discussion"
    table1, table2 = seg.tables
    assert table1.caption.startswith("TABLE 1 Characteristics of patients")
    assert table2.caption.startswith("TABLE 2 Treatment regimens and outcomes")
    for table in (table1, table2):
        assert table.flattened
        assert [r.key for r in table.rows] == [str(n) for n in range(1, 10)]
        assert table.footnote is not None
        assert text[table.footnote[0]:].startswith("TOF, tofacitinib;")
    row1 = text[table2.rows[0].start:table2.rows[0].end]
    assert row1.startswith("1 GC (15 mg qd), HCQ (100 mg bid), Cys A 2 24 Ongoing Alleviated")
    assert "telitacicept (80 mg qw)" in row1
    # prose glued to Table 2's footnote goes back to the results
    after = seg.section_at(text.index("4 discontinued belimumab. The 5 cases"))
    assert after is not None and after.kind == "results"
    case5 = seg.case_blocks()[4]
    assert "upper respiratory tract infection occurred" in text[case5.start:case5.end]


def test_sjia_cohort_sections_and_abbreviation_sidebar(paper_text):
    text, _, _ = clean_text(paper_text("sjia_cohort"))
    seg = segment(text)
    assert kinds(seg) == ["front", "abstract", "abstract", "abstract", "abstract", "keywords",
                          "introduction", "abbreviations", "introduction", "methods", "results",
                          "discussion", "figure", "discussion", "conclusion"]
    sidebar = next(s for s in seg.sections if s.kind == "abbreviations")
    assert text[sidebar.start:sidebar.end].rstrip().endswith("CRP, C-reactive protein.")
    assert seg.tables == []


def test_sjia_case_report_sections_and_cytokine_table(paper_text):
    text, _, _ = clean_text(paper_text("sjia_case"))
    seg = segment(text)
    assert kinds(seg) == ["front", "front", "keywords", "abstract", "abstract", "abstract",
                          "abstract", "introduction", "case_presentation", "discussion",
                          "conclusion", "abbreviations", "declarations", "references", "tables",
                          "table", "figures", "figure"]
    [table] = seg.tables
    assert not table.flattened
    assert [r.key for r in table.rows] == ["Jun. 28,2020", "Jul. 14,2020", "Sep. 21,2020",
                                           "Jan. 21,2021", "May. 15,2021", "Sep.30.2021",
                                           "Dec.30.2021"]
    first = table.rows[0]
    assert [text[a:b] for a, b in first.cells] == ["Jun. 28,2020", "2.31", "2810", "287.95",
                                                   "2.38", "1.58", "1.01", "4.52", "2.54"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ex01_narrative_tofacitinib_sjia.txt",
         ["front", "abstract", "abstract", "introduction", "case_presentation", "discussion",
          "references"]),
        ("ex03_flattened_table_ruxolitinib.txt",
         ["front", "introduction", "methods", "results", "table", "discussion"]),
        ("ex05_ocr_damaged_lupus.txt", ["front", "case", "case"]),
    ],
)
def test_example_reports_sections(name, expected):
    doc = ingest_file(EXAMPLES / name)
    assert kinds(segment(doc.clean_text)) == expected


def test_markdown_case_series_has_patient_blocks_and_a_table():
    doc = ingest_file(EXAMPLES / "ex02_case_series_baricitinib_sle.md")
    seg = segment(doc.clean_text)
    assert [c.case_id for c in seg.case_blocks()][:4] == ["1", "2", "3", "4"]
    [table] = seg.tables
    assert [r.key for r in table.rows] == ["1", "2", "3", "4"]


def test_flattened_example_table_rows():
    doc = ingest_file(EXAMPLES / "ex03_flattened_table_ruxolitinib.txt")
    seg = segment(doc.clean_text)
    [table] = seg.tables
    assert table.flattened and [r.key for r in table.rows] == ["1", "2", "3"]
    row3 = doc.clean_text[table.rows[2].start:table.rows[2].end]
    assert row3.startswith("3 M 7.5 25 0.3 mg/kg/day") and "2.5 mg evening)" in row3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Huang et al. (9) described a patient. She improved.",
         ["Huang et al. (9) described a patient.", "She improved."]),
        ("The dose was 2.5 mg bid. At 3 months it was 5 mg.",
         ["The dose was 2.5 mg bid.", "At 3 months it was 5 mg."]),
        ("Seen on Jun. 28, 2020 by Dr. Li. Fig. 1 shows it.",
         ["Seen on Jun. 28, 2020 by Dr. Li.", "Fig. 1 shows it."]),
        ("Tofacitinib dosage: 5 mg bid.", ["Tofacitinib dosage: 5 mg bid."]),
        ("i.e. the first. J. Smith agreed! Why? 9 patients.",
         ["i.e. the first.", "J. Smith agreed!", "Why?", "9 patients."]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("text", "word"),
    [("seen by Dr.", "Dr"), ("see e.g.", "e.g"), ("J.", "J"), ("(vs.", "vs"), ("x ..a.b.", "a.b"),
     ("dose 5.", ""), ("β.", ""), ("", "")],
)
def test_word_before_a_full_stop(text, word):
    stop = len(text) - 1 if text.endswith(".") else len(text)
    assert word_before(text, stop) == word


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Methods", ("methods", "Methods")), ("## **Methods**:", ("methods", "Methods")),
     ("  \t**Case presentation** : ", ("case_presentation", "Case presentation")),
     ("\u00a0Discussion\u00a0", ("discussion", "Discussion")),
     ("Methods were approved by the ethics committee of the hospital.", None), ("", None)],
)
def test_heading_kind_with_markup_and_white_space(line, expected):
    from pipeline.segment.sections import default_section_rules, heading_kind

    assert heading_kind(line, default_section_rules()) == expected


def test_sections_of_paragraphs_is_find_sections(paper_text):
    from pipeline.segment.sections import (
        default_section_rules,
        find_sections,
        paragraphs,
        sections_of_paragraphs,
        split_at_headings,
        split_lines,
    )

    text, _, _ = clean_text(paper_text("csle"))
    rules = default_section_rules()
    paras = split_at_headings(paragraphs(split_lines(text)), rules)
    before = [list(p) for p in paras]
    assert sections_of_paragraphs(text, paras, rules) == find_sections(text)
    assert paras == before  # the paragraphs it was given are left as they were
