"""The segmentation model's look-ups: the section at an offset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.segment.model import Section, Segmentation

_SECTION = st.builds(lambda a, n: Section("results", "", a, a + n), st.integers(0, 60), st.integers(0, 15))
_GAPS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 12)), max_size=8)


def _one_after_another(gaps: list[tuple[int, int]]) -> list[Section]:
    """Sections as segmentation makes them: in order, none overlapping (some empty)."""
    out, at = [], 0
    for gap, size in gaps:
        out.append(Section("methods", "", at + gap, at + gap + size))
        at += gap + size
    return out


@given(st.one_of(st.lists(_SECTION, max_size=8), _GAPS.map(_one_after_another)), st.integers(-2, 80))
def test_section_at_is_the_first_section_that_holds_the_offset(sections, offset):
    seg = Segmentation(list(sections))
    expected = next((s for s in sections if s.start <= offset < s.end), None)
    assert seg.section_at(offset) is expected
    seg.sections.append(Section("case", "Case 9", 100, 120, "9"))  # a section added later is found
    assert seg.section_at(110) is seg.sections[-1]
    assert seg.section_at(offset) is expected


def test_section_at_between_sections_and_past_the_end():
    seg = Segmentation([Section("abstract", "Abstract", 0, 10), Section("case", "Case 1", 12, 30, "1")])
    assert [seg.section_at(o) for o in (0, 9, 10, 11, 12, 29, 30)] == [
        seg.sections[0], seg.sections[0], None, None, seg.sections[1], seg.sections[1], None]
