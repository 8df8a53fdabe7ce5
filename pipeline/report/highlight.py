"""Marks over a text: overlapping spans as properly nested HTML elements.

Spans are half-open ``[start, end)`` character offsets. HTML elements must nest, so a span that
crosses the end of another one is cut into fragments at that boundary; every fragment points to
the same :class:`Span`, and ``first``/``last`` tell which fragment carries the anchor and the tag.
No span is ever dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """One thing to mark in the text.

    ``kind`` is ``mention`` (a prediction), ``missed`` (a gold span no prediction overlaps) or
    ``evidence`` (a table row's evidence that is not itself a mention: an anchor only).
    ``status`` is the comparison with gold: ``""`` (no gold), ``tp``, ``boundary`` or ``fp``.
    """

    start: int
    end: int
    label: str
    kind: str = "mention"
    status: str = ""
    mention_id: str = ""
    patient: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    anchors: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Mark:
    """One element of the rendered text: a fragment of ``span`` holding ``children``."""

    span: Span
    first: bool
    last: bool
    children: list[Mark | str] = field(default_factory=list)


KIND_ORDER = {"evidence": 0, "missed": 1, "mention": 2}


def nesting_order(span: Span) -> tuple[int, int, int, str, str]:
    """Outer spans first: earlier start, then longer, then anchors outside marks outside misses."""
    return (span.start, -span.end, KIND_ORDER.get(span.kind, 3), span.label, span.mention_id)


def boundaries(text_length: int, spans: Iterable[Span]) -> list[int]:
    """Every offset where some span starts or ends, with 0 and the text's end."""
    points = {0, text_length}
    for s in spans:
        points.update((s.start, s.end))
    return sorted(p for p in points if 0 <= p <= text_length)


def nest_spans(text: str, spans: Sequence[Span]) -> list[Mark | str]:
    """The text as a tree of strings and :class:`Mark` elements, outermost first.

    Walks the pieces between consecutive boundaries; for each piece the spans covering it are
    ordered by :func:`nesting_order`, and marks are closed and reopened only where that stack
    changes, so nested spans nest and crossing spans become fragments.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    ordered = sorted(valid, key=nesting_order)
    root: list[Mark | str] = []
    stack: list[Mark] = []
    points = boundaries(len(text), ordered)
    waiting = 0  # spans are sorted by start: the next one to become active
    active: list[Span] = []
    for a, b in zip(points, points[1:], strict=False):
        while waiting < len(ordered) and ordered[waiting].start <= a:
            active.append(ordered[waiting])
            waiting += 1
        active = [s for s in active if s.end > a]
        covering = sorted(active, key=nesting_order)
        keep = 0
        while keep < len(stack) and keep < len(covering) and stack[keep].span is covering[keep]:
            keep += 1
        for mark in stack[keep:]:
            mark.last = mark.span.end == a
        del stack[keep:]
        for span in covering[keep:]:
            mark = Mark(span, first=span.start == a, last=span.end == b)
            (stack[-1].children if stack else root).append(mark)
            stack.append(mark)
        (stack[-1].children if stack else root).append(text[a:b])
    for mark in stack:
        mark.last = mark.span.end == len(text)
    return root


def plain_text(nodes: Sequence[Mark | str]) -> str:
    """The characters of a tree, in order: equal to the text it was built from."""
    return "".join(n if isinstance(n, str) else plain_text(n.children) for n in nodes)


def fragments(nodes: Sequence[Mark | str]) -> list[Mark]:
    """Every mark of a tree, depth first."""
    out: list[Mark] = []
    for n in nodes:
        if isinstance(n, Mark):
            out.append(n)
            out.extend(fragments(n.children))
    return out
