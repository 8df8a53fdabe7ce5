"""Lexicons as data: TSV files under ``pipeline/data/lexicons/``, validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from pipeline.tsv import LexiconError, check_unique_surfaces, parse_tsv

PACKAGE = "pipeline.data.lexicons"

__all__ = ["LexiconEntry", "LexiconError", "load_lexicon", "load_word_list"]


@dataclass(frozen=True)
class LexiconEntry:
    """One surface form and what it means."""

    surface: str
    fields: tuple[tuple[str, str], ...]
    exact: bool
    line: int

    def get(self, key: str) -> str:
        """A field of the entry (``norm``, ``class``, ...)."""
        return dict(self.fields)[key]


@cache
def load_lexicon(name: str, required: tuple[str, ...] = ("surface", "norm")) -> tuple[LexiconEntry, ...]:
    """Read ``pipeline/data/lexicons/<name>``: a header line, then tab-separated rows.

    Lines starting with ``#`` are comments. A ``match`` column (``exact``/``lower``) says whether
    the surface form is matched case-sensitively; without it, matching ignores case.
    """
    origin = f"pipeline/data/lexicons/{name}"
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    entries = []
    rows = parse_tsv(text, origin, required)
    check_unique_surfaces(rows, origin)
    for n, record in rows:
        if not all(record[c] for c in required):
            raise LexiconError(f"{origin}:{n}: empty value in {required}")
        match = record.pop("match", "lower")
        surface = record.pop("surface")
        entries.append(LexiconEntry(surface, tuple(record.items()), match == "exact", n))
    return tuple(entries)


@cache
def load_word_list(name: str) -> frozenset[str]:
    """A one-item-per-line list (``#`` comments), lower-cased."""
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
