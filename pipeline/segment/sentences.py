"""A fast rule-based sentence splitter for running text inside one paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

BOUNDARY = re.compile(r"[.!?](?:[\"'”’)\]]*)(?=\s+[\"'“(\[]?[A-Z0-9])")
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@cache
def abbreviations() -> frozenset[str]:
    """Words after which a full stop does not end a sentence (package data)."""
    ref = resources.files("pipeline.data").joinpath("sentence_abbreviations.txt")
    lines = ref.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def word_before(text: str, stop: int) -> str:
    """The ASCII letters and full stops just before ``stop``, from the first letter on ("e.g",
    "Dr", "J"); empty if the character before ``stop`` is neither."""
    start = stop
    while start > 0 and (text[start - 1] in ASCII_LETTERS or text[start - 1] == "."):
        start -= 1
    while start < stop and text[start] == ".":
        start += 1
    return text[start:stop]


def _is_false_stop(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return False
    word = word_before(text, stop)
    if not word:
        return False
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
