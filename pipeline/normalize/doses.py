"""Posology: a dose expression as written (``480 mg q4w IV``) to a typed :class:`Dose`.

``parse_dose`` reads the whole span or returns ``None``: every piece of the text must be an
amount, a unit, a per-weight or per-surface denominator, a frequency, a route or a total count,
so a text with anything it does not understand is not turned into a half-filled dose.
Attribute formats follow ``annotations/GUIDELINES.md`` §DOSE.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.extractors.found import format_number

NUM = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
UNIT = r"mg|g|µg|μg|ug|mcg|ml|iu|gy|(?:international\s+)?units?"
CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8}
NUMBER_WORDS = {**CARDINALS, "once": 1, "twice": 2, "thrice": 3}
_NW = "|".join(CARDINALS)

UCUM_UNITS = {"mg": "mg", "g": "g", "µg": "ug", "μg": "ug", "ug": "ug", "mcg": "ug",
              "ml": "mL", "iu": "[iU]", "unit": "[iU]", "units": "[iU]",
              "international units": "[iU]", "gy": "Gy"}
PINT_MASS_UNITS = {"mg": "milligram", "g": "gram", "ug": "microgram"}
PER_DAY = {"qd": 1.0, "bid": 2.0, "tid": 3.0, "qid": 4.0, "qod": 0.5, "split": 2.0}
TIMES_A_DAY = {1: "qd", 2: "bid", 3: "tid", 4: "qid"}

# (regex, code): tried in order at each position, so longer phrases come first. "weeks" and
# "times" read their number from the groups n1..n3.
FREQUENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:once\s+)?every\s+(?:other|second|2|two)\s+days?|(?:on\s+)?alternate\s+days"
     r"|q\.o\.d\.?|qod|q\s*48\s*h(?:ours?)?", "qod"),
    (rf"(?:once\s+)?every\s+(?P<n1>\d+|{_NW})\s+weeks?|/\s*(?P<n2>\d+|{_NW})\s*weeks?"
     # g4w: OCR for q4w; two digits for q12w, the code this module writes for "every 12 weeks"
     r"|(?:q\s*|g(?=\dw))(?P<n3>[1-9]\d?)\s*w(?:ee)?k?s?", "weeks"),
    (r"(?:once\s+)?(?:every|a|per)\s+week|(?:once\s+)?weekly|/\s*w(?:ee)?k|q\.w\.?|qwk?", "qw"),
    (rf"/?\s*(?P<n1>once|twice|thrice|(?:\d|{_NW})\s*(?:times|x))\s*(?:/|a|per)\s*d(?:ay)?"
     rf"|(?P<n2>once|twice|thrice|(?:\d|{_NW})\s*(?:times|x))\s+(?:daily|a\s+day)", "times"),
    (r"b\.i\.d\.?|bid|q\s*12\s*h(?:ours?)?", "bid"),
    (r"t\.i\.d\.?|tid|q\s*8\s*h(?:ours?)?", "tid"),
    (r"q\.i\.d\.?|qid|q\s*6\s*h(?:ours?)?", "qid"),
    (r"(?:/|per)\s*d(?:ay)?|a\s+day|daily|every\s+day|q\.d\.?|qd|o\.d\.?|od|q\s*24\s*h(?:ours?)?"
     r"|[·⋅]\s*d(?:ay)?\s*(?:-1|⁻¹)", "qd"),
    (r"p\.r\.n\.?|prn|as\s+needed|when\s+needed|as\s+required|on\s+demand", "prn"),
)
ROUTES: tuple[tuple[str, str], ...] = (
    (r"intravenous(?:ly)?|i\.v\.|iv", "iv"),
    (r"subcutaneous(?:ly)?|subcut|s\.c\.|sc|s\.q\.|sq", "sc"),
    (r"intramuscular(?:ly)?|i\.m\.|im", "im"),
    (r"orally|oral|per\s+os|by\s+mouth|p\.o\.|po", "oral"),
    (r"topical(?:ly)?", "topical"),
)
COUNT = rf"(?P<n1>once|twice|thrice|(?:\d+|{_NW})\s+times)"
PER_WEIGHT = r"(?:/|per\s+)\s*(?P<w>kg|m2|m²|m\^2)|[·⋅]\s*(?P<w2>kg)\s*(?:-1|⁻¹)"
PER_WEIGHT_DAY = r"/\s*\(\s*(?P<w>kg|m2|m²)\s*[/·.]\s*d(?:ay)?\s*\)"
_END = r"(?![\w+\-])"
# A comma between listed amounts. A comma directly followed by exactly three digits is a
# thousands separator, never a list comma: without this rule "111,111,...,111 mg" can be split
# into numbers in 2**(n-1) ways and the regex backtracks exponentially (a hang on 30 groups).
_LIST_COMMA = r"\s*,(?!\d{3}(?!\d))\s*"

_HEAD = re.compile(
    rf"""(?:(?P<a>{NUM})\s*[(\[]\s*(?:range:?\s*)?(?P<lo>{NUM})\s*(?:-|to)\s*(?P<hi>{NUM})\s*[)\]]
        |(?P<rlo>{NUM})\s*(?:-|to)\s*(?P<rhi>{NUM})
        |(?P<alts>(?:{NUM})(?:{_LIST_COMMA}(?:{NUM}))*\s*,?\s*(?:and|or)\s*(?:{NUM}))
        |(?P<single>{NUM}))
        \s*(?P<unit>{UNIT})(?![a-z])""",
    re.IGNORECASE | re.VERBOSE,
)
_SPLIT = (
    re.compile(rf"(?:in\s+the\s+)?morning\s*:?\s*(?P<a1>{NUM})\s*(?P<u1>{UNIT})?\s*[,;]?\s*"
               rf"(?:and\s+)?(?:in\s+the\s+|at\s+)?(?:evening|night|bedtime)\s*:?\s*"
               rf"(?P<a2>{NUM})\s*(?P<u2>{UNIT})", re.IGNORECASE),
    re.compile(rf"(?P<a1>{NUM})\s*(?P<u1>{UNIT})\s+(?:in\s+the\s+)?morning\s*[,;]?\s*"
               rf"(?:and\s+)?(?P<a2>{NUM})\s*(?P<u2>{UNIT})\s+(?:in\s+the\s+|at\s+)?"
               r"(?:evening|night|bedtime)", re.IGNORECASE),
)


@dataclass(frozen=True)
class Dose:
    """A normalised dose; ``amounts`` holds alternatives (``5|10``) or split parts (``0.5+0.25``)."""

    unit: str
    amounts: tuple[float, ...] = ()
    amount_low: float | None = None
    amount_high: float | None = None
    per_kg: bool = False
    per_m2: bool = False
    freq: str | None = None
    per_day: float | None = None
    count: int | None = None
    route: str | None = None
    daily_mg: tuple[float, ...] = ()
    stat: str | None = None

    def attrs(self) -> dict[str, str]:
        """The guideline's DOSE attributes as strings; keys the text does not give are omitted."""
        out: dict[str, str] = {}
        if self.amounts:
            sep = "+" if self.freq == "split" else "|"
            out["amount"] = sep.join(format_number(a) for a in self.amounts)
        if self.amount_low is not None and self.amount_high is not None:
            out["amount_low"] = format_number(self.amount_low)
            out["amount_high"] = format_number(self.amount_high)
        out["unit"] = self.unit
        if self.per_kg:
            out["per_kg"] = "true"
        if self.per_m2:
            out["per_m2"] = "true"
        if self.freq:
            out["freq"] = self.freq
        if self.count is not None:
            out["count"] = str(self.count)
        if self.per_day is not None:
            out["per_day"] = format_number(self.per_day, 4)
        if self.route:
            out["route"] = self.route
        if self.daily_mg:
            out["daily_mg"] = "|".join(format_number(d, 2) for d in self.daily_mg)
        if self.stat:
            out["stat"] = self.stat
        return out


@cache
def _unit_registry() -> Any:
    import pint  # imported here: nothing heavy at import time

    return pint.UnitRegistry()


def mg_factor(unit: str) -> float | None:
    """How many mg one ``unit`` (UCUM) is, or None when the unit is not a mass (mL, [iU])."""
    name = PINT_MASS_UNITS.get(unit)
    if name is None:
        return None
    ureg = _unit_registry()
    return float(ureg.Quantity(1, name).to("milligram").magnitude)


def ucum_unit(text: str) -> str | None:
    """The UCUM code of a written unit (``mcg`` -> ``ug``, ``ml`` -> ``mL``), or None."""
    return UCUM_UNITS.get(text.strip().lower())


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# Counts and week intervals above this are not posology; it also keeps int() away from
# thousands of digits (ValueError past 4300) and 1/(7*n) away from underflowing to 0.
MAX_COUNT_DIGITS = 4


def _count_word(text: str) -> int | None:
    word = re.sub(r"\s*(?:times|x)$", "", text.strip().lower())
    if word.isdigit():
        return int(word) if len(word) <= MAX_COUNT_DIGITS else None
    return NUMBER_WORDS.get(word)


def frequency_code(match: re.Match[str], code: str) -> str | None:
    """The frequency code of a match of one of :data:`FREQUENCIES` (``every 2 weeks`` -> q2w)."""
    if code not in ("weeks", "times"):
        return code
    raw = next((g for g in (match.groupdict().get(k) for k in ("n1", "n2", "n3")) if g), None)
    n = _count_word(raw) if raw else None
    if n is None or n < 1:
        return None
    if code == "times":
        return TIMES_A_DAY.get(n)
    return "qw" if n == 1 else f"q{n}w"


def per_day_of(freq: str | None) -> float | None:
    """Administrations per day of a frequency code; None for ``once``, ``prn`` and unknown."""
    if freq is None:
        return None
    if freq in PER_DAY:
        return PER_DAY[freq]
    # q0w and intervals of thousands of digits are not codes frequency_code makes
    weeks = re.fullmatch(rf"q([1-9]\d{{0,{MAX_COUNT_DIGITS - 1}}})?w", freq)
    return 1 / (7 * int(weeks.group(1) or 1)) if weeks else None


@cache
def _frequency_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"(?:{rx}){_END}", re.I), code) for rx, code in FREQUENCIES)


@cache
def _route_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"(?:{rx}){_END}", re.I), code) for rx, code in ROUTES)


def parse_frequency(text: str) -> str | None:
    """The frequency code of a whole phrase (``twice a day`` -> bid, ``/2 weeks`` -> q2w)."""
    phrase = " ".join(text.split())
    for pattern, code in _frequency_patterns():
        m = pattern.fullmatch(phrase)
        if m:
            return frequency_code(m, code)
    return None


def parse_route(text: str) -> str | None:
    """The route code of a whole phrase (``intramuscularly`` -> im, ``SQ`` -> sc)."""
    phrase = " ".join(text.split())
    return next((code for p, code in _route_patterns() if p.fullmatch(phrase)), None)


@dataclass
class _Modifiers:
    per_kg: bool = False
    per_m2: bool = False
    freqs: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()


def _weight(m: re.Match[str], mods: _Modifiers) -> None:
    if (m.group("w") or m.groupdict().get("w2") or "").lower() == "kg":
        mods.per_kg = True
    else:
        mods.per_m2 = True


_SEPARATOR = re.compile(r"[\s,]+")
_PER_WEIGHT_DAY = re.compile(PER_WEIGHT_DAY, re.I)
_PER_WEIGHT = re.compile(rf"(?:{PER_WEIGHT}){_END}", re.I)
_COUNT = re.compile(rf"{COUNT}{_END}", re.I)


def _first_match(
    patterns: tuple[tuple[re.Pattern[str], str], ...], text: str, pos: int
) -> tuple[re.Match[str], str] | None:
    for pattern, code in patterns:
        m = pattern.match(text, pos)
        if m:
            return m, code
    return None


def _parse_modifiers(rest: str) -> _Modifiers | None:
    """Read everything after the unit; None when any piece is not understood."""
    mods = _Modifiers()
    pos = 0
    while pos < len(rest):
        if m := _SEPARATOR.match(rest, pos):
            pos = m.end()
            continue
        if m := _PER_WEIGHT_DAY.match(rest, pos):
            _weight(m, mods)
            mods.freqs += ("qd",)
        elif m := _PER_WEIGHT.match(rest, pos):
            _weight(m, mods)
        elif freq := _first_match(_frequency_patterns(), rest, pos):
            m, code = freq
            resolved = frequency_code(m, code)
            if resolved is None:
                return None
            mods.freqs += (resolved,)
        elif route := _first_match(_route_patterns(), rest, pos):
            m, code = route
            mods.routes += (code,)
        elif m := _COUNT.match(rest, pos):
            n = _count_word(m.group("n1"))
            if n is None or n < 1:  # "0 times" is no count
                return None
            mods.counts += (n,)
        else:
            return None
        pos = m.end()
    return mods


def _daily_mg(amounts: tuple[float, ...], unit: str, per_day: float | None) -> tuple[float, ...]:
    factor = mg_factor(unit)
    if factor is None or per_day is None:
        return ()
    return tuple(a * factor * per_day for a in amounts)


def _parse_split(text: str) -> Dose | None:
    for pattern in _SPLIT:
        m = pattern.fullmatch(text)
        if not m:
            continue
        u1 = ucum_unit(m.group("u1")) if m.group("u1") else None
        u2 = ucum_unit(m.group("u2"))
        if u2 is None or (u1 is not None and u1 != u2):
            return None
        parts = (_number(m.group("a1")), _number(m.group("a2")))
        if not all(math.isfinite(a) for a in parts):  # hundreds of digits: inf
            return None
        factor = mg_factor(u2)
        daily = (sum(parts) * factor,) if factor is not None else ()
        return Dose(unit=u2, amounts=parts, freq="split", per_day=PER_DAY["split"], daily_mg=daily)
    return None


def parse_dose(text: str) -> Dose | None:
    """Parse a posology expression (``5 mg bid``, ``8 mg/kg/2 weeks, IV``); None if not a dose."""
    flat = " ".join(text.replace("–", "-").split()).strip(" ,;")
    if not flat:
        return None
    if re.search(r"morning|evening|night|bedtime", flat, re.I):
        return _parse_split(flat)
    head = _HEAD.match(flat)
    if head is None:
        return None
    unit = ucum_unit(head.group("unit"))
    mods = _parse_modifiers(flat[head.end():])
    if unit is None or mods is None:
        return None
    if (len(set(mods.freqs)) > 1 or len(set(mods.routes)) > 1 or len(mods.counts) > 1
            or (mods.freqs and mods.counts) or (mods.per_kg and mods.per_m2)):
        return None
    freq = mods.freqs[0] if mods.freqs else ("once" if mods.counts else None)
    amounts: tuple[float, ...] = ()
    low = high = None
    stat = None
    if head.group("a"):
        amounts = (_number(head.group("a")),)
        low, high, stat = _number(head.group("lo")), _number(head.group("hi")), "median"
        if not low <= amounts[0] <= high or low == high:
            return None
    elif head.group("rlo"):
        low, high = _number(head.group("rlo")), _number(head.group("rhi"))
        if low >= high:
            return None
    elif head.group("alts"):
        amounts = tuple(_number(n) for n in re.findall(NUM, head.group("alts")))
    else:
        amounts = (_number(head.group("single")),)
    # hundreds of digits overflow float() to inf: not a dose, and no inf daily_mg downstream
    if not all(math.isfinite(x) for x in (*amounts, low or 0.0, high or 0.0)):
        return None
    per_day = per_day_of(freq)
    per_body = mods.per_kg or mods.per_m2
    return Dose(
        unit=unit, amounts=amounts, amount_low=low, amount_high=high,
        per_kg=mods.per_kg, per_m2=mods.per_m2, freq=freq, per_day=per_day,
        count=mods.counts[0] if mods.counts else None,
        route=mods.routes[0] if mods.routes else None,
        daily_mg=() if per_body else _daily_mg(amounts, unit, per_day), stat=stat,
    )
