"""Found and Mention values, spans taken and blanked text: the same answers as the plain loops they
stand for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extractors.found import Found, Spans, blanked

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


def test_found_and_mention_are_frozen_values_with_their_defaults():
    import dataclasses
    import pickle

    from pipeline.standoff import Mention

    f = Found("DRUG", 3, 14)
    assert (f.attrs, f.rule) == ({}, "")
    assert Found("DRUG", 3, 14).attrs is not f.attrs  # a dict of its own each
    g = dataclasses.replace(f, attrs={"norm": "tofacitinib"}, rule="lexicon")
    assert g == f and hash(g) == hash(f)  # attributes and rule are not compared
    assert (g.label, g.start, g.end, g.attrs, g.rule) == ("DRUG", 3, 14, {"norm": "tofacitinib"}, "lexicon")
    assert dataclasses.replace(g, end=20) != g
    assert pickle.loads(pickle.dumps(g)) == g and pickle.loads(pickle.dumps(g)).attrs == g.attrs
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.start = 4  # type: ignore[misc]
    m = Mention("DOSE", 5, 15, "5 mg twice daily")
    assert (m.attrs, m.key) == ({}, "")
    assert m == Mention("DOSE", 5, 15, "5 mg twice daily", {"freq": "bid"}, "d1")
    assert repr(m) == "Mention(label='DOSE', start=5, end=15, text='5 mg twice daily', attrs={}, key='')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.text = "x"  # type: ignore[misc]
