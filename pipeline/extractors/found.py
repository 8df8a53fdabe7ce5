"""What a finder returns: a span of the clean text with its label and normalised attributes.

Finders are pure functions ``find_<family>(text: str) -> list[Found]`` over a document's clean
text; the spaCy components in this package wrap them and write ``doc.spans[<family>]``.
Offsets are half-open ``[start, end)`` into the clean text. Beside :class:`Found`, the small
helpers finders share: mentions by start, spans taken, text with spans blanked, numbers as the
guidelines write them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, init=False)
class Found:
    """A mention found by a rule, before patient attribution."""

    label: str
    start: int
    end: int
    attrs: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    rule: str = field(default="", compare=False)

    def __init__(self, label: str, start: int, end: int, attrs: dict[str, str] | None = None,
                 rule: str = "") -> None:
        # the fields written into the instance's dict at once: a frozen dataclass's own __init__
        # calls object.__setattr__ for each, twice as slow, and a document makes thousands
        fields = self.__dict__
        fields["label"], fields["start"], fields["end"] = label, start, end
        fields["attrs"], fields["rule"] = {} if attrs is None else attrs, rule


class ByStart:
    """Mentions looked up by where they start."""

    def __init__(self, mentions: Iterable[Found]) -> None:
        self.mentions = sorted(mentions, key=lambda f: f.start)
        self.starts = [f.start for f in self.mentions]

    def between(self, start: int, end: int) -> list[Found]:
        """Those that start in ``[start, end)``, in text order."""
        return self.mentions[bisect_left(self.starts, start):bisect_left(self.starts, end)]


class Spans:
    """Character spans ``(start, end)`` already taken, to ask whether another span overlaps one:
    ``(s, e)`` overlaps ``(start, end)`` when ``s < end`` and ``start < e``."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.longest = 0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Take the span ``(start, end)``."""
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        if end - start > self.longest:
            self.longest = end - start

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span taken overlaps ``(start, end)``; only spans that start less than the
        longest span's length before ``start`` can reach past it."""
        starts, ends = self.starts, self.ends
        for i in range(bisect_left(starts, start - self.longest), bisect_left(starts, end)):
            if ends[i] > start:
                return True
        return False


def blanked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (within the text) replaced by spaces, so that
    every offset still points at the same place."""
    pieces, at = [], 0
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if end > at:
            start = max(start, at)
            pieces += [text[at:start], " " * (end - start)]
            at = end
    pieces.append(text[at:])
    return "".join(pieces)


def format_number(value: float, places: int | None = None) -> str:
    """A number as the guidelines write it: plain decimal, no trailing zeros (``0.5``, ``10``)."""
    if places is not None:
        value = round(value, places)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
