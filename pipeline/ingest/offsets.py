"""An offset map from a cleaned text back to the text it was cleaned from.

Cleaning replaces some stretches of the source with other text. The map keeps, for each
replacement, the source stretch and the clean stretch; between replacements the two texts are
identical. A clean span maps to the smallest source span that produced it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Edit:
    """Source ``[src_start, src_end)`` was replaced by ``replacement``."""

    src_start: int
    src_end: int
    replacement: str
    rule: str = ""


class OffsetMap:
    """Maps offsets of a clean text (built from non-overlapping edits) to the source text."""

    def __init__(self, source_length: int, edits: Sequence[Edit]) -> None:
        ordered = sorted(edits, key=lambda e: e.src_start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.src_start < a.src_end:
                raise ValueError(f"overlapping edits {a} and {b}")
        self.source_length = source_length
        # parallel lists: clean start, clean end, source start, source end of each edit
        self._clean_starts: list[int] = []
        self._clean_ends: list[int] = []
        self._src_starts: list[int] = []
        self._src_ends: list[int] = []
        shift = 0
        for e in ordered:
            cs = e.src_start + shift
            ce = cs + len(e.replacement)
            self._clean_starts.append(cs)
            self._clean_ends.append(ce)
            self._src_starts.append(e.src_start)
            self._src_ends.append(e.src_end)
            shift += len(e.replacement) - (e.src_end - e.src_start)
        self.clean_length = source_length + shift
        self.edits: tuple[Edit, ...] = tuple(ordered)

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text that cleaning left unchanged."""
        return cls(length, [])

    def _locate(self, clean_offset: int) -> int:
        """Index of the last edit whose clean start is <= offset, or -1."""
        return bisect_right(self._clean_starts, clean_offset) - 1

    def start_to_source(self, clean_offset: int) -> int:
        """Source offset for a span start at ``clean_offset``."""
        self._check(clean_offset)
        i = self._locate(clean_offset)
        if i < 0:
            return clean_offset
        if clean_offset < self._clean_ends[i]:
            return self._src_starts[i]
        return self._src_ends[i] + (clean_offset - self._clean_ends[i])

    def end_to_source(self, clean_offset: int) -> int:
        """Source offset for a span end at ``clean_offset`` (exclusive)."""
        self._check(clean_offset)
        i = bisect_right(self._clean_starts, clean_offset - 1) - 1 if clean_offset > 0 else -1
        if i < 0:
            return clean_offset
        if clean_offset <= self._clean_ends[i]:
            return self._src_ends[i] if clean_offset > self._clean_starts[i] else self._src_starts[i]
        return self._src_ends[i] + (clean_offset - self._clean_ends[i])

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open clean span ``[start, end)`` to a half-open source span."""
        if end < start:
            raise ValueError(f"span end {end} before start {start}")
        if start == end:
            pos = self.start_to_source(start)
            return pos, pos
        return self.start_to_source(start), self.end_to_source(end)

    def to_source_all(self, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """:meth:`to_source` of every span, looked up together: the same answers; an offset outside
        the clean text or an end before its start raises as there."""
        if not spans:
            return []
        starts, ends = np.array(spans, dtype=np.int64).reshape(-1, 2).T
        for clean_offset in (int(starts.min()), int(starts.max()), int(ends.min()), int(ends.max())):
            self._check(clean_offset)
        if (ends < starts).any():
            k = int(np.flatnonzero(ends < starts)[0])
            raise ValueError(f"span end {int(ends[k])} before start {int(starts[k])}")
        if not self._clean_starts:
            return list(zip(starts.tolist(), ends.tolist(), strict=True))
        clean_starts, clean_ends = np.array(self._clean_starts), np.array(self._clean_ends)
        src_starts, src_ends = np.array(self._src_starts), np.array(self._src_ends)
        # a start inside an edit maps to the edit's source start, after it by the shift so far
        i = np.searchsorted(clean_starts, starts, side="right") - 1
        at = np.maximum(i, 0)
        source_starts = np.where(i < 0, starts, np.where(starts < clean_ends[at], src_starts[at],
                                                          src_ends[at] + starts - clean_ends[at]))
        # an end is looked up by the character before it; an empty span ends where it starts
        j = np.where(ends > 0, np.searchsorted(clean_starts, ends - 1, side="right") - 1, -1)
        at = np.maximum(j, 0)
        inside = np.where(ends > clean_starts[at], src_ends[at], src_starts[at])
        source_ends = np.where(j < 0, ends, np.where(ends <= clean_ends[at], inside,
                                                      src_ends[at] + ends - clean_ends[at]))
        source_ends = np.where(ends == starts, source_starts, source_ends)
        return list(zip(source_starts.tolist(), source_ends.tolist(), strict=True))

    def _check(self, clean_offset: int) -> None:
        if not 0 <= clean_offset <= self.clean_length:
            raise IndexError(f"offset {clean_offset} outside clean text of {self.clean_length}")


def apply_edits(source: str, edits: Sequence[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits to ``source``; return the clean text and its offset map."""
    ordered = sorted(edits, key=lambda e: e.src_start)
    omap = OffsetMap(len(source), ordered)
    parts: list[str] = []
    cursor = 0
    for e in ordered:
        parts.append(source[cursor : e.src_start])
        parts.append(e.replacement)
        cursor = e.src_end
    parts.append(source[cursor:])
    return "".join(parts), omap
