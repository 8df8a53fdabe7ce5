"""Spans taken and blanked text: the same answers as the plain loops they stand for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extractors.found import Spans, blanked

SPAN = st.tuples(st.integers(0, 40), st.integers(0, 40))


@given(st.lists(SPAN, max_size=12), SPAN)
def test_found_spans_overlap_as_any_span_taken(taken: list[tuple[int, int]], span: tuple[int, int]) -> None:
    start, end = span
    expected = any(s < end and start < e for s, e in taken)
    assert Spans(taken).overlaps(start, end) == expected


def test_found_spans_touching_do_not_overlap() -> None:
    spans = Spans([(0, 5), (10, 12)])
    assert not spans.overlaps(5, 10)
    assert spans.overlaps(4, 6) and spans.overlaps(11, 30) and spans.overlaps(0, 40)
    spans.add(5, 10)
    assert spans.overlaps(9, 10)


@given(st.text(alphabet="ab c\n", max_size=40), st.lists(SPAN, max_size=6))
def test_found_blanked_as_spaces_written_over_each_span(text: str, spans: list[tuple[int, int]]) -> None:
    inside = [(min(s, len(text)), min(e, len(text))) for s, e in spans]
    chars = list(text)
    for start, end in inside:
        chars[start:end] = " " * (end - start)
    assert blanked(text, inside) == "".join(chars)
