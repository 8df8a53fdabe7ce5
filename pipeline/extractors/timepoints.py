"""Find TIMEPOINT mentions (dates, relative times, durations) in a document's clean text.

The regexes are data (``pipeline/data/patterns/timepoints.yaml``), validated and run against
their own examples on load. :func:`find_timepoints` proposes spans with them, drops those the
context rules out (ages, dose frequencies, ranges in parentheses, references, publication
metadata, flattened table headers), keeps the longest of overlapping spans, normalises each with
:func:`pipeline.normalize.timepoints.parse_timepoint` and adds what only the context says
(``median`` before a duration, ``disease duration``, the drug after ``of treatment``). Duration
cells of flattened tables are read by their column's place among the numeric columns.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipeline.extractors.found import Found
from pipeline.normalize.timepoints import Timepoint, event_anchor, parse_timepoint, to_months
from pipeline.regex_analysis import Scanner, TextStarts, scanner_of
from pipeline.segment import Segmentation, Table, segment

LABEL = "TIMEPOINT"
PATTERNS_RESOURCE = "timepoints.yaml"
ORIGIN = f"pipeline/data/patterns/{PATTERNS_RESOURCE}"
ROLES = ("find", "helper")
EXCLUDED_SECTIONS = frozenset({"references"})
_FRAGMENT = re.compile(r"\{:(\w+)\}")
_DIGIT = re.compile(r"\d")
_OF_TREATMENT_END = re.compile(r"of\s+(?:treatment|therapy)$", re.I)
Candidate = tuple[int, int, int]
"""A proposed span: start, end, rank of the pattern that found it."""


class PatternError(ValueError):
    """A timepoint pattern that is malformed or fails its own examples."""


@dataclass(frozen=True)
class TimepointPattern:
    """One validated named regex of the timepoints file."""

    name: str
    role: str
    regex: re.Pattern[str]
    checks: tuple[str, ...] = ()
    needs_previous: bool = False
    match_examples: tuple[tuple[str, str | None], ...] = ()
    no_match_examples: tuple[str, ...] = ()
    scanner: Scanner | None = None  # a finder's: ``regex`` tried only where a match can start

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every match's span: the group ``span`` if the regex has one, else the whole match."""
        group = "span" if "span" in self.regex.groupindex else 0
        matches = self.scanner.matches(text) if self.scanner else self.regex.finditer(text)
        return [m.span(group) for m in matches if m.end(group) > m.start(group)]


@dataclass(frozen=True)
class TimepointRules:
    """The finders, in priority order, and the helper regexes by name."""

    finders: tuple[TimepointPattern, ...]
    helpers: Mapping[str, TimepointPattern]

    def helper(self, name: str) -> re.Pattern[str]:
        """The compiled helper regex ``name``."""
        return self.helpers[name].regex


def _sentence_prefix(text: str, start: int, rules: TimepointRules, limit: int = 160) -> str:
    window = text[max(0, start - limit) : start]
    cut = 0
    for m in rules.helper("sentence_boundary").finditer(window):
        cut = m.end()
    return window[cut:]


def _check_age(text: str, start: int, end: int, rules: TimepointRules) -> bool:
    if rules.helper("age_after").search(text[end : end + 12]):
        return False
    return not rules.helper("age_before").search(_sentence_prefix(text, start, rules, 100))


def _check_age_at(text: str, start: int, end: int, rules: TimepointRules) -> bool:
    return not rules.helper("age_at").search(text[max(0, start - 12) : start])


def _check_frequency(text: str, start: int, end: int, rules: TimepointRules) -> bool:
    return not rules.helper("frequency_before").search(text[max(0, start - 16) : start])


def _check_range(text: str, start: int, end: int, rules: TimepointRules) -> bool:
    return not rules.helper("range_before").search(_sentence_prefix(text, start, rules, 60))


CHECKS: dict[str, Callable[[str, int, int, TimepointRules], bool]] = {
    "age": _check_age,
    "age_at": _check_age_at,
    "frequency": _check_frequency,
    "range": _check_range,
}
REQUIRED_HELPERS = frozenset({
    "sentence_boundary", "age_before", "age_after", "age_at", "frequency_before",
    "range_before", "metadata_line", "reference_line", "coordination_gap", "between_before",
    "stat_before", "disease_duration_before", "next_before", "treatment_with_after", "followup_date_before",
    "table_duration_header", "table_numeric_column", "table_duration_column", "table_cell_number",
})


def _expand(raw: Any, fragments: Mapping[str, Any], where: str, seen: tuple[str, ...] = ()) -> str:
    text = "".join(str(p) for p in raw) if isinstance(raw, list) else str(raw)

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise PatternError(f"{where}: unknown fragment {{:{name}}}")
        if name in seen:
            raise PatternError(f"{where}: fragment {name!r} refers to itself")
        return _expand(fragments[name], fragments, where, (*seen, name))

    return _FRAGMENT.sub(sub, text)


def _examples(raw: dict[str, Any], where: str) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...]]:
    examples = raw.get("examples") or {}
    matches: list[tuple[str, str | None]] = []
    for item in examples.get("match") or []:
        if isinstance(item, list) and len(item) == 2:
            matches.append((str(item[0]), str(item[1])))
        elif isinstance(item, str):
            matches.append((item, None))
        else:
            raise PatternError(f"{where}: a match example is a text or [text, span]")
    no_match = tuple(str(x) for x in examples.get("no_match") or [])
    if not matches or not no_match:
        raise PatternError(f"{where}: needs examples.match and examples.no_match")
    return tuple(matches), no_match


def pattern_spans(pattern: TimepointPattern, text: str, rules: TimepointRules) -> list[str]:
    """What ``pattern`` finds in ``text``: find patterns after their checks, helpers as searched."""
    if pattern.role == "helper":
        m = pattern.regex.search(text)
        return [m.group(0)] if m else []
    return [text[s:e] for s, e in pattern.spans(text)
            if all(CHECKS[c](text, s, e, rules) for c in pattern.checks)]


def example_failures(pattern: TimepointPattern, rules: TimepointRules) -> list[str]:
    """Why ``pattern`` fails its own examples (empty when it passes them all)."""
    problems = []
    for text, span in pattern.match_examples:
        found = pattern_spans(pattern, text, rules)
        if not found:
            problems.append(f"finds nothing in {text!r}")
        elif span is not None and span not in found:
            problems.append(f"finds {found!r} in {text!r}, not {span!r}")
    for text in pattern.no_match_examples:
        found = pattern_spans(pattern, text, rules)
        if found:
            problems.append(f"finds {found[0]!r} in no_match example {text!r}")
    return problems


def parse_patterns(data: Any, origin: str) -> TimepointRules:
    """Validate the patterns file's content; errors name the file and the pattern."""
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise PatternError(f"{origin}: expected a mapping with a 'patterns' list")
    fragments = data.get("fragments") or {}
    finders: list[TimepointPattern] = []
    helpers: dict[str, TimepointPattern] = {}
    for n, raw in enumerate(data["patterns"], start=1):
        name = raw.get("name", "?") if isinstance(raw, dict) else "?"
        where = f"{origin}: pattern {n} ({name})"
        if not isinstance(raw, dict) or "name" not in raw or "pattern" not in raw:
            raise PatternError(f"{where}: needs 'name' and 'pattern'")
        if raw.get("role") not in ROLES:
            raise PatternError(f"{where}: role must be one of {ROLES}")
        unknown = [c for c in raw.get("checks") or [] if c not in CHECKS]
        if unknown:
            raise PatternError(f"{where}: unknown checks {unknown}")
        try:
            regex = re.compile(_expand(raw["pattern"], fragments, where))
        except re.error as exc:
            raise PatternError(f"{where}: bad regex: {exc}") from exc
        matches, no_match = _examples(raw, where)
        pattern = TimepointPattern(
            str(name), raw["role"], regex, tuple(raw.get("checks") or []),
            bool(raw.get("needs_previous", False)), matches, no_match,
            scanner_of(regex) if raw["role"] == "find" else None,
        )
        target = helpers if pattern.role == "helper" else {p.name: p for p in finders}
        if pattern.name in helpers or pattern.name in target:
            raise PatternError(f"{where}: name used twice")
        if pattern.role == "helper":
            helpers[pattern.name] = pattern
        else:
            finders.append(pattern)
    missing = REQUIRED_HELPERS - set(helpers)
    if missing:
        raise PatternError(f"{origin}: missing helper patterns {sorted(missing)}")
    rules = TimepointRules(tuple(finders), helpers)
    for pattern in (*finders, *helpers.values()):
        problems = example_failures(pattern, rules)
        if problems:
            raise PatternError(f"{origin}: pattern {pattern.name}: " + "; ".join(problems))
    return rules


@cache
def default_patterns() -> TimepointRules:
    """The packaged timepoint patterns, loaded and validated once."""
    ref = resources.files("pipeline.data.patterns").joinpath(PATTERNS_RESOURCE)
    return parse_patterns(yaml.safe_load(ref.read_text(encoding="utf-8")), ORIGIN)


def _excluded_zones(text: str, seg: Segmentation, rules: TimepointRules) -> list[tuple[int, int]]:
    zones = [(s.start, s.end) for s in seg.sections if s.kind in EXCLUDED_SECTIONS]
    for t in seg.tables:
        if t.flattened and t.rows:
            zones.append((text.find("\n", t.start) + 1, t.rows[0].start))
    # a line is searched only where a match can start in it (most lines are neither)
    regexes, starts = [rules.helper("metadata_line"), rules.helper("reference_line")], TextStarts(text)
    lines = _lines(text)
    known = [starts.of(regex) for regex in regexes]
    if all(k is not None for k in known):
        lines = [lines[i] for i in sorted({bisect_right(lines, at, key=_end) for k in known if k
                                           for at in k if at < len(text)})]
    for offset, end in lines:
        line = text[offset:end]
        if any(starts.can_start(regex, offset, end) and regex.search(line) for regex in regexes):
            zones.append((offset, end))
    return zones


def _end(line: tuple[int, int]) -> int:
    return line[1]


def _lines(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every line of ``text`` as ``str.splitlines(keepends=True)`` cuts
    it."""
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, offset + len(line)))
        offset += len(line)
    return out



def _candidates(text: str, rules: TimepointRules, zones: list[tuple[int, int]]) -> list[Candidate]:
    out = []
    for rank, pattern in enumerate(rules.finders):
        for s, e in pattern.spans(text):
            if any(a <= s < b for a, b in zones):
                continue
            if all(CHECKS[c](text, s, e, rules) for c in pattern.checks):
                out.append((s, e, rank))
    return out


def _select(text: str, rules: TimepointRules, cands: list[Candidate]) -> list[Candidate]:
    """Longest first, then pattern order; coordinated events only right after a kept span."""
    kept: list[Candidate] = []  # sorted; the spans overlap none of each other, so their ends rise too

    def free(s: int, e: int) -> bool:  # only the last kept span that starts before e can overlap
        i = bisect_left(kept, (e,))
        return i == 0 or kept[i - 1][1] <= s

    for s, e, rank in sorted(cands, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if not rules.finders[rank].needs_previous and free(s, e):
            insort(kept, (s, e, rank))
    for s, e, rank in sorted(cands):
        if not rules.finders[rank].needs_previous or not free(s, e):
            continue
        before = [k for k in kept if k[1] <= s]
        gap = text[max(k[1] for k in before) : s] if before else None
        after_between = rules.helper("between_before").search(text[max(0, s - 12) : s])
        if after_between or (gap is not None and rules.helper("coordination_gap").search(gap)):
            insort(kept, (s, e, rank))
    return kept


def _with_context(tp: Timepoint, text: str, start: int, end: int, rules: TimepointRules) -> Timepoint:
    prefix = _sentence_prefix(text, start, rules, 80)
    if tp.months and tp.stat is None and _DIGIT.search(text[start:end]):
        stat = rules.helper("stat_before").search(prefix)
        if stat:
            word = stat.group("stat").lower()
            tp = replace(tp, stat="mean" if word == "average" else word)
    if tp.kind == "duration" and tp.anchor is None:
        if rules.helper("disease_duration_before").search(prefix):
            tp = replace(tp, anchor="diagnosis")
        elif rules.helper("next_before").search(text[max(0, start - 20) : start]):
            tp = replace(tp, anchor="previous")
    if tp.kind == "relative" and _OF_TREATMENT_END.search(text[start:end]):
        obj = rules.helper("treatment_with_after").search(text[end : end + 60])
        if obj:
            tp = replace(tp, anchor=event_anchor("treatment with " + obj.group("obj")))
    if tp.kind == "date" and rules.helper("followup_date_before").search(text[max(0, start - 30) : start]):
        tp = replace(tp, event="last_followup")
    return tp


def _header_columns(line: str, rules: TimepointRules) -> tuple[int, int, str] | None:
    """Number of numeric columns, index of the duration column and its first word.

    A flattened header's first line holds the first word of every column. A word that can start
    a duration column counts only when the next word starts another column (is capitalised),
    so ``TOF TOF use`` gives the duration column to the first ``TOF``.
    """
    words = line.split()
    numeric, duration_at, head = 0, None, ""
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if rules.helper("table_numeric_column").match(word):
            numeric += 1
        elif duration_at is None and rules.helper("table_duration_column").match(word) and nxt[:1].isupper():
            duration_at, head = numeric, word
            numeric += 1
    return (numeric, duration_at, head) if duration_at is not None else None


def _table_durations(text: str, table: Table, rules: TimepointRules) -> list[Found]:
    if not table.flattened or not table.rows:
        return []
    header = text[text.find("\n", table.start) + 1 : table.rows[0].start]
    unit = rules.helper("table_duration_header").search(header)
    first = next((ln for ln in header.splitlines() if ln.strip()), "")
    columns = _header_columns(first, rules) if unit else None
    if unit is None or columns is None:
        return []
    count, at, head = columns
    anchor = "diagnosis" if head.lower() == "disease" else "index_start"
    found = []
    for row in table.rows:
        line_end = text.find("\n", row.start)
        line_end = row.end if line_end < 0 else min(line_end, row.end)
        cells = list(rules.helper("table_cell_number").finditer(text, row.start, line_end))
        if len(cells) != count:
            continue  # the row does not line up with the header: better nothing than a wrong cell
        cell = cells[at]
        months = to_months(float(cell.group(0)), unit.group("unit"))
        tp = Timepoint("duration", months=(months,), anchor=anchor)
        found.append(Found(LABEL, cell.start(), cell.end(), tp.attrs(), "table_duration_cell"))
    return found


def find_timepoints(text: str, segmentation: Segmentation | None = None) -> list[Found]:
    """Every TIMEPOINT in a clean text, in order, with its normalised attributes."""
    rules = default_patterns()
    seg = segmentation if segmentation is not None else segment(text)
    zones = _excluded_zones(text, seg, rules)
    found: list[Found] = []
    for s, e, rank in _select(text, rules, _candidates(text, rules, zones)):
        while e > s and text[e - 1] in " \t\n,.;:":
            e -= 1
        tp = parse_timepoint(text[s:e])
        if tp is None:
            continue
        tp = _with_context(tp, text, s, e, rules)
        found.append(Found(LABEL, s, e, tp.attrs(), rules.finders[rank].name))
    for table in seg.tables:
        for cell in _table_durations(text, table, rules):
            if all(cell.end <= f.start or f.end <= cell.start for f in found):
                found.append(cell)
    return sorted(found, key=lambda f: (f.start, f.end))


__all__ = ["LABEL", "PatternError", "default_patterns", "find_timepoints", "parse_patterns"]
