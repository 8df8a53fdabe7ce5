"""SCORE: stated values of clinical instruments in text and tables; table reading shared with LAB.

Pure finders over the clean text. The rules are ``pipeline/data/patterns/scores.yaml`` (named
regex templates over the instrument lexicon ``pipeline/data/instruments.tsv``).

Tables: in a table with cells, a numeric cell is a value of the instrument or analyte that its
column header (or, failing that, its row's first cell) names. In a flattened table (PDF text,
cells run together) the columns are recovered by :func:`align_flat_columns`; see its docstring
for the rule and the cases in which it declines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from pipeline.extractors.found import Found, format_number
from pipeline.extractors.labs import RuleFile, RulePattern, lab_rules, load_rule_file, resolve
from pipeline.normalize.labs import lookup_analyte, parse_number, parse_unit
from pipeline.normalize.scores import (
    instrument_lexicon,
    instrument_pattern,
    lookup_instrument,
    parse_score_value,
    parse_spread,
    parse_stat,
)
from pipeline.segment.model import Table, TableRow

RESOURCE = "scores.yaml"
STACK_REACH = 0.25  # how far (relative word position) a stacked header phrase may lie from its column
STACK_MARGIN = 1.25  # how much nearer the chosen time phrase must be than one of another time
_CELL_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?=[*†‡]?$)")
_NULL_CELL = frozenset({"-", "–", "—", "NA", "N/A", "n.a.", "ND", "NR"})
_NOISE_TOKEN = frozenset({"|", "=", "•"})
_SENTENCE_BREAK = re.compile(r"\.\s|\n\s*\n")
_NON_SPACE = re.compile(r"\S+")
_CAPTION = re.compile(r"\s*(?:TABLE|Table)\s*\d")
_UNIT_TOKEN = re.compile(
    r"(?:[mµu]?g|kg|m?l|mL|IU|U|%|[mµu]?mol|years?|months?|weeks?|days?|cm|mm|x|×)(?![A-Za-z])"
    r"|\S*/")


@cache
def score_rules() -> RuleFile:
    """The packaged SCORE patterns, loaded and validated once."""
    return load_rule_file(RESOURCE, {"LEXICON": instrument_pattern()},
                          frozenset({"score", "continuation", "context"}), {})


def _score_attrs(instrument: str, value: float, stat: str, spread_text: str | None) -> dict[str, str]:
    attrs = {"instrument": instrument, "value": format_number(value), "stat": stat}
    spread = parse_spread(spread_text) if spread_text else None
    if spread is not None:
        attrs.update(low=format_number(spread.low), high=format_number(spread.high), spread=spread.kind)
    return attrs


def sentence_before(text: str, start: int) -> str:
    """The text of the sentence before ``start`` up to it (back to a full stop or a blank line)."""
    return _SENTENCE_BREAK.split(text[max(0, start - 300):start])[-1]


def run_score_pattern(name: str, text: str, rules: RuleFile | None = None) -> list[Found]:
    """The SCORE mentions one ``score`` pattern finds, with their continuations."""
    rules = rules or score_rules()
    stat_re, definition = rules.get("stat_before").regex, rules.get("definition").regex
    out: list[Found] = []
    for m in rules.get(name).matches(text):
        instrument = lookup_instrument(m["abbr"] or m["name"])
        value = parse_score_value(instrument.name, m["value"]) if instrument else None
        start = m.start("abbr") if m["abbr"] else m.start()
        if instrument is None or value is None or definition.search(sentence_before(text, start)):
            continue
        stat_m = stat_re.search(text[max(0, m.start() - 40):m.start()])
        stat = parse_stat(stat_m["stat"]) if stat_m else "value"
        out.append(Found("SCORE", start, m.end(),
                         _score_attrs(instrument.name, value, stat, m["spread"]), name))
        out += _continuations(text, m.end(), instrument.name, stat, name == "score_change", rules)
    return out


def _continuations(text: str, pos: int, instrument: str, stat: str, change: bool,
                   rules: RuleFile) -> list[Found]:
    out = []
    for pattern in rules.by_kind("continuation"):
        if (pattern.name == "value_change") != change:
            continue
        while m := pattern.regex.match(text, pos):
            value = parse_score_value(instrument, m["value"])
            if value is None:
                break
            out.append(Found("SCORE", m.start("value"), m.end(),
                             _score_attrs(instrument, value, stat, m["spread"]), pattern.name))
            pos = m.end()
    return out


def pattern_texts(pattern: RulePattern, text: str) -> tuple[str, ...]:
    """What one pattern finds in ``text``, as its examples state it (for the example tests)."""
    if pattern.kind == "score":
        return tuple(text[f.start:f.end] for f in run_score_pattern(pattern.name, text))
    if pattern.kind == "continuation":
        m = pattern.regex.match(text)
        return (text[m.start("value"):m.end()],) if m else ()
    m = pattern.regex.search(text)
    return (m.group(1) if m and m.groups() else m.group(0),) if m else ()


def find_scores(text: str, tables: Sequence[Table] | None = None) -> list[Found]:
    """SCORE mentions in a clean text; with ``tables``, also values in instrument columns."""
    rules = score_rules()
    ranked: list[tuple[int, Found]] = [(0, f) for f in table_values(text, tables or [], "SCORE")]
    for rank, pattern in enumerate(rules.by_kind("score"), start=1):
        for f in run_score_pattern(pattern.name, text, rules):
            if "\t" not in text[f.start:f.end] and "|" not in text[f.start:f.end]:
                ranked.append((rank, f))
    return resolve(ranked)


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnName:
    """What a column header or row key names: an instrument or analyte, with its unit."""

    label: str
    code: str
    unit: str | None = None

    def accepts(self, written: str) -> bool:
        """Whether a cell written as ``written`` can be a value of this column."""
        if self.label == "SCORE":
            return instrument_lexicon()[1][self.code].accepts_cell(written)
        return parse_number(written.rstrip("*†‡")) is not None

    def attrs(self, written: str) -> dict[str, str]:
        """The mention attributes of a cell value of this column."""
        value = parse_number(written.rstrip("*†‡")) or 0.0
        if self.label == "SCORE":
            return {"instrument": self.code, "value": format_number(value), "stat": "value"}
        out = {"analyte": self.code, "value": format_number(value)}
        return {**out, "unit": self.unit} if self.unit else out


# a table value: its column, offsets, the cell as written, the time its column header states
CellValue = tuple[ColumnName, int, int, str, str | None]


@cache
def _name_regex() -> re.Pattern[str]:
    a = lab_rules().fragments["A"]
    return re.compile(rf"(?:(?P<instrument>{instrument_pattern()})|(?P<analyte>{a}))"
                      rf"(?:[^\S\t]*\((?P<unit>[^()\t]*)\))?")


@cache
def _header_name_regex() -> re.Pattern[str]:
    """An instrument or analyte name anywhere on a header line."""
    return re.compile(rf"{instrument_pattern()}|{lab_rules().fragments['A']}")


def column_name(cell: str) -> ColumnName | None:
    """The instrument or analyte a header cell or row key names at its start (``"ESR (mm/h)"``)."""
    m = _name_regex().match(cell.strip())
    if not m or (m.end() < len(cell.strip()) and not cell.strip()[m.end()].isspace()):
        return None
    unit = parse_unit(m["unit"]) if m["unit"] else None
    if m["instrument"]:
        instrument = lookup_instrument(m["instrument"])
        return ColumnName("SCORE", instrument.name) if instrument else None
    analyte = lookup_analyte(m["analyte"])
    return ColumnName("LAB", analyte, unit) if analyte else None


def header_cells(text: str, table: Table) -> list[str] | None:
    """A cellular table's header split into cells (tab- or pipe-separated), or None."""
    if table.header is None:
        return None
    line = text[table.header[0]:table.header[1]].strip("\n")
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return None


def _cell_values(text: str, table: Table) -> list[CellValue]:
    header = header_cells(text, table)
    out = []
    for row in table.rows:
        if header is None or len(header) != len(row.cells):
            continue
        key = column_name(text[row.cells[0][0]:row.cells[0][1]]) if row.cells else None
        for c, (start, end) in enumerate(row.cells[1:], start=1):
            name = column_name(header[c])
            at = header_time(header[c]) if name is not None else None
            name = name if key is None else (key if name is None else None)
            cell = text[start:end].strip()
            m = _CELL_NUMBER.match(cell)
            if name is not None and m and name.accepts(cell):
                pos = start + text[start:end].index(cell)
                out.append((name, pos, pos + m.end(), cell, at))
    return out


@dataclass(frozen=True)
class LineWord:
    """A word of a table row's first line: its position among the line's words, its offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Cue:
    """A known column on the header's first line."""

    name: ColumnName
    position: float
    after: bool | None
    at: str | None = None


def line_words(line: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """The words of ``line`` (runs of non-space, without noise tokens) with offsets + ``offset``."""
    return [(offset + m.start(), offset + m.end(), m.group()) for m in _NON_SPACE.finditer(line)
            if m.group() not in _NOISE_TOKEN]


def row_number_slots(text: str, row: TableRow) -> tuple[int, list[LineWord]]:
    """The first line of a flattened row: its token count and its bare-number slots."""
    line_end = text.find("\n", row.start)
    line_end = row.end if line_end < 0 else min(line_end, row.end)
    words = line_words(text[row.start:line_end], row.start)
    tokens = [LineWord(i, a, b, w) for i, (a, b, w) in enumerate(words)]
    slots = []
    for i, tok in enumerate(tokens):
        if i == 0 and tok.text == row.key:
            continue
        follower = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if tok.text in _NULL_CELL or (_CELL_NUMBER.fullmatch(tok.text.rstrip("*†‡"))
                                      and not _UNIT_TOKEN.match(follower)):
            slots.append(tok)
    return len(tokens), slots


def header_lines(text: str, table: Table) -> list[str]:
    """The non-blank lines between a table's caption and its first row: its header."""
    region = text[table.start:table.rows[0].start] if table.rows else ""
    lines = [ln for ln in region.split("\n") if ln.strip()]
    if lines and _CAPTION.match(lines[0]):
        lines = lines[1:]
    return lines


def word_at(words: Sequence[tuple[int, int, str]], offset: int) -> int | None:
    """The index of the first of a line's ``words`` (:func:`line_words`) that starts at or after
    ``offset``, if any."""
    return next((n for n, (a, _b, _w) in enumerate(words) if a >= offset), None)


def _header_cues(text: str, table: Table) -> list[_Cue]:
    """Known columns on the header's first line, with their relative position and placement.

    ``after`` is True when the header names the column directly after the previous known column
    (for the first, after the line's first word, the key column), False when other words come
    between, None for a first known column that is the line's first word.
    """
    lines = header_lines(text, table)
    for line in lines:
        found = [(m, c) for m in _header_name_regex().finditer(line) if (c := column_name(m.group()))]
        if not found:
            continue
        words = line_words(line)
        cues = []
        for i, (m, name) in enumerate(found):
            index = word_at(words, m.start())
            if index is None:  # the name starts inside the line's last word: not a column header
                continue
            prev_end = found[i - 1][0].end() if i else words[0][1]
            after = None if i == 0 and index == 0 else not line[prev_end:m.start()].strip()
            cues.append(_Cue(name, index / len(words), after))
        below = lines[lines.index(line) + 1:]
        return [replace(c, at=stacked_header_time(c.position, below, [d.position for d in cues]))
                for c in cues]
    return []


def header_time(header: str) -> str | None:
    """The measurement time a column header states (``header_times`` of attribution.yaml), if one."""
    from pipeline.attribution.rules import attribution_rules

    times = {cue.at for cue in attribution_rules().header_times if cue.search(header)}
    return times.pop() if len(times) == 1 else None


LABORATORY_COLUMN = re.compile(r"\blaborator(?:y|ies)\b", re.IGNORECASE)


def laboratory_column_time(text: str, table: Table) -> str | None:
    """The time a table's header states for its one column of laboratory findings ("Abnormal
    laboratory findings at last follow-up"), in a cell of its own or stacked over the lines of a
    flattened header; None with no such column, with several, or with no time stated."""
    cells = header_cells(text, table)
    if cells is not None:
        labs = [c for c in cells if LABORATORY_COLUMN.search(c)]
        return header_time(labs[0]) if len(labs) == 1 else None
    lines = header_lines(text, table)
    hits = [(n, m) for n, line in enumerate(lines) for m in LABORATORY_COLUMN.finditer(line)]
    if len(hits) != 1:
        return None
    n, m = hits[0]
    words = line_words(lines[n])
    index = word_at(words, m.start())
    return None if index is None else stacked_header_time(index / len(words), lines[n + 1:], [])


def stacked_header_time(position: float, lines: Sequence[str], others: Sequence[float]) -> str | None:
    """The time a flattened header states under the known column at ``position`` of its first line.

    A flattened header stacks each cell's words on the lines below its first word, keeping the
    columns' order, so the column's time phrase lies near its relative word position on a lower
    line. The nearest phrase wins only when it lies within ``STACK_REACH``, nearer this column
    than any other known column, and no phrase of another time lies nearly as near
    (``STACK_MARGIN``); otherwise the column gets no time, since a wrong time is worse than none.
    """
    from pipeline.attribution.rules import attribution_rules

    found: list[tuple[float, str]] = []
    for line in lines:
        words = line_words(line)
        for cue in attribution_rules().header_times:
            for m in cue.regex.finditer(line):
                index = word_at(words, m.start())
                if index is not None:
                    found.append((index / len(words), cue.at))
    near = sorted((abs(p - position), at, p) for p, at in found)
    if not near or near[0][0] > STACK_REACH:
        return None
    best, at, p = near[0]
    if any(abs(p - o) < best for o in others if o != position):
        return None
    if any(d < best * STACK_MARGIN for d, other, _p in near if other != at):
        return None
    return at


def align_flat_columns(text: str, table: Table) -> list[CellValue]:
    """Values of the known columns of a flattened table, or [] when no layout fits.

    The rule: the header's first line names each column in order, and each row's first line
    holds each cell's first line in the same order, so a known column's value (an instrument or
    analyte) is one of the row's bare numbers (not in parentheses, not followed by a unit).
    An assignment of known columns to bare-number positions must keep the header's order and
    hold, in every row, (1) a possible value of the column (an integer-valued instrument never
    takes ``"10.00"``); (2) no token between two positions whose columns the header names side
    by side, and at least one where other header words come between (the same for the first
    column and the row key). Every row must have the same number of bare numbers. Among the
    assignments that fit, the one whose positions in the rows lie closest to the columns'
    positions in the header line wins (then the leftmost); with none, the table is left to a
    layout-aware reader.
    """
    cues = _header_cues(text, table)
    rows = [row_number_slots(text, row) for row in table.rows]
    if not cues or not rows or len({len(slots) for _n, slots in rows}) != 1:
        return []
    n_slots = len(rows[0][1])

    def fits(c: int, j: int, prev: int | None) -> bool:
        for _n, slots in rows:
            tok = slots[j]
            if tok.text not in _NULL_CELL and not cues[c].name.accepts(tok.text):
                return False
            if cues[c].after is not None:
                between = tok.index - (slots[prev].index if prev is not None else 0) - 1
                if (between != 0) if cues[c].after else (between == 0):
                    return False
        return True

    def assignments(c: int, lo: int, chosen: tuple[int, ...]) -> list[tuple[int, ...]]:
        if c == len(cues):
            return [chosen]
        out: list[tuple[int, ...]] = []
        for j in range(lo, n_slots):
            if fits(c, j, chosen[-1] if chosen else None):
                out += assignments(c + 1, j + 1, (*chosen, j))
        return out

    def cost(assignment: tuple[int, ...]) -> float:
        return sum(abs(cue.position - slots[j].index / n_tokens)
                   for n_tokens, slots in rows for cue, j in zip(cues, assignment, strict=True))

    candidates = assignments(0, 0, ())
    if not candidates:
        return []
    best = min(candidates, key=lambda a: (round(cost(a), 9), a))
    out = []
    for _n, slots in rows:
        for cue, j in zip(cues, best, strict=True):
            tok = slots[j]
            if tok.text not in _NULL_CELL:
                m = _CELL_NUMBER.match(tok.text)
                out.append((cue.name, tok.start, tok.start + (m.end() if m else len(tok.text)),
                            tok.text, cue.at))
    return out


class _LastTables:
    """The values of the known columns of the tables of the text last read, kept for the next
    question about the same text and tables: the LAB and SCORE finders both ask."""

    def __init__(self) -> None:
        self.last: tuple[str, tuple[Table, ...], list[list[CellValue]]] | None = None

    def values(self, text: str, tables: Sequence[Table]) -> list[list[CellValue]]:
        """Each table's values (:func:`align_flat_columns` or the cells of a cellular table)."""
        last = self.last
        if (last is not None and last[0] is text and len(last[1]) == len(tables)
                and all(a is b for a, b in zip(last[1], tables, strict=True))):
            return last[2]
        values = [(align_flat_columns if t.flattened else _cell_values)(text, t) for t in tables]
        self.last = (text, tuple(tables), values)
        return values


_LAST_TABLES = _LastTables()


def table_values(text: str, tables: Sequence[Table], label: str) -> list[Found]:
    """Mentions of ``label`` (SCORE or LAB) for the values of known columns of ``tables``."""
    out = []
    for table, values in zip(tables, _LAST_TABLES.values(text, tables), strict=True):
        for name, start, end, written, at in values:
            if name.label == label:
                rule = "flat_table" if table.flattened else "table_cell"
                attrs = name.attrs(written)
                out.append(Found(label, start, end, {**attrs, "at": at} if at else attrs, rule))
    return out
