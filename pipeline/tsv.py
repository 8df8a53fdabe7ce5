"""Tab-separated data files (lexicons, analyte and instrument tables), read with errors that
name the file and the line."""

from __future__ import annotations

import csv
from importlib import resources


class LexiconError(ValueError):
    """A lexicon file that is malformed; the message names the file and line."""


def read_tsv(resource: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of ``pipeline/data/<resource>`` as (line number, record); ``#`` lines are comments."""
    text = resources.files("pipeline.data").joinpath(resource).read_text(encoding="utf-8")
    return parse_tsv(text, f"pipeline/data/{resource}", required)


def parse_tsv(text: str, origin: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """A lexicon's text as (line number, record) rows; errors name ``origin`` and the line.

    The first line that is not a comment is the header; every row has its columns; a ``match``
    column, where there is one, says ``exact`` or ``lower``.
    """
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.startswith("#")]
    if not rows:
        raise LexiconError(f"{origin}: empty lexicon")
    header = rows[0][1].split("\t")
    missing = [c for c in required if c not in header]
    if missing:
        raise LexiconError(f"{origin}:{rows[0][0]}: header lacks columns {missing}")
    out = []
    for n, line in rows[1:]:
        values = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(values) != len(header):
            raise LexiconError(f"{origin}:{n}: expected {len(header)} columns, found {len(values)}")
        record = dict(zip(header, (v.strip() for v in values), strict=True))
        if record.get("match", "lower") not in ("exact", "lower"):
            raise LexiconError(f"{origin}:{n}: match must be exact or lower, not {record['match']!r}")
        out.append((n, record))
    return out


def check_unique_surfaces(rows: list[tuple[int, dict[str, str]]], origin: str) -> None:
    """No surface form twice: compared as written where ``match`` is ``exact``, lower-cased
    otherwise; the error names both lines."""
    seen: dict[tuple[str, bool], int] = {}
    for n, record in rows:
        exact = record.get("match", "lower") == "exact"
        surface = record["surface"]
        key = (surface if exact else surface.lower(), exact)
        if key in seen:
            raise LexiconError(f"{origin}:{n}: {surface!r} repeats line {seen[key]}")
        seen[key] = n


def check_unique_attrs(origin: str, rows: list[tuple[int, dict[str, str]]], key: str,
                       attrs: tuple[str, ...]) -> None:
    """Every row of one ``key`` value must carry the same ``attrs``; else name the line."""
    seen: dict[str, tuple[int, tuple[str, ...]]] = {}
    for n, rec in rows:
        values = tuple(rec[a] for a in attrs)
        first = seen.setdefault(rec[key], (n, values))
        if first[1] != values:
            raise LexiconError(f"{origin}:{n}: {rec[key]} has {attrs}={values}, "
                               f"but line {first[0]} says {first[1]}")
