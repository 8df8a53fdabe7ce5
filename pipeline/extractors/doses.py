"""Find posology expressions (DOSE) in a document's clean text.

The regexes are data (``pipeline/data/patterns/doses.yaml``), validated on load; the meaning of
each span comes from :func:`pipeline.normalize.doses.parse_dose`, and a span it cannot read is
dropped. Besides doses in sentences and parentheses, the finder rejoins a parenthesised dose that
a flattened table cut at a column break (``HCQ (100 mg | 0 None`` ... next line ``bid),``); where
segmentation split a flattened row into its treatment-list columns, it reads each column on its
own, so that no dose spans two columns.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from pipeline.extractors.found import Found, Spans, blanked
from pipeline.normalize.doses import Dose, parse_dose
from pipeline.regex_analysis import Scanner, TextStarts, scanner_of
from pipeline.segment.model import Table

LABEL = "DOSE"
PATTERNS_PACKAGE = "pipeline.data.patterns"
PATTERNS_RESOURCE = "doses.yaml"
FLAGS = re.IGNORECASE | re.VERBOSE
_REFERENCE = re.compile(r"<<(\w+)>>")
REQUIRED = (
    "dose", "split_dose", "head_split", "head_split_cut", "head_split_open", "head_split_after",
    "head_amount", "head_dose_rest", "tail_evening", "tail_split_after", "tail_amount",
    "tail_unit_frequency", "tail_frequency", "range_start", "change_before", "reduction_before",
    "between_before", "measurement_before", "weight_before", "volume_before", "volume_after",
    "spread_before", "stat_before", "coordination", "sentence_end", "frequency", "route",
    "per_time", "dosage_form", "lab_unit_end", "substance_after", "reference_after",
)
LOOKBACK = 300  # characters searched back for a sentence's start
_PAREN = re.compile(r"[()]")
_NON_BLANK_LINE = re.compile(r"[^\n]*\S[^\n]*")


class PatternError(ValueError):
    """A pattern file that is malformed or whose patterns fail their own examples."""


@dataclass(frozen=True)
class NamedPattern:
    """One validated regex of the patterns file, with its examples."""

    name: str
    regex: re.Pattern[str]
    match_examples: tuple[tuple[str, str | None], ...]
    no_match_examples: tuple[str, ...]


def _expand(raw: str, known: dict[str, str], where: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in known:
            raise PatternError(f"{where}: <<{m.group(1)}>> is not an earlier pattern")
        return f"(?:{known[m.group(1)]})"

    return _REFERENCE.sub(sub, raw)


def example_failures(pattern: NamedPattern) -> list[str]:
    """The pattern's examples that it fails, each described in one line."""
    problems = []
    for text, span in pattern.match_examples:
        if span is None and not pattern.regex.fullmatch(text):
            problems.append(f"does not match the whole of {text!r}")
        elif span is not None:
            found = pattern.regex.search(text)
            got = found.group(0) if found else None
            if got != span:
                problems.append(f"finds {got!r} in {text!r}, expected {span!r}")
    problems += [f"matches {pattern.regex.search(t).group(0)!r} in no_match example {t!r}"  # type: ignore[union-attr]
                 for t in pattern.no_match_examples if pattern.regex.search(t)]
    return problems


def _examples(raw: Any, where: str) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("match"), list) or not raw["match"]:
        raise PatternError(f"{where}: needs examples.match, a non-empty list")
    match: list[tuple[str, str | None]] = []
    for item in raw["match"]:
        if isinstance(item, str):
            match.append((item, None))
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            match.append((item[0], item[1]))
        else:
            raise PatternError(f"{where}: a match example is a text or a [text, span] pair")
    no_match = raw.get("no_match") or []
    if not isinstance(no_match, list) or not all(isinstance(x, str) for x in no_match):
        raise PatternError(f"{where}: examples.no_match must be a list of texts")
    return tuple(match), tuple(no_match)


def parse_patterns(data: Any, origin: str) -> dict[str, NamedPattern]:
    """Validate the patterns file's content; errors name the file and the pattern."""
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise PatternError(f"{origin}: expected a mapping with a 'patterns' list")
    sources: dict[str, str] = {}
    out: dict[str, NamedPattern] = {}
    for n, raw in enumerate(data["patterns"], start=1):
        name = raw.get("name") if isinstance(raw, dict) else None
        where = f"{origin}: pattern {n} ({name or '?'})"
        if not isinstance(name, str) or not isinstance(raw.get("regex"), str):
            raise PatternError(f"{where}: needs 'name' and 'regex'")
        if name in sources:
            raise PatternError(f"{where}: duplicate name")
        sources[name] = _expand(raw["regex"], sources, where)
        try:
            regex = re.compile(sources[name], FLAGS)
        except re.error as exc:
            raise PatternError(f"{where}: bad regex: {exc}") from exc
        match, no_match = _examples(raw.get("examples"), where)
        out[name] = NamedPattern(name, regex, match, no_match)
        if problems := example_failures(out[name]):
            raise PatternError(f"{where}: {problems[0]}")
    missing = [name for name in REQUIRED if name not in out]
    if missing:
        raise PatternError(f"{origin}: missing patterns {', '.join(missing)}")
    return out


@cache
def dose_patterns() -> dict[str, NamedPattern]:
    """The packaged dose patterns, loaded and validated once."""
    ref = resources.files(PATTERNS_PACKAGE).joinpath(PATTERNS_RESOURCE)
    origin = f"pipeline/data/patterns/{PATTERNS_RESOURCE}"
    try:
        data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PatternError(f"{origin}: not valid YAML: {exc}") from exc
    return parse_patterns(data, origin)


def _rx(name: str) -> re.Pattern[str]:
    return dose_patterns()[name].regex


def _scanner(name: str) -> Scanner:
    return scanner_of(_rx(name))


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    kind: str
    parse_text: str = ""


# which tail completes which head
_TAIL_FOR_HEAD = {"amount": "unit_frequency", "dose": "frequency", "split_cut": "evening",
                  "split_open": "amount", "split_after": "split_after"}
_TAILS = ("evening", "split_after", "amount", "unit_frequency", "frequency")


def _parens(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Positions of the ``(`` left open and the ``)`` never opened on one line."""
    opened: list[int] = []
    orphans: list[int] = []
    for m in _PAREN.finditer(text, start, end):
        i = m.start()
        if text[i] == "(":
            opened.append(i)
        else:
            if opened:
                opened.pop()
            else:
                orphans.append(i)
    return opened, orphans


DoseReader = Callable[[str], Dose | None]
""":func:`pipeline.normalize.doses.parse_dose`, or the same remembering what it read."""


def _head(text: str, pos: int, line_end: int, parse: DoseReader) -> _Piece | None:
    """The cut dose that starts right after an unclosed ``(``, if there is one."""
    pos += len(text[pos:line_end]) - len(text[pos:line_end].lstrip(" \t"))
    if m := _rx("head_split").match(text, pos, line_end):
        if rest := _rx("head_split_open").match(text, m.end(), line_end):
            return _Piece(m.start(), m.end(), "split_open", text[m.start():rest.end()])
        if _rx("head_split_cut").match(text, m.end(), line_end):
            return _Piece(m.start(), m.end(), "split_cut", text[m.start():m.end()] + ",")
        return None
    if m := _rx("head_split_after").match(text, pos, line_end):
        return _Piece(m.start(), m.end(), "split_after", m.group(0) + ",")
    if m := _rx("dose").match(text, pos):
        dose = parse(m.group(0))
        if (m.end() <= line_end and dose is not None and dose.freq is None
                and _rx("head_dose_rest").match(text, m.end(), line_end)):
            return _Piece(m.start(), m.end(), "dose", m.group(0))
        return None
    if m := _rx("head_amount").match(text, pos, line_end):
        return _Piece(m.start(), m.end(), "amount", m.group(0))
    return None


def _tails(text: str, start: int, orphans: list[int]) -> list[_Piece]:
    """The cut ends of doses on the line that starts at ``start``: the text before each ``)``
    never opened there (``orphans``, from :func:`_parens`)."""
    pieces = []
    for close in orphans:
        seg = max(text.rfind("(", start, close), text.rfind(")", start, close), start - 1) + 1
        segment = text[seg:close]  # searched alone, so that \A is the segment's start
        for kind in _TAILS:
            if m := _rx(f"tail_{kind}").search(segment):
                body = m.group(0).strip(" \t,")
                begin = seg + m.start() + m.group(0).index(body)
                pieces.append(_Piece(begin, begin + len(body), kind, body))
                break
    return pieces


def table_continuations(text: str, parse: DoseReader = parse_dose) -> list[tuple[_Piece, _Piece]]:
    """Heads of doses cut at a line's column break, paired in order with their tails.

    Only a line where a bracket opens can hold a cut dose's head: the lines are found from the
    brackets, the others never looked at."""
    pairs = []
    bracket = text.find("(")
    while bracket >= 0:
        start = text.rfind("\n", 0, bracket) + 1
        end = text.find("\n", bracket)
        if end < 0:  # the last line: no line follows it
            break
        bracket = text.find("(", end)
        following = _NON_BLANK_LINE.search(text, end)
        if following is None:
            break
        heads = [h for p in _parens(text, start, end)[0] if (h := _head(text, p + 1, end, parse))]
        if not heads:
            continue
        tails = _tails(text, following.start(), _parens(text, *following.span())[1])
        used = 0
        for head in heads:
            for i in range(used, len(tails)):
                if tails[i].kind == _TAIL_FOR_HEAD[head.kind]:
                    pairs.append((head, tails[i]))
                    used = i + 1
                    break
    return pairs


class _Context:
    """The context patterns of one text, searched only in a stretch where a match can start
    (:class:`pipeline.regex_analysis.TextStarts`). Most doses have no context cue before them:
    ``_stat`` would otherwise scan up to :data:`LOOKBACK` characters back for sentence ends at
    every dose."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = TextStarts(text)

    def can_match(self, name: str, begin: int, end: int) -> bool:
        """False when no match of the pattern ``name`` starts in ``text[begin:end]``."""
        return self.starts.can_start(_rx(name), begin, end)

    def search(self, name: str, begin: int, end: int) -> re.Match[str] | None:
        """``search`` of the pattern ``name`` in ``text[begin:end]`` (offsets in the text)."""
        if not self.can_match(name, begin, end):
            return None
        return _rx(name).search(self.text, begin, end)


def _before(context: _Context, start: int, name: str, window: int = 80) -> re.Match[str] | None:
    return context.search(name, max(0, start - window), start)


def _stat(context: _Context, start: int) -> str | None:
    """``median``/``mean`` when the sentence names an aggregate dose before ``start``."""
    begin = max(0, start - LOOKBACK)
    if not context.can_match("stat_before", begin, start):  # none in the look-back, so none in
        return None  # its last sentence: the sentence ends need not be found
    text = context.text
    ends = list(_rx("sentence_end").finditer(text, begin, start))
    m = _rx("stat_before").search(text, ends[-1].end() if ends else begin, start)
    if m is None:
        return None
    word = m.group(0).split()[0].lower()
    return "median" if word == "median" else "mean"


def _is_bare(dose: Dose) -> bool:
    """An amount and a unit and nothing else that marks it as a posology."""
    return not (dose.freq or dose.route or dose.per_kg or dose.per_m2 or dose.per_time)


def _is_measured(context: _Context, start: int, end: int, dose: Dose) -> bool:
    """A bare amount that is a measurement: a body weight, a body fluid's volume, an amount with
    its normal range after it, or a lab result in U, mmol, mEq or ng (``IgG 165 U``) that no
    substance given follows."""
    if not _is_bare(dose):
        return False
    text = context.text
    if _before(context, start, "weight_before", 40) or _rx("reference_after").match(text[end:end + 40]):
        return True
    if _rx("lab_unit_end").search(text[start:end]):
        return _rx("substance_after").match(text[end:end + 40]) is None
    return dose.unit == "mL" and (_before(context, start, "volume_before", 40) is not None
                                  or _rx("volume_after").match(text[end:end + 60]) is not None)


def _simple_doses(
    context: _Context, free: Callable[[int, int], bool], parse: DoseReader
) -> Iterator[tuple[int, int, Dose]]:
    text = context.text
    for m in _scanner("dose").matches(text):
        start, end = m.span()
        if (not free(start, end) or _before(context, start, "reduction_before", 10)
                or _before(context, start, "spread_before", 6)
                or _before(context, start, "measurement_before", 60)):
            continue
        rng = _rx("range_start").match(text, start)
        if rng and _before(context, start, "change_before"):
            m2 = _rx("dose").match(text, rng.end())
            if m2 is None:
                continue
            start, end = m2.span()
        dose = parse(text[start:end])
        if dose is None or _is_measured(context, start, end, dose):
            continue
        if _before(context, start, "between_before", 12) and len(dose.amounts) == 2:
            dose = dataclasses.replace(dose, amounts=(), amount_low=dose.amounts[0],
                                       amount_high=dose.amounts[1], daily_mg=())
        yield start, end, dose


def _share_frequencies(text: str, found: list[tuple[int, int, Dose]]) -> list[tuple[int, int, Dose]]:
    """``5 (3.75-10) mg and 5 (5-7.5) mg twice a day``: the first takes the frequency too."""
    out = list(found)
    for i in range(len(out) - 1, 0, -1):
        (s1, e1, first), (s2, _e2, second) = out[i - 1], out[i]
        if (first.freq is None and second.freq is not None and first.unit == second.unit
                and first.per_kg == second.per_kg and first.per_m2 == second.per_m2
                and _rx("coordination").match(text[e1:s2])):
            out[i - 1] = (s1, e1, dataclasses.replace(first, freq=second.freq,
                                                      per_day=second.per_day, count=second.count))
    return out


def find_doses(text: str, tables: Sequence[Table] | None = None) -> list[Found]:
    """Every posology expression in ``text`` as a DOSE with the guideline's attributes.

    In a flattened table whose rows segmentation split into treatment-list columns (``tables``;
    segmented here when not given), doses are read per column, so that no dose spans two columns.
    """
    if tables is None:
        tables = _tables_of(text)
    # a document repeats its doses (a table's rows, its columns read again below), so each
    # distinct span is parsed once; nothing is kept past the call
    parse = cache(parse_dose)
    streams = [fragments for table in tables for row in table.rows for fragments in row.lists]
    if not streams:
        return _find(text, parse)
    found = _find(blanked(text, (fragment for fragments in streams for fragment in fragments)), parse)
    for fragments in streams:
        found += _stream_doses(text, fragments, parse)
    return sorted(found, key=lambda f: (f.start, f.end))


@lru_cache(maxsize=4)
def _tables_of(text: str) -> tuple[Table, ...]:
    from pipeline.segment import segment

    return tuple(segment(text).tables)


def _stream_doses(text: str, fragments: Sequence[tuple[int, int]], parse: DoseReader) -> list[Found]:
    """The doses of one list column: read in its fragments joined, then placed back.

    A dose whose parts stand in fragments on consecutive lines with nothing between them is one
    span across the line break; a dose the layout cut apart (``belimumab (480`` ... ``mg q4w)``)
    is the part that stands in its first fragment, with the attributes of the whole dose.
    """
    starts, joined = [], ""
    for a, b in fragments:
        starts.append(len(joined))
        joined += text[a:b] + " "

    def place(pos: int) -> tuple[int, int]:
        i = bisect_right(starts, pos) - 1
        return i, fragments[i][0] + pos - starts[i]

    out = []
    for f in _find(joined, parse):
        i, start = place(f.start)
        j, end = place(f.end - 1)
        end += 1
        last = i
        while last < j and not text[fragments[last][1]:fragments[last + 1][0]].strip():
            last += 1
        if last == j:
            out.append(dataclasses.replace(f, start=start, end=end))
        elif (head := _head_end(text, start, fragments[last][1])) is not None:
            out.append(dataclasses.replace(f, start=start, end=head, rule="table_column"))
    return out


def _head_end(text: str, start: int, limit: int) -> int | None:
    """Where the part of a cut dose in its own fragment ends: after its last amount and unit."""
    amounts = list(_rx("amount").finditer(text, start, limit))
    if not amounts:
        return None
    end = amounts[-1].end()
    unit = _spaced_unit().match(text, end, limit)
    return unit.end() if unit else end


@cache
def _spaced_unit() -> re.Pattern[str]:
    """The ``unit`` pattern after blanks on the same line."""
    return re.compile(r"[ \t]*(?:" + _rx("unit").pattern + ")", FLAGS)


def _find(text: str, parse: DoseReader) -> list[Found]:
    """The doses of a text read as it stands."""
    taken = Spans()
    found: list[tuple[int, int, Dose, str]] = []

    def free(start: int, end: int) -> bool:
        return not taken.overlaps(start, end)

    for head, tail in table_continuations(text, parse):
        dose = parse(f"{head.parse_text} {tail.parse_text}")
        if dose is not None and free(head.start, head.end) and free(tail.start, tail.end):
            found.append((head.start, head.end, dose, "table_continuation"))
            taken.add(head.start, head.end)
            taken.add(tail.start, tail.end)
    for m in _scanner("split_dose").matches(text):
        split = parse(m.group(0))
        if split is not None and free(*m.span()):
            found.append((m.start(), m.end(), split, "split_dose"))
            taken.add(*m.span())
    context = _Context(text)
    for start, end, dose in list(_simple_doses(context, free, parse)):
        if free(start, end):
            found.append((start, end, dose, "dose"))
            taken.add(start, end)
    found.sort(key=lambda f: f[0])
    rules = [f[3] for f in found]
    shared = _share_frequencies(text, [(s, e, d) for s, e, d, _ in found])
    out = []
    for (start, end, dose), rule in zip(shared, rules, strict=True):
        if dose.stat is None and (stat := _stat(context, start)):
            dose = dataclasses.replace(dose, stat=stat)
        out.append(Found(LABEL, start, end, dose.attrs(), rule))
    return out
