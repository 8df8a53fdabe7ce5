"""The offset map between a cleaned text and its source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.offsets import Edit, OffsetMap, apply_edits


def test_spans_around_and_inside_edits():
    source = "ab-\ncd MMEF x"
    cleaned, omap = apply_edits(source, [Edit(2, 4, "-"), Edit(7, 11, "MMF")])
    assert cleaned == "ab-cd MMF x"
    assert omap.to_source(0, 5) == (0, 6)  # "ab-cd" -> "ab-\ncd"
    assert omap.to_source(6, 9) == (7, 11)  # "MMF" -> "MMEF"
    assert omap.to_source(10, 11) == (12, 13)  # "x" after the edits, shifted by +2
    assert omap.to_source(7, 8) == (7, 11)  # inside a replacement -> the whole replaced stretch


def test_deletion_and_empty_span():
    cleaned, omap = apply_edits("**Bold** x", [Edit(0, 2, ""), Edit(6, 8, "")])
    assert cleaned == "Bold x"
    assert omap.to_source(0, 4) == (2, 6)
    assert omap.to_source(5, 6) == (9, 10)
    assert omap.to_source(3, 3) == (5, 5)


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError, match="overlapping"):
        OffsetMap(10, [Edit(0, 4, "x"), Edit(3, 5, "y")])


def test_out_of_range_offsets_raise():
    omap = OffsetMap.identity(5)
    with pytest.raises(IndexError):
        omap.to_source(0, 6)


@st.composite
def _maps_and_spans(draw):
    """A source text's edits (replacements longer, shorter, empty; deletions) and clean spans."""
    length = draw(st.integers(0, 40))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
    edits = [Edit(a, b, draw(st.text("xyz", max_size=4))) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    omap = OffsetMap(length, edits)
    offset = st.integers(0, omap.clean_length)
    spans = draw(st.lists(st.tuples(offset, offset).map(sorted).map(tuple), max_size=12))
    return omap, spans


@given(_maps_and_spans())
def test_all_spans_map_as_each_does(case):
    omap, spans = case
    assert omap.to_source_all(spans) == [omap.to_source(a, b) for a, b in spans]


def test_all_spans_refuse_what_each_refuses():
    omap = OffsetMap(10, [Edit(2, 4, "xyz")])
    assert omap.to_source_all([]) == []
    with pytest.raises(IndexError):
        omap.to_source_all([(0, 3), (5, 12)])
    with pytest.raises(ValueError, match="span end 3 before start 5"):
        omap.to_source_all([(0, 3), (5, 3)])
