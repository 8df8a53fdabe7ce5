"""SCORE normalisation: instrument names, stated values, statistics and spreads.

The instrument lexicon is ``pipeline/data/instruments.tsv`` (surface form -> canonical name, with
the instrument's possible values), validated on load with errors naming the file and line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from pipeline.normalize.labs import FormIndex, parse_number, squash, surface_regex
from pipeline.tsv import LexiconError, check_unique_attrs, check_unique_surfaces, read_tsv

INSTRUMENTS_RESOURCE = "instruments.tsv"
INSTRUMENT_COLUMNS = ("surface", "instrument", "min", "max", "integer", "match")
STATS = ("median", "mean", "average")


@dataclass(frozen=True)
class Instrument:
    """A clinical instrument: canonical name and the values it can take."""

    name: str
    low: float
    high: float
    integer: bool

    def in_range(self, value: float) -> bool:
        """Whether ``value`` lies within the instrument's possible values."""
        return self.low <= value <= self.high

    def accepts_cell(self, written: str) -> bool:
        """Whether a table cell written as ``written`` can hold one patient's score.

        An integer-valued instrument's cell is a whole number written without decimals
        (``"8"``, not ``"10.00"``); aggregates in running text may carry decimals.
        """
        value = parse_number(written.rstrip("*†‡"))
        if value is None or (self.integer and "." in written):
            return False
        return self.in_range(value)


@dataclass(frozen=True)
class InstrumentForm:
    """One surface form of an instrument from the lexicon."""

    surface: str
    instrument: str
    exact: bool
    line: int


@dataclass(frozen=True)
class Spread:
    """The spread stated after an aggregate: ``(range: 7-16)``, ``(IQR: 1.00, 6.00)``."""

    low: float
    high: float
    kind: str


@cache
def instrument_lexicon() -> tuple[tuple[InstrumentForm, ...], dict[str, Instrument]]:
    """The instrument forms and instruments, loaded and validated once."""
    origin = f"pipeline/data/{INSTRUMENTS_RESOURCE}"
    return build_instruments(read_tsv(INSTRUMENTS_RESOURCE, INSTRUMENT_COLUMNS), origin)


def build_instruments(rows: list[tuple[int, dict[str, str]]], origin: str
                      ) -> tuple[tuple[InstrumentForm, ...], dict[str, Instrument]]:
    """Validate instrument lexicon rows: unique forms, one min/max/integer per instrument."""
    check_unique_attrs(origin, rows, "instrument", ("min", "max", "integer"))
    forms: list[InstrumentForm] = []
    instruments: dict[str, Instrument] = {}
    check_unique_surfaces(rows, origin)
    for n, rec in rows:
        if not rec["surface"] or not rec["instrument"]:
            raise LexiconError(f"{origin}:{n}: needs a surface and an instrument")
        if rec["integer"] not in ("yes", "no"):
            raise LexiconError(f"{origin}:{n}: integer must be yes or no, not {rec['integer']!r}")
        low, high = parse_number(rec["min"]), parse_number(rec["max"])
        if low is None or high is None or low > high:
            raise LexiconError(f"{origin}:{n}: min/max must be numbers with min <= max")
        exact = rec["match"] == "exact"
        forms.append(InstrumentForm(rec["surface"], rec["instrument"], exact, n))
        instruments[rec["instrument"]] = Instrument(rec["instrument"], low, high, rec["integer"] == "yes")
    return tuple(forms), instruments


def instrument_pattern() -> str:
    """Alternation of every instrument surface form, longest first, delimited as whole words."""
    forms = sorted(instrument_lexicon()[0], key=lambda f: -len(f.surface))
    alternatives = "|".join(surface_regex(f.surface, f.exact) for f in forms)
    return rf"(?<![\w-])(?:{alternatives})(?![\w-])"


@cache
def _instrument_index() -> FormIndex[Instrument]:
    forms, instruments = instrument_lexicon()
    return FormIndex((f.surface, f.exact, instruments[f.instrument]) for f in forms)


def lookup_instrument(surface: str) -> Instrument | None:
    """The instrument a surface form names (``"SJADAS"`` -> sJADAS), or None."""
    return _instrument_index().get(squash(surface))


def parse_stat(text: str) -> str:
    """The statistic a score is stated as: ``median``, ``mean``, ``average`` or ``value``."""
    word = text.strip().lower()
    return word if word in STATS else "value"


_SPREAD = re.compile(
    r"\(\s*(?P<label>(?:interquartile\s+range|IQR|range)\s*:?\s*)?(?:\[?IQR\]?\s*:?\s*)?"
    r"(?P<low>\d+(?:\.\d+)?)\s*(?:,|-|–|to)\s*(?P<high>\d+(?:\.\d+)?)\s*\)",
    flags=re.I,
)
_IQR = re.compile(r"interquartile|IQR", re.I)


def parse_spread(text: str) -> Spread | None:
    """``"(interquartile range: [IQR]: 1.50, 8.50)"`` -> Spread(1.5, 8.5, "iqr"); unlabelled is a range."""
    m = _SPREAD.fullmatch(text.strip())
    if not m:
        return None
    low, high = float(m["low"]), float(m["high"])
    if low > high or not math.isfinite(high):  # hundreds of digits overflow float() to inf
        return None
    iqr = _IQR.search(text) is not None
    return Spread(low, high, "iqr" if iqr else "range")


def parse_score_value(instrument: str, text: str) -> float | None:
    """A stated value of ``instrument`` (``"4.00"`` -> 4.0), None when it cannot be one."""
    info = instrument_lexicon()[1].get(instrument)
    value = parse_number(text.rstrip("*†‡"))
    if info is None or value is None or not info.in_range(value):
        return None
    return value
