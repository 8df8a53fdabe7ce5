"""What segmentation finds: sections, per-case blocks, tables with rows, and sentences.

All offsets are half-open ``[start, end)`` offsets into the document's clean text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A stretch of the document of one kind (``methods``, ``case``, ``table``, ...)."""

    kind: str
    title: str
    start: int
    end: int
    case_id: str | None = None


@dataclass(frozen=True)
class TableRow:
    """One table row: for a flattened table the lines from one row start to the next.

    ``lists`` holds, for a flattened table with treatment-list columns (``Table.list_phases``),
    the fragments of each list column in reading order: the PDF interleaves the columns' lines.
    ``wrapped`` holds the two-word names those columns wrap over a line break (``Cys`` ... next
    line ``A``): the span of the word before the break, and the whole name as written.
    """

    start: int
    end: int
    key: str | None
    cells: tuple[tuple[int, int], ...] = ()
    lists: tuple[tuple[tuple[int, int], ...], ...] = ()
    wrapped: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Table:
    """A table: its caption, the header lines before the first row, the rows, the footnote.

    ``list_phases`` names the medication phase of each treatment-list column the header names,
    left to right (``table_phase_headers`` of ``pipeline/data/attribution.yaml``).
    """

    start: int
    end: int
    caption: str
    header: tuple[int, int] | None
    rows: tuple[TableRow, ...]
    footnote: tuple[int, int] | None = None
    flattened: bool = False
    list_phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    """A sentence of running text, or a heading, table row or field line treated as one."""

    start: int
    end: int
    kind: str = "sentence"


@dataclass
class Segmentation:
    """Everything segmentation found in one clean text."""

    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)

    _section_starts: tuple[list[Section], int, list[int]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def section_at(self, offset: int) -> Section | None:
        """The first section that contains ``offset``: found by bisection when the sections follow
        each other without overlapping (as segmentation makes them), else by looking at each."""
        index = self._section_starts
        if index is None or index[0] is not self.sections or index[1] != len(self.sections):
            ordered = all(a.end <= b.start for a, b in zip(self.sections, self.sections[1:], strict=False))
            starts = [s.start for s in self.sections] if ordered else []
            index = self._section_starts = (self.sections, len(self.sections), starts)
        if index[2] or not self.sections:
            i = bisect_right(index[2], offset) - 1
            s = self.sections[i] if i >= 0 else None
            return s if s is not None and s.start <= offset < s.end else None
        for s in self.sections:
            if s.start <= offset < s.end:
                return s
        return None

    def case_blocks(self) -> list[Section]:
        """The per-case sections, in order."""
        return [s for s in self.sections if s.kind == "case"]
