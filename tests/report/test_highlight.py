"""Marks over a text: nesting, crossing spans cut into fragments, nothing dropped."""

from __future__ import annotations

from pipeline.report.highlight import Mark, Span, fragments, nest_spans, plain_text

TEXT = "tofacitinib 5 mg bid for 6 months"


def shape(nodes: list[Mark | str]) -> list[object]:
    """A tree as nested lists: strings stay, marks become (label, first, last, children)."""
    return [n if isinstance(n, str) else (n.span.label, n.first, n.last, shape(n.children)) for n in nodes]


def test_no_spans_leave_the_text_alone() -> None:
    assert nest_spans(TEXT, []) == [TEXT]


def test_contained_span_nests_inside_the_longer_one() -> None:
    drug, dose = Span(0, 20, "DRUG"), Span(12, 20, "DOSE")
    assert shape(nest_spans(TEXT, [dose, drug])) == [
        ("DRUG", True, True, ["tofacitinib ", ("DOSE", True, True, ["5 mg bid"])]),
        " for 6 months",
    ]


def test_crossing_spans_are_cut_into_fragments_and_none_is_dropped() -> None:
    dose, time = Span(12, 20, "DOSE"), Span(17, 33, "TIMEPOINT")
    nodes = nest_spans(TEXT, [dose, time])
    assert shape(nodes) == [
        "tofacitinib ",
        ("DOSE", True, True, ["5 mg ", ("TIMEPOINT", True, False, ["bid"])]),
        ("TIMEPOINT", False, True, [" for 6 months"]),
    ]
    assert plain_text(nodes) == TEXT
    assert {m.span.label for m in fragments(nodes)} == {"DOSE", "TIMEPOINT"}


def test_same_offsets_of_two_labels_both_render() -> None:
    drug, demo = Span(0, 11, "DRUG"), Span(0, 11, "DEMOGRAPHIC")
    marks = fragments(nest_spans(TEXT, [drug, demo]))
    assert sorted(m.span.label for m in marks) == ["DEMOGRAPHIC", "DRUG"]
    assert all(m.first and m.last for m in marks)


def test_a_missed_gold_span_wraps_the_prediction_at_the_same_offsets() -> None:
    pred, missed = Span(0, 11, "DRUG"), Span(0, 11, "DRUG_CLASS", kind="missed")
    assert shape(nest_spans(TEXT, [pred, missed]))[0] == (
        "DRUG_CLASS", True, True, [("DRUG", True, True, ["tofacitinib"])])


def test_spans_outside_the_text_are_ignored_not_fatal() -> None:
    nodes = nest_spans("abc", [Span(1, 9, "DRUG"), Span(2, 2, "DOSE"), Span(0, 1, "LAB")])
    assert shape(nodes) == [("LAB", True, True, ["a"]), "bc"]
