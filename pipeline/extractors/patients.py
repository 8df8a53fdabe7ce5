"""PATIENT: numbered cases, definite references, "a 4-year-old girl", table row numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from pipeline.extractors.found import Found
from pipeline.regex_analysis import scanner_of
from pipeline.segment.model import Table

RESOURCE = "patients.yaml"


@dataclass(frozen=True)
class PatientPattern:
    """A named regex for patient references, with the group that is the span."""

    name: str
    regex: re.Pattern[str]
    group: str | int = 0
    after: str | None = None
    match_examples: tuple[tuple[str, str], ...] = ()
    no_match_examples: tuple[str, ...] = ()


@cache
def patient_patterns() -> tuple[PatientPattern, ...]:
    """The packaged patient patterns, validated (errors name the file and pattern)."""
    origin = f"pipeline/data/patterns/{RESOURCE}"
    data = yaml.safe_load(
        resources.files("pipeline.data.patterns").joinpath(RESOURCE).read_text(encoding="utf-8")
    )
    out = []
    for n, raw in enumerate(data.get("patterns", []), start=1):
        try:
            regex = re.compile(raw["regex"])
        except (KeyError, re.error) as exc:
            raise ValueError(f"{origin}: pattern {n} ({raw.get('name')}): {exc}") from exc
        ex = raw.get("examples") or {}
        out.append(PatientPattern(
            raw["name"], regex, raw.get("group", 0), raw.get("after"),
            tuple((a, b) for a, b in ex.get("match", [])), tuple(ex.get("no_match", [])),
        ))
    return tuple(out)


def find_patients(text: str, tables: list[Table] | None = None) -> list[Found]:
    """PATIENT mentions with ``id`` where the text numbers the patient."""
    found: list[Found] = []
    for pat in patient_patterns():
        if pat.after:
            continue
        for m in scanner_of(pat.regex).matches(text):
            start, end = m.span(pat.group)
            attrs = {"id": m["id"]} if "id" in pat.regex.groupindex else {}
            found.append(Found("PATIENT", start, end, attrs, pat.name))
            if pat.name == "numbered" and m["noun"].lower().endswith("s"):
                found += _continuations(text, end)
    for table in tables or []:
        if not table.flattened and not _numeric_keys(table):
            continue
        for row in table.rows:
            if row.key and row.key.isdigit():
                at = text.index(row.key, row.start)
                found.append(Found("PATIENT", at, at + len(row.key), {"id": row.key}, "table_row"))
    return _dedupe(found)


def _continuations(text: str, pos: int) -> list[Found]:
    cont = next(p for p in patient_patterns() if p.name == "list_continuation")
    out: list[Found] = []
    while True:
        m = cont.regex.match(text, pos)
        if not m:
            return out
        out.append(Found("PATIENT", m.start("id"), m.end("id"), {"id": m["id"]}, cont.name))
        pos = m.end()


def _numeric_keys(table: Table) -> bool:
    return bool(table.rows) and all((r.key or "").isdigit() for r in table.rows)


def _dedupe(found: list[Found]) -> list[Found]:
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in found:
        if out and f.start < out[-1].end:
            continue
        out.append(f)
    return out
