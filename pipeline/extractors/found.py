"""What a finder returns: a span of the clean text with its label and normalised attributes.

Finders are pure functions ``find_<family>(text: str) -> list[Found]`` over a document's clean
text; the spaCy components in this package wrap them and write ``doc.spans[<family>]``.
Offsets are half-open ``[start, end)`` into the clean text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Found:
    """A mention found by a rule, before patient attribution."""

    label: str
    start: int
    end: int
    attrs: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    rule: str = field(default="", compare=False)


class ByStart:
    """Mentions looked up by where they start."""

    def __init__(self, mentions: Iterable[Found]) -> None:
        self.mentions = sorted(mentions, key=lambda f: f.start)
        self.starts = [f.start for f in self.mentions]

    def between(self, start: int, end: int) -> list[Found]:
        """Those that start in ``[start, end)``, in text order."""
        return self.mentions[bisect_left(self.starts, start):bisect_left(self.starts, end)]


def format_number(value: float, places: int | None = None) -> str:
    """A number as the guidelines write it: plain decimal, no trailing zeros (``0.5``, ``10``)."""
    if places is not None:
        value = round(value, places)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
