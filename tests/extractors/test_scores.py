"""SCORE finder: pattern examples, exact spans on phrases, cellular and flattened tables."""

from __future__ import annotations

import pytest

from pipeline.extractors.labs import RulePattern
from pipeline.extractors.scores import (
    align_flat_columns,
    column_name,
    find_scores,
    pattern_texts,
    score_rules,
)
from pipeline.segment import segment
from pipeline.segment.model import Table, TableRow
from tests.conftest import EXAMPLES as EXAMPLES_DIR

EXAMPLES = [
    pytest.param(p, text, spans, id=f"{p.name}-{i}")
    for p in score_rules().patterns
    for i, (text, spans) in enumerate(p.match_examples)
]
NO_MATCH = [
    pytest.param(p, text, id=f"{p.name}-no-{i}")
    for p in score_rules().patterns
    for i, text in enumerate(p.no_match_examples)
]


@pytest.mark.parametrize(("pattern", "text", "spans"), EXAMPLES)
def test_score_pattern_examples_match(pattern: RulePattern, text: str, spans: tuple[str, ...]) -> None:
    assert pattern_texts(pattern, text) == spans


@pytest.mark.parametrize(("pattern", "text"), NO_MATCH)
def test_score_pattern_examples_no_match(pattern: RulePattern, text: str) -> None:
    assert pattern_texts(pattern, text) == ()


def _scores(text: str, tables: list[Table] | None = None) -> list[tuple[str, dict[str, str]]]:
    return [(text[f.start:f.end], dict(f.attrs)) for f in find_scores(text, tables)]


V = {"stat": "value"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bid), height increased by 5 cm.\n\nSLEDAI-2K score: 2 (anti-dsDNA positivity).",
         [("SLEDAI-2K score: 2", {"instrument": "SLEDAI-2K", "value": "2", **V})]),
        ("SLEDAI-2K score: 9 (moderate disease activity).",
         [("SLEDAI-2K score: 9", {"instrument": "SLEDAI-2K", "value": "9", **V})]),
        ("disease [median sJADAS 14.1 (6, 28.2)]; five",
         [("sJADAS 14.1 (6, 28.2)", {"instrument": "sJADAS", "value": "14.1", "stat": "median",
                                     "low": "6", "high": "28.2", "spread": "range"})]),
        ("a 27-joint Juvenile Arthritis Disease Activity Score (JADAS-27) of 56.5, indicating",
         [("JADAS-27) of 56.5", {"instrument": "JADAS-27", "value": "56.5", **V})]),
        ("Cases\n3, 7, and 8 had SDI scores of 1. Three patients",
         [("SDI scores of 1", {"instrument": "SDI", "value": "1", **V})]),
        ("The median SLEDAI-2K score\nof the 9 patients at tofacitinib initiation was 4.00 "
         "(interquartile range:\n[IQR]: 1.50, 8.50). At the",
         [("SLEDAI-2K score\nof the 9 patients at tofacitinib initiation was 4.00 "
           "(interquartile range:\n[IQR]: 1.50, 8.50)",
           {"instrument": "SLEDAI-2K", "value": "4", "stat": "median", "low": "1.5", "high": "8.5",
            "spread": "iqr"})]),
        ("The\naverage SLEDAI-2K score at disease onset was 11.11 (range: 7-16);\n6 patients",
         [("SLEDAI-2K score at disease onset was 11.11 (range: 7-16)",
           {"instrument": "SLEDAI-2K", "value": "11.11", "stat": "average", "low": "7",
            "high": "16", "spread": "range"})]),
        # invented phrasings
        ("Her cJADAS-10 improved to 3.5 at 3 months and 1 at 6 months.",
         [("cJADAS-10 improved to 3.5", {"instrument": "cJADAS-10", "value": "3.5", **V}),
          ("1", {"instrument": "cJADAS-10", "value": "1", **V})]),
        ("The mean SLEDAI-2K fell from 14 to 6 (range 2-10) after a year.",
         [("SLEDAI-2K fell from 14", {"instrument": "SLEDAI-2K", "value": "14", "stat": "mean"}),
          ("6 (range 2-10)", {"instrument": "SLEDAI-2K", "value": "6", "stat": "mean", "low": "2",
                              "high": "10", "spread": "range"})]),
        ("The CLASI score was 12 on admission.",
         [("CLASI score was 12", {"instrument": "CLASI", "value": "12", **V})]),
    ],
)
def test_find_scores_exact_spans(text: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert _scores(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SLE Disease\nActivity Index-2000 score [SLEDAI-2K, range: 0-105], and SLE",
        "6 patients had moderate disease activity (SLEDAI-2K score: 7-12)",
        "and 3 patients had severe disease activity (SLEDAI-2K: >12).",
        "the systemic Juvenile\nArthritis Disease Activity Score (13) (sJADAS) <3 points",
        "indicating complete remission based on the JADAS-27 (Fig. 1A and B and C).",
        "Complete remission was defined as a SLEDAI-2K of 0 with prednisone below 5 mg/day.",
        "SLEDAI-2K, SLE Disease Activity Index-2000.",
        "| Patient | SLEDAI-2K 6 months | SDI |",
        "an SLEDAI-2K of 130",
    ],
)
def test_find_scores_ignores_ranges_thresholds_and_names(text: str) -> None:
    assert find_scores(text) == []


def test_column_name_reads_instrument_and_analyte_headers() -> None:
    assert column_name("SLEDAI-2K baseline") is not None
    assert column_name("ESR (mm/h)").unit == "mm/h"  # type: ignore[union-attr]
    assert column_name("Age (years)") is None
    assert column_name("SLEDAI-2Kx") is None


def test_find_scores_reads_a_pipe_table() -> None:
    text = (EXAMPLES_DIR / "ex02_case_series_baricitinib_sle.md").read_text(encoding="utf-8")
    cells = [f for f in find_scores(text, segment(text).tables) if f.rule == "table_cell"]
    assert [(text[f.start:f.end], f.attrs["instrument"]) for f in cells[:4]] == [
        ("12", "SLEDAI-2K"), ("4", "SLEDAI-2K"), ("0", "SLEDAI-2K"), ("0", "SDI")]
    assert len(cells) == 16


def _flat_table(text: str) -> Table:
    """A flattened table: caption line, header lines, then rows that start with a number."""
    rows, pos = [], 0
    starts = [i for i, line in enumerate(text.split("\n")) if line[:1].isdigit()]
    lines = text.split("\n")
    offsets = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    for n, i in enumerate(starts):
        end = offsets[starts[n + 1]] - 1 if n + 1 < len(starts) else len(text)
        rows.append(TableRow(offsets[i], end, lines[i].split()[0]))
        pos = end
    header_start = offsets[1]
    return Table(0, pos, lines[0], (header_start, offsets[starts[0]] - 1), tuple(rows),
                 flattened=True)


def _flat(text: str) -> list[tuple[str, str]]:
    table = _flat_table(text)
    return [(w, c.code) for c, _s, _e, w, _at in align_flat_columns(text, table)]


def test_flat_table_takes_the_integer_column_after_decimal_ages() -> None:
    text = ("TABLE 1 Invented patients.\n"
            "Patient Sex Age at SLEDAI-2K  Prior Disease\n"
            "diagnosis at diagnosis treatments duration\n"
            "1 F 10.00 8 GC, CTX 3.50\nHCQ\n"
            "2 M 9.50 15 GC, MMF 1.25")
    assert _flat(text) == [("8", "SLEDAI-2K"), ("15", "SLEDAI-2K")]


def test_flat_table_separates_columns_the_header_separates() -> None:
    # 000 Table 2 layout: SLEDAI at start, a duration column, ..., SLEDAI at the end
    text = ("TABLE 2 Invented outcomes.\n"
            "Patient Treatment at SLEDAI-2K  Duration Response SLEDAI-2K  Adverse\n"
            "start at start (months) at end at end events\n"
            "1 MTX (10 mg qw), HCQ (200 mg qd) 6 12 Improved MTX (7.5 mg qw) 2 None\n"
            "2 MMF (0.5 g bid), GC 11 9 Stable MMF (0.5 g 8 Rash")
    assert _flat(text) == [("6", "SLEDAI-2K"), ("2", "SLEDAI-2K"),
                           ("11", "SLEDAI-2K"), ("8", "SLEDAI-2K")]


def test_flat_table_keeps_side_by_side_columns_together() -> None:
    text = ("TABLE 1 Invented.\n"
            "Patient Age Weight Dose Ferritin sJADAS Outcome\n"
            "1 11.5 46 5 mg bid 15,600 20.3 Remission\n"
            "2 3.0 17 2.5 mg bid 4,870 8.1 Response")
    assert _flat(text) == [("15,600", "ferritin"), ("20.3", "sJADAS"),
                           ("4,870", "ferritin"), ("8.1", "sJADAS")]


def test_flat_table_declines_when_rows_disagree() -> None:
    text = ("TABLE 1 Invented.\n"
            "Patient Age SLEDAI-2K Outcome\n"
            "1 10 8 Good\n"
            "2 7 Poor")
    assert _flat(text) == []


def test_flat_table_of_the_ruxolitinib_example() -> None:
    text = (EXAMPLES_DIR / "ex03_flattened_table_ruxolitinib.txt").read_text(encoding="utf-8")
    cells = [(text[f.start:f.end], f.attrs["value"])
             for f in find_scores(text, segment(text).tables) if f.rule == "flat_table"]
    assert cells == [("20.3", "20.3"), ("1.5", "1.5"), ("8.1", "8.1"), ("4.6", "4.6"),
                     ("12.4", "12.4"), ("0.0", "0")]


def test_shared_table_and_sentence_helpers() -> None:
    from pipeline.extractors.scores import line_words, row_number_slots, sentence_before

    assert line_words("1 F  10.00", 5) == [(5, 6, "1"), (7, 8, "F"), (10, 15, "10.00")]
    text = "1 F 10.00 8 GC, CTX Growth\nHCQ"
    count, slots = row_number_slots(text, TableRow(0, len(text), "1"))
    assert count == 7 and [(s.index, s.text) for s in slots] == [(2, "10.00"), (3, "8")]
    assert sentence_before("Scores were low. The SLEDAI-2K was 4", 21) == "The "


def test_header_time_of_a_column_header() -> None:
    from pipeline.extractors.scores import header_time

    assert header_time("SLEDAI-2K at TOF initiation") == "0"
    assert header_time("SLEDAI-2K at last follow-up") == "last_followup"
    assert header_time("SLEDAI-2K") is None


def test_stacked_header_time_declines_when_ambiguous() -> None:
    from pipeline.extractors.scores import stacked_header_time

    below = ["TOF initiation at TOF duration at of last at last follow-up at last laboratory"]
    assert stacked_header_time(0.27, below, [0.27, 0.8]) == "0"
    assert stacked_header_time(0.8, below, [0.27, 0.8]) == "last_followup"
    assert stacked_header_time(0.3, ["at TOF x x x x x at last"], [0.3]) is None


def test_header_name_inside_the_last_word_is_not_a_column() -> None:
    # regression (a synthesised document): "(anti-dsDNA" as a header line's last word made the
    # column search run past the line's words and stop the whole document
    from pipeline.extractors.scores import _header_cues

    text = "Table 1 Patients\nPatient Sex markers (anti-dsDNA\n1 F 5\n"
    row_start = text.index("1 F")
    table = Table(0, len(text), "Table 1 Patients", (17, row_start - 1), (TableRow(row_start, len(text) - 1, "1"),),
                  flattened=True)
    assert _header_cues(text, table) == []
