"""Compile human-written gold sources (quoted text with context, YAML) to brat standoff.

A source entry names its span by quoting it: ``text`` is the span, ``ctx`` an optional longer
quote around it that occurs exactly once in the document. Any run of white space in a quote
matches any run of white space in the document, so quotes can be written on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.standoff import LABELS, RELATION_TYPES, Annotated, Mention, Relation, StandoffError

RESERVED_KEYS = frozenset({"id", "label", "text", "ctx", "dose_of", "measured_at"})
RELATION_KEYS = {"dose_of": "DOSE_OF", "measured_at": "MEASURED_AT"}
assert set(RELATION_KEYS.values()) <= set(RELATION_TYPES)


@dataclass(frozen=True)
class SourceProblem:
    """One entry that could not be compiled, with where it is."""

    origin: str
    index: int
    message: str

    def __str__(self) -> str:
        return f"{self.origin} entry {self.index}: {self.message}"


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A regex for ``quote`` in which white space matches any run of white space."""
    tokens = quote.split()
    if not tokens:
        raise ValueError("empty quote")
    return re.compile(r"\s+".join(re.escape(t) for t in tokens))


def locate(quote: str, ctx: str | None, text: str) -> tuple[int, int]:
    """Find the one place ``quote`` (inside ``ctx`` when given) stands in ``text``."""
    if ctx is None:
        hits = list(quote_pattern(quote).finditer(text))
        if len(hits) != 1:
            raise ValueError(f"text {quote!r} occurs {len(hits)} times; give a ctx")
        return hits[0].start(), hits[0].end()
    ctx_hits = list(quote_pattern(ctx).finditer(text))
    if len(ctx_hits) != 1:
        raise ValueError(f"ctx {ctx!r} occurs {len(ctx_hits)} times; it must occur once")
    window = ctx_hits[0]
    inner = list(quote_pattern(quote).finditer(text, window.start(), window.end()))
    if len(inner) != 1:
        raise ValueError(f"text {quote!r} occurs {len(inner)} times inside its ctx; it must be once")
    return inner[0].start(), inner[0].end()


def _attr_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value)


def compile_entries(
    entries: Iterable[tuple[str, int, dict[str, Any]]], text: str, doc_id: str
) -> tuple[Annotated, list[SourceProblem]]:
    """Compile ``(origin, index, entry)`` triples against ``text``; problems are collected."""
    problems: list[SourceProblem] = []
    by_id: dict[str, Mention] = {}
    pending: list[tuple[str, int, str, Mention, str]] = []
    seen: dict[tuple[str, int, int], tuple[str, int]] = {}
    mentions: list[Mention] = []
    for origin, index, entry in entries:
        label = entry.get("label")
        quote = entry.get("text")
        if label not in LABELS:
            problems.append(SourceProblem(origin, index, f"unknown label {label!r}"))
            continue
        if not isinstance(quote, str) or not quote.strip():
            problems.append(SourceProblem(origin, index, "missing text"))
            continue
        try:
            start, end = locate(quote, entry.get("ctx"), text)
        except ValueError as exc:
            problems.append(SourceProblem(origin, index, str(exc)))
            continue
        attrs = {k: _attr_value(v) for k, v in entry.items() if k not in RESERVED_KEYS}
        if "patient" not in attrs:
            problems.append(SourceProblem(origin, index, f"{label} {quote!r} has no patient"))
        mention = Mention(label, start, end, text[start:end], attrs, key=str(entry.get("id", "")))
        span_key = (label, start, end)
        if span_key in seen:
            first = seen[span_key]
            problems.append(
                SourceProblem(origin, index, f"duplicate of {first[0]} entry {first[1]}: {quote!r}")
            )
            continue
        seen[span_key] = (origin, index)
        mentions.append(mention)
        if "id" in entry:
            mid = str(entry["id"])
            if mid in by_id:
                problems.append(SourceProblem(origin, index, f"id {mid!r} used twice"))
            by_id[mid] = mention
        for key, rtype in RELATION_KEYS.items():
            if key in entry:
                pending.append((origin, index, rtype, mention, str(entry[key])))
    relations: list[Relation] = []
    for origin, index, rtype, mention, target_id in pending:
        target = by_id.get(target_id)
        if target is None:
            problems.append(SourceProblem(origin, index, f"{rtype} target id {target_id!r} not found"))
            continue
        relations.append(Relation(rtype, mention, target))
    problems.extend(_overlap_problems(mentions))
    return Annotated(doc_id, mentions, relations), problems


def _overlap_problems(mentions: list[Mention]) -> list[SourceProblem]:
    out = []
    ordered = sorted(mentions, key=lambda m: (m.label, m.start, m.end))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.label == b.label and a.overlaps(b):
            out.append(
                SourceProblem("<overlap>", 0, f"{a.label} {a.text!r} overlaps {b.text!r} ({a.start}-{b.end})")
            )
    return out


def load_source_entries(paths: Iterable[Path]) -> list[tuple[str, int, dict[str, Any]]]:
    """Read every YAML source file: each holds a list of entries (mappings)."""
    entries: list[tuple[str, int, dict[str, Any]]] = []
    for path in sorted(paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise StandoffError(f"{path}: not valid YAML: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("mentions", [])
        if not isinstance(data, list):
            raise StandoffError(f"{path}: expected a list of entries")
        for index, entry in enumerate(data, start=1):
            if not isinstance(entry, dict):
                raise StandoffError(f"{path}: entry {index} is not a mapping")
            entries.append((str(path), index, entry))
    return entries


def compile_source_dir(source_dir: Path, text: str) -> tuple[Annotated, list[SourceProblem]]:
    """Compile every ``*.yaml`` in ``annotations/source/<doc_id>/`` against the document text."""
    entries = load_source_entries(source_dir.glob("*.yaml"))
    return compile_entries(entries, text, source_dir.name)


def main(argv: list[str] | None = None) -> int:
    """Check sources: ``python -m pipeline.scoring.gold_source SOURCE_DIR TEXT_FILE``."""
    import sys
    from collections import Counter

    args = sys.argv[1:] if argv is None else argv
    source_dir, text_file = Path(args[0]), Path(args[1])
    text = text_file.read_text(encoding="utf-8")
    annotated, problems = compile_source_dir(source_dir, text)
    for p in problems:
        print(p)
    counts = Counter(m.label for m in annotated.mentions)
    print(f"{len(annotated.mentions)} mentions, {len(annotated.relations)} relations, "
          f"{len(problems)} problems: {dict(sorted(counts.items()))}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
