"""LAB: laboratory measurements with a value and unit, qualitative findings, table cells.

Pure finders over the clean text. The rules are ``pipeline/data/patterns/labs.yaml`` (named
regex templates over the analyte lexicon ``pipeline/data/analytes.tsv``); tables come from
``pipeline.segment`` and are read by :mod:`pipeline.extractors.scores`' shared table helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipeline.extractors.found import Found, Spans, format_number
from pipeline.normalize.labs import (
    analyte_pattern,
    lookup_analyte,
    parse_number,
    parse_unit,
)
from pipeline.regex_analysis import scanner_of
from pipeline.segment.model import Table

RESOURCE = "labs.yaml"
QUALS = frozenset({"positive", "negative", "elevated", "decreased", "normal"})
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_LETTERS = re.compile(r"[A-Za-z]+")
_SENTENCE_BREAK = re.compile(r"\.\s|\n\s*\n")


class PatternError(ValueError):
    """A pattern file that is malformed; the message names the file and the pattern."""


@dataclass(frozen=True)
class RulePattern:
    """One named regex of a pattern file, expanded and compiled, with its own examples."""

    name: str
    kind: str
    regex: re.Pattern[str]
    match_examples: tuple[tuple[str, tuple[str, ...]], ...] = ()
    no_match_examples: tuple[str, ...] = ()

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``, the regex tried only where a match can start
        (:class:`pipeline.regex_analysis.Scanner`)."""
        return scanner_of(self.regex).matches(text)


@dataclass(frozen=True)
class RuleFile:
    """A validated pattern file: its patterns, expanded fragments and word mappings."""

    origin: str
    patterns: tuple[RulePattern, ...]
    fragments: Mapping[str, str]
    words: Mapping[str, Mapping[str, str]]

    def by_kind(self, kind: str) -> tuple[RulePattern, ...]:
        """The patterns of one kind, in file order."""
        return tuple(p for p in self.patterns if p.kind == kind)

    def get(self, name: str) -> RulePattern:
        """The pattern called ``name``."""
        return next(p for p in self.patterns if p.name == name)

    def compile(self, template: str) -> re.Pattern[str]:
        """Compile a template that uses this file's fragments."""
        return re.compile(expand(template, self.fragments, self.origin))


def expand(template: str, fragments: Mapping[str, str], where: str) -> str:
    """Replace ``{{NAME}}`` by its fragment, recursively; unknown names raise naming ``where``."""
    for _ in range(12):
        names = _PLACEHOLDER.findall(template)
        if not names:
            return template
        unknown = [n for n in names if n not in fragments]
        if unknown:
            raise PatternError(f"{where}: unknown fragment(s) {sorted(set(unknown))}")
        template = _PLACEHOLDER.sub(lambda m: fragments[m.group(1)], template)
    raise PatternError(f"{where}: fragments nest too deeply (a fragment refers to itself?)")


def _examples(raw: Any, where: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    ex = raw or {}
    if not isinstance(ex, dict):
        raise PatternError(f"{where}: examples must be a mapping")
    matches = []
    for item in ex.get("match") or []:
        if not (isinstance(item, list) and len(item) == 2):
            raise PatternError(f"{where}: a match example is [text, span] or [text, [spans]]")
        spans = item[1] if isinstance(item[1], list) else [item[1]]
        missing = [s for s in spans if str(s) not in str(item[0])]
        if missing:
            raise PatternError(f"{where}: example span(s) {missing} not in {item[0]!r}")
        matches.append((str(item[0]), tuple(str(s) for s in spans)))
    return tuple(matches), tuple(str(x) for x in ex.get("no_match") or [])


def load_rule_file(resource: str, builtins: Mapping[str, str], kinds: frozenset[str],
                   word_values: Mapping[str, frozenset[str]]) -> RuleFile:
    """Read and validate ``pipeline/data/patterns/<resource>``; errors name the file and pattern."""
    origin = f"pipeline/data/patterns/{resource}"
    text = resources.files("pipeline.data.patterns").joinpath(resource).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PatternError(f"{origin}: not valid YAML: {exc}") from exc
    return parse_rule_file(data, origin, builtins, kinds, word_values)


def parse_rule_file(data: Any, origin: str, builtins: Mapping[str, str], kinds: frozenset[str],
                    word_values: Mapping[str, frozenset[str]]) -> RuleFile:
    """Validate a pattern file's content: fragments expand, regexes compile, kinds and words known."""
    if not isinstance(data, dict) or not isinstance(data.get("patterns"), list):
        raise PatternError(f"{origin}: expected a mapping with a 'patterns' list")
    fragments = dict(builtins)
    for key, value in (data.get("fragments") or {}).items():
        fragments[str(key)] = str(value)
    for key in list(fragments):
        fragments[key] = expand(fragments[key], fragments, f"{origin}: fragment {key}")
    if "member" in data:
        fragments["member"] = expand(str(data["member"]), fragments, f"{origin}: member")
    words: dict[str, dict[str, str]] = {}
    for key, allowed in word_values.items():
        mapping = {str(k).lower(): str(v) for k, v in (data.get(key) or {}).items()}
        bad = sorted({v for v in mapping.values() if v not in allowed})
        if not mapping or bad:
            raise PatternError(f"{origin}: '{key}' must map words to {sorted(allowed)}; bad: {bad}")
        words[key] = mapping
    patterns, names = [], set()
    for n, raw in enumerate(data["patterns"], start=1):
        name = raw.get("name", "?") if isinstance(raw, dict) else "?"
        where = f"{origin}: pattern {n} ({name})"
        if not isinstance(raw, dict) or not raw.get("name") or not raw.get("regex"):
            raise PatternError(f"{where}: needs 'name' and 'regex'")
        if raw.get("kind") not in kinds or name in names:
            raise PatternError(f"{where}: kind must be one of {sorted(kinds)} and names unique")
        names.add(name)
        try:
            regex = re.compile(expand(str(raw["regex"]), fragments, where))
        except re.error as exc:
            raise PatternError(f"{where}: bad regex: {exc}") from exc
        patterns.append(RulePattern(name, raw["kind"], regex, *_examples(raw.get("examples"), where)))
    return RuleFile(origin, tuple(patterns), fragments, words)


@cache
def lab_rules() -> RuleFile:
    """The packaged LAB patterns, loaded and validated once."""
    return load_rule_file(RESOURCE, {"LEXICON": analyte_pattern()},
                          frozenset({"value", "qualified", "adjacent", "predicate", "context"}),
                          {"qualifiers": QUALS})


def qualifier_of(text: str, rules: RuleFile | None = None) -> str | None:
    """The `qual` named by the first qualifier word in ``text`` (``"was elevated ("`` -> elevated)."""
    mapping = (rules or lab_rules()).words["qualifiers"]
    for word in _LETTERS.findall(text):
        if word.lower() in mapping:
            return mapping[word.lower()]
    return None


def _attrs(analyte: str, value: str | None = None, unit: str | None = None,
           qual: str | None = None, value_from: str | None = None) -> dict[str, str]:
    out = {"analyte": analyte}
    for key, raw in (("value", value), ("value_from", value_from)):
        number = parse_number(raw) if raw else None
        if number is not None:
            out[key] = format_number(number)
    ucum = parse_unit(unit) if unit else None
    if ucum:
        out["unit"] = ucum
    if qual:
        out["qual"] = qual
    return out


def _context_qual(text: str, start: int, rules: RuleFile) -> str | None:
    """A qualifier just before a value mention, or before the parenthesis that encloses it."""
    before = text[max(0, start - 160):start]
    sentence = _SENTENCE_BREAK.split(before)[-1]
    adjacent, enclosing = rules.get("qualifier_before").regex, rules.get("qualifier_enclosing").regex
    m = adjacent.search(sentence)
    if m:
        return qualifier_of(m["qual"], rules)
    depth = 0
    for i in range(len(sentence) - 1, -1, -1):
        if sentence[i] == ")":
            depth += 1
        elif sentence[i] == "(":
            if depth == 0:
                m = enclosing.search(sentence[: i + 1])
                return qualifier_of(m["qual"], rules) if m else None
            depth -= 1
    return None


def run_pattern(pattern: RulePattern, text: str, rules: RuleFile | None = None) -> list[Found]:
    """The LAB mentions one pattern finds in ``text`` (context patterns find none)."""
    if pattern.kind == "context":
        return []
    rules = rules or lab_rules()
    member = re.compile(rules.fragments["member"])
    out: list[Found] = []
    for m in pattern.matches(text):
        g = m.groupdict()
        if pattern.kind == "value":
            analyte = lookup_analyte(g["analyte"])
            qual = qualifier_of(g.get("link") or "", rules) or _context_qual(text, m.start(), rules)
            if analyte:
                out.append(Found("LAB", m.start(), m.end(), _attrs(
                    analyte, g["value"], g["unit"], qual, g.get("value_from")), pattern.name))
        elif pattern.kind == "adjacent":
            analyte = lookup_analyte(g["analyte"])
            if analyte:
                out.append(Found("LAB", m.start(), m.end(), _attrs(
                    analyte, g.get("value"), g.get("unit"), qualifier_of(g["qual"], rules)),
                    pattern.name))
        elif pattern.kind in ("qualified", "predicate"):
            out += _list_mentions(m, member, pattern, rules)
    return out


def pattern_texts(pattern: RulePattern, text: str) -> tuple[str, ...]:
    """What one pattern finds in ``text``, as its examples state it (for the example tests)."""
    if pattern.kind == "context":
        m = pattern.regex.search(text)
        return (m["qual"],) if m else ()
    return tuple(text[f.start:f.end] for f in run_pattern(pattern, text))


def _list_mentions(m: re.Match[str], member: re.Pattern[str], pattern: RulePattern,
                   rules: RuleFile) -> list[Found]:
    qual = qualifier_of(m["qual"] or m.groupdict().get("vqual") or "", rules)
    base = m.start("list")
    members = list(member.finditer(m["list"]))
    out = []
    for i, mem in enumerate(members):
        analyte = lookup_analyte(mem["analyte"])
        if not analyte:
            continue
        start, end = base + mem.start(), base + mem.end()
        value = unit = None
        if pattern.kind == "qualified" and i == 0:
            start = m.start()
            if len(members) == 1 and m.groupdict().get("value"):
                end, value, unit = m.end("unit"), m["value"], m["unit"]
        out.append(Found("LAB", start, end, _attrs(analyte, value, unit, qual), pattern.name))
    return out


def resolve(ranked: Iterable[tuple[int, Found]]) -> list[Found]:
    """Keep mentions by rank (lower first), dropping any that overlaps one already kept."""
    kept: list[Found] = []
    taken = Spans()
    for _rank, f in sorted(ranked, key=lambda rf: (rf[0], rf[1].start, -rf[1].end)):
        if not taken.overlaps(f.start, f.end):
            kept.append(f)
            taken.add(f.start, f.end)
    return sorted(kept, key=lambda f: (f.start, f.end))


def find_labs(text: str, tables: Sequence[Table] | None = None) -> list[Found]:
    """LAB mentions in a clean text; with ``tables``, also the values of analyte columns/rows."""
    from pipeline.extractors.scores import table_values  # shared table reading

    rules = lab_rules()
    ranked: list[tuple[int, Found]] = [(0, f) for f in table_values(text, tables or [], "LAB")]
    for rank, pattern in enumerate(rules.patterns, start=1):
        for f in run_pattern(pattern, text, rules):
            if "\t" not in text[f.start:f.end] and "|" not in text[f.start:f.end]:
                ranked.append((rank, f))
    return resolve(ranked)
