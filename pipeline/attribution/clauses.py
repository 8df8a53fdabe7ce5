"""The stretch of a sentence a cue governs: the clause around a mention, and runs of drugs that
only separators stand between ("ruxolitinib, MTX, and tocilizumab")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.attribution.rules import attribution_rules
from pipeline.extractors.found import Found

RUN_GAP = 120  # the most characters between two drugs of one run
_LEFT_MARKS = re.compile(r"[(),;:]")  # what a clause's left end depends on
_RIGHT_MARKS = re.compile(r"[(),;]")
_PARENTHESES = re.compile(r"[()]")


def clause_around(text: str, start: int, end: int, s_start: int, s_end: int) -> tuple[int, int]:
    """The clause around ``[start, end)`` within the sentence ``[s_start, s_end)``: from the last
    ``,;:`` before it to the next ``,;`` after it, ignoring those inside parentheses."""
    depth = 0
    left = s_start
    for i in reversed([m.start() for m in _LEFT_MARKS.finditer(text, s_start, start)]):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= depth > 0
        elif depth == 0:  # , ; or :
            left = i + 1
            break
    depth = 0
    right = s_end
    for m in _RIGHT_MARKS.finditer(text, end, s_end):
        ch = m.group()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= depth > 0
        elif depth == 0:  # , or ;
            right = m.start()
            break
    return left, right


def drug_runs(drugs: Sequence[Found], text: str) -> list[list[Found]]:
    """Runs of two or more drugs, in text order, with only list separators between neighbours
    (``drug_list_separator``: commas, ``and``/``or``, parenthesised doses, formulation words)."""
    separator = attribution_rules().drug_list_separator
    ordered = sorted(drugs, key=lambda d: d.start)
    runs: list[list[Found]] = []
    current: list[Found] = []
    for drug in ordered:
        gap = text[current[-1].end:drug.start] if current else ""
        if current and 0 < len(gap) <= RUN_GAP and separator.search(gap):
            current.append(drug)
            continue
        if len(current) > 1:
            runs.append(current)
        current = [drug]
    if len(current) > 1:
        runs.append(current)
    return runs


def subclauses(
    text: str, left: int, right: int, protected: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The clause ``[left, right)`` cut before each ``subclause_conjunctions`` word that stands
    outside parentheses and outside the ``protected`` spans (runs of drugs: "CTX and belimumab")."""
    conjunction = attribution_rules().subclause_conjunctions.regex
    cuts = [left]
    depth = 0
    pos = left
    for m in conjunction.finditer(text, left, right):
        for paren in _PARENTHESES.finditer(text, pos, m.start()):
            depth += 1 if paren.group() == "(" else -(depth > 0)
        pos = m.start()
        if depth == 0 and not any(a <= m.start() < b for a, b in protected):
            cuts.append(m.start())
    cuts.append(right)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
