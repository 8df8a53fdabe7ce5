"""Cleaning that repairs PDF and OCR damage while keeping every offset traceable.

The rules are data (``pipeline/data/cleaning_rules.yaml``); this module validates them, finds
their matches in a source text, and turns accepted matches into edits of an :class:`OffsetMap`.

Most rules find nothing in most documents, and a regex that starts with a lookaround is tried at
every position of the text; so each rule also carries the literal strings its matches cannot do
without (read off the parsed pattern): a document that contains none of them skips the rule, and
where a match cannot reach far from them, only the text around them is searched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from pipeline.ingest.offsets import Edit, OffsetMap, apply_edits
from pipeline.regex_analysis import match_reach, required_literals

RULES_RESOURCE = "cleaning_rules.yaml"

LATEX_SYMBOLS = {
    r"\times": "×",
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\kappa": "κ",
    r"\mu": "μ",
    r"\pm": "±",
    r"\le": "≤",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\cdot": "·",
    r"\%": "%",
}
GREEK_OCR = {"y": "γ", "o": "α"}


class RuleError(ValueError):
    """A cleaning rule that is malformed or fails its own examples."""


@dataclass(frozen=True)
class Context:
    """What a rule may look at beyond its own match: the whole source and its words."""

    source: str

    @cached_property
    def words(self) -> frozenset[str]:
        """The source's words (runs of ``\\w``), lower-cased; read on first use, as few texts need them."""
        return frozenset(w.lower() for w in set(_WORD.findall(self.source)))


Replacer = Callable[[re.Match[str], Context], str | None]


_WORD = re.compile(r"\w+")


def _word_before(text: str, end: int) -> str:
    """The run of word characters (``\\w``: alphanumerics and ``_``) that ends at ``end``."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


def _dehyphenate(match: re.Match[str], ctx: Context) -> str | None:
    """Join a word broken at a line end; drop the hyphen only if the joined word occurs elsewhere."""
    # Read the words around the match in place: slicing the source before and after every
    # match (and searching the slice for r"\w+$") made long texts with many breaks quadratic.
    text = ctx.source
    left = _word_before(text, match.start())
    right = _WORD.match(text, match.end())
    if left and right and (left + right.group(0)).lower() in ctx.words:
        return ""
    return "-"


def _latex_math(match: re.Match[str], ctx: Context) -> str | None:
    """Render simple inline LaTeX (numbers, units, ``\\times``, Greek letters) as plain text."""
    body = match.group("body")
    if not re.search(r"\\[A-Za-z%]|\^|_|\{", body):
        return None  # "$5 and $6" is money, not math
    out = re.sub(r"\\[A-Za-z]+|\\%", lambda m: LATEX_SYMBOLS.get(m.group(0), m.group(0)), body)
    out = re.sub(r"([\^_])\{([^{}]*)\}", r"\1\2", out)
    out = out.replace("\\,", "").replace("\\ ", " ")
    return re.sub(r"[ \t]+", " ", out).strip()


def _greek_letter(match: re.Match[str], ctx: Context) -> str | None:
    return f"{match.group('name')}-{GREEK_OCR[match.group('letter')]}"


def _occurrences(text: str, literal: str) -> Iterator[int]:
    """Every index at which ``literal`` occurs in ``text``, overlapping ones too."""
    index = text.find(literal)
    while index >= 0:
        yield index
        index = text.find(literal, index + 1)


FUNCTIONS: dict[str, Replacer] = {
    "dehyphenate": _dehyphenate,
    "latex_math": _latex_math,
    "greek_letter": _greek_letter,
}


@dataclass(frozen=True)
class CleaningRule:
    """One validated rule from the rules file."""

    name: str
    pattern: re.Pattern[str]
    replace: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()
    function: str | None = None
    requires: re.Pattern[str] | None = None
    replacement_elsewhere: bool = False
    match_examples: tuple[tuple[str, str], ...] = ()
    no_match_examples: tuple[str, ...] = ()
    needs: frozenset[str] | None = None
    """Strings of which every match needs one in the source (None: not known, always search)."""
    reach: int | None = None
    """How far from a match's start what it matches or looks at can lie (None: no bound known)."""

    def may_match(self, source: str) -> bool:
        """Whether ``source`` holds what a match of this rule needs (True does not promise a match)."""
        if self.needs is not None and not any(literal in source for literal in self.needs):
            return False
        return self.requires is None or self.requires.search(source) is not None

    def matches(self, source: str) -> Iterator[re.Match[str]]:
        """The pattern's matches in ``source``, the same as ``pattern.finditer`` gives; where a match
        needs one of a few literals and reaches no further than ``reach`` from its start, only the
        stretches around their occurrences are searched."""
        if self.needs is None or self.reach is None:
            yield from self.pattern.finditer(source)
            return
        reach, search = self.reach, self.pattern.search
        pos = 0
        for found in sorted({i for literal in self.needs for i in _occurrences(source, literal)}):
            # a match that needs the literal found here starts between low and high
            low, high = max(pos, found - reach), found + reach
            while low <= high:
                # such a match reads nothing from ``high + reach`` on, so the cut changes none
                match = search(source, low, high + reach + 2)
                if match is None or match.start() > high:
                    break
                yield match
                pos = low = match.end()  # matches are never empty when ``reach`` is set

    def replacement(self, match: re.Match[str], ctx: Context) -> str | None:
        """The text that replaces ``match``, or None when the rule declines."""
        if self.function:
            out = FUNCTIONS[self.function](match, ctx)
        elif self.mapping:
            out = dict(self.mapping).get(match.group(0))
        else:
            out = match.expand(self.replace or "")
        if out is None or out == match.group(0):
            return None
        if self.replacement_elsewhere and out not in ctx.source:
            return None
        return out


def parse_rules(data: Any, origin: str) -> tuple[CleaningRule, ...]:
    """Validate the rules file's content; errors name the file and the rule."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{origin}: expected a mapping with a 'rules' list")
    rules = []
    for n, raw in enumerate(data["rules"], start=1):
        where = f"{origin}: rule {n} ({raw.get('name', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict) or "name" not in raw or "pattern" not in raw:
            raise RuleError(f"{where}: needs 'name' and 'pattern'")
        ways = [k for k in ("replace", "map", "function") if k in raw]
        if len(ways) != 1:
            raise RuleError(f"{where}: needs exactly one of replace, map, function")
        if "function" in raw and raw["function"] not in FUNCTIONS:
            raise RuleError(f"{where}: unknown function {raw['function']!r}")
        try:
            pattern = re.compile(raw["pattern"])
            requires = re.compile(raw["requires"]) if raw.get("requires") else None
        except re.error as exc:
            raise RuleError(f"{where}: bad regex: {exc}") from exc
        examples = raw.get("examples") or {}
        rules.append(
            CleaningRule(
                name=str(raw["name"]),
                pattern=pattern,
                replace=raw.get("replace"),
                mapping=tuple((raw.get("map") or {}).items()),
                function=raw.get("function"),
                requires=requires,
                replacement_elsewhere=bool(raw.get("replacement_elsewhere", False)),
                match_examples=tuple((str(a), str(b)) for a, b in examples.get("match", [])),
                no_match_examples=tuple(str(x) for x in examples.get("no_match", [])),
                needs=required_literals(pattern),
                reach=match_reach(pattern),
            )
        )
    return tuple(rules)


@cache
def default_rules() -> tuple[CleaningRule, ...]:
    """The packaged cleaning rules, loaded and validated once."""
    ref = resources.files("pipeline.data").joinpath(RULES_RESOURCE)
    return parse_rules(yaml.safe_load(ref.read_text(encoding="utf-8")), f"pipeline/data/{RULES_RESOURCE}")


def find_edits(source: str, rules: Sequence[CleaningRule]) -> list[Edit]:
    """All accepted, non-overlapping edits of ``source``; earlier rules win overlaps."""
    ctx = Context(source)
    accepted: list[Edit] = []
    # spans already taken, kept sorted: they do not overlap, so their starts and ends are both
    # in order and an overlap check is a bisection (a scan of all of them was quadratic)
    starts: list[int] = []
    ends: list[int] = []
    for rule in rules:
        if not rule.may_match(source):
            continue
        for match in rule.matches(source):
            start, end = match.span()
            i = bisect_right(starts, start)
            if start == end or (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
                continue
            out = rule.replacement(match, ctx)
            if out is None:
                continue
            accepted.append(Edit(start, end, out, rule.name))
            starts.insert(i, start)
            ends.insert(i, end)
    return accepted


def clean_text(
    source: str, rules: Sequence[CleaningRule] | None = None
) -> tuple[str, OffsetMap, dict[str, int]]:
    """Clean ``source``; return the clean text, its offset map and how often each rule fired."""
    edits = find_edits(source, default_rules() if rules is None else rules)
    counts: dict[str, int] = {}
    for e in edits:
        counts[e.rule] = counts.get(e.rule, 0) + 1
    text, omap = apply_edits(source, edits)
    return text, omap, counts
