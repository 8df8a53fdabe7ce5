"""Flattened tables: treatment-list columns interleaved line by line, split back into streams."""

from __future__ import annotations

import pytest

from pipeline.segment import segment
from pipeline.segment.list_columns import header_list_phases, list_column_at, split_list_columns

# Invented rows in the layout of a flattened PDF table: the first line holds every cell's start
# (key, list 1, two numbers, status, list 2, numbers, labs); each later line the list cells'
# continuations with no separator, then whatever the last cells wrap.
ROW_1 = [
    "1 MP (10 mg qd), AZA (50 mg bid), CsA 3 12 Ongoing Improved MP (5 mg qd), AZA (50 1 None",
    "(morning 75 mg, evening 50 mg), rituximab mg bid), baricitinib (4 mg qd),",
    "(375 mg q4w) anifrolumab (300 mg q4w)",
]
# a dose cut at the seam between the two lists: "rituximab (375" ... next line "mg q4w)"
ROW_2 = [
    "2 MP (20 mg qd), AZA (50 mg bid), 8 6 Stopped | Unimproved MP (15 mg qd), MTX (10 4 proteinuria",
    "tacrolimus (1 mg bid), rituximab (375 mg qw), LEF (10 mg qd), decreased C3",
    "mg q4w) rituximab (375 mg q4w) low WBC",
]


def texts(lines: list[str], n: int = 2) -> list[list[str]] | None:
    columns = split_list_columns(lines, n)
    return None if columns is None else [[lines[i][a:b] for i, a, b in col] for col in columns]


def test_tables_lists_interleaved_line_by_line():
    assert texts(ROW_1) == [
        ["MP (10 mg qd), AZA (50 mg bid), CsA", "(morning 75 mg, evening 50 mg), rituximab",
         "(375 mg q4w)"],
        ["MP (5 mg qd), AZA (50", "mg bid), baricitinib (4 mg qd),", "anifrolumab (300 mg q4w)"],
    ]


def test_tables_lists_dose_cut_at_the_column_seam():
    # "(375 mg qw)" and "(10 mg qd)" read well in either list; only the cut after "(375" lets
    # each list's pieces wrap like a full cell and the row's brackets close
    assert texts(ROW_2) == [
        ["MP (20 mg qd), AZA (50 mg bid),", "tacrolimus (1 mg bid), rituximab (375", "mg q4w)"],
        ["MP (15 mg qd), MTX (10", "mg qw), LEF (10 mg qd),", "rituximab (375 mg q4w)"],
    ]


def test_tables_lists_a_line_of_one_list_only():
    lines = [
        "3 MP (15 mg qod), AZA (50 mg bid), MMF 4 24 Stopped Unimproved MP (5 mg qod), AZA (50 mg | 6 None",
        "(0.5 g bid), rituximab (375 mg q4w)",
        "bid), MMF (0.5 g bid),",
        "tacrolimus (1 mg bid)",
    ]
    assert texts(lines) == [
        ["MP (15 mg qod), AZA (50 mg bid), MMF", "(0.5 g bid), rituximab (375 mg q4w)"],
        ["MP (5 mg qod), AZA (50 mg", "bid), MMF (0.5 g bid),", "tacrolimus (1 mg bid)"],
    ]


def test_tables_lists_split_dose_and_lost_parenthesis():
    lines = [
        "4 MP (20 mg qd), AZA (50 mg bid, tacrolimus = 1 6 Ongoing Improved MP (15 mg qd), "
        "MMF (morning: 0.75 g, 0 None",
        "(1 mg bid), rituximab (375 mg q4w) evening: 0.5 g), tacrolimus (1 mg bid)",
    ]
    assert texts(lines) == [
        ["MP (20 mg qd), AZA (50 mg bid, tacrolimus", "(1 mg bid), rituximab (375 mg q4w)"],
        ["MP (15 mg qd), MMF (morning: 0.75 g,", "evening: 0.5 g), tacrolimus (1 mg bid)"],
    ]


def test_tables_lists_text_two_splits_read_equally_well_is_left_out():
    lines = ["5 MP (10 mg qd), AZA (50 mg bid), 3 12 Ongoing Improved MP (5 mg qd), 1 None",
             "tacrolimus (1 mg bid)"]
    assert texts(lines) == [["MP (10 mg qd), AZA (50 mg bid),"], ["MP (5 mg qd),"]]


@pytest.mark.parametrize("lines", [
    ["6 MP (10 mg qd), AZA (50 mg bid) 3 12 Ongoing Improved None 1 None"],
    ["7 F 10.00 8 3.50 13.50 Arthralgia"],
    [],
])
def test_tables_lists_need_every_list_on_the_first_line(lines):
    assert split_list_columns(lines, 2) is None


def test_tables_header_list_phases_of_a_flattened_header():
    header = ("Patient Concomitant treatments at SLEDAI Status Additional treatments Labs\n"
              "initiation at last follow-up")
    assert header_list_phases(header) == ("at_initiation", "last_followup")
    assert header_list_phases("Patient Treatments at last follow-up Concomitant treatments") == (
        "last_followup", "at_initiation")
    assert header_list_phases("Patient Sex Age Additional treatments") == ()


def test_tables_flattened_table_rows_carry_their_lists():
    text = ("TABLE 2 Regimens of the children who received baricitinib.\n\n"
            "Patient Concomitant treatments at Duration Status Additional treatments at last follow-up\n"
            + "\n".join(ROW_1) + "\n" + "\n".join(ROW_2)
            + "\n\nMP, methylprednisolone; AZA, azathioprine; CsA, cyclosporine A.\n")
    table = segment(text).tables[0]
    assert table.list_phases == ("at_initiation", "last_followup")
    first, second = table.rows
    assert [[text[a:b] for a, b in col] for col in second.lists] == texts(ROW_2)
    cut = text.index("(375 mg qw)") + 1
    assert list_column_at(second, cut) == 0
    assert list_column_at(second, cut + 5) == 1  # "mg qw)"
    assert list_column_at(second, text.index("decreased C3")) is None
    assert list_column_at(first, text.index("baricitinib (4")) == 1


# A flattened table with one treatment list beside text columns (TABLE 1 of the cSLE paper): the
# header stacks "Prior" over "treatments", and a row wraps "Cys A" over a line break.
PRIOR_TABLE = (
    "TABLE 1 Characteristics of patients before tofacitinib.\n\n"
    "Patient Sex Age at SLEDAI-2K  Prior Main reason Disease Main clinical\n"
    "diagnosis at diagnosis treatments for TOF duration manifestations\n"
    "(years) initiation (years)\n\n"
    "1 F 10.00 8 GC, CTX, MMF Growth retardation 3.50 Arthralgia,\n"
    "HCQ, Cys from GC fever,\n"
    "A belimumab thrombocytopenia\n\n"
    "2 F 11.00 7 GC, HCQ, Difficulty 2.50 Rash, fever, oral ulcer\n"
    "MMF, belimumab tapering GC\n\n"
    "3 F 11.00 16 GC, HCQ, Difficulty 0.92 Rash, fever, arthralgia,\n"
    "belimumab, tapering GC oral ulcer, hair loss,\n"
    "tacrolimus, LN (IV)\n"
    "CTX, LEF\n\n"
    "TOF, tofacitinib; GC, glucocorticoid; CTX, cyclophosphamide; Cys A, cyclosporine A.\n"
)


def test_tables_header_list_phases_of_a_stacked_header_cell():
    header = ("Patient Sex Age at SLEDAI-2K  Prior Main reason Disease\n"
              "diagnosis at diagnosis treatments for TOF duration")
    assert header_list_phases(header) == ("prior",)
    assert header_list_phases("Patient Prior flares Concomitant\ntreatments at TOF") == ("at_initiation",)


def test_tables_one_list_column_beside_text_columns():
    lines = PRIOR_TABLE.split("\n\n")[2].split("\n")
    assert texts(lines, 1) == [["GC, CTX, MMF", "HCQ, Cys", "A belimumab"]]
    lines = PRIOR_TABLE.split("\n\n")[4].split("\n")
    assert texts(lines, 1) == [["GC, HCQ,", "belimumab,", "tacrolimus,", "CTX, LEF"]]


def test_tables_flattened_table_with_one_list_and_a_wrapped_name():
    text = PRIOR_TABLE
    table = segment(text).tables[0]
    assert table.list_phases == ("prior",)
    first = table.rows[0]
    assert [[text[a:b] for a, b in col] for col in first.lists] == [["GC, CTX, MMF", "HCQ, Cys", "A belimumab"]]
    assert list_column_at(first, text.index("Growth retardation")) is None
    cys = text.index("Cys from")
    assert first.wrapped == ((cys, cys + 3, "Cys A"),)
    assert table.rows[1].wrapped == ()


def test_tables_three_lists_interleaved_line_by_line():
    lines = [
        "4 MP (10 mg qd), HCQ (200 mg bid), 5 12 Ongoing MP (5 mg qd), MMF (0.5 g 3 Improved "
        "baricitinib (4 mg qd), HCQ",
        "(0.5 g bid), tacrolimus bid), rituximab (375 mg (200 mg bid),",
        "(1 mg bid) q4w), belimumab tacrolimus (1 mg bid)",
    ]
    assert texts(lines, 3) == [
        ["MP (10 mg qd), HCQ (200 mg bid),", "(0.5 g bid), tacrolimus", "(1 mg bid)"],
        ["MP (5 mg qd), MMF (0.5 g", "bid), rituximab (375 mg", "q4w), belimumab"],
        ["baricitinib (4 mg qd), HCQ", "(200 mg bid),", "tacrolimus (1 mg bid)"],
    ]


def test_tables_list_tokens_the_same_when_word_kinds_are_kept():
    # the kinds of words are kept between calls (``_kind``): a cold and a warm call agree
    from pipeline.segment.list_columns import _kind, _tokens, list_vocabulary

    line = "(morning 75 mg, evening 50 mg), rituximab mg bid) | Ongoing"
    expected = [
        ("(", "OPEN", ""), ("morning", "SPLIT", ""), ("75", "NUM", ""), ("mg", "UNIT", ""),
        (",", "COMMA", ""), ("evening", "SPLIT", ""), ("50", "NUM", ""), ("mg", "UNIT", ""),
        (")", "CLOSE", ""), (",", "COMMA", ""), ("rituximab", "DRUG", "rituximab"), ("mg", "UNIT", ""),
        ("bid", "DOSE", ""), (")", "CLOSE", ""), ("|", "NOISE", ""), ("Ongoing", "CELL", ""),
    ]
    _kind.cache_clear()
    for _ in range(2):
        tokens = _tokens(line, list_vocabulary())
        assert [(line[t.start:t.end], t.kind, t.name) for t in tokens] == expected


def test_tables_list_columns_of_a_cut_line():
    from pipeline.segment.list_columns import _columns

    assert _columns((0, 2, 2, 5)) == [0, 0, 2, 2, 2]
    assert _columns((0, 0, 3)) == [1, 1, 1]
    assert _columns((0, 0)) == []


def test_tables_list_line_with_an_underscore_is_read():
    # "_" is a word character but neither a letter nor a digit: a token of its own
    from pipeline.segment.list_columns import _tokens, list_vocabulary

    line = "MMF 1 g _x, HCQ"
    assert [(line[t.start:t.end], t.kind) for t in _tokens(line, list_vocabulary())] == [
        ("MMF", "DRUG"), ("1", "NUM"), ("g", "UNIT"), ("_", "OTHER"), ("x", "JOIN"), (",", "COMMA"),
        ("HCQ", "DRUG")]
