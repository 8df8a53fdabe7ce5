"""The attribution cues of ``pipeline/data/attribution.yaml``, validated on load: every regex
compiles and passes its own examples. :class:`TextCues` searches them in stretches of one text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipeline.regex_analysis import TextStarts, matches_at_start_only, required_literals

_IGNORECASE = int(re.IGNORECASE)  # a plain int: flag arithmetic on the enum is slow
PHASES = ("prior", "at_initiation", "started", "discontinued", "last_followup")
ORIGIN = "pipeline/data/attribution.yaml"


@dataclass(frozen=True)
class Cue:
    """One regex of the file with its examples (``match``: found in; ``no_match``: not found in)."""

    where: str
    regex: re.Pattern[str]
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()
    phase: str = ""
    last_only: bool = False
    at: str = ""  # the measurement time a ``header_times`` cue states
    needs: frozenset[str] | None = None  # every match holds one (lower case if the cue ignores case)
    at_start_only: bool = False  # the regex matches only where the text searched starts

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in ``text``. ``re`` tries a regex that can match only at the start
        there alone, sooner than ``needs`` are looked for in the text."""
        folded = self.regex.flags & _IGNORECASE
        if self.needs is not None and not self.at_start_only and (text.isascii() or not folded):
            # folded literals: ASCII only
            seen = text.lower() if folded else text
            if not any(literal in seen for literal in self.needs):
                return None
        return self.regex.search(text)


@dataclass(frozen=True)
class AttributionRules:
    """Compiled cues for patient attribution and medication phase."""

    other_sections: frozenset[str]
    citation: tuple[Cue, ...]
    own: tuple[Cue, ...]
    definition: tuple[Cue, ...]
    background_parts: frozenset[str]
    cohort: tuple[Cue, ...]
    group: tuple[Cue, ...]
    comparison: Cue
    phase_cues: tuple[Cue, ...]
    leading_time_phrase: Cue
    subclause_conjunctions: Cue
    time_subclause: Cue
    continuing_before: Cue
    phase_fields: tuple[Cue, ...]
    not_taken: Cue
    drug_list_separator: Cue
    new_then_old: Cue
    old_then_new: Cue
    others_unchanged: Cue
    table_headers: tuple[Cue, ...]
    header_times: tuple[Cue, ...]
    admission_event: Cue

    def all_cues(self) -> list[Cue]:
        """Every cue of the file (for the test that runs their examples)."""
        out: list[Cue] = []
        for value in vars(self).values():
            if isinstance(value, Cue):
                out.append(value)
            elif isinstance(value, tuple) and value and isinstance(value[0], Cue):
                out.extend(value)
        return out


class TextCues:
    """Cues searched in stretches of one text: clauses, sentences, the words before a mention.
    Hyperscan reads the whole text once a cue (:meth:`pipeline.regex_analysis.Scanner.starts`) for
    the offsets where a match can start; a stretch without one holds no match, and in one with some
    the regex is tried there alone. A text has many stretches, and ``re`` tries a regex at each
    offset of each, so one pass of compiled code over the text costs less. A cue that matches at
    the start of a stretch only is searched as it is: ``re`` tries it there alone already."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.text_starts = TextStarts(text)
        # by id(): each entry keeps its cues, so that no other object takes the id
        self._merged: dict[int, tuple[tuple[Cue, ...], list[int], list[int], list[int]]] = {}

    def starts(self, cue: Cue) -> list[int] | None:
        """The offsets of the text where a match of ``cue`` can start, in order; None when the
        stretches are searched whole instead."""
        return None if cue.at_start_only else self.text_starts.of(cue.regex)

    def search(self, cue: Cue, start: int, end: int) -> re.Match[str] | None:
        """``cue.search(text[start:end])``: the first match in the stretch."""
        starts = None if cue.at_start_only else self.text_starts.between(cue.regex, start, end)
        if starts is None:
            return cue.search(self.text[start:end])
        if not starts:
            return None
        stretch = self.text[start:end]
        match = cue.regex.match
        for at in starts:
            if found := match(stretch, at - start):
                return found
        return None

    def first(self, cues: tuple[Cue, ...], start: int, end: int) -> Cue | None:
        """The first of ``cues``, in their order, found in ``text[start:end]``. Their match starts
        are merged, so that a stretch where none of them can start is told by one look."""
        known = self._merged.get(id(cues))
        if known is None:
            known = self._merged[id(cues)] = (cues, *self._merge(cues))
        _, offsets, owners, searched_whole = known
        low, high = bisect_left(offsets, start), bisect_left(offsets, end)
        if low == high and not searched_whole:
            return None
        stretch = self.text[start:end]
        found = len(cues)  # the index of the first cue found so far
        for k in range(low, high):
            n = owners[k]
            if n < found and cues[n].regex.match(stretch, offsets[k] - start):
                found = n
        for n in searched_whole:
            if n < found and cues[n].search(stretch):
                found = n
                break
        return cues[found] if found < len(cues) else None

    def any(self, cues: tuple[Cue, ...], start: int, end: int) -> bool:
        """Whether one of ``cues`` is found in ``text[start:end]``."""
        return self.first(cues, start, end) is not None

    def _merge(self, cues: tuple[Cue, ...]) -> tuple[list[int], list[int], list[int]]:
        """The match starts of ``cues`` in order, the index in ``cues`` of the cue of each, and the
        indexes of the cues searched whole."""
        merged = sorted((at, n) for n, cue in enumerate(cues) for at in self.starts(cue) or ())
        return ([at for at, _ in merged], [n for _, n in merged],
                [n for n, cue in enumerate(cues) if self.starts(cue) is None])


def example_problems(cue: Cue) -> list[str]:
    """The examples ``cue`` gets wrong, as messages naming the cue."""
    problems = [f"{cue.where}: example {text!r} is not matched"
                for text in cue.match_examples if not cue.search(text)]
    problems += [f"{cue.where}: no_match example {text!r} is matched"
                 for text in cue.no_match_examples if cue.search(text)]
    return problems


def _cue(raw: Any, where: str, flags: int, phased: bool = False) -> Cue:
    if isinstance(raw, str):
        raw = {"regex": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("regex"), str):
        raise ValueError(f"{ORIGIN}: {where}: needs a regex")
    phase = raw.get("phase", "")
    if phased and phase not in PHASES:
        raise ValueError(f"{ORIGIN}: {where}: unknown phase {phase!r}")
    try:
        regex = re.compile(raw["regex"], flags)
    except re.error as exc:
        raise ValueError(f"{ORIGIN}: {where}: {exc}") from exc
    examples = raw.get("examples") or {}
    cue = Cue(where, regex, tuple(examples.get("match") or ()), tuple(examples.get("no_match") or ()),
              phase, bool(raw.get("last_only", False)), str(raw.get("at", "")),
              required_literals(regex, fold_case=True), matches_at_start_only(regex))
    problems = example_problems(cue)
    if problems:
        raise ValueError(f"{ORIGIN}: {problems[0]}")
    return cue


@cache
def attribution_rules() -> AttributionRules:
    """Load and check ``attribution.yaml``; errors name the file and the entry."""
    data = yaml.safe_load(resources.files("pipeline.data").joinpath("attribution.yaml").read_text("utf-8"))

    def cues(key: str, flags: int = re.I, phased: bool = False) -> tuple[Cue, ...]:
        items = data.get(key)
        if not isinstance(items, list):
            raise ValueError(f"{ORIGIN}: {key} must be a list")
        return tuple(_cue(item, f"{key} entry {n}", flags, phased) for n, item in enumerate(items, start=1))

    def one(key: str, flags: int = re.I) -> Cue:
        path = key.split(".")
        raw: Any = data
        for part in path:
            raw = raw.get(part) if isinstance(raw, dict) else None
        return _cue(raw, key, flags)

    return AttributionRules(
        other_sections=frozenset(data["other_sections"]),
        citation=cues("citation_cues", re.M),
        own=cues("own_cues"),
        definition=cues("definition_cues", re.M),
        background_parts=frozenset(str(x).lower() for x in data["background_abstract_parts"]),
        cohort=cues("cohort_cues"),
        group=cues("group_cues"),
        comparison=one("comparison_before_patient"),
        phase_cues=cues("phase_cues", phased=True),
        leading_time_phrase=one("leading_time_phrase"),
        subclause_conjunctions=one("subclause_conjunctions"),
        time_subclause=one("time_subclause"),
        continuing_before=one("continuing_before"),
        phase_fields=cues("phase_fields", phased=True),
        not_taken=one("not_taken"),
        drug_list_separator=one("drug_list_separator"),
        new_then_old=one("replacement.new_then_old"),
        old_then_new=one("replacement.old_then_new"),
        others_unchanged=one("replacement.others_unchanged"),
        table_headers=cues("table_phase_headers", phased=True),
        header_times=cues("header_times"),
        admission_event=one("admission_event"),
    )
