"""A fast rule-based sentence splitter for running text inside one paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

BOUNDARY = re.compile(r"[.!?](?:[\"'”’)\]]*)(?=\s+[\"'“(\[]?[A-Z0-9])")
WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@cache
def abbreviations() -> frozenset[str]:
    """Words after which a full stop does not end a sentence (package data)."""
    ref = resources.files("pipeline.data").joinpath("sentence_abbreviations.txt")
    lines = ref.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _is_false_stop(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return False
    m = WORD_BEFORE.search(text, 0, stop)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    return word.rstrip(".") in abbreviations() or "." in word.rstrip(".")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, trimmed of white space, as absolute offsets."""
    end = len(text) if end is None else end
    cursor = start
    for m in BOUNDARY.finditer(text, start, end):
        if _is_false_stop(text, m.start()):
            continue
        span = trim_span(text, cursor, m.end())
        if span:
            yield span
        cursor = m.end()
    span = trim_span(text, cursor, end)
    if span:
        yield span


def trim_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without white space at either end, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
