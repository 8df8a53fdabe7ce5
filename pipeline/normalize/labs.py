"""LAB normalisation: analyte names, numbers, units as UCUM, and conversion to canonical units.

The analyte lexicon is ``pipeline/data/analytes.tsv`` (surface form -> analyte code, the
analyte's canonical UCUM unit, a molar mass where mass and amount must be converted), validated
on load with errors naming the file and line. Everything here is a pure function of its input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from pipeline.tsv import LexiconError, check_unique_attrs, check_unique_surfaces, read_tsv

ANALYTES_RESOURCE = "analytes.tsv"
ANALYTE_COLUMNS = ("surface", "analyte", "unit", "molar_mass", "match")
_ANALYTE_CODE = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
T = TypeVar("T")


@dataclass(frozen=True)
class Analyte:
    """An analyte code with its canonical UCUM unit ('' for qualitative-only analytes)."""

    code: str
    unit: str
    molar_mass: float | None = None


@dataclass(frozen=True)
class AnalyteForm:
    """One surface form of an analyte from the lexicon."""

    surface: str
    analyte: str
    exact: bool
    line: int


@dataclass(frozen=True)
class Measurement:
    """A number with its unit as UCUM (``15.32`` ``10*9/L``)."""

    value: float
    unit: str


@cache
def analyte_lexicon() -> tuple[tuple[AnalyteForm, ...], dict[str, Analyte]]:
    """The analyte forms and the analytes they name, loaded and validated once."""
    origin = f"pipeline/data/{ANALYTES_RESOURCE}"
    return build_analytes(read_tsv(ANALYTES_RESOURCE, ANALYTE_COLUMNS), origin)


def build_analytes(rows: list[tuple[int, dict[str, str]]], origin: str
                   ) -> tuple[tuple[AnalyteForm, ...], dict[str, Analyte]]:
    """Validate analyte lexicon rows: codes, unique forms, one UCUM unit per analyte."""
    check_unique_attrs(origin, rows, "analyte", ("unit", "molar_mass"))
    forms: list[AnalyteForm] = []
    analytes: dict[str, Analyte] = {}
    check_unique_surfaces(rows, origin)
    for n, rec in rows:
        if not rec["surface"] or not _ANALYTE_CODE.fullmatch(rec["analyte"]):
            raise LexiconError(f"{origin}:{n}: needs a surface and an analyte code like 'il6'")
        exact = rec["match"] == "exact"
        if rec["unit"] and _pint_units(rec["unit"]) is None:
            raise LexiconError(f"{origin}:{n}: unit {rec['unit']!r} is not a UCUM unit we read")
        try:
            mass = float(rec["molar_mass"]) if rec["molar_mass"] else None
        except ValueError as exc:
            raise LexiconError(f"{origin}:{n}: molar_mass {rec['molar_mass']!r}") from exc
        forms.append(AnalyteForm(rec["surface"], rec["analyte"], exact, n))
        analytes[rec["analyte"]] = Analyte(rec["analyte"], rec["unit"], mass)
    return tuple(forms), analytes


def surface_regex(surface: str, exact: bool) -> str:
    """A regex for a lexicon surface form: spaces match white space, hyphens a line-broken hyphen."""
    parts = []
    for token in re.split(r"(\s+|-)", surface):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
        elif token == "-":
            parts.append(r"-[ \t]?\n?")
        else:
            parts.append(re.escape(token))
    body = "".join(parts)
    return body if exact else f"(?i:{body})"


def analyte_pattern() -> str:
    """Alternation of every analyte surface form, longest first, delimited as whole words."""
    forms = sorted(analyte_lexicon()[0], key=lambda f: -len(f.surface))
    alternatives = "|".join(surface_regex(f.surface, f.exact) for f in forms)
    return rf"(?<![\w-])(?:{alternatives})(?![\w-])"


_SPACES = re.compile(r"\s+")
_HYPHEN_SPACE = re.compile(r"-\s+")


def squash(text: str) -> str:
    """A surface form as the lexicons write it: one space between words, none after a hyphen."""
    return _HYPHEN_SPACE.sub("-", _SPACES.sub(" ", text.strip()))


class FormIndex(Generic[T]):
    """The first of a lexicon's forms that a text names: case-sensitive forms by their surface,
    the others by their surface in lower case."""

    def __init__(self, forms: Iterable[tuple[str, bool, T]]) -> None:
        self.exact: dict[str, tuple[int, T]] = {}
        self.lower: dict[str, tuple[int, T]] = {}
        for n, (surface, exact, value) in enumerate(forms):
            index = self.exact if exact else self.lower
            index.setdefault(surface if exact else surface.lower(), (n, value))

    def get(self, text: str) -> T | None:
        """The value of the first form that ``text`` is, or None."""
        hits = [hit for hit in (self.exact.get(text), self.lower.get(text.lower())) if hit is not None]
        return min(hits, key=lambda hit: hit[0])[1] if hits else None


@cache
def _analyte_index() -> FormIndex[str]:
    return FormIndex((f.surface, f.exact, f.analyte) for f in analyte_lexicon()[0])


def lookup_analyte(surface: str) -> str | None:
    """The analyte code of a surface form (``"serum ferritin"`` is not one; ``"ferritin"`` is)."""
    return _analyte_index().get(squash(surface))


def analyte_unit(code: str) -> str | None:
    """The canonical UCUM unit of an analyte, or None for an unknown or qualitative analyte."""
    info = analyte_lexicon()[1].get(code)
    return (info.unit or None) if info else None


def parse_number(text: str) -> float | None:
    """A number as written, thousands separators removed: ``"1,103.8"`` -> 1103.8."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", ""))
    return value if math.isfinite(value) else None  # hundreds of digits overflow to inf


_UNIT_SPELLING: tuple[tuple[str, str], ...] = (
    (r"^(?:[×xX*]\s*)?10\s*(?:\^|\*|\*\*)?\s*(\d{1,2})\s*/\s*[lL]$", r"10*\1/L"),
    (r"^(?:[×xX*]\s*)?10\s*(?:\^|\*|\*\*)?\s*(\d{1,2})\s*/\s*[µμu][lL]$", r"10*\1/uL"),
    (r"^(?:cells\s*)?/\s*(?:mm3|mm\^3|mm³|cu\s*mm)$", "/mm3"),
    (r"^(?:cells\s*)?/\s*[µμu][lL]$", "/uL"),
    (r"^mm\s*/\s*(?:h|hr|hour|1\s*h)$", "mm/h"),
    # the kilo prefix is kept: kIU/L is 1000 IU/L (equal to IU/mL), not IU/L
    (r"^(?:([kK]?)IU|iu)\s*/\s*(m?)[lL]$", r"\1[iU]/\2L"),
    (r"^(?:([kK]?)U|u)\s*/\s*(m?)[lL]$", r"\1U/\2L"),
    (r"^([munpfµμ]?)(g|mol)\s*/\s*([dm]?)[lL]$", r"\1\2/\3L"),
    (r"^%$", "%"),
)


# ASCII digits only: "10^٩/L" would give a unit that pint, and so to_canonical, cannot read
_UNIT_FORMS = tuple((re.compile(pattern, re.ASCII), replacement) for pattern, replacement in _UNIT_SPELLING)


def parse_unit(text: str) -> str | None:
    """A unit as written, in UCUM: ``"× 10^9/L"`` -> ``10*9/L``, ``"pg/ml"`` -> ``pg/mL``."""
    raw = _SPACES.sub(" ", text.strip())
    for pattern, replacement in _UNIT_FORMS:
        m = pattern.match(raw)
        if m:
            unit = m.expand(replacement).replace("µ", "u").replace("μ", "u")
            return unit[0].lower() + unit[1:] if unit[0] == "K" else unit  # KIU -> k[iU]
    return None


_MEASUREMENT = re.compile(r"\s*(\d[\d,]*(?:\.\d+)?)\s*(\S.*?)\s*", re.S)


def parse_measurement(text: str) -> Measurement | None:
    """A value with its unit: ``"1,103.8 U/L"`` -> Measurement(1103.8, "U/L")."""
    m = _MEASUREMENT.fullmatch(text)
    if not m:
        return None
    value, unit = parse_number(m.group(1)), parse_unit(m.group(2))
    return Measurement(value, unit) if value is not None and unit is not None else None


@cache
def _registry() -> Any:
    import pint  # imported here: nothing heavy at import time

    ureg: Any = pint.UnitRegistry()
    ureg.define("international_unit = [international_unit] = IU")
    return ureg


# What a UCUM unit of this module can look like. Anything else is refused before pint sees it:
# pint evaluates what it parses, and "9**9**9" would run for minutes.
_UCUM_SHAPE = re.compile(r"[A-Za-z0-9/*.%\[\]]{1,20}")
_POWER_OF_TEN = re.compile(r"^10\*(\d+)/")
_PER = re.compile(r"^/")


def _pint_units(ucum: str) -> str | None:
    """A UCUM unit as a pint expression, or None for one we do not read."""
    if not _UCUM_SHAPE.fullmatch(ucum) or "**" in ucum:
        return None
    expr = _POWER_OF_TEN.sub(r"1e\1/", ucum)
    expr = expr.replace("[iU]", "IU").replace("%", "percent")
    expr = _PER.sub("1/", expr).replace("mm3", "mm**3")
    try:
        _registry()(expr)
    except Exception:
        return None
    return expr


def to_canonical(analyte: str, value: float, unit: str) -> tuple[float, str] | None:
    """``value unit`` in the analyte's canonical unit, or None when it cannot be converted.

    Mass and amount of substance convert through the lexicon's molar mass; a misprinted unit
    (ferritin in ``U/L``) or an unknown analyte gives None. Results are rounded to 6 places.
    """
    info = analyte_lexicon()[1].get(analyte)
    source, target = _pint_units(unit), info.unit if info else ""
    if info is None or not target or source is None:
        return None
    ureg = _registry()
    quantity, scale = value * ureg(source), ureg(_pint_units(target))
    try:
        if info.molar_mass is not None:
            with ureg.context("chemistry", mw=info.molar_mass * ureg("g/mol")):
                converted = quantity.to(scale.units)
        else:
            converted = quantity.to(scale.units)
    except Exception:
        return None
    magnitude = float(converted.magnitude) / float(scale.magnitude)
    if not math.isfinite(magnitude):
        return None
    return round(magnitude, 6), target
